//===- ChipPPA.cpp - Chip area, energy and performance --------------------===//
//
// Energy: the execution schedule's per-layer operation amounts (drive,
// convert, shift_add/combine/accumulate, load, sfu, send) times the
// component figures; the cells' read energy from the conductances the
// programming schedule actually writes.  Area: every component the target
// instantiates, whether the mapping uses it or not (a chip is built whole).
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/ChipPPA.h"

#include "nncc/Schedule/BatchTime.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <cmath>

using namespace nncc;
using namespace nncc::ppa;

double ppa::inputActivity(const LayerMapping &layer, double fallback) {
  const std::vector<double> &p = layer.inputBitDensity;
  const int64_t d = layer.dacBits;
  if (p.empty() || d < 1 || d > 30)
    return fallback;
  const int64_t bits = static_cast<int64_t>(p.size());
  const int64_t cycles = (bits + d - 1) / d;
  const double fullScale = static_cast<double>((int64_t{1} << d) - 1);
  double sum = 0;
  for (int64_t j = 0; j < cycles; ++j) {
    double meanDigit = 0;
    for (int64_t b = j * d; b < std::min(bits, (j + 1) * d); ++b)
      meanDigit += p[b] * static_cast<double>(int64_t{1} << (b - j * d));
    sum += meanDigit / fullScale;
  }
  return sum / static_cast<double>(cycles);
}

llvm::StringRef ppa::toString(EnergyComponent c) {
  switch (c) {
  case EnergyComponent::CellReads:
    return "cell reads";
  case EnergyComponent::Drivers:
    return "drivers/DACs";
  case EnergyComponent::Adcs:
    return "ADCs";
  case EnergyComponent::DigitalAdds:
    return "shift-add/accumulate";
  case EnergyComponent::Buffers:
    return "buffers";
  case EnergyComponent::Sfu:
    return "SFU";
  case EnergyComponent::MacArray:
    return "MAC arrays";
  case EnergyComponent::Interconnect:
    return "interconnect";
  case EnergyComponent::Static:
    return "static (leakage)";
  case EnergyComponent::OffChipLinks:
    return "off-chip links";
  }
  return "";
}

llvm::StringRef ppa::toString(EnergyDomain d) {
  switch (d) {
  case EnergyDomain::Analog:
    return "analog";
  case EnergyDomain::Digital:
    return "digital";
  case EnergyDomain::DataMovement:
    return "data movement";
  case EnergyDomain::Static:
    return "static";
  }
  return "";
}

EnergyDomain ppa::domainOf(EnergyComponent c) {
  switch (c) {
  case EnergyComponent::CellReads:
  case EnergyComponent::Drivers:
  case EnergyComponent::Adcs:
    return EnergyDomain::Analog;
  case EnergyComponent::DigitalAdds:
  case EnergyComponent::Sfu:
  case EnergyComponent::MacArray:
    return EnergyDomain::Digital;
  case EnergyComponent::Buffers:
  case EnergyComponent::Interconnect:
    return EnergyDomain::DataMovement;
  case EnergyComponent::Static:
  case EnergyComponent::OffChipLinks:
    return EnergyDomain::Static;
  }
  return EnergyDomain::Static;
}

std::array<double, kNumEnergyDomains>
ppa::energyByDomain(const std::array<double, kNumEnergyComponents> &energyBy) {
  std::array<double, kNumEnergyDomains> sums{};
  for (size_t i = 0; i < kNumEnergyComponents; ++i)
    sums[static_cast<size_t>(domainOf(static_cast<EnergyComponent>(i)))] +=
        energyBy[i];
  return sums;
}

llvm::StringRef ppa::toString(AreaComponent c) {
  switch (c) {
  case AreaComponent::Arrays:
    return "arrays";
  case AreaComponent::Adcs:
    return "ADCs";
  case AreaComponent::Drivers:
    return "drivers/DACs";
  case AreaComponent::ColumnMux:
    return "column mux";
  case AreaComponent::Accumulators:
    return "shift-add/accumulators";
  case AreaComponent::AdderTrees:
    return "adder trees";
  case AreaComponent::WritePeriphery:
    return "write periphery";
  case AreaComponent::Buffers:
    return "core buffers";
  case AreaComponent::Sfu:
    return "SFU";
  case AreaComponent::MacArray:
    return "MAC arrays";
  case AreaComponent::Routers:
    return "routers";
  case AreaComponent::Links:
    return "interconnect wires";
  case AreaComponent::GlobalBuffer:
    return "global buffer";
  case AreaComponent::OffChipLinks:
    return "off-chip links";
  }
  return "";
}

