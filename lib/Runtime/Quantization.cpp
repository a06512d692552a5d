//===- Quantization.cpp - QDQ and integer operator kernels ----------------===//
//
// ONNX's QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
// MatMulInteger and ConvInteger, and the requantization QLinearConv and
// QLinearMatMul end with.  They must match ONNX's expected outputs bit for
// bit: rounding is std::nearbyint under the default rounding mode (half to
// even), and every float step is spelled in the precision the reference
// computes it in.
//
// The integer products subtract the zero points once, into int32 copies of
// the operands, so that the inner loops are plain multiply-adds.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"

#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// How a scale or zero point maps onto a tensor: element `i` uses parameter
/// (i / inner) % count, which is 0 for a per-tensor parameter.
struct ParameterLayout {
  int64_t inner = 1, count = 1;

  ParameterLayout(const Tensor &tensor, const Tensor &parameter,
                  int64_t axis) {
    if (parameter.numElements() <= 1)
      return;
    assert(axis >= 0 && axis < tensor.rank() &&
           tensor.dim(axis) == parameter.numElements() &&
           "per-axis parameter must have one entry per index of its axis");
    count = tensor.dim(axis);
    for (int64_t d = axis + 1; d < tensor.rank(); ++d)
      inner *= tensor.dim(d);
  }
  int64_t index(int64_t i) const { return count == 1 ? 0 : (i / inner) % count; }
};

/// Integer parameters (zero points) of any code type, widened.
std::vector<int64_t> widened(const Tensor &t) {
  std::vector<int64_t> values(t.numElements());
  dispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *data = t.data<T>();
    for (int64_t i = 0; i < t.numElements(); ++i)
      values[i] = static_cast<int64_t>(data[i]);
  });
  return values;
}

/// round(value) + zeroPoint saturated to Code, NaN to the zero point;
/// `value` is the already scaled f32 (x / scale, acc * multiplier).
template <typename Code> Code saturateRounded(float value, int64_t zeroPoint) {
  if (std::isnan(value))
    return static_cast<Code>(zeroPoint);
  double q = static_cast<double>(std::nearbyint(value)) +
             static_cast<double>(zeroPoint);
  q = std::clamp(q, static_cast<double>(std::numeric_limits<Code>::lowest()),
                 static_cast<double>(std::numeric_limits<Code>::max()));
  return static_cast<Code>(q);
}

/// Calls fn(Code{}) for the code types quantization produces.
template <typename Fn> void dispatchCode(DType type, Fn &&fn) {
  switch (type) {
  case DType::I8: return fn(int8_t{});
  case DType::U8: return fn(uint8_t{});
  case DType::I16: return fn(int16_t{});
  case DType::U16: return fn(uint16_t{});
  default: break;
  }
  assert(false && "quantized codes are i8, u8, i16 or u16");
}

/// `t` minus its zero point(s) as int32, zero point (i / inner) % count.
std::vector<int32_t> centered(const Tensor &t, const Tensor &zeroPoint,
                              int64_t inner, int64_t count) {
  std::vector<int64_t> zero = widened(zeroPoint);
  std::vector<int32_t> values(t.numElements());
  dispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *data = t.data<T>();
    for (int64_t i = 0; i < t.numElements(); ++i)
      values[i] = static_cast<int32_t>(
          static_cast<int64_t>(data[i]) -
          zero[zero.size() == 1 ? 0 : (i / inner) % count]);
  });
  return values;
}

/// Wraps an int64 sum to int32, as int32 accumulation would.
int32_t wrapToInt32(int64_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v)));
}

} // namespace

void nncc::runtime::quantizeLinear(const Tensor &x, const Tensor &scale,
                                   const Tensor &zeroPoint, int64_t axis,
                                   Tensor &out) {
  assert(x.dtype() == DType::F32 && scale.dtype() == DType::F32 &&
         out.dtype() == zeroPoint.dtype() &&
         out.numElements() == x.numElements() && "QuantizeLinear operands");
  ParameterLayout layout(x, scale, axis);
  std::vector<int64_t> zero = widened(zeroPoint);
  const float *xs = x.data<float>();
  const float *scales = scale.data<float>();
  dispatchCode(out.dtype(), [&](auto tag) {
    using Code = decltype(tag);
    Code *ys = out.data<Code>();
    for (int64_t i = 0; i < x.numElements(); ++i) {
      int64_t c = layout.index(i);
      ys[i] = saturateRounded<Code>(xs[i] / scales[c], zero[c]);
    }
  });
}

