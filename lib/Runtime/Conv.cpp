//===- Conv.cpp - Convolution kernel --------------------------------------===//
//
// Convolution is lowered per (batch, group) to one matrix product:
//
//   out[g] (Mg x P) = W[g] (Mg x K) * col (K x P),   K = C/group * kernel
//   volume
//
// where `col` (im2col) holds, for every output pixel, the input values under
// each kernel tap.  To bound the im2col buffer and keep it in cache, the
// output pixels are cut into blocks of whole output rows; each (batch,
// group, row block) is an independent work item, so the items are what run
// in parallel.  When there are fewer items than threads the items run in
// turn and the matrix product parallelizes internally instead.
//
// Depthwise convolutions (one input channel per group) would make K tiny and
// the product degenerate, so they use a direct loop instead.
//
// All spatial ranks are handled as 3-D by prepending unit dims.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"
#include "Sgemm.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// Upper bound on the im2col block (in floats, 4 MiB): large enough for
/// wide matrix products, small enough to stay in the last-level cache.
constexpr int64_t kColBudget = int64_t(1) << 20;
/// A row block should give the matrix product at least this many columns.
constexpr int64_t kMinBlockColumns = 256;
/// Below this many multiply-adds (a few tens of microseconds) forking costs
/// more than it saves, e.g. for LeNet's convolutions.
constexpr int64_t kMinParallelMacs = int64_t(1) << 18;

/// Convolution sizes with the spatial dims padded to three (depth, height,
/// width); unit dims have kernel 1, stride 1, dilation 1 and no padding.
struct ConvGeometry {
  int64_t batch, inChannels, outChannels, group;
  std::array<int64_t, 3> in, out, kernel, stride, dilation, padBegin;

  int64_t inPlane() const { return in[0] * in[1] * in[2]; }
  int64_t outPlane() const { return out[0] * out[1] * out[2]; }
  int64_t kernelVolume() const { return kernel[0] * kernel[1] * kernel[2]; }
  int64_t groupInChannels() const { return inChannels / group; }
  int64_t groupOutChannels() const { return outChannels / group; }
  /// Number of output rows: each (depth, height) pair is one row of width
  /// out[2].
  int64_t outRows() const { return out[0] * out[1]; }
};

ConvGeometry makeGeometry(const Tensor &x, const Tensor &w,
                          const WindowParams &window, int64_t group,
                          const Tensor &out) {
  const int64_t spatial = x.rank() - 2;
  assert(spatial >= 1 && spatial <= 3 && "Conv supports 1 to 3 spatial dims");
  assert(w.rank() == x.rank() && out.rank() == x.rank());
  assert(static_cast<int64_t>(window.kernel.size()) == spatial &&
         (window.strides.empty() ||
          static_cast<int64_t>(window.strides.size()) == spatial) &&
         (window.dilations.empty() ||
          static_cast<int64_t>(window.dilations.size()) == spatial) &&
         static_cast<int64_t>(window.padsBegin.size()) == spatial &&
         static_cast<int64_t>(window.padsEnd.size()) == spatial);
  ConvGeometry geo;
  geo.batch = x.dim(0);
  geo.inChannels = x.dim(1);
  geo.outChannels = w.dim(0);
  geo.group = group;
  assert(group >= 1 && geo.inChannels % group == 0 &&
         geo.outChannels % group == 0 && w.dim(1) * group == geo.inChannels &&
         "Conv channel counts do not match the group count");
  assert(out.dim(0) == geo.batch && out.dim(1) == geo.outChannels);
  const int64_t lead = 3 - spatial;
  for (int64_t d = 0; d < 3; ++d) {
    if (d < lead) {
      geo.in[d] = geo.out[d] = geo.kernel[d] = 1;
      geo.stride[d] = geo.dilation[d] = 1;
      geo.padBegin[d] = 0;
      continue;
    }
    const int64_t s = d - lead;
    geo.in[d] = x.dim(2 + s);
    geo.out[d] = out.dim(2 + s);
    geo.kernel[d] = window.kernel[s];
    geo.stride[d] = window.strides.empty() ? 1 : window.strides[s];
    geo.dilation[d] = window.dilations.empty() ? 1 : window.dilations[s];
    geo.padBegin[d] = window.padsBegin[s];
    assert(w.dim(2 + s) == geo.kernel[d] && "weight shape != kernel_shape");
    assert(geo.out[d] == (geo.in[d] + window.padsBegin[s] + window.padsEnd[s] -
                          (geo.kernel[d] - 1) * geo.dilation[d] - 1) /
                                 geo.stride[d] +
                             1 &&
           "Conv output shape does not match the window");
  }
  return geo;
}

/// The output positions o in [0, outSize) whose input coordinate
/// o * stride + offset falls inside [0, inSize), as a half-open range.
std::pair<int64_t, int64_t> validOutputRange(int64_t outSize, int64_t inSize,
                                             int64_t stride, int64_t offset) {
  int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  int64_t last = inSize - 1 - offset;
  int64_t hi = last < 0 ? 0 : last / stride + 1;
  lo = std::min(lo, outSize);
  hi = std::clamp(hi, lo, outSize);
  return {lo, hi};
}

