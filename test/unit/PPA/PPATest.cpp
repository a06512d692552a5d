//===- PPATest.cpp - Component models, roll-up and reports, by hand -------===//
//
// A 4x8-array chip at 45 nm / 0.9 V, the node and supply of Horowitz's
// figures, so that digital energies need no scaling and every expected
// number below is a few multiplications of docs/ppa-model.md's constants.
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/ChipPPA.h"
#include "nncc/PPA/Components.h"
#include "nncc/PPA/Report.h"

#include "gtest/gtest.h"

#include <cmath>
#include <memory>

using namespace nncc;
using namespace nncc::ppa;

namespace {

target::TargetChip smallChip() {
  target::TargetChip c;
  c.name = "hand";
  c.technology = {45e-9, 0.9, 1e9};
  c.device.levels = 2;
  c.device.gMin = 1e-6;
  c.device.gMax = 1e-5;
  c.device.readVoltage = 0.5;
  c.device.readPulse = 10e-9;
  c.array.rows = 4;
  c.array.cols = 8;
  c.array.rowsInParallel = 2;
  c.array.cell = target::CellType::T1R1;
  c.array.wireResistance = 2;
  c.array.weightBits = 8;
  c.periphery.adcType = target::AdcType::SAR;
  c.periphery.adcBits = 4;
  c.periphery.columnsPerAdc = 4;
  c.periphery.inputBits = 8;
  c.periphery.dacBits = 1;
  c.core.arrays = 3;
  c.core.bufferBytes = 8192;
  c.core.sfuLanes = 2;
  c.chip.cores = 2;
  c.chip.globalBufferBytes = 0;
  c.chip.interconnect = {target::Topology::Mesh, 2, 2, 128e9, 1e-9, 1e-12};
  c.costs.cellAreaF2 = 100;
  c.costs.cellAspectRatio = 1; // square 10F x 10F cells
  c.device.kind = target::DeviceKind::RRAM;
  c.device.programming.amplitudeMax = 1.2; // below 1.5 V: no level shifters
  return c;
}

// Relative comparison: the figures span 1e-16 .. 1e-8.
#define EXPECT_REL(actual, expected)                                           \
  EXPECT_NEAR((actual) / (expected), 1.0, 1e-9) << #actual

// One GE switching at 45 nm, 0.9 V: a 32-bit add (0.1 pJ) over 32 bits x 7.
constexpr double kGe = 0.1e-12 / 32 / 7;

// The drain junction of one 1F-wide access NMOS at 45 nm and 0.9 V, after
// DNN+NeuroSim V1.4's bulk model: a 2.8F x 1F bottom at 1e-3 F/m^2, 6.6F of
// isolation sidewall at 2.5e-10 F/m and 1F of gate edge at 0.5e-10 F/m,
// graded at 1 + 0.9 V / 0.9 V = 2 (exponents 0.5 and 0.33): 0.0649 fF.
const double kJunction45 =
    2.8 * 45e-9 * 45e-9 * 1e-3 / std::sqrt(2.0) +
    (6.6 * 2.5e-10 + 1.0 * 0.5e-10) * 45e-9 / std::pow(2.0, 0.33);

// The gate of one 1F-wide transistor at 45 nm: NeuroSim's 45 nm LSTP
// ideal gate 0.8931 fF/um x 1.2 (overlap) + fringe 0.8850 fF/um, x 45 nm:
// 0.088 fF.
const double kGate45 = (0.8930709e-9 * 1.2 + 0.8849901e-9) * 45e-9;

// smallChip's row lines per driven row: the word line (0.72 fF of wire
// and 8 access gates) to 0.9 V, the read line (0.72 fF) to 0.5 V.
const double kWordLine45 = (0.72e-15 + 8 * kGate45) * 0.81 + 0.72e-15 * 0.25;

TEST(PPAComponents, HandComputedFigures) {
  ComponentModel m = buildComponentModel(smallChip());
  // Cell 100 F^2 at F = 45 nm; 4 x 8 cells.
  EXPECT_REL(m.cellArea, 100 * 45e-9 * 45e-9);
  EXPECT_REL(m.arrayArea, 32 * 2.025e-13);
  // Pitch 10 F = 450 nm.  Row: 8 segments of 2 ohm, 8 x 450 nm at
  // 0.2 fF/um = 0.72 fF; column: 8 ohm, 0.36 fF of wire and the junctions
  // of its 4 access transistors (0.62 fF).  0.38 x 16 x 0.72 fF, the row
  // line's RC being the larger.
  EXPECT_REL(m.rowResistance, 16.0);
  EXPECT_REL(m.rowCapacitance, 0.72e-15);
  EXPECT_REL(m.rowGateCapacitance, 8 * kGate45);
  EXPECT_REL(m.cellJunctionCapacitance, kJunction45);
  EXPECT_REL(m.colCapacitance, 0.36e-15 + 4 * kJunction45);
  EXPECT_REL(m.wireDelay, 0.38 * 16 * (0.72e-15 + 8 * kGate45));
  // SAR, 4 bits: 6.1035 fJ/step x 16 steps, scaled 32 nm / 1 V -> 45 nm /
  // 0.9 V by (45/32) x 0.81; area 0.0012 mm^2 x 16/256 x (45/32)^2.
  EXPECT_EQ(m.adcsPerArray, 2);
  EXPECT_REL(m.adcEnergy, 2e-3 / 1.28e9 / 256 * 16 * (45.0 / 32) * 0.81);
  EXPECT_REL(m.adcArea, 1.2e-9 * 16 / 256 * (45.0 / 32) * (45.0 / 32));
  // Accumulator 1 + log2(4) + 8 + 8 = 19 bits; an add is 19 x (7 + 5) GE.
  EXPECT_EQ(m.accumulatorBits, 19);
  EXPECT_REL(m.addEnergy, 19 * 12 * kGe);
  // A column's shift-and-add: 4 ADC bits + 8 input bits + log2(2 row
  // groups) = 13 bits.
  EXPECT_EQ(m.shiftAddBits, 13);
  EXPECT_REL(m.shiftAddEnergy, 13 * 12 * kGe);
  // Driver: the word line (wire and 8 access gates) to the 0.9 V supply,
  // the read line (wire) to 0.5 V, plus 4 GE.
  EXPECT_REL(m.driverEnergy, kWordLine45 + 4 * kGe);
  // 8 KB buffer: Horowitz's 0.156 pJ/bit; 65536 bits of 150 F^2 / 0.7.
  EXPECT_REL(m.bufferEnergyPerBit, 10e-12 / 64);
  EXPECT_REL(m.bufferArea, 65536 * 150 * 2.025e-15 / 0.7);
  // A 10 uS cell read at 0.5 V for 10 ns: 0.25 x 1e-5 x 1e-8.
  EXPECT_REL(m.cellReadEnergy(1e-5), 2.5e-14);
  EXPECT_REL(m.levelConductance(1), 1e-5);
  // Router: 128-bit flits, (5 x 4 x 5 + 25) GE per bit of 394 F^2.
  EXPECT_REL(m.routerArea, 128 * 125 * 394 * 2.025e-15);
}

// Running sums per weight (periphery.running_sums: weight) on smallChip
// with 4-bit cells and the offset scheme: 8-bit weights in 2 slices, so
// (8 - 1 reference) / 2 = 3 weight columns per array.  The shift-and-add
// adders and the 3 registers are accumulator-wide (19 bits), and there is
// no combining adder: the column side holds the 4:1 mux (8 GE), 2 ADCs with
// 19-bit adders (x 7 GE), 3 x 19 register bits (x 5 GE) and 8 column write
// switches (7 GE); every shift-and-add is a 19-bit add.
TEST(PPAComponents, RunningSumsPerWeight) {
  target::TargetChip c = smallChip();
  c.device.levels = 16;
  c.array.signedWeights = target::SignedWeightScheme::OffsetReference;
  ComponentModel column = buildComponentModel(c);
  c.periphery.runningSums = target::RunningSums::Weight;
  ComponentModel m = buildComponentModel(c);
  const double ge = 394 * 2.025e-15;
  EXPECT_EQ(m.accumulatorBits, 19);
  EXPECT_EQ(m.shiftAddBits, 19);
  EXPECT_REL(m.shiftAddEnergy, 19 * 12 * kGe);
  EXPECT_REL(m.shiftAddArea, 19 * 7 * ge);
  EXPECT_REL(m.partialSumArea, 3 * 19 * 5 * ge);
  EXPECT_EQ(m.accumulatorArea, 0.0);
  const double adcArea = 1.2e-9 * 16 / 256 * (45.0 / 32) * (45.0 / 32);
  EXPECT_REL(m.columnSideArea, 8 * ge + 2 * (adcArea + 19 * 7 * ge) +
                                   3 * 19 * 5 * ge + 8 * 7 * ge);
  // Per column on the same chip: 8 registers of 13 bits and the combining
  // adders, as ArrayMacroFloorplan below.
  EXPECT_REL(column.partialSumArea, 8 * 13 * 5 * ge);
  EXPECT_REL(column.accumulatorArea, 2 * 19 * 12 * ge);
  EXPECT_LT(m.columnSideArea, column.columnSideArea);
}

// The array macro's outline and its write periphery, by hand: 4 x 8 cells
// of 10F x 10F at 45 nm (W = 3.6 um, H = 1.8 um); the row side holds 4
// drivers of 4 GE and 4 row write switches of 9 GE, the column side a 4:1
// mux (8 GE), 2 ADCs with their shift-add adders (13 x 7 GE each), 8
// column registers of 13 bits (x 5 GE), per ADC a 19-bit combine adder and
// register (19 x 12 GE), and 8 column write switches of 7 GE.
TEST(PPAComponents, ArrayMacroFloorplan) {
  target::TargetChip c = smallChip();
  ComponentModel m = buildComponentModel(c);
  const double ge = 394 * 2.025e-15;
  EXPECT_REL(m.arrayWidth, 8 * 450e-9);
  EXPECT_REL(m.arrayHeight, 4 * 450e-9);
  EXPECT_EQ(m.levelShiftersPerArray, 0);
  const double rowSide = 4 * 4 * ge + 4 * 9 * ge;
  const double adcArea = 1.2e-9 * 16 / 256 * (45.0 / 32) * (45.0 / 32);
  const double colSide = 8 * ge + 2 * (adcArea + 13 * 7 * ge) +
                         8 * 13 * 5 * ge + 2 * 19 * 12 * ge + 8 * 7 * ge;
  EXPECT_REL(m.rowSideArea, rowSide);
  EXPECT_REL(m.columnSideArea, colSide);
  EXPECT_REL(m.arrayMacroArea, 32 * 2.025e-13 + rowSide + colSide);
  EXPECT_REL(m.arrayMacroBoundingBox,
             (3.6e-6 + rowSide / 1.8e-6) * (1.8e-6 + colSide / 3.6e-6));

  // Programming at 2 V needs level shifters: 2 per row and 1 per column,
  // 14,360 F^2 x 1.44 each, on the row and column sides.
  c.device.programming.amplitudeMax = 2.0;
  ComponentModel hv = buildComponentModel(c);
  const double shifter = 14360 * 1.44 * 2.025e-15;
  EXPECT_EQ(hv.levelShiftersPerArray, 2 * 4 + 8);
  EXPECT_REL(hv.rowSideArea, rowSide + 8 * shifter);
  EXPECT_REL(hv.columnSideArea, colSide + 8 * shifter);

  // A 12F x 4F cell of the same area would be a 3:1 outline; SRAM arrays
  // have no write switch matrices of their own.
  c.costs.cellAspectRatio = 3;
  c.device.kind = target::DeviceKind::SRAM;
  ComponentModel sram = buildComponentModel(c);
  EXPECT_REL(sram.cellWidth / sram.cellHeight, 3.0);
  EXPECT_REL(sram.cellWidth * sram.cellHeight, 100 * 2.025e-15);
  EXPECT_EQ(sram.rowWriteArea + sram.columnWriteArea, 0.0);
}

// Partial-sum adder trees: per core ceil(arrays / N) groups x 2 ADC lanes,
// each tree N - 1 adders of 19-bit accumulator operands plus one bit per
// stage, each adding into a register ((7 + 5) GE per bit).
TEST(PPAComponents, AdderTreesSizedByTheirInputs) {
  target::TargetChip c = smallChip();
  const double ge = 394 * 2.025e-15;
  // The default: no trees; the arrays' own accumulators add partial sums.
  ComponentModel none = buildComponentModel(c);
  EXPECT_EQ(none.adderTreeInputs, 1);
  EXPECT_EQ(none.adderTreesPerCore, 0);
  EXPECT_EQ(none.adderTreeArea, 0.0);
  // 2 inputs: 3 arrays make 2 groups (the last one short), 4 trees of one
  // 19-bit adder.
  c.core.adderTreeInputs = 2;
  ComponentModel two = buildComponentModel(c);
  EXPECT_EQ(two.adderTreesPerCore, 4);
  EXPECT_EQ(two.adderTreeDepth, 1);
  EXPECT_EQ(two.adderTreeBits, 19);
  EXPECT_REL(two.adderTreeArea, 4 * 19 * 12 * ge);
  // 3 inputs: one group, 2 trees; stage 0 adds two operands (19 bits), the
  // odd one waits, stage 1 adds the two (20 bits).
  c.core.adderTreeInputs = 3;
  ComponentModel three = buildComponentModel(c);
  EXPECT_EQ(three.adderTreesPerCore, 2);
  EXPECT_EQ(three.adderTreeDepth, 2);
  EXPECT_EQ(three.adderTreeBits, 19 + 20);
  EXPECT_REL(three.adderTreeArea, 2 * 39 * 12 * ge);
  // NeuroSim's tile column: 64 arrays in 8 groups of 8, 2 lanes each; a
  // tree of 4 + 2 + 1 adders of 19, 20, 21 bits.
  c.core.arrays = 64;
  c.core.adderTreeInputs = 8;
  ComponentModel tile = buildComponentModel(c);
  EXPECT_EQ(tile.adderTreesPerCore, 16);
  EXPECT_EQ(tile.adderTreeDepth, 3);
  EXPECT_EQ(tile.adderTreeBits, 4 * 19 + 2 * 20 + 21);
  EXPECT_REL(tile.adderTreeArea, 16 * 137 * 12 * ge);
  // The trees are the core's, not the array macro's.
  EXPECT_EQ(tile.arrayMacroArea, none.arrayMacroArea);
}

// A current-sense converter (NeuroSim's multi-level sense amplifier): 2^4 - 1
// latch comparators of 10 GE fire per conversion, and the column conducts
// for one conversion (a clock period, 1 ns) instead of the 10 ns pulse.
TEST(PPAComponents, CurrentSenseConverter) {
  target::TargetChip c = smallChip();
  c.periphery.adcType = target::AdcType::CurrentSense;
  ComponentModel m = buildComponentModel(c);
  EXPECT_REL(m.adcEnergy, 15 * 10 * kGe);
  EXPECT_REL(m.adcArea, 15 * 10 * 394 * 2.025e-15);
  EXPECT_REL(m.cellCurrentTime, 1e-9);
  EXPECT_REL(m.cellReadEnergy(1e-5), 0.25 * 1e-5 * 1e-9);
  // A measured conversion time sets it; an explicit current time wins.
  c.costs.adcLatency = 2e-9;
  EXPECT_REL(buildComponentModel(c).cellCurrentTime, 2e-9);
  // Sensing inside the read pulse (adc_latency 0): the current flows for it.
  c.costs.adcLatency = 0;
  EXPECT_REL(buildComponentModel(c).cellCurrentTime, c.device.readPulse);
  c.costs.cellCurrentTime = 5e-9;
  EXPECT_REL(buildComponentModel(c).cellCurrentTime, 5e-9);
}

// A passive cross-point (1R) has no access transistor: its bit line is wire
// only.  At 65 nm and 1 V a junction is the 0.095 fF docs/ppa-model.md
// quotes (graded at 1 + 1 / 0.9).
TEST(PPAComponents, BitLineJunctions) {
  target::TargetChip c = smallChip();
  c.array.cell = target::CellType::R1;
  ComponentModel m = buildComponentModel(c);
  EXPECT_EQ(m.cellJunctionCapacitance, 0.0);
  EXPECT_REL(m.colCapacitance, 0.36e-15);
  c = smallChip();
  c.technology = {65e-9, 1.0, 1e9};
  const double bias = 1 + 1 / 0.9;
  EXPECT_REL(buildComponentModel(c).cellJunctionCapacitance,
             2.8 * 65e-9 * 65e-9 * 1e-3 / std::sqrt(bias) +
                 1.7e-9 * 65e-9 / std::pow(bias, 0.33));
  EXPECT_NEAR(buildComponentModel(c).cellJunctionCapacitance, 0.095e-15,
              0.001e-15);
}

// Gate capacitance: NeuroSim's LSTP figures at its planar nodes (ideal x
// 1.2 + fringe, per metre of width) times a 1F width, log-log between
// them, held beyond: 22 nm 1.4298e-9 F/m, 32 nm 1.69070e-9, 130 nm
// 3.18194e-9.
TEST(PPAComponents, WordLineGates) {
  const double at22 = 5.245e-10 * 1.2 + 8.004e-10;
  const double at32 = 8.375279e-10 * 1.2 + 6.856677e-10;
  const double at130 = 1.8574e-9 * 1.2 + 9.530642e-10;
  EXPECT_NEAR(at22, 1.4298e-9, 1e-13);
  EXPECT_REL(gateCapacitance(22e-9), at22 * 22e-9);
  EXPECT_REL(gateCapacitance(45e-9), kGate45);
  EXPECT_REL(gateCapacitance(5e-9), at22 * 5e-9);
  EXPECT_REL(gateCapacitance(180e-9), at130 * 180e-9);
  // 28 nm, log-log between 22 and 32 nm.
  const double t = std::log(28.0 / 22) / std::log(32.0 / 22);
  EXPECT_REL(gateCapacitance(28e-9), at22 * std::pow(at32 / at22, t) * 28e-9);

  // Gates per cell on a word line, and what the driver charges, on
  // smallChip's 8 columns (45 nm, 0.9 V supply, 0.5 V read): a 1R row is
  // its wire at 0.5 V; a 1T row the wire and 8 storage gates at 0.5 V; a
  // 6T word line the wire and 16 access gates at 0.9 V, no read line.
  target::TargetChip c = smallChip();
  auto lines = [&](const target::TargetChip &chip) {
    return buildComponentModel(chip).driverEnergy - 4 * kGe;
  };
  EXPECT_EQ(wordLineGates(c), 1);
  EXPECT_REL(lines(c), kWordLine45);
  c.array.cell = target::CellType::R1;
  EXPECT_EQ(wordLineGates(c), 0);
  EXPECT_REL(lines(c), 0.72e-15 * 0.25);
  c.array.cell = target::CellType::T1;
  EXPECT_EQ(wordLineGates(c), 1);
  EXPECT_REL(lines(c), (0.72e-15 + 8 * kGate45) * 0.25);
  c.array.cell = target::CellType::SRAM6T;
  EXPECT_EQ(wordLineGates(c), 2);
  EXPECT_REL(lines(c), (0.72e-15 + 16 * kGate45) * 0.81);
  c.array.cell = target::CellType::SRAM8T;
  EXPECT_EQ(wordLineGates(c), 1);
  c.array.cell = target::CellType::T2R2;
  EXPECT_EQ(wordLineGates(c), 2);
  c.array.signedWeights = target::SignedWeightScheme::DifferentialRows;
  EXPECT_EQ(wordLineGates(c), 1);
  c.array.devicesPerCell = 2;
  EXPECT_EQ(wordLineGates(c), 2);
}

// Voltage sensing: the bit line (0.36 fF of wire + 4 junctions) is
// precharged to the 0.5 V read voltage and discharged for the 10 ns read
// pulse.  A column of 10 nS draws Q = 0.5 V x 10 nS x 10 ns = 50 aC, less
// than C V (0.31 fC): the line swings by Q / C and its recharge costs
// C V (Q / C) = V Q.  A column of 10 uS would draw 50 fC: the line is
// discharged fully and costs C V^2 (25 fJ in current mode, V^2 G t).  The
// precharge device adds 1 GE per read.
TEST(PPAComponents, VoltageSensing) {
  target::TargetChip c = smallChip();
  EXPECT_FALSE(buildComponentModel(c).voltageSensing);
  EXPECT_EQ(buildComponentModel(c).prechargeEnergy, 0.0);
  c.periphery.readCircuit = target::ReadCircuit::Voltage;
  ComponentModel m = buildComponentModel(c);
  const double cbl = 0.36e-15 + 4 * kJunction45;
  EXPECT_TRUE(m.voltageSensing);
  EXPECT_REL(m.cellCurrentTime, 10e-9);
  EXPECT_REL(m.prechargeEnergy, kGe);
  EXPECT_REL(m.bitLineReadEnergy(1e-8), 0.5 * (0.5 * 1e-8 * 1e-8) + kGe);
  EXPECT_REL(m.bitLineReadEnergy(1e-5), cbl * 0.5 * 0.5 + kGe);
  // Just at the clamp: Q = C V.
  const double gFull = cbl / 1e-8;
  EXPECT_REL(m.bitLineReadEnergy(gFull), cbl * 0.25 + kGe);
  EXPECT_REL(m.bitLineReadEnergy(2 * gFull), cbl * 0.25 + kGe);
  // A shorter sensing window draws less: 1 ns.
  c.costs.cellCurrentTime = 1e-9;
  EXPECT_REL(buildComponentModel(c).bitLineReadEnergy(1e-8),
             0.5 * (0.5 * 1e-8 * 1e-9) + kGe);
  // The one line-charging definition: a line to 0.5 V is C V^2, as every
  // driver's energy counts its lines (kWordLine45).
  EXPECT_REL(ComponentModel::lineChargeEnergy(0.72e-15, 0.5, 0.5),
             0.72e-15 * 0.25);
  EXPECT_REL(m.driverEnergy, kWordLine45 + 4 * kGe);
}

// A CCO converter, 4 bits: the oscillator runs 2^3 = 8 cycles on average
// (mid-scale), each cycle 5 ring stages (1 GE each) and 2 counter
// flip-flop toggles (5 GE each), and the 4-bit code is latched (4 x 5 GE):
// 8 x 15 + 20 = 140 GE.  No capacitive DAC: half a SAR's area.  It counts
// over the read pulse, so the cells conduct for all of it.
TEST(PPAComponents, CcoConverter) {
  target::TargetChip c = smallChip();
  c.periphery.adcType = target::AdcType::CCO;
  ComponentModel m = buildComponentModel(c);
  EXPECT_REL(m.adcEnergy, 140 * kGe);
  EXPECT_REL(m.adcArea,
             0.5 * 1.2e-9 * 16 / 256 * (45.0 / 32) * (45.0 / 32));
  EXPECT_REL(m.cellCurrentTime, 10e-9);
  // 8 bits: 128 x 15 + 40 = 1960 GE, about 0.87 pJ at 45 nm.
  c.periphery.adcBits = 8;
  EXPECT_REL(buildComponentModel(c).adcEnergy, 1960 * kGe);
  // Scaled with the node as every GE figure: half the node and half the
  // supply, x 0.5 x 0.25.
  c.technology = {22.5e-9, 0.45, 1e9};
  EXPECT_REL(buildComponentModel(c).adcEnergy, 1960 * kGe * 0.5 * 0.25);
  // The target's own figure wins.
  c.costs.adcEnergy = 3e-13;
  EXPECT_EQ(buildComponentModel(c).adcEnergy, 3e-13);
}

// A register-file buffer (NeuroSim's kind): 65,536 bits of a flip-flop and
// a multiplexer leaf (6 GE) each; a bit read passes log2(65536 / 64) = 10
// levels of 2:1 multiplexers.
TEST(PPAComponents, RegisterFileBuffer) {
  target::TargetChip c = smallChip();
  c.core.bufferKind = target::MemoryKind::RegisterFile;
  ComponentModel m = buildComponentModel(c);
  EXPECT_REL(m.bufferArea, 65536 * 6 * 394 * 2.025e-15);
  EXPECT_REL(m.bufferEnergyPerBit, 10 * kGe);
  // The global buffer keeps its own kind (SRAM, none here).
  EXPECT_EQ(m.globalBufferArea, 0.0);
}

TEST(PPAComponents, OverridesWin) {
  target::TargetChip c = smallChip();
  c.costs.adcEnergy = 1e-12;
  c.costs.adcArea = 1e-9;
  c.costs.sfuEnergyPerOp = 3e-13;
  ComponentModel m = buildComponentModel(c);
  EXPECT_EQ(m.adcEnergy, 1e-12);
  EXPECT_EQ(m.adcArea, 1e-9);
  EXPECT_EQ(m.sfuEnergyPerOp, 3e-13);
  c.costs.cellAreaF2.reset();
  EXPECT_EQ(buildComponentModel(c).cellAreaF2, 48); // 1T1R default
}

TEST(PPAComponents, TechnologyScaling) {
  TechnologyScaling s{22e-9, 0.8};
  EXPECT_REL(s.area(44e-9), 0.25);
  EXPECT_REL(s.energy(44e-9, 1.6), 0.5 * 0.25);
  EXPECT_REL(s.logicF2(), 22e-9 * 22e-9);
}

// Below 22 nm a cell's height and poly pitch stop shrinking with F
// (NeuroSim V1.4 constant.h): 5 nm is 36 F x 10.2 F against the planar
// 28 F x 3.8 F, 14 nm 41.142 F x 5.571 F; between nodes log-log.
TEST(PPAComponents, LayoutAreaFactor) {
  EXPECT_EQ(layoutAreaFactor(45e-9), 1.0);
  EXPECT_EQ(layoutAreaFactor(22e-9), 1.0);
  EXPECT_REL(layoutAreaFactor(5e-9), 36 * 10.2 / (28 * 3.8));
  EXPECT_REL(layoutAreaFactor(14e-9), 41.142 * 5.571 / (28 * 3.8));
  // 16 nm lies between 22 nm (1) and 14 nm (2.154) on a log-log line.
  const double f14 = 41.142 * 5.571 / (28 * 3.8);
  EXPECT_REL(layoutAreaFactor(16e-9),
             std::pow(f14, std::log(22.0 / 16) / std::log(22.0 / 14)));
  // Below the last tabulated node the factor holds.
  EXPECT_REL(layoutAreaFactor(0.5e-9), 80 * 40.0 / (28 * 3.8));
  // A figure published at 5 nm carried to 45 nm loses the factor.
  TechnologyScaling planar{45e-9, 0.9};
  EXPECT_REL(planar.area(5e-9),
             (45.0 / 5) * (45.0 / 5) / (36 * 10.2 / (28 * 3.8)));
}

// One gate equivalent at 5 nm covers 394 F^2 x the layout factor, and so
// does every GE-sized block; the energy stays C V^2 with C ~ F.  An array
// cell the target sizes in F^2 keeps its F^2.
TEST(PPAComponents, FinFetNodeDrawsLogicAtItsPitches) {
  target::TargetChip c = smallChip();
  c.technology = {5e-9, 0.9, 1e9};
  c.periphery.adcType = target::AdcType::CurrentSense;
  ComponentModel m = buildComponentModel(c);
  const double factor = 36 * 10.2 / (28 * 3.8);
  const double ge = 394 * 25e-18 * factor;
  // 15 comparators of 10 GE for a 4-bit current-sense converter.
  EXPECT_REL(m.adcArea, 15 * 10 * ge);
  EXPECT_REL(m.adcEnergy, 15 * 10 * kGe * 5.0 / 45);
  EXPECT_REL(m.cellArea, 100 * 25e-18);
  // The 8 KiB SRAM buffer: 150 F^2 bits at 70 % efficiency, drawn the same.
  EXPECT_REL(m.bufferArea, 65536 * 150 * 25e-18 * factor / 0.7);
  // A default SRAM array cell is a planar figure too.
  c.costs.cellAreaF2.reset();
  c.array.cell = target::CellType::SRAM8T;
  EXPECT_REL(buildComponentModel(c).cellAreaF2, 200 * factor);
}

/// The wire area per metre of core pitch of the fixture's 2 x 2 mesh: 4
/// links, a 128-bit flit (128 Gbit/s at 1 GHz) each way, wire pitch
/// 2 x 40/22 F at 45 nm.
constexpr double kFixtureLinkWiresPerPitch = 4 * 2 * 128 * (80.0 / 22) * 45e-9;

struct Fixture {
  target::TargetChip chip = smallChip();
  ExecutionSchedule execution;
  ProgrammingSchedule programming;
  MappingSummary mapping;