void nncc::runtime::dequantizeLinear(const Tensor &x, const Tensor &scale,
                                     const Tensor &zeroPoint, int64_t axis,
                                     Tensor &out) {
  assert(scale.dtype() == DType::F32 && out.dtype() == DType::F32 &&
         x.dtype() == zeroPoint.dtype() &&
         out.numElements() == x.numElements() && "DequantizeLinear operands");
  ParameterLayout layout(x, scale, axis);
  std::vector<int64_t> zero = widened(zeroPoint);
  const float *scales = scale.data<float>();
  float *ys = out.data<float>();
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *xs = x.data<T>();
    for (int64_t i = 0; i < x.numElements(); ++i) {
      int64_t c = layout.index(i);
      ys[i] = static_cast<float>(static_cast<int64_t>(xs[i]) - zero[c]) *
              scales[c];
    }
  });
}

void nncc::runtime::dynamicQuantizeLinear(const Tensor &x, Tensor &y,
                                          Tensor &scale, Tensor &zeroPoint) {
  assert(x.dtype() == DType::F32 && y.dtype() == DType::U8 &&
         scale.dtype() == DType::F32 && zeroPoint.dtype() == DType::U8 &&
         y.numElements() == x.numElements() && scale.numElements() == 1 &&
         zeroPoint.numElements() == 1 && "DynamicQuantizeLinear operands");
  // The range always holds 0, so that 0 has an exact code.
  float lo = 0.0f, hi = 0.0f;
  for (float v : x.values<float>()) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // ONNX's reference takes the range and the zero point in f64 (numpy's
  // scalars) and rounds the scale to f32 once.
  const float s = static_cast<float>((static_cast<double>(hi) -
                                      static_cast<double>(lo)) /
                                     255.0);
  int64_t zero = 0;
  if (s > 0)
    zero = static_cast<int64_t>(std::clamp(
        std::nearbyint(-static_cast<double>(lo) / static_cast<double>(s)), 0.0,
        255.0));
  scale.data<float>()[0] = s;
  zeroPoint.data<uint8_t>()[0] = static_cast<uint8_t>(zero);
  const float *xs = x.data<float>();
  uint8_t *ys = y.data<uint8_t>();
  for (int64_t i = 0; i < x.numElements(); ++i)
    ys[i] = s > 0 ? saturateRounded<uint8_t>(xs[i] / s, zero) : uint8_t{0};
}

