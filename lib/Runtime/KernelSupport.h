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
#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

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

/// Calls `fn(U{})` with U the unsigned integer type of `bytes` bytes: data
/// movement copies elements as raw bits of their size, whatever the dtype.
template <typename Fn> void dispatchElementSize(size_t bytes, Fn &&fn) {
  switch (bytes) {
  case 1:
    return fn(uint8_t{});
  case 2:
    return fn(uint16_t{});
  case 4:
    return fn(uint32_t{});
  case 8:
    return fn(uint64_t{});
  }
  assert(false && "unsupported element size");
}

/// Row-major strides (in elements) of `shape`.
inline llvm::SmallVector<int64_t, 6>
rowMajorStrides(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t, 6> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// Strides of `shape` right-aligned against `outShape` (numpy broadcasting),
/// 0 along the dims it is broadcast in.
inline llvm::SmallVector<int64_t, 6>
broadcastStrides(llvm::ArrayRef<int64_t> shape,
                 llvm::ArrayRef<int64_t> outShape) {
  const int64_t rank = static_cast<int64_t>(outShape.size());
  const int64_t offset = rank - static_cast<int64_t>(shape.size());
  assert(offset >= 0 && "operand rank exceeds the result rank");
  auto contiguous = rowMajorStrides(shape);
  llvm::SmallVector<int64_t, 6> strides(rank, 0);
  for (int64_t i = 0; i < static_cast<int64_t>(shape.size()); ++i) {
    assert((shape[i] == outShape[offset + i] || shape[i] == 1) &&
           "operand is not broadcastable to the result");
    strides[offset + i] = shape[i] == 1 ? 0 : contiguous[i];
  }
  return strides;
}

/// Visits every element of a row-major tensor of `shape` in order, calling
/// `fn(flatIndex, offsets)` with, for each of the N operands, the element
/// offset its `strides` (one per dim of `shape`) and `bases` give.  Serial:
/// the gather-like kernels that use it move little data.
template <size_t N, typename Fn>
void walkStrided(llvm::ArrayRef<int64_t> shape,
                 const std::array<llvm::SmallVector<int64_t, 6>, N> &strides,
                 std::array<int64_t, N> offsets, Fn &&fn) {
  int64_t total = 1;
  for (int64_t d : shape)
    total *= d;
  const int64_t rank = static_cast<int64_t>(shape.size());
  llvm::SmallVector<int64_t, 6> index(rank, 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    fn(flat, offsets);
    for (int64_t d = rank - 1; d >= 0; --d) {
      for (size_t k = 0; k < N; ++k)
        offsets[k] += strides[k][d];
      if (++index[d] < shape[d])
        break;
      for (size_t k = 0; k < N; ++k)
        offsets[k] -= index[d] * strides[k][d];
      index[d] = 0;
    }
  }
}

/// The shapes of a numpy-semantics MatMul (ONNX MatMul): A [..., M, K] times
/// B [..., K, N], a 1-D A promoted to a row [1, K] and a 1-D B to a column
/// [K, 1] (the promoted dims are absent from the output, which does not
/// change its row-major layout), the batch dims broadcast.  Shared by the
/// float and the MAC-array (quantized) kernels so that both index alike.
struct MatMulShape {
  int64_t m = 0, k = 0, n = 0;
  /// The broadcast batch shape and, per batch dim, each operand's stride in
  /// elements (0 along a broadcast dim).
  llvm::SmallVector<int64_t, 6> batchShape, aStrides, bStrides;
  /// Numbers of the broadcast batch and of A's own batch matrices.
  int64_t batches = 1, aBatches = 1;

  static MatMulShape of(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
    llvm::SmallVector<int64_t, 6> aShape(a.begin(), a.end());
    llvm::SmallVector<int64_t, 6> bShape(b.begin(), b.end());
    if (aShape.size() == 1)
      aShape.insert(aShape.begin(), 1);
    if (bShape.size() == 1)
      bShape.push_back(1);
    MatMulShape s;
    s.m = aShape[aShape.size() - 2];
    s.k = aShape.back();
    s.n = bShape.back();
    assert(bShape[bShape.size() - 2] == s.k && "MatMul inner dims differ");
    llvm::ArrayRef<int64_t> aBatch = llvm::ArrayRef(aShape).drop_back(2);
    llvm::ArrayRef<int64_t> bBatch = llvm::ArrayRef(bShape).drop_back(2);
    const int64_t rank =
        static_cast<int64_t>(std::max(aBatch.size(), bBatch.size()));
    s.aStrides = batchStrides(aBatch, rank, s.m * s.k);
    s.bStrides = batchStrides(bBatch, rank, s.k * s.n);
    s.batchShape.assign(rank, 1);
    for (int64_t i = 0; i < rank; ++i) {
      int64_t ai = i - (rank - static_cast<int64_t>(aBatch.size()));
      int64_t bi = i - (rank - static_cast<int64_t>(bBatch.size()));
      int64_t ad = ai >= 0 ? aBatch[ai] : 1, bd = bi >= 0 ? bBatch[bi] : 1;
      assert((ad == bd || ad == 1 || bd == 1) && "batch dims not broadcastable");
      s.batchShape[i] = std::max(ad, bd);
      s.batches *= s.batchShape[i];
    }
    for (int64_t d : aBatch)
      s.aBatches *= d;
    return s;
  }

  /// Where batch matrix `batch` of the output reads A and B (elements).
  std::pair<int64_t, int64_t> offsets(int64_t batch) const {
    int64_t aOffset = 0, bOffset = 0, rest = batch;
    for (int64_t i = static_cast<int64_t>(batchShape.size()) - 1; i >= 0;
         --i) {
      int64_t idx = rest % batchShape[i];
      rest /= batchShape[i];
      aOffset += idx * aStrides[i];
      bOffset += idx * bStrides[i];
    }
    return {aOffset, bOffset};
  }

private:
  /// Broadcast strides (0 along broadcast dims) of `shape` right-aligned
  /// against a batch shape of rank `rank`, for a contiguous tensor whose
  /// batch element is `matrixSize` elements.
  static llvm::SmallVector<int64_t, 6>
  batchStrides(llvm::ArrayRef<int64_t> shape, int64_t rank,
               int64_t matrixSize) {
    llvm::SmallVector<int64_t, 6> strides(rank, 0);
    int64_t stride = matrixSize;
    int64_t offset = rank - static_cast<int64_t>(shape.size());
    for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
      strides[offset + i] = shape[i] == 1 ? 0 : stride;
      stride *= shape[i];
    }
    return strides;
  }
};

} // namespace nncc::runtime::detail

#endif // NNCC_LIB_RUNTIME_KERNELSUPPORT_H
