//===- Sgemm.cpp - Blocked single-precision matrix multiply ---------------===//
//
// A GotoBLAS-style SGEMM in portable C++.  C is cut into tiles that are
// computed independently (one parallel task each); inside a tile the K
// dimension is walked in blocks, and for each block a panel of op(A) and of
// op(B) is packed into contiguous, zero-padded slivers so that the innermost
// micro-kernel streams both operands with unit stride.  The micro-kernel
// keeps an MR x NR accumulator tile in registers, written with GCC/Clang
// generic vector types so that its register blocking does not depend on the
// optimization level (see microKernelBody).
//
// The library is built for the baseline ISA, so on x86-64 the same
// micro-kernel source is also compiled for AVX2+FMA and AVX-512 and the best
// one the CPU supports is picked once at run time.  Results may therefore
// differ in the last bits between machines (FMA rounds once); every variant
// sums K in the same order.
//
//===----------------------------------------------------------------------===//

#include "Sgemm.h"

#include "KernelSupport.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstring>
#include <vector>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// K block: an MR x kKc sliver of A and a kKc x NR sliver of B are reused
/// from L1/L2 across a whole tile.
constexpr int64_t kKc = 256;
/// M block: the packed MC x kKc block of A stays in L2.  A multiple of every
/// micro-kernel's MR.
constexpr int64_t kMc = 96;
/// Upper bound on a tile's width; the packed kKc x NC panel of B stays in L2.
constexpr int64_t kMaxNc = 1024;
/// The largest MR * NR of any micro-kernel, for the edge-tile scratch buffer.
constexpr int64_t kMaxTile = 6 * 64;
/// Below this many multiply-adds (about ten microseconds on one core) a
/// single thread is faster than a fork.
constexpr int64_t kParallelThreshold = int64_t(1) << 19;

/// Computes an MR x NR tile: C = alpha * (Ap * Bp) + beta * C, where Ap is a
/// packed kc x MR sliver and Bp a packed kc x NR sliver.  beta == 0 leaves
/// the old C unread.
using MicroKernelFn = void (*)(int64_t kc, const float *ap, const float *bp,
                               float *c, int64_t ldc, float alpha, float beta);

struct MicroKernel {
  int64_t mr;
  int64_t nr;
  MicroKernelFn fn;
};

/// The micro-kernel body, inlined into each ISA-specific wrapper so that it
/// is compiled once per target.  V is a generic GCC/Clang vector of floats
/// (not an ISA intrinsic type), so the same source lowers to SSE, AVX2,
/// AVX-512 or NEON.  Plain scalar loops would be simpler, but GCC 12 at -O2
/// leaves them scalar (about 3x slower); the explicit vector type makes the
/// register blocking independent of the optimization level.
template <int MR, int NV, typename V>
[[gnu::always_inline]] inline void
microKernelBody(int64_t kc, const float *__restrict ap,
                const float *__restrict bp, float *__restrict c, int64_t ldc,
                float alpha, float beta) {
  constexpr int kLanes = sizeof(V) / sizeof(float);
  V acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      acc[i][v] = V{};
  for (int64_t p = 0; p < kc; ++p, ap += MR, bp += NV * kLanes) {
    V b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      std::memcpy(&b[v], bp + v * kLanes, sizeof(V));
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      V a = V{} + ap[i];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        acc[i][v] += a * b[v];
    }
  }
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) {
      float *dst = c + i * ldc + v * kLanes;
      V old = V{};
      if (beta != 0.0f)
        std::memcpy(&old, dst, sizeof(V));
      V result = alpha * acc[i][v] + beta * old;
      std::memcpy(dst, &result, sizeof(V));
    }
}

typedef float Float4 __attribute__((vector_size(16)));
typedef float Float8 __attribute__((vector_size(32)));
typedef float Float16 __attribute__((vector_size(64)));