  Fixture() {
    StageExecution s;
    s.layer = "L0";
    s.vectorsPerCopy = 10;
    s.arrays = 1;
    s.compute = 1e-6;
    execution.stages.push_back(s);
    execution.interval = execution.latency = 1e-6;
    CoreExecution core;
    auto op = [&](ExecOpKind kind, int64_t amount, int64_t hops = 0) {
      ExecOp o;
      o.kind = kind;
      o.layer = 0;
      o.amount = amount;
      o.hops = hops;
      core.ops.push_back(o);
    };
    op(ExecOpKind::Load, 200);
    op(ExecOpKind::Drive, 100);
    op(ExecOpKind::Convert, 50);
    op(ExecOpKind::ShiftAdd, 50);
    op(ExecOpKind::Accumulate, 10);
    op(ExecOpKind::Sfu, 30);
    op(ExecOpKind::Send, 10, 3);
    execution.cores.push_back(core);
    ArrayProgramming a;
    a.layer = "L0";
    a.cellsPerLevel = {2, 6};
    programming.arrays.push_back(a);
    programming.cores.push_back(CoreProgramming{});
    programming.time = 1e-3;
    programming.energy = 2e-9;
    LayerMapping l;
    l.name = "L0";
    l.groups = 1;
    l.depth = 4;
    l.columns = 3;
    l.inputCycles = 8;
    mapping.layers.push_back(l);
  }
};

// The target's stated static power replaces the leakage estimate.
TEST(PPAChip, StatedStaticPower) {
  Fixture f;
  f.chip.costs.staticPower = 0.5;
  ChipPPA p = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping,
                              240);
  EXPECT_EQ(p.staticPower, 0.5);
  EXPECT_REL(p.energyBy[size_t(EnergyComponent::Static)], 0.5 * 1e-6);
}

