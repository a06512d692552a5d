//===- AccuracyIntervalTest.cpp - The 95 % interval over chip instances ---===//
//
// accuracyInterval95 (Simulator.h) by hand.  Three instances of 100 images
// at 50 %, 90 % and 70 %: the plain t interval, 0.70 +- 4.303 x 0.2 / sqrt 3
// = [0.203, 1.197], leaves [0, 1] (issue #15 saw 69.77 % [36.0, 103.5]).  On
// the logit scale with (correct + 1/2) / 101:
//   logit(50.5/101) = 0, logit(90.5/101) = 2.15397, logit(70.5/101) = 0.83789;
//   mean 0.99729, s = 1.08580, half = 4.303 x 1.08580 / sqrt 3 = 2.69749;
//   around logit(70.5 / 101) = 0.83789: expit(-1.85960) = 0.134687 and
//   expit(3.53538) = 0.971699, each mapped back through the correction,
//   (q x 101 - 1/2) / 100: 0.131097 and 0.976395.
//
//===----------------------------------------------------------------------===//
#include "nncc/Simulation/Simulator.h"

#include "gtest/gtest.h"

using namespace nncc;

TEST(AccuracyInterval, StaysInsideTheUnitInterval) {
  auto [low, high] = accuracyInterval95({0.5, 0.9, 0.7}, 100);
  EXPECT_NEAR(low, 0.131097, 1e-5);
  EXPECT_NEAR(high, 0.976395, 1e-5);
  // Two instances at 100 %, one at 98 %: the upper end stops at 1, the
  // interval holds the mean (0.9933).
  auto [lo2, hi2] = accuracyInterval95({1.0, 1.0, 0.98}, 100);
  EXPECT_EQ(hi2, 1.0);
  EXPECT_GT(lo2, 0.0);
  EXPECT_LT(lo2, (1.0 + 1.0 + 0.98) / 3);
}

TEST(AccuracyInterval, AgreeingInstancesGiveAPoint) {
  auto [low, high] = accuracyInterval95({0.9028, 0.9028, 0.9028}, 10000);
  EXPECT_EQ(low, 0.9028);
  EXPECT_EQ(high, 0.9028);
  auto [l1, h1] = accuracyInterval95({0.42}, 100);
  EXPECT_EQ(l1, 0.42);
  EXPECT_EQ(h1, 0.42);
}

// An untrained model (float at chance) loses nothing on the chip: the
// chance rule applies only where the reference is above it.
TEST(AccuracyLost, ChanceCountsOnlyAboveIt) {
  EXPECT_TRUE(accuracyLost(0.12, 0.90, 10));  // 78 points below
  EXPECT_TRUE(accuracyLost(0.14, 0.22, 10));  // near chance, from 22 %
  EXPECT_FALSE(accuracyLost(0.11, 0.12, 10)); // the model is at chance
  EXPECT_FALSE(accuracyLost(0.85, 0.90, 10)); // 5 points
}
