//===- AccuracyIntervalTest.cpp - The 95 % interval over chip instances ---===//
//
// accuracyInterval95 (Simulator.h) by hand.  Three instances of 100 images
// at 50 %, 90 % and 70 %: the plain t interval, 0.70 +- 4.303 x 0.2 / sqrt 3
// = [0.203, 1.197], leaves [0, 1] (issue #15 saw 69.77 % [36.0, 103.5]).  On
// the logit scale with (correct + 1/2) / 101:
//   logit(50.5/101) = 0, logit(90.5/101) = 2.1542, logit(70.5/101) = 0.8380;
//   mean 0.9974, s = sqrt((0.9948 + 1.3386 + 0.0254) / 2) = 1.0860,
//   half = 4.303 x 1.0860 / sqrt 3 = 2.6980;
//   around logit(70.5 / 101) = 0.8380: expit(-1.8600) = 0.1347,
//   expit(3.5360) = 0.9717.
//
//===----------------------------------------------------------------------===//
#include "nncc/Simulation/Simulator.h"

#include "gtest/gtest.h"

using namespace nncc;

TEST(AccuracyInterval, StaysInsideTheUnitInterval) {
  auto [low, high] = accuracyInterval95({0.5, 0.9, 0.7}, 100);
  EXPECT_NEAR(low, 0.1347, 5e-4);
  EXPECT_NEAR(high, 0.9717, 5e-4);
  // Every instance at 100 % but one: still below 1, above the mean's side.
  auto [lo2, hi2] = accuracyInterval95({1.0, 1.0, 0.98}, 100);
  EXPECT_LT(hi2, 1.0);
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
