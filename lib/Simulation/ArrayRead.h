//===- ArrayRead.h - Reads of a crossbar's columns --------------*- C++ -*-===//
//
// The simulator's innermost loop: the column currents of one row group for
// a block of drive vectors, and the read noise's variance beside them.
// Each column's sum takes its rows in order, one f32 fused multiply-add
// each (a row no vector drives adds exact zeros, which kernels may skip), so
// the sums are bit-identical whichever kernel, vector width or drive layout
// computes them: each ISA variant only widens the loops.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_SIMULATION_ARRAYREAD_H
#define NNCC_LIB_SIMULATION_ARRAYREAD_H

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nncc {

/// Vectors a row-contiguous drive layout is padded to.
constexpr int64_t kDriveLanes = 16;

/// The drives of `count` vectors on `rows` rows: vector v's drive on row r
/// is data[v * vectorStride + r * rowStride].  Either the vectors of a row
/// are contiguous (`vectorsInLanes`: vectorStride 1, rowStride a multiple of
/// kDriveLanes with zeros past `count`) or the rows of a vector are
/// (rowStride 1).  The flag says which: with one row or one vector both
/// strides can be 1.
struct Drives {
  const float *data;
  int64_t count, rows, vectorStride, rowStride;
  bool vectorsInLanes;

  /// The layout readArrayColumns reads fastest for `count` vectors on
  /// `rows` rows (data unset): vectors in lanes when they fill them (a
  /// convolution's output positions), else each vector's rows contiguous
  /// (a dense layer's one vector per image).
  static Drives fastestFor(int64_t count, int64_t rows) {
    if (count >= kDriveLanes)
      return {nullptr, count, rows, 1,
              (count + kDriveLanes - 1) / kDriveLanes * kDriveLanes, true};
    return {nullptr, count, rows, rows, 1, false};
  }
  /// Floats a buffer in this layout holds.
  int64_t size() const {
    return vectorsInLanes ? rows * rowStride : count * rows;
  }
  /// Rows [first, first + n) of these drives.
  Drives rowRange(int64_t first, int64_t n) const {
    return {data + first * rowStride, count, n,
            vectorStride, rowStride, vectorsInLanes};
  }
};

/// Columns of the padded cell matrices readArrayColumns reads: `cols`
/// rounded up to whole kernel chunks (the padding holds zeros).
int64_t paddedArrayColumns(int64_t cols);

/// A row-major [rows, cols] matrix laid out as readArrayColumns reads it:
/// each row padded with zeros to paddedArrayColumns(cols).
template <typename T>
std::vector<float> padArrayColumns(const T *matrix, int64_t rows,
                                   int64_t cols) {
  const int64_t stride = paddedArrayColumns(cols);
  std::vector<float> padded(static_cast<size_t>(rows * stride), 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    std::copy_n(matrix + r * cols, cols, padded.begin() + r * stride);
  return padded;
}

/// For each vector v: current[v · cols + c] = Σ_r drive_v[r] · cells[r ·
/// stride + c] and, when `squares` is not null, variance[v · cols + c] =
/// Σ_r drive_v[r]² · squares[r · stride + c], for c < cols; stride =
/// paddedArrayColumns(cols).  Sums are fma(drive, cell, sum) over r in
/// order from 0 (drive² rounded to f32 first).
void readArrayColumns(const Drives &drives, const float *cells,
                      const float *squares, int64_t cols, float *current,
                      float *variance);

/// The ISA variants readArrayColumns can run: the widest the CPU supports
/// by default; tests select each one the host can execute to check that
/// they agree bit for bit.
enum class ArrayReadIsa { Generic, Avx2, Avx512 };
/// Makes later readArrayColumns calls use `isa`; false, changing nothing,
/// when the CPU cannot run it.  Not while a read is in flight.
bool selectArrayReadIsa(ArrayReadIsa isa);

/// value[c] = current[c] + sqrt(variance[c]) · sigma · normal[c]: a read's
/// currents with their noise, sigma the cells' relative read noise and
/// `normal` standard normals.
void addReadNoise(const float *current, const float *variance,
                  const double *normal, double sigma, int64_t cols,
                  double *value);

} // namespace nncc

#endif // NNCC_LIB_SIMULATION_ARRAYREAD_H
