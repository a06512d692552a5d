//===- Indexing.cpp - Gather, Slice, Expand and Where ---------------------===//
//
// Kernels that pick elements by index rather than compute them: each output
// element is copied from one place of an input, so like DataMovement.cpp
// they work on any dtype by copying elements as unsigned integers of the
// element's size.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"

#include <cassert>
#include <cstring>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// out[i] = x[offset of i under `strides`], for any dtype.
void stridedCopy(const Tensor &x, int64_t base,
                 const llvm::SmallVector<int64_t, 6> &strides, Tensor &out) {
  dispatchElementSize(dtypeSize(x.dtype()), [&](auto tag) {
    using U = decltype(tag);
    const U *src = static_cast<const U *>(x.raw());
    U *dst = static_cast<U *>(out.raw());
    walkStrided<1>(out.shape(), {strides}, {base},
                   [&](int64_t i, const std::array<int64_t, 1> &offsets) {
                     dst[i] = src[offsets[0]];
                   });
  });
}

} // namespace

void nncc::runtime::gather(const Tensor &data, const Tensor &indices,
                           int64_t axis, Tensor &out) {
  assert(axis >= 0 && axis < data.rank() && out.dtype() == data.dtype() &&
         "Gather operands");
  assert((indices.dtype() == DType::I64 || indices.dtype() == DType::I32) &&
         "Gather indices are I32 or I64");
  // data is [outer, n, inner]; out is [outer, indices..., inner].
  const int64_t outer = numElementsOf(data.shape().take_front(axis));
  const int64_t n = data.dim(axis);
  const int64_t inner = numElementsOf(data.shape().drop_front(axis + 1));
  const int64_t count = indices.numElements();
  assert(out.numElements() == outer * count * inner && "Gather result shape");
  if (out.numElements() == 0)
    return;
  const size_t rowBytes = static_cast<size_t>(inner) * dtypeSize(data.dtype());
  const auto *src = static_cast<const std::byte *>(data.raw());
  auto *dst = static_cast<std::byte *>(out.raw());
  for (int64_t k = 0; k < count; ++k) {
    int64_t index = static_cast<int64_t>(indices.getAsDouble(k));
    if (indices.dtype() == DType::I64) // Exact beyond 2^53.
      index = indices.data<int64_t>()[k];
    if (index < 0)
      index += n;
    const bool inRange = index >= 0 && index < n;
    for (int64_t o = 0; o < outer; ++o) {
      std::byte *to = dst + (o * count + k) * rowBytes;
      if (inRange)
        std::memcpy(to, src + (o * n + index) * rowBytes, rowBytes);
      else
        std::memset(to, 0, rowBytes);
    }
  }
}

void nncc::runtime::slice(const Tensor &x, llvm::ArrayRef<int64_t> start,
                          llvm::ArrayRef<int64_t> step, Tensor &out) {
  const int64_t rank = x.rank();
  assert(static_cast<int64_t>(start.size()) == rank &&
         static_cast<int64_t>(step.size()) == rank && out.rank() == rank &&
         out.dtype() == x.dtype() && "Slice operands");
  if (out.numElements() == 0)
    return;
  const auto inStrides = rowMajorStrides(x.shape());
  llvm::SmallVector<int64_t, 6> strides(rank);
  int64_t base = 0;
  for (int64_t d = 0; d < rank; ++d) {
    assert(start[d] >= 0 && start[d] < x.dim(d) &&
           start[d] + (out.dim(d) - 1) * step[d] >= 0 &&
           start[d] + (out.dim(d) - 1) * step[d] < x.dim(d) &&
           "Slice reads inside its input");
    base += start[d] * inStrides[d];
    strides[d] = step[d] * inStrides[d];
  }
  stridedCopy(x, base, strides, out);
}

void nncc::runtime::expand(const Tensor &x, Tensor &out) {
  assert(out.dtype() == x.dtype() && "Expand keeps the dtype");
  stridedCopy(x, 0, broadcastStrides(x.shape(), out.shape()), out);
}

void nncc::runtime::where(const Tensor &condition, const Tensor &x,
                          const Tensor &y, Tensor &out) {
  assert(condition.dtype() == DType::Bool && x.dtype() == out.dtype() &&
         y.dtype() == out.dtype() && "Where operands");
  const uint8_t *c = condition.data<uint8_t>();
  dispatchElementSize(dtypeSize(out.dtype()), [&](auto tag) {
    using U = decltype(tag);
    const U *a = static_cast<const U *>(x.raw());
    const U *b = static_cast<const U *>(y.raw());
    U *dst = static_cast<U *>(out.raw());
    walkStrided<3>(out.shape(),
                   {broadcastStrides(condition.shape(), out.shape()),
                    broadcastStrides(x.shape(), out.shape()),
                    broadcastStrides(y.shape(), out.shape())},
                   {0, 0, 0},
                   [&](int64_t i, const std::array<int64_t, 3> &offsets) {
                     dst[i] = c[offsets[0]] ? a[offsets[1]] : b[offsets[2]];
                   });
  });
}
