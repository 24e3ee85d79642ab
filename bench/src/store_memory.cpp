// parley-store-memory: what one stored message costs in the in-memory message store
// (actors/store/message_store.hpp), measured with the allocator's own figures
// (mallinfo2: bytes in use), against what stored_message::bytes() counts for the bound.
// Stores N messages of a given text length over many private pairs, as a chat node would,
// and prints bytes per message; also the append rate (one thread, no sockets).
//
//   parley-store-memory [MESSAGES] [TEXT_BYTES...]    (default: 200000 100 2000)
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "actors/store/message_store.hpp"

int main(int argc, char** argv) {
  using namespace parley;
  size_t n = argc > 1 ? std::stoul(argv[1]) : 200000;
  std::vector<size_t> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::stoul(argv[i]));
  if (sizes.empty()) sizes = {100, 2000};
  for (auto size : sizes) {
    store_limits limits;
    limits.private_window = 1000000;
    limits.max_bytes = 1ull << 40;  // nothing evicted: every message stays
    auto before = mallinfo2().uordblks;
    auto store = std::make_unique<message_store>(limits);
    std::string text(size, 'x');
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < n; ++i) {
      protocol::chat_message m;
      m.from = "user" + std::to_string(i % 1000);
      m.target = "user" + std::to_string((i * 7 + 1) % 1000);
      m.type = "text";
      m.msg = text;
      m.msg_id = "m" + std::to_string(i);
      auto conv = conversation::pair(101, m.from, m.target);  // before m is moved from
      store->append(conv, std::move(m));
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto used = mallinfo2().uordblks - before;
    auto f = store->stats();
    std::printf("text %zu bytes: %zu messages in %llu conversations, %.0f bytes each in use "
                "(bytes() counts %.0f), %.0f k appends/s\n",
                size, n, static_cast<unsigned long long>(f.conversations),
                static_cast<double>(used) / n, static_cast<double>(f.bytes) / n, n / secs / 1000);
  }
}
