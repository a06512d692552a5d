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
#include "nncc/Support/KernelClones.h"
#include "nncc/Support/Rounding.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::grainFor;
using runtime::parallelChunks;
using runtime::Tensor;

namespace {
/// out[i] = clamp(round_half_away_from_zero(x[i] / scale), low, high) for
/// one chunk, NaN -> 0; branch-free and without libm (Rounding.h) so that
/// it vectorizes.  Clamping to one step outside [low, high] first keeps
/// the value within int32 for the truncation and changes nothing
/// (rounding is monotonic).
NNCC_KERNEL void quantizeChunk(const float *x, int64_t count, double scale,
                               double low, double high, int32_t *out) {
  for (int64_t i = 0; i < count; ++i) {
    double q = static_cast<double>(x[i]) / scale;
    q = q == q ? q : 0.0;
    q = std::min(std::max(low - 1.0, q), high + 1.0);
    double r = static_cast<double>(
        static_cast<int32_t>(q + std::copysign(kBelowHalf, q)));
    r = std::min(std::max(low, r), high);
    out[i] = static_cast<int32_t>(r);
  }
}
} // namespace

std::vector<int32_t>
CIMLayerRunner::Impl::quantizeInput(const Tensor &input) const {
  const int64_t total = input.numElements();
  std::vector<int32_t> xq(static_cast<size_t>(total));
  const float *x = input.data<float>();
  int32_t *out = xq.data();
  parallelChunks(total, int64_t{1} << 15, [&](int64_t begin, int64_t end) {
    quantizeChunk(x + begin, end - begin, inputScale, inputMin, inputMax,
                  out + begin);
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
  // (t0, t1, t2), the input under it, or 0 in the padding.  Each entry k of
  // a row reads the group's input at a fixed offset from the window's
  // corner (tapOffset) and at fixed distances from it along the three
  // spatial axes (Tap::at, for the padding test); a window wholly inside the
  // input (most of them) needs no test at all.
  const int64_t cg = channels / groups;
  const std::array<int64_t, 3> out = outputSize;
  const int64_t inPlane = inputSize[0] * inputSize[1] * inputSize[2];
  const int64_t outPlane = out[0] * out[1] * out[2];
  const std::array<int64_t, 3> k = kernel, d = dilation, s = stride,
                               pad = padBegin, size = inputSize;
  struct Tap {
    int64_t channel;           ///< the channel's plane from the group's
    std::array<int64_t, 3> at; ///< from the window's corner
  };
  std::vector<Tap> taps;
  std::vector<int64_t> tapOffset;
  taps.reserve(static_cast<size_t>(depth));
  tapOffset.reserve(static_cast<size_t>(depth));
  for (int64_t c = 0; c < cg; ++c)
    for (int64_t t0 = 0; t0 < k[0]; ++t0)
      for (int64_t t1 = 0; t1 < k[1]; ++t1)
        for (int64_t t2 = 0; t2 < k[2]; ++t2) {
          Tap tap{c * inPlane, {t0 * d[0], t1 * d[1], t2 * d[2]}};
          tapOffset.push_back(tap.channel +
                              (tap.at[0] * size[1] + tap.at[1]) * size[2] +
                              tap.at[2]);
          taps.push_back(tap);
        }
  const std::array<int64_t, 3> extent = {(k[0] - 1) * d[0], (k[1] - 1) * d[1],
                                         (k[2] - 1) * d[2]};
  const int64_t *offset = tapOffset.data();
  parallelChunks(count, grainFor(depth), [&](int64_t begin, int64_t end) {
    // The output position (batch b, o0, o1, o2) of p, stepped along rather
    // than divided out for every p (64-bit divisions cost as much as a
    // short row's copies).
    const int64_t first = pBegin + begin;
    int64_t b = first / outPlane;
    std::array<int64_t, 3> o = {first % outPlane / (out[1] * out[2]),
                                first % (out[1] * out[2]) / out[2],
                                first % out[2]};
    for (int64_t p = first; p < pBegin + end; ++p) {
      const std::array<int64_t, 3> base = {
          o[0] * s[0] - pad[0], o[1] * s[1] - pad[1], o[2] * s[2] - pad[2]};
      const int32_t *plane = src + (b * channels + g * cg) * inPlane;
      T *row = dst + (p - pBegin) * depth;

      bool inside = true;
      for (int a = 0; a < 3; ++a)
        inside &= base[a] >= 0 && base[a] + extent[a] < size[a];
      if (inside) {
        const int32_t *corner =
            plane + (base[0] * size[1] + base[1]) * size[2] + base[2];
        for (int64_t i = 0; i < depth; ++i)
          row[i] = static_cast<T>(corner[offset[i]]);
      } else {
        for (int64_t i = 0; i < depth; ++i) {
          const Tap &tap = taps[i];
          const int64_t i0 = base[0] + tap.at[0], i1 = base[1] + tap.at[1],
                        i2 = base[2] + tap.at[2];
          row[i] =
              i0 >= 0 && i0 < size[0] && i1 >= 0 && i1 < size[1] && i2 >= 0 &&
                      i2 < size[2]
                  ? static_cast<T>(
                        plane[tap.channel + (i0 * size[1] + i1) * size[2] + i2])
                  : T(0);
        }
      }
      // On to p + 1's position.
      if (++o[2] == out[2]) {
        o[2] = 0;
        if (++o[1] == out[1]) {
          o[1] = 0;
          if (++o[0] == out[0]) {
            o[0] = 0;
            ++b;
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
  Tensor col = Tensor::uninitialized(DType::I32, {groups, vectors, depth});
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
