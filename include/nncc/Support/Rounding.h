//===- Rounding.h - Round half away from zero without libm ------*- C++ -*-===//
//
// std::round is a libm call that baseline x86-64 cannot inline; the
// simulator rounds every ADC conversion and every accumulator, where the
// call cost an eighth of a simulation.  Adding the largest double below
// one half (with x's sign) and truncating rounds half away from zero
// exactly while |x| < 2^52: the sum cannot round up across an integer
// unless x was at or above its half; larger doubles are integers already.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_ROUNDING_H
#define NNCC_SUPPORT_ROUNDING_H

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace nncc {

/// The largest double below 1/2.
inline constexpr double kBelowHalf = 0.49999999999999994;

/// std::round(x) as a double, branch-free and in double arithmetic alone
/// (so that loops of it vectorize on baseline x86-64, which has no vector
/// conversion between doubles and 64-bit integers).  floor(|x| + the
/// largest double below 1/2) by adding and subtracting 2^52, which rounds
/// to an integer, less one where that rounded up.
inline double roundHalfAway(double x) {
  const double magnitude = std::abs(x);
  const double biased = magnitude + kBelowHalf;
  const double rounded = (biased + 0x1.0p52) - 0x1.0p52;
  const double floor = rounded - (rounded > biased ? 1.0 : 0.0);
  return std::copysign(magnitude < 0x1.0p52 ? floor : magnitude, x);
}

/// std::clamp(x, low, high) (NaN stays NaN) as a max and a min, which the
/// compiler turns into vector instructions where std::clamp's reference
/// selection stays a branch.
inline double clampValue(double x, double low, double high) {
  return std::min(std::max(x, low), high);
}

/// std::clamp(std::round(x), low, high), bit for bit (the sign of a zero
/// included), for code ranges within int32: the truncation of x plus
/// kBelowHalf in i32, so that loops of it vectorize.  Clamping to one step
/// outside [low, high] first changes nothing (rounding is monotonic) and
/// keeps x within int32 for the truncation.
inline double roundToCode(double x, double low, double high) {
  x = clampValue(x, low - 1.0, high + 1.0);
  const double t = static_cast<double>(
      static_cast<int32_t>(x + std::copysign(kBelowHalf, x)));
  return clampValue(std::copysign(t, x), low, high);
}

} // namespace nncc

#endif // NNCC_SUPPORT_ROUNDING_H
