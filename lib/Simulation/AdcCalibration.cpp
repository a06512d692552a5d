//===- AdcCalibration.cpp - How a column's ADC range is chosen ------------===//
#include "nncc/Simulation/AdcCalibration.h"

#include "nncc/Support/Errors.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace nncc;

double nncc::chooseAdcRange(const AdcRangeMethod &method,
                            llvm::ArrayRef<uint32_t> counts, double top,
                            int64_t maxCode) {
  if (!(top > 0) || method.kind == AdcRangeMethod::Kind::Max)
    return top > 0 ? top : 0.0;
  const int64_t bins = static_cast<int64_t>(counts.size());
  const double width = top / static_cast<double>(bins);
  double total = 0;
  for (uint32_t c : counts)
    total += c;
  if (total == 0)
    return top;
  auto upperEdge = [&](int64_t b) {
    return b + 1 == bins ? top : static_cast<double>(b + 1) * width;
  };

  if (method.kind == AdcRangeMethod::Kind::Percentile) {
    // The smallest upper edge with at least p % of the currents below it.
    const double wanted = method.percentile / 100.0 * total;
    double below = 0;
    for (int64_t b = 0; b < bins; ++b) {
      below += counts[b];
      if (below >= wanted * (1 - 1e-12))
        return upperEdge(b);
    }
    return top;
  }

  // MSE: every current stands at its bin's centre.  For a range at upper
  // edge r, the currents of bins above r clip, (x - r)^2 each, and the
  // rest round, step^2 / 12 each with step = r / maxCode.  Sums over the
  // bins above r (count, Σx, Σx²) make each candidate O(1).
  const double steps = static_cast<double>(std::max<int64_t>(maxCode, 1));
  double aboveCount = 0, aboveSum = 0, aboveSquares = 0;
  double best = top, bestError = std::numeric_limits<double>::infinity();
  for (int64_t b = bins - 1; b >= 0; --b) {
    const double r = upperEdge(b);
    const double step = r / steps;
    const double inside = total - aboveCount;
    const double error = inside * step * step / 12.0 + aboveSquares -
                         2 * r * aboveSum + r * r * aboveCount;
    // Ties go to the wider range (iteration runs from the top down).
    if (error < bestError * (1 - 1e-12)) {
      bestError = error;
      best = r;
    }
    const double centre = (static_cast<double>(b) + 0.5) * width;
    aboveCount += counts[b];
    aboveSum += counts[b] * centre;
    aboveSquares += counts[b] * centre * centre;
  }
  return best;
}

std::pair<double, double> nncc::columnCorrectionFit(const double *sums) {
  const double n = sums[0], sx = sums[1], sy = sums[2], sxx = sums[3],
               sxy = sums[4];
  // n Σx² - (Σx)² is n² times the variance of x: zero when x never varied.
  const double spread = n * sxx - sx * sx;
  if (n < 2 || !(spread > 1e-12 * n * sxx))
    return {1.0, 0.0};
  const double gain = (n * sxy - sx * sy) / spread;
  // The ideal current regressed on the converted one: scatter shrinks the
  // gain towards zero rather than inflating it.  A gain that is not
  // positive says the column's conversions carry no signal.
  if (!(gain > 0) || !std::isfinite(gain))
    return {1.0, 0.0};
  return {gain, (sy - gain * sx) / n};
}
