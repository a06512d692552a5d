//===- SamplingTest.cpp - The simulator's deterministic draws -------------===//
//
// Sampling.h against closed forms and published reference values: the
// SplitMix64 finalizer, the open interval of uniform01, and the normal
// quantile as the inverse of the normal CDF.
//
//===----------------------------------------------------------------------===//
#include "nncc/Simulation/Sampling.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>
#include <vector>

using namespace nncc;

namespace {

// mixSeed(seed, stream) is SplitMix64's output after stream + 1 increments
// of the golden gamma from `seed`.  Reference outputs of SplitMix64 from
// state 0 (Vigna's splitmix64.c): e220a8397b1dcdaf, 6e789e6aa1b965f4,
// 06c45d188009454f.
TEST(Sampling, MixSeedIsSplitMix64) {
  EXPECT_EQ(mixSeed(0, 0), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(mixSeed(0, 1), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(mixSeed(0, 2), 0x06c45d188009454fULL);
  // The stream index and the seed enter as seed + gamma * (stream + 1).
  EXPECT_EQ(mixSeed(0x9e3779b97f4a7c15ULL, 0), mixSeed(0, 1));
  EXPECT_NE(mixSeed(1, 0), mixSeed(0, 0));
}

TEST(Sampling, RandomStreamIsDeterministicAndSpread) {
  // The simulator's streams: equal seeds give equal sequences, neighbouring
  // seeds unrelated ones, and the uniforms have mean 1/2 and variance 1/12
  // (within 5 standard errors over 100,000 draws).
  RandomStream a(mixSeed(7, 1)), b(mixSeed(7, 1)), c(mixSeed(7, 2));
  double sum = 0, sumSq = 0;
  int equalToC = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    uint64_t x = a();
    ASSERT_EQ(x, b());
    equalToC += x == c();
    double u = (static_cast<double>(x >> 11) + 0.5) * 0x1.0p-53;
    sum += u;
    sumSq += u * u;
  }
  EXPECT_EQ(equalToC, 0);
  double mean = sum / kDraws, var = sumSq / kDraws - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / kDraws));
  EXPECT_NEAR(var, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / kDraws));
}

TEST(Sampling, DrawsAreDeterministic) {
  std::mt19937_64 a(mixSeed(42, 3)), b(mixSeed(42, 3)), c(mixSeed(42, 4));
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    double ua = uniform01(a), ub = uniform01(b), uc = uniform01(c);
    ASSERT_EQ(ua, ub);
    differs |= ua != uc;
    ASSERT_EQ(standardNormal(a), standardNormal(b));
  }
  EXPECT_TRUE(differs);
  // uniform01 maps the top 53 bits k of one draw to (k + 1/2) 2^-53, so it
  // consumes exactly one draw: mt19937_64 seeded with 5489 first outputs
  // 14514284786278117030 (the standard's check value is its 10000th output,
  // 9981545732273789042, checked below).
  std::mt19937_64 d;
  uint64_t first = 14514284786278117030ULL;
  EXPECT_EQ(uniform01(d), (static_cast<double>(first >> 11) + 0.5) * 0x1.0p-53);
  d.discard(9998);
  EXPECT_EQ(d(), 9981545732273789042ULL);
}

/// mt19937_64's output tempering and its inverse.
uint64_t temper(uint64_t y) {
  y ^= (y >> 29) & 0x5555555555555555ULL;
  y ^= (y << 17) & 0x71d67fffeda60000ULL;
  y ^= (y << 37) & 0xfff7eee000000000ULL;
  return y ^ (y >> 43);
}
uint64_t untemper(uint64_t y) {
  y ^= y >> 43;
  y ^= (y << 37) & 0xfff7eee000000000ULL;
  uint64_t x = y;
  for (int i = 0; i < 4; ++i)
    x = y ^ ((x << 17) & 0x71d67fffeda60000ULL);
  y = x;
  for (int i = 0; i < 3; ++i)
    x = y ^ ((x >> 29) & 0x5555555555555555ULL);
  return x;
}

/// An engine whose next output is `value`: the standard text state is the
/// last 312 words; the next word is X[156] ^ twist(X[0], X[1]), which is
/// X[156] when X[0] = X[1] = 0.
std::mt19937_64 engineAbout(uint64_t value) {
  std::stringstream state;
  for (int i = 0; i < 312; ++i)
    state << (i == 156 ? untemper(value) : 0) << ' ';
  std::mt19937_64 rng;
  state >> rng;
  return rng;
}

// The extreme draws: all 53 top bits clear or set must still give a value
// strictly inside (0, 1), as the header promises (standardNormal takes
// log(u1); writeVerifyError's inverse CDF needs u2 < 1).
TEST(Sampling, UniformIsOpenInterval) {
  for (uint64_t v : {0ULL, ~0ULL, 0x123456789abcdef0ULL})
    ASSERT_EQ(temper(untemper(v)), v);
  std::mt19937_64 low = engineAbout(0), high = engineAbout(~0ULL);
  std::mt19937_64 check = engineAbout(~0ULL);
  ASSERT_EQ(check(), ~0ULL);
  double u0 = uniform01(low), u1 = uniform01(high);
  EXPECT_GT(u0, 0);
  EXPECT_EQ(u0, 0x1.0p-54);
  EXPECT_LT(u1, 1.0);
  EXPECT_GT(u1, 1 - 0x1.0p-52);
}