namespace {

double &at(std::array<double, kNumEnergyComponents> &a, EnergyComponent c) {
  return a[static_cast<size_t>(c)];
}
double &at(std::array<double, kNumAreaComponents> &a, AreaComponent c) {
  return a[static_cast<size_t>(c)];
}

void rollUpArea(const target::TargetChip &chip, const ComponentModel &m,
                ChipPPA &r) {
  const double arraysPerCore = static_cast<double>(chip.core.arrays);
  const double adcs = static_cast<double>(m.adcsPerArray);
  std::array<double, kNumAreaComponents> core{};
  at(core, AreaComponent::Arrays) = arraysPerCore * m.arrayArea;
  at(core, AreaComponent::Adcs) =
      arraysPerCore *
      (adcs * m.adcArea +
       static_cast<double>(chip.array.deviceCols()) * m.sampleHoldArea);
  at(core, AreaComponent::Drivers) =
      arraysPerCore * static_cast<double>(chip.array.deviceRows()) *
      m.driverArea;
  at(core, AreaComponent::ColumnMux) = arraysPerCore * m.muxArea;
  at(core, AreaComponent::Accumulators) =
      arraysPerCore *
      (adcs * m.shiftAddArea + m.partialSumArea + m.accumulatorArea);
  at(core, AreaComponent::AdderTrees) = m.adderTreeArea;
  at(core, AreaComponent::WritePeriphery) =
      arraysPerCore * (m.rowWriteArea + m.columnWriteArea);
  at(core, AreaComponent::Buffers) = m.bufferArea;
  at(core, AreaComponent::Sfu) = m.sfuArea;
  at(core, AreaComponent::MacArray) = m.macArrayArea;
  at(core, AreaComponent::Routers) = m.routerArea;
  r.coreArea = 0;
  for (double a : core)
    r.coreArea += a;
  r.cores = chip.chip.cores;
  for (size_t i = 0; i < kNumAreaComponents; ++i)
    r.areaBy[i] = core[i] * static_cast<double>(r.cores);
  at(r.areaBy, AreaComponent::GlobalBuffer) = m.globalBufferArea;
  const target::OffChipLinks &links = chip.chip.offChipLinks;
  at(r.areaBy, AreaComponent::OffChipLinks) =
      static_cast<double>(links.count) * links.area;
  r.area = 0;
  for (double a : r.areaBy)
    r.area += a;
  // The bounding box: each array macro's outline (its periphery strips
  // leave white space beside the cells), the core's digital blocks packed,
  // and a mesh of width x height slots with fewer cores leaves whole slots
  // empty; a bus places cores without slots.
  const double coreBox = r.coreArea + arraysPerCore * (m.arrayMacroBoundingBox -
                                                       m.arrayMacroArea);
  const auto &ic = chip.chip.interconnect;
  r.meshSlots = ic.topology == target::Topology::Mesh
                    ? std::max(ic.width * ic.height, r.cores)
                    : r.cores;

  // Interconnect wires, routed in channels between the cores (assumption;
  // as DNN+NeuroSim counts its H-tree): a mesh link joins neighbouring
  // slots with a flit of wires each way, one core pitch long; a bus runs
  // one flit past every core.  Each floorplan has its own pitch: the placed
  // area packs a core's blocks (the square root of their area), the
  // bounding box spaces the cores by their outlines, so that the wires of
  // neither span white space the other leaves out.
  auto wireArea = [&](double corePitch) {
    if (chip.chip.cores <= 1)
      return 0.0;
    double length;
    if (ic.topology == target::Topology::Mesh) {
      const double w = static_cast<double>(ic.width),
                   h = static_cast<double>(ic.height);
      length = 2 * ((w - 1) * h + w * (h - 1)) * corePitch;
    } else {
      length = static_cast<double>(r.cores) * corePitch;
    }
    return length * m.flitBits * m.wirePitch;
  };
  r.corePitch = std::sqrt(coreBox);
  at(r.areaBy, AreaComponent::Links) = wireArea(std::sqrt(r.coreArea));
  r.area += at(r.areaBy, AreaComponent::Links);
  // The links' transceivers sit at the die's edge, a block of their own.
  r.boundingBoxArea = static_cast<double>(r.meshSlots) * coreBox +
                      m.globalBufferArea + wireArea(r.corePitch) +
                      at(r.areaBy, AreaComponent::OffChipLinks);
  r.boundingBoxOverhead = r.boundingBoxArea - r.area;
}

/// Voltage sensing: the bit-line energy of one input cycle of array `a`,
/// every used column read once per row group of `rowsPerRead` device rows,
/// its selected cells conducting `activity` of their conductance.
double voltageSensingEnergy(const ArrayProgramming &a, int64_t rowsPerRead,
                            double activity, const ComponentModel &m) {
  const std::vector<uint16_t> levels = a.cellLevels();
  const int64_t rows = a.physicalRows, cols = a.physicalCols;
  const int64_t perRead = rowsPerRead > 0 ? rowsPerRead : rows;
  std::vector<double> columnConductance(static_cast<size_t>(cols));
  double energy = 0;
  for (int64_t begin = 0; begin < rows; begin += perRead) {
    std::fill(columnConductance.begin(), columnConductance.end(), 0.0);
    for (int64_t row = begin; row < std::min(rows, begin + perRead); ++row)
      for (int64_t col = 0; col < cols; ++col)
        columnConductance[static_cast<size_t>(col)] +=
            m.cellConductance(levels[static_cast<size_t>(row * cols + col)]);
    for (double g : columnConductance)
      energy += m.bitLineReadEnergy(activity * g);
  }
  return energy;
}

} // namespace

