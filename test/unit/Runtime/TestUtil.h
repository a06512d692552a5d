//===- TestUtil.h - Helpers shared by the runtime kernel tests --*- C++ -*-===//
//
// Random tensors with fixed seeds, comparisons with a tolerance scaled to the
// magnitude of the expected value, and index helpers for the naive
// reference loops the tests compare the kernels against.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TEST_UNIT_RUNTIME_TESTUTIL_H
#define NNCC_TEST_UNIT_RUNTIME_TESTUTIL_H

#include "nncc/Runtime/Kernels.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>
#include <vector>

namespace nncc::runtime::test {

/// A float tensor of uniform values in [lo, hi) from a fixed-seed engine.
inline Tensor randomTensor(llvm::ArrayRef<int64_t> shape, std::mt19937 &rng,
                           float lo = -1.0f, float hi = 1.0f) {
  Tensor t(DType::F32, shape);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.data<float>()[i] = dist(rng);
  return t;
}

/// Expects `actual` to hold `expected` within an absolute tolerance that
/// grows with the magnitude of each expected value.
inline void expectValuesNear(const Tensor &actual,
                             llvm::ArrayRef<double> expected,
                             double tolerance = 1e-5) {
  ASSERT_EQ(actual.numElements(), static_cast<int64_t>(expected.size()));
  int failures = 0;
  for (int64_t i = 0; i < actual.numElements() && failures < 10; ++i) {
    double got = actual.getAsDouble(i), want = expected[i];
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << "at flat index " << i;
      failures += !std::isnan(got);
      continue;
    }
    bool ok = std::abs(got - want) <= tolerance * (1.0 + std::abs(want));
    EXPECT_TRUE(ok) << "at flat index " << i << ": got " << got << ", expected "
                    << want;
    failures += !ok;
  }
}

/// Expects every element of `actual` to equal `expected` exactly.
inline void expectValuesEq(const Tensor &actual,
                           llvm::ArrayRef<double> expected) {
  ASSERT_EQ(actual.numElements(), static_cast<int64_t>(expected.size()));
  for (int64_t i = 0; i < actual.numElements(); ++i)
    EXPECT_EQ(actual.getAsDouble(i), expected[i]) << "at flat index " << i;
}

/// Multi-index of flat index `flat` in a row-major `shape`.
inline std::vector<int64_t> unflatten(int64_t flat,
                                      llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> index(shape.size());
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return index;
}

/// Flat index of `index` in a row-major `shape`.
inline int64_t flatten(llvm::ArrayRef<int64_t> index,
                       llvm::ArrayRef<int64_t> shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    flat = flat * shape[d] + index[d];
  return flat;
}

/// Window parameters for `spatial` dims with the given per-dim values.
inline WindowParams makeWindow(llvm::ArrayRef<int64_t> kernel,
                               llvm::ArrayRef<int64_t> strides,
                               llvm::ArrayRef<int64_t> dilations,
                               llvm::ArrayRef<int64_t> padsBegin,
                               llvm::ArrayRef<int64_t> padsEnd) {
  WindowParams w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides.assign(strides.begin(), strides.end());
  w.dilations.assign(dilations.begin(), dilations.end());
  w.padsBegin.assign(padsBegin.begin(), padsBegin.end());
  w.padsEnd.assign(padsEnd.begin(), padsEnd.end());
  return w;
}

/// The window's output size along spatial dim `d` for input size `in`, with
/// ONNX's ceil_mode rule that the last window must start inside the input
/// or the leading padding.
inline int64_t windowOutputSize(const WindowParams &w, size_t d, int64_t in,
                                bool ceilMode = false) {
  int64_t span = (w.kernel[d] - 1) * w.dilations[d] + 1;
  int64_t room = in + w.padsBegin[d] + w.padsEnd[d] - span;
  int64_t out = room / w.strides[d] + 1;
  if (ceilMode && room % w.strides[d] != 0) {
    ++out;
    if ((out - 1) * w.strides[d] >= in + w.padsBegin[d])
      --out;
  }
  return out;
}

} // namespace nncc::runtime::test

#endif // NNCC_TEST_UNIT_RUNTIME_TESTUTIL_H
