//===- RoundingTest.cpp - roundToInt64 against std::round -----------------===//
#include "nncc/Support/Rounding.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace nncc;

namespace {
int64_t reference(double x) { return static_cast<int64_t>(std::round(x)); }
} // namespace

// The values where adding one half and truncating goes wrong: halves (away
// from zero), the largest double below a half, the last doubles with a
// fraction below 2^52 and integers above it (where x + 1/2 would round to
// the next even integer), and both signs.
TEST(Rounding, HalvesAndTheEdgesOfTheFractionalRange) {
  const double values[] = {0.0,
                           0.5,
                           1.5,
                           2.5,
                           kBelowHalf,
                           std::nextafter(0.5, 1.0),
                           std::nextafter(1.5, 0.0),
                           0x1.0p52 - 0.5,
                           0x1.0p52 - 1.5,
                           0x1.0p52,
                           0x1.0p52 + 1,
                           0x1.0p53 + 2,
                           4.6e18,
                           1e-300};
  for (double v : values)
    for (double x : {v, -v}) {
      EXPECT_EQ(roundToInt64(x), reference(x)) << x;
    }
}

TEST(Rounding, RandomValuesAndHalves) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> magnitude(-60.0, 62.0);
  for (int i = 0; i < 200000; ++i) {
    double x = std::ldexp(static_cast<double>(rng() >> 11) * 0x1.0p-53,
                          static_cast<int>(magnitude(rng)));
    if (i % 2)
      x = std::floor(x) + 0.5;
    if (rng() & 1)
      x = -x;
    if (std::abs(x) >= 0x1.0p62)
      continue;
    ASSERT_EQ(roundToInt64(x), reference(x)) << x;
  }
}
