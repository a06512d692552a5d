//===- DataMovement.cpp - Transpose, Concat and Pad -----------------------===//
//
// These kernels only move elements, so they work on any dtype by copying
// elements as unsigned integers of the element's size; only Pad's constant
// needs the real dtype, to convert the fill value.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"

#include <cassert>
#include <cstring>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// Elements per parallel task for plain copies.
constexpr int64_t kCopyGrain = int64_t(1) << 16;

/// Calls `fn(begin, end, index)` for chunks of rows [0, rows) of a row-major
/// tensor with outer dims `outer`, where `index` is the multi-index of
/// `begin` (callers advance it with nextIndex).
template <typename Fn>
void forEachRowChunk(llvm::ArrayRef<int64_t> outer, int64_t rowLength,
                     Fn &&fn) {
  const int64_t rows = numElementsOf(outer);
  const int64_t grain = std::max<int64_t>(1, kCopyGrain / (rowLength + 1));
  parallelChunks(rows, grain, [&](int64_t begin, int64_t end) {
    llvm::SmallVector<int64_t, 6> index(outer.size(), 0);
    for (int64_t d = static_cast<int64_t>(outer.size()) - 1, rest = begin;
         d >= 0; --d) {
      index[d] = rest % outer[d];
      rest /= outer[d];
    }
    fn(begin, end, index);
  });
}

/// Advances a row-major multi-index over `shape` by one.
void nextIndex(llvm::MutableArrayRef<int64_t> index,
               llvm::ArrayRef<int64_t> shape) {
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    if (++index[d] < shape[d])
      return;
    index[d] = 0;
  }
}

/// Source coordinate along one dim for each output coordinate of Pad, or -1
/// where the constant is written.
std::vector<int64_t> padSourceMap(int64_t inSize, int64_t outSize,
                                  int64_t padBegin, PadMode mode) {
  std::vector<int64_t> map(outSize);
  for (int64_t o = 0; o < outSize; ++o) {
    int64_t s = o - padBegin;
    if (s >= 0 && s < inSize) {
      map[o] = s;
      continue;
    }
    switch (mode) {
    case PadMode::Constant:
      map[o] = -1;
      break;
    case PadMode::Edge:
      assert(inSize > 0 && "edge padding of an empty dim");
      map[o] = std::clamp<int64_t>(s, 0, inSize - 1);
      break;
    case PadMode::Reflect: {
      assert(inSize > 0 && "reflect padding of an empty dim");
      // Mirror without repeating the edge, with period 2 * (n - 1); pads
      // wider than the dim keep bouncing, as numpy's 'reflect' does.
      if (inSize == 1) {
        map[o] = 0;
        break;
      }
      const int64_t period = 2 * (inSize - 1);
      s %= period;
      if (s < 0)
        s += period;
      map[o] = s < inSize ? s : period - s;
      break;
    }
    }
  }
  return map;
}

/// The Pad constant converted to the tensor's dtype, as raw bits of U.
template <typename U> U padConstantBits(DType type, double value) {
  U bits = 0;
  if (isHalfPrecision(type)) {
    const uint16_t half = doubleToHalf(type, value);
    std::memcpy(&bits, &half, sizeof(half));
    return bits;
  }
  dispatchDType(type, [&](auto tag) {
    using T = decltype(tag);
    // Only the dtype whose size matches U is ever reached at run time.
    if constexpr (sizeof(T) == sizeof(U)) {
      T converted =
          type == DType::Bool ? T(value != 0.0) : saturatingCast<T>(value);
      std::memcpy(&bits, &converted, sizeof(T));
    }
  });
  return bits;
}

} // namespace

void nncc::runtime::transpose(const Tensor &x, llvm::ArrayRef<int64_t> perm,
                              Tensor &out) {
  const int64_t rank = x.rank();
  assert(static_cast<int64_t>(perm.size()) == rank && out.rank() == rank &&
         out.dtype() == x.dtype() && "Transpose permutation and result");
  if (x.numElements() == 0)
    return;
  // Walk the output in order.  Each output dim steps the input by the
  // stride of the input dim it comes from; unit dims are dropped and runs of
  // dims that stay adjacent in the input are merged.
  const auto inStrides = rowMajorStrides(x.shape());
  llvm::SmallVector<int64_t, 6> sizes, strides;
  for (int64_t i = 0; i < rank; ++i) {
    const int64_t size = x.dim(perm[i]), stride = inStrides[perm[i]];
    assert(out.dim(i) == size && "Transpose result shape");
    if (size == 1)
      continue;
    if (!sizes.empty() && strides.back() == stride * size) {
      sizes.back() *= size;
      strides.back() = stride;
      continue;
    }
    sizes.push_back(size);
    strides.push_back(stride);
  }
  if (sizes.empty()) {
    sizes.push_back(1);
    strides.push_back(1);
  }
  const int64_t inner = sizes.back(), innerStride = strides.back();
  llvm::ArrayRef<int64_t> outer = llvm::ArrayRef(sizes).drop_back();

  dispatchElementSize(dtypeSize(x.dtype()), [&](auto tag) {
    using U = decltype(tag);
    const U *src = static_cast<const U *>(x.raw());
    U *dst = static_cast<U *>(out.raw());
    forEachRowChunk(
        outer, inner,
        [&](int64_t begin, int64_t end, llvm::MutableArrayRef<int64_t> index) {
          for (int64_t row = begin; row < end; ++row, nextIndex(index, outer)) {
            int64_t offset = 0;
            for (size_t d = 0; d < outer.size(); ++d)
              offset += index[d] * strides[d];
            U *o = dst + row * inner;
            for (int64_t i = 0; i < inner; ++i)
              o[i] = src[offset + i * innerStride];
          }
        });
  });
}