// Off-chip links (chip.off_chip_links) on the fixture: 3 links of 0.2 W
// and 0.5 mm^2 draw 0.6 W over the 1 us interval whatever the traffic, add
// 1.5 mm^2 to the placed area and to the bounding box as a block of their
// own (not to the cores holding arrays), and leave the leakage estimate
// (over the rest) and every operation's energy as they were.
TEST(PPAChip, OffChipLinksDrawTheirPowerAtAnyActivity) {
  Fixture none, three;
  three.chip.chip.offChipLinks = {3, 0.2, 0.5e-6};
  auto ppa = [](Fixture &f) {
    return estimateChipPPA(f.chip, f.execution, f.programming, f.mapping, 240);
  };
  ChipPPA p0 = ppa(none), p3 = ppa(three);
  EXPECT_EQ(p0.offChipLinkPower, 0.0);
  EXPECT_EQ(p0.energyBy[size_t(EnergyComponent::OffChipLinks)], 0.0);
  EXPECT_EQ(p0.areaBy[size_t(AreaComponent::OffChipLinks)], 0.0);
  EXPECT_REL(p3.offChipLinkPower, 0.6);
  EXPECT_REL(p3.energyBy[size_t(EnergyComponent::OffChipLinks)], 0.6 * 1e-6);
  ASSERT_EQ(p3.layers.size(), 1u);
  EXPECT_REL(p3.layers[0].energyBy[size_t(EnergyComponent::OffChipLinks)],
             0.6 * 1e-6);
  EXPECT_REL(p3.energy - p0.energy, 0.6 * 1e-6);
  EXPECT_REL(p3.areaBy[size_t(AreaComponent::OffChipLinks)], 1.5e-6);
  EXPECT_REL(p3.area - p0.area, 1.5e-6);
  EXPECT_REL(p3.boundingBoxArea - p0.boundingBoxArea, 1.5e-6);
  EXPECT_EQ(p3.usedArea, p0.usedArea);
  // (The leakage area is the placed area less the cells and the links:
  // equal up to rounding.)
  EXPECT_REL(p3.staticPower, p0.staticPower);
  EXPECT_REL(p3.energyBy[size_t(EnergyComponent::Static)],
             p0.energyBy[size_t(EnergyComponent::Static)]);
  for (size_t i = 0; i < kNumEnergyComponents; ++i)
    if (i != size_t(EnergyComponent::OffChipLinks) &&
        i != size_t(EnergyComponent::Static))
      EXPECT_EQ(p3.energyBy[i], p0.energyBy[i]) << i;
  const auto domains = energyByDomain(p3.energyBy);
  EXPECT_REL(domains[size_t(EnergyDomain::Static)],
             p3.energyBy[size_t(EnergyComponent::Static)] + 0.6e-6);
}

