//===- Sampling.cpp - Deterministic random draws for the simulator --------===//
#include "nncc/Simulation/Sampling.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

uint64_t nncc::mixSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

nncc::RandomStream::RandomStream(uint64_t seed) {
  for (int i = 0; i < 4; ++i)
    state[i] = mixSeed(seed, static_cast<uint64_t>(i));
}

namespace {
constexpr double kZigguratR = 3.6541528853610088, kZigguratV = 0.00492867323399;

nncc::ZigguratNormals::Layers zigguratLayers() {
  nncc::ZigguratNormals::Layers t;
  auto density = [](double x) { return std::exp(-0.5 * x * x); };
  t.x[0] = kZigguratV / density(kZigguratR);
  t.x[1] = kZigguratR;
  for (int i = 1; i < 255; ++i)
    t.x[i + 1] =
        std::sqrt(-2.0 * std::log(kZigguratV / t.x[i] + density(t.x[i])));
  t.x[256] = 0;
  for (int i = 0; i <= 256; ++i)
    t.f[i] = density(t.x[i]);
  return t;
}
} // namespace

const nncc::ZigguratNormals::Layers nncc::ZigguratNormals::layers =
    zigguratLayers();

double nncc::ZigguratNormals::slow(double x, int layer) {
  for (;;) {
    if (layer == 0) {
      // The tail beyond r (Marsaglia 1964): exponential proposals accepted
      // with the ratio of the densities.
      double a, b;
      do {
        a = -std::log(uniform01(rng)) / kZigguratR;
        b = -std::log(uniform01(rng));
      } while (b + b < a * a);
      return x < 0 ? -(kZigguratR + a) : kZigguratR + a;
    }
    // The wedge between the rectangle and the curve: a uniform height.
    const double y = layers.f[layer] +
                     uniform01(rng) * (layers.f[layer + 1] - layers.f[layer]);
    if (y < std::exp(-0.5 * x * x))
      return x;
    const uint64_t bits = rng();
    layer = static_cast<int>(bits & 0xff);
    x = signedUniform(bits) * layers.x[layer];
    if (std::abs(x) < layers.x[layer + 1])
      return x;
  }
}

nncc::ZigguratLanes::ZigguratLanes(const uint64_t *seeds, int count)
    : count(count) {
  std::memset(state, 0, sizeof(state));
  for (int l = 0; l < count; ++l) {
    RandomStream stream(seeds[l]);
    for (int w = 0; w < 4; ++w)
      state[w][l] = stream.state[w];
  }
}

