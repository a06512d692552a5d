//===- ArrayRead.cpp - Reads of a crossbar's columns ----------------------===//
//
// Each product joins its column's sum as an explicit fused multiply-add
// (rounded once: the same bits from the FMA instructions and from std::fma),
// and the file is compiled with -ffp-contract=off (CMakeLists.txt) so that
// the compiler fuses nothing else, differently per variant: a simulation
// does not depend on the machine.  And with -fno-math-errno, so that the
// square roots vectorize (their arguments are never negative).
//
// Two kernels, both keeping their sums in registers while they walk the
// rows.  With many vectors (a convolution's output positions) the lanes
// hold 16 vectors and each cell is broadcast: no lane is wasted on narrow
// tiles and no drive is broadcast.  With few (a dense layer's one vector
// per image) the lanes hold 16 columns of up to four vectors, whose
// independent sums hide the adds' latency and share each row's loads, and
// rows no vector drives are skipped.  Like the runtime's SGEMM they are
// written with GCC/Clang generic vectors, compiled once per ISA and picked
// at run time.
//
//===----------------------------------------------------------------------===//
#include "ArrayRead.h"
#include "nncc/Support/KernelClones.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

namespace {

using nncc::kDriveLanes;
constexpr int64_t kChunk = 16; ///< columns per register block
constexpr int kBlockVectors = 4;

typedef float Float4 __attribute__((vector_size(16)));
typedef float Float8 __attribute__((vector_size(32)));
typedef float Float16 __attribute__((vector_size(64)));

/// a * b + c rounded once (IEEE fused multiply-add), lane by lane: exact
/// in every variant, so the sums agree across machines.  std::fma is a
/// compiler builtin: inlined into the AVX variants it becomes their FMA
/// instructions; the baseline variant calls the library (which only slows
/// CPUs without FMA).
/// x in every lane (`V{} + x` would cost an add: 0 + x is not x for -0).
template <typename V> [[gnu::always_inline]] inline V splat(float x) {
  constexpr int kLanes = sizeof(V) / sizeof(float);
  V r;
#pragma GCC unroll 16
  for (int i = 0; i < kLanes; ++i)
    r[i] = x;
  return r;
}

template <typename V>
[[gnu::always_inline]] inline V fusedMultiplyAdd(V a, V b, V c) {
  constexpr int kLanes = sizeof(V) / sizeof(float);
  V r;
#pragma GCC unroll 16
  for (int i = 0; i < kLanes; ++i)
    r[i] = std::fma(a[i], b[i], c[i]);
  return r;
}

/// `kVectors` vectors' sums over kWidth columns (a whole number of chunks;
/// `width` of them are stored).
template <typename V, int kVectors, bool kNoise, int kWidth = kChunk>
[[gnu::always_inline]] inline void
readChunk(const float *__restrict drive, int64_t driveStride, int64_t rows,
          const float *__restrict cells, const float *__restrict squares,
          int64_t stride, int64_t c0, int64_t width, int64_t cols,
          float *__restrict current, float *__restrict variance) {
  constexpr int kLanes = sizeof(V) / sizeof(float);
  constexpr int kParts = kWidth / kLanes;
  V cur[kVectors][kParts], var[kVectors][kParts];
#pragma GCC unroll 4
  for (int v = 0; v < kVectors; ++v)
#pragma GCC unroll 16
    for (int k = 0; k < kParts; ++k)
      cur[v][k] = var[v][k] = V{};
  for (int64_t r = 0; r < rows; ++r) {
    float a[kVectors];
    bool driven = false;
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v) {
      a[v] = drive[v * driveStride + r];
      driven |= a[v] != 0.0f;
    }
    if (!driven)
      continue;
    V g[kParts];
    std::memcpy(g, cells + r * stride + c0, sizeof(g));
#pragma GCC unroll 4
    for (int v = 0; v < kVectors; ++v)
#pragma GCC unroll 16
      for (int k = 0; k < kParts; ++k)
        cur[v][k] = fusedMultiplyAdd(splat<V>(a[v]), g[k], cur[v][k]);
    if (kNoise) {
      V g2[kParts];
      std::memcpy(g2, squares + r * stride + c0, sizeof(g2));
#pragma GCC unroll 4
      for (int v = 0; v < kVectors; ++v) {
        const float a2 = a[v] * a[v];
#pragma GCC unroll 16
        for (int k = 0; k < kParts; ++k)
          var[v][k] = fusedMultiplyAdd(splat<V>(a2), g2[k], var[v][k]);
      }
    }
  }
  for (int v = 0; v < kVectors; ++v) {
    float sums[kWidth];
    std::memcpy(sums, cur[v], sizeof(sums));
    std::memcpy(current + v * cols + c0, sums, width * sizeof(float));
    if (kNoise) {
      std::memcpy(sums, var[v], sizeof(sums));
      std::memcpy(variance + v * cols + c0, sums, width * sizeof(float));
    }
  }
}

