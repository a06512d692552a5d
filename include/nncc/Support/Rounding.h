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

#include <cmath>
#include <cstdint>

namespace nncc {

/// The largest double below 1/2.
inline constexpr double kBelowHalf = 0.49999999999999994;

/// static_cast<int64_t>(std::round(x)) for |x| < 2^63, branch-free.
inline int64_t roundToInt64(double x) {
  const int64_t near = static_cast<int64_t>(x + std::copysign(kBelowHalf, x));
  const int64_t integral = static_cast<int64_t>(x);
  return std::abs(x) < 0x1.0p52 ? near : integral;
}

} // namespace nncc

#endif // NNCC_SUPPORT_ROUNDING_H