// normalQuantile inverts normalCdf to 1e-12 relative in the tail
// probability over p in [1e-12, 1 - 1e-12]: |Phi(x) - p| <= 1e-12 p below
// 1/2 and |Phi(-x) - (1 - p)| <= 1e-12 (1 - p) above (1 - p is exact there,
// and Phi(-x) carries the upper tail without cancellation), and the
// quantile is odd about 1/2.
TEST(Sampling, NormalQuantileInvertsCdf) {
  for (int i = 0; i <= 2400; ++i) {
    double p = std::min(0.5, std::pow(10.0, -12.0 + 12.0 * i / 2400));
    double x = normalQuantile(p);
    double lowErr = std::abs(normalCdf(x) - p) / p;
    // q = 1 - p rounds, but 1 - q is then exact: the upper tail of q.
    double q = 1 - p, tail = 1 - q;
    double y = normalQuantile(q);
    double highErr = std::abs(normalCdf(-y) - tail) / tail;
    ASSERT_LE(lowErr, 1e-12) << "p = " << p;
    ASSERT_LE(highErr, 1e-12) << "p = 1 - " << p;
    ASSERT_NEAR(y, -normalQuantile(tail), 1e-12 * std::abs(x) + 1e-300)
        << "p = " << p;
  }
  EXPECT_DOUBLE_EQ(normalQuantile(0.5), 0);
  // Known quantiles: Phi^-1(0.975) = 1.959963984540054.
  EXPECT_NEAR(normalQuantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(normalQuantile(1e-10), -6.361340902404056, 1e-12);
}

} // namespace

// The ziggurat against the normal distribution it claims to sample exactly:
// over 10^6 draws, the Kolmogorov-Smirnov distance to normalCdf stays below
// its 0.1 % critical value (1.95 / sqrt(n)), the first four moments are
// those of N(0, 1) within 5 standard errors, and the fraction beyond the
// base layer's r (the tail path) and inside the wedges' range matches
// 2 Phi(-r) and the normal probabilities of both signs.
TEST(Sampling, ZigguratIsStandardNormal) {
  RandomStream rng(mixSeed(11, 0));
  ZigguratNormals normals(rng);
  constexpr int kDraws = 1000000;
  std::vector<double> z(kDraws);
  double sum = 0, sumSq = 0, sumCube = 0, sumFourth = 0;
  int beyondR = 0, negative = 0;
  const double r = 3.6541528853610088;
  for (double &v : z) {
    v = normals.next();
    sum += v;
    sumSq += v * v;
    sumCube += v * v * v;
    sumFourth += v * v * v * v;
    beyondR += std::abs(v) > r;
    negative += v < 0;
  }
  const double n = kDraws;
  EXPECT_NEAR(sum / n, 0, 5 / std::sqrt(n));
  EXPECT_NEAR(sumSq / n, 1, 5 * std::sqrt(2 / n));
  EXPECT_NEAR(sumCube / n, 0, 5 * std::sqrt(15 / n));
  EXPECT_NEAR(sumFourth / n, 3, 5 * std::sqrt(96 / n));
  const double tail = 2 * normalCdf(-r);
  EXPECT_NEAR(beyondR / n, tail, 5 * std::sqrt(tail / n));
  EXPECT_NEAR(negative / n, 0.5, 5 * std::sqrt(0.25 / n));
  std::sort(z.begin(), z.end());
  double distance = 0;
  for (int i = 0; i < kDraws; ++i) {
    double cdf = normalCdf(z[i]);
    distance = std::max(
        {distance, std::abs(cdf - i / n), std::abs((i + 1) / n - cdf)});
  }
  EXPECT_LT(distance, 1.95 / std::sqrt(n));
}

TEST(Sampling, ZigguratIsDeterministic) {
  RandomStream a(mixSeed(5, 9)), b(mixSeed(5, 9));
  ZigguratNormals na(a), nb(b);
  for (int i = 0; i < 10000; ++i)
    ASSERT_EQ(na.next(), nb.next());
}

// Lanes side by side draw exactly what each stream draws alone, whatever
// the number of lanes in use and however the draws are split into calls;
// 20,000 draws per lane take the slow path (wedges and tail) some 200
// times, the tail beyond r about 5 times.
TEST(Sampling, ZigguratLanesAreTheScalarStreams) {
  int64_t tail = 0;
  for (bool avx512 : {false, true}) {
    if (!selectZigguratLanesIsa(avx512)) {
      std::printf("ZigguratLanes: no AVX-512 here, generic variant only\n");
      continue;
    }
    for (int count : {1, 5, ZigguratLanes::kLanes}) {
      std::vector<uint64_t> seeds;
      for (int l = 0; l < count; ++l)
        seeds.push_back(mixSeed(42, static_cast<uint64_t>(100 + l)));
      ZigguratLanes lanes(seeds.data(), count);
      std::vector<RandomStream> streams;
      for (uint64_t seed : seeds)
        streams.emplace_back(seed);
      int64_t drawn = 0;
      for (int64_t chunk : {7, 1, 300, 19692}) {
        std::vector<double> out(static_cast<size_t>(count * chunk));
        lanes.next(chunk, out.data(), chunk);
        for (int l = 0; l < count; ++l) {
          ZigguratNormals scalar(streams[l]);
          for (int64_t i = 0; i < chunk; ++i) {
            const double want = scalar.next();
            tail += std::abs(want) > 3.6541528853610088;
            ASSERT_EQ(std::memcmp(&want, &out[l * chunk + i], sizeof(want)), 0)
                << "lane " << l << " of " << count << ", draw " << drawn + i;
          }
        }
        drawn += chunk;
      }
      EXPECT_EQ(drawn, 20000);
    }
  }
  selectZigguratLanesIsa(true);
  EXPECT_GT(tail, 20); // some 73 expected over the 14 lanes
}
