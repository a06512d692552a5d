//===- Quantization.cpp - Into and out of the quantized modes -------------===//
//
// The quantized modes (Integer and Datapath) quantize the input once,
// xq = clamp(round_half_away_from_zero(x / input_scale), min, max), gather
// it into the im2col matrix [groups, vectors, depth] and, after the integer
// accumulators, dequantize
// y = input_scale * weight_scales[g*N+n] * acc + bias into the layer's
// output layout.
//
//===----------------------------------------------------------------------===//
#include "CIMLayerImpl.h"

#include "nncc/Runtime/Parallel.h"

#include <algorithm>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::grainFor;
using runtime::parallelChunks;
using runtime::Tensor;

std::vector<int32_t>
CIMLayerRunner::Impl::quantizeInput(const Tensor &input) const {
  // clamp(round_half_away_from_zero(x / scale), min, max), branch-free and
  // without libm: NaN -> 0, clamp to [min - 1, max + 1], then
  // truncate and round the exact remainder.
  const double scale = inputScale;
  const int32_t ilo = inputMin, ihi = inputMax;
  const double dlo = inputMin - 1.0, dhi = inputMax + 1.0;
  const int64_t total = input.numElements();
  std::vector<int32_t> xq(static_cast<size_t>(total));
  const float *x = input.data<float>();
  int32_t *out = xq.data();
  parallelChunks(total, int64_t{1} << 15, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double q = static_cast<double>(x[i]) / scale;
      q = q == q ? q : 0.0;
      q = std::min(std::max(dlo, q), dhi);
      int32_t r = static_cast<int32_t>(q);
      double frac = q - r;
      r += static_cast<int32_t>(frac >= 0.5) -
           static_cast<int32_t>(frac <= -0.5);
      out[i] = std::min(std::max(r, ilo), ihi);
    }
  });
  return xq;
}

template <typename T>
void CIMLayerRunner::Impl::gather(const std::vector<int32_t> &xq, int64_t g,
                                  int64_t pBegin, int64_t pEnd, T *dst) const {
  const int32_t *src = xq.data();
  const int64_t count = pEnd - pBegin;
  if (kind == cim::LayerKind::Gemm) {
    // xq[0, m, k] = A[m, k], or A^T: the input is [K, M].
    parallelChunks(count, grainFor(depth), [&](int64_t begin, int64_t end) {
      for (int64_t m = pBegin + begin; m < pBegin + end; ++m)
        for (int64_t k = 0; k < depth; ++k)
          dst[(m - pBegin) * depth + k] = static_cast<T>(
              transInput ? src[k * vectors + m] : src[m * depth + k]);
    });
    return;
  }
  // Row p of group g: for each channel of the group and each kernel tap
  // (t0, t1, t2), the input under it, or 0 in the padding.
  const int64_t cg = channels / groups;
  const std::array<int64_t, 3> out = outputSize;
  const int64_t inPlane = inputSize[0] * inputSize[1] * inputSize[2];
  const int64_t outPlane = out[0] * out[1] * out[2];
  const std::array<int64_t, 3> k = kernel, d = dilation, s = stride,
                               pad = padBegin, size = inputSize;
  parallelChunks(count, grainFor(depth), [&](int64_t begin, int64_t end) {
    for (int64_t p = pBegin + begin; p < pBegin + end; ++p) {
      const int64_t b = p / outPlane, sp = p % outPlane;
      const int64_t base0 = sp / (out[1] * out[2]) * s[0] - pad[0];
      const int64_t base1 = sp / out[2] % out[1] * s[1] - pad[1];
      const int64_t base2 = sp % out[2] * s[2] - pad[2];
      const bool inside2 = base2 >= 0 && base2 + (k[2] - 1) * d[2] < size[2];
      const int32_t *plane = src + (b * channels + g * cg) * inPlane;
      T *row = dst + (p - pBegin) * depth;
      for (int64_t c = 0; c < cg; ++c, plane += inPlane)
        for (int64_t t0 = 0; t0 < k[0]; ++t0) {
          const int64_t i0 = base0 + t0 * d[0];
          for (int64_t t1 = 0; t1 < k[1]; ++t1, row += k[2]) {
            const int64_t i1 = base1 + t1 * d[1];
            if (i0 < 0 || i0 >= size[0] || i1 < 0 || i1 >= size[1]) {
              std::fill_n(row, k[2], T(0));
              continue;
            }
            const int32_t *line = plane + (i0 * size[1] + i1) * size[2] + base2;
            if (inside2) {
              for (int64_t t2 = 0; t2 < k[2]; ++t2)
                row[t2] = static_cast<T>(line[t2 * d[2]]);
            } else {
              for (int64_t t2 = 0; t2 < k[2]; ++t2) {
                const int64_t i2 = base2 + t2 * d[2];
                row[t2] = i2 >= 0 && i2 < size[2]
                              ? static_cast<T>(line[t2 * d[2]])
                              : T(0);
              }
            }
          }
        }
    }
  });
}

template void
CIMLayerRunner::Impl::gather<int32_t>(const std::vector<int32_t> &, int64_t,
                                      int64_t, int64_t, int32_t *) const;
template void CIMLayerRunner::Impl::gather<float>(const std::vector<int32_t> &,
                                                  int64_t, int64_t, int64_t,
                                                  float *) const;

Tensor CIMLayerRunner::Impl::quantizeIm2col(const Tensor &input) const {
  std::vector<int32_t> xq = quantizeInput(input);
  Tensor col(DType::I32, {groups, vectors, depth});
  for (int64_t g = 0; g < groups; ++g)
    gather(xq, g, 0, vectors, col.data<int32_t>() + g * vectors * depth);
  return col;
}

void CIMLayerRunner::Impl::dequantize(const Tensor &acc, Tensor &output) const {
  const int64_t *a = acc.data<int64_t>();
  float *y = output.data<float>();
  const int64_t G = groups, P = vectors, N = columns;
  const int64_t outPlane = kind == cim::LayerKind::Conv
                               ? outputSize[0] * outputSize[1] * outputSize[2]
                               : 1;
  parallelChunks(G * P, grainFor(4 * N), [&](int64_t begin, int64_t end) {
    for (int64_t gp = begin; gp < end; ++gp) {
      int64_t g = gp / P, p = gp % P;
      for (int64_t n = 0; n < N; ++n) {
        int64_t c = g * N + n;
        double value =
            inputScale * weightScales[c] * static_cast<double>(a[gp * N + n]) +
            biasValues[c];
        int64_t index;
        if (kind == cim::LayerKind::Conv) {
          int64_t b = p / outPlane, sp = p % outPlane;
          index = (b * G * N + c) * outPlane + sp;
        } else {
          index = p * N + n;
        }
        y[index] = static_cast<float>(value);
      }
    }
  });
}
