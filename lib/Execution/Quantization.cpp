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

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <array>
#include <cassert>
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
/// it vectorizes.
NNCC_KERNEL void quantizeChunk(const float *x, int64_t count, double scale,
                               double low, double high, int32_t *out) {
  for (int64_t i = 0; i < count; ++i) {
    const double q = static_cast<double>(x[i]) / scale;
    out[i] = static_cast<int32_t>(roundToCode(q == q ? q : 0.0, low, high));
  }
}
} // namespace

Tensor CIMLayerRunner::Impl::quantizeInput(const Tensor &input) const {
  const int64_t total = input.numElements();
  Tensor xq = Tensor::uninitialized(DType::I32, input.shape());
  const float *x = input.data<float>();
  int32_t *out = xq.data<int32_t>();
  parallelChunks(total, int64_t{1} << 15, [&](int64_t begin, int64_t end) {
    quantizeChunk(x + begin, end - begin, inputScale, inputMin, inputMax,
                  out + begin);
  });
  return xq;
}

namespace {
/// Output position (batch, o0, o1, o2) of an im2col row, stepped along the
/// rows in order (64-bit divisions per row cost as much as a short row's
/// copies).
struct OutputPosition {
  OutputPosition(int64_t p, const std::array<int64_t, 3> &out) : out(out) {
    const int64_t plane = out[0] * out[1] * out[2];
    b = p / plane;
    o = {p % plane / (out[1] * out[2]), p % (out[1] * out[2]) / out[2],
         p % out[2]};
  }
  void next() {
    if (++o[2] < out[2])
      return;
    o[2] = 0;
    if (++o[1] < out[1])
      return;
    o[1] = 0;
    if (++o[0] < out[0])
      return;
    o[0] = 0;
    ++b;
  }
  /// `n` rows on, within the current output row or to its end.
  void advance(int64_t n) {
    o[2] += n - 1;
    next();
  }
  const std::array<int64_t, 3> &out;
  int64_t b;
  std::array<int64_t, 3> o;
};
} // namespace

/// Entry i of a convolution's im2col row (channel c of the group, kernel
/// tap t0, t1, t2, in that order): where it reads the group's input.
struct CIMLayerRunner::Impl::Tap {
  int64_t channel;           ///< the channel's plane from the group's
  std::array<int64_t, 3> at; ///< from the window's corner, per axis
  int64_t offset;            ///< from the corner, all axes and the channel
};

std::vector<CIMLayerRunner::Impl::Tap> CIMLayerRunner::Impl::taps() const {
  const int64_t cg = channels / groups;
  const int64_t inPlane = inputSize[0] * inputSize[1] * inputSize[2];
  const std::array<int64_t, 3> k = kernel, d = dilation, size = inputSize;
  std::vector<Tap> result;
  result.reserve(static_cast<size_t>(depth));
  for (int64_t c = 0; c < cg; ++c)
    for (int64_t t0 = 0; t0 < k[0]; ++t0)
      for (int64_t t1 = 0; t1 < k[1]; ++t1)
        for (int64_t t2 = 0; t2 < k[2]; ++t2) {
          Tap tap{c * inPlane, {t0 * d[0], t1 * d[1], t2 * d[2]}, 0};
          tap.offset = tap.channel +
                       (tap.at[0] * size[1] + tap.at[1]) * size[2] + tap.at[2];
          result.push_back(tap);
        }
  assert(static_cast<int64_t>(result.size()) == depth &&
         "a convolution's depth is its group's channels times its taps");
  return result;
}

