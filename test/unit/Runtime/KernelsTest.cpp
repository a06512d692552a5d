//===- KernelsTest.cpp - Tests of Tensor and the non-window kernels -------===//
//
// Tensor storage, elementwise, data-movement and normalization kernels.
// Convolution and pooling are in ConvPoolTest.cpp, Gemm and MatMul in
// GemmTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cstdint>
#include <limits>

using namespace nncc::runtime;
using namespace nncc::runtime::test;

namespace {

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

TEST(TensorTest, AllocationIsZeroedAndAligned) {
  for (DType type : {DType::F32, DType::U8, DType::I64, DType::Bool}) {
    Tensor t(type, {3, 5, 7});
    EXPECT_EQ(t.numElements(), 105);
    EXPECT_EQ(t.byteSize(), 105 * dtypeSize(type));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 64, 0u);
    for (int64_t i = 0; i < t.numElements(); ++i)
      ASSERT_EQ(t.getAsDouble(i), 0.0);
  }
  Tensor scalar(DType::F64, {});
  EXPECT_EQ(scalar.numElements(), 1);
  EXPECT_EQ(scalar.rank(), 0);
  Tensor zero(DType::F32, {4, 0});
  EXPECT_EQ(zero.numElements(), 0);
  EXPECT_FALSE(zero.empty());
  EXPECT_TRUE(Tensor().empty());
}

TEST(TensorTest, ReshapedSharesStorageAndCloneCopies) {
  Tensor t = Tensor::fromValues<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor view = t.reshaped({3, 1, 2});
  EXPECT_EQ(view.raw(), t.raw());
  EXPECT_EQ(view.shape(), llvm::ArrayRef<int64_t>({3, 1, 2}));
  Tensor copy = t.clone();
  EXPECT_NE(copy.raw(), t.raw());
  t.data<int32_t>()[4] = 50;
  EXPECT_EQ(view.data<int32_t>()[4], 50);
  EXPECT_EQ(copy.data<int32_t>()[4], 5);
  EXPECT_EQ(copy.shape(), t.shape());
}

TEST(TensorTest, BorrowingReadsTheCallersBufferAndLeavesIt) {
  auto buffer = std::make_unique<float[]>(6);
  for (int i = 0; i < 6; ++i)
    buffer[i] = static_cast<float>(i) / 2;
  {
    Tensor view = Tensor::borrowing(DType::F32, {3, 2}, buffer.get());
    EXPECT_EQ(view.raw(), buffer.get());
    EXPECT_EQ(view.numElements(), 6);
    EXPECT_EQ(view.data<float>()[5], 2.5f);
    Tensor reshaped = view.reshaped({6});
    EXPECT_EQ(reshaped.raw(), buffer.get());
  }
  // The views are gone and the buffer, which they never owned, is intact.
  EXPECT_EQ(buffer[5], 2.5f);
}

