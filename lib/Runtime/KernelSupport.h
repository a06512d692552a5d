//===- KernelSupport.h - Private helpers shared by the kernels --*- C++ -*-===//
//
// Small utilities used by several kernel files: chunked parallel loops,
// saturating conversion of attribute values, and row-major stride
// computation.  Not part of the runtime's public interface.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_RUNTIME_KERNELSUPPORT_H
#define NNCC_LIB_RUNTIME_KERNELSUPPORT_H

#include "nncc/Runtime/Parallel.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace nncc::runtime::detail {

/// Chunked parallel loops (nncc/Runtime/Parallel.h), shared with the
/// layer executors.
using runtime::parallelChunks;

/// Converts an attribute value to T, saturating at T's range, because a
/// plain out-of-range float-to-integer conversion is undefined behaviour.
template <typename T> T saturatingCast(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v))
      return T(0);
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest()))
      return std::numeric_limits<T>::lowest();
    // Doubles cannot represent INT64_MAX/UINT64_MAX exactly; the comparison
    // against the rounded-up bound keeps the cast below in range.
    if (v >= static_cast<double>(std::numeric_limits<T>::max()))
      return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

/// Row-major strides (in elements) of `shape`.
inline llvm::SmallVector<int64_t, 6>
rowMajorStrides(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 6> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

} // namespace nncc::runtime::detail

#endif // NNCC_LIB_RUNTIME_KERNELSUPPORT_H