// Sample-and-holds (periphery.sample_and_hold) on the fixture: ISAAC's
// 10 uW and 0.00004 mm^2 per 1,024 at 32 nm, 1 V give 0.977 fJ per 100-ns
// sample and 0.039 um^2, scaled as the SAR ADC to 45 nm, 0.9 V (energy x
// 45/32 x 0.81, area x (45/32)^2).  One sample per conversion (50); one per
// column (8) of each of the 6 arrays, in the column strip.
TEST(PPAChip, SampleAndHoldsPerColumn) {
  Fixture none, held;
  held.chip.periphery.sampleAndHold = true;
  auto ppa = [](Fixture &f) {
    return estimateChipPPA(f.chip, f.execution, f.programming, f.mapping, 240);
  };
  ChipPPA p0 = ppa(none), p1 = ppa(held);
  const double energy = 10e-6 / 1024 * 100e-9 * (45.0 / 32) * 0.81;
  const double area = 0.00004e-6 / 1024 * (45.0 / 32) * (45.0 / 32);
  EXPECT_EQ(p0.components.sampleHoldEnergy, 0.0);
  EXPECT_EQ(p0.components.sampleHoldArea, 0.0);
  EXPECT_REL(p1.components.sampleHoldEnergy, energy);
  EXPECT_REL(p1.components.sampleHoldArea, area);
  EXPECT_REL(p1.energyBy[size_t(EnergyComponent::Adcs)] -
                 p0.energyBy[size_t(EnergyComponent::Adcs)],
             50 * energy);
  EXPECT_REL(p1.areaBy[size_t(AreaComponent::Adcs)] -
                 p0.areaBy[size_t(AreaComponent::Adcs)],
             6 * 8 * area);
  EXPECT_REL(p1.components.columnSideArea - p0.components.columnSideArea,
             8 * area);
}