void nncc::runtime::matmulInteger(const Tensor &a, const Tensor &b,
                                  const Tensor &aZeroPoint,
                                  const Tensor &bZeroPoint, Tensor &out) {
  assert(out.dtype() == DType::I32 && a.rank() >= 1 && b.rank() >= 1 &&
         a.dtype() == aZeroPoint.dtype() && b.dtype() == bZeroPoint.dtype() &&
         "MatMulInteger operands");
  // numpy's promotion of 1-D operands (see matmul in Gemm.cpp).
  llvm::SmallVector<int64_t, 6> aShape(a.shape()), bShape(b.shape());
  if (aShape.size() == 1)
    aShape.insert(aShape.begin(), 1);
  if (bShape.size() == 1)
    bShape.push_back(1);
  const int64_t m = aShape[aShape.size() - 2], k = aShape.back();
  const int64_t n = bShape.back();
  assert(bShape[bShape.size() - 2] == k && "MatMulInteger inner dims differ");
  // A's zero point is per row: rows repeat every m; B's per column.
  std::vector<int32_t> aValues = centered(a, aZeroPoint, k, m);
  std::vector<int32_t> bValues = centered(b, bZeroPoint, 1, n);

  llvm::ArrayRef<int64_t> aBatch = llvm::ArrayRef(aShape).drop_back(2);
  llvm::ArrayRef<int64_t> bBatch = llvm::ArrayRef(bShape).drop_back(2);
  const size_t batchRank = std::max(aBatch.size(), bBatch.size());
  llvm::SmallVector<int64_t, 6> batchShape(batchRank, 1);
  for (size_t i = 0; i < batchRank; ++i) {
    int64_t ai = int64_t(i) - int64_t(batchRank - aBatch.size());
    int64_t bi = int64_t(i) - int64_t(batchRank - bBatch.size());
    batchShape[i] = std::max(ai >= 0 ? aBatch[ai] : 1, bi >= 0 ? bBatch[bi] : 1);
  }
  const auto aStrides = broadcastStrides(aBatch, batchShape);
  const auto bStrides = broadcastStrides(bBatch, batchShape);
  const int64_t batches = numElementsOf(batchShape);
  assert(out.numElements() == batches * m * n && "MatMulInteger result shape");

  int32_t *ys = out.data<int32_t>();
  std::vector<int64_t> row(n);
  for (int64_t batch = 0; batch < batches; ++batch) {
    int64_t aOffset = 0, bOffset = 0, rest = batch;
    for (int64_t d = static_cast<int64_t>(batchRank) - 1; d >= 0; --d) {
      int64_t index = rest % batchShape[d];
      rest /= batchShape[d];
      aOffset += index * aStrides[d];
      bOffset += index * bStrides[d];
    }
    const int32_t *aMatrix = aValues.data() + aOffset * m * k;
    const int32_t *bMatrix = bValues.data() + bOffset * k * n;
    for (int64_t i = 0; i < m; ++i) {
      std::fill(row.begin(), row.end(), 0);
      for (int64_t p = 0; p < k; ++p) {
        const int64_t av = aMatrix[i * k + p];
        const int32_t *bRow = bMatrix + p * n;
        for (int64_t j = 0; j < n; ++j)
          row[j] += av * bRow[j];
      }
      for (int64_t j = 0; j < n; ++j)
        ys[(batch * m + i) * n + j] = wrapToInt32(row[j]);
    }
  }
}

