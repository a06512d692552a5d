//===- GemmTest.cpp - Tests of Gemm, MatMul and the shared SGEMM ----------===//

#include "TestUtil.h"

#include "Sgemm.h"

using namespace nncc::runtime;
using namespace nncc::runtime::test;

namespace {

/// Runs `fn` once per SGEMM micro-kernel this CPU can execute.
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

/// Naive Gemm; `c` is broadcast by right-aligned numpy rules.
std::vector<double> naiveGemm(const Tensor &a, const Tensor &b, const Tensor *c,
                              double alpha, double beta, bool transA,
                              bool transB) {
  int64_t m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
  int64_t n = transB ? b.dim(0) : b.dim(1);
  std::vector<double> y(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) {
        double av =
            transA ? a.getAsDouble(p * m + i) : a.getAsDouble(i * k + p);
        double bv =
            transB ? b.getAsDouble(j * k + p) : b.getAsDouble(p * n + j);
        acc += av * bv;
      }
      y[i * n + j] = alpha * acc;
      if (c) {
        int64_t rows = c->rank() == 2 ? c->dim(0) : 1;
        int64_t cols = c->rank() >= 1 ? c->dim(c->rank() - 1) : 1;
        y[i * n + j] += beta * c->getAsDouble((rows == 1 ? 0 : i) * cols +
                                              (cols == 1 ? 0 : j));
      }
    }
  return y;
}

TEST(GemmTest, HandComputed) {
  // A = [[1 2 3] [4 5 6]], B = [[1 0] [0 1] [1 1]]: AB = [[4 5] [10 11]].
  // alpha = 2, beta = 0.5, C = [10 20] broadcast over rows.
  Tensor a = Tensor::fromValues<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::fromValues<float>({3, 2}, {1, 0, 0, 1, 1, 1});
  Tensor c = Tensor::fromValues<float>({2}, {10, 20});
  Tensor y(DType::F32, {2, 2});
  gemm(a, b, &c, 2.0f, 0.5f, false, false, y);
  expectValuesEq(y, {13, 20, 25, 32});
  // transA and transB of the stored transposes give the same product.
  Tensor at = Tensor::fromValues<float>({3, 2}, {1, 4, 2, 5, 3, 6});
  Tensor bt = Tensor::fromValues<float>({2, 3}, {1, 0, 1, 0, 1, 1});
  gemm(at, bt, nullptr, 1.0f, 1.0f, true, true, y);
  expectValuesEq(y, {4, 5, 10, 11});
}

TEST(GemmTest, BetaZeroStillAppliesCLiterally) {
  // ONNX computes alpha * AB + beta * C, so 0 * inf is NaN as in the
  // reference; a NaN already in the output buffer must not leak.
  Tensor a = Tensor::fromValues<float>({1, 1}, {2});
  Tensor b = Tensor::fromValues<float>({1, 1}, {3});
  Tensor c = Tensor::fromValues<float>({1, 1}, {INFINITY});
  Tensor y = Tensor::fromValues<float>({1, 1}, {NAN});
  gemm(a, b, nullptr, 1.0f, 0.0f, false, false, y);
  expectValuesEq(y, {6});
  gemm(a, b, &c, 1.0f, 0.0f, false, false, y);
  EXPECT_TRUE(std::isnan(y.data<float>()[0]));
}

TEST(GemmTest, RandomMatchesNaive) {
  struct Shape {
    int64_t m, n, k;
  };
  // Includes sizes beyond every SGEMM block (M 96, K 256, N tiles) and
  // vectors on either side.
  const std::vector<Shape> shapes = {
      {1, 1, 1},    {3, 5, 7},      {1, 70, 33},   {70, 1, 33},
      {17, 129, 9}, {130, 70, 300}, {200, 300, 20}};
  std::mt19937 rng(42);
  forEachSgemmKernel([&] {
    for (const Shape &s : shapes)
      for (int t = 0; t < 4; ++t) {
        bool transA = t & 1, transB = t & 2;
        SCOPED_TRACE(testing::Message()
                     << s.m << "x" << s.n << "x" << s.k << " transA " << transA
                     << " transB " << transB);
        Tensor a = transA ? randomTensor({s.k, s.m}, rng)
                          : randomTensor({s.m, s.k}, rng);
        Tensor b = transB ? randomTensor({s.n, s.k}, rng)
                          : randomTensor({s.k, s.n}, rng);
        const std::vector<std::vector<int64_t>> cShapes = {
            {s.n}, {1, s.n}, {s.m, 1}, {s.m, s.n}, {1}, {}};
        for (const auto &cShape : cShapes) {
          Tensor c = randomTensor(cShape, rng);
          Tensor y(DType::F32, {s.m, s.n});
          gemm(a, b, &c, 0.75f, -1.5f, transA, transB, y);
          expectValuesNear(y, naiveGemm(a, b, &c, 0.75, -1.5, transA, transB),
                           1e-4);
        }
        Tensor y(DType::F32, {s.m, s.n});
        gemm(a, b, nullptr, 1.0f, 1.0f, transA, transB, y);
        expectValuesNear(y, naiveGemm(a, b, nullptr, 1, 1, transA, transB),
                         1e-4);
      }
  });
}

