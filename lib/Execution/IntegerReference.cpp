//===- IntegerReference.cpp - Integer mode: exact int64 accumulators ------===//
//
// acc[g, p, n] = sum_k xq[g, p, k] * (q - z)[g, k, n], exactly.  Products and
// partial sums of small integers are exact in f32 while they stay below
// 2^24 (kExactF32), so wherever that bound provably holds the products run
// on the runtime's SGEMM in chunks of the depth that keep it; elsewhere
// plain int32 / int64 loops do (CIMRunnerOptions::useFloatGemm = false
// forces them).
//
//===----------------------------------------------------------------------===//
#include "CIMLayerImpl.h"

#include "nncc/Runtime/Parallel.h"

#include <algorithm>
#include <cstdlib>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::grainFor;
using runtime::parallelChunks;
using runtime::Tensor;

namespace {

/// Below this many multiply-adds the integer loops beat packing for SGEMM.
constexpr int64_t kMinGemmMacs = int64_t{1} << 15;

/// out[p, :] = sum_k x[p, k] * w[k, :] for p in [pBegin, pEnd), four rows of
/// x at a time so that each row of w is loaded once per four products.  Acc
/// is int32 when the caller has proven that no partial sum overflows it.
template <typename Acc>
void integerProduct(const int32_t *x, const int32_t *w, int64_t pBegin,
                    int64_t pEnd, int64_t depth, int64_t columns,
                    int64_t *out) {
  std::vector<Acc> acc(static_cast<size_t>(4 * columns));
  for (int64_t p0 = pBegin; p0 < pEnd; p0 += 4) {
    const int64_t rows = std::min<int64_t>(4, pEnd - p0);
    std::fill(acc.begin(), acc.end(), Acc{0});
    Acc *a0 = acc.data(), *a1 = a0 + columns, *a2 = a1 + columns,
        *a3 = a2 + columns;
    const int32_t *x0 = x + p0 * depth;
    const int32_t *x1 = rows > 1 ? x0 + depth : nullptr;
    const int32_t *x2 = rows > 2 ? x0 + 2 * depth : nullptr;
    const int32_t *x3 = rows > 3 ? x0 + 3 * depth : nullptr;
    for (int64_t k = 0; k < depth; ++k) {
      const Acc c0 = x0[k], c1 = x1 ? x1[k] : 0, c2 = x2 ? x2[k] : 0,
                c3 = x3 ? x3[k] : 0;
      if ((c0 | c1 | c2 | c3) == 0)
        continue;
      const int32_t *wr = w + k * columns;
      for (int64_t n = 0; n < columns; ++n) {
        const Acc weight = wr[n];
        a0[n] += c0 * weight;
        a1[n] += c1 * weight;
        a2[n] += c2 * weight;
        a3[n] += c3 * weight;
      }
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t n = 0; n < columns; ++n)
        out[(p0 + r) * columns + n] =
            static_cast<int64_t>(acc[r * columns + n]);
  }
}

} // namespace

int64_t CIMLayerRunner::Impl::gemmChunk() const {
  const int64_t maxX = std::max<int64_t>(std::abs(int64_t{inputMin}), inputMax);
  const int64_t maxProduct = std::max<int64_t>(maxX * maxAbsWeight, 1);
  const int64_t chunk = std::min(depth, (kExactF32 - 1) / maxProduct);
  return options.useFloatGemm && vectors * depth * columns >= kMinGemmMacs &&
                 chunk >= std::min<int64_t>(depth, 16)
             ? chunk
             : 0;
}

const Tensor &CIMLayerRunner::Impl::weightChunk(int64_t g,
                                                int64_t k0) const {
  const int64_t chunk = gemmChunk();
  const int64_t chunksPerGroup = (depth + chunk - 1) / chunk;
  std::call_once(weightChunksOnce, [&] {
    for (int64_t group = 0; group < groups; ++group)
      for (int64_t k = 0; k < depth; k += chunk) {
        const int64_t kc = std::min(chunk, depth - k);
        Tensor b(DType::F32, {kc, columns});
        std::copy_n(centeredWeights.begin() + (group * depth + k) * columns,
                    kc * columns, b.data<float>());
        weightChunks.push_back(std::move(b));
      }
  });
  return weightChunks[g * chunksPerGroup + k0 / chunk];
}