namespace {
typedef uint64_t U64x8 __attribute__((vector_size(64)));
typedef int64_t I64x8 __attribute__((vector_size(64)));
typedef double F64x8 __attribute__((vector_size(64)));
static_assert(nncc::ZigguratLanes::kLanes == 8, "one U64x8 per state word");

/// ZigguratNormals::next's uniform from the bits directly: 1 + k 2^-52 with
/// the top 52 bits k as the mantissa, then 2u - 3 + 2^-52 = (k + 1/2) 2^-51
/// - 1 exactly, as signedUniform.  (Vectors by reference, as
/// RandomStream::xoshiroNext.)
__attribute__((always_inline)) inline void signedUniforms(const U64x8 &bits,
                                                          F64x8 &uniform) {
  const F64x8 u = (F64x8)((bits >> 12) | 0x3ff0000000000000ull);
  uniform = (u + u) - 3.0 + 0x1.0p-52;
}

using LanesFn = void (*)(uint64_t (&)[4][8], int, int64_t, double *, int64_t);

// GCC/Clang generic vectors (one zmm, two ymm or four xmm per state word),
// compiled for each ISA and picked by the loader; the table lookups and
// the per-lane stores go through memory (element access of a vector
// register costs a shuffle).  Every step is exact integer arithmetic or an
// exactly rounded double operation, so the lanes are bit for bit the
// scalar generator on any ISA, and so is the AVX-512 variant below.
#if defined(__x86_64__) && defined(__linux__) &&                               \
    (defined(__GNUC__) || defined(__clang__))
__attribute__((target_clones("avx2", "default")))
#endif
void nextLanesGeneric(uint64_t (&state)[4][8], int count, int64_t draws,
                      double *out, int64_t stride) {
  constexpr int kLanes = nncc::ZigguratLanes::kLanes;
  const nncc::ZigguratNormals::Layers &t = nncc::ZigguratNormals::layers;
  U64x8 s[4];
  std::memcpy(s, state, sizeof(s));
  for (int64_t i = 0; i < draws; ++i) {
    U64x8 bits;
    nncc::RandomStream::xoshiroNext(s, bits);
    alignas(64) uint64_t layer[kLanes];
    alignas(64) double width[kLanes], next[kLanes], x[kLanes];
    alignas(64) int64_t accepted[kLanes];
    std::memcpy(layer, &bits, sizeof(layer));
    for (int l = 0; l < kLanes; ++l) {
      layer[l] &= 0xff;
      width[l] = t.x[layer[l]];
      next[l] = t.x[layer[l] + 1];
    }
    F64x8 xv, nextv;
    std::memcpy(&xv, width, sizeof(xv));
    std::memcpy(&nextv, next, sizeof(nextv));
    F64x8 uniform;
    signedUniforms(bits, uniform);
    xv = uniform * xv;
    const I64x8 acceptedv = (F64x8)((I64x8)xv & INT64_MAX) < nextv;
    std::memcpy(x, &xv, sizeof(x));
    std::memcpy(accepted, &acceptedv, sizeof(accepted));
    for (int l = 0; l < count; ++l)
      out[l * stride + i] = x[l];
    for (int l = 0; l < count; ++l)
      if (!accepted[l]) {
        std::memcpy(state, s, sizeof(s));
        out[l * stride + i] = nncc::ZigguratLanes::slowLane(
            state, l, x[l], static_cast<int>(layer[l]));
        std::memcpy(s, state, sizeof(s));
      }
  }
  std::memcpy(state, s, sizeof(s));
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/// With AVX-512 the table lookups are gathers, the test a mask and the
/// stores a scatter (a third of the generic variant's time).
__attribute__((target("avx512f"))) void
nextLanesAvx512(uint64_t (&state)[4][8], int count, int64_t draws, double *out,
                int64_t stride) {
  const nncc::ZigguratNormals::Layers &t = nncc::ZigguratNormals::layers;
  U64x8 s[4];
  std::memcpy(s, state, sizeof(s));
  const __mmask8 used = static_cast<__mmask8>((1u << count) - 1);
  __m512i laneOffset;
  {
    alignas(64) int64_t o[8];
    for (int l = 0; l < 8; ++l)
      o[l] = l * stride;
    laneOffset = _mm512_load_si512(o);
  }
  for (int64_t i = 0; i < draws; ++i) {
    U64x8 bits;
    nncc::RandomStream::xoshiroNext(s, bits);
    const __m512i layer = (__m512i)(bits & 0xff);
    // (Masked from zeros: GCC 12 warns about the unmasked gather's
    // undefined source.)
    const __m512d width =
        _mm512_mask_i64gather_pd(_mm512_setzero_pd(), 0xff, layer, t.x, 8);
    const __m512d next =
        _mm512_mask_i64gather_pd(_mm512_setzero_pd(), 0xff, layer, t.x + 1, 8);
    F64x8 uniform;
    signedUniforms(bits, uniform);
    const __m512d x = _mm512_mul_pd((__m512d)uniform, width);
    const __mmask8 accepted =
        _mm512_cmp_pd_mask(_mm512_abs_pd(x), next, _CMP_LT_OS);
    _mm512_mask_i64scatter_pd(out + i, used, laneOffset, x, 8);
    for (unsigned rejected = used & ~accepted; rejected;
         rejected &= rejected - 1) {
      const int l = __builtin_ctz(rejected);
      alignas(64) double xs[8];
      alignas(64) uint64_t layers[8];
      _mm512_store_pd(xs, x);
      _mm512_store_si512(layers, layer);
      std::memcpy(state, s, sizeof(s));
      out[l * stride + i] = nncc::ZigguratLanes::slowLane(
          state, l, xs[l], static_cast<int>(layers[l]));
      std::memcpy(s, state, sizeof(s));
    }
  }
  std::memcpy(state, s, sizeof(s));
}
#endif

bool avx512Supported() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

std::atomic<LanesFn> &selectedLanes() {
  static std::atomic<LanesFn> fn {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    avx512Supported() ? &nextLanesAvx512 :
#endif
                      &nextLanesGeneric
  };
  return fn;
}
} // namespace

double nncc::ZigguratLanes::slowLane(uint64_t (&state)[4][kLanes], int lane,
                                     double x, int layer) {
  RandomStream stream(0);
  for (int w = 0; w < 4; ++w)
    stream.state[w] = state[w][lane];
  const double value = ZigguratNormals(stream).slow(x, layer);
  for (int w = 0; w < 4; ++w)
    state[w][lane] = stream.state[w];
  return value;
}

void nncc::ZigguratLanes::next(int64_t draws, double *out, int64_t stride) {
  selectedLanes().load(std::memory_order_relaxed)(state, count, draws, out,
                                                  stride);
}

bool nncc::selectZigguratLanesIsa(bool avx512) {
  if (avx512) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (!avx512Supported())
      return false;
    selectedLanes().store(&nextLanesAvx512);
    return true;
#else
    return false;
#endif
  }
  selectedLanes().store(&nextLanesGeneric);
  return true;
}

double nncc::normalCdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double nncc::normalQuantile(double p) {
  p = std::clamp(p, 1e-300, 1.0 - 1e-16);
  // Solve the upper half by symmetry: 1 - p is exact for p >= 1/2, while
  // the Halley step below on Phi(x) - p near 1 would cancel to an absolute
  // error ~1e-16, i.e. a relative error ~1e-4 in a 1e-12 upper tail.
  if (p > 0.5)
    return -normalQuantile(1 - p);
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) *
        q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // One Halley step on the exact CDF.
  double e = normalCdf(x) - p;
  double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double nncc::writeVerifyError(double sigma, double tolerance, double failure,
                              double u1, double u2) {
  if (sigma <= 0)
    return 0;
  const double a = tolerance / sigma;
  const double tail = normalCdf(-a); // P(z < -a) = P(z > a)
  if (u1 < failure) {
    // Outside the window: lower tail for u2 < 1/2, upper tail otherwise.
    double z = u2 < 0.5 ? normalQuantile(2 * u2 * tail)
                        : -normalQuantile(2 * (u2 - 0.5) * tail);
    return sigma * z;
  }
  return sigma * normalQuantile(tail + u2 * (1 - 2 * tail));
}