TEST(SgemmTest, GeneralBetaAndLeadingDimensions) {
  // The kernels only use beta 0 and 1 and packed operands; exercise the
  // BLAS-style contract directly on sub-matrices of larger buffers, and
  // check that nothing outside C's sub-matrix is written.
  struct Shape {
    int64_t m, n, k;
  };
  const std::vector<Shape> shapes = {
      {5, 9, 3}, {100, 70, 260}, {1, 40, 7}, {40, 1, 7}};
  std::mt19937 rng(77);
  std::uniform_real_distribution<float> dist(-1, 1);
  forEachSgemmKernel([&] {
    for (const Shape &s : shapes)
      for (int t = 0; t < 4; ++t) {
        const bool transA = t & 1, transB = t & 2;
        const int64_t aRows = transA ? s.k : s.m, aCols = transA ? s.m : s.k;
        const int64_t bRows = transB ? s.n : s.k, bCols = transB ? s.k : s.n;
        const int64_t lda = aCols + 3, ldb = bCols + 5, ldc = s.n + 2;
        std::vector<float> a(aRows * lda), b(bRows * ldb), c(s.m * ldc);
        for (float &v : a)
          v = dist(rng);
        for (float &v : b)
          v = dist(rng);
        for (float &v : c)
          v = dist(rng);
        const std::vector<float> c0 = c;
        detail::sgemm(transA, transB, s.m, s.n, s.k, -2.0f, a.data(), lda,
                      b.data(), ldb, 0.5f, c.data(), ldc);
        for (int64_t i = 0; i < s.m; ++i)
          for (int64_t j = 0; j < ldc; ++j) {
            if (j >= s.n) {
              ASSERT_EQ(c[i * ldc + j], c0[i * ldc + j]) << "wrote past C";
              continue;
            }
            double acc = 0;
            for (int64_t p = 0; p < s.k; ++p)
              acc += double(transA ? a[p * lda + i] : a[i * lda + p]) *
                     (transB ? b[j * ldb + p] : b[p * ldb + j]);
            double want = -2.0 * acc + 0.5 * c0[i * ldc + j];
            ASSERT_NEAR(c[i * ldc + j], want, 1e-4 * (1 + std::abs(want)))
                << s.m << "x" << s.n << "x" << s.k << " at " << i << "," << j
                << " transA " << transA << " transB " << transB;
          }
      }
  });
}

/// Naive numpy matmul.
std::vector<double> naiveMatmul(const Tensor &a, const Tensor &b,
                                llvm::ArrayRef<int64_t> outShape) {
  std::vector<int64_t> as(a.shape().begin(), a.shape().end());
  std::vector<int64_t> bs(b.shape().begin(), b.shape().end());
  if (as.size() == 1)
    as.insert(as.begin(), 1);
  if (bs.size() == 1)
    bs.push_back(1);
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  size_t batchRank = std::max(as.size(), bs.size()) - 2;
  std::vector<int64_t> batch(batchRank);
  for (size_t i = 0; i < batchRank; ++i) {
    int64_t ai = int64_t(i + as.size()) - 2 - int64_t(batchRank);
    int64_t bi = int64_t(i + bs.size()) - 2 - int64_t(batchRank);
    batch[i] = std::max(ai >= 0 ? as[ai] : 1, bi >= 0 ? bs[bi] : 1);
  }
  std::vector<double> y;
  for (int64_t bf = 0; bf < numElementsOf(batch); ++bf) {
    auto idx = unflatten(bf, batch);
    // Batch index of each operand: its own dims, 0 where it broadcasts.
    auto operandBase = [&](const std::vector<int64_t> &shape) {
      int64_t flat = 0;
      size_t lead = batchRank - (shape.size() - 2);
      for (size_t i = 0; i + 2 < shape.size(); ++i)
        flat = flat * shape[i] + (shape[i] == 1 ? 0 : idx[lead + i]);
      return flat;
    };
    int64_t aBase = operandBase(as) * m * k, bBase = operandBase(bs) * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t p = 0; p < k; ++p)
          acc += a.getAsDouble(aBase + i * k + p) *
                 b.getAsDouble(bBase + p * n + j);
        y.push_back(acc);
      }
  }
  EXPECT_EQ(static_cast<int64_t>(y.size()), numElementsOf(outShape));
  return y;
}

TEST(MatMulTest, HandComputed) {
  Tensor a = Tensor::fromValues<float>({2, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::fromValues<float>({2, 2}, {5, 6, 7, 8});
  Tensor y(DType::F32, {2, 2});
  matmul(a, b, y);
  expectValuesEq(y, {19, 22, 43, 50});
  // Vector-matrix, matrix-vector and vector-vector (a scalar result).
  Tensor v = Tensor::fromValues<float>({2}, {1, -1});
  Tensor vm(DType::F32, {2});
  matmul(v, b, vm);
  expectValuesEq(vm, {-2, -2});
  Tensor mv(DType::F32, {2});
  matmul(a, v, mv);
  expectValuesEq(mv, {-1, -1});
  Tensor vv(DType::F32, {});
  matmul(v, v, vv);
  expectValuesEq(vv, {2});
}

TEST(MatMulTest, RandomBroadcastMatchesNaive) {
  struct Case {
    std::vector<int64_t> a, b, out;
  };
  const std::vector<Case> cases = {
      {{2, 1, 3, 4}, {5, 4, 2}, {2, 5, 3, 2}},
      {{3, 4}, {2, 4, 5}, {2, 3, 5}},
      {{2, 3, 4}, {4, 5}, {2, 3, 5}},
      {{1, 7, 9}, {6, 9, 3}, {6, 7, 3}},
      {{4}, {3, 4, 2}, {3, 2}},
      {{3, 2, 4}, {4}, {3, 2}},
      {{5}, {5}, {}},
      {{2, 1, 70, 40}, {1, 3, 40, 150}, {2, 3, 70, 150}},
      {{8, 16, 16}, {8, 16, 16}, {8, 16, 16}},
  };
  std::mt19937 rng(8);
  for (const Case &c : cases) {
    Tensor a = randomTensor(c.a, rng), b = randomTensor(c.b, rng);
    Tensor y(DType::F32, c.out);
    matmul(a, b, y);
    expectValuesNear(y, naiveMatmul(a, b, c.out), 1e-4);
  }
}

} // namespace