void nncc::runtime::convInteger(const Tensor &x, const Tensor &w,
                                const Tensor &xZeroPoint,
                                const Tensor &wZeroPoint, const Tensor *bias,
                                const WindowParams &window, int64_t group,
                                Tensor &out) {
  const int64_t spatial = x.rank() - 2;
  assert(out.dtype() == DType::I32 && spatial >= 1 && spatial <= 3 &&
         w.rank() == x.rank() && out.rank() == x.rank() &&
         x.dtype() == xZeroPoint.dtype() && w.dtype() == wZeroPoint.dtype() &&
         xZeroPoint.numElements() == 1 && "ConvInteger operands");
  assert((!bias || (bias->dtype() == DType::I32 &&
                    bias->numElements() == w.dim(0))) &&
         "ConvInteger bias");
  // Spatial dims padded to three (depth, height, width) with unit dims, as
  // in Conv.cpp.
  std::array<int64_t, 3> in{1, 1, 1}, outDims{1, 1, 1}, kernel{1, 1, 1},
      stride{1, 1, 1}, dilation{1, 1, 1}, padBegin{0, 0, 0};
  for (int64_t s = 0; s < spatial; ++s) {
    const int64_t d = 3 - spatial + s;
    in[d] = x.dim(2 + s);
    outDims[d] = out.dim(2 + s);
    kernel[d] = window.kernel[s];
    stride[d] = window.strides.empty() ? 1 : window.strides[s];
    dilation[d] = window.dilations.empty() ? 1 : window.dilations[s];
    padBegin[d] = window.padsBegin[s];
  }
  const int64_t batch = x.dim(0), channels = x.dim(1), filters = w.dim(0);
  const int64_t groupChannels = channels / group;
  const int64_t groupFilters = filters / group;
  assert(w.dim(1) == groupChannels && "ConvInteger channels per group");
  const int64_t inPlane = in[0] * in[1] * in[2];
  const int64_t outPlane = outDims[0] * outDims[1] * outDims[2];
  const int64_t taps = kernel[0] * kernel[1] * kernel[2];

  std::vector<int32_t> xValues = centered(x, xZeroPoint, 1, 1);
  std::vector<int32_t> wValues =
      centered(w, wZeroPoint, groupChannels * taps, filters);
  // For each tap and output position, the input offset within a channel
  // plane, or -1 in the padding: computed once, shared by every channel.
  std::vector<int64_t> source(taps * outPlane);
  for (int64_t kd = 0, t = 0; kd < kernel[0]; ++kd)
    for (int64_t kh = 0; kh < kernel[1]; ++kh)
      for (int64_t kw = 0; kw < kernel[2]; ++kw, ++t)
        for (int64_t od = 0, o = 0; od < outDims[0]; ++od)
          for (int64_t oh = 0; oh < outDims[1]; ++oh)
            for (int64_t ow = 0; ow < outDims[2]; ++ow, ++o) {
              int64_t id = od * stride[0] - padBegin[0] + kd * dilation[0];
              int64_t ih = oh * stride[1] - padBegin[1] + kh * dilation[1];
              int64_t iw = ow * stride[2] - padBegin[2] + kw * dilation[2];
              bool inside = id >= 0 && id < in[0] && ih >= 0 && ih < in[1] &&
                            iw >= 0 && iw < in[2];
              source[t * outPlane + o] =
                  inside ? (id * in[1] + ih) * in[2] + iw : -1;
            }

  int32_t *ys = out.data<int32_t>();
  std::vector<int64_t> acc(outPlane);
  for (int64_t nIndex = 0; nIndex < batch; ++nIndex)
    for (int64_t f = 0; f < filters; ++f) {
      const int64_t g = f / groupFilters;
      std::fill(acc.begin(), acc.end(),
                bias ? static_cast<int64_t>(bias->data<int32_t>()[f]) : 0);
      for (int64_t c = 0; c < groupChannels; ++c) {
        const int32_t *plane =
            xValues.data() + (nIndex * channels + g * groupChannels + c) * inPlane;
        const int32_t *filterTaps = wValues.data() + (f * groupChannels + c) * taps;
        for (int64_t t = 0; t < taps; ++t) {
          const int64_t wv = filterTaps[t];
          const int64_t *src = source.data() + t * outPlane;
          for (int64_t o = 0; o < outPlane; ++o)
            if (src[o] >= 0)
              acc[o] += wv * plane[src[o]];
        }
      }
      int32_t *dst = ys + (nIndex * filters + f) * outPlane;
      for (int64_t o = 0; o < outPlane; ++o)
        dst[o] = wrapToInt32(acc[o]);
    }
}

void nncc::runtime::requantize(const Tensor &acc, const Tensor &scaleA,
                               int64_t axisA, const Tensor &scaleB,
                               int64_t axisB, const Tensor &yScale,
                               const Tensor &yZeroPoint, Tensor &out) {
  assert(acc.dtype() == DType::I32 && scaleA.dtype() == DType::F32 &&
         scaleB.dtype() == DType::F32 && yScale.dtype() == DType::F32 &&
         yScale.numElements() == 1 && yZeroPoint.numElements() == 1 &&
         out.dtype() == yZeroPoint.dtype() &&
         out.numElements() == acc.numElements() && "requantize operands");
  ParameterLayout layoutA(acc, scaleA, axisA), layoutB(acc, scaleB, axisB);
  const float *as = scaleA.data<float>(), *bs = scaleB.data<float>();
  const float ys = yScale.data<float>()[0];
  const int64_t zero = widened(yZeroPoint)[0];
  const int32_t *accs = acc.data<int32_t>();
  dispatchCode(out.dtype(), [&](auto tag) {
    using Code = decltype(tag);
    Code *dst = out.data<Code>();
    for (int64_t i = 0; i < acc.numElements(); ++i) {
      const float multiplier =
          (as[layoutA.index(i)] * bs[layoutB.index(i)]) / ys;
      dst[i] = saturateRounded<Code>(static_cast<float>(accs[i]) * multiplier,
                                     zero);
    }
  });
}
