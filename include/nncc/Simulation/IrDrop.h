//===- IrDrop.h - First-order IR drop of a crossbar tile --------*- C++ -*-===//
//
// The simulator's wire model (docs/simulation.md, "IR drop"): each cell's
// effective conductance once the word- and bit-line segments between it,
// its driver and its sense node have taken their share of the voltage.
// Checked against an exact nodal solve (AnalogLayerTest) and against
// ngspice on netlists of compiled arrays (`nncc export spice`,
// test/Tools/spice-crosscheck.test).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_IRDROP_H
#define NNCC_SIMULATION_IRDROP_H

#include <cstdint>
#include <vector>

namespace nncc {

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

} // namespace nncc

#endif // NNCC_SIMULATION_IRDROP_H
