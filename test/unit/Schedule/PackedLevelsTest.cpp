//===- PackedLevelsTest.cpp - Bit-packed cell levels -----------------------===//
#include "nncc/Schedule/PackedLevels.h"

#include <gtest/gtest.h>

#include <random>

using namespace nncc;

namespace {

TEST(PackedLevels, HandPackedBytes) {
  // 3 bits, least significant first: 5 -> bits 0..2 = 1,0,1; 2 -> bits
  // 3..5 = 0,1,0; 7 -> bits 6..8 = 1,1,1; 1 -> bits 9..11 = 1,0,0.
  // Byte 0 = bits 0..7 = 1,0,1,0,1,0,1,1 = 0xd5; byte 1 = bits 8, 9 = 1, 1
  // and zero padding = 0x03.
  PackedLevels p({5, 2, 7, 1}, 3);
  ASSERT_EQ(p.bytes().size(), 2u);
  EXPECT_EQ(p.bytes()[0], 0xd5);
  EXPECT_EQ(p.bytes()[1], 0x03);
  EXPECT_EQ(p.unpack(), (std::vector<uint16_t>{5, 2, 7, 1}));
  // One bit per cell: 8 cells per byte, the ninth in a padded byte.
  PackedLevels q({1, 0, 0, 0, 0, 0, 0, 1, 1}, 1);
  ASSERT_EQ(q.bytes().size(), 2u);
  EXPECT_EQ(q.bytes()[0], 0x81);
  EXPECT_EQ(q.bytes()[1], 0x01);
  EXPECT_EQ(PackedLevels({}, 4).bytes().size(), 0u);
}

TEST(PackedLevels, RoundTripsEveryWidth) {
  std::mt19937 rng(7);
  for (int64_t bits = 1; bits <= 16; ++bits) {
    // Lengths around the 32-bit flushes of the packer.
    for (size_t n : {size_t(1), size_t(31), size_t(33), size_t(1000)}) {
      std::vector<uint16_t> levels(n);
      for (uint16_t &l : levels)
        l = static_cast<uint16_t>(rng() & ((1u << bits) - 1));
      PackedLevels p(levels, bits);
      EXPECT_EQ(p.size(), static_cast<int64_t>(n));
      EXPECT_EQ(p.bytes().size(), (n * bits + 7) / 8) << bits << " " << n;
      ASSERT_EQ(p.unpack(), levels) << bits << " bits, " << n << " levels";
      for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(PackedLevels::read(p.bytes().data(), p.bytes().size(), bits,
                                     i),
                  levels[i]);
      // Padding bits after the last level are zero.
      const uint64_t used = n * bits;
      if (used % 8) {
        EXPECT_EQ(p.bytes().back() >> (used % 8), 0);
      }
    }
  }
}

} // namespace
