//===- Sgemm.h - Blocked single-precision matrix multiply -------*- C++ -*-===//
//
// The one matrix-multiply routine behind gemm, matmul and conv.  Private to
// the runtime library.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_RUNTIME_SGEMM_H
#define NNCC_LIB_RUNTIME_SGEMM_H

#include <cstdint>

namespace nncc::runtime::detail {

/// Computes C = alpha * op(A) * op(B) + beta * C for row-major matrices,
/// where op(A) is [m, k] and op(B) is [k, n].
///
/// `lda`, `ldb` and `ldc` are row strides in elements of A, B and C as they
/// are stored, i.e. A is stored [k, lda] when `transA` and [m, lda]
/// otherwise.  When `beta` is zero C is only written, never read, so it may
/// hold garbage (as in BLAS).  With `allowParallel` the work is spread over
/// llvm::parallelFor; callers that already run inside a parallel region pass
/// false to keep the decomposition at their level.
void sgemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
           float alpha, const float *a, int64_t lda, const float *b,
           int64_t ldb, float beta, float *c, int64_t ldc,
           bool allowParallel = true);

/// The ISA-specific micro-kernels sgemm can run.  The best one the CPU
/// supports is used by default; the rest exist so that tests can cover every
/// variant the host is able to execute.
enum class SgemmKernel { Generic, Avx2, Avx512 };

/// Makes later sgemm calls use `kernel`.  Returns false, changing nothing,
/// when the CPU cannot run it.  Not for use while an sgemm is in flight.
bool setSgemmKernel(SgemmKernel kernel);
/// The micro-kernel variant sgemm currently uses.
SgemmKernel activeSgemmKernel();

} // namespace nncc::runtime::detail

#endif // NNCC_LIB_RUNTIME_SGEMM_H
