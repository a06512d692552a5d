//===- IrDrop.h - IR drop of a crossbar tile --------------------*- C++ -*-===//
//
// The simulator's two wire models (docs/simulation.md, "IR drop"):
//
//   first-order  each cell's effective conductance once the word- and
//                bit-line segments between it, its driver and its sense
//                node have taken their share of the voltage, computed once
//                per tile for an average read (fast: reads stay one matrix
//                product);
//   nodal        each read's circuit solved exactly: the driven rows' cells
//                and every wire segment as a resistive network, by block
//                Gauss-Seidel over lines (CrossbarReadSolver).
//
// Both are checked against a dense nodal solve (IrDropTest) and against
// ngspice on netlists of compiled arrays (`nncc export spice`,
// test/Tools/spice-crosscheck.test).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_IRDROP_H
#define NNCC_SIMULATION_IRDROP_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nncc {

/// How the simulator computes IR drop (docs/simulation.md, "IR drop").
enum class IrDropModel { FirstOrder, Nodal };
/// "first-order" or "nodal".
llvm::Expected<IrDropModel> parseIrDropModel(llvm::StringRef name);
llvm::StringRef irDropModelName(IrDropModel model);

/// IR drop of one tile (conductances in units of `spacing` siemens,
/// row-major [rows, cols], in an array of `arrayRows` rows),
/// first order in wire_resistance · g, with every word line driven at the
/// unit input (a static model: the actual drive pattern changes per read).
/// A cell's own current sees its series path exactly, g / (1 + g R_series)
/// with R_series = r_w (c + 1 + R - r); the other cells sharing its wires
/// lower its voltage by r_w times the currents they push through the
/// shared segments:
///   word line r, fed at column 0: segment k carries sum_{c' >= k} g(r, c');
///   bit line c, sensed below row R - 1: segment i (below row i) carries
///   sum_{r' <= i} g(r', c).
/// `rowActivity` is the fraction of the tile's rows driven in a read, which
/// scales the other rows' currents on a bit line.
std::vector<float> irDropConductances(const std::vector<double> &g,
                                      int64_t rows, int64_t cols,
                                      int64_t arrayRows, double wireOhms,
                                      double spacing, double rowActivity);

/// One read of a crossbar solved exactly.  The circuit is the one `nncc
/// export spice` writes (nncc/Export/SpiceNetlist.h): word line r is
/// driven at column 0's side through one wire segment and crosses the
/// columns through one segment each; bit line c runs down one segment per
/// row, past the array's last row, to a virtual-ground sense node; a row
/// that is not driven keeps its cells out of the circuit (1T1R access
/// transistors off).  Kirchhoff's current law at every word- and bit-line
/// node of the driven rows is solved by block Gauss-Seidel: given the bit
/// lines, each word line is a tridiagonal system, solved exactly (Thomas);
/// given the word lines, so is each bit line.  The system is symmetric
/// positive definite, so the iteration converges, and the error shrinks
/// per sweep by about the square of the fraction of the drive the wires
/// drop: a few sweeps for realistic arrays.  Deterministic: a fixed order
/// of operations in double precision.
///
/// Units are the caller's: conductances in siemens and wire in ohms give
/// amperes per volt of drive; conductances in units of Δ and wire in
/// ohms x Δ give currents in Δ x volts.
class CrossbarReadSolver {
public:
  /// Starts a read of `cols` columns of an array of `arrayRows` rows with
  /// `wireOhms` per wire segment (0: ideal wires).
  void begin(int64_t cols, int64_t arrayRows, double wireOhms);
  /// Adds a driven row: its row of the array (rows in increasing order,
  /// below `arrayRows`), its drive voltage and its `cols` cells'
  /// conductances.
  void addRow(int64_t arrayRow, double volts, const float *cells);
  void addRow(int64_t arrayRow, double volts, const double *cells);
  /// The current into each column's sense node, `cols` values.
  void solve(double *current);
  /// Gauss-Seidel sweeps the last solve took.
  int64_t sweeps() const { return lastSweeps; }

  /// Sweeps after which a solve stops even if the bit-line voltages still
  /// change by more than kTolerance of their largest (only for wires that
  /// drop most of the drive, where no IR-drop model is meaningful).
  static constexpr int64_t kMaxSweeps = 1000;
  static constexpr double kTolerance = 1e-9;

private:
  /// solve(), returning the sweeps; compiled for each vector ISA (the
  /// same bits on each: no reduction is reordered, nothing contracted).
  int64_t solveLines(double *current);

  int64_t cols = 0, arrayRows = 0;
  double wire = 0;
  std::vector<int64_t> rows;
  std::vector<double> volts;
  /// Per node of the driven rows: conductances, word- and bit-line
  /// voltages, each line's Thomas factors (inverse pivots and upper
  /// coefficients over the pivots: fixed for the read, so factored once)
  /// and the forward sweep's values; [rows, cols], or [cols, rows] where
  /// suffixed T and for the word lines' factors (solve() says why).
  std::vector<double> g, gT, word, wordT, bit, bitT, wordInverse, wordUpper,
      bitInverse, bitUpper, forward;
  /// Per driven row: the conductance of the bit-line wire from it down to
  /// the next driven row, or for the last to the sense node.
  std::vector<double> link;
  int64_t lastSweeps = 0;
};

} // namespace nncc

#endif // NNCC_SIMULATION_IRDROP_H
