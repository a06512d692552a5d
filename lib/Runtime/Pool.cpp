//===- Pool.cpp - Max, average and global average pooling -----------------===//
//
// Windows are handled per spatial dim: for each output coordinate the range
// of kernel taps that land inside the input is computed once, so the inner
// loops never test for padding.  Like convolution, all spatial ranks are
// treated as 3-D with leading unit dims.  Each (batch, channel) plane is
// independent, which is what runs in parallel.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"

#include <array>
#include <cassert>
#include <limits>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// For one output coordinate along one dim: the taps [first, last) that read
/// input elements, and how many taps lie within the padded input
/// [-padBegin, in + padEnd) (a ceil_mode window may run past it).
struct TapRange {
  int64_t first, last, inPadded;
};

/// Window sizes for the three (padded to 3-D) spatial dims, with the tap
/// ranges of every output coordinate.
struct PoolGeometry {
  int64_t planes;
  std::array<int64_t, 3> in, out, stride, dilation, padBegin;
  std::array<std::vector<TapRange>, 3> taps;

  int64_t inPlane() const { return in[0] * in[1] * in[2]; }
  int64_t outPlane() const { return out[0] * out[1] * out[2]; }
  /// Input coordinate read by tap `k` of output `o` along dim `d`.
  int64_t inputCoord(int d, int64_t o, int64_t k) const {
    return o * stride[d] - padBegin[d] + k * dilation[d];
  }
};

std::vector<TapRange> computeTaps(int64_t in, int64_t out, int64_t kernel,
                                  int64_t stride, int64_t dilation,
                                  int64_t padBegin, int64_t padEnd) {
  // Number of taps k >= 0 with start + k * dilation < limit.
  auto tapsBelow = [&](int64_t start, int64_t limit) {
    if (limit <= start)
      return int64_t(0);
    return std::min(kernel, (limit - 1 - start) / dilation + 1);
  };
  std::vector<TapRange> taps(out);
  for (int64_t o = 0; o < out; ++o) {
    const int64_t start = o * stride - padBegin;
    int64_t first = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
    first = std::min(first, kernel);
    const int64_t last = std::max(first, tapsBelow(start, in));
    // start >= -padBegin always holds, so every tap is past the padded
    // beginning; only the padded end can cut the window short.
    taps[o] = {first, last, tapsBelow(start, in + padEnd)};
  }
  return taps;
}

PoolGeometry makeGeometry(const Tensor &x, const WindowParams &window,
                          const Tensor &out) {
  const int64_t spatial = x.rank() - 2;
  assert(spatial >= 1 && spatial <= 3 && "pooling takes 1 to 3 spatial dims");
  assert(out.rank() == x.rank() && out.dim(0) == x.dim(0) &&
         out.dim(1) == x.dim(1) && out.dtype() == x.dtype());
  assert(static_cast<int64_t>(window.kernel.size()) == spatial &&
         (window.strides.empty() ||
          static_cast<int64_t>(window.strides.size()) == spatial) &&
         (window.dilations.empty() ||
          static_cast<int64_t>(window.dilations.size()) == spatial) &&
         static_cast<int64_t>(window.padsBegin.size()) == spatial &&
         static_cast<int64_t>(window.padsEnd.size()) == spatial);
  PoolGeometry geo;
  geo.planes = x.dim(0) * x.dim(1);
  const int64_t lead = 3 - spatial;
  for (int64_t d = 0; d < 3; ++d) {
    if (d < lead) {
      geo.in[d] = geo.out[d] = geo.stride[d] = geo.dilation[d] = 1;
      geo.padBegin[d] = 0;
      geo.taps[d] = {TapRange{0, 1, 1}};
      continue;
    }
    const int64_t s = d - lead;
    geo.in[d] = x.dim(2 + s);
    geo.out[d] = out.dim(2 + s);
    geo.stride[d] = window.strides.empty() ? 1 : window.strides[s];
    geo.dilation[d] = window.dilations.empty() ? 1 : window.dilations[s];
    geo.padBegin[d] = window.padsBegin[s];
    geo.taps[d] =
        computeTaps(geo.in[d], geo.out[d], window.kernel[s], geo.stride[d],
                    geo.dilation[d], window.padsBegin[s], window.padsEnd[s]);
  }
  return geo;
}

