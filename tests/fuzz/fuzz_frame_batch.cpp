// libFuzzer target: the frame batcher (gateway/frame_batch). The input picks a run of payload
// sizes and bytes; the batch's gather buffers, read back by an independent RFC 6455 reader
// (server frames: FIN, text, unmasked, the shortest length encoding), must give back exactly
// those payloads, in order.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "gateway/frame_batch.hpp"

using namespace parley;

namespace {

// Reads frames from `wire` into payloads; aborts on anything RFC 6455 does not allow here.
std::vector<std::string> read_frames(const std::string& wire) {
  std::vector<std::string> out;
  size_t at = 0;
  auto byte = [&](size_t i) { return static_cast<unsigned char>(wire.at(i)); };
  while (at < wire.size()) {
    if (byte(at) != 0x81) std::abort();  // FIN, no RSV bits, opcode 1 (text)
    unsigned char b1 = byte(at + 1);
    if (b1 & 0x80) std::abort();  // a server never masks
    uint64_t len = b1 & 0x7f;
    size_t header = 2;
    if (len == 126) {
      len = (uint64_t{byte(at + 2)} << 8) | byte(at + 3);
      header = 4;
      if (len < 126) std::abort();  // not the shortest encoding
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | byte(at + 2 + i);
      header = 10;
      if (len <= 0xffff || (len >> 63)) std::abort();
    }
    if (at + header + len > wire.size()) std::abort();
    out.emplace_back(wire, at + header, len);
    at += header + len;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::vector<std::string> payloads;
  size_t i = 0;
  while (i + 2 <= size && payloads.size() < frame_batch::max_frames + 4) {
    unsigned pick = bytes[i];
    size_t len = bytes[i + 1];
    i += 2;
    // Size classes around the 7-, 16- and 64-bit length encodings.
    switch (pick % 4) {
      case 0: break;                                   // 0..255
      case 1: len = 120 + len % 12; break;             // across 125/126
      case 2: len = 65530 + len % 12; break;           // across 65535/65536
      default: len = (len << 8) % 70000; break;        // anything up to ~70 KB
    }
    std::string p(len, 'a');
    for (size_t k = 0; k < len && i < size; ++k, ++i) p[k] = static_cast<char>(bytes[i]);
    payloads.push_back(std::move(p));
  }
  size_t next = 0;
  while (next < payloads.size()) {
    auto batch = frame_batch::make();
    size_t first = next;
    while (!batch->full() && next < payloads.size()) batch->add(payloads[next++]);
    std::string wire;
    size_t payload_bytes = 0;
    for (const auto& b : batch->buffers()) wire.append(static_cast<const char*>(b.data()), b.size());
    auto back = read_frames(wire);
    if (back.size() != batch->frames() || back.size() != next - first) std::abort();
    for (size_t k = 0; k < back.size(); ++k) {
      if (back[k] != payloads[first + k]) std::abort();
      payload_bytes += back[k].size();
    }
    if (payload_bytes != batch->payload_bytes()) std::abort();
  }
  return 0;
}