void CIMLayerRunner::Impl::gemmAccumulate(const Tensor &a, const Tensor &b,
                                          int64_t *og) const {
  const int64_t rows = a.dim(0), N = columns;
  // The SGEMM vectorizes along the result's rows: put the longer of the
  // vectors and the columns there (acc^T = w^T x^T when the vectors are).
  if (rows > N) {
    Tensor c(DType::F32, {N, rows});
    runtime::gemm(b, a, nullptr, 1.0f, 0.0f, true, true, c);
    const float *cp = c.data<float>();
    parallelChunks(rows, grainFor(N), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p)
        for (int64_t n = 0; n < N; ++n)
          og[p * N + n] += static_cast<int64_t>(cp[n * rows + p]);
    });
  } else {
    Tensor c(DType::F32, {rows, N});
    runtime::gemm(a, b, nullptr, 1.0f, 0.0f, false, false, c);
    const float *cp = c.data<float>();
    for (int64_t i = 0; i < rows * N; ++i)
      og[i] += static_cast<int64_t>(cp[i]);
  }
}

Tensor CIMLayerRunner::Impl::integerFromInput(const Tensor &input) const {
  if (gemmChunk() < depth)
    return integerAccumulators(quantizeIm2col(input));
  // One exact SGEMM per group and block of vectors on an f32 im2col
  // gathered straight from the quantized input; blocks run in parallel and
  // keep the im2col block in cache.
  const Tensor xq = quantizeInput(input);
  Tensor acc(DType::I64, {groups, vectors, columns});
  const int64_t threads =
      static_cast<int64_t>(llvm::parallel::getThreadCount());
  int64_t blockSize =
      std::clamp<int64_t>((int64_t{1} << 16) / depth, 64, vectors);
  if (threads > 1)
    blockSize = std::min(
        blockSize, std::max<int64_t>(64, (vectors + threads - 1) / threads));
  // Below ~2^18 multiply-adds forking costs more than it saves.
  if (vectors * depth * columns < (int64_t{1} << 18))
    blockSize = vectors;
  blockSize = std::min(blockSize, vectors);
  const int64_t blocks = (vectors + blockSize - 1) / blockSize;
  for (int64_t g = 0; g < groups; ++g) {
    const Tensor &b = weightChunk(g, 0);
    int64_t *og = acc.data<int64_t>() + g * vectors * columns;
    // parallelChunks runs a single block inline (no thread hand-off).
    parallelChunks(blocks, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const int64_t p0 = i * blockSize;
        const int64_t count = std::min(blockSize, vectors - p0);
        Tensor a(DType::F32, {count, depth});
        gather(xq.data<int32_t>(), g, p0, p0 + count, a.data<float>());
        gemmAccumulate(a, b, og + p0 * columns);
      }
    });
  }
  return acc;
}

Tensor CIMLayerRunner::Impl::integerAccumulators(const Tensor &xq) const {
  const int64_t G = groups, P = vectors, K = depth, N = columns;
  Tensor acc(DType::I64, {G, P, N});
  const int32_t *x = xq.data<int32_t>();
  int64_t *out = acc.data<int64_t>();

  // Exact f32 SGEMM over chunks of the depth short enough that no partial
  // sum reaches 2^24; the chunks add up in int64.
  if (const int64_t chunk = gemmChunk()) {
    for (int64_t g = 0; g < G; ++g)
      for (int64_t k0 = 0; k0 < K; k0 += chunk) {
        const int64_t kc = std::min(chunk, K - k0);
        Tensor a(DType::F32, {P, kc});
        float *ap = a.data<float>();
        parallelChunks(P, grainFor(kc), [&](int64_t begin, int64_t end) {
          for (int64_t p = begin; p < end; ++p)
            for (int64_t k = 0; k < kc; ++k)
              ap[p * kc + k] = static_cast<float>(x[(g * P + p) * K + k0 + k]);
        });
        gemmAccumulate(a, weightChunk(g, k0), out + g * P * N);
      }
    return acc;
  }

  // Integer loops: int32 accumulators when |partial sums| <= max|xq| *
  // max|q - z| * depth fits them.
  const int64_t maxX = std::max<int64_t>(std::abs(int64_t{inputMin}), inputMax);
  const int64_t maxProduct = std::max<int64_t>(maxX * maxAbsWeight, 1);
  const bool narrow = maxProduct * K < (int64_t{1} << 31) - 1;
  const int64_t blocks = (P + 3) / 4;
  parallelChunks(G * blocks, grainFor(4 * K * N),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t i = begin; i < end; ++i) {
                     int64_t g = i / blocks, b = i % blocks;
                     int64_t pb = b * 4, pe = std::min(P, pb + 4);
                     const int32_t *xg = x + g * P * K;
                     const int32_t *wg = centeredWeights.data() + g * K * N;
                     int64_t *og = out + g * P * N;
                     if (narrow)
                       integerProduct<int32_t>(xg, wg, pb, pe, K, N, og);
                     else
                       integerProduct<int64_t>(xg, wg, pb, pe, K, N, og);
                   }
                 });
  return acc;
}
