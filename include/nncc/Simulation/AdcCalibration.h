//===- AdcCalibration.h - How a column's ADC range is chosen ----*- C++ -*-===//
//
// A chip's periphery calibrates each column's ADC full scale on calibration
// inputs (docs/simulation.md, "ADC range").  The simulator measures every
// column's currents on those inputs and picks the range by the layer's
// method (nncc/Dialect/CIM/AdcRangeMethod.h), one of:
//
//   max          the largest |current| seen: nothing clips, but one rare
//                large current sets a coarse step for all the others;
//   percentile   the p-th percentile of |current|: the rarest currents
//                clip so the step shrinks;
//   mse          the range that minimizes the mean squared conversion
//                error over the calibration currents: rounding error
//                step^2 / 12 for every current inside the range, (|I| -
//                range)^2 for every current above it (MSE-optimal
//                clipping, as post-training quantization does for
//                activations: Banner et al., "ACIQ", 2019).
//
// Percentile and mse see each column's currents as a histogram of
// kAdcHistogramBins equal bins over [0, the column's max]; the range is one
// of the bins' upper edges.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_ADCCALIBRATION_H
#define NNCC_SIMULATION_ADCCALIBRATION_H

#include "nncc/Dialect/CIM/AdcRangeMethod.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <utility>

namespace nncc {

/// Bins of a column's calibration histogram (64: a range to 1/64 of the
/// column's largest current, 256 bytes per column while calibrating).
constexpr int64_t kAdcHistogramBins = 64;

/// The range `method` picks for a column whose calibration |currents| fall
/// in `counts` (kAdcHistogramBins equal bins over [0, top]), converted by an
/// ADC with `maxCode` steps above zero.  A column with no current keeps 0.
double chooseAdcRange(const AdcRangeMethod &method,
                      llvm::ArrayRef<uint32_t> counts, double top,
                      int64_t maxCode);

/// The bin of |current| `value` in a histogram over [0, top].
inline int64_t adcHistogramBin(double value, double top) {
  if (!(top > 0))
    return 0;
  int64_t bin = static_cast<int64_t>(value / top * kAdcHistogramBins);
  return bin < 0 ? 0 : (bin >= kAdcHistogramBins ? kAdcHistogramBins - 1 : bin);
}

/// Sums a column-correction fit keeps per column: n, Σx, Σy, Σx², Σxy of
/// converted (x) against ideal (y) currents.
constexpr int64_t kColumnFitSums = 5;

/// Adds the pair (x, y) to a column's fit sums.
inline void addColumnFitPoint(double *sums, double x, double y) {
  sums[0] += 1;
  sums[1] += x;
  sums[2] += y;
  sums[3] += x * x;
  sums[4] += x * y;
}

/// The least-squares gain and offset of y = gain * x + offset (the ideal
/// current from the converted one) from a column's fit sums; {1, 0} (no correction) when the column saw fewer than
/// two distinct converted currents or the fitted gain is not positive.
std::pair<double, double> columnCorrectionFit(const double *sums);

} // namespace nncc

#endif // NNCC_SIMULATION_ADCCALIBRATION_H
