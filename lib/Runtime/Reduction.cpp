//===- Reduction.cpp - ReduceSum, ReduceMean, ReduceMax and ReduceMin -----===//
//
// One walk over the input in order; each element lands in the output
// element its kept dims address (the reduced dims step it by 0).  Sums
// accumulate in a wider type than the element: f64 for floats (the
// reference's numpy sums pairwise, f64 is closer to it than a running f32
// sum), int64 for integers.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"

#include <cassert>
#include <limits>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

void nncc::runtime::reduce(ReduceKind kind, const Tensor &x,
                           llvm::ArrayRef<bool> reducedDims, Tensor &out) {
  const int64_t rank = x.rank();
  assert(static_cast<int64_t>(reducedDims.size()) == rank &&
         out.dtype() == x.dtype() && "Reduce operands");
  // Output strides over x's dims: the kept dims' row-major strides.
  llvm::SmallVector<int64_t, 6> kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!reducedDims[d])
      kept.push_back(x.dim(d));
  assert(numElementsOf(kept) == out.numElements() && "Reduce result shape");
  const auto keptStrides = rowMajorStrides(kept);
  llvm::SmallVector<int64_t, 6> strides(rank, 0);
  for (int64_t d = 0, k = 0; d < rank; ++d)
    if (!reducedDims[d])
      strides[d] = keptStrides[k++];
  const int64_t groupSize =
      out.numElements() == 0 ? 0 : x.numElements() / out.numElements();

  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = static_cast<const T *>(x.raw());
    T *dst = static_cast<T *>(out.raw());
    if (kind == ReduceKind::Max || kind == ReduceKind::Min) {
      const bool min = kind == ReduceKind::Min;
      std::vector<T> best(
          out.numElements(),
          std::numeric_limits<T>::has_infinity
              ? (min ? std::numeric_limits<T>::infinity()
                     : -std::numeric_limits<T>::infinity())
              : (min ? std::numeric_limits<T>::max()
                     : std::numeric_limits<T>::lowest()));
      walkStrided<1>(x.shape(), {strides}, {0},
                     [&](int64_t i, const std::array<int64_t, 1> &o) {
                       T &b = best[o[0]];
                       // `!(v <= b)` (Max) so that a NaN takes over, and
                       // `b == b` so that it stays, as in numpy.
                       if (b == b && !(min ? src[i] >= b : src[i] <= b))
                         b = src[i];
                     });
      std::copy(best.begin(), best.end(), dst);
      return;
    }
    using Acc =
        std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;
    std::vector<Acc> sums(out.numElements(), Acc(0));
    walkStrided<1>(x.shape(), {strides}, {0},
                   [&](int64_t i, const std::array<int64_t, 1> &o) {
                     // Integers add in uint64_t: wraps, never UB.
                     sums[o[0]] += static_cast<Acc>(src[i]);
                   });
    for (int64_t i = 0; i < out.numElements(); ++i) {
      if (kind == ReduceKind::Sum) {
        dst[i] = static_cast<T>(sums[i]);
      } else if constexpr (std::is_floating_point_v<T>) {
        dst[i] = static_cast<T>(sums[i] / static_cast<double>(groupSize));
      } else {
        // Integer mean: the f64 mean truncated, as numpy's mean then astype.
        using S = std::make_signed_t<Acc>;
        double sum = std::is_signed_v<T>
                         ? static_cast<double>(static_cast<S>(sums[i]))
                         : static_cast<double>(sums[i]);
        dst[i] = saturatingCast<T>(sum / static_cast<double>(groupSize));
      }
    }
  });
}
