//===- QuantizedMatMulTest.cpp - The integer MAC array's MatMul -----------===//
//
// Hand-computed codes and sums: symmetric narrow-range codes, rounding half
// away from zero, saturation, an always-zero operand, numpy batch
// broadcasting, the wide accumulator, and the exact float product once the
// codes resolve every operand.
//
//===----------------------------------------------------------------------===//
#include "nncc/Runtime/QuantizedMatMul.h"

#include "TestUtil.h"

#include "gtest/gtest.h"

#include <vector>

using namespace nncc::runtime;

namespace {

Tensor tensorOf(llvm::ArrayRef<int64_t> shape, std::vector<float> values) {
  Tensor t(DType::F32, shape);
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

TEST(QuantizedMatMul, CodesAreSymmetricNarrowRangeRoundedHalfAway) {
  // 3 bits: qmax 3, range 1 -> scale 1/3.
  SymmetricQuantizer q = SymmetricQuantizer::forRange(1.0, 3);
  EXPECT_EQ(q.qmax, 3);
  EXPECT_DOUBLE_EQ(q.scale, 1.0 / 3);
  EXPECT_EQ(q.code(0.5f), 2);   // 1.5 rounds away from zero
  EXPECT_EQ(q.code(-0.5f), -2); // and so does -1.5: symmetric
  EXPECT_EQ(q.code(0.26f), 1);  // 0.78
  EXPECT_EQ(q.code(-1.0f), -3);
  EXPECT_EQ(q.code(7.0f), 3); // saturates at +-qmax, not -4
  EXPECT_EQ(q.code(-7.0f), -3);
  EXPECT_EQ(q.code(NAN), 0);
  // 8 bits: qmax 127.
  EXPECT_EQ(SymmetricQuantizer::forRange(2.0, 8).qmax, 127);
  // An operand that was always zero has no scale: everything is code 0.
  SymmetricQuantizer zero = SymmetricQuantizer::forRange(0.0, 8);
  EXPECT_EQ(zero.scale, 0.0);
  EXPECT_EQ(zero.code(5.0f), 0);
}

TEST(QuantizedMatMul, HandComputedProduct) {
  // A [2, 2] in range 1 (scale 1/3): codes [[2, -3], [1, 2]].
  // B [2, 1] in range 2 (scale 2/3): 1.0 -> 1.5 -> 2, 0.4 -> 0.6 -> 1.
  // Sums: 2*2 - 3*1 = 1 and 1*2 + 2*1 = 4; times 1/3 * 2/3 = 2/9.
  // (The float product is [0.1, 0.556].)
  Tensor a = tensorOf({2, 2}, {0.5f, -1.0f, 0.26f, 0.74f});
  Tensor b = tensorOf({2, 1}, {1.0f, 0.4f});
  Tensor out(DType::F32, {2, 1});
  quantizedMatMul(a, b, SymmetricQuantizer::forRange(1.0, 3),
                  SymmetricQuantizer::forRange(2.0, 3), out);
  EXPECT_EQ(out.data<float>()[0], static_cast<float>(1 * (2.0 / 9)));
  EXPECT_EQ(out.data<float>()[1], static_cast<float>(4 * (2.0 / 9)));
}

TEST(QuantizedMatMul, BroadcastsBatchesAsNumpy) {
  // A [2, 1, 2] against a shared B [2, 2]; 4 bits, range 7: scale 1, the
  // codes are the values, so the product is the integer one.
  Tensor a = tensorOf({2, 1, 2}, {1, 2, -3, 4});
  Tensor b = tensorOf({2, 2}, {5, -6, 7, 1});
  Tensor out(DType::F32, {2, 1, 2});
  SymmetricQuantizer q = SymmetricQuantizer::forRange(7.0, 4);
  quantizedMatMul(a, b, q, q, out);
  // [1, 2] B = [19, -4]; [-3, 4] B = [13, 22].  (7 saturates nothing.)
  std::vector<float> got(out.data<float>(), out.data<float>() + 4);
  EXPECT_EQ(got, (std::vector<float>{19, -4, 13, 22}));
  // A 1-D right operand is a column.
  Tensor v = tensorOf({2}, {1, -1});
  Tensor col(DType::F32, {2, 1});
  quantizedMatMul(a, v, q, q, col);
  EXPECT_EQ(col.data<float>()[0], -1.0f);
  EXPECT_EQ(col.data<float>()[1], -7.0f);
}

TEST(QuantizedMatMul, WideAccumulatorDoesNotOverflow) {
  // 32 bits with scale 1: four products of qmax^2 = (2^31 - 1)^2 sum to
  // 2^64 - 2^34 + 4, past an i64; the 128-bit accumulator holds it and the
  // f32 result is its nearest float, 2^64.
  const float big = 2147483647.0f; // rounds to 2^31 in f32, saturates to qmax
  SymmetricQuantizer q = SymmetricQuantizer::forRange(2147483647.0, 32);
  EXPECT_EQ(q.code(big), q.qmax);
  Tensor a = tensorOf({1, 4}, {big, big, big, big});
  Tensor b = tensorOf({4, 1}, {big, big, big, big});
  Tensor out(DType::F32, {1, 1});
  quantizedMatMul(a, b, q, q, out);
  EXPECT_EQ(out.data<float>()[0], 0x1p64f);
}

TEST(QuantizedMatMul, DeterministicAndCloseToFloatAtEightBits) {
  std::mt19937 rng(7);
  Tensor a = test::randomTensor({3, 5, 16}, rng);
  Tensor b = test::randomTensor({3, 16, 4}, rng);
  Tensor exact(DType::F32, {3, 5, 4}), q1(DType::F32, {3, 5, 4}),
      q2(DType::F32, {3, 5, 4});
  matmul(a, b, exact);
  SymmetricQuantizer q = SymmetricQuantizer::forRange(1.0, 8);
  quantizedMatMul(a, b, q, q, q1);
  quantizedMatMul(a, b, q, q, q2);
  for (int64_t i = 0; i < exact.numElements(); ++i) {
    EXPECT_EQ(q1.data<float>()[i], q2.data<float>()[i]);
    // Each code is within half a step (1/254) of its value: 16 terms of
    // |a db + b da + da db| <= 2/254 + 1/254^2.
    EXPECT_NEAR(q1.data<float>()[i], exact.data<float>()[i],
                16 * (2.0 / 254 + 1.0 / (254.0 * 254)));
  }
}

} // namespace