template <typename T>
void CIMLayerRunner::Impl::gather(const int32_t *src, int64_t g, int64_t pBegin,
                                  int64_t pEnd, T *dst) const {
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
  // Row p of group g: for each channel of the group and each kernel tap,
  // the input under it, or 0 in the padding.  A window wholly inside the
  // input (most of them) reads each entry at its tap's offset from the
  // window's corner, with no padding test.
  const int64_t cg = channels / groups;
  const int64_t inPlane = inputSize[0] * inputSize[1] * inputSize[2];
  const std::array<int64_t, 3> k = kernel, d = dilation, s = stride,
                               pad = padBegin, size = inputSize;
  const std::vector<Tap> entries = taps();
  std::vector<int64_t> offsets;
  for (const Tap &tap : entries)
    offsets.push_back(tap.offset);
  const int64_t *offset = offsets.data();
  const std::array<int64_t, 3> extent = {(k[0] - 1) * d[0], (k[1] - 1) * d[1],
                                         (k[2] - 1) * d[2]};
  parallelChunks(count, grainFor(depth), [&](int64_t begin, int64_t end) {
    OutputPosition at(pBegin + begin, outputSize);
    for (int64_t p = pBegin + begin; p < pBegin + end; ++p, at.next()) {
      const std::array<int64_t, 3> base = {at.o[0] * s[0] - pad[0],
                                           at.o[1] * s[1] - pad[1],
                                           at.o[2] * s[2] - pad[2]};
      const int32_t *plane = src + (at.b * channels + g * cg) * inPlane;
      T *row = dst + (p - pBegin) * depth;
      bool inside = true;
      for (int a = 0; a < 3; ++a)
        inside &= base[a] >= 0 && base[a] + extent[a] < size[a];
      if (inside) {
        const int32_t *corner =
            plane + (base[0] * size[1] + base[1]) * size[2] + base[2];
        for (int64_t i = 0; i < depth; ++i)
          row[i] = static_cast<T>(corner[offset[i]]);
        continue;
      }
      for (int64_t i = 0; i < depth; ++i) {
        const Tap &tap = entries[i];
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
  });
}

template void CIMLayerRunner::Impl::gather<int32_t>(const int32_t *, int64_t,
                                                    int64_t, int64_t,
                                                    int32_t *) const;
template void CIMLayerRunner::Impl::gather<float>(const int32_t *, int64_t,
                                                  int64_t, int64_t,
                                                  float *) const;

void CIMLayerRunner::Impl::gatherLanes(const int32_t *src, int64_t g,
                                       int64_t pBegin, int64_t pEnd,
                                       int32_t *dst) const {
  const int64_t count = pEnd - pBegin;
  if (kind == cim::LayerKind::Gemm) {
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t m = pBegin; m < pEnd; ++m)
        dst[k * count + m - pBegin] =
            transInput ? src[k * vectors + m] : src[m * depth + k];
    return;
  }
  // Entry i of every row p: along a run of positions in one output row
  // (o2 varying) the input read moves by the stride along axis 2, so each
  // run is a strided copy between the padding's zeros.
  const int64_t cg = channels / groups;
  const int64_t inPlane = inputSize[0] * inputSize[1] * inputSize[2];
  const std::array<int64_t, 3> out = outputSize, s = stride, pad = padBegin,
                               size = inputSize;
  for (const auto &[i, tap] : llvm::enumerate(taps())) {
    int32_t *row = dst + static_cast<int64_t>(i) * count;
    // The o2 whose read is inside the input: i2 = o2 s2 - pad2 + at2 in
    // [0, size2).
    const int64_t from = pad[2] - tap.at[2];
    const int64_t o2Low = std::clamp<int64_t>(
        from <= 0 ? 0 : (from + s[2] - 1) / s[2], 0, out[2]);
    const int64_t to = size[2] + pad[2] - tap.at[2]; // i2 < size2
    const int64_t o2High = std::clamp<int64_t>(
        to <= 0 ? 0 : (to + s[2] - 1) / s[2], o2Low, out[2]);
    OutputPosition at(pBegin, out);
    for (int64_t p = pBegin; p < pEnd;) {
      const int64_t run = std::min(pEnd - p, out[2] - at.o[2]);
      int32_t *o = row + (p - pBegin);
      const int64_t i0 = at.o[0] * s[0] - pad[0] + tap.at[0];
      const int64_t i1 = at.o[1] * s[1] - pad[1] + tap.at[1];
      const int64_t first = at.o[2], last = at.o[2] + run;
      if (i0 < 0 || i0 >= size[0] || i1 < 0 || i1 >= size[1]) {
        std::fill_n(o, run, 0);
      } else {
        // Output o2 reads line[o2 s2 + shift].
        const int32_t *line = src + (at.b * channels + g * cg) * inPlane +
                              tap.channel + (i0 * size[1] + i1) * size[2];
        const int64_t shift = tap.at[2] - pad[2];
        const int64_t lo = std::clamp(o2Low, first, last),
                      hi = std::clamp(o2High, lo, last);
        // Element by element: the runs are short (an output row), where a
        // call to memmove or memset costs more than the copy.
        for (int64_t o2 = first; o2 < lo; ++o2)
          o[o2 - first] = 0;
        for (int64_t o2 = lo; o2 < hi; ++o2)
          o[o2 - first] = line[o2 * s[2] + shift];
        for (int64_t o2 = hi; o2 < last; ++o2)
          o[o2 - first] = 0;
      }
      p += run;
      at.advance(run);
    }
  }
}

Tensor CIMLayerRunner::Impl::quantizeIm2col(const Tensor &input) const {
  const Tensor xq = quantizeInput(input);
  Tensor col = Tensor::uninitialized(DType::I32, {groups, vectors, depth});
  for (int64_t g = 0; g < groups; ++g)
    gather(xq.data<int32_t>(), g, 0, vectors,
           col.data<int32_t>() + g * vectors * depth);
  return col;
}

namespace {
/// out[i] = scale * in[i * stride] + bias as f32, for i < count: one output
/// plane of a convolution, whose accumulators (i64, or the simulator's f64
/// integers) are a column of [P, N].  Not a cloned kernel: the AVX-512
/// clone would contract the multiply and add into one rounding.
template <typename T>
void dequantizePlane(const T *in, int64_t stride, int64_t count, double scale,
                     double bias, float *out) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = static_cast<float>(scale * static_cast<double>(in[i * stride]) +
                                bias);
}
} // namespace

