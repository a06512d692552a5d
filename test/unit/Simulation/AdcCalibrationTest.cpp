//===- AdcCalibrationTest.cpp - ADC range methods against hand numbers ----===//
//
// chooseAdcRange (AdcCalibration.h) on histograms small enough to work out
// by hand: 64 bins of width 1 over [0, 64], 99 currents in bin 0 (centre
// 0.5) and one rare large current in bin 63 (centre 63.5).
//
//===----------------------------------------------------------------------===//
#include "nncc/Simulation/AdcCalibration.h"

#include "gtest/gtest.h"

#include <vector>

using namespace nncc;

namespace {

std::vector<uint32_t> oneOutlier() {
  std::vector<uint32_t> counts(kAdcHistogramBins, 0);
  counts[0] = 99;
  counts[kAdcHistogramBins - 1] = 1;
  return counts;
}

AdcRangeMethod method(llvm::StringRef spec) {
  llvm::Expected<AdcRangeMethod> m = AdcRangeMethod::parse(spec);
  EXPECT_TRUE(static_cast<bool>(m)) << spec.str();
  return m ? *m : AdcRangeMethod();
}

} // namespace

TEST(AdcCalibration, Parse) {
  EXPECT_EQ(method("max").str(), "max");
  EXPECT_EQ(method("mse").str(), "mse");
  EXPECT_EQ(method("percentile:99.9").str(), "percentile:99.9");
  EXPECT_FALSE(method("max").needsHistogram());
  EXPECT_TRUE(method("mse").needsHistogram());
  for (const char *bad : {"percentile:0", "percentile:101", "percentile:",
                          "percentile", "minmax", ""}) {
    llvm::Expected<AdcRangeMethod> m = AdcRangeMethod::parse(bad);
    EXPECT_FALSE(static_cast<bool>(m)) << bad;
    if (!m)
      llvm::consumeError(m.takeError());
  }
}

// max: the largest current, whatever the histogram says.
TEST(AdcCalibration, MaxKeepsTheTop) {
  EXPECT_EQ(chooseAdcRange(method("max"), oneOutlier(), 64, 15), 64);
  EXPECT_EQ(chooseAdcRange(method("mse"), oneOutlier(), 0, 15), 0);
}

// percentile p: the smallest bin edge with p % of the 100 currents below:
// 99 % -> the edge of bin 0 (1); 99.5 % and 100 % need the outlier (64).
TEST(AdcCalibration, Percentile) {
  EXPECT_EQ(chooseAdcRange(method("percentile:99"), oneOutlier(), 64, 15), 1);
  EXPECT_EQ(chooseAdcRange(method("percentile:99.5"), oneOutlier(), 64, 15),
            64);
  EXPECT_EQ(chooseAdcRange(method("percentile:100"), oneOutlier(), 64, 15),
            64);
}

// mse with a 4-bit unipolar ADC (15 steps): a range r below the outlier
// costs 99 r^2 / (15^2 x 12) of rounding plus (63.5 - r)^2 of clipping,
// minimal at r = 127 / (2 + 198 / 2700) = 61.25 among real r; on the bin
// edges, E(60) = 132.00 + 12.25 = 144.25, E(61) = 136.44 + 6.25 = 142.69,
// E(62) = 140.95 + 2.25 = 143.20, and the full range E(64) = 100 x
// (64/15)^2 / 12 = 151.70: so 61.
TEST(AdcCalibration, MinimumSquaredError) {
  EXPECT_EQ(chooseAdcRange(method("mse"), oneOutlier(), 64, 15), 61);
  // A finer ADC makes rounding cheaper than clipping: the full range.
  EXPECT_EQ(chooseAdcRange(method("mse"), oneOutlier(), 64, 255), 64);
  // Ten currents in every bin: clipping the top two bins (centres 62.5,
  // 63.5) costs 10 (0.5^2 + 1.5^2) = 25 and saves rounding: E(62) =
  // 620 x 62^2 / 2700 + 25 = 907.7 against E(64) = 970.9, E(63) = 928.6,
  // E(61) = 840.7 + 87.5 = 928.2.
  std::vector<uint32_t> even(kAdcHistogramBins, 10);
  EXPECT_EQ(chooseAdcRange(method("mse"), even, 64, 15), 62);
}

// Column correction: the ideal current regressed on the converted one.
// Converted 1, 2, 3, 4 against ideal 5, 7, 9, 11 (ideal = 2 x + 3): sums
// n 4, Σx 10, Σy 32, Σx² 30, Σxy 90; gain (4·90 − 10·32) / (4·30 − 100) =
// 40 / 20 = 2, offset (32 − 2·10) / 4 = 3.
TEST(ColumnCorrection, ExactLine) {
  double sums[kColumnFitSums] = {};
  for (double x : {1.0, 2.0, 3.0, 4.0})
    addColumnFitPoint(sums, x, 2 * x + 3);
  EXPECT_DOUBLE_EQ(sums[1], 10);
  EXPECT_DOUBLE_EQ(sums[4], 90);
  auto [gain, offset] = columnCorrectionFit(sums);
  EXPECT_DOUBLE_EQ(gain, 2);
  EXPECT_DOUBLE_EQ(offset, 3);
}

// Scatter shrinks the gain (the regression direction that does not
// amplify noise): converted 0, 0, 2, 2 against ideal 0, 2, 0, 2 carry no
// signal, gain 0 -> no correction; against ideal 0, 1, 1, 2: n 4, Σx 4,
// Σy 4, Σx² 8, Σxy 6, gain (24 − 16) / (32 − 16) = 0.5, offset
// (4 − 0.5·4) / 4 = 0.5.
TEST(ColumnCorrection, ScatterShrinksTheGain) {
  double none[kColumnFitSums] = {}, half[kColumnFitSums] = {};
  const double x[] = {0, 0, 2, 2}, flat[] = {0, 2, 0, 2}, some[] = {0, 1, 1, 2};
  for (int i = 0; i < 4; ++i) {
    addColumnFitPoint(none, x[i], flat[i]);
    addColumnFitPoint(half, x[i], some[i]);
  }
  EXPECT_EQ(columnCorrectionFit(none), std::make_pair(1.0, 0.0));
  auto [gain, offset] = columnCorrectionFit(half);
  EXPECT_DOUBLE_EQ(gain, 0.5);
  EXPECT_DOUBLE_EQ(offset, 0.5);
}

// Nothing to fit: one point, or converted currents that never varied (a
// column the inputs never drive), or a falling line: no correction.
TEST(ColumnCorrection, DegenerateFitsCorrectNothing) {
  double one[kColumnFitSums] = {}, constant[kColumnFitSums] = {},
         falling[kColumnFitSums] = {};
  addColumnFitPoint(one, 3, 4);
  for (double y : {1.0, 2.0, 3.0})
    addColumnFitPoint(constant, 5, y);
  for (double x : {1.0, 2.0, 3.0})
    addColumnFitPoint(falling, x, -x);
  EXPECT_EQ(columnCorrectionFit(one), std::make_pair(1.0, 0.0));
  EXPECT_EQ(columnCorrectionFit(constant), std::make_pair(1.0, 0.0));
  EXPECT_EQ(columnCorrectionFit(falling), std::make_pair(1.0, 0.0));
}