/// Calls `fn(outIndex, taps, visit)` for every output position of one
/// plane, where `taps` are the position's per-dim TapRanges and
/// `visit(reader)` calls `reader(inIndex)` for each input element under the
/// window.
template <typename Fn> void forEachWindow(const PoolGeometry &geo, Fn &&fn) {
  int64_t outIndex = 0;
  for (int64_t od = 0; od < geo.out[0]; ++od)
    for (int64_t oh = 0; oh < geo.out[1]; ++oh)
      for (int64_t ow = 0; ow < geo.out[2]; ++ow, ++outIndex) {
        const std::array<const TapRange *, 3> taps = {
            &geo.taps[0][od], &geo.taps[1][oh], &geo.taps[2][ow]};
        auto visit = [&](auto &&reader) {
          for (int64_t kd = taps[0]->first; kd < taps[0]->last; ++kd) {
            const int64_t id = geo.inputCoord(0, od, kd);
            for (int64_t kh = taps[1]->first; kh < taps[1]->last; ++kh) {
              const int64_t row =
                  (id * geo.in[1] + geo.inputCoord(1, oh, kh)) * geo.in[2];
              for (int64_t kw = taps[2]->first; kw < taps[2]->last; ++kw)
                reader(row + geo.inputCoord(2, ow, kw));
            }
          }
        };
        fn(outIndex, taps, visit);
      }
}

/// Parallel loop over (batch, channel) planes, sized so that tiny pools run
/// inline.
template <typename Fn>
void forEachPlane(const PoolGeometry &geo, int64_t workPerPlane, Fn &&fn) {
  const int64_t grain =
      std::max<int64_t>(1, (int64_t(1) << 15) / (workPerPlane + 1));
  parallelChunks(geo.planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane)
      fn(plane);
  });
}

int64_t kernelVolume(const WindowParams &window) {
  return numElementsOf(window.kernel);
}

} // namespace

void nncc::runtime::maxPool(const Tensor &x, const WindowParams &window,
                            Tensor &out) {
  const PoolGeometry geo = makeGeometry(x, window, out);
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *src = static_cast<const T *>(x.raw());
    T *dst = static_cast<T *>(out.raw());
    // Padding never wins: start below every value (-inf for floats).
    const T init = std::numeric_limits<T>::has_infinity
                       ? -std::numeric_limits<T>::infinity()
                       : std::numeric_limits<T>::lowest();
    forEachPlane(geo, geo.outPlane() * kernelVolume(window), [&](int64_t p) {
      const T *in = src + p * geo.inPlane();
      T *o = dst + p * geo.outPlane();
      forEachWindow(geo, [&](int64_t outIndex, const auto &, auto &&visit) {
        T best = init;
        visit([&](int64_t i) { best = in[i] > best ? in[i] : best; });
        o[outIndex] = best;
      });
    });
  });
}

void nncc::runtime::averagePool(const Tensor &x, const WindowParams &window,
                                bool countIncludePad, Tensor &out) {
  assert(x.dtype() == DType::F32 && "AveragePool takes f32");
  const PoolGeometry geo = makeGeometry(x, window, out);
  const float *src = x.data<float>();
  float *dst = out.data<float>();
  forEachPlane(geo, geo.outPlane() * kernelVolume(window), [&](int64_t p) {
    const float *in = src + p * geo.inPlane();
    float *o = dst + p * geo.outPlane();
    forEachWindow(geo, [&](int64_t outIndex, const auto &taps, auto &&visit) {
      float sum = 0.0f;
      visit([&](int64_t i) { sum += in[i]; });
      // The window is a product of per-dim tap sets, so its element count
      // is the product of the per-dim counts.
      int64_t count = 1;
      for (const TapRange *t : taps)
        count *= countIncludePad ? t->inPadded : t->last - t->first;
      // A window entirely in the padding averages nothing; the ONNX
      // reference yields NaN (0 / 0) there.
      o[outIndex] = count > 0 ? sum / static_cast<float>(count)
                              : std::numeric_limits<float>::quiet_NaN();
    });
  });
}

void nncc::runtime::globalAveragePool(const Tensor &x, Tensor &out) {
  assert(x.dtype() == DType::F32 && out.dtype() == DType::F32 &&
         x.rank() >= 2 && "GlobalAveragePool takes f32 [N, C, ...]");
  const int64_t planes = x.dim(0) * x.dim(1);
  assert(out.numElements() == planes && "GlobalAveragePool result shape");
  const int64_t planeSize = planes == 0 ? 0 : x.numElements() / planes;
  const float *src = x.data<float>();
  float *dst = out.data<float>();
  const int64_t grain =
      std::max<int64_t>(1, (int64_t(1) << 15) / (planeSize + 1));
  parallelChunks(planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      // Double accumulation keeps large planes (e.g. 112 x 112) accurate.
      double sum = 0.0;
      const float *in = src + p * planeSize;
      for (int64_t i = 0; i < planeSize; ++i)
        sum += in[i];
      dst[p] = static_cast<float>(sum / static_cast<double>(planeSize));
    }
  });
}