template <typename V, bool kNoise>
[[gnu::always_inline]] inline void
readColumnsInLanes(const nncc::Drives &d, const float *cells,
                   const float *squares, int64_t cols, float *current,
                   float *variance) {
  const int64_t stride = nncc::paddedArrayColumns(cols);
  const int64_t blocked = d.count / kBlockVectors * kBlockVectors;
  for (int64_t c0 = 0; c0 < cols; c0 += kChunk)
    for (int64_t v = 0; v < blocked; v += kBlockVectors)
      readChunk<V, kBlockVectors, kNoise>(
          d.data + v * d.vectorStride, d.vectorStride, d.rows, cells, squares,
          stride, c0, std::min(kChunk, cols - c0), cols, current + v * cols,
          kNoise ? variance + v * cols : nullptr);
  // A lone vector (a dense layer's one per image) walks four chunks at once:
  // one chunk's sums alone would wait on each add's latency.
  constexpr int64_t kWide = 4 * kChunk;
  for (int64_t v = blocked; v < d.count; ++v) {
    const float *drive = d.data + v * d.vectorStride;
    float *cur = current + v * cols;
    float *var = kNoise ? variance + v * cols : nullptr;
    int64_t c0 = 0;
    for (; c0 + kWide <= stride; c0 += kWide)
      readChunk<V, 1, kNoise, kWide>(
          drive, d.vectorStride, d.rows, cells, squares, stride, c0,
          std::min(kWide, cols - c0), cols, cur, var);
    for (; c0 < cols; c0 += kChunk)
      readChunk<V, 1, kNoise>(drive, d.vectorStride, d.rows, cells, squares,
                              stride, c0, std::min(kChunk, cols - c0), cols,
                              cur, var);
  }
}

/// kColumns columns of 16 vectors (one lane each): every row's drives are
/// one load, every cell a broadcast.
template <typename V, int kColumns, bool kNoise>
[[gnu::always_inline]] inline void
readVectorChunk(const float *__restrict drive, int64_t rowStride, int64_t rows,
                const float *__restrict cells, const float *__restrict squares,
                int64_t stride, int64_t c0, int64_t cols, int64_t vectors,
                float *__restrict current, float *__restrict variance) {
  constexpr int kLanes = sizeof(V) / sizeof(float);
  constexpr int kParts = kDriveLanes / kLanes;
  V cur[kColumns][kParts], var[kColumns][kParts];
#pragma GCC unroll 8
  for (int c = 0; c < kColumns; ++c)
#pragma GCC unroll 4
    for (int k = 0; k < kParts; ++k)
      cur[c][k] = var[c][k] = V{};
  for (int64_t r = 0; r < rows; ++r) {
    V a[kParts], a2[kParts];
    std::memcpy(a, drive + r * rowStride, sizeof(a));
#pragma GCC unroll 4
    for (int k = 0; k < kParts; ++k)
      a2[k] = a[k] * a[k];
    const float *g = cells + r * stride + c0;
    const float *g2 = squares ? squares + r * stride + c0 : nullptr;
#pragma GCC unroll 8
    for (int c = 0; c < kColumns; ++c) {
#pragma GCC unroll 4
      for (int k = 0; k < kParts; ++k)
        cur[c][k] = fusedMultiplyAdd(a[k], splat<V>(g[c]), cur[c][k]);
      if (kNoise)
#pragma GCC unroll 4
        for (int k = 0; k < kParts; ++k)
          var[c][k] = fusedMultiplyAdd(a2[k], splat<V>(g2[c]), var[c][k]);
    }
  }
  const int64_t width = std::min<int64_t>(kColumns, cols - c0);
  for (int c = 0; c < width; ++c) {
    float sums[kDriveLanes], sums2[kDriveLanes];
    std::memcpy(sums, cur[c], sizeof(sums));
    if (kNoise)
      std::memcpy(sums2, var[c], sizeof(sums2));
    for (int64_t v = 0; v < vectors; ++v) {
      current[v * cols + c0 + c] = sums[v];
      if (kNoise)
        variance[v * cols + c0 + c] = sums2[v];
    }
  }
}

