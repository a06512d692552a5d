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
  result_type operator()();

private:
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

/// Standard normals two at a time (both Box-Muller outputs): for streams
/// with many draws, such as read noise.
class NormalPairs {
public:
  explicit NormalPairs(RandomStream &rng) : rng(rng) {}
  double next();

private:
  RandomStream &rng;
  double spare = 0;
  bool hasSpare = false;
};

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
