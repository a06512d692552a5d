//===- SpiceNetlist.cpp - One array read as a SPICE netlist ---------------===//
#include "nncc/Export/SpiceNetlist.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Simulation/AnalogLayer.h"
#include "nncc/Simulation/IrDrop.h"
#include "nncc/Simulation/Sampling.h"
#include "nncc/Support/Errors.h"
#include "nncc/Target/TargetChip.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace nncc;
using namespace nncc::spice;

namespace {
/// 17 significant digits: the netlist holds the doubles it was written
/// from.
auto number(double value) { return llvm::format("%.17g", value); }
} // namespace

void spice::writeNetlist(const ArrayRead &read, llvm::raw_ostream &os) {
  // SPICE reads the first line as the title, whatever it says.
  os << "* " << read.title << "\n";
  os << "* nncc export spice: one read of one array (nncc/Export/"
        "SpiceNetlist.h)\n";
  const int64_t R = read.rows, C = read.cols;
  // A wire of zero resistance would be a short between two nodes, which
  // SPICE rejects; the nodes are merged instead by giving the segment a
  // resistance far below any cell's.
  const double wire = read.wireOhms > 0 ? read.wireOhms : 1e-9;
  auto wordNode = [](int64_t r, int64_t c) {
    return "w" + std::to_string(r) + "_" + std::to_string(c);
  };
  auto bitNode = [](int64_t r, int64_t c) {
    return "b" + std::to_string(r) + "_" + std::to_string(c);
  };
  for (int64_t r = 0; r < R; ++r) {
    if (read.drive[r] == 0)
      continue;
    os << "* row " << r << ": input digit " << read.drive[r] << "\n";
    os << "vdrive" << r << " d" << r << " 0 dc "
       << number(static_cast<double>(read.drive[r]) * read.stepVolts) << "\n";
    for (int64_t c = 0; c < C; ++c) {
      os << "rw" << r << "_" << c << " " << (c == 0 ? "d" + std::to_string(r)
                                                    : wordNode(r, c - 1))
         << " " << wordNode(r, c) << " " << number(wire) << "\n";
      const double g = read.conductance[r * C + c];
      if (g > 0)
        os << "rc" << r << "_" << c << " " << wordNode(r, c) << " "
           << bitNode(r, c) << " " << number(1 / g) << "\n";
    }
  }
  // Bit lines: a node where a driven row's cell joins; the segments between
  // two such rows (and below the last, down past the array's last row to
  // the sense node) in series as one resistor.
  os << "* bit lines, sensed below the array's last row (row "
     << read.arrayRows - 1 << ")\n";
  for (int64_t c = 0; c < C; ++c) {
    int64_t above = -1;
    for (int64_t r = 0; r < R; ++r) {
      if (read.drive[r] == 0 || !(read.conductance[r * C + c] > 0))
        continue;
      if (above >= 0)
        os << "rb" << above << "_" << c << " " << bitNode(above, c) << " "
           << bitNode(r, c) << " "
           << number(wire * static_cast<double>(r - above)) << "\n";
      above = r;
    }
    if (above >= 0)
      os << "rb" << above << "_" << c << " " << bitNode(above, c) << " s" << c
         << " " << number(wire * static_cast<double>(read.arrayRows - above))
         << "\n";
    os << "vsense" << c << " s" << c << " 0 dc 0\n";
  }
  os << ".control\nop\n";
  for (int64_t c = 0; c < C; ++c)
    os << "print i(vsense" << c << ")\n";
  // Batch mode would otherwise look for analyses outside the control
  // section and, finding none, exit 1.
  os << "quit 0\n.endc\n.end\n";
}

std::vector<double> spice::modelColumnCurrents(const ArrayRead &read,
                                               IrDropModel model) {
  const int64_t R = read.rows, C = read.cols;
  if (model == IrDropModel::Nodal) {
    CrossbarReadSolver solver;
    solver.begin(C, read.arrayRows, read.wireOhms);
    for (int64_t r = 0; r < R; ++r)
      if (read.drive[r] != 0)
        solver.addRow(r, static_cast<double>(read.drive[r]) * read.stepVolts,
                      read.conductance.data() + r * C);
    std::vector<double> current(C);
    solver.solve(current.data());
    return current;
  }
  int64_t driven = 0;
  for (int64_t d : read.drive)
    driven += d != 0;
  // The model's conductances in siemens (unit spacing) for this read's
  // share of driven rows.
  std::vector<float> effective = irDropConductances(
      read.conductance, R, C, read.arrayRows, read.wireOhms, 1.0,
      R > 0 ? static_cast<double>(driven) / static_cast<double>(R) : 0.0);
  std::vector<double> current(C, 0.0);
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c)
      current[c] += static_cast<double>(read.drive[r]) * read.stepVolts *
                    static_cast<double>(effective[r * C + c]);
  return current;
}