template <typename V, bool kNoise>
[[gnu::always_inline]] inline void
readVectorsInLanes(const nncc::Drives &d, const float *cells,
                   const float *squares, int64_t cols, float *current,
                   float *variance) {
  // Accumulators for kColumns columns: 8 zmm registers per kind (half the
  // register file; the drives' load and square are shared by more columns
  // than with 4), fewer columns on narrower ISAs; each divides kChunk, so
  // the padded cells cover every step.
  constexpr int kColumns = sizeof(V) >= 64 ? 8 : sizeof(V) >= 32 ? 2 : 1;
  const int64_t stride = nncc::paddedArrayColumns(cols);
  for (int64_t v0 = 0; v0 < d.count; v0 += kDriveLanes) {
    const int64_t vectors = std::min(kDriveLanes, d.count - v0);
    for (int64_t c0 = 0; c0 < cols; c0 += kColumns)
      readVectorChunk<V, kColumns, kNoise>(
          d.data + v0, d.rowStride, d.rows, cells, squares, stride, c0, cols,
          vectors, current + v0 * cols,
          kNoise ? variance + v0 * cols : nullptr);
  }
}

template <typename V>
[[gnu::always_inline]] inline void
readAny(const nncc::Drives &d, const float *cells, const float *squares,
        int64_t cols, float *current, float *variance) {
  if (d.vectorsInLanes) {
    if (squares)
      readVectorsInLanes<V, true>(d, cells, squares, cols, current, variance);
    else
      readVectorsInLanes<V, false>(d, cells, squares, cols, current, variance);
  } else {
    if (squares)
      readColumnsInLanes<V, true>(d, cells, squares, cols, current, variance);
    else
      readColumnsInLanes<V, false>(d, cells, squares, cols, current, variance);
  }
}

using ReadFn = void (*)(const nncc::Drives &, const float *, const float *,
                        int64_t, float *, float *);

void readGeneric(const nncc::Drives &d, const float *cells,
                 const float *squares, int64_t cols, float *current,
                 float *variance) {
  readAny<Float4>(d, cells, squares, cols, current, variance);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2,fma"))) void
readAvx2(const nncc::Drives &d, const float *cells, const float *squares,
         int64_t cols, float *current, float *variance) {
  readAny<Float8>(d, cells, squares, cols, current, variance);
}
__attribute__((target("avx512f"))) void
readAvx512(const nncc::Drives &d, const float *cells, const float *squares,
           int64_t cols, float *current, float *variance) {
  readAny<Float16>(d, cells, squares, cols, current, variance);
}

bool cpuRuns(nncc::ArrayReadIsa isa) {
  __builtin_cpu_init();
  switch (isa) {
  case nncc::ArrayReadIsa::Generic:
    return true;
  case nncc::ArrayReadIsa::Avx2:
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case nncc::ArrayReadIsa::Avx512:
    return __builtin_cpu_supports("avx512f");
  }
  return false;
}

ReadFn readFor(nncc::ArrayReadIsa isa) {
  switch (isa) {
  case nncc::ArrayReadIsa::Avx512:
    return readAvx512;
  case nncc::ArrayReadIsa::Avx2:
    return readAvx2;
  default:
    return readGeneric;
  }
}
#else
bool cpuRuns(nncc::ArrayReadIsa isa) {
  return isa == nncc::ArrayReadIsa::Generic;
}
ReadFn readFor(nncc::ArrayReadIsa) { return readGeneric; }
#endif

/// The selected variant; an atomic so that tests may switch it between
/// reads without a data race.
std::atomic<ReadFn> &selectedRead() {
  static std::atomic<ReadFn> selected{[] {
    for (nncc::ArrayReadIsa isa :
         {nncc::ArrayReadIsa::Avx512, nncc::ArrayReadIsa::Avx2})
      if (cpuRuns(isa))
        return readFor(isa);
    return readFor(nncc::ArrayReadIsa::Generic);
  }()};
  return selected;
}

} // namespace

bool nncc::selectArrayReadIsa(ArrayReadIsa isa) {
  if (!cpuRuns(isa))
    return false;
  selectedRead().store(readFor(isa));
  return true;
}


int64_t nncc::paddedArrayColumns(int64_t cols) {
  return (cols + kChunk - 1) / kChunk * kChunk;
}

void nncc::readArrayColumns(const Drives &drives, const float *cells,
                            const float *squares, int64_t cols, float *current,
                            float *variance) {
  selectedRead().load(std::memory_order_relaxed)(drives, cells, squares, cols,
                                                 current, variance);
}

NNCC_KERNEL void nncc::addReadNoise(const float *__restrict current,
                                    const float *__restrict variance,
                                    const double *__restrict normal,
                                    double sigma, int64_t cols,
                                    double *__restrict value) {
  // The standard deviation in f32: a noise amplitude needs no more than
  // f32's 7 digits, and an f32 root costs a third of an f64 one.
  for (int64_t c = 0; c < cols; ++c)
    value[c] = static_cast<double>(current[c]) +
               static_cast<double>(std::sqrt(std::max(0.0f, variance[c]))) *
                   sigma * normal[c];
}
