//===- Components.cpp - Area and energy of one chip's components ----------===//
//
// Each figure is a reference constant (nncc/PPA/Components.h, sources in
// docs/ppa-model.md) scaled to the target's node and supply, or the
// target's `costs.*` override.  Digital blocks are sized in gate
// equivalents (GE, one NAND2) so that one area and one switching energy
// per GE carry all of them to any node.
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/Components.h"

#include "nncc/Target/TargetSummary.h"

#include <algorithm>
#include <cmath>
#include <iterator>

using namespace nncc;
using namespace nncc::ppa;
using target::AdcType;
using target::CellType;
using target::DeviceKind;

namespace {

// Sizes in gate equivalents (assumptions, docs/ppa-model.md "Digital
// blocks"): a mirror full adder has 28 transistors (7 NAND2), a D flip-flop
// ~5 GE, a word-line driver an inverter chain plus its decoder gate, a
// latch-type sense amplifier ~10 GE, a column-mux transmission gate 1 GE.
constexpr double kFullAdderGE = 7, kFlipFlopGE = 5, kDriverGE = 4,
                 kSenseAmpGE = 10, kMuxGE = 1;
// Write switch matrices (after NeuroSim's NewSwitchMatrix / SwitchMatrix):
// per word line 4 transmission gates and the flip-flop that holds its
// select bit, per bit line 2 gates and a flip-flop.
constexpr double kRowWriteSwitchGE = 4 * kMuxGE + kFlipFlopGE,
                 kColumnWriteSwitchGE = 2 * kMuxGE + kFlipFlopGE;
// A bit line's precharge device: one PMOS and its share of the enable
// line, switched once per read (assumption: 1 GE).
constexpr double kPrechargeGE = 1;
// CCO converter (assumptions, docs/ppa-model.md "ADC"): a ring of five
// current-starved inverter stages, each switching once per oscillator cycle
// (1 GE per stage), drives a ripple counter whose flip-flops toggle twice
// per count in all (1 + 1/2 + 1/4 + ...); the code is latched once per
// conversion (a flip-flop per bit).  Signed column sums put the oscillator
// at mid-scale on average: 2^(bits - 1) cycles per conversion.
constexpr double kCcoRingStages = 5, kCcoCounterTogglesPerCount = 2,
                 kCcoMeanCountFraction = 0.5;
// Router: 5 ports, 4-flit input buffers of flip-flops, a 5x5 crossbar of
// one GE per crosspoint bit (assumption).
constexpr double kRouterPorts = 5, kRouterBufferDepth = 4;
// SFU lanes are 16-bit add/compare units.
constexpr double kSfuLaneBits = 16;
// A MAC unit of the MAC array (assumption: an array multiplier and an
// accumulating adder): b x b partial-product AND gates (AND2_X1 = 1.064
// um^2 = 1.33 GE in the Nangate 45 nm library) summed by b (b - 1) full
// adders, then added into a (2 b + 8)-bit accumulator register (products
// of up to 256-term dot products without overflow; longer ones are
// assumed split).  At 8 bits and 45 nm this gives 0.21 pJ per multiply,
// Horowitz's (ISSCC 2014) figure for an 8-bit multiply is 0.2 pJ.
constexpr double kAnd2GE = 1.064 / 0.798, kMacGuardBits = 8;

/// Default cell footprints in F^2 when `costs.cell_area_f2` is absent.
double defaultCellAreaF2(const target::TargetChip &chip) {
  switch (chip.array.cell) {
  case CellType::R1:
    return 4; // [002] passive crossbar, the 4F^2 minimum
  case CellType::T1R1:
    return 48; // [ext:DNN-NS1.4] 1T1R 4F x 12F
  case CellType::T2R2:
    return 96; // two 1T1R cells
  case CellType::T1:
    // [003] Table I: flash 5F^2, FeFET 24F^2.
    return chip.device.kind == DeviceKind::Flash ? 5 : 24;
  // SRAM cells are planar figures, drawn at the node's pitches.
  case CellType::SRAM6T:
    // seed-notes-000-003-004 0.3: 0.152 um^2 ~ 150F^2
    return 150 * ppa::layoutAreaFactor(chip.technology.node);
  case CellType::SRAM8T:
    // [001] 100-200F^2 for 6T/8T; the 8T read port at the top
    return 200 * ppa::layoutAreaFactor(chip.technology.node);
  }
  return 48;
}

/// Default cell width over height (along the word line / the bit line)
/// when `costs.cell_aspect_ratio` is absent.
double defaultCellAspectRatio(const target::TargetChip &chip) {
  switch (chip.array.cell) {
  case CellType::T1R1:
    return 3; // [ext:DNN-NS1.4] Param.cpp: 1T1R 12F wide x 4F tall
  case CellType::T2R2:
    // Two 1T1R cells side by side on their two bit lines, or stacked on
    // their two word lines.
    return chip.array.signedWeights ==
                   target::SignedWeightScheme::DifferentialRows
               ? 1.5
               : 6;
  case CellType::SRAM6T:
  case CellType::SRAM8T:
    return 2.8; // [ext:DNN-NS1.4] Param.cpp: SRAM 28F wide x 10F tall
  case CellType::R1:
  case CellType::T1:
    return 1; // a cross-point or a single transistor: square (assumption)
  }
  return 1;
}

/// SAR energy and area relative to other converter types at equal bits
/// (assumptions, docs/ppa-model.md "ADC"): a flash converter fires 2^b - 1
/// comparators per conversion and holds them (x2 energy, x2 area); an
/// integrating converter is one comparator and a b-bit counter sharing a
/// ramp (x1 energy, x0.5 area); a CCO converter is an oscillator and a
/// b-bit counter, no capacitive DAC (x0.5 area; its energy is modelled
/// from its count, buildComponentModel).
double adcEnergyFactor(AdcType type) {
  return type == AdcType::Flash ? 2.0 : 1.0;
}
double adcAreaFactor(AdcType type) {
  switch (type) {
  case AdcType::SAR:
  case AdcType::CurrentSense: // not a scaled SAR; see buildComponentModel
    return 1.0;
  case AdcType::Flash:
    return 2.0;
  case AdcType::Integrating:
  case AdcType::CCO:
    return 0.5;
  }
  return 1.0;
}

/// Drain junction capacitance of a cell's 1F-wide access transistor at
/// node `f` and supply `vdd` (reference::kJunction*: DNN+NeuroSim V1.4's
/// bulk model).  A 1R cross-point has no access transistor.
double cellJunctionCapacitance(const target::TargetChip &chip) {
  if (chip.array.cell == CellType::R1)
    return 0;
  using namespace reference;
  const double f = chip.technology.node;
  const double bias = 1 + chip.technology.vdd / kJunctionBuiltInPotential;
  return kJunctionBottomF2 * f * f * kJunctionCapPerM2 /
             std::pow(bias, kJunctionBottomGrading) +
         (kJunctionSidewallF * kJunctionSidewallPerM +
          kJunctionGateEdgeF * kJunctionGateEdgePerM) *
             f / std::pow(bias, kJunctionSidewallGrading);
}

/// Horowitz's SRAM read energy per bit at `bytes` (45 nm, 0.9 V): 0.156 pJ
/// at 8 KB, growing with the square root of the size (8 KB 10 pJ, 32 KB
/// 20 pJ, 1 MB ~100 pJ per 64 bits); never below the 8 KB figure.
double sramEnergyPerBit(double bytes) {
  return reference::kSramReadEnergyPerBit8KB *
         std::sqrt(std::max(bytes, 8192.0) / 8192.0);
}

// A register file stores each bit in a flip-flop and reads a word through
// a tree of 2:1 multiplexers (1 GE per bit and level, one leaf per stored
// bit), words of 64 bits like Horowitz's SRAM accesses (assumption).
constexpr double kRegisterFileWordBits = 64;

struct BufferFigures {
  double area = 0, energyPerBit = 0;
};

/// Area and read energy per bit of a buffer of `bytes`.
BufferFigures bufferFigures(target::MemoryKind kind, double bytes,
                            double logicF2, double geArea, double geEnergy,
                            double sramEnergyScale) {
  const double bits = bytes * 8;
  if (kind == target::MemoryKind::RegisterFile) {
    const double levels = std::max(
        1.0, std::ceil(std::log2(std::max(bits / kRegisterFileWordBits, 1.0))));
    return {bits * (kFlipFlopGE + kMuxGE) * geArea, levels * kMuxGE * geEnergy};
  }
  return {bits * reference::kSramBitF2 * logicF2 /
              reference::kSramArrayEfficiency,
          sramEnergyPerBit(bytes) * sramEnergyScale};
}

} // namespace