ChipPPA ppa::estimateChipPPA(const target::TargetChip &chip,
                             const ExecutionSchedule &execution,
                             const ProgrammingSchedule &programming,
                             const MappingSummary &mapping, double ops) {
  ChipPPA r;
  r.target = chip.name;
  r.components = buildComponentModel(chip);
  const ComponentModel &m = r.components;
  rollUpArea(chip, m, r);
  r.usedCores = static_cast<int64_t>(programming.cores.size());
  r.usedArea = static_cast<double>(r.usedCores) * r.coreArea +
               m.globalBufferArea;

  // Layers in program order, indexed by name for the arrays.
  llvm::StringMap<size_t> layerIndex;
  for (const StageExecution &s : execution.stages) {
    layerIndex[s.layer] = r.layers.size();
    LayerPPA l;
    l.name = s.layer;
    l.arrays = s.arrays;
    l.replicas = s.replicas;
    l.start = s.start;
    l.time = s.time();
    l.compute = s.compute;
    l.accumulate = s.accumulate;
    l.sfu = s.sfu;
    l.mac = s.mac;
    l.transfer = s.transfer;
    l.buffer = s.buffer;
    l.bound = s.bound().str();
    r.layers.push_back(std::move(l));
  }
  llvm::StringMap<int64_t> cyclesOf, rowsPerReadOf;
  for (LayerPPA &l : r.layers)
    l.inputActivity = m.inputActivity;
  // Device rows one read selects: the layer's rows in parallel (cell rows;
  // a 2T2R pair of rows is read together).
  const int64_t rowsPerCell =
      chip.array.rows > 0 ? chip.array.deviceRows() / chip.array.rows : 1;
  for (const LayerMapping &l : mapping.layers) {
    cyclesOf[l.name] = l.inputCycles;
    rowsPerReadOf[l.name] = l.rowsInParallel > 0
                                ? l.rowsInParallel * rowsPerCell
                                : chip.array.deviceRowsInParallel();
    auto it = layerIndex.find(l.name);
    if (it == layerIndex.end())
      continue;
    LayerPPA &layer = r.layers[it->second];
    layer.inputActivity = inputActivity(l, m.inputActivity);
    layer.inputActivityMeasured = !l.inputBitDensity.empty();
    layer.ops = 2.0 * static_cast<double>(l.groups) *
                static_cast<double>(l.depth) * static_cast<double>(l.columns) *
                static_cast<double>(execution.stages[it->second].vectorsPerCopy) *
                static_cast<double>(l.replicas);
  }

  // Cells: every used cell is read once per input cycle of every vector
  // its array processes, when its row's input bit is 1 (per layer, the
  // fraction measured on the calibration set).
  for (const ArrayProgramming &a : programming.arrays) {
    auto it = layerIndex.find(a.layer);
    if (it == layerIndex.end())
      continue;
    const double reads =
        static_cast<double>(cyclesOf.lookup(a.layer)) *
        static_cast<double>(execution.stages[it->second].vectorsPerCopy);
    LayerPPA &layer = r.layers[it->second];
    double &cellReads = at(layer.energyBy, EnergyComponent::CellReads);
    if (m.voltageSensing && a.cells) {
      // Each read of a row group discharges every used bit line through
      // its selected cells (the mean drive: the input activity of their
      // conductance), and the precharge restores it.
      cellReads += reads * voltageSensingEnergy(
                               a, rowsPerReadOf.lookup(a.layer),
                               layer.inputActivity, m);
      continue;
    }
    double conductance = 0;
    for (size_t d = 0; d < a.cellsPerLevel.size(); ++d)
      conductance += static_cast<double>(a.cellsPerLevel[d]) *
                     m.cellConductance(static_cast<int64_t>(d));
    cellReads += layer.inputActivity * reads * m.cellReadEnergy(conductance);
  }

  // Operations of the execution schedule.
  for (const CoreExecution &core : execution.cores)
    for (const ExecOp &op : core.ops) {
      if (op.layer < 0 || static_cast<size_t>(op.layer) >= r.layers.size())
        continue;
      auto &e = r.layers[op.layer].energyBy;
      const double activity = r.layers[op.layer].inputActivity;
      const double amount = static_cast<double>(op.amount);
      switch (op.kind) {
      case ExecOpKind::Load:
        at(e, EnergyComponent::Buffers) += amount * m.bufferEnergyPerBit;
        break;
      case ExecOpKind::Drive:
        at(e, EnergyComponent::Drivers) += activity * amount * m.driverEnergy;
        break;
      case ExecOpKind::Convert:
        at(e, EnergyComponent::Adcs) +=
            amount * (m.adcEnergy + m.sampleHoldEnergy);
        break;
      case ExecOpKind::ShiftAdd:
        // Without shift-add hardware (one input cycle, one row group) a
        // conversion goes straight to the combining adder.
        if (chip.periphery.shiftAdd)
          at(e, EnergyComponent::DigitalAdds) += amount * m.shiftAddEnergy;
        break;
      case ExecOpKind::Combine:
      case ExecOpKind::Accumulate:
        at(e, EnergyComponent::DigitalAdds) += amount * m.addEnergy;
        break;
      case ExecOpKind::Sfu:
        at(e, EnergyComponent::Sfu) += amount * m.sfuEnergyPerOp;
        break;
      case ExecOpKind::Mac:
        at(e, EnergyComponent::MacArray) += amount * m.macEnergy;
        break;
      case ExecOpKind::Send:
        at(e, EnergyComponent::Interconnect) +=
            amount * static_cast<double>(op.hops) * m.energyPerBitHop;
        break;
      case ExecOpKind::Host:
        r.hostOps += op.amount;
        break;
      case ExecOpKind::Read:
        break;
      }
    }

  // Timing from the execution schedule.  Program groups run one after the
  // other, so a large batch takes the sum of their intervals per inference
  // (reprogramming is reported apart: it amortizes over the batch).
  r.interval = execution.intervalPerInference();

  // Static power: the whole chip leaks while it works, one interval per
  // inference, and its off-chip links draw their power whether or not they
  // carry data (their figure includes their own leakage); each layer is
  // charged for the share of the arrays it holds.
  r.staticPower = chip.costs.staticPower.value_or(
      reference::kLeakagePowerDensity *
      (r.area - at(r.areaBy, AreaComponent::Arrays) -
       at(r.areaBy, AreaComponent::OffChipLinks)));
  const target::OffChipLinks &links = chip.chip.offChipLinks;
  r.offChipLinkPower = static_cast<double>(links.count) * links.power;
  double mappedArrays = 0;
  for (const LayerPPA &l : r.layers)
    mappedArrays += static_cast<double>(l.arrays);
  if (mappedArrays > 0)
    for (LayerPPA &l : r.layers) {
      const double share =
          r.interval * static_cast<double>(l.arrays) / mappedArrays;
      at(l.energyBy, EnergyComponent::Static) = r.staticPower * share;
      at(l.energyBy, EnergyComponent::OffChipLinks) =
          r.offChipLinkPower * share;
    }

  for (LayerPPA &l : r.layers)
    for (size_t i = 0; i < kNumEnergyComponents; ++i) {
      l.energy += l.energyBy[i];
      r.energyBy[i] += l.energyBy[i];
    }
  // Between program groups every spilled bit is written to the global
  // buffer and read back once.
  r.groupSpillEnergy = 2.0 * static_cast<double>(execution.groupSpillBits) *
                       m.globalBufferEnergyPerBit;
  r.energy = r.groupSpillEnergy;
  for (double e : r.energyBy)
    r.energy += e;

  r.ops = ops;
  r.latency = execution.latency;
  r.programGroups = std::max<int64_t>(
      1, static_cast<int64_t>(execution.groups.size()));
  r.programmingTime = programming.time;
  r.reprogrammingPerBatch = programmingPerBatch(execution, programming).time;
  r.programmingEnergy = programming.energy;
  for (double batch : kReportedBatches)
    r.timePerInferenceByBatch.emplace_back(
        batch, timePerInference(execution, programming, batch));
  return r;
}
