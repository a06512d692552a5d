//===- Sampling.h - Deterministic draws for the simulator -------*- C++ -*-===//
//
// The simulator's results must be byte-identical for a seed on every
// platform and thread count, so it derives one RandomStream per (instance,
// tile) or (read, vector) from the seed with `mixSeed`, and maps raw 64-bit
// draws to uniforms and normals itself (std::normal_distribution is
// implementation-defined and keeps hidden state).  RandomStream is
// xoshiro256**: streams are cheap to create (std::mt19937_64 spends most of
// a read-noise simulation seeding its 312-word state).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_SAMPLING_H
#define NNCC_SIMULATION_SAMPLING_H

#include <cmath>
#include <cstdint>

namespace nncc {

/// A well-mixed seed for stream `stream` of `seed` (SplitMix64 finalizer).
uint64_t mixSeed(uint64_t seed, uint64_t stream);

/// xoshiro256** (Blackman and Vigna), its state filled from `seed` by
/// SplitMix64.  A UniformRandomBitGenerator.
class RandomStream {
public:
  using result_type = uint64_t;
  explicit RandomStream(uint64_t seed);
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  /// Inline: one call per read-noise value.
  result_type operator()() {
    uint64_t result;
    xoshiroNext(state, result);
    return result;
  }

  /// One xoshiro256** step of the state `s`: a uint64_t per word, or a
  /// vector of them (every lane its own stream, ZigguratLanes); the output
  /// into `result` (by reference: a vector passed by value between
  /// functions of different ISAs changes the ABI, which Clang refuses).
  /// x * 5 and x * 9 as shifts and adds, which vectors of every ISA have.
  template <typename Word>
  [[gnu::always_inline]] static void xoshiroNext(Word (&s)[4], Word &result) {
    const Word times5 = (s[1] << 2) + s[1];
    const Word rotated = (times5 << 7) | (times5 >> 57);
    result = (rotated << 3) + rotated;
    const Word t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
  }

private:
  friend class ZigguratLanes;
  uint64_t state[4];
};

/// Uniform in (0, 1), from the top 53 bits of one draw.
template <typename Rng> double uniform01(Rng &rng) {
  // k + 1/2 needs 54 bits: for k = 2^53 - 1 it rounds (to even) up to 2^53,
  // which would give exactly 1; keep that one draw at the largest double
  // below 1 so that the interval stays open and every other value is as
  // before.
  double u = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

/// Standard normal by Box-Muller from two uniforms (the second value is
/// discarded so that every call uses exactly two draws).
template <typename Rng> double standardNormal(Rng &rng) {
  double u1 = uniform01(rng), u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

/// Standard normals by Marsaglia and Tsang's ziggurat ("The Ziggurat Method
/// for Generating Random Variables", J. Stat. Softw. 5(8), 2000; 256
/// layers, r = 3.6541528853610088, v = 0.00492867323399), with Doornik's fix
/// ("An Improved Ziggurat Method to Generate Normal Random Samples", 2005):
/// the layer index and the uniform come from disjoint bits of one draw.
/// Exact in distribution; 99 % of values cost one draw, a multiply and a
/// compare (Box-Muller's log and sincos were a fifth of a read-noise
/// simulation).  For streams with many draws, such as read noise.
class ZigguratNormals {
public:
  explicit ZigguratNormals(RandomStream &rng) : rng(rng) {}
  /// The fast path inline: the read-noise loops draw one value per ADC
  /// conversion.
  double next() {
    const uint64_t bits = rng();
    const int layer = static_cast<int>(bits & 0xff);
    const double x = signedUniform(bits) * layers.x[layer];
    // Inside the next layer's width the point is under the curve whatever
    // its height.
    if (std::abs(x) < layers.x[layer + 1])
      return x;
    return slow(x, layer);
  }

  /// x[i] is the width of layer i's rectangle, whose top and bottom are at
  /// the density's heights f[i + 1] and f[i], f(x) = exp(-x^2 / 2); every
  /// layer, the base with its tail included, has area v.  x[0] = v / f(r)
  /// is the base rectangle's width, x[1] = r, x[256] = 0.
  struct Layers {
    double x[257];
    double f[257];
  };
  static const Layers layers;

private:
  friend class ZigguratLanes;
  /// A uniform in (-1, 1), symmetric about 0, from the top 52 bits of a
  /// draw (the low 8 index the layer): k + 1/2 for k < 2^52 is exact.
  static double signedUniform(uint64_t bits) {
    return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-51 - 1.0;
  }
  /// The rare paths: the base layer's tail beyond r, and the wedges.
  double slow(double x, int layer);
  RandomStream &rng;
};

/// The normals of up to kLanes streams drawn side by side: lane l yields
/// exactly what ZigguratNormals over RandomStream(seeds[l]) would, in the
/// same order, but the fast path of every lane runs in one vector loop (the
/// read noise draws one normal per conversion of every vector; one stream
/// at a time, the generator's serial dependences were a tenth of a
/// simulation).  Rejected lanes take ZigguratNormals' slow path one by one.
class ZigguratLanes {
public:
  static constexpr int kLanes = 8;
  /// Lanes [0, count) draw from RandomStream(seeds[l]); count <= kLanes.
  ZigguratLanes(const uint64_t *seeds, int count);
  /// Each lane's next `draws` normals: lane l's into out[l * stride + i].
  void next(int64_t draws, double *out, int64_t stride);

  /// ZigguratNormals' slow path on lane `lane`'s stream (Sampling.cpp's
  /// variants of next()).
  static double slowLane(uint64_t (&state)[4][kLanes], int lane, double x,
                         int layer);

private:
  /// xoshiro256** states, word-major so that a word of every lane is one
  /// vector.
  uint64_t state[4][kLanes];
  int count;
};

/// Runs ZigguratLanes on its AVX-512 variant (when the CPU has it; else
/// returns false) or on the generic one, for tests: both draw the same
/// bits.  By default the widest the CPU supports.
bool selectZigguratLanesIsa(bool avx512);

/// Standard normal CDF and its inverse (Acklam's rational approximation
/// refined by one Halley step: relative error below 1e-12).
double normalCdf(double x);
double normalQuantile(double p);

/// Error, in the units of `sigma`, that write-verify leaves on a cell whose
/// single-pulse error is N(0, sigma²) and whose acceptance window is
/// ±tolerance: with probability `failure` (u1 < failure) the cell failed
/// every pulse and keeps an error outside the window, else the accepted
/// error is N(0, sigma²) truncated to the window.  Inverse-CDF sampling from
/// the uniforms u1, u2; 0 when sigma is 0.
double writeVerifyError(double sigma, double tolerance, double failure,
                        double u1, double u2);

} // namespace nncc

#endif // NNCC_SIMULATION_SAMPLING_H
