//===- DenseNodalSolve.h - Reference solve of a crossbar read ---*- C++ -*-===//
//
// The IR-drop tests' reference: a crossbar read solved by plain nodal
// analysis, every node an unknown, dense Gaussian elimination with partial
// pivoting; slow (cubic in the nodes) but written without any of the
// structure the simulator's models use.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TEST_UNIT_SIMULATION_DENSENODALSOLVE_H
#define NNCC_TEST_UNIT_SIMULATION_DENSENODALSOLVE_H

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace nncc::test {

/// Column currents (amperes) of the R x C top-left cells of an array of
/// `arrayRows` rows: word line r is driven with v[r] volts at its left end
/// and crosses the columns through one wire segment each (driver ->
/// column 0 is the first); bit line c runs down through one segment per
/// row into a virtual ground below the array's last row.  Cell (r, c) of
/// conductance g[r * C + c] (siemens) joins word-line node (r, c) to
/// bit-line node (r, c); a row driven at 0 V has its cells disconnected
/// (access transistors off).  Unknowns: the 2RC node voltages; KCL at each.
inline std::vector<double> denseNodalColumnCurrents(
    int64_t R, int64_t C, const std::vector<double> &g,
    const std::vector<double> &v, double wire, int64_t arrayRows = -1) {
  if (arrayRows < 0)
    arrayRows = R;
  const int64_t n = 2 * R * C;
  const double gw = 1 / wire;
  const double sense = gw / static_cast<double>(arrayRows - R + 1);
  std::vector<double> a(n * n, 0.0), b(n, 0.0);
  auto word = [&](int64_t r, int64_t c) { return r * C + c; };
  auto bit = [&](int64_t r, int64_t c) { return R * C + r * C + c; };
  // Adds conductance `y` between nodes i and j (j < 0: a source of `vj`).
  auto link = [&](int64_t i, int64_t j, double y, double vj = 0) {
    a[i * n + i] += y;
    if (j >= 0) {
      a[j * n + j] += y;
      a[i * n + j] -= y;
      a[j * n + i] -= y;
    } else {
      b[i] += y * vj;
    }
  };
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c) {
      link(word(r, c), c == 0 ? -1 : word(r, c - 1), gw, c == 0 ? v[r] : 0);
      link(bit(r, c), r == R - 1 ? -1 : bit(r + 1, c),
           r == R - 1 ? sense : gw, 0);
      if (g[r * C + c] > 0 && v[r] != 0)
        link(word(r, c), bit(r, c), g[r * C + c]);
    }
  for (int64_t col = 0; col < n; ++col) {
    int64_t pivot = col;
    for (int64_t i = col + 1; i < n; ++i)
      if (std::abs(a[i * n + col]) > std::abs(a[pivot * n + col]))
        pivot = i;
    if (pivot != col) {
      for (int64_t j = 0; j < n; ++j)
        std::swap(a[col * n + j], a[pivot * n + j]);
      std::swap(b[col], b[pivot]);
    }
    for (int64_t i = col + 1; i < n; ++i) {
      double f = a[i * n + col] / a[col * n + col];
      if (f == 0)
        continue;
      for (int64_t j = col; j < n; ++j)
        a[i * n + j] -= f * a[col * n + j];
      b[i] -= f * b[col];
    }
  }
  std::vector<double> x(n);
  for (int64_t i = n - 1; i >= 0; --i) {
    double s = b[i];
    for (int64_t j = i + 1; j < n; ++j)
      s -= a[i * n + j] * x[j];
    x[i] = s / a[i * n + i];
  }
  std::vector<double> current(C);
  for (int64_t c = 0; c < C; ++c)
    current[c] = x[bit(R - 1, c)] * sense;
  return current;
}

} // namespace nncc::test

#endif // NNCC_TEST_UNIT_SIMULATION_DENSENODALSOLVE_H