/// Input coordinate of output `o` under kernel tap `k` along dim `d`, or -1
/// when it falls into the padding.
int64_t inputCoord(const ConvGeometry &geo, int d, int64_t o, int64_t k) {
  int64_t i = o * geo.stride[d] - geo.padBegin[d] + k * geo.dilation[d];
  return i >= 0 && i < geo.in[d] ? i : -1;
}

/// Writes the im2col rows of one group for output rows [t0, t1): row
/// (c, kd, kh, kw) holds, for each output pixel of the block, the input value
/// that tap reads (zero in the padding).  `xGroup` points at the group's
/// first input channel; `col` is [K, (t1 - t0) * out[2]].
void im2col(const ConvGeometry &geo, const float *xGroup, int64_t t0,
            int64_t t1, float *col) {
  const int64_t ow = geo.out[2], iw = geo.in[2];
  const int64_t ld = (t1 - t0) * ow;
  int64_t r = 0;
  for (int64_t c = 0; c < geo.groupInChannels(); ++c)
    for (int64_t kd = 0; kd < geo.kernel[0]; ++kd)
      for (int64_t kh = 0; kh < geo.kernel[1]; ++kh)
        for (int64_t kw = 0; kw < geo.kernel[2]; ++kw, ++r) {
          const int64_t offset = kw * geo.dilation[2] - geo.padBegin[2];
          auto [lo, hi] = validOutputRange(ow, iw, geo.stride[2], offset);
          for (int64_t t = t0; t < t1; ++t) {
            float *dst = col + r * ld + (t - t0) * ow;
            int64_t id = inputCoord(geo, 0, t / geo.out[1], kd);
            int64_t ih = inputCoord(geo, 1, t % geo.out[1], kh);
            if (id < 0 || ih < 0) {
              std::fill(dst, dst + ow, 0.0f);
              continue;
            }
            const float *src =
                xGroup + ((c * geo.in[0] + id) * geo.in[1] + ih) * iw;
            std::fill(dst, dst + lo, 0.0f);
            if (geo.stride[2] == 1) {
              // Indexing, not pointer offsets: src + offset may lie before
              // the row when the range is empty.
              for (int64_t o = lo; o < hi; ++o)
                dst[o] = src[o + offset];
            } else {
              for (int64_t o = lo; o < hi; ++o)
                dst[o] = src[o * geo.stride[2] + offset];
            }
            std::fill(dst + hi, dst + ow, 0.0f);
          }
        }
}

/// True when the input plane already is the im2col matrix: a 1x1 kernel
/// with unit strides and no padding reads every pixel exactly once.
bool isPointwise(const ConvGeometry &geo) {
  for (int d = 0; d < 3; ++d)
    if (geo.kernel[d] != 1 || geo.stride[d] != 1 || geo.padBegin[d] != 0 ||
        geo.in[d] != geo.out[d])
      return false;
  return true;
}

/// Direct convolution for one output channel plane when each group has a
/// single input channel (depthwise): for every tap, scale a shifted input
/// row into the output row.
void depthwisePlane(const ConvGeometry &geo, const float *xPlane,
                    const float *wKernel, float biasValue, float *yPlane) {
  const int64_t ow = geo.out[2];
  std::fill(yPlane, yPlane + geo.outPlane(), biasValue);
  for (int64_t t = 0; t < geo.outRows(); ++t) {
    float *dst = yPlane + t * ow;
    const float *w = wKernel;
    for (int64_t kd = 0; kd < geo.kernel[0]; ++kd)
      for (int64_t kh = 0; kh < geo.kernel[1]; ++kh) {
        int64_t id = inputCoord(geo, 0, t / geo.out[1], kd);
        int64_t ih = inputCoord(geo, 1, t % geo.out[1], kh);
        if (id < 0 || ih < 0) {
          w += geo.kernel[2];
          continue;
        }
        const float *src = xPlane + (id * geo.in[1] + ih) * geo.in[2];
        for (int64_t kw = 0; kw < geo.kernel[2]; ++kw) {
          const float wv = *w++;
          const int64_t offset = kw * geo.dilation[2] - geo.padBegin[2];
          auto [lo, hi] =
              validOutputRange(ow, geo.in[2], geo.stride[2], offset);
          if (geo.stride[2] == 1) {
            for (int64_t o = lo; o < hi; ++o)
              dst[o] += wv * src[o + offset];
          } else {
            for (int64_t o = lo; o < hi; ++o)
              dst[o] += wv * src[o * geo.stride[2] + offset];
          }
        }
      }
  }
}

void depthwiseConv(const ConvGeometry &geo, const float *x, const float *w,
                   const float *bias, float *y) {
  const int64_t multiplier = geo.groupOutChannels();
  const int64_t kvol = geo.kernelVolume();
  const int64_t planes = geo.batch * geo.outChannels;
  // Each plane costs outPlane * kvol multiply-adds; aim for >= 32K per task.
  const int64_t grain =
      std::max<int64_t>(1, (int64_t(1) << 15) / (geo.outPlane() * kvol + 1));
  parallelChunks(planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const int64_t n = plane / geo.outChannels, m = plane % geo.outChannels;
      const int64_t c = m / multiplier;
      depthwisePlane(geo, x + (n * geo.inChannels + c) * geo.inPlane(),
                     w + m * kvol, bias ? bias[m] : 0.0f,
                     y + plane * geo.outPlane());
    }
  });
}

