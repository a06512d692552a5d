//===- QuantizationKernelsTest.cpp - QDQ and integer kernels --------------===//
//
// Hand-computed cases of the quantization kernels (issue #16, item 4): ties
// rounded to even, saturation, NaN, per-axis parameters, zero points per
// row, column and filter, padding that contributes nothing.  Their common
// cases are held to ONNX's node tests by the conformance test.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <cstdint>
#include <limits>

using namespace nncc::runtime;
using namespace nncc::runtime::test;

namespace {

TEST(QuantizationKernelsTest, QuantizeRoundsHalfToEvenAndSaturates) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::fromValues<float>(
      {8}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300.0f, -300.0f, nan});
  Tensor out(DType::U8, {8});
  quantizeLinear(x, Tensor::fromValues<float>({}, {1.0f}),
                 Tensor::fromValues<uint8_t>({}, {10}), 1, out);
  // round: 0, 2, 2, -0, -2; then + 10; 310 and -290 saturate; NaN is the
  // zero point.
  EXPECT_EQ(out.values<uint8_t>(),
            llvm::ArrayRef<uint8_t>({10, 12, 12, 10, 8, 255, 0, 10}));

  Tensor y(DType::I8, {3});
  quantizeLinear(Tensor::fromValues<float>({3}, {-200.0f, 127.5f, 126.5f}),
                 Tensor::fromValues<float>({1}, {1.0f}),
                 Tensor::fromValues<int8_t>({1}, {-1}), 0, y);
  // -201 saturates; 127.5 -> 128 and 126.5 -> 126 (even), minus 1.
  EXPECT_EQ(y.values<int8_t>(), llvm::ArrayRef<int8_t>({-128, 127, 125}));
}

TEST(QuantizationKernelsTest, QuantizePerAxis) {
  Tensor x = Tensor::fromValues<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor columns(DType::U8, {2, 3});
  quantizeLinear(x, Tensor::fromValues<float>({3}, {1, 2, 4}),
                 Tensor::fromValues<uint8_t>({3}, {0, 1, 2}), 1, columns);
  // Column scales 1, 2, 4: 3/4 -> 1, 5/2 -> 2 (even), 6/4 -> 2.
  EXPECT_EQ(columns.values<uint8_t>(),
            llvm::ArrayRef<uint8_t>({1, 2, 3, 4, 3, 4}));
  Tensor rows(DType::U8, {2, 3});
  quantizeLinear(x, Tensor::fromValues<float>({2}, {1, 2}),
                 Tensor::fromValues<uint8_t>({2}, {0, 1}), 0, rows);
  EXPECT_EQ(rows.values<uint8_t>(),
            llvm::ArrayRef<uint8_t>({1, 2, 3, 3, 3, 4}));
}

TEST(QuantizationKernelsTest, DequantizeCodesAndInt32Bias) {
  Tensor out(DType::F32, {3});
  dequantizeLinear(Tensor::fromValues<int8_t>({3}, {-128, 0, 127}),
                   Tensor::fromValues<float>({}, {0.5f}),
                   Tensor::fromValues<int8_t>({}, {-128}), 1, out);
  expectValuesEq(out, {0, 64, 127.5});

  // A quantized bias, one scale per channel.
  Tensor bias(DType::F32, {2});
  dequantizeLinear(Tensor::fromValues<int32_t>({2}, {1000, -3}),
                   Tensor::fromValues<float>({2}, {0.25f, 2.0f}),
                   Tensor::fromValues<int32_t>({2}, {0, 0}), 0, bias);
  expectValuesEq(bias, {250, -6});
}

