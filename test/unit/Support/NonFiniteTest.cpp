//===- NonFiniteTest.cpp - NaN and infinity search and wording
//-------------===//
#include "nncc/Support/NonFinite.h"

#include "gtest/gtest.h"

#include <limits>
#include <vector>

using namespace nncc;

// The first non-finite element wherever it lies relative to the scan's
// 4,096-element blocks, and none in finite data (the largest float and a
// denormal included).
TEST(NonFinite, FindsTheFirstAcrossBlocks) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> values(10000, 1.0f);
  values[7] = std::numeric_limits<float>::max();
  values[8] = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(findNonFinite(values), std::nullopt);
  EXPECT_EQ(findNonFinite({}), std::nullopt);
  for (size_t at : {size_t(0), size_t(4095), size_t(4096), size_t(9999)}) {
    std::vector<float> v = values;
    v[at] = -inf;
    if (at + 1 < v.size())
      v[at + 1] = nan; // a later one does not hide the first
    EXPECT_EQ(findNonFinite(v), at) << at;
  }
}

TEST(NonFinite, NamesAndIndices) {
  EXPECT_EQ(nonFiniteName(std::numeric_limits<float>::quiet_NaN()), "NaN");
  EXPECT_EQ(nonFiniteName(std::numeric_limits<float>::infinity()), "inf");
  EXPECT_EQ(nonFiniteName(-std::numeric_limits<float>::infinity()), "-inf");
  // Element 29 of [2, 3, 5]: 29 = 1 * 15 + 2 * 5 + 4.
  EXPECT_EQ(formatElementIndex(29, {2, 3, 5}), "1, 2, 4");
  EXPECT_EQ(formatElementIndex(0, {4}), "0");
  EXPECT_EQ(formatElementIndex(0, {}), "");
}
