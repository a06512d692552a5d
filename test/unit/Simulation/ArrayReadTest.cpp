//===- ArrayReadTest.cpp - The simulator's array-read kernels -------------===//
//
// lib/Simulation/ArrayRead.h promises column sums bit-identical to one f32
// fused multiply-add per row in row order, whichever drive layout (vectors
// in lanes or rows contiguous) and ISA variant computes them.  Checked against
// that scalar definition on shapes with partial lane and column chunks,
// undriven rows, negative (G-) drives and zero cells, bit for bit.
//
//===----------------------------------------------------------------------===//
#include "ArrayRead.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace nncc;

namespace {

struct Case {
  int64_t vectors, rows, cols;
};

/// The definition: f32 fused multiply-adds over rows in order, the squared
/// drive rounded first (volatile keeps the compiler from fusing it).
void reference(const std::vector<float> &drive, const std::vector<float> &g,
               const std::vector<float> &g2, const Case &k, int64_t stride,
               std::vector<float> &current, std::vector<float> &variance) {
  for (int64_t v = 0; v < k.vectors; ++v)
    for (int64_t c = 0; c < k.cols; ++c) {
      float sum = 0, sum2 = 0;
      for (int64_t r = 0; r < k.rows; ++r) {
        const float a = drive[v * k.rows + r];
        volatile float a2 = a * a;
        sum = std::fma(a, g[r * stride + c], sum);
        sum2 = std::fma(static_cast<float>(a2), g2[r * stride + c], sum2);
      }
      current[v * k.cols + c] = sum;
      variance[v * k.cols + c] = sum2;
    }
}

bool bitEqual(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(ArrayRead, EveryLayoutAndIsaSumsRowsInOrder) {
  std::mt19937 rng(3);
  int variants = 0;
  // One row (both strides 1 in the rows-contiguous layout: the layout is
  // the flag's, not the strides').
  for (Case k : {Case{1, 200, 240}, Case{3, 25, 12}, Case{16, 25, 12},
                 Case{37, 150, 33}, Case{100, 7, 5}, Case{5, 1, 3},
                 Case{1, 1, 20}}) {
    const int64_t stride = paddedArrayColumns(k.cols);
    std::vector<float> drive(k.vectors * k.rows), g(k.rows * stride, 0.0f),
        g2(g.size(), 0.0f);
    for (float &a : drive) {
      // Half the drives zero (a ReLU's), some negative (a G- row's), and
      // magnitudes up to 8-bit digits so that f32 sums round.
      const int kind = static_cast<int>(rng() % 4);
      a = kind < 2
              ? 0.0f
              : (kind == 2 ? -1.0f : 1.0f) * static_cast<float>(rng() % 256);
    }
    for (int64_t r = 0; r < k.rows; ++r)
      for (int64_t c = 0; c < k.cols; ++c) {
        const float cell =
            rng() % 8 == 0 ? 0.0f
                           : std::uniform_real_distribution<float>(0, 127)(rng);
        g[r * stride + c] = cell;
        g2[r * stride + c] = cell * cell;
      }
    std::vector<float> wantCurrent(k.vectors * k.cols),
        wantVariance(wantCurrent.size());
    reference(drive, g, g2, k, stride, wantCurrent, wantVariance);

    // The same drives with the vectors of a row contiguous.
    const int64_t lanes =
        (k.vectors + kDriveLanes - 1) / kDriveLanes * kDriveLanes;
    std::vector<float> transposed(k.rows * lanes, 0.0f);
    for (int64_t v = 0; v < k.vectors; ++v)
      for (int64_t r = 0; r < k.rows; ++r)
        transposed[r * lanes + v] = drive[v * k.rows + r];

    for (ArrayReadIsa isa :
         {ArrayReadIsa::Generic, ArrayReadIsa::Avx2, ArrayReadIsa::Avx512}) {
      if (!selectArrayReadIsa(isa))
        continue;
      ++variants;
      for (const Drives &d :
           {Drives{drive.data(), k.vectors, k.rows, k.rows, 1, false},
            Drives{transposed.data(), k.vectors, k.rows, 1, lanes, true}}) {
        std::vector<float> current(wantCurrent.size(), -1.0f),
            variance(wantCurrent.size(), -1.0f);
        readArrayColumns(d, g.data(), g2.data(), k.cols, current.data(),
                         variance.data());
        EXPECT_TRUE(bitEqual(current, wantCurrent))
            << k.vectors << "x" << k.rows << "x" << k.cols << " isa "
            << static_cast<int>(isa) << " vectorStride " << d.vectorStride;
        EXPECT_TRUE(bitEqual(variance, wantVariance));
        // Without read noise only the currents are written.
        std::vector<float> alone(wantCurrent.size(), -1.0f);
        readArrayColumns(d, g.data(), nullptr, k.cols, alone.data(), nullptr);
        EXPECT_TRUE(bitEqual(alone, wantCurrent));
      }
    }
  }
  // Restore the default (the widest variant) for later tests.
  selectArrayReadIsa(ArrayReadIsa::Avx512) ||
      selectArrayReadIsa(ArrayReadIsa::Avx2);
  EXPECT_GE(variants, 5);
}

TEST(ArrayRead, ReadNoiseAddsScaledNormals) {
  const float current[] = {10.0f, -2.0f, 0.0f};
  const float variance[] = {4.0f, 0.25f, -1e-9f}; // f32 round-off below zero
  const double normal[] = {1.0, -2.0, 3.0};
  double value[3];
  addReadNoise(current, variance, normal, 0.5, 3, value);
  EXPECT_DOUBLE_EQ(value[0], 10.0 + 2.0 * 0.5 * 1.0);
  EXPECT_DOUBLE_EQ(value[1], -2.0 + 0.5 * 0.5 * -2.0);
  EXPECT_DOUBLE_EQ(value[2], 0.0);
}

} // namespace
