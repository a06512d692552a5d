//===- EncoderKernelsTest.cpp - Kernels of the encoder operators ----------===//
//
// The edge cases the header comments of Kernels.h promise for the kernels
// added for transformer encoders (issue #16); their common cases are held
// to ONNX's node tests by the conformance test.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <cstdint>
#include <limits>

using namespace nncc::runtime;
using namespace nncc::runtime::test;

namespace {

TEST(EncoderKernelsTest, GatherNegativeAndOutOfRangeIndices) {
  Tensor data = Tensor::fromValues<float>({3, 2}, {1, 2, 3, 4, 5, 6});
  Tensor indices = Tensor::fromValues<int32_t>({4}, {-1, 0, 3, -4});
  Tensor out(DType::F32, {4, 2});
  gather(data, indices, 0, out);
  // -1 is the last row; 3 and -4 are outside [-3, 3): zeros.
  expectValuesEq(out, {5, 6, 1, 2, 0, 0, 0, 0});
  // A scalar index drops the axis: the last column.
  Tensor column(DType::F32, {3});
  gather(data, Tensor::fromValues<int64_t>({}, {-1}), 1, column);
  expectValuesEq(column, {2, 4, 6});
}

TEST(EncoderKernelsTest, GatherAlongInnerAxis) {
  Tensor data = Tensor::fromValues<int64_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor out(DType::I64, {2, 2});
  gather(data, Tensor::fromValues<int64_t>({2}, {2, -3}), 1, out);
  EXPECT_EQ(out.values<int64_t>(), llvm::ArrayRef<int64_t>({3, 1, 6, 4}));
}

TEST(EncoderKernelsTest, SliceWithNegativeStep) {
  Tensor x = Tensor::fromValues<float>({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  Tensor out(DType::F32, {2, 2});
  // Columns 3 and 1 of both rows.
  slice(x, {0, 3}, {1, -2}, out);
  expectValuesEq(out, {3, 1, 7, 5});
}

TEST(EncoderKernelsTest, ExpandAndWhereBroadcast) {
  Tensor x = Tensor::fromValues<float>({2, 1}, {1, 2});
  Tensor expanded(DType::F32, {2, 2, 3});
  expand(x, expanded);
  expectValuesEq(expanded, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2});

  Tensor condition(DType::Bool, {3});
  condition.data<uint8_t>()[1] = 1;
  Tensor yes = Tensor::fromValues<float>({2, 1}, {10, 20});
  Tensor no = Tensor::fromValues<float>({}, {-1});
  Tensor out(DType::F32, {2, 3});
  where(condition, yes, no, out);
  expectValuesEq(out, {-1, 10, -1, -1, 20, -1});
}

TEST(EncoderKernelsTest, CastTruncatesSaturatesAndMakesBools) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::fromValues<float>({5}, {-1.7f, 2.9f, 1e10f, nan, 0.0f});
  Tensor asInt(DType::I32, {5});
  cast(x, asInt);
  EXPECT_EQ(asInt.values<int32_t>(),
            llvm::ArrayRef<int32_t>(
                {-1, 2, std::numeric_limits<int32_t>::max(), 0, 0}));
  Tensor asBool(DType::Bool, {5});
  cast(x, asBool);
  EXPECT_EQ(asBool.values<uint8_t>(), llvm::ArrayRef<uint8_t>({1, 1, 1, 1, 0}));
  // int64 -> int32 wraps, as numpy's astype does.
  Tensor wide = Tensor::fromValues<int64_t>({1}, {(int64_t(1) << 32) + 5});
  Tensor narrow(DType::I32, {1});
  cast(wide, narrow);
  EXPECT_EQ(narrow.values<int32_t>()[0], 5);
}

TEST(EncoderKernelsTest, HalfPrecisionRoundsToNearestEven) {
  // 1 + 2^-11 is halfway between two float16 values: ties to even (1.0);
  // 1 + 3 * 2^-11 rounds up.  65520 overflows float16 to infinity.
  Tensor x = Tensor::fromValues<double>(
      {3}, {1 + std::ldexp(1.0, -11), 1 + 3 * std::ldexp(1.0, -11), 65520.0});
  Tensor half(DType::F16, {3});
  cast(x, half);
  EXPECT_EQ(half.values<uint16_t>(),
            llvm::ArrayRef<uint16_t>({0x3C00, 0x3C02, 0x7C00}));
  Tensor back(DType::F32, {3});
  cast(half, back);
  EXPECT_EQ(back.data<float>()[1], 1.001953125f);
  EXPECT_TRUE(std::isinf(back.data<float>()[2]));
  EXPECT_EQ(halfToDouble(DType::BF16, doubleToHalf(DType::BF16, 1.0)), 1.0);
}

TEST(EncoderKernelsTest, PowTakesMixedTypesAndKeepsTheBase) {
  Tensor base = Tensor::fromValues<int32_t>({3}, {2, 3, -2});
  Tensor exponent = Tensor::fromValues<float>({}, {2.5f});
  Tensor out(DType::I32, {3});
  power(base, exponent, out);
  // 5.66 and 15.59 truncate; (-2)^2.5 is NaN, which converts to 0.
  EXPECT_EQ(out.values<int32_t>(), llvm::ArrayRef<int32_t>({5, 15, 0}));
}

TEST(EncoderKernelsTest, EqualBroadcastsIntoBool) {
  Tensor a = Tensor::fromValues<int64_t>({2, 2}, {0, 1, 2, 0});
  Tensor b = Tensor::fromValues<int64_t>({}, {0});
  Tensor out(DType::Bool, {2, 2});
  equal(a, b, out);
  EXPECT_EQ(out.values<uint8_t>(), llvm::ArrayRef<uint8_t>({1, 0, 0, 1}));
}

TEST(EncoderKernelsTest, ReductionsOverChosenDims) {
  Tensor x = Tensor::fromValues<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor rows(DType::F32, {2});
  reduce(ReduceKind::Sum, x, {false, true}, rows);
  expectValuesEq(rows, {6, 15});
  Tensor columns(DType::F32, {1, 3});
  reduce(ReduceKind::Mean, x, {true, false}, columns);
  expectValuesEq(columns, {2.5f, 3.5f, 4.5f});
  Tensor all(DType::F32, {});
  reduce(ReduceKind::Max, x, {true, true}, all);
  expectValuesEq(all, {6});
  // A NaN wins Max, as in numpy.
  x.data<float>()[4] = std::numeric_limits<float>::quiet_NaN();
  reduce(ReduceKind::Max, x, {true, true}, all);
  EXPECT_TRUE(std::isnan(all.data<float>()[0]));
  // Integer sums wrap; the integer mean truncates the f64 mean.
  Tensor bytes = Tensor::fromValues<int8_t>({3}, {100, 100, -3});
  Tensor sum(DType::I8, {});
  reduce(ReduceKind::Sum, bytes, {true}, sum);
  EXPECT_EQ(sum.values<int8_t>()[0], static_cast<int8_t>(197));
  reduce(ReduceKind::Mean, bytes, {true}, sum);
  EXPECT_EQ(sum.values<int8_t>()[0], 65);
}

TEST(EncoderKernelsTest, LayerNormBroadcastsScaleOverTheNormalizedDims) {
  Tensor x = Tensor::fromValues<float>({2, 2}, {1, 3, 10, 10});
  Tensor scale = Tensor::fromValues<float>({1}, {2});
  Tensor bias = Tensor::fromValues<float>({2}, {0, 1});
  Tensor out(DType::F32, {2, 2});
  layerNorm(x, scale, &bias, 1, 0.0f, out);
  // Row 0: mean 2, std 1 -> [-1, 1] * 2 + [0, 1].  Row 1 has variance 0
  // and epsilon 0: 0 / 0.
  EXPECT_FLOAT_EQ(out.data<float>()[0], -2.0f);
  EXPECT_FLOAT_EQ(out.data<float>()[1], 3.0f);
  EXPECT_TRUE(std::isnan(out.data<float>()[2]));
}

} // namespace