TEST(QuantizationKernelsTest, DynamicQuantize) {
  Tensor x = Tensor::fromValues<float>({4}, {-2.0f, 0.0f, 1.0f, 3.1f});
  Tensor y(DType::U8, {4}), scale(DType::F32, {}), zero(DType::U8, {});
  dynamicQuantizeLinear(x, y, scale, zero);
  // Range [-2, 3.1]: scale 5.1 / 255, zero point 2 / 0.02 = 100.
  EXPECT_EQ(scale.data<float>()[0],
            static_cast<float>((static_cast<double>(3.1f) + 2.0) / 255.0));
  EXPECT_EQ(zero.data<uint8_t>()[0], 100);
  EXPECT_EQ(y.values<uint8_t>(), llvm::ArrayRef<uint8_t>({0, 100, 150, 255}));

  // Positive values: the range still starts at 0, the zero point is 0.
  Tensor positive = Tensor::fromValues<float>({2}, {1.0f, 2.55f});
  Tensor yp(DType::U8, {2});
  dynamicQuantizeLinear(positive, yp, scale, zero);
  EXPECT_EQ(zero.data<uint8_t>()[0], 0);
  EXPECT_EQ(yp.values<uint8_t>(), llvm::ArrayRef<uint8_t>({100, 255}));

  // All zeros: scale 0 (ONNX's reference would divide by it), codes 0.
  Tensor zeros(DType::F32, {3}), yz(DType::U8, {3});
  dynamicQuantizeLinear(zeros, yz, scale, zero);
  EXPECT_EQ(scale.data<float>()[0], 0.0f);
  EXPECT_EQ(zero.data<uint8_t>()[0], 0);
  EXPECT_EQ(yz.values<uint8_t>(), llvm::ArrayRef<uint8_t>({0, 0, 0}));
}

TEST(QuantizationKernelsTest, MatMulIntegerZeroPointsPerRowAndColumn) {
  // A - [1, 4] per row = [[0, 1, 2], [0, 1, 2]]; B - [0, -1] per column =
  // [[1, 0], [2, 1], [-3, 6]].
  Tensor a = Tensor::fromValues<uint8_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::fromValues<int8_t>({3, 2}, {1, -1, 2, 0, -3, 5});
  Tensor out(DType::I32, {2, 2});
  matmulInteger(a, b, Tensor::fromValues<uint8_t>({2}, {1, 4}),
                Tensor::fromValues<int8_t>({2}, {0, -1}), out);
  // [0, 1, 2] . [1, 2, -3] = -4, [0, 1, 2] . [0, 1, 6] = 13.
  EXPECT_EQ(out.values<int32_t>(), llvm::ArrayRef<int32_t>({-4, 13, -4, 13}));
}

