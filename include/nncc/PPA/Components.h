//===- Components.h - Area and energy of one chip's components --*- C++ -*-===//
//
// The component models of the PPA estimate, parameterized by the target:
// every figure is derived from the TargetChip (technology node and supply,
// device conductances and read pulse, array geometry, periphery, buffers,
// interconnect) and a small set of published reference constants, scaled
// from their reference node to the target's.  `costs.*` overrides replace
// the derived figure.  docs/ppa-model.md lists every constant with its
// source; the chip roll-up (ChipPPA.h) multiplies these figures by the
// execution schedule's operation counts.
//
// Timing is not modelled here: read pulses, conversion times and transfer
// times come from the execution schedule, the one source of timing.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_PPA_COMPONENTS_H
#define NNCC_PPA_COMPONENTS_H

#include "nncc/PPA/TechnologyScaling.h"
#include "nncc/Target/TargetChip.h"

#include <algorithm>
#include <cstdint>

namespace nncc::ppa {

/// Every per-unit figure of one target, SI units (m^2, J, ohm, F, s).
struct ComponentModel {
  TechnologyScaling tech;

  // Crossbar array.  A cell holds `devicesPerCell` devices in parallel at
  // each position (array.devices_per_cell), side by side along its word
  // line: the cell figures below are the whole cell's.
  double devicesPerCell = 1;
  double cellAreaF2 = 0;  ///< cell footprint in F^2
  double cellArea = 0;    ///< m^2 per cell
  /// Cell width along the word line over its height along the bit line.
  double cellAspectRatio = 1;
  double cellWidth = 0, cellHeight = 0;   ///< m
  double arrayWidth = 0, arrayHeight = 0; ///< m, cols x width, rows x height
  double arrayArea = 0;   ///< rows x cols cells
  double rowResistance = 0, rowCapacitance = 0; ///< one row line's wire
  /// Transistor gates on one word line (wordLineGates per cell, each 1F
  /// wide): what the driver switches besides the wire.
  double rowGateCapacitance = 0;
  /// One bit line: its wire and the junctions of the access transistors on
  /// it (cellJunctionCapacitance per device row).
  double colResistance = 0, colCapacitance = 0;
  /// Drain junction capacitance one cell's access transistors add to its
  /// bit line (0 for a 1R cross-point, which has none).
  double cellJunctionCapacitance = 0;
  /// Distributed-RC (Elmore, 0.38 RC) delay of the longer of row and
  /// column lines; reported against the read pulse, not added to it.
  double wireDelay = 0;
  double readVoltage = 0, readPulse = 0;
  /// How long a read cell's current flows (the read pulse unless
  /// `costs.cell_current_time` says otherwise); with voltage sensing, the
  /// window the selected cells discharge the bit line for.
  double cellCurrentTime = 0;
  /// `periphery.read_circuit: voltage`: bit lines are precharged to the read
  /// voltage and sensed after the window (bitLineReadEnergy), instead of
  /// conducting the cells' current for it (cellReadEnergy).
  bool voltageSensing = false;
  /// Per bit line and read: switching the precharge device's gate.
  double prechargeEnergy = 0;
  double gMin = 0, gMax = 0;
  int64_t levels = 2;
  /// Fraction of input bits that are 1 (a row is driven only for them).
  double inputActivity = 0;

  // Converters and array periphery.
  int64_t adcsPerArray = 0;
  double adcEnergy = 0, adcArea = 0;       ///< per conversion / per ADC
  /// periphery.sample_and_hold: one per physical column, a sample per
  /// conversion (0 without them).
  double sampleHoldEnergy = 0, sampleHoldArea = 0;
  double driverEnergy = 0, driverArea = 0; ///< per driven row-cycle / per row
  double senseAmpEnergy = 0, senseAmpArea = 0; ///< per column read / per column
  double muxArea = 0;                          ///< column multiplexer per array
  int64_t accumulatorBits = 0;
  double addEnergy = 0;      ///< one accumulatorBits-wide add into a register
  /// A shift-and-add sums one column's conversions over its input cycles
  /// and reads (row groups x read phases): adc bits + input bits +
  /// ceil(log2 reads per cycle) wide.
  int64_t shiftAddBits = 0;
  double shiftAddEnergy = 0; ///< one shiftAddBits-wide add into a register
  /// The digital accumulation of one array, as the execution schedule's
  /// loop order needs it: every input cycle converts every column, so each
  /// column keeps its running sum in a register until its last cycle; each
  /// ADC has one shift-and-add adder feeding those registers, and one
  /// full-width adder and result register that combine its columns'
  /// slices and polarities (and partial sums of other arrays).  With
  /// running sums per weight (periphery.running_sums) the shift-and-add
  /// adders and one register per weight column are accumulator-wide and do
  /// all of that; there is no combining adder.
  double shiftAddArea = 0;    ///< one shift-and-add adder (one per ADC)
  double partialSumArea = 0;  ///< the column registers of one array
  double accumulatorArea = 0; ///< combine adders and registers of one array