TEST(TensorTest, DTypeHelpers) {
  EXPECT_EQ(dtypeSize(DType::F32), 4u);
  EXPECT_EQ(dtypeSize(DType::F64), 8u);
  EXPECT_EQ(dtypeSize(DType::U16), 2u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeName(DType::F32), "f32");
  EXPECT_EQ(dtypeName(DType::U8), "u8");
  EXPECT_EQ(dtypeName(DType::I64), "i64");
  EXPECT_TRUE(isFloatingPoint(DType::F64));
  EXPECT_FALSE(isFloatingPoint(DType::I32));
  EXPECT_EQ(numElementsOf({}), 1);
  EXPECT_EQ(numElementsOf({2, 3, 4}), 24);

  EXPECT_EQ(Tensor::fromValues<int8_t>({1}, {-7}).getAsDouble(0), -7.0);
  EXPECT_EQ(Tensor::fromValues<uint64_t>({1}, {1ull << 40}).getAsDouble(0),
            std::ldexp(1.0, 40));
  EXPECT_EQ(Tensor::fromValues<bool>({2}, {true, false}).getAsDouble(0), 1.0);
  EXPECT_EQ(Tensor::fromValues<double>({1}, {0.1}).getAsDouble(0), 0.1);
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

/// Naive broadcasting binary op: each output index maps to operand indices
/// by clamping broadcast dims to 0.
template <typename T, typename Op>
std::vector<double> naiveBinary(const Tensor &a, const Tensor &b,
                                llvm::ArrayRef<int64_t> outShape, Op op) {
  auto operandIndex = [&](const Tensor &t, const std::vector<int64_t> &idx) {
    std::vector<int64_t> own(t.rank());
    size_t lead = idx.size() - t.rank();
    for (int64_t d = 0; d < t.rank(); ++d)
      own[d] = t.dim(d) == 1 ? 0 : idx[lead + d];
    return flatten(own, t.shape());
  };
  std::vector<double> y(numElementsOf(outShape));
  for (int64_t i = 0; i < static_cast<int64_t>(y.size()); ++i) {
    auto idx = unflatten(i, outShape);
    T av = a.data<T>()[operandIndex(a, idx)];
    T bv = b.data<T>()[operandIndex(b, idx)];
    y[i] = static_cast<double>(op(av, bv));
  }
  return y;
}

TEST(BinaryTest, HandComputedBroadcast) {
  Tensor a = Tensor::fromValues<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor row = Tensor::fromValues<float>({3}, {10, 20, 30});
  Tensor y(DType::F32, {2, 3});
  binary(BinaryOpKind::Add, a, row, y);
  expectValuesEq(y, {11, 22, 33, 14, 25, 36});
  binary(BinaryOpKind::Sub, row, a, y);
  expectValuesEq(y, {9, 18, 27, 6, 15, 24});

  // [2, 1] * [1, 3] -> outer product.
  Tensor col = Tensor::fromValues<float>({2, 1}, {2, 3});
  Tensor r = Tensor::fromValues<float>({1, 3}, {1, 10, 100});
  binary(BinaryOpKind::Mul, col, r, y);
  expectValuesEq(y, {2, 20, 200, 3, 30, 300});

  Tensor s = Tensor::fromValues<float>({}, {4});
  binary(BinaryOpKind::Div, a, s, y);
  expectValuesEq(y, {0.25, 0.5, 0.75, 1, 1.25, 1.5});
}

TEST(BinaryTest, Uint8Wraps) {
  Tensor a = Tensor::fromValues<uint8_t>({3}, {250, 5, 16});
  Tensor b = Tensor::fromValues<uint8_t>({3}, {10, 10, 16});
  Tensor y(DType::U8, {3});
  binary(BinaryOpKind::Add, a, b, y);
  expectValuesEq(y, {4, 15, 32});
  binary(BinaryOpKind::Sub, a, b, y);
  expectValuesEq(y, {240, 251, 0});
  binary(BinaryOpKind::Mul, a, b, y);
  expectValuesEq(y, {(250 * 10) % 256, 50, 0});
  binary(BinaryOpKind::Div, a, b, y);
  expectValuesEq(y, {25, 0, 1});
}

TEST(BinaryTest, IntegerDivisionTruncatesAndNeverTraps) {
  Tensor a = Tensor::fromValues<int32_t>(
      {6}, {-7, 7, -7, 7, 5, std::numeric_limits<int32_t>::min()});
  Tensor b = Tensor::fromValues<int32_t>({6}, {2, -2, -2, 0, 0, -1});
  Tensor y(DType::I32, {6});
  binary(BinaryOpKind::Div, a, b, y);
  // Division by zero is defined to give 0; MIN / -1 wraps to MIN.
  expectValuesEq(y, {-3, -3, 3, 0, 0, std::numeric_limits<int32_t>::min()});

  Tensor big = Tensor::fromValues<int64_t>(
      {2}, {std::numeric_limits<int64_t>::max(), -3});
  Tensor one = Tensor::fromValues<int64_t>({}, {1});
  Tensor sum(DType::I64, {2});
  binary(BinaryOpKind::Add, big, one, sum);
  EXPECT_EQ(sum.data<int64_t>()[0], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(sum.data<int64_t>()[1], -2);

  // uint16 * uint16 would overflow int after promotion if done naively.
  Tensor u = Tensor::fromValues<uint16_t>({1}, {65535});
  Tensor uy(DType::U16, {1});
  binary(BinaryOpKind::Mul, u, u, uy);
  expectValuesEq(uy, {1});
}

TEST(BinaryTest, RandomBroadcastMatchesNaive) {
  struct Case {
    std::vector<int64_t> a, b, out;
  };
  const std::vector<Case> cases = {
      {{4, 5}, {4, 5}, {4, 5}},
      {{}, {4, 5}, {4, 5}},
      {{3, 1, 5}, {1, 4, 1}, {3, 4, 5}},
      {{2, 3, 4, 5}, {3, 1, 5}, {2, 3, 4, 5}},
      {{2, 1, 4, 1}, {1, 3, 1, 6}, {2, 3, 4, 6}},
      {{1, 8, 1, 1}, {2, 8, 7, 7}, {2, 8, 7, 7}},
      {{5, 1}, {1}, {5, 1}},
      {{600, 70}, {70}, {600, 70}},
  };
  std::mt19937 rng(3);
  for (const Case &c : cases) {
    SCOPED_TRACE(testing::Message() << "shapes " << c.a.size() << "/"
                                    << c.b.size() << " out " << c.out.size());
    Tensor a = randomTensor(c.a, rng), b = randomTensor(c.b, rng, 0.5f, 2.0f);
    Tensor y(DType::F32, c.out);
    binary(BinaryOpKind::Sub, a, b, y);
    expectValuesEq(y, naiveBinary<float>(
                          a, b, c.out, [](float x, float z) { return x - z; }));
    binary(BinaryOpKind::Div, a, b, y);
    expectValuesEq(y, naiveBinary<float>(
                          a, b, c.out, [](float x, float z) { return x / z; }));

    // Same shapes in int32 (including negative operands) and f64.
    Tensor ai(DType::I32, c.a), bi(DType::I32, c.b);
    std::uniform_int_distribution<int32_t> dist(-50, 50);
    for (int64_t i = 0; i < ai.numElements(); ++i)
      ai.data<int32_t>()[i] = dist(rng);
    for (int64_t i = 0; i < bi.numElements(); ++i)
      bi.data<int32_t>()[i] = dist(rng) | 1; // Odd, so never zero.
    Tensor yi(DType::I32, c.out);
    binary(BinaryOpKind::Div, ai, bi, yi);
    expectValuesEq(
        yi, naiveBinary<int32_t>(ai, bi, c.out,
                                 [](int32_t x, int32_t z) { return x / z; }));
    binary(BinaryOpKind::Mul, ai, bi, yi);
    expectValuesEq(
        yi, naiveBinary<int32_t>(ai, bi, c.out,
                                 [](int32_t x, int32_t z) { return x * z; }));

    Tensor ad(DType::F64, c.a), bd(DType::F64, c.b);
    for (int64_t i = 0; i < ad.numElements(); ++i)
      ad.data<double>()[i] = a.data<float>()[i];
    for (int64_t i = 0; i < bd.numElements(); ++i)
      bd.data<double>()[i] = b.data<float>()[i];
    Tensor yd(DType::F64, c.out);
    binary(BinaryOpKind::Add, ad, bd, yd);
    expectValuesEq(
        yd, naiveBinary<double>(ad, bd, c.out,
                                [](double x, double z) { return x + z; }));
  }
}

//===----------------------------------------------------------------------===//
// Unary, LeakyRelu, Clip
//===----------------------------------------------------------------------===//

TEST(UnaryTest, Relu) {
  Tensor x = Tensor::fromValues<float>({4}, {-1.5f, 0.0f, 2.0f, NAN});
  Tensor y(DType::F32, {4});
  unary(UnaryOpKind::Relu, x, y);
  expectValuesNear(y, {0, 0, 2, NAN});

  Tensor xi = Tensor::fromValues<int8_t>({3}, {-128, 0, 127});
  Tensor yi(DType::I8, {3});
  unary(UnaryOpKind::Relu, xi, yi);
  expectValuesEq(yi, {0, 0, 127});
}

TEST(UnaryTest, SigmoidAndTanh) {
  Tensor x = Tensor::fromValues<float>({5}, {-100, -1, 0, 1, 100});
  Tensor y(DType::F32, {5});
  unary(UnaryOpKind::Sigmoid, x, y);
  // Large magnitudes saturate without overflow to inf or NaN.
  expectValuesNear(
      y, {0, 1 / (1 + std::exp(1.0)), 0.5, 1 / (1 + std::exp(-1.0)), 1});
  EXPECT_GT(y.data<float>()[0], 0.0f);
  unary(UnaryOpKind::Tanh, x, y);
  expectValuesNear(y, {-1, std::tanh(-1.0), 0, std::tanh(1.0), 1});

  Tensor xd = Tensor::fromValues<double>({2}, {-2, 3});
  Tensor yd(DType::F64, {2});
  unary(UnaryOpKind::Sigmoid, xd, yd);
  expectValuesNear(yd, {1 / (1 + std::exp(2.0)), 1 / (1 + std::exp(-3.0))},
                   1e-14);
}

TEST(UnaryTest, LeakyRelu) {
  Tensor x = Tensor::fromValues<float>({3}, {-2, 0, 3});
  Tensor y(DType::F32, {3});
  leakyRelu(x, 0.1f, y);
  expectValuesNear(y, {-0.2, 0, 3});
}

TEST(UnaryTest, Clip) {
  Tensor x = Tensor::fromValues<float>({5}, {-INFINITY, -2, 0.5, 7, INFINITY});
  Tensor y(DType::F32, {5});
  clip(x, -1.0, 1.0, y);
  expectValuesEq(y, {-1, -1, 0.5, 1, 1});
  clip(x, std::nullopt, 1.0, y);
  expectValuesEq(y, {-INFINITY, -2, 0.5, 1, 1});
  clip(x, 0.0, std::nullopt, y);
  expectValuesEq(y, {0, 0, 0.5, 7, INFINITY});

  // Bounds outside the dtype's range saturate instead of wrapping.
  Tensor u = Tensor::fromValues<uint8_t>({3}, {0, 100, 255});
  Tensor uy(DType::U8, {3});
  clip(u, -5.0, 1000.0, uy);
  expectValuesEq(uy, {0, 100, 255});
  clip(u, 10.0, 200.0, uy);
  expectValuesEq(uy, {10, 100, 200});
  Tensor i = Tensor::fromValues<int64_t>({3}, {-9, 0, 9});
  Tensor iy(DType::I64, {3});
  clip(i, -3.0, 4.0, iy);
  expectValuesEq(iy, {-3, 0, 4});
}

//===----------------------------------------------------------------------===//
// Transpose, Concat, Pad
//===----------------------------------------------------------------------===//

/// Naive transpose: out[idx] = x[idx permuted back].
std::vector<double> naiveTranspose(const Tensor &x,
                                   llvm::ArrayRef<int64_t> perm) {
  std::vector<int64_t> outShape;
  for (int64_t p : perm)
    outShape.push_back(x.dim(p));
  std::vector<double> y(x.numElements());
  for (int64_t i = 0; i < x.numElements(); ++i) {
    auto outIdx = unflatten(i, outShape);
    std::vector<int64_t> inIdx(x.rank());
    for (size_t d = 0; d < perm.size(); ++d)
      inIdx[perm[d]] = outIdx[d];
    y[i] = x.getAsDouble(flatten(inIdx, x.shape()));
  }
  return y;
}

TEST(TransposeTest, HandComputed2D) {
  Tensor x = Tensor::fromValues<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor y(DType::F32, {3, 2});
  transpose(x, {1, 0}, y);
  expectValuesEq(y, {1, 4, 2, 5, 3, 6});
}

TEST(TransposeTest, Rank4And6MatchNaive) {
  std::mt19937 rng(11);
  struct Case {
    std::vector<int64_t> shape, perm;
    DType type;
  };
  const std::vector<Case> cases = {
      {{2, 3, 4, 5}, {0, 2, 3, 1}, DType::F32}, // NCHW -> NHWC
      {{2, 3, 4, 5}, {3, 1, 0, 2}, DType::U8},
      {{2, 1, 4, 5}, {1, 0, 3, 2}, DType::I64},
      {{2, 3, 1, 2, 3, 2}, {5, 3, 0, 4, 1, 2}, DType::F32},
      {{3, 2, 2, 4, 1, 3}, {0, 1, 4, 5, 2, 3}, DType::I16},
      {{2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5}, DType::F64},
  };
  for (const Case &c : cases) {
    Tensor x(c.type, c.shape);
    // Distinct small integers, exactly representable in every dtype used.
    std::uniform_int_distribution<int> dist(0, 100);
    dispatchDType(c.type, [&](auto tag) {
      using T = decltype(tag);
      for (int64_t i = 0; i < x.numElements(); ++i)
        static_cast<T *>(x.raw())[i] = static_cast<T>(dist(rng));
    });
    std::vector<int64_t> outShape;
    for (int64_t p : c.perm)
      outShape.push_back(c.shape[p]);
    Tensor y(c.type, outShape);
    transpose(x, c.perm, y);
    expectValuesEq(y, naiveTranspose(x, c.perm));
  }
}

TEST(ConcatTest, NonZeroAxis) {
  Tensor a = Tensor::fromValues<int32_t>({2, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::fromValues<int32_t>({2, 1}, {5, 6});
  Tensor empty(DType::I32, {2, 0});
  Tensor y(DType::I32, {2, 3});
  concat({&a, &empty, &b}, 1, y);
  expectValuesEq(y, {1, 2, 5, 3, 4, 6});

  Tensor y0(DType::I32, {4, 2});
  concat({&a, &a}, 0, y0);
  expectValuesEq(y0, {1, 2, 3, 4, 1, 2, 3, 4});
}

TEST(ConcatTest, Rank3MiddleAndLastAxis) {
  std::mt19937 rng(4);
  Tensor a = randomTensor({2, 3, 4}, rng), b = randomTensor({2, 1, 4}, rng);
  Tensor y(DType::F32, {2, 4, 4});
  concat({&a, &b}, 1, y);
  std::vector<double> expected;
  for (int64_t n = 0; n < 2; ++n) {
    for (int64_t i = 0; i < 12; ++i)
      expected.push_back(a.data<float>()[n * 12 + i]);
    for (int64_t i = 0; i < 4; ++i)
      expected.push_back(b.data<float>()[n * 4 + i]);
  }
  expectValuesEq(y, expected);

  Tensor c = randomTensor({2, 3, 2}, rng);
  Tensor y2(DType::F32, {2, 3, 6});
  concat({&a, &c}, 2, y2);
  expected.clear();
  for (int64_t r = 0; r < 6; ++r) {
    for (int64_t i = 0; i < 4; ++i)
      expected.push_back(a.data<float>()[r * 4 + i]);
    for (int64_t i = 0; i < 2; ++i)
      expected.push_back(c.data<float>()[r * 2 + i]);
  }
  expectValuesEq(y2, expected);
}

TEST(PadTest, HandComputed1D) {
  Tensor x = Tensor::fromValues<float>({3}, {1, 2, 3});
  Tensor y(DType::F32, {7});
  pad(x, {2}, {2}, PadMode::Constant, 9.0, y);
  expectValuesEq(y, {9, 9, 1, 2, 3, 9, 9});
  pad(x, {2}, {2}, PadMode::Reflect, 0.0, y);
  expectValuesEq(y, {3, 2, 1, 2, 3, 2, 1});
  pad(x, {2}, {2}, PadMode::Edge, 0.0, y);
  expectValuesEq(y, {1, 1, 1, 2, 3, 3, 3});
  // Reflect wider than the dim keeps bouncing, as numpy does.
  Tensor wide(DType::F32, {8});
  pad(x, {0}, {5}, PadMode::Reflect, 0.0, wide);
  expectValuesEq(wide, {1, 2, 3, 2, 1, 2, 3, 2});
}

TEST(PadTest, HandComputed2DAndNegativePads) {
  Tensor x = Tensor::fromValues<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor y(DType::I32, {3, 4});
  pad(x, {1, 0}, {0, 1}, PadMode::Edge, 0.0, y);
  expectValuesEq(y, {1, 2, 3, 3, 1, 2, 3, 3, 4, 5, 6, 6});
  // Crop one column on the left while padding one row at the bottom.
  Tensor c(DType::I32, {3, 2});
  pad(x, {0, -1}, {1, 0}, PadMode::Constant, -1.0, c);
  expectValuesEq(c, {2, 3, 5, 6, -1, -1});
  Tensor r(DType::I32, {2, 4});
  pad(x, {0, 2}, {0, -1}, PadMode::Reflect, 0.0, r);
  expectValuesEq(r, {3, 2, 1, 2, 6, 5, 4, 5});
}

TEST(PadTest, Uint8ConstantSaturates) {
  Tensor x = Tensor::fromValues<uint8_t>({1}, {7});
  Tensor y(DType::U8, {3});
  pad(x, {1}, {1}, PadMode::Constant, 300.0, y);
  expectValuesEq(y, {255, 7, 255});
}

/// Naive pad: each output coordinate maps to a source coordinate per dim.
std::vector<double> naivePad(const Tensor &x, llvm::ArrayRef<int64_t> begin,
                             llvm::ArrayRef<int64_t> outShape, PadMode mode,
                             double value) {
  std::vector<double> y(numElementsOf(outShape));
  for (int64_t i = 0; i < static_cast<int64_t>(y.size()); ++i) {
    auto idx = unflatten(i, outShape);
    bool constant = false;
    for (int64_t d = 0; d < x.rank(); ++d) {
      int64_t s = idx[d] - begin[d], n = x.dim(d);
      if (s >= 0 && s < n) {
        idx[d] = s;
        continue;
      }
      if (mode == PadMode::Constant)
        constant = true;
      else if (mode == PadMode::Edge)
        idx[d] = s < 0 ? 0 : n - 1;
      else {
        // Bounce between the ends one step at a time.
        while (s < 0 || s >= n)
          s = s < 0 ? -s : 2 * (n - 1) - s;
        idx[d] = s;
      }
    }
    y[i] = constant ? value : x.getAsDouble(flatten(idx, x.shape()));
  }
  return y;
}

TEST(PadTest, Random3DMatchesNaive) {
  std::mt19937 rng(21);
  Tensor x = randomTensor({3, 4, 5}, rng);
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>>
      padCases = {{{1, 2, 3}, {2, 1, 0}},
                  {{0, 3, 4}, {2, 3, 4}},
                  {{-1, 1, -2}, {1, -2, 2}}};
  for (const auto &[begin, end] : padCases)
    for (PadMode mode : {PadMode::Constant, PadMode::Reflect, PadMode::Edge}) {
      std::vector<int64_t> outShape;
      for (int64_t d = 0; d < 3; ++d)
        outShape.push_back(x.dim(d) + begin[d] + end[d]);
      Tensor y(DType::F32, outShape);
      pad(x, begin, end, mode, 0.5, y);
      expectValuesEq(y, naivePad(x, begin, outShape, mode, 0.5));
    }
}

//===----------------------------------------------------------------------===//
// BatchNormalization, Softmax
//===----------------------------------------------------------------------===//

TEST(BatchNormTest, HandComputed) {
  // Channel 0: (x - 1) / sqrt(3 + 1) * 2 + 0.5; channel 1: (x - 0) / 1 - 1.
  Tensor x = Tensor::fromValues<float>({1, 2, 2}, {1, 5, 2, -2});
  Tensor scale = Tensor::fromValues<float>({2}, {2, 1});
  Tensor bias = Tensor::fromValues<float>({2}, {0.5, -1});
  Tensor mean = Tensor::fromValues<float>({2}, {1, 0});
  Tensor var = Tensor::fromValues<float>({2}, {3, 1});
  Tensor y(DType::F32, {1, 2, 2});
  batchNorm(x, scale, bias, mean, var, 1.0f, y);
  expectValuesNear(y,
                   {0.5, 4.5, 2 / std::sqrt(2.0) - 1, -2 / std::sqrt(2.0) - 1});
}

TEST(BatchNormTest, RandomMatchesNaive) {
  std::mt19937 rng(13);
  Tensor x = randomTensor({2, 3, 4, 5}, rng);
  Tensor scale = randomTensor({3}, rng), bias = randomTensor({3}, rng);
  Tensor mean = randomTensor({3}, rng), var = randomTensor({3}, rng, 0.1f, 2);
  Tensor y(DType::F32, {2, 3, 4, 5});
  batchNorm(x, scale, bias, mean, var, 1e-5f, y);
  std::vector<double> expected(x.numElements());
  for (int64_t i = 0; i < x.numElements(); ++i) {
    int64_t c = (i / 20) % 3;
    expected[i] = (x.data<float>()[i] - mean.data<float>()[c]) /
                      std::sqrt(var.data<float>()[c] + 1e-5) *
                      scale.data<float>()[c] +
                  bias.data<float>()[c];
  }
  expectValuesNear(y, expected);
}

TEST(SoftmaxTest, HandComputedAndStable) {
  Tensor x = Tensor::fromValues<float>({2, 3}, {1, 2, 3, 1000, 1001, 1002});
  Tensor y(DType::F32, {2, 3});
  softmax(x, 1, y);
  double z = 1 + std::exp(1.0) + std::exp(2.0);
  double p0 = 1 / z, p1 = std::exp(1.0) / z, p2 = std::exp(2.0) / z;
  // Logits near 1000 would overflow exp without the max subtraction.
  expectValuesNear(y, {p0, p1, p2, p0, p1, p2});
}

TEST(SoftmaxTest, EveryAxisMatchesNaive) {
  std::mt19937 rng(17);
  Tensor x = randomTensor({2, 3, 4}, rng, -5, 5);
  for (int64_t axis = 0; axis < 3; ++axis) {
    Tensor y(DType::F32, {2, 3, 4});
    softmax(x, axis, y);
    std::vector<double> expected(24);
    for (int64_t i = 0; i < 24; ++i) {
      auto idx = unflatten(i, x.shape());
      double sum = 0;
      for (int64_t l = 0; l < x.dim(axis); ++l) {
        auto other = idx;
        other[axis] = l;
        sum += std::exp(x.data<float>()[flatten(other, x.shape())]);
      }
      expected[i] = std::exp(x.data<float>()[i]) / sum;
    }
    expectValuesNear(y, expected);
  }
}

} // namespace