llvm::Expected<ArrayRead>
spice::programmedRead(mlir::ModuleOp program, const target::TargetChip &chip,
                      llvm::StringRef layer, int64_t tile,
                      llvm::ArrayRef<int64_t> drive,
                      std::optional<SampledInstance> instance) {
  cim::LayerOp found;
  // The layer's index among the program's layers: the simulator's stream
  // for its cells.
  int64_t layerIndex = 0;
  std::vector<std::string> names;
  program.walk([&](cim::LayerOp op) {
    names.push_back(op.getLayerName().str());
    if (!found && op.getLayerName() == layer) {
      found = op;
      layerIndex = static_cast<int64_t>(names.size()) - 1;
    }
  });
  if (!found)
    return makeError("no layer is named '" + layer +
                     "' (layers: " + llvm::join(names, ", ") + ")");
  if (!found.isPartitioned())
    return makeError("layer '" + layer + "' is not mapped onto arrays");
  std::vector<cim::MVMOp> tiles;
  found.walk([&](cim::MVMOp mvm) { tiles.push_back(mvm); });
  if (tile < 0 || tile >= static_cast<int64_t>(tiles.size()))
    return makeError(llvm::formatv("layer '{0}' has {1} arrays (0..{2}); "
                                   "there is no array {3}",
                                   layer, tiles.size(), tiles.size() - 1,
                                   tile));
  cim::MVMOp mvm = tiles[tile];
  llvm::Expected<ProgrammingModel> model = makeProgrammingModel(chip);
  if (!model)
    return model.takeError();

  ArrayRead read;
  read.rows = mvm.getPhysicalRows();
  read.cols = mvm.getPhysicalColumns();
  read.arrayRows = chip.array.deviceRows();
  read.title = llvm::formatv("layer {0}, array {1} of the layer (chip array "
                             "{2}): {3} x {4} cells of a {5}-row array, "
                             "target {6}",
                             layer, tile, mvm.getArray(), read.rows,
                             read.cols, read.arrayRows, chip.name)
                   .str();
  read.stepVolts = chip.device.readVoltage;
  read.wireOhms = chip.array.wireResistance;
  if (instance) {
    if (instance->index < 0)
      return makeError("the instance number must be >= 0");
    llvm::Expected<AnalogLayer> analog = AnalogLayer::create(found, chip);
    if (!analog)
      return analog.takeError();
    // As the simulator samples instance i's layer l (Simulator.cpp), with
    // every effect of programming on; the cells' conductances in units of
    // the level spacing, g_min included.
    AnalogLayer::Instance sampled;
    analog->sample(sampled,
                   mixSeed(mixSeed(instance->seed,
                                   static_cast<uint64_t>(instance->index)),
                           static_cast<uint64_t>(layerIndex)),
                   EffectSwitches());
    // A cell conducts the sum of its devices.
    for (double units : AnalogLayer::sumDevices(sampled.programmed[tile],
                                                chip.array.devicesPerCell))
      read.conductance.push_back(units * model->levelSpacing);
    read.title += llvm::formatv(", chip instance {0} of seed {1}",
                                instance->index, instance->seed)
                      .str();
  } else {
    llvm::Expected<LayerCellDigits> cells = LayerCellDigits::create(found);
    if (!cells)
      return cells.takeError();
    llvm::Expected<std::vector<uint16_t>> levels = cells->tileLevels(mvm);
    if (!levels)
      return levels.takeError();
    read.conductance.reserve(levels->size());
    for (uint16_t level : *levels)
      read.conductance.push_back(
          static_cast<double>(chip.array.devicesPerCell) *
          model->perLevel[level].conductance);
  }
  if (drive.empty()) {
    read.drive.assign(read.rows, 1);
  } else if (static_cast<int64_t>(drive.size()) != read.rows) {
    return makeError(llvm::formatv("the input has {0} digits; the tile has "
                                   "{1} physical rows (one digit each)",
                                   drive.size(), read.rows));
  } else {
    read.drive.assign(drive.begin(), drive.end());
  }
  // A PWM input is a pulse width, not a voltage: one DC circuit is one time
  // slice, in which each row is driven or not.
  if (chip.periphery.inputEncoding == target::InputEncoding::PWM)
    for (int64_t d : read.drive)
      if (d < -1 || d > 1)
        return makeError(llvm::formatv(
            "target '{0}' drives its rows with pulse widths: a netlist is "
            "one time slice, give digits -1, 0 or 1 (digit {1} given)",
            chip.name, d));
  return read;
}
