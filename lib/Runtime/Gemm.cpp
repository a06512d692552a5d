//===- Gemm.cpp - Gemm and MatMul kernels ---------------------------------===//
//
// Both operators reduce to the shared blocked SGEMM; this file only handles
// their shape conventions: Gemm's transposes and broadcast C, and MatMul's
// numpy-style 1-D promotion and batch broadcasting.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"
#include "Sgemm.h"

#include <cassert>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// Writes beta * C, unidirectionally broadcast from C's shape (rank 0 to 2,
/// right-aligned as in numpy) to [m, n], into `out`.
void fillBroadcastC(const Tensor &c, float beta, int64_t m, int64_t n,
                    float *out) {
  assert(c.dtype() == DType::F32 && c.rank() <= 2 && "bad Gemm C operand");
  int64_t rows = c.rank() == 2 ? c.dim(0) : 1;
  int64_t cols = c.rank() >= 1 ? c.dim(c.rank() - 1) : 1;
  assert((rows == 1 || rows == m) && (cols == 1 || cols == n) &&
         "C is not broadcastable to [M, N]");
  int64_t rowStride = rows == 1 ? 0 : cols;
  int64_t colStride = cols == 1 ? 0 : 1;
  const float *src = c.data<float>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      out[i * n + j] = beta * src[i * rowStride + j * colStride];
}

} // namespace

void nncc::runtime::gemm(const Tensor &a, const Tensor &b, const Tensor *c,
                         float alpha, float beta, bool transA, bool transB,
                         Tensor &out) {
  assert(a.dtype() == DType::F32 && b.dtype() == DType::F32 &&
         out.dtype() == DType::F32 && a.rank() == 2 && b.rank() == 2 &&
         "Gemm takes f32 matrices");
  const int64_t m = transA ? a.dim(1) : a.dim(0);
  const int64_t k = transA ? a.dim(0) : a.dim(1);
  const int64_t n = transB ? b.dim(0) : b.dim(1);
  assert((transB ? b.dim(1) : b.dim(0)) == k && "Gemm inner dims differ");
  assert(out.rank() == 2 && out.dim(0) == m && out.dim(1) == n);

  float *y = out.data<float>();
  // ONNX defines Y = alpha * AB + beta * C literally, so beta * C is formed
  // even for beta == 0 (NaN or Inf in C then propagate, as in the reference).
  float sgemmBeta = 0.0f;
  if (c) {
    fillBroadcastC(*c, beta, m, n, y);
    sgemmBeta = 1.0f;
  }
  sgemm(transA, transB, m, n, k, alpha, a.data<float>(), a.dim(1),
        b.data<float>(), b.dim(1), sgemmBeta, y, n);
}

void nncc::runtime::matmul(const Tensor &a, const Tensor &b, Tensor &out) {
  assert(a.dtype() == DType::F32 && b.dtype() == DType::F32 &&
         out.dtype() == DType::F32 && a.rank() >= 1 && b.rank() >= 1 &&
         "MatMul takes f32 tensors of rank >= 1");
  const MatMulShape shape = MatMulShape::of(a.shape(), b.shape());
  const int64_t m = shape.m, k = shape.k, n = shape.n,
                batches = shape.batches;
  assert(out.numElements() == batches * m * n && "MatMul result shape");

  const float *aData = a.data<float>();
  const float *bData = b.data<float>();
  float *outData = out.data<float>();
  // When B is shared by every batch and A is not broadcast, the batches of A
  // are consecutive rows: one tall product beats many small ones.
  bool bShared =
      llvm::all_of(shape.bStrides, [](int64_t s) { return s == 0; });
  bool aDense = shape.aBatches == batches;
  if (bShared && aDense) {
    sgemm(false, false, batches * m, n, k, 1.0f, aData, k, bData, n, 0.0f,
          outData, n);
    return;
  }

  auto runBatch = [&](int64_t batch, bool allowParallel) {
    auto [aOffset, bOffset] = shape.offsets(batch);
    sgemm(false, false, m, n, k, 1.0f, aData + aOffset, k, bData + bOffset, n,
          0.0f, outData + batch * m * n, n, allowParallel);
  };
  // Enough batches to occupy every thread: split across batches, each
  // product single-threaded.  Otherwise let each product use the threads.
  if (batches >= static_cast<int64_t>(llvm::parallel::getThreadCount())) {
    parallelChunks(batches, 1, [&](int64_t begin, int64_t end) {
      for (int64_t batch = begin; batch < end; ++batch)
        runBatch(batch, false);
    });
    return;
  }
  for (int64_t batch = 0; batch < batches; ++batch)
    runBatch(batch, true);
}