/// Baseline: 6 x 8 needs 12 SSE accumulators, leaving room for the operands.
void microKernelGeneric(int64_t kc, const float *ap, const float *bp, float *c,
                        int64_t ldc, float alpha, float beta) {
  microKernelBody<6, 2, Float4>(kc, ap, bp, c, ldc, alpha, beta);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NNCC_SGEMM_X86_DISPATCH 1
/// 6 x 16: twelve 8-wide accumulators out of sixteen ymm registers.
__attribute__((target("avx2,fma"))) void
microKernelAvx2(int64_t kc, const float *ap, const float *bp, float *c,
                int64_t ldc, float alpha, float beta) {
  microKernelBody<6, 2, Float8>(kc, ap, bp, c, ldc, alpha, beta);
}
/// 6 x 64: twenty-four 16-wide accumulators out of thirty-two zmm registers
/// (measured ~20% faster than 6 x 32 on a Sapphire Rapids core).
__attribute__((target("avx512f,fma"))) void
microKernelAvx512(int64_t kc, const float *ap, const float *bp, float *c,
                  int64_t ldc, float alpha, float beta) {
  microKernelBody<6, 4, Float16>(kc, ap, bp, c, ldc, alpha, beta);
}
#endif

bool cpuSupports(SgemmKernel kind) {
  switch (kind) {
  case SgemmKernel::Generic:
    return true;
#ifdef NNCC_SGEMM_X86_DISPATCH
  case SgemmKernel::Avx2:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case SgemmKernel::Avx512:
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#else
  case SgemmKernel::Avx2:
  case SgemmKernel::Avx512:
    return false;
#endif
  }
  return false;
}

MicroKernel microKernelFor(SgemmKernel kind) {
  switch (kind) {
#ifdef NNCC_SGEMM_X86_DISPATCH
  case SgemmKernel::Avx2:
    return {6, 16, microKernelAvx2};
  case SgemmKernel::Avx512:
    return {6, 64, microKernelAvx512};
#endif
  default:
    return {6, 8, microKernelGeneric};
  }
}

SgemmKernel bestSupportedKernel() {
  for (SgemmKernel kind : {SgemmKernel::Avx512, SgemmKernel::Avx2})
    if (cpuSupports(kind))
      return kind;
  return SgemmKernel::Generic;
}

/// The selected variant; an atomic so that tests may switch it while the
/// thread pool is idle without a data race.
std::atomic<SgemmKernel> &selectedKernel() {
  static std::atomic<SgemmKernel> selected{bestSupportedKernel()};
  return selected;
}

/// Strided view of op(A) or op(B): element (row, col) lives at
/// data[row * rowStride + col * colStride].
struct MatrixView {
  const float *data;
  int64_t rowStride;
  int64_t colStride;
};

MatrixView viewOf(const float *data, int64_t ld, bool transposed) {
  return transposed ? MatrixView{data, 1, ld} : MatrixView{data, ld, 1};
}

/// Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row slivers,
/// each stored p-major ([kc][MR]); rows past the end are zero so the
/// micro-kernel never needs an edge case.
void packA(const MatrixView &a, int64_t i0, int64_t mc, int64_t p0, int64_t kc,
           int64_t mr, float *dst) {
  for (int64_t is = 0; is < mc; is += mr, dst += kc * mr) {
    int64_t rows = std::min(mr, mc - is);
    for (int64_t r = 0; r < rows; ++r) {
      const float *src =
          a.data + (i0 + is + r) * a.rowStride + p0 * a.colStride;
      for (int64_t p = 0; p < kc; ++p)
        dst[p * mr + r] = src[p * a.colStride];
    }
    for (int64_t r = rows; r < mr; ++r)
      for (int64_t p = 0; p < kc; ++p)
        dst[p * mr + r] = 0.0f;
  }
}

/// Packs rows [p0, p0+kc) x cols [j0, j0+nc) of op(B) into NR-column
/// slivers, each stored p-major ([kc][NR]), zero-padding the last sliver.
void packB(const MatrixView &b, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
           int64_t nr, float *dst) {
  for (int64_t js = 0; js < nc; js += nr, dst += kc * nr) {
    int64_t cols = std::min(nr, nc - js);
    for (int64_t p = 0; p < kc; ++p) {
      const float *src =
          b.data + (p0 + p) * b.rowStride + (j0 + js) * b.colStride;
      float *row = dst + p * nr;
      if (b.colStride == 1) {
        std::copy(src, src + cols, row);
      } else {
        for (int64_t j = 0; j < cols; ++j)
          row[j] = src[j * b.colStride];
      }
      std::fill(row + cols, row + nr, 0.0f);
    }
  }
}

/// Per-thread packing buffers, reused across calls to avoid page faults on
/// every multiply.
struct PackBuffers {
  std::vector<float> a;
  std::vector<float> b;
};

PackBuffers &threadPackBuffers() {
  thread_local PackBuffers buffers;
  return buffers;
}

/// Shape of the whole problem, shared by all tile tasks.
struct Problem {
  int64_t m, n, k;
  float alpha, beta;
  MatrixView a, b;
  float *c;
  int64_t ldc;
};

/// Computes the C tile [i0, i0+mc) x [j0, j0+nc) over all of K.
void computeTile(const Problem &prob, const MicroKernel &kernel, int64_t i0,
                 int64_t mc, int64_t j0, int64_t nc) {
  const int64_t mr = kernel.mr, nr = kernel.nr;
  const int64_t mcPadded = (mc + mr - 1) / mr * mr;
  const int64_t ncPadded = (nc + nr - 1) / nr * nr;
  PackBuffers &buffers = threadPackBuffers();
  buffers.a.resize(std::max<size_t>(buffers.a.size(), mcPadded * kKc));
  buffers.b.resize(std::max<size_t>(buffers.b.size(), ncPadded * kKc));
  float edge[kMaxTile];

  for (int64_t p0 = 0; p0 < prob.k; p0 += kKc) {
    const int64_t kc = std::min(kKc, prob.k - p0);
    // The first K block applies the caller's beta; later ones accumulate.
    const float beta = p0 == 0 ? prob.beta : 1.0f;
    packA(prob.a, i0, mc, p0, kc, mr, buffers.a.data());
    packB(prob.b, p0, kc, j0, nc, nr, buffers.b.data());
    for (int64_t js = 0; js < nc; js += nr) {
      const float *bp = buffers.b.data() + js * kc;
      const int64_t cols = std::min(nr, nc - js);
      for (int64_t is = 0; is < mc; is += mr) {
        const float *ap = buffers.a.data() + is * kc;
        const int64_t rows = std::min(mr, mc - is);
        float *c = prob.c + (i0 + is) * prob.ldc + (j0 + js);
        if (rows == mr && cols == nr) {
          kernel.fn(kc, ap, bp, c, prob.ldc, prob.alpha, beta);
          continue;
        }
        // Partial tile: compute the full tile into scratch, then merge only
        // the valid part so that nothing outside C is touched.
        kernel.fn(kc, ap, bp, edge, nr, prob.alpha, 0.0f);
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t j = 0; j < cols; ++j) {
            float &dst = c[r * prob.ldc + j];
            dst =
                beta == 0.0f ? edge[r * nr + j] : edge[r * nr + j] + beta * dst;
          }
      }
    }
  }
}

