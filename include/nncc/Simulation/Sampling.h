//===- Sampling.h - Deterministic random draws for the simulator -*- C++ -*-===//
//
// The simulator's results must be byte-identical for a seed on every
// platform and thread count, so it derives one std::mt19937_64 stream per
// (instance, tile) or (read, vector) from the seed with `mixSeed`, and maps
// raw 64-bit draws to uniforms and normals itself (std::normal_distribution
// is implementation-defined and keeps hidden state).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_SAMPLING_H
#define NNCC_SIMULATION_SAMPLING_H

#include <cstdint>
#include <random>

namespace nncc {

/// A well-mixed seed for stream `stream` of `seed` (SplitMix64 finalizer).
uint64_t mixSeed(uint64_t seed, uint64_t stream);

/// Uniform in (0, 1), from the top 53 bits of one draw.
double uniform01(std::mt19937_64 &rng);

/// Standard normal by Box-Muller from two uniforms (the second value is
/// discarded so that every call uses exactly two draws).
double standardNormal(std::mt19937_64 &rng);

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
