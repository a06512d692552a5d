//===- Normalization.cpp - BatchNormalization and Softmax -----------------===//
//
// Inference-time BatchNormalization folds into one multiply-add per element;
// Softmax subtracts the maximum along the axis before exponentiating so that
// large logits cannot overflow.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"

#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

void nncc::runtime::batchNorm(const Tensor &x, const Tensor &scale,
                              const Tensor &bias, const Tensor &mean,
                              const Tensor &var, float epsilon, Tensor &out) {
  assert(x.dtype() == DType::F32 && out.dtype() == DType::F32 &&
         x.rank() >= 2 && out.numElements() == x.numElements() &&
         "BatchNormalization takes f32 [N, C, ...]");
  const int64_t channels = x.dim(1);
  assert(scale.numElements() == channels && bias.numElements() == channels &&
         mean.numElements() == channels && var.numElements() == channels &&
         "BatchNormalization parameters are per channel");
  // y = (x - mean) / sqrt(var + eps) * scale + bias  ==  x * a + b, with the
  // per-channel a and b computed once in double.
  std::vector<float> mul(channels), add(channels);
  for (int64_t c = 0; c < channels; ++c) {
    const double a = static_cast<double>(scale.data<float>()[c]) /
                     std::sqrt(static_cast<double>(var.data<float>()[c]) +
                               static_cast<double>(epsilon));
    mul[c] = static_cast<float>(a);
    add[c] =
        static_cast<float>(bias.data<float>()[c] - mean.data<float>()[c] * a);
  }
  const int64_t planes = x.dim(0) * channels;
  const int64_t planeSize = planes == 0 ? 0 : x.numElements() / planes;
  const float *src = x.data<float>();
  float *dst = out.data<float>();
  const int64_t grain =
      std::max<int64_t>(1, (int64_t(1) << 15) / (planeSize + 1));
  parallelChunks(planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const float a = mul[p % channels], b = add[p % channels];
      const float *in = src + p * planeSize;
      float *o = dst + p * planeSize;
      for (int64_t i = 0; i < planeSize; ++i)
        o[i] = in[i] * a + b;
    }
  });
}

void nncc::runtime::softmax(const Tensor &x, int64_t axis, Tensor &out) {
  assert(x.dtype() == DType::F32 && out.dtype() == DType::F32 &&
         out.numElements() == x.numElements() && "Softmax takes f32");
  assert(axis >= 0 && axis < x.rank() && "Softmax axis");
  const int64_t outer = numElementsOf(x.shape().take_front(axis));
  const int64_t length = x.dim(axis);
  const int64_t inner = numElementsOf(x.shape().drop_front(axis + 1));
  if (x.numElements() == 0)
    return;
  const float *src = x.data<float>();
  float *dst = out.data<float>();
  // Each outer slice is [length, inner]; the `inner` softmaxes of a slice
  // are computed side by side so that every pass is a unit-stride sweep
  // over `inner` values, whatever the axis.
  const int64_t grain =
      std::max<int64_t>(1, (int64_t(1) << 14) / (length * inner + 1));
  parallelChunks(outer, grain, [&](int64_t begin, int64_t end) {
    std::vector<float> maxima(inner), sums(inner);
    for (int64_t o = begin; o < end; ++o) {
      const float *in = src + o * length * inner;
      float *y = dst + o * length * inner;
      std::fill(maxima.begin(), maxima.end(),
                -std::numeric_limits<float>::infinity());
      for (int64_t l = 0; l < length; ++l)
        for (int64_t i = 0; i < inner; ++i)
          maxima[i] = std::max(maxima[i], in[l * inner + i]);
      std::fill(sums.begin(), sums.end(), 0.0f);
      for (int64_t l = 0; l < length; ++l)
        for (int64_t i = 0; i < inner; ++i) {
          const float e = std::exp(in[l * inner + i] - maxima[i]);
          y[l * inner + i] = e;
          sums[i] += e;
        }
      for (int64_t l = 0; l < length; ++l)
        for (int64_t i = 0; i < inner; ++i)
          y[l * inner + i] /= sums[i];
    }
  });
}

void nncc::runtime::layerNorm(const Tensor &x, const Tensor &scale,
                              const Tensor *bias, int64_t axis, float epsilon,
                              Tensor &out) {
  assert(x.dtype() == DType::F32 && out.dtype() == DType::F32 &&
         out.numElements() == x.numElements() && "LayerNormalization takes f32");
  assert(axis >= 0 && axis < x.rank() && "LayerNormalization axis");
  llvm::ArrayRef<int64_t> normalized = x.shape().drop_front(axis);
  const int64_t length = numElementsOf(normalized);
  const int64_t rows = length == 0 ? 0 : x.numElements() / length;
  // Scale and bias as full [length] vectors (they may broadcast).
  Tensor gamma(DType::F32, normalized), beta(DType::F32, normalized);
  expand(scale, gamma);
  if (bias)
    expand(*bias, beta);
  const float *g = gamma.data<float>(), *b = beta.data<float>();
  const float *src = x.data<float>();
  float *dst = out.data<float>();
  const int64_t grain = std::max<int64_t>(1, (int64_t(1) << 14) / (length + 1));
  parallelChunks(rows, grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float *in = src + r * length;
      float *y = dst + r * length;
      double sum = 0;
      for (int64_t i = 0; i < length; ++i)
        sum += in[i];
      const double mean = sum / static_cast<double>(length);
      double squares = 0;
      for (int64_t i = 0; i < length; ++i)
        squares += (in[i] - mean) * (in[i] - mean);
      const double invStdDev =
          1.0 / std::sqrt(squares / static_cast<double>(length) + epsilon);
      for (int64_t i = 0; i < length; ++i)
        y[i] = static_cast<float>((in[i] - mean) * invStdDev) * g[i] + b[i];
    }
  });
}