TEST(PPAChip, EnergyAreaAndMetricsByHand) {
  Fixture f;
  ChipPPA p = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping,
                              240);
  auto e = [&](EnergyComponent c) { return p.energyBy[size_t(c)]; };
  const double adc = 2e-3 / 1.28e9 / 256 * 16 * (45.0 / 32) * 0.81;
  // Cells: activity 0.5 x (8 cycles x 10 vectors) x 0.25 V^2 x 10 ns x
  // (2 x 1 uS + 6 x 10 uS).
  EXPECT_REL(e(EnergyComponent::CellReads), 0.5 * 80 * 0.25 * 1e-8 * 6.2e-5);
  EXPECT_REL(e(EnergyComponent::Drivers), 0.5 * 100 * (kWordLine45 + 4 * kGe));
  EXPECT_REL(e(EnergyComponent::Adcs), 50 * adc);
  // 50 shift-adds of 13 bits, 10 accumulator adds of 19.
  EXPECT_REL(e(EnergyComponent::DigitalAdds),
             50 * 13 * 12 * kGe + 10 * 19 * 12 * kGe);
  EXPECT_REL(e(EnergyComponent::Buffers), 200 * 10e-12 / 64);
  EXPECT_REL(e(EnergyComponent::Sfu), 30 * 16 * 12 * kGe);
  EXPECT_REL(e(EnergyComponent::Interconnect), 10 * 3 * 1e-12);
  // Static: NeuroSim's 2.17 mW per 97.1 mm^2 over everything but the
  // cells, for one 1 us interval; the one layer holds every array.
  EXPECT_REL(p.staticPower, 2.17e-3 / 97.1e-6 *
                                (p.area - p.areaBy[size_t(AreaComponent::Arrays)]));
  EXPECT_REL(e(EnergyComponent::Static), p.staticPower * 1e-6);
  double sum = 0;
  for (double x : p.energyBy)
    sum += x;
  EXPECT_REL(p.energy, sum);
  ASSERT_EQ(p.layers.size(), 1u);
  EXPECT_REL(p.layers[0].energy, sum);
  EXPECT_REL(p.layers[0].ops, 2 * 4 * 3 * 10);
  // 240 ops every microsecond; per joule.
  EXPECT_REL(p.tops(), 240 / 1e-6 / 1e12);
  EXPECT_REL(p.topsPerWatt(), 240 / sum / 1e12);
  EXPECT_REL(p.power(), sum / 1e-6);
  // Area: 2 cores x 3 arrays; a 2 x 2 mesh leaves 2 empty slots.
  EXPECT_REL(p.areaBy[size_t(AreaComponent::Arrays)], 6 * 32 * 2.025e-13);
  EXPECT_REL(p.areaBy[size_t(AreaComponent::Adcs)],
             6 * 2 * 1.2e-9 * 16 / 256 * (45.0 / 32) * (45.0 / 32));
  EXPECT_EQ(p.meshSlots, 4);
  // The bounding box: 4 slots of a core whose 3 array macros are counted
  // as their outlines, the rest of the core packed, and the wires.
  const ComponentModel &m = p.components;
  const double coreBox =
      p.coreArea + 3 * (m.arrayMacroBoundingBox - m.arrayMacroArea);
  EXPECT_REL(p.corePitch, std::sqrt(coreBox));
  // The mesh's links are one core pitch long: the placed area's pitch is
  // the packed core's, the bounding box's the core outline's.
  const double placedLinks = kFixtureLinkWiresPerPitch * std::sqrt(p.coreArea);
  const double boxLinks = kFixtureLinkWiresPerPitch * p.corePitch;
  EXPECT_GT(boxLinks, placedLinks);
  EXPECT_REL(p.areaBy[size_t(AreaComponent::Links)], placedLinks);
  EXPECT_REL(p.boundingBoxArea, 4 * coreBox + boxLinks);
  EXPECT_REL(p.boundingBoxOverhead, p.boundingBoxArea - p.area);
  EXPECT_REL(p.area, 2 * p.coreArea + placedLinks);
  // Write switch matrices of the RRAM arrays: (4 x 9 + 8 x 7) GE each.
  EXPECT_REL(p.areaBy[size_t(AreaComponent::WritePeriphery)],
             6 * (4 * 9 + 8 * 7) * 394 * 2.025e-15);
  EXPECT_EQ(p.areaBy[size_t(AreaComponent::AdderTrees)], 0.0);
  EXPECT_EQ(p.usedCores, 1);
  EXPECT_EQ(p.programmingTime, 1e-3);
  EXPECT_EQ(p.programmingEnergy, 2e-9);
}