/// Output rows per im2col block: within the buffer budget, small enough to
/// give every thread a few items, but wide enough for an efficient product.
int64_t chooseRowsPerBlock(const ConvGeometry &geo, int64_t k,
                           int64_t threads) {
  const int64_t ow = geo.out[2], rows = geo.outRows();
  const int64_t byBudget = std::max<int64_t>(1, kColBudget / (k * ow));
  const int64_t planes = geo.batch * geo.group;
  const int64_t wantedBlocks =
      std::max<int64_t>(1, (4 * threads + planes - 1) / planes);
  const int64_t byParallelism = (rows + wantedBlocks - 1) / wantedBlocks;
  const int64_t byWidth = (kMinBlockColumns + ow - 1) / ow;
  return std::clamp<int64_t>(
      std::min(byBudget, std::max(byParallelism, byWidth)), 1, rows);
}

void im2colConv(const ConvGeometry &geo, const float *x, const float *w,
                const float *bias, float *y) {
  const int64_t cg = geo.groupInChannels(), mg = geo.groupOutChannels();
  const int64_t k = cg * geo.kernelVolume();
  const int64_t p = geo.outPlane(), ow = geo.out[2];
  const bool pointwise = isPointwise(geo);
  const bool parallel = geo.batch * geo.outChannels * p * k >= kMinParallelMacs;
  const int64_t threads =
      parallel ? static_cast<int64_t>(llvm::parallel::getThreadCount()) : 1;
  const int64_t rowsPerBlock =
      pointwise ? geo.outRows() : chooseRowsPerBlock(geo, k, threads);
  const int64_t blocksPerPlane =
      (geo.outRows() + rowsPerBlock - 1) / rowsPerBlock;
  const int64_t items = geo.batch * geo.group * blocksPerPlane;
  const bool parallelItems = parallel && items >= threads;

  auto runItem = [&](int64_t item, std::vector<float> &col) {
    const int64_t block = item % blocksPerPlane;
    const int64_t g = (item / blocksPerPlane) % geo.group;
    const int64_t n = item / (blocksPerPlane * geo.group);
    const int64_t t0 = block * rowsPerBlock;
    const int64_t t1 = std::min(geo.outRows(), t0 + rowsPerBlock);
    const int64_t columns = (t1 - t0) * ow;
    const float *xGroup = x + (n * geo.inChannels + g * cg) * geo.inPlane();
    float *yBlock = y + (n * geo.outChannels + g * mg) * p + t0 * ow;

    // A pointwise input plane is its own im2col matrix, already laid out
    // with row stride p.
    const float *colData = xGroup + t0 * ow;
    int64_t ldCol = p;
    if (!pointwise) {
      col.resize(static_cast<size_t>(k * columns));
      im2col(geo, xGroup, t0, t1, col.data());
      colData = col.data();
      ldCol = columns;
    }
    // The bias is preloaded into the output so the product accumulates
    // onto it (beta = 1) instead of needing a second pass.
    float beta = 0.0f;
    if (bias) {
      for (int64_t m = 0; m < mg; ++m)
        std::fill(yBlock + m * p, yBlock + m * p + columns, bias[g * mg + m]);
      beta = 1.0f;
    }
    sgemm(false, false, mg, columns, k, 1.0f, w + g * mg * k, k, colData, ldCol,
          beta, yBlock, p,
          /*allowParallel=*/parallel && !parallelItems);
  };

  if (parallelItems) {
    parallelChunks(items, 1, [&](int64_t begin, int64_t end) {
      std::vector<float> col;
      for (int64_t item = begin; item < end; ++item)
        runItem(item, col);
    });
    return;
  }
  std::vector<float> col;
  for (int64_t item = 0; item < items; ++item)
    runItem(item, col);
}

} // namespace

void nncc::runtime::conv(const Tensor &x, const Tensor &w, const Tensor *bias,
                         const WindowParams &window, int64_t group,
                         Tensor &out) {
  assert(x.dtype() == DType::F32 && w.dtype() == DType::F32 &&
         out.dtype() == DType::F32 && (!bias || bias->dtype() == DType::F32) &&
         "Conv takes f32 tensors");
  const ConvGeometry geo = makeGeometry(x, w, window, group, out);
  assert((!bias || bias->numElements() == geo.outChannels) && "bias size");
  const float *biasData = bias ? bias->data<float>() : nullptr;
  if (out.numElements() == 0)
    return;
  if (geo.groupInChannels() == 1 && geo.group > 1) {
    depthwiseConv(geo, x.data<float>(), w.data<float>(), biasData,
                  out.data<float>());
    return;
  }
  im2colConv(geo, x.data<float>(), w.data<float>(), biasData,
             out.data<float>());
}