  // Partial-sum adder trees of one core (core.adder_tree_inputs = N > 1):
  // the core's arrays form ceil(arrays / N) groups along the input
  // dimension, each with one N-input tree per ADC lane.  A tree is
  // pipelined: each of its N - 1 adders adds into a register (one pass per
  // clock, one clock per stage), stage s adding (accumulatorBits + s)-bit
  // operands.  Its adds are the execution schedule's `accumulate` adds,
  // charged at addEnergy like those of the home array's accumulator.
  int64_t adderTreeInputs = 1;
  int64_t adderTreesPerCore = 0; ///< groups x ADC lanes (0 without trees)
  int64_t adderTreeDepth = 0;    ///< stages: ceil(log2 inputs)
  int64_t adderTreeBits = 0;     ///< adder bits of one tree
  double adderTreeArea = 0;      ///< all trees of one core

  // Write periphery of a non-volatile array (none for SRAM): a switch
  // matrix per word line and per bit line that routes programming pulses,
  // and level shifters when those pulses exceed the core devices' rating.
  int64_t levelShiftersPerArray = 0;
  double levelShifterArea = 0;
  double rowWriteArea = 0, columnWriteArea = 0; ///< per array, both sides

  // One array macro's floorplan: the cells with pitch-matched strips of
  // periphery along their edges, the row side (drivers, row write path)
  // as tall as the array, the column side (mux, ADCs, shift-add,
  // accumulator, column write path) as wide as it.
  double rowSideArea = 0, columnSideArea = 0;
  double arrayMacroArea = 0;        ///< placed: cells + both sides
  double arrayMacroBoundingBox = 0; ///< (W + rowSide/H) x (H + colSide/W)

  // Core and chip digital blocks.
  double bufferEnergyPerBit = 0, bufferArea = 0;             ///< core buffer
  double globalBufferEnergyPerBit = 0, globalBufferArea = 0; ///< chip buffer
  double sfuEnergyPerOp = 0, sfuArea = 0;                    ///< per core
  /// The MAC array: per multiply-accumulate, and its area per core.
  double macEnergy = 0, macArrayArea = 0;
  double routerArea = 0, energyPerBitHop = 0;
  double flitBits = 0;  ///< bits a link carries per clock
  double wirePitch = 0; ///< m, of the interconnect's wires