TEST(QuantizationKernelsTest, MatMulIntegerBroadcastsBatches) {
  Tensor a = Tensor::fromValues<uint8_t>({2, 1, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::fromValues<int8_t>({2, 1}, {1, 1});
  Tensor out(DType::I32, {2, 1, 1});
  matmulInteger(a, b, Tensor::fromValues<uint8_t>({}, {0}),
                Tensor::fromValues<int8_t>({}, {0}), out);
  EXPECT_EQ(out.values<int32_t>(), llvm::ArrayRef<int32_t>({3, 7}));
}

TEST(QuantizationKernelsTest, ConvIntegerPaddingContributesZero) {
  // x - 5 = [[0, 1], [2, 3]], padded by 1 with zeros (not -5), summed over
  // 2x2 windows.
  Tensor x = Tensor::fromValues<uint8_t>({1, 1, 2, 2}, {5, 6, 7, 8});
  Tensor w = Tensor::fromValues<uint8_t>({1, 1, 2, 2}, {1, 1, 1, 1});
  WindowParams window;
  window.kernel = {2, 2};
  window.padsBegin = {1, 1};
  window.padsEnd = {1, 1};
  Tensor out(DType::I32, {1, 1, 3, 3});
  convInteger(x, w, Tensor::fromValues<uint8_t>({}, {5}),
              Tensor::fromValues<uint8_t>({}, {0}), nullptr, window, 1, out);
  EXPECT_EQ(out.values<int32_t>(),
            llvm::ArrayRef<int32_t>({0, 1, 1, 2, 6, 4, 2, 5, 3}));
}

TEST(QuantizationKernelsTest, ConvIntegerPerFilterZeroPointGroupsAndBias) {
  // Two groups of one channel; w - [1, -1] per filter = [1, 4].
  Tensor x = Tensor::fromValues<uint8_t>({1, 2, 1, 1}, {3, 4});
  Tensor w = Tensor::fromValues<int8_t>({2, 1, 1, 1}, {2, 3});
  WindowParams window;
  window.kernel = {1, 1};
  window.padsBegin = {0, 0};
  window.padsEnd = {0, 0};
  Tensor bias = Tensor::fromValues<int32_t>({2}, {10, -10});
  Tensor out(DType::I32, {1, 2, 1, 1});
  convInteger(x, w, Tensor::fromValues<uint8_t>({}, {0}),
              Tensor::fromValues<int8_t>({2}, {1, -1}), &bias, window, 2, out);
  EXPECT_EQ(out.values<int32_t>(), llvm::ArrayRef<int32_t>({13, 6}));
}

TEST(QuantizationKernelsTest, RequantizeRoundsAndSaturates) {
  Tensor acc = Tensor::fromValues<int32_t>({4}, {5, 7, -1000, 1000});
  Tensor out(DType::U8, {4});
  requantize(acc, Tensor::fromValues<float>({}, {0.5f}), 0,
             Tensor::fromValues<float>({1}, {1.0f}), 0,
             Tensor::fromValues<float>({}, {1.0f}),
             Tensor::fromValues<uint8_t>({}, {128}), out);
  // 2.5 -> 2 and 3.5 -> 4 (even), + 128; -500 and 500 saturate.
  EXPECT_EQ(out.values<uint8_t>(),
            llvm::ArrayRef<uint8_t>({130, 132, 0, 255}));
}

TEST(QuantizationKernelsTest, RequantizePerRowAndColumn) {
  Tensor acc = Tensor::fromValues<int32_t>({2, 2}, {3, 3, 3, 3});
  Tensor out(DType::I8, {2, 2});
  requantize(acc, Tensor::fromValues<float>({2}, {1.0f, 2.0f}), 0,
             Tensor::fromValues<float>({2}, {0.5f, 1.0f}), 1,
             Tensor::fromValues<float>({}, {1.0f}),
             Tensor::fromValues<int8_t>({}, {0}), out);
  // Multipliers [[0.5, 1], [1, 2]]: 1.5 -> 2 (even), 3, 3, 6.
  EXPECT_EQ(out.values<int8_t>(), llvm::ArrayRef<int8_t>({2, 3, 3, 6}));
}

} // namespace

namespace {

// DynamicQuantizeLinear's function body: Min, Max, ReduceMin, Round.

TEST(QuantizationKernelsTest, MinMaxPropagateNaNAndBroadcast) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor a = Tensor::fromValues<float>({2, 2}, {1, nan, -3, 4});
  Tensor b = Tensor::fromValues<float>({2}, {0, 2});
  Tensor lo(DType::F32, {2, 2}), hi(DType::F32, {2, 2});
  binary(BinaryOpKind::Min, a, b, lo);
  binary(BinaryOpKind::Max, a, b, hi);
  expectValuesNear(lo, {0, nan, -3, 2});
  expectValuesNear(hi, {1, nan, 0, 4});
  // NaN on the right wins too.
  Tensor right(DType::F32, {2});
  binary(BinaryOpKind::Min, b, Tensor::fromValues<float>({2}, {nan, 5}),
         right);
  expectValuesNear(right, {nan, 2});

  Tensor u = Tensor::fromValues<uint8_t>({3}, {0, 200, 7});
  Tensor v = Tensor::fromValues<uint8_t>({3}, {255, 100, 7});
  Tensor um(DType::U8, {3});
  binary(BinaryOpKind::Max, u, v, um);
  EXPECT_EQ(um.values<uint8_t>(), llvm::ArrayRef<uint8_t>({255, 200, 7}));
}

TEST(QuantizationKernelsTest, RoundHalvesToEven) {
  Tensor x = Tensor::fromValues<float>({6}, {0.5f, 1.5f, 2.5f, -0.5f, -2.5f,
                                             1.4f});
  Tensor out(DType::F32, {6});
  unary(UnaryOpKind::Round, x, out);
  expectValuesEq(out, {0, 2, 2, 0, -2, 1});
  EXPECT_TRUE(std::signbit(out.data<float>()[3])) << "-0.5 rounds to -0";
}

TEST(QuantizationKernelsTest, ReduceMin) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::fromValues<float>({2, 3}, {3, -1, 2, 5, nan, 4});
  Tensor rows(DType::F32, {2});
  reduce(ReduceKind::Min, x, {false, true}, rows);
  // A NaN wins its row, as in numpy.
  expectValuesNear(rows, {-1, nan});
  Tensor u = Tensor::fromValues<uint8_t>({3}, {9, 4, 255});
  Tensor all(DType::U8, {});
  reduce(ReduceKind::Min, u, {true}, all);
  EXPECT_EQ(all.data<uint8_t>()[0], 4);
}

} // namespace
