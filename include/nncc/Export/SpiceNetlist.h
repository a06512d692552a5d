//===- SpiceNetlist.h - One array read as a SPICE netlist -------*- C++ -*-===//
//
// `nncc export spice`: the circuit of one read of one programmed array, for a
// circuit simulator (ngspice) to check the simulator's array model against
// (docs/simulation.md, "Against a circuit simulator").  The circuit:
//
//   - every cell of the tile on a driven row is a resistor of its programmed
//     conductance from its word-line node to its bit-line node (1T1R: a row
//     whose input digit is 0 keeps its access transistors off, so its cells
//     are out of the circuit, as in the simulator);
//   - word line r is driven at column 0's side by a voltage source of
//     drive_r x stepVolts through one wire segment, and each further column
//     adds one segment of wire_resistance;
//   - bit line c runs from row 0 down past the array's last row to its sense
//     node, one segment per row (the segments between two driven rows, and
//     those below the last, lumped into one resistor each: no current joins
//     there), and the sense node is a virtual ground: a 0 V source whose
//     current is the column current;
//   - columns the tile does not use are not sensed: their bit lines float,
//     so their cells carry no current and are left out.
//
// The same read through either of nncc's IR-drop models
// (nncc/Simulation/IrDrop.h) gives modelColumnCurrents, to compare with the
// circuit's.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_EXPORT_SPICENETLIST_H
#define NNCC_EXPORT_SPICENETLIST_H

#include "nncc/Simulation/IrDrop.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nncc {
namespace target {
struct TargetChip;
} // namespace target
namespace spice {

/// One read of one programmed tile.
struct ArrayRead {
  /// The netlist's title line.
  std::string title;
  /// Rows of the whole array (the bit lines run past the tile to them).
  int64_t arrayRows = 0;
  /// The tile's physical rows and columns (its top-left corner of the
  /// array).
  int64_t rows = 0, cols = 0;
  /// Each cell's conductance, siemens, [rows, cols].
  std::vector<double> conductance;
  /// Each row's input digit (0: not driven; negative: driven below ground,
  /// as a differential-rows G- row is).
  std::vector<int64_t> drive;
  /// Volts per input digit step, and ohms per wire segment.
  double stepVolts = 0, wireOhms = 0;
};

/// A chip instance of `nncc simulate`: instance `index` of a simulation
/// with seed `seed`.
struct SampledInstance {
  uint64_t seed = 1;
  int64_t index = 0;
};

/// Tile `tile` (in program order, from 0) of layer `layer` of a compiled
/// program as programmed for `chip`: each cell at its target level's
/// conductance (g_min + level x spacing), or with `instance`, at the
/// conductance that instance of `nncc simulate` samples for it right after
/// programming (programming error, variation, stuck cells; the same
/// streams, so the same numbers); driven by `drive` (one input digit per
/// physical row of the tile; empty: every row at 1) at the chip's read
/// voltage per digit step (pulse-width inputs: one time slice, digits -1,
/// 0 or 1).
llvm::Expected<ArrayRead>
programmedRead(mlir::ModuleOp program, const target::TargetChip &chip,
               llvm::StringRef layer, int64_t tile,
               llvm::ArrayRef<int64_t> drive,
               std::optional<SampledInstance> instance = std::nullopt);

/// Writes `read` as an ngspice netlist (`ngspice -b`): an operating-point
/// analysis that prints each sensed column's current as
/// `i(vsense<c>) = <amperes>`, current into the sense node positive.
void writeNetlist(const ArrayRead &read, llvm::raw_ostream &os);

/// The column currents (amperes) nncc's array model gives for `read` with
/// the simulator's IR-drop model `model`: first-order, the IR-drop
/// conductances of the tile's cells with the read's fraction of driven
/// rows as the row activity, times the drives; nodal, the read's circuit
/// solved (CrossbarReadSolver).
std::vector<double> modelColumnCurrents(const ArrayRead &read,
                                        IrDropModel model);

} // namespace spice
} // namespace nncc

#endif // NNCC_EXPORT_SPICENETLIST_H