  /// Energy a supply at `v` gives to move a line of capacitance `c` by
  /// `swing` volts and back (c v swing; c v^2 for a full swing).  The one
  /// definition of line charging: word lines (drivers) and bit lines
  /// (voltage sensing) use it.
  static double lineChargeEnergy(double c, double v, double swing) {
    return c * v * swing;
  }
  /// Current mode: energy of reading one cell (or a column's cells) of
  /// conductance g once, the read voltage across it for cellCurrentTime.
  double cellReadEnergy(double g) const {
    return readVoltage * readVoltage * g * cellCurrentTime;
  }
  /// Voltage sensing: energy of one read of one bit line, precharged to the
  /// read voltage V, whose selected cells conduct g in all.  They draw
  /// Q = V g t over the window t; the line swings by min(V, Q / C) (it
  /// cannot fall below ground), and the precharge restores it: C V swing,
  /// plus the precharge device's gate.
  double bitLineReadEnergy(double g) const {
    const double v = readVoltage;
    const double charge = v * g * cellCurrentTime;
    const double swing =
        colCapacitance > 0 ? std::min(v, charge / colCapacitance) : 0.0;
    return lineChargeEnergy(colCapacitance, v, swing) + prechargeEnergy;
  }
  /// Conductance of one device at level d:
  /// g_min + d (g_max - g_min) / (levels - 1).
  double levelConductance(int64_t d) const {
    return levels > 1 ? gMin + static_cast<double>(d) * (gMax - gMin) /
                                   static_cast<double>(levels - 1)
                      : gMax;
  }
  /// Conductance of a cell at level d: its devices' currents add.
  double cellConductance(int64_t d) const {
    return devicesPerCell * levelConductance(d);
  }
  /// One core's area without its arrays' cells and periphery.
  double coreDigitalArea() const {
    return bufferArea + sfuArea + macArrayArea + routerArea + adderTreeArea;
  }
};

/// The models for `chip`.
ComponentModel buildComponentModel(const target::TargetChip &chip);

/// Gate capacitance of a 1F-wide transistor at node `f`: the per-width
/// figure of reference::kGateCapPerM interpolated log-log between its
/// nodes, held beyond them (below 22 nm an assumption: NeuroSim's FinFET
/// figures are per fin).
double gateCapacitance(double f);

/// Transistor gates one cell puts on its driven word line: the access
/// transistor of a 1T1R cell, both of a 2T2R pair with differential
/// columns (one per word line with differential rows), a 6T cell's two and
/// an 8T cell's read port, a 1T cell's storage transistor (FeFET, flash),
/// none on a 1R cross-point; each device of a multi-device cell brings its
/// own.
int64_t wordLineGates(const target::TargetChip &chip);

/// Reference constants (docs/ppa-model.md gives the sources).
namespace reference {
/// Nangate 45 nm open cell library: NAND2_X1 = 0.798 um^2 = 394 F^2; one
/// gate equivalent (GE).
inline constexpr double kGateEquivalentF2 = 394;
/// DNN+NeuroSim V1.4 LevelShifter.cpp (validated branch): three stages of
/// IO transistors (NMOS 60F/128F/256F, PMOS 106F/53F/433F) 2.5 standard
/// cells (70F) tall, 1.540 um x 4.514 um = 6.95 um^2 at 22 nm = 14,360 F^2;
/// x 1.44 for its wiring (Param.cpp alpha, from NeuroSim's layouts).
inline constexpr double kLevelShifterF2 = 14360, kLevelShifterWiring = 1.44;
/// Programming pulses above this need level shifters between the core
/// logic and the array lines (NeuroSim SubArray.cpp: writeVoltage > 1.5 V).
inline constexpr double kCoreDeviceVoltageRating = 1.5;
/// Horowitz, ISSCC 2014 keynote, 45 nm, 0.9 V: 32-bit integer add 0.1 pJ.
inline constexpr double kHorowitzNode = 45e-9, kHorowitzVdd = 0.9;
inline constexpr double kAddEnergyPerBit = 0.1e-12 / 32;
/// Horowitz 2014: 64-bit read of an 8 KB SRAM 10 pJ, 32 KB 20 pJ, 1 MB
/// 100 pJ; per bit 0.156 pJ at 8 KB, growing with sqrt(size).
inline constexpr double kSramReadEnergyPerBit8KB = 10e-12 / 64;
/// 6T SRAM bit cell ~150 F^2 (seed-notes-000-003-004 section 0.3), in a
/// macro of 70 % array efficiency (assumption, CACTI-typical).
inline constexpr double kSramBitF2 = 150, kSramArrayEfficiency = 0.7;
/// ISAAC (Shafiee et al., ISCA 2016, Table I) from Kull et al., ISSCC
/// 2013: 8-bit 1.28 GS/s SAR ADC at 32 nm, 2 mW, 0.0012 mm^2.  Walden
/// figure of merit 2 mW / 1.28 GS/s / 2^8 = 6.1 fJ per conversion step.
inline constexpr double kAdcNode = 32e-9, kAdcVdd = 1.0;
inline constexpr double kAdcWaldenFoM = 2e-3 / 1.28e9 / 256;
inline constexpr double kAdcArea8b = 0.0012e-6;
/// ISAAC (Shafiee et al., ISCA 2016, Table I) after O'Halloran and
/// Sarpeshkar's 10-nW analog storage cell: an IMA's 8 x 128 sample-and-
/// holds at 32 nm take 10 uW and 0.00004 mm^2, so one holds a sample for
/// its 100-ns cycle at 0.98 fJ in 0.039 um^2.  Scaled as the SAR ADC
/// (same node and supply).
inline constexpr double kSampleHoldEnergy = 10e-6 / 1024 * 100e-9;
inline constexpr double kSampleHoldArea = 0.00004e-6 / 1024;
/// Interconnect wire pitch: DNN+NeuroSim V1.4's wire width at 22 nm is
/// 40 nm (Param.cpp wireWidth), 1.82 F; equal line and space make the
/// pitch 3.64 F (assumption), scaled with F to other nodes.
inline constexpr double kWirePitchF = 2 * 40.0 / 22.0;
/// On-chip wire capacitance per metre (0.2 fF/um, ITRS intermediate wires;
/// assumption).
inline constexpr double kWireCapacitancePerM = 0.2e-15 / 1e-6;
/// Leakage power per square metre of periphery and digital blocks: DNN+
/// NeuroSim V1.4 run on its VGG-8 at 22 nm (LSTP devices) reports 2.17 mW
/// of leakage for 100.7 mm^2 of placed blocks, 3.6 mm^2 of them cell
/// arrays, which it does not count as leaking (its printed breakdown).
/// Held at every node (assumption: leakage does not follow Dennard
/// scaling; low-power processes keep it near this order).
inline constexpr double kLeakagePowerDensity = 2.17e-3 / (100.7e-6 - 3.6e-6);
/// Drain junction of a cell's access transistor on its bit line, with
/// DNN+NeuroSim V1.4's bulk-CMOS model (formula.cpp CalculateDrainCap of a
/// 1F-wide NMOS, Param.cpp widthAccessCMOS = 1; Technology.cpp junction
/// parameters, graded at the supply with a 0.9 V built-in potential): a
/// drain 2.8F long (MIN_GAP_BET_GATE_POLY) and 1F wide, so a bottom of
/// 2.8 F^2 at cjd = 1e-3 F/m^2 (grading 0.5), an isolation sidewall of
/// 6.6 F at cjswd = 2.5e-10 F/m and a gate-edge sidewall of 1 F at
/// cjswgd = 0.5e-10 F/m (grading 0.33 each).  About 0.095 fF at 65 nm, 1 V.
inline constexpr double kJunctionBottomF2 = 2.8, kJunctionSidewallF = 6.6,
                        kJunctionGateEdgeF = 1.0;
inline constexpr double kJunctionCapPerM2 = 1e-3,
                        kJunctionSidewallPerM = 2.5e-10,
                        kJunctionGateEdgePerM = 0.5e-10;
inline constexpr double kJunctionBuiltInPotential = 0.9,
                        kJunctionBottomGrading = 0.5,
                        kJunctionSidewallGrading = 0.33;
/// Gate capacitance per metre of transistor width, DNN+NeuroSim V1.4
/// Technology.cpp for its LSTP devices (PTM LP models) at the planar nodes
/// it tabulates, smallest first: capIdealGate x 1.2 (its capOverlap is 0.2
/// x the ideal gate) + capFringe, no poly wire (capPolywire 0); 1.43 fF/um
/// at 22 nm ... 3.18 fF/um at 130 nm.
inline constexpr double kGateCapNodes[] = {22e-9, 32e-9, 45e-9,
                                           65e-9, 90e-9, 130e-9};
inline constexpr double kGateCapPerM[] = {
    5.245e-10 * 1.2 + 8.004e-10,       // 22 nm
    8.375279e-10 * 1.2 + 6.856677e-10, // 32 nm
    8.930709e-10 * 1.2 + 8.849901e-10, // 45 nm
    1.1926e-9 * 1.2 + 9.62148e-10,     // 65 nm
    1.5413e-9 * 1.2 + 9.601334e-10,    // 90 nm
    1.8574e-9 * 1.2 + 9.530642e-10};   // 130 nm
/// NeuroSim's input activity when no trace is given (ext:TCAD18, seed
/// notes 3.1).
inline constexpr double kInputActivity = 0.5;
} // namespace reference

} // namespace nncc::ppa

#endif // NNCC_PPA_COMPONENTS_H