void nncc::runtime::concat(llvm::ArrayRef<const Tensor *> inputs, int64_t axis,
                           Tensor &out) {
  assert(axis >= 0 && axis < out.rank() && "Concat axis");
  const size_t elementSize = dtypeSize(out.dtype());
  // Rows are the dims before `axis`; each input contributes a contiguous
  // slab of its trailing dims to every output row.
  const int64_t rows = numElementsOf(out.shape().take_front(axis));
  const size_t outRowBytes =
      static_cast<size_t>(numElementsOf(out.shape().drop_front(axis))) *
      elementSize;
  auto *dst = static_cast<std::byte *>(out.raw());
  size_t columnOffset = 0;
  for (const Tensor *input : inputs) {
    assert(input->dtype() == out.dtype() && input->rank() == out.rank() &&
           "Concat inputs share the result's dtype and rank");
    const size_t slabBytes =
        static_cast<size_t>(numElementsOf(input->shape().drop_front(axis))) *
        elementSize;
    if (slabBytes == 0)
      continue;
    const auto *src = static_cast<const std::byte *>(input->raw());
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(dst + r * outRowBytes + columnOffset, src + r * slabBytes,
                  slabBytes);
    columnOffset += slabBytes;
  }
  assert(columnOffset == outRowBytes && "Concat result shape");
}

void nncc::runtime::pad(const Tensor &x, llvm::ArrayRef<int64_t> padsBegin,
                        llvm::ArrayRef<int64_t> padsEnd, PadMode mode,
                        double value, Tensor &out) {
  const int64_t rank = x.rank();
  assert(static_cast<int64_t>(padsBegin.size()) == rank &&
         static_cast<int64_t>(padsEnd.size()) == rank && out.rank() == rank &&
         out.dtype() == x.dtype() && "Pad operands");
  if (out.numElements() == 0)
    return;
  // Per dim, where each output coordinate reads from.  Negative pads just
  // shift the map, which crops.
  std::vector<std::vector<int64_t>> maps(rank);
  for (int64_t d = 0; d < rank; ++d) {
    assert(out.dim(d) == x.dim(d) + padsBegin[d] + padsEnd[d] &&
           "Pad result shape");
    maps[d] = padSourceMap(x.dim(d), out.dim(d), padsBegin[d], mode);
  }
  // The end pads are implied by the result's shape (checked above).
  (void)padsEnd;
  if (rank == 0) {
    std::memcpy(out.raw(), x.raw(), dtypeSize(x.dtype()));
    return;
  }
  const auto inStrides = rowMajorStrides(x.shape());
  const int64_t inner = out.dim(rank - 1);
  llvm::ArrayRef<int64_t> outer = out.shape().drop_back();
  const std::vector<int64_t> &innerMap = maps[rank - 1];

  dispatchElementSize(dtypeSize(x.dtype()), [&](auto tag) {
    using U = decltype(tag);
    const U fill = padConstantBits<U>(x.dtype(), value);
    const U *src = static_cast<const U *>(x.raw());
    U *dst = static_cast<U *>(out.raw());
    forEachRowChunk(
        outer, inner,
        [&](int64_t begin, int64_t end, llvm::MutableArrayRef<int64_t> index) {
          for (int64_t row = begin; row < end; ++row, nextIndex(index, outer)) {
            U *o = dst + row * inner;
            int64_t offset = 0;
            bool constantRow = false;
            for (int64_t d = 0; d + 1 < rank; ++d) {
              const int64_t s = maps[d][index[d]];
              constantRow |= s < 0;
              offset += s * inStrides[d];
            }
            if (constantRow) {
              std::fill(o, o + inner, fill);
              continue;
            }
            for (int64_t i = 0; i < inner; ++i) {
              const int64_t s = innerMap[i];
              o[i] = s < 0 ? fill : src[offset + s];
            }
          }
        });
  });
}