/// Scales C by beta (or clears it) for the degenerate k == 0 product.
void scaleC(int64_t m, int64_t n, float beta, float *c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
}

} // namespace

void nncc::runtime::detail::sgemm(bool transA, bool transB, int64_t m,
                                  int64_t n, int64_t k, float alpha,
                                  const float *a, int64_t lda, const float *b,
                                  int64_t ldb, float beta, float *c,
                                  int64_t ldc, bool allowParallel) {
  if (m <= 0 || n <= 0)
    return;
  if (k <= 0) {
    scaleC(m, n, beta, c, ldc);
    return;
  }
  // A matrix-vector product wastes most of an NR-wide tile; computing the
  // transposed product C^T = op(B)^T op(A)^T turns it into a row-vector
  // product instead, which fills the tiles.  C^T's rows are contiguous only
  // when C's single column is.
  if (n == 1 && m > 1 && ldc == 1) {
    sgemm(!transB, !transA, 1, m, k, alpha, b, ldb, a, lda, beta, c, m,
          allowParallel);
    return;
  }
  const MicroKernel kernel = microKernelFor(selectedKernel().load());
  assert(kernel.mr * kernel.nr <= kMaxTile && kMc % kernel.mr == 0);
  Problem prob{
      m, n,  k, alpha, beta, viewOf(a, lda, transA), viewOf(b, ldb, transB),
      c, ldc};

  int64_t threads = 1;
  if (allowParallel && m * n * k >= kParallelThreshold)
    threads = static_cast<int64_t>(llvm::parallel::getThreadCount());

  // Aim for a few tiles per thread so that uneven tiles balance out, but
  // keep tiles wide enough that packing A stays cheap next to the FLOPs.
  const int64_t mBlocks = (m + kMc - 1) / kMc;
  const int64_t wantedNBlocks =
      std::max<int64_t>(1, (4 * threads + mBlocks - 1) / mBlocks);
  int64_t nc = (n + wantedNBlocks - 1) / wantedNBlocks;
  nc = std::clamp<int64_t>((nc + kernel.nr - 1) / kernel.nr * kernel.nr,
                           std::min<int64_t>(2 * kernel.nr, n), kMaxNc);
  const int64_t nBlocks = (n + nc - 1) / nc;

  auto runTile = [&](size_t tile) {
    int64_t ib = static_cast<int64_t>(tile) / nBlocks;
    int64_t jb = static_cast<int64_t>(tile) % nBlocks;
    int64_t i0 = ib * kMc, j0 = jb * nc;
    computeTile(prob, kernel, i0, std::min(kMc, m - i0), j0,
                std::min(nc, n - j0));
  };
  const size_t tiles = static_cast<size_t>(mBlocks * nBlocks);
  if (threads > 1 && tiles > 1) {
    llvm::parallelFor(0, tiles, runTile);
    return;
  }
  for (size_t tile = 0; tile < tiles; ++tile)
    runTile(tile);
}

bool nncc::runtime::detail::setSgemmKernel(SgemmKernel kernel) {
  if (!cpuSupports(kernel))
    return false;
  selectedKernel().store(kernel);
  return true;
}

SgemmKernel nncc::runtime::detail::activeSgemmKernel() {
  return selectedKernel().load();
}
