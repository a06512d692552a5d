//===- ConvPoolTest.cpp - Tests of the convolution and pooling kernels ----===//
//
// Hand-computed cases pin down the semantics; randomized cases compare the
// optimized kernels against naive loops over every output element.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "Sgemm.h"

using namespace nncc::runtime;
using namespace nncc::runtime::test;

namespace {

//===----------------------------------------------------------------------===//
// Naive references
//===----------------------------------------------------------------------===//

/// Input coordinates of output `o` under kernel tap `k`, or false when any of
/// them falls into the padding.
bool tapCoords(const WindowParams &w, llvm::ArrayRef<int64_t> inSpatial,
               llvm::ArrayRef<int64_t> o, llvm::ArrayRef<int64_t> k,
               std::vector<int64_t> &in) {
  in.resize(o.size());
  bool inside = true;
  for (size_t d = 0; d < o.size(); ++d) {
    in[d] = o[d] * w.strides[d] - w.padsBegin[d] + k[d] * w.dilations[d];
    inside &= in[d] >= 0 && in[d] < inSpatial[d];
  }
  return inside;
}

std::vector<double> naiveConv(const Tensor &x, const Tensor &w,
                              const Tensor *bias, const WindowParams &win,
                              int64_t group, llvm::ArrayRef<int64_t> outShape) {
  const int64_t m = w.dim(0), cg = w.dim(1), mg = m / group;
  auto inSpatial = x.shape().drop_front(2);
  auto kSpatial = w.shape().drop_front(2);
  std::vector<double> y(numElementsOf(outShape));
  std::vector<int64_t> in;
  for (int64_t i = 0; i < static_cast<int64_t>(y.size()); ++i) {
    auto idx = unflatten(i, outShape);
    int64_t n = idx[0], oc = idx[1], g = oc / mg;
    llvm::ArrayRef<int64_t> o = llvm::ArrayRef(idx).drop_front(2);
    double acc = bias ? bias->data<float>()[oc] : 0.0;
    for (int64_t c = 0; c < cg; ++c)
      for (int64_t kf = 0; kf < numElementsOf(kSpatial); ++kf) {
        auto k = unflatten(kf, kSpatial);
        if (!tapCoords(win, inSpatial, o, k, in))
          continue;
        std::vector<int64_t> xi = {n, g * cg + c};
        xi.insert(xi.end(), in.begin(), in.end());
        std::vector<int64_t> wi = {oc, c};
        wi.insert(wi.end(), k.begin(), k.end());
        acc += static_cast<double>(x.data<float>()[flatten(xi, x.shape())]) *
               w.data<float>()[flatten(wi, w.shape())];
      }
    y[i] = acc;
  }
  return y;
}

/// Naive pooling: `mode` 0 = max, 1 = average including pads (up to the
/// padded edge), 2 = average excluding pads.
std::vector<double> naivePool(const Tensor &x, const WindowParams &win,
                              int mode, llvm::ArrayRef<int64_t> outShape) {
  auto inSpatial = x.shape().drop_front(2);
  auto kSpatial = llvm::ArrayRef<int64_t>(win.kernel);
  std::vector<double> y(numElementsOf(outShape));
  std::vector<int64_t> in;
  for (int64_t i = 0; i < static_cast<int64_t>(y.size()); ++i) {
    auto idx = unflatten(i, outShape);
    llvm::ArrayRef<int64_t> o = llvm::ArrayRef(idx).drop_front(2);
    double best = -INFINITY, sum = 0;
    int64_t inside = 0, inPadded = 0;
    for (int64_t kf = 0; kf < numElementsOf(kSpatial); ++kf) {
      auto k = unflatten(kf, kSpatial);
      bool valid = tapCoords(win, inSpatial, o, k, in);
      bool withinPaddedEdge = true;
      for (size_t d = 0; d < in.size(); ++d)
        withinPaddedEdge &= in[d] < inSpatial[d] + win.padsEnd[d];
      inPadded += withinPaddedEdge;
      if (!valid)
        continue;
      std::vector<int64_t> xi = {idx[0], idx[1]};
      xi.insert(xi.end(), in.begin(), in.end());
      double v = x.getAsDouble(flatten(xi, x.shape()));
      best = std::max(best, v);
      sum += v;
      ++inside;
    }
    y[i] = mode == 0 ? best : sum / (mode == 1 ? inPadded : inside);
  }
  return y;
}

std::vector<int64_t> convOutShape(const Tensor &x, const Tensor &w,
                                  const WindowParams &win) {
  std::vector<int64_t> shape = {x.dim(0), w.dim(0)};
  for (size_t d = 0; d < win.kernel.size(); ++d)
    shape.push_back(windowOutputSize(win, d, x.dim(2 + d)));
  return shape;
}

std::vector<int64_t> poolOutShape(const Tensor &x, const WindowParams &win,
                                  bool ceilMode) {
  std::vector<int64_t> shape = {x.dim(0), x.dim(1)};
  for (size_t d = 0; d < win.kernel.size(); ++d)
    shape.push_back(windowOutputSize(win, d, x.dim(2 + d), ceilMode));
  return shape;
}

/// Runs the test body once per SGEMM micro-kernel this CPU can execute, so
/// that every ISA variant is checked, and restores the default afterwards.
template <typename Fn> void forEachSgemmKernel(Fn &&fn) {
  using detail::SgemmKernel;
  const SgemmKernel original = detail::activeSgemmKernel();
  for (SgemmKernel kind :
       {SgemmKernel::Generic, SgemmKernel::Avx2, SgemmKernel::Avx512}) {
    if (!detail::setSgemmKernel(kind))
      continue;
    SCOPED_TRACE("sgemm kernel " + std::to_string(static_cast<int>(kind)));
    fn();
  }
  detail::setSgemmKernel(original);
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

Tensor iota(llvm::ArrayRef<int64_t> shape, float start = 1.0f) {
  Tensor t(DType::F32, shape);
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.data<float>()[i] = start + static_cast<float>(i);
  return t;
}

TEST(ConvTest, HandComputed2x2KernelWithBias) {
  // x = [[1 2 3] [4 5 6] [7 8 9]], w = [[1 2] [3 4]]:
  // y[0][0] = 1*1 + 2*2 + 4*3 + 5*4 = 37, then 47, 67, 77; bias adds 1.
  Tensor x = iota({1, 1, 3, 3});
  Tensor w = iota({1, 1, 2, 2});
  Tensor b = Tensor::fromValues<float>({1}, {1.0f});
  Tensor y(DType::F32, {1, 1, 2, 2});
  conv(x, w, &b, makeWindow({2, 2}, {1, 1}, {1, 1}, {0, 0}, {0, 0}), 1, y);
  expectValuesEq(y, {38, 48, 68, 78});
}

TEST(ConvTest, EmptyStridesAndDilationsMeanOnes) {
  Tensor x = iota({1, 1, 3, 3});
  Tensor w = iota({1, 1, 2, 2});
  WindowParams win = makeWindow({2, 2}, {}, {}, {0, 0}, {0, 0});
  Tensor y(DType::F32, {1, 1, 2, 2});
  conv(x, w, nullptr, win, 1, y);
  expectValuesEq(y, {37, 47, 67, 77});
  maxPool(x, win, y);
  expectValuesEq(y, {5, 6, 8, 9});
}

TEST(ConvTest, HandComputedPaddedStrided) {
  // A 3x3 box filter with pad 1 and stride 2 sums each 2x2 corner block.
  Tensor x = iota({1, 1, 3, 3});
  Tensor w =
      Tensor::fromValues<float>({1, 1, 3, 3}, std::vector<float>(9, 1.0f));
  Tensor y(DType::F32, {1, 1, 2, 2});
  conv(x, w, nullptr, makeWindow({3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}), 1, y);
  expectValuesEq(y,
                 {1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9});
}

TEST(ConvTest, HandComputedAsymmetricPadAndDilation1D) {
  // x = [1 2 3 4], w = [1 -1] dilated by 2, pads (2, 0):
  // padded x = [0 0 1 2 3 4]; y[o] = xp[o] - xp[o + 2] -> [-1 -2 -2 -2].
  Tensor x = iota({1, 1, 4});
  Tensor w = Tensor::fromValues<float>({1, 1, 2}, {1.0f, -1.0f});
  Tensor y(DType::F32, {1, 1, 4});
  conv(x, w, nullptr, makeWindow({2}, {1}, {2}, {2}, {0}), 1, y);
  expectValuesEq(y, {-1, -2, -2, -2});
}

TEST(ConvTest, HandComputedGroups) {
  // Two groups of two input channels; output channel g sees only group g.
  // x channels are constant planes 1, 2, 3, 4; 1x1 weights [1 10] and
  // [100 1000] give 1 + 20 = 21 and 300 + 4000 = 4300.
  Tensor x(DType::F32, {1, 4, 2, 2});
  for (int64_t c = 0; c < 4; ++c)
    for (int64_t i = 0; i < 4; ++i)
      x.data<float>()[c * 4 + i] = static_cast<float>(c + 1);
  Tensor w = Tensor::fromValues<float>({2, 2, 1, 1}, {1, 10, 100, 1000});
  Tensor y(DType::F32, {1, 2, 2, 2});
  conv(x, w, nullptr, makeWindow({1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}), 2, y);
  expectValuesEq(y, {21, 21, 21, 21, 4300, 4300, 4300, 4300});
}

TEST(ConvTest, HandComputedDepthwiseWithBias) {
  // Depthwise 1x1: channel 0 scaled by 2 plus 1, channel 1 by 3 minus 1.
  Tensor x = iota({1, 2, 1, 2});
  Tensor w = Tensor::fromValues<float>({2, 1, 1, 1}, {2.0f, 3.0f});
  Tensor b = Tensor::fromValues<float>({2}, {1.0f, -1.0f});
  Tensor y(DType::F32, {1, 2, 1, 2});
  conv(x, w, &b, makeWindow({1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}), 2, y);
  expectValuesEq(y, {3, 5, 8, 11});
}

struct ConvCase {
  std::vector<int64_t> xShape, wShape;
  int64_t group;
  std::vector<int64_t> strides, dilations, padsBegin, padsEnd;
  bool bias;
};

void checkConvAgainstNaive(const ConvCase &c, std::mt19937 &rng) {
  Tensor x = randomTensor(c.xShape, rng);
  Tensor w = randomTensor(c.wShape, rng);
  Tensor b = randomTensor({c.wShape[0]}, rng);
  WindowParams win = makeWindow(llvm::ArrayRef(c.wShape).drop_front(2),
                                c.strides, c.dilations, c.padsBegin, c.padsEnd);
  auto outShape = convOutShape(x, w, win);
  Tensor y(DType::F32, outShape);
  // Garbage in the result must not leak into it (it is only written).
  std::fill(y.data<float>(), y.data<float>() + y.numElements(), NAN);
  conv(x, w, c.bias ? &b : nullptr, win, c.group, y);
  expectValuesNear(
      y, naiveConv(x, w, c.bias ? &b : nullptr, win, c.group, outShape), 1e-4);
}

const std::vector<ConvCase> &convCases() {
  static const std::vector<ConvCase> cases = {
      // LeNet-like: single input channel, 5x5.
      {{1, 1, 12, 12}, {6, 1, 5, 5}, 1, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true},
      // Batch > 1, stride 2, asymmetric pads.
      {{3, 3, 9, 11}, {4, 3, 3, 3}, 1, {2, 2}, {1, 1}, {1, 0}, {0, 2}, true},
      // Dilations and unequal strides.
      {{1, 4, 13, 10}, {5, 4, 3, 2}, 1, {1, 3}, {2, 3}, {2, 1}, {1, 2}, false},
      // Groups with several channels per group.
      {{2, 6, 8, 8}, {9, 2, 3, 3}, 3, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      // Depthwise, and depthwise with channel multiplier 2 and stride 2.
      {{2, 5, 9, 9}, {5, 1, 3, 3}, 5, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      {{1, 3, 10, 7}, {6, 1, 3, 3}, 3, {2, 2}, {2, 1}, {2, 0}, {1, 3}, true},
      // Pointwise fast path, and a 1x1 that is not pointwise (stride).
      {{2, 16, 7, 7}, {8, 16, 1, 1}, 1, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true},
      {{1, 8, 7, 7}, {8, 8, 1, 1}, 1, {2, 2}, {1, 1}, {0, 0}, {0, 0}, false},
      // Padding larger than the kernel reach leaves pure-padding windows.
      {{1, 2, 3, 3}, {2, 2, 2, 2}, 1, {1, 1}, {1, 1}, {3, 2}, {2, 3}, true},
      // K above the SGEMM K block (36 * 9 = 324) and M above the M block.
      {{1, 36, 9, 9}, {100, 36, 3, 3}, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      // Many output rows: several im2col row blocks per plane.
      {{1, 8, 60, 70}, {16, 8, 3, 3}, 1, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true},
      // 1-D with groups and dilation.
      {{2, 4, 17}, {6, 2, 3}, 2, {2}, {2}, {1}, {2}, true},
      // 3-D with asymmetric pads and strides.
      {{1, 2, 5, 6, 7},
       {3, 2, 2, 3, 3},
       1,
       {1, 2, 2},
       {1, 1, 2},
       {0, 1, 2},
       {1, 0, 1},
       true},
      // 3-D depthwise.
      {{2, 3, 4, 5, 6},
       {3, 1, 3, 3, 3},
       3,
       {1, 1, 1},
       {1, 1, 1},
       {1, 1, 1},
       {1, 1, 1},
       false},
  };
  return cases;
}

TEST(ConvTest, RandomMatchesNaive) {
  std::mt19937 rng(1234);
  forEachSgemmKernel([&] {
    for (size_t i = 0; i < convCases().size(); ++i) {
      SCOPED_TRACE("conv case " + std::to_string(i));
      checkConvAgainstNaive(convCases()[i], rng);
    }
  });
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

TEST(PoolTest, MaxPoolHandComputed) {
  Tensor x = iota({1, 1, 4, 4});
  Tensor y(DType::F32, {1, 1, 2, 2});
  maxPool(x, makeWindow({2, 2}, {2, 2}, {1, 1}, {0, 0}, {0, 0}), y);
  expectValuesEq(y, {6, 8, 14, 16});
}

TEST(PoolTest, MaxPoolPaddingNeverWins) {
  // All inputs are negative, so a zero from the padding would win if
  // padding were read.
  Tensor x = Tensor::fromValues<int8_t>({1, 1, 2, 2}, {-5, -6, -7, -8});
  Tensor y(DType::I8, {1, 1, 3, 3});
  maxPool(x, makeWindow({2, 2}, {1, 1}, {1, 1}, {1, 1}, {1, 1}), y);
  expectValuesEq(y, {-5, -5, -6, -5, -5, -6, -7, -7, -8});
}

TEST(PoolTest, MaxPoolUint8) {
  Tensor x = Tensor::fromValues<uint8_t>({1, 1, 1, 6}, {0, 255, 3, 200, 7, 9});
  Tensor y(DType::U8, {1, 1, 1, 3});
  maxPool(x, makeWindow({1, 3}, {1, 2}, {1, 1}, {0, 1}, {0, 1}), y);
  // Windows (with pad 1 each side) cover x[-1..1], x[1..3], x[3..5].
  expectValuesEq(y, {255, 255, 200});
}

TEST(PoolTest, AveragePoolCountIncludePadBothWays) {
  // 3x3 input, 2x2 window, stride 1, pad 1: the corner window holds one
  // input value (1) and three pads.
  Tensor x = iota({1, 1, 3, 3});
  WindowParams win = makeWindow({2, 2}, {1, 1}, {1, 1}, {1, 1}, {1, 1});
  Tensor include(DType::F32, {1, 1, 4, 4});
  Tensor exclude(DType::F32, {1, 1, 4, 4});
  averagePool(x, win, /*countIncludePad=*/true, include);
  averagePool(x, win, /*countIncludePad=*/false, exclude);
  expectValuesNear(include, {0.25, 0.75, 1.25, 0.75, //
                             1.25, 3.0, 4.0, 2.25,   //
                             2.75, 6.0, 7.0, 3.75,   //
                             1.75, 3.75, 4.25, 2.25});
  expectValuesNear(exclude, {1.0, 1.5, 2.5, 3.0, //
                             2.5, 3.0, 4.0, 4.5, //
                             5.5, 6.0, 7.0, 7.5, //
                             7.0, 7.5, 8.5, 9.0});
}

TEST(PoolTest, AveragePoolCeilModeWindowPastPaddedEnd) {
  // x = [1..6], kernel 3, stride 2, pads (1, 1), ceil_mode: 4 outputs with
  // windows over input coords [-1,1], [1,3], [3,5], [5,7].  The last one
  // holds x[5] = 6, one pad (coord 6) and one position (7) past the padded
  // input, which ONNX does not count even with count_include_pad.
  Tensor x = iota({1, 1, 6});
  WindowParams win = makeWindow({3}, {2}, {1}, {1}, {1});
  ASSERT_EQ(windowOutputSize(win, 0, 6, /*ceilMode=*/true), 4);
  Tensor include(DType::F32, {1, 1, 4});
  Tensor exclude(DType::F32, {1, 1, 4});
  averagePool(x, win, true, include);
  averagePool(x, win, false, exclude);
  expectValuesNear(include, {3.0 / 3, 9.0 / 3, 15.0 / 3, 6.0 / 2});
  expectValuesNear(exclude, {3.0 / 2, 9.0 / 3, 15.0 / 3, 6.0 / 1});
}

TEST(PoolTest, AveragePoolWindowOnlyInPaddingIsNaN) {
  // With count_include_pad = 0 a window of padding only averages nothing.
  Tensor x = iota({1, 1, 2});
  Tensor y(DType::F32, {1, 1, 6});
  averagePool(x, makeWindow({1}, {1}, {1}, {2}, {2}), false, y);
  expectValuesNear(y, {NAN, NAN, 1, 2, NAN, NAN});
}

struct PoolCase {
  std::vector<int64_t> xShape, kernel, strides, dilations, padsBegin, padsEnd;
  bool ceilMode;
};

TEST(PoolTest, RandomMatchesNaive) {
  const std::vector<PoolCase> cases = {
      {{2, 3, 8, 8}, {2, 2}, {2, 2}, {1, 1}, {0, 0}, {0, 0}, false},
      {{1, 2, 7, 9}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, true},
      {{1, 2, 10, 11}, {3, 2}, {3, 2}, {2, 1}, {2, 0}, {1, 1}, true},
      {{3, 2, 13}, {4}, {3}, {1}, {2}, {1}, true},
      {{1, 2, 5, 6, 7},
       {2, 3, 2},
       {2, 1, 2},
       {1, 1, 2},
       {1, 1, 0},
       {0, 1, 1},
       true},
      {{1, 1, 6, 6}, {3, 3}, {1, 1}, {2, 2}, {2, 2}, {2, 2}, false},
  };
  std::mt19937 rng(99);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("pool case " + std::to_string(i));
    const PoolCase &c = cases[i];
    Tensor x = randomTensor(c.xShape, rng);
    WindowParams win =
        makeWindow(c.kernel, c.strides, c.dilations, c.padsBegin, c.padsEnd);
    auto outShape = poolOutShape(x, win, c.ceilMode);
    Tensor y(DType::F32, outShape);
    maxPool(x, win, y);
    expectValuesNear(y, naivePool(x, win, 0, outShape));
    // AveragePool gained dilations later; test it both with and without.
    for (bool include : {true, false}) {
      averagePool(x, win, include, y);
      expectValuesNear(y, naivePool(x, win, include ? 1 : 2, outShape));
    }
  }
}

TEST(PoolTest, MaxPoolIntegerDtypesMatchNaive) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> dist(-100, 100);
  Tensor x(DType::I32, {2, 2, 5, 6});
  for (int64_t i = 0; i < x.numElements(); ++i)
    x.data<int32_t>()[i] = dist(rng);
  WindowParams win = makeWindow({3, 2}, {2, 2}, {1, 1}, {1, 0}, {1, 1});
  auto outShape = poolOutShape(x, win, true);
  Tensor y(DType::I32, outShape);
  maxPool(x, win, y);
  expectValuesEq(y, naivePool(x, win, 0, outShape));
}

TEST(PoolTest, GlobalAveragePool) {
  Tensor x = iota({1, 2, 2, 2});
  Tensor y(DType::F32, {1, 2, 1, 1});
  globalAveragePool(x, y);
  expectValuesNear(y, {2.5, 6.5});

  std::mt19937 rng(7);
  Tensor r = randomTensor({3, 4, 5, 6, 7}, rng);
  Tensor ry(DType::F32, {3, 4, 1, 1, 1});
  globalAveragePool(r, ry);
  std::vector<double> expected(12, 0.0);
  for (int64_t i = 0; i < r.numElements(); ++i)
    expected[i / 210] += r.data<float>()[i] / 210.0;
  expectValuesNear(ry, expected);
}

} // namespace