// Two devices per cell (array.devices_per_cell), on the fixture above: the
// cells conduct twice the current (2 x (2 x 1 uS + 6 x 10 uS)), each cell
// is two 10F x 10F positions side by side (arrays twice the area; row
// lines twice as long, 2 x 0.72 fF, and twice the access gates on the word
// line), and each bit line carries two access transistors per row;
// converters, adds, buffers and links do not change.
TEST(PPAChip, DevicesPerCellAddTheirCurrents) {
  Fixture one, two;
  two.chip.array.devicesPerCell = 2;
  auto ppa = [](Fixture &f) {
    return estimateChipPPA(f.chip, f.execution, f.programming, f.mapping, 240);
  };
  ChipPPA p1 = ppa(one), p2 = ppa(two);
  auto e = [](const ChipPPA &p, EnergyComponent c) {
    return p.energyBy[size_t(c)];
  };
  EXPECT_REL(e(p2, EnergyComponent::CellReads),
             0.5 * 80 * 0.25 * 1e-8 * 2 * 6.2e-5);
  EXPECT_REL(
      e(p2, EnergyComponent::Drivers),
      0.5 * 100 *
          ((1.44e-15 + 16 * kGate45) * 0.81 + 1.44e-15 * 0.25 + 4 * kGe));
  for (EnergyComponent c :
       {EnergyComponent::Adcs, EnergyComponent::DigitalAdds,
        EnergyComponent::Buffers, EnergyComponent::Interconnect})
    EXPECT_EQ(e(p2, c), e(p1, c));
  EXPECT_REL(p2.areaBy[size_t(AreaComponent::Arrays)], 6 * 32 * 2 * 2.025e-13);
  const ComponentModel &m1 = p1.components, &m2 = p2.components;
  EXPECT_REL(m2.cellAreaF2, 200);
  EXPECT_REL(m2.cellWidth, 2 * m1.cellWidth);
  EXPECT_EQ(m2.cellHeight, m1.cellHeight);
  EXPECT_REL(m2.cellAspectRatio, 2);
  EXPECT_REL(m2.cellJunctionCapacitance, 2 * kJunction45);
  EXPECT_REL(m2.colCapacitance - m1.colCapacitance, 4 * kJunction45);
  EXPECT_REL(m2.cellConductance(1), 2e-5);
  EXPECT_REL(m2.levelConductance(1), 1e-5);
}

