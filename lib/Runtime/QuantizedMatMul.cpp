//===- QuantizedMatMul.cpp - A MatMul as an integer MAC array runs it -----===//
//
// Both operands are quantized once into code arrays, then every output is
// an exact integer dot product over them, rescaled once.  The accumulator
// is 64 bits wide where no sum can overflow it (8-bit operands: any K below
// 2^49) and 128 bits otherwise, so the sum is exact for every legal width.
//
//===----------------------------------------------------------------------===//
#include "nncc/Runtime/QuantizedMatMul.h"

#include "KernelSupport.h"

#include "nncc/Support/Rounding.h"

#include <cassert>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

SymmetricQuantizer SymmetricQuantizer::forRange(double range, int64_t bits) {
  assert(bits >= 2 && bits <= 32 && "a signed code needs 2 to 32 bits");
  SymmetricQuantizer q;
  q.qmax = (int64_t{1} << (bits - 1)) - 1;
  q.scale = range > 0 && std::isfinite(range)
                ? range / static_cast<double>(q.qmax)
                : 0.0;
  return q;
}

int64_t SymmetricQuantizer::code(float x) const {
  if (scale == 0 || x != x)
    return 0;
  const double limit = static_cast<double>(qmax);
  // Clamped before rounding (one step outside the range changes nothing,
  // rounding is monotonic) so that the conversion to an integer is defined.
  const double v = clampValue(static_cast<double>(x) / scale, -limit - 1,
                              limit + 1);
  return std::clamp(static_cast<int64_t>(roundHalfAway(v)), -qmax, qmax);
}

namespace {

std::vector<int32_t> codesOf(const Tensor &t, const SymmetricQuantizer &q) {
  std::vector<int32_t> codes(t.numElements());
  const float *x = t.data<float>();
  for (size_t i = 0; i < codes.size(); ++i)
    codes[i] = static_cast<int32_t>(q.code(x[i]));
  return codes;
}

/// out[batch] = A[batch] B[batch] over the codes, accumulated in Acc.
template <typename Acc>
void integerProducts(const MatMulShape &shape, const std::vector<int32_t> &a,
                     const std::vector<int32_t> &b, double rescale,
                     float *out) {
  const int64_t m = shape.m, k = shape.k, n = shape.n;
  // Batches are independent and each output is written once: the result
  // does not depend on how they are shared among threads.
  parallelChunks(shape.batches, 1, [&](int64_t begin, int64_t end) {
    std::vector<Acc> row(n);
    for (int64_t batch = begin; batch < end; ++batch) {
      auto [aOffset, bOffset] = shape.offsets(batch);
      for (int64_t i = 0; i < m; ++i) {
        std::fill(row.begin(), row.end(), Acc(0));
        const int32_t *aRow = a.data() + aOffset + i * k;
        for (int64_t p = 0; p < k; ++p) {
          const Acc x = aRow[p];
          const int32_t *bRow = b.data() + bOffset + p * n;
          for (int64_t j = 0; j < n; ++j)
            row[j] += x * bRow[j];
        }
        float *o = out + (batch * m + i) * n;
        for (int64_t j = 0; j < n; ++j)
          o[j] = static_cast<float>(static_cast<double>(row[j]) * rescale);
      }
    }
  });
}

} // namespace

void nncc::runtime::quantizedMatMul(const Tensor &a, const Tensor &b,
                                    const SymmetricQuantizer &qa,
                                    const SymmetricQuantizer &qb,
                                    Tensor &out) {
  assert(a.dtype() == DType::F32 && b.dtype() == DType::F32 &&
         out.dtype() == DType::F32 && a.rank() >= 1 && b.rank() >= 1 &&
         "MatMul takes f32 tensors of rank >= 1");
  const MatMulShape shape = MatMulShape::of(a.shape(), b.shape());
  assert(out.numElements() == shape.batches * shape.m * shape.n &&
         "MatMul result shape");
  const std::vector<int32_t> aCodes = codesOf(a, qa), bCodes = codesOf(b, qb);
  const double rescale = qa.scale * qb.scale;
  // |sum| <= K qmaxA qmaxB: within an i64 while that stays below 2^63.
  const double bound = static_cast<double>(shape.k) *
                       static_cast<double>(qa.qmax) *
                       static_cast<double>(qb.qmax);
  if (bound < 0x1.0p62)
    integerProducts<int64_t>(shape, aCodes, bCodes, rescale,
                             out.data<float>());
  else
    integerProducts<__int128>(shape, aCodes, bCodes, rescale,
                              out.data<float>());
}
