// frame_batch: frame headers as RFC 6455 section 5.7 spells them out, and the gather layout.
#include "gateway/frame_batch.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace parley {
namespace {

std::vector<unsigned> header_of(std::uint64_t size) {
  unsigned char out[frame_batch::max_header_bytes];
  auto n = frame_batch::text_header(size, out);
  return std::vector<unsigned>(out, out + n);
}

TEST(FrameBatch, HeadersUseTheShortestLengthEncoding) {
  // RFC 6455 5.7: "Hello" is 0x81 0x05; 256 bytes use 0x7E + 16 bits; 64 KiB 0x7F + 64 bits.
  EXPECT_EQ(header_of(5), (std::vector<unsigned>{0x81, 0x05}));
  EXPECT_EQ(header_of(0), (std::vector<unsigned>{0x81, 0x00}));
  EXPECT_EQ(header_of(125), (std::vector<unsigned>{0x81, 125}));
  EXPECT_EQ(header_of(126), (std::vector<unsigned>{0x81, 126, 0x00, 126}));
  EXPECT_EQ(header_of(256), (std::vector<unsigned>{0x81, 0x7E, 0x01, 0x00}));
  EXPECT_EQ(header_of(65535), (std::vector<unsigned>{0x81, 126, 0xff, 0xff}));
  EXPECT_EQ(header_of(65536), (std::vector<unsigned>{0x81, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
  EXPECT_EQ(header_of(0x0102030405ULL),
            (std::vector<unsigned>{0x81, 0x7F, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05}));
}

TEST(FrameBatch, EachFrameIsItsHeaderThenTheSharedPayload) {
  std::string a = "hello", b(300, 'x');
  auto batch_ptr = frame_batch::make();
  auto& batch = *batch_ptr;
  batch.add(a);
  batch.add(b);
  EXPECT_EQ(batch.frames(), 2u);
  EXPECT_EQ(batch.payload_bytes(), 305u);
  auto buffers = batch.buffers();
  ASSERT_EQ(buffers.end() - buffers.begin(), 4);
  EXPECT_EQ(buffers.begin()[0].size(), 2u);
  EXPECT_EQ(buffers.begin()[1].data(), a.data());  // not copied
  EXPECT_EQ(buffers.begin()[2].size(), 4u);
  EXPECT_EQ(buffers.begin()[3].data(), b.data());
  EXPECT_EQ(boost::asio::buffer_size(buffers), 2u + 5u + 4u + 300u);
}

TEST(FrameBatch, FillsUpAtMaxFrames) {
  std::string p = "x";
  auto batch_ptr = frame_batch::make();
  auto& batch = *batch_ptr;
  for (std::size_t i = 0; i < frame_batch::max_frames; ++i) {
    EXPECT_FALSE(batch.full());
    batch.add(p);
  }
  EXPECT_TRUE(batch.full());
}

}  // namespace
}  // namespace parley