// Voltage sensing in the roll-up: the fixture's array written as 4 x 2 used
// cells, column 0 at level 1 (10 uS), column 1 at level 0 (g_min, 1 nS
// here), read two rows at a time (2 row groups) at the default activity
// 0.5, 8 cycles x 10 vectors.  Per group, column 0 draws 0.5 x 20 uS for
// 10 ns, far more than C V: C V^2; column 1 draws 0.5 x 2 nS: V Q =
// 0.5 x (0.5 x 1e-9 x 1e-8).  Each bit-line read adds its precharge
// device (1 GE).  Nothing but the cell reads changes.
TEST(PPAChip, VoltageSensingRollUp) {
  Fixture f;
  f.chip.device.gMin = 1e-9;
  ChipPPA current = estimateChipPPA(f.chip, f.execution, f.programming,
                                    f.mapping, 240);
  f.chip.periphery.readCircuit = target::ReadCircuit::Voltage;
  ArrayProgramming &a = f.programming.arrays[0];
  a.physicalRows = 4;
  a.physicalCols = 2;
  a.cellsPerLevel = {4, 4};
  const std::vector<uint16_t> levels = {1, 0, 1, 0, 1, 0, 1, 0};
  a.cells = std::make_shared<const PackedLevels>(levels, 1);
  f.mapping.layers[0].rowsInParallel = 2;
  ChipPPA p = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping,
                              240);
  const double cbl = 0.36e-15 + 4 * kJunction45;
  const double perCycle =
      2 * (cbl * 0.25 + kGe + 0.5 * (0.5 * 1e-9 * 1e-8) + kGe);
  EXPECT_REL(p.energyBy[size_t(EnergyComponent::CellReads)], 80 * perCycle);
  for (EnergyComponent c :
       {EnergyComponent::Drivers, EnergyComponent::Adcs,
        EnergyComponent::DigitalAdds, EnergyComponent::Buffers})
    EXPECT_REL(p.energyBy[size_t(c)], current.energyBy[size_t(c)]);
  // All rows in one read (rows_in_parallel unknown): one group of 4 rows,
  // column 1 drawing twice the charge.
  f.mapping.layers[0].rowsInParallel = 0;
  f.chip.array.rowsInParallel = 4;
  ChipPPA all = estimateChipPPA(f.chip, f.execution, f.programming,
                                f.mapping, 240);
  EXPECT_REL(all.energyBy[size_t(EnergyComponent::CellReads)],
             80 * (cbl * 0.25 + kGe + 0.5 * (0.5 * 2e-9 * 1e-8) + kGe));
}

// Adder trees (2 inputs: 4 trees of one 19-bit adder per core) are core
// blocks: in the placed area and, packed, in every mesh slot of the
// bounding box; the partial-sum adds they make are the schedule's
// accumulate adds, charged once whether or not a tree makes them.
TEST(PPAChip, AdderTreesInTheAreaNotTheEnergy) {
  Fixture f;
  ChipPPA without = estimateChipPPA(f.chip, f.execution, f.programming,
                                    f.mapping, 240);
  f.chip.core.adderTreeInputs = 2;
  ChipPPA with = estimateChipPPA(f.chip, f.execution, f.programming,
                                 f.mapping, 240);
  const double trees = 4 * 19 * 12 * 394 * 2.025e-15;
  EXPECT_REL(with.areaBy[size_t(AreaComponent::AdderTrees)], 2 * trees);
  EXPECT_REL(with.coreArea, without.coreArea + trees);
  // The wires between cores grow with the core pitch, the placed area's
  // with the packed core's, the bounding box's with the core outline's.
  const double linksGrow = with.areaBy[size_t(AreaComponent::Links)] -
                           without.areaBy[size_t(AreaComponent::Links)];
  EXPECT_GT(linksGrow, 0);
  EXPECT_REL(with.area, without.area + 2 * trees + linksGrow);
  EXPECT_REL(linksGrow,
             kFixtureLinkWiresPerPitch *
                 (std::sqrt(with.coreArea) - std::sqrt(without.coreArea)));
  EXPECT_REL(with.boundingBoxArea,
             without.boundingBoxArea + 4 * trees +
                 kFixtureLinkWiresPerPitch *
                     (with.corePitch - without.corePitch));
  EXPECT_REL(with.energyBy[size_t(EnergyComponent::DigitalAdds)],
             without.energyBy[size_t(EnergyComponent::DigitalAdds)]);
  // They leak like the rest of the periphery.
  EXPECT_REL(with.staticPower - without.staticPower,
             2.17e-3 / 97.1e-6 * (2 * trees + linksGrow));
}

TEST(PPAChip, InputActivityFromBitDensities) {
  LayerMapping l;
  // No measurement: the fallback.
  EXPECT_EQ(inputActivity(l, 0.5), 0.5);
  // Four bits with densities 0.1, 0.2, 0.3, 0.4.  A 1-bit DAC drives one
  // bit per cycle: the mean, 0.25.
  l.inputBitDensity = {0.1, 0.2, 0.3, 0.4};
  l.dacBits = 1;
  EXPECT_REL(inputActivity(l, 0.5), 0.25);
  // A 2-bit DAC: cycle 0 carries bits 0, 1, mean digit 0.1 + 2 x 0.2 = 0.5
  // of 3; cycle 1 bits 2, 3: 0.3 + 2 x 0.4 = 1.1 of 3; mean (0.5 + 1.1) / 6.
  l.dacBits = 2;
  EXPECT_REL(inputActivity(l, 0.5), (0.5 + 1.1) / 6);
  // A 3-bit DAC over 4 bits: cycle 0 bits 0-2, 0.1 + 0.4 + 1.2 = 1.7 of 7;
  // cycle 1 bit 3 alone, 0.4 of 7.
  l.dacBits = 3;
  EXPECT_REL(inputActivity(l, 0.5), (1.7 / 7 + 0.4 / 7) / 2);
}

