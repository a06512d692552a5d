//===- RoundingTest.cpp - Rounding.h against std::round -------------------===//
#include "nncc/Support/Rounding.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <utility>

using namespace nncc;

// roundHalfAway: std::round itself, bit for bit (the sign of a zero and of
// the values past 2^52 included).
TEST(Rounding, HalfAwayInDoublesIsStdRound) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> magnitude(-60.0, 70.0);
  auto same = [](double a, double b) {
    return std::memcmp(&a, &b, sizeof(a)) == 0;
  };
  for (double v :
       {0.0, 0.5, 1.5, 2.5, kBelowHalf, 0x1.0p52 - 0.5, 0x1.0p52 - 1.5,
        0x1.0p52, 0x1.0p52 + 1, 0x1.0p53 + 2, 4.6e18, 1e-300, 1e300})
    for (double x : {v, -v})
      EXPECT_TRUE(same(roundHalfAway(x), std::round(x))) << x;
  for (int i = 0; i < 200000; ++i) {
    double x = std::ldexp(static_cast<double>(rng() >> 11) * 0x1.0p-53,
                          static_cast<int>(magnitude(rng)));
    if (i % 2)
      x = std::floor(x) + 0.5;
    if (rng() & 1)
      x = -x;
    ASSERT_TRUE(same(roundHalfAway(x), std::round(x))) << x;
  }
}

// roundToCode: std::clamp(std::round(x), low, high) bit for bit, inside,
// at and beyond the code range (both signs, halves, a zero's sign).
TEST(Rounding, ToCodeIsClampedStdRound) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> value(-300.0, 300.0);
  for (auto [low, high] : {std::pair{-127.0, 127.0}, std::pair{0.0, 255.0},
                           std::pair{-8.0, 7.0}}) {
    auto check = [&](double x) {
      const double want = std::clamp(std::round(x), low, high);
      const double got = roundToCode(x, low, high);
      ASSERT_EQ(std::memcmp(&want, &got, sizeof(got)), 0)
          << x << " in [" << low << ", " << high << "]";
    };
    for (double x : {0.0, -0.0, 0.5, -0.5, kBelowHalf, -kBelowHalf, 1e9, -1e9,
                     high + 0.5, low - 0.5, high - 0.5, low + 0.5})
      check(x);
    for (int i = 0; i < 100000; ++i) {
      double x = value(rng);
      check(i % 2 ? std::floor(x) + 0.5 : x);
    }
  }
}
