//===- IrDropTest.cpp - The nodal IR-drop solve against its references ----===//
//
// CrossbarReadSolver (nncc/Simulation/IrDrop.h) against the closed form of a
// single conducting cell and against a dense nodal solve of the same
// circuit (DenseNodalSolve.h) on random arrays, reads and wires: undriven
// rows, negative drives, cells that do not conduct, tiles shorter than
// their array, and wires that drop a large share of the drive.
//
//===----------------------------------------------------------------------===//
#include "nncc/Simulation/IrDrop.h"

#include "DenseNodalSolve.h"

#include "gtest/gtest.h"

#include <random>

using namespace nncc;

namespace {

/// The solver's currents for a read of the R x C cells `g` (row-major)
/// driven with v (0: not driven) in an array of `arrayRows` rows.
std::vector<double> solved(CrossbarReadSolver &solver, int64_t R, int64_t C,
                           int64_t arrayRows, const std::vector<double> &g,
                           const std::vector<double> &v, double wire) {
  solver.begin(C, arrayRows, wire);
  for (int64_t r = 0; r < R; ++r)
    if (v[r] != 0)
      solver.addRow(r, v[r], g.data() + r * C);
  std::vector<double> current(C);
  solver.solve(current.data());
  return current;
}

// One conducting cell: I = V / (1/g + (c + 1 + A - r) R_wire) exactly, for
// the cell at every position of a 6 x 5 tile in a 9-row array.
TEST(CrossbarReadSolver, SingleCellIsItsSeriesPath) {
  constexpr int64_t R = 6, C = 5, A = 9;
  const double g = 1e-4, wire = 100, volts = 0.3;
  CrossbarReadSolver solver;
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c) {
      std::vector<double> cells(R * C, 0.0), v(R, volts);
      cells[r * C + c] = g;
      std::vector<double> current = solved(solver, R, C, A, cells, v, wire);
      const double series =
          volts / (1 / g + static_cast<double>(c + 1 + A - r) * wire);
      for (int64_t col = 0; col < C; ++col)
        ASSERT_NEAR(current[col], col == c ? series : 0, 1e-12 * series)
            << "cell (" << r << ", " << c << ")";
    }
}

// Random reads against the dense solve, to 1e-9 of the largest current,
// with up to 30 % of the drive dropped on the wires.
TEST(CrossbarReadSolver, MatchesTheDenseNodalSolve) {
  std::mt19937_64 rng(18);
  std::uniform_real_distribution<double> uniform(0, 1);
  CrossbarReadSolver solver;
  for (int trial = 0; trial < 40; ++trial) {
    const int64_t R = 1 + static_cast<int64_t>(uniform(rng) * 14);
    const int64_t C = 1 + static_cast<int64_t>(uniform(rng) * 11);
    const int64_t A = R + static_cast<int64_t>(uniform(rng) * 6);
    // g R_wire from 1e-5 to 1e-2 per segment.
    const double wire = std::pow(10.0, -1 - 3 * uniform(rng)) / 1e-4;
    std::vector<double> g(R * C), v(R);
    for (double &x : g)
      x = uniform(rng) < 0.2 ? 0.0 : 1e-4 * uniform(rng);
    for (double &x : v) {
      const double u = uniform(rng);
      x = u < 0.3 ? 0.0 : (u < 0.45 ? -0.2 : 0.2 * std::round(4 * u));
    }
    std::vector<double> exact =
        test::denseNodalColumnCurrents(R, C, g, v, wire, A);
    std::vector<double> current = solved(solver, R, C, A, g, v, wire);
    double largest = 0;
    for (double x : exact)
      largest = std::max(largest, std::abs(x));
    for (int64_t c = 0; c < C; ++c)
      ASSERT_NEAR(current[c], exact[c], 1e-9 * largest + 1e-300)
          << "trial " << trial << " (" << R << " x " << C << " of " << A
          << " rows, " << wire << " ohm), column " << c;
    EXPECT_LT(solver.sweeps(), 200) << "trial " << trial;
  }
}

// Ideal wires: the currents are the drives times the conductances, summed.
TEST(CrossbarReadSolver, IdealWiresSumTheCells) {
  const std::vector<double> g = {1, 2, 3, 4, 5, 6}, v = {0.5, -1};
  CrossbarReadSolver solver;
  std::vector<double> current = solved(solver, 2, 3, 4, g, v, 0);
  EXPECT_EQ(current, (std::vector<double>{0.5 - 4, 1 - 5, 1.5 - 6}));
  EXPECT_EQ(solver.sweeps(), 0);
}

// A read with no driven row, or of cells that all are off, carries nothing.
TEST(CrossbarReadSolver, NothingDrivenNothingSensed) {
  CrossbarReadSolver solver;
  std::vector<double> g(6, 0.0), current(3, 1.0);
  solver.begin(3, 4, 10);
  solver.solve(current.data());
  EXPECT_EQ(current, std::vector<double>(3, 0.0));
  solver.addRow(1, 0.2, g.data());
  solver.solve(current.data());
  EXPECT_EQ(current, std::vector<double>(3, 0.0));
}

// Thin wires, every row driven: the first-order model (irDropConductances)
// is the nodal solution to first order in r_w g, so the two models' drops
// agree up to their relative square.
TEST(CrossbarReadSolver, AgreesWithTheFirstOrderModelForThinDrops) {
  constexpr int64_t R = 10, C = 7, A = 16;
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(0.1, 1);
  std::vector<double> g(R * C);
  for (double &x : g)
    x = uniform(rng);
  const double wire = 1e-5; // g r_w ~ 1e-5: drops ~1e-3
  std::vector<float> effective =
      irDropConductances(g, R, C, A, wire, 1.0, 1.0);
  CrossbarReadSolver solver;
  std::vector<double> current =
      solved(solver, R, C, A, g, std::vector<double>(R, 1.0), wire);
  for (int64_t c = 0; c < C; ++c) {
    double ideal = 0, firstOrder = 0;
    for (int64_t r = 0; r < R; ++r) {
      ideal += g[r * C + c];
      firstOrder += effective[r * C + c];
    }
    // The drops agree to their relative square (~1e-3) and float rounding.
    EXPECT_NEAR((ideal - firstOrder) / (ideal - current[c]), 1.0, 5e-3)
        << "column " << c;
  }
}

} // namespace