TEST(PPAChip, MeasuredActivityScalesCellAndDriverEnergy) {
  // The fixture's layer measured at 0.2 (1-bit DAC): cell reads and row
  // drivers scale from the default 0.5 to 0.2, nothing else changes.
  Fixture f;
  ChipPPA before = estimateChipPPA(f.chip, f.execution, f.programming,
                                   f.mapping, 240);
  f.mapping.layers[0].dacBits = 1;
  f.mapping.layers[0].inputBitDensity.assign(8, 0.2);
  ChipPPA after = estimateChipPPA(f.chip, f.execution, f.programming,
                                  f.mapping, 240);
  auto e = [](const ChipPPA &p, EnergyComponent c) {
    return p.energyBy[size_t(c)];
  };
  EXPECT_FALSE(before.layers[0].inputActivityMeasured);
  EXPECT_TRUE(after.layers[0].inputActivityMeasured);
  EXPECT_REL(after.layers[0].inputActivity, 0.2);
  EXPECT_REL(e(after, EnergyComponent::CellReads),
             e(before, EnergyComponent::CellReads) * 0.2 / 0.5);
  EXPECT_REL(e(after, EnergyComponent::Drivers),
             e(before, EnergyComponent::Drivers) * 0.2 / 0.5);
  EXPECT_REL(e(after, EnergyComponent::Adcs), e(before, EnergyComponent::Adcs));
}

TEST(PPAChip, CellCurrentTimeOverride) {
  // costs.cell_current_time: the cell current flows 1 ns instead of the
  // 10 ns read pulse, so the cell-read energy is a tenth; timing and the
  // other components stay.
  Fixture f;
  ChipPPA pulse = estimateChipPPA(f.chip, f.execution, f.programming,
                                  f.mapping, 240);
  f.chip.costs.cellCurrentTime = 1e-9;
  ChipPPA sensing = estimateChipPPA(f.chip, f.execution, f.programming,
                                    f.mapping, 240);
  auto e = [](const ChipPPA &p, EnergyComponent c) {
    return p.energyBy[size_t(c)];
  };
  EXPECT_REL(pulse.components.cellCurrentTime, 1e-8);
  EXPECT_REL(sensing.components.cellCurrentTime, 1e-9);
  EXPECT_REL(e(sensing, EnergyComponent::CellReads),
             e(pulse, EnergyComponent::CellReads) / 10);
  EXPECT_REL(e(sensing, EnergyComponent::Adcs), e(pulse, EnergyComponent::Adcs));
  EXPECT_EQ(sensing.interval, pulse.interval);
}

TEST(PPAChip, ProgramGroupsAddTheirIntervals) {
  Fixture f;
  f.execution.groups = {GroupExecution{0, 1, {0}, 1e-6, 1e-6},
                        GroupExecution{1, 1, {0}, 3e-6, 2e-6}};
  f.execution.groupSpillBits = 100;
  ChipPPA p = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping,
                              240);
  EXPECT_EQ(p.programGroups, 2);
  EXPECT_REL(p.interval, 3e-6);
  // Each spilled bit is written and read once: 2 x 100 x 0.156 pJ.
  EXPECT_REL(p.groupSpillEnergy, 200 * 10e-12 / 64);
}

TEST(PPAChip, TimePerInferenceByBatch) {
  Fixture f; // one group, latency = interval = 1 us
  ChipPPA one = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping,
                                240);
  ASSERT_EQ(one.timePerInferenceByBatch.size(), 4u);
  EXPECT_EQ(one.timePerInferenceByBatch[0].first, 1);
  EXPECT_EQ(one.timePerInferenceByBatch[3].first, 1000000);
  // Programmed once, before any batch: (latency + (B - 1) interval) / B.
  EXPECT_REL(one.timePerInferenceByBatch[0].second, 1e-6);
  EXPECT_REL(one.timePerInferenceByBatch[1].second, 1e-6);

  // Two groups, 5 ms and 7 ms to program, reprogrammed for every batch:
  // B = 1: 5e-3 + 7e-3 + (1 + 3) us = 12.004 ms;
  // B = 100: (12.004 ms + 99 x (1 + 2) us) / 100 = 123.01 us.
  f.execution.groups = {GroupExecution{0, 1, {0}, 1e-6, 1e-6},
                        GroupExecution{1, 1, {0}, 3e-6, 2e-6}};
  f.programming.groups = {GroupProgramming{0, 1, 5e-3, 1e-9, 0},
                          GroupProgramming{1, 1, 7e-3, 2e-9, 0}};
  ChipPPA two = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping,
                                240);
  EXPECT_REL(two.timePerInferenceByBatch[0].second, 12.004e-3);
  EXPECT_REL(two.timePerInferenceByBatch[1].second, 123.01e-6);
}

std::string render(void (*writer)(const CompileReport &, llvm::raw_ostream &),
                   const CompileReport &r) {
  std::string text;
  llvm::raw_string_ostream os(text);
  writer(r, os);
  return text;
}

TEST(PPAReport, SimulationSectionIsOptional) {
  Fixture f;
  CompileReport r;
  r.model = "m.onnx";
  r.ppa = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping, 240);
  std::string json = render(writeReportJson, r);
  EXPECT_NE(json.find("\"simulation\": null"), std::string::npos);
  std::string html = render(writeReportHtml, r);
  EXPECT_EQ(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("did not run"), std::string::npos);

  r.simulation = std::vector<AccuracyPoint>{{1, 0.9, 0.88, 0.92},
                                            {1e6, 0.8, 0.75, 0.85}};
  json = render(writeReportJson, r);
  EXPECT_NE(json.find("\"accuracy_mean\": 0.9"), std::string::npos);
  html = render(writeReportHtml, r);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("log scale"), std::string::npos);
  EXPECT_NE(render(writeReportText, r).find("t = 1 Ms: 80.0 %"),
            std::string::npos);
  // Deterministic and self-contained.
  EXPECT_EQ(html, render(writeReportHtml, r));
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(PPAReport, LayerNamesAreEscaped) {
  Fixture f;
  f.execution.stages[0].layer = "<b>&";
  f.programming.arrays[0].layer = "<b>&";
  f.mapping.layers[0].name = "<b>&";
  CompileReport r;
  r.ppa = estimateChipPPA(f.chip, f.execution, f.programming, f.mapping, 240);
  std::string html = render(writeReportHtml, r);
  EXPECT_NE(html.find("&lt;b&gt;&amp;"), std::string::npos);
  EXPECT_EQ(html.find("<b>&<"), std::string::npos);
}

} // namespace