void CIMLayerRunner::Impl::dequantize(const Tensor &acc, Tensor &output) const {
  const int64_t G = groups, P = vectors, N = columns;
  // input_scale * weight_scales[c], the formula's product rounded once as
  // before the accumulator multiplies it.
  std::vector<double> scale(static_cast<size_t>(G * N));
  for (int64_t c = 0; c < G * N; ++c)
    scale[c] = inputScale * weightScales[c];
  float *y = output.data<float>();
  auto run = [&](const auto *a) {
    if (kind != cim::LayerKind::Conv) {
      // [P, N] (one group).
      parallelChunks(P, grainFor(4 * N), [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p)
          for (int64_t n = 0; n < N; ++n)
            y[p * N + n] = static_cast<float>(
                scale[n] * static_cast<double>(a[p * N + n]) + biasValues[n]);
      });
      return;
    }
    // [batch, G * N, output plane]: one output plane per (batch, column),
    // written in order, its accumulators N apart.
    const int64_t outPlane = outputSize[0] * outputSize[1] * outputSize[2];
    const int64_t batch = P / outPlane;
    parallelChunks(
        batch * G * N, grainFor(4 * outPlane), [&](int64_t begin, int64_t end) {
          for (int64_t bc = begin; bc < end; ++bc) {
            const int64_t b = bc / (G * N), c = bc % (G * N);
            const int64_t g = c / N, n = c % N;
            dequantizePlane(a + (g * P + b * outPlane) * N + n, N, outPlane,
                            scale[c], biasValues[c], y + bc * outPlane);
          }
        });
  };
  if (acc.dtype() == DType::F64)
    run(acc.data<double>());
  else
    run(acc.data<int64_t>());
}