double ppa::gateCapacitance(double f) {
  using namespace reference;
  constexpr size_t n = std::size(kGateCapNodes);
  double perWidth = kGateCapPerM[n - 1];
  if (f <= kGateCapNodes[0]) {
    perWidth = kGateCapPerM[0];
  } else {
    for (size_t i = 1; i < n; ++i)
      if (f <= kGateCapNodes[i]) {
        perWidth = logLogBetween(f, kGateCapNodes[i - 1], kGateCapPerM[i - 1],
                                 kGateCapNodes[i], kGateCapPerM[i]);
        break;
      }
  }
  return perWidth * f;
}

int64_t ppa::wordLineGates(const target::TargetChip &chip) {
  int64_t gates = 0;
  switch (chip.array.cell) {
  case CellType::R1:
    gates = 0;
    break;
  case CellType::T1R1:
  case CellType::T1:
  case CellType::SRAM8T:
    gates = 1;
    break;
  case CellType::T2R2:
    gates =
        chip.array.signedWeights == target::SignedWeightScheme::DifferentialRows
            ? 1
            : 2;
    break;
  case CellType::SRAM6T:
    gates = 2;
    break;
  }
  return gates * chip.array.devicesPerCell;
}

ComponentModel ppa::buildComponentModel(const target::TargetChip &chip) {
  ComponentModel m;
  const double f = chip.technology.node;
  m.tech = {f, chip.technology.vdd};
  const double f2 = f * f;
  // Logic and SRAM bit cells are drawn at the node's pitches (the layout
  // factor); an array cell's footprint is the target's, in F^2 of its node.
  const double logicF2 = m.tech.logicF2();
  const double geArea = reference::kGateEquivalentF2 * logicF2;
  // One GE switching: a full-adder bit (Horowitz) over its 7 GE.
  const double geEnergy =
      reference::kAddEnergyPerBit / kFullAdderGE *
      m.tech.energy(reference::kHorowitzNode, reference::kHorowitzVdd);

  // Array and wires.  The devices of a cell (array.devices_per_cell) sit
  // side by side along its word line, each position as wide as a cell of
  // one device: the cell grows in width, not in height.
  m.devicesPerCell = static_cast<double>(chip.array.devicesPerCell);
  const double positionF2 =
      chip.costs.cellAreaF2.value_or(defaultCellAreaF2(chip));
  const double positionArea = positionF2 * f2;
  const double positionAspect =
      chip.costs.cellAspectRatio.value_or(defaultCellAspectRatio(chip));
  m.cellAreaF2 = m.devicesPerCell * positionF2;
  m.cellArea = m.devicesPerCell * positionArea;
  m.cellAspectRatio = m.devicesPerCell * positionAspect;
  m.cellWidth = m.devicesPerCell * std::sqrt(positionArea * positionAspect);
  m.cellHeight = std::sqrt(positionArea / positionAspect);
  const int64_t rows = chip.array.rows, cols = chip.array.cols;
  m.arrayWidth = static_cast<double>(cols) * m.cellWidth;
  m.arrayHeight = static_cast<double>(rows) * m.cellHeight;
  m.arrayArea = static_cast<double>(rows * cols) * m.cellArea;
  // A segment joins neighbouring devices (two per 2T2R cell on its pair's
  // side), as the simulator's IR-drop model counts them.
  m.rowResistance = chip.array.wireResistance *
                    static_cast<double>(chip.array.deviceCols());
  m.colResistance = chip.array.wireResistance *
                    static_cast<double>(chip.array.deviceRows());
  m.rowCapacitance = reference::kWireCapacitancePerM * m.arrayWidth;
  m.rowGateCapacitance =
      static_cast<double>(wordLineGates(chip) * cols) * gateCapacitance(f);
  // A bit line: its wire and the drain junction of every access transistor
  // on it.
  m.cellJunctionCapacitance = m.devicesPerCell * cellJunctionCapacitance(chip);
  m.colCapacitance = reference::kWireCapacitancePerM * m.arrayHeight +
                     m.cellJunctionCapacitance *
                         static_cast<double>(chip.array.deviceRows());
  m.wireDelay = 0.38 * std::max(m.rowResistance *
                                    (m.rowCapacitance + m.rowGateCapacitance),
                                m.colResistance * m.colCapacitance);
  m.readVoltage = chip.device.readVoltage;
  m.readPulse = chip.device.readPulse;
  // The column current flows for the read pulse into an integrating
  // converter, but only while a current-sense converter resolves it (within
  // the read pulse when the target puts its sensing there: adc_latency 0).
  // A voltage-mode bit line is discharged for the read pulse.
  m.voltageSensing =
      chip.periphery.readCircuit == target::ReadCircuit::Voltage;
  const bool currentSense = chip.periphery.adcType == AdcType::CurrentSense;
  const double senseTime = target::conversionTime(chip);
  m.cellCurrentTime = chip.costs.cellCurrentTime.value_or(
      currentSense && !m.voltageSensing && senseTime > 0 ? senseTime
                                                         : m.readPulse);
  m.gMin = chip.device.gMin;
  m.gMax = chip.device.gMax;
  m.levels = chip.device.levels;
  m.inputActivity = reference::kInputActivity;

  // Converters: one per columns_per_adc bit lines (a 2T2R cell has two);
  // sense amplifiers replace them when the target reads columns as binary.
  const auto &p = chip.periphery;
  m.adcsPerArray = target::adcsPerArray(chip);
  const double adcSteps = std::ldexp(1.0, static_cast<int>(p.adcBits));
  if (p.senseAmplifiers) {
    m.adcEnergy = chip.costs.adcEnergy.value_or(kSenseAmpGE * geEnergy);
    m.adcArea = chip.costs.adcArea.value_or(kSenseAmpGE * geArea);
  } else if (currentSense) {
    // One latch comparator per reference level, all firing each conversion
    // (at 22 nm, 4 bits: 26 fJ and 29 um^2, where NeuroSim's fitted
    // MultilevelSenseAmp + encoder gives 22-29 fJ and 29 um^2).
    const double comparators = adcSteps - 1;
    m.adcEnergy =
        chip.costs.adcEnergy.value_or(comparators * kSenseAmpGE * geEnergy);
    m.adcArea = chip.costs.adcArea.value_or(comparators * kSenseAmpGE * geArea);
  } else if (p.adcType == AdcType::CCO) {
    // The oscillator runs for the read pulse and the counter counts its
    // cycles: energy per cycle (ring and counter) x the mean count, and the
    // code latched.  Gate-equivalent figures carry it to any node.
    const double counts = kCcoMeanCountFraction * adcSteps;
    const double perCount =
        kCcoRingStages + kCcoCounterTogglesPerCount * kFlipFlopGE;
    m.adcEnergy = chip.costs.adcEnergy.value_or(
        (counts * perCount + static_cast<double>(p.adcBits) * kFlipFlopGE) *
        geEnergy);
    m.adcArea = chip.costs.adcArea.value_or(
        reference::kAdcArea8b * adcSteps / 256.0 * adcAreaFactor(p.adcType) *
        m.tech.area(reference::kAdcNode));
  } else {
    m.adcEnergy = chip.costs.adcEnergy.value_or(
        reference::kAdcWaldenFoM * adcSteps * adcEnergyFactor(p.adcType) *
        m.tech.energy(reference::kAdcNode, reference::kAdcVdd));
    m.adcArea = chip.costs.adcArea.value_or(
        reference::kAdcArea8b * adcSteps / 256.0 * adcAreaFactor(p.adcType) *
        m.tech.area(reference::kAdcNode));
  }
  if (p.sampleAndHold) {
    m.sampleHoldEnergy = reference::kSampleHoldEnergy *
                         m.tech.energy(reference::kAdcNode, reference::kAdcVdd);
    m.sampleHoldArea =
        reference::kSampleHoldArea * m.tech.area(reference::kAdcNode);
  }
  m.senseAmpEnergy = kSenseAmpGE * geEnergy;
  m.senseAmpArea = kSenseAmpGE * geArea;
  m.muxArea = p.columnsPerAdc > 1
                  ? kMuxGE * geArea *
                        static_cast<double>(chip.array.deviceCols())
                  : 0.0;

  // Word-line drivers / DACs: a multi-bit DAC has 2^dac_bits unit elements
  // where a 1-bit driver has one.  Energy per driven row and input cycle:
  // the lines it charges plus the driver's gates.
  const double dacUnits =
      std::ldexp(1.0, static_cast<int>(std::max<int64_t>(p.dacBits, 1) - 1));
  m.driverArea = kDriverGE * dacUnits * geArea;
  const double wordLine = m.rowCapacitance + m.rowGateCapacitance;
  const double vdd = chip.technology.vdd, vRead = m.readVoltage;
  double lines = 0;
  switch (chip.array.cell) {
  case CellType::R1:
  case CellType::T1:
    // The input line itself, at the read voltage: a wire, with a 1T cell's
    // storage transistor gates on it.
    lines = ComponentModel::lineChargeEnergy(wordLine, vRead, vRead);
    break;
  case CellType::T1R1:
  case CellType::T2R2:
    // The word line, wire and access gates, switched to the supply (NeuroSim
    // SubArray.cpp charges its WL at vdd^2), and the line of wire that
    // carries the read voltage.
    lines = ComponentModel::lineChargeEnergy(wordLine, vdd, vdd) +
            ComponentModel::lineChargeEnergy(m.rowCapacitance, vRead, vRead);
    break;
  case CellType::SRAM6T:
  case CellType::SRAM8T:
    // The word line is the input: wire and access gates to the supply.
    lines = ComponentModel::lineChargeEnergy(wordLine, vdd, vdd);
    break;
  }
  m.driverEnergy =
      chip.costs.dacEnergy.value_or(lines + kDriverGE * dacUnits * geEnergy);
  m.prechargeEnergy = m.voltageSensing ? kPrechargeGE * geEnergy : 0.0;

  // Combining and accumulating adders hold a full-precision partial sum,
  // 1 + ceil(log2 rows) + weight bits + input bits (target::accumulatorBits).
  m.accumulatorBits = target::accumulatorBits(chip);
  const double accBits = static_cast<double>(m.accumulatorBits);
  // One add: the adder bits switch and the register is written.
  m.addEnergy = accBits * (kFullAdderGE + kFlipFlopGE) * geEnergy;
  // A column's shift-and-add holds at most (2^adc - 1)(2^in - 1) x reads
  // per cycle (row groups x phases), before weights and slices are
  // combined.  Running sums per weight hold the result itself, so adders
  // and registers are accumulator-wide, one register per weight column,
  // and they also take the other arrays' partial sums: no separate
  // combining adder and result register.
  const bool perWeight = p.runningSums == target::RunningSums::Weight;
  m.shiftAddBits =
      perWeight ? m.accumulatorBits
                : p.adcBits + p.inputBits +
                      static_cast<int64_t>(std::ceil(std::log2(
                          static_cast<double>(chip.array.readsPerCycle()))));
  const double shiftAddBits = static_cast<double>(m.shiftAddBits);
  m.shiftAddEnergy = shiftAddBits * (kFullAdderGE + kFlipFlopGE) * geEnergy;
  m.shiftAddArea = p.shiftAdd ? shiftAddBits * kFullAdderGE * geArea : 0.0;
  const double runningSums =
      perWeight ? static_cast<double>(
                      target::computeFigures(chip, chip.array.weightBits)
                          .weightColumnsPerArray)
                : static_cast<double>(chip.array.deviceCols());
  m.partialSumArea =
      p.shiftAdd ? runningSums * shiftAddBits * kFlipFlopGE * geArea : 0.0;
  m.accumulatorArea = perWeight
                          ? 0.0
                          : static_cast<double>(m.adcsPerArray) * accBits *
                                (kFullAdderGE + kFlipFlopGE) * geArea;

  // Adder trees over groups of the core's arrays, one per ADC lane; stage
  // s pairs its operands (an odd one waits for the next stage) in adders
  // of accumulatorBits + s bits, each adding into a register.
  const int64_t treeInputs = std::max<int64_t>(chip.core.adderTreeInputs, 1);
  m.adderTreeInputs = treeInputs;
  if (treeInputs > 1) {
    const int64_t groups =
        (chip.core.arrays + treeInputs - 1) / treeInputs;
    m.adderTreesPerCore = groups * m.adcsPerArray;
    for (int64_t operands = treeInputs; operands > 1;
         operands = (operands + 1) / 2, ++m.adderTreeDepth)
      m.adderTreeBits += operands / 2 * (m.accumulatorBits + m.adderTreeDepth);
    m.adderTreeArea = static_cast<double>(m.adderTreesPerCore) *
                      static_cast<double>(m.adderTreeBits) *
                      (kFullAdderGE + kFlipFlopGE) * geArea;
  }

  // Buffers: SRAM macros or register files, as the target says.
  const double sramScale =
      m.tech.energy(reference::kHorowitzNode, reference::kHorowitzVdd);
  const BufferFigures core =
      bufferFigures(chip.core.bufferKind, chip.core.bufferBytes, logicF2,
                    geArea, geEnergy, sramScale);
  m.bufferArea = core.area;
  m.bufferEnergyPerBit =
      chip.costs.bufferEnergyPerBit.value_or(core.energyPerBit);
  const BufferFigures global =
      bufferFigures(chip.chip.globalBufferKind, chip.chip.globalBufferBytes,
                    logicF2, geArea, geEnergy, sramScale);
  m.globalBufferArea = global.area;
  m.globalBufferEnergyPerBit =
      chip.costs.bufferEnergyPerBit.value_or(global.energyPerBit);

  // SFU: `lanes` 16-bit units; one op is one 16-bit add into a register.
  const bool anySfu = chip.core.sfuActivation || chip.core.sfuPooling ||
                      chip.core.sfuElementwise;
  m.sfuArea = anySfu ? static_cast<double>(chip.core.sfuLanes) * kSfuLaneBits *
                           (kFullAdderGE + kFlipFlopGE) * geArea
                     : 0.0;
  m.sfuEnergyPerOp = chip.costs.sfuEnergyPerOp.value_or(
      kSfuLaneBits * (kFullAdderGE + kFlipFlopGE) * geEnergy);

  // MAC array: macs_per_clock units, each a multiplier and an accumulator.
  {
    const double b = static_cast<double>(chip.core.macBits);
    const double multiplierGE = b * b * kAnd2GE + b * (b - 1) * kFullAdderGE;
    const double accumulatorGE =
        (2 * b + kMacGuardBits) * (kFullAdderGE + kFlipFlopGE);
    m.macEnergy = chip.costs.macEnergy.value_or((multiplierGE + accumulatorGE) *
                                                geEnergy);
    m.macArrayArea = static_cast<double>(chip.core.macsPerClock) *
                     (multiplierGE + accumulatorGE) * geArea;
  }

  // Router: flit = bits a link carries per clock.
  const double flitBits =
      chip.technology.clock > 0
          ? std::ceil(chip.chip.interconnect.linkBandwidth /
                      chip.technology.clock)
          : 0.0;
  m.routerArea = chip.costs.routerArea.value_or(
      chip.chip.cores > 1
          ? flitBits * (kRouterPorts * kRouterBufferDepth * kFlipFlopGE +
                        kRouterPorts * kRouterPorts) *
                geArea
          : 0.0);
  m.energyPerBitHop = chip.chip.interconnect.energyPerBitHop;
  m.flitBits = flitBits;
  m.wirePitch = reference::kWirePitchF * f;

  // Write periphery of non-volatile arrays: switch matrices on every line,
  // and level shifters (two per word line for its word and bit lines, one
  // per column for its source line, as NeuroSim's 1T1R array) when the
  // programming pulses exceed what core devices stand.
  const double deviceRows = static_cast<double>(chip.array.deviceRows());
  const double deviceCols = static_cast<double>(chip.array.deviceCols());
  if (chip.device.kind != DeviceKind::SRAM) {
    m.rowWriteArea = deviceRows * kRowWriteSwitchGE * geArea;
    m.columnWriteArea = deviceCols * kColumnWriteSwitchGE * geArea;
    if (chip.device.programming.amplitudeMax >
        reference::kCoreDeviceVoltageRating) {
      m.levelShifterArea =
          reference::kLevelShifterF2 * reference::kLevelShifterWiring * logicF2;
      m.levelShiftersPerArray = 2 * chip.array.deviceRows() +
                                chip.array.deviceCols();
      m.rowWriteArea += 2 * deviceRows * m.levelShifterArea;
      m.columnWriteArea += deviceCols * m.levelShifterArea;
    }
  }

  // The array macro: pitch-matched periphery strips along the cells' edges.
  const double adcs = static_cast<double>(m.adcsPerArray);
  m.rowSideArea = deviceRows * m.driverArea + m.rowWriteArea;
  m.columnSideArea = m.muxArea + deviceCols * m.sampleHoldArea +
                     adcs * (m.adcArea + m.shiftAddArea) + m.partialSumArea +
                     m.accumulatorArea + m.columnWriteArea;
  m.arrayMacroArea = m.arrayArea + m.rowSideArea + m.columnSideArea;
  m.arrayMacroBoundingBox =
      (m.arrayWidth + m.rowSideArea / m.arrayHeight) *
      (m.arrayHeight + m.columnSideArea / m.arrayWidth);
  return m;
}
