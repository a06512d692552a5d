//===- ProgrammingScheduleTest.cpp - Programming schedule by hand ---------===//
//
// Small quantized layers are mapped with the real passes (differential,
// bit-slice, partition) onto a hand-built target; every count, probability,
// time and energy below is worked out by hand in the comments
// (model: docs/programming-schedule.md).
//
//===----------------------------------------------------------------------===//
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Schedule/ProgrammingBinary.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"
#include "nncc/Support/Elements.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "MappedModuleTest.h"

#include "gtest/gtest.h"

#include <cstring>
#include <random>

using namespace mlir;
using namespace nncc;

namespace {

/// A chip with round numbers: 100 ns pulses, 10 ns verify reads (110 ns per
/// write-verify pulse), 1 pJ per pulse, g in [1 uS, 10 uS].
target::TargetChip makeChip(int64_t rows, int64_t cols, int64_t levels,
                            target::SignedWeightScheme scheme) {
  target::TargetChip chip;
  chip.name = "hand";
  chip.technology = {22e-9, 0.8, 1e9};
  chip.device.levels = levels;
  chip.device.gMin = 1e-6;
  chip.device.gMax = 1e-5;
  chip.device.readVoltage = 0.2;
  chip.device.readPulse = 10e-9;
  target::WriteVerify &wv = chip.device.programming;
  wv.scheme = target::ProgrammingScheme::WriteVerify;
  wv.amplitudeStart = 1;
  wv.amplitudeStep = 0.05;
  wv.amplitudeMax = 2;
  wv.pulseWidth = 100e-9;
  wv.maxIterations = 20;
  wv.tolerance = 0.25;
  wv.energyPerPulse = 1e-12;
  wv.parallelCells = 1;
  chip.array.rows = rows;
  chip.array.cols = cols;
  chip.array.rowsInParallel = rows;
  chip.array.signedWeights = scheme;
  chip.periphery.adcBits = 12;
  chip.periphery.columnsPerAdc = 1;
  chip.periphery.inputBits = 8;
  chip.periphery.dacBits = 1;
  chip.core.arrays = 4;
  chip.chip.cores = 2;
  return chip;
}

/// dense<[[[...], ...]]> of a [1, k, n] matrix given row-major.
std::string denseInts(int64_t k, int64_t n, llvm::ArrayRef<int64_t> values) {
  std::string s = "dense<[[";
  for (int64_t r = 0; r < k; ++r) {
    s += r ? ", [" : "[";
    for (int64_t c = 0; c < n; ++c)
      s += (c ? ", " : "") + std::to_string(values[r * n + c]);
    s += "]";
  }
  return s + "]]>";
}

/// One gemm layer [1, K] x [K, N] with symmetric 4-bit weights `ints`
/// (row-major K x N, zero points 0).
std::string layerModule(int64_t k, int64_t n, llvm::ArrayRef<int64_t> ints) {
  return llvm::formatv(
      "func.func @main(%x: tensor<1x{0}xf32>) -> tensor<1x{1}xf32> {{\n"
      "  %0 = cim.layer \"fc\" quantized %x {{input_bits = 8 : i64, input_scale = 1.0 : "
      "f64, input_signed = false, weight_bits = 4 : i64, weight_symmetric = "
      "true, weight_ints = {2} : tensor<1x{0}x{1}xi32>, weight_scales = "
      "dense<1.0> : tensor<{1}xf32>, weight_zero_points = dense<0> : "
      "tensor<{1}xi32>, weights = dense<0.0> : tensor<1x{0}x{1}xf32>, kind = "
      "#cim<kind gemm>} : (tensor<1x{0}xf32>) -> tensor<1x{1}xf32>\n"
      "  return %0 : tensor<1x{1}xf32>\n}\n",
      k, n, denseInts(k, n, ints));
}

class ProgrammingTest : public MappedModuleTest {
protected:
  ProgrammingSchedule build(ModuleOp module, const target::TargetChip &chip,
                            const ProgrammingOptions &options = {}) {
    llvm::Expected<ProgrammingSchedule> s =
        buildProgrammingSchedule(module, chip, options);
    if (!s) {
      ADD_FAILURE() << llvm::toString(s.takeError());
      return {};
    }
    return std::move(*s);
  }

  /// The layer below (kDiffWeights) on 4 x 8 differential-column arrays of
  /// `devices`-device cells, 8 cells programmed at once, array 5 placed on
  /// core 0 and array 0 on core 7.
  ProgrammingSchedule scheduleEightAtOnce(int64_t devices);
};

std::string jsonOf(const ProgrammingSchedule &s) {
  std::string text;
  llvm::raw_string_ostream os(text);
  writeProgrammingJson(s, os);
  return text;
}

std::string binaryOf(const ProgrammingSchedule &s) {
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  writeProgrammingBinary(s, os);
  return bytes;
}

uint32_t readU32(const std::string &bytes, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + i]))
         << (8 * i);
  return v;
}

// Weights of the differential-columns layer, K = 6 rows x N = 3 columns
// (symmetric 4 bits: |v| <= 7, 3 stored bits, 3 one-bit slices).
const int64_t kDiffWeights[] = {
    3,  -5, 0,  //
    7,  1,  -2, //
    0,  0,  0,  //
    -7, 4,  6,  //
    2,  -1, 5,  //
    -3, 0,  7,
};

// 4x8 arrays, 2 levels, differential columns.  A weight column needs
// 3 slices x 2 polarities = 6 physical columns, so one per array; rows split
// 4 + 2.  The partitioner numbers tiles row tile by row tile:
//   array 0: rows 0-3, col 0    array 3: rows 4-5, col 0
//   array 1: rows 0-3, col 1    array 4: rows 4-5, col 1
//   array 2: rows 0-3, col 2    array 5: rows 4-5, col 2
// A weight v puts popcount(|v|) ones into its 6 cells (G+ holds v's bits if
// v > 0, G- those of -v if v < 0); the rest are level 0.
//   array 0: v = 3, 7, 0, -7  -> 2 + 3 + 0 + 3 = 8 ones of 24 used cells
//   array 1: v = -5, 1, 0, 4  -> 2 + 1 + 0 + 1 = 4 ones
//   array 2: v = 0, -2, 0, 6  -> 0 + 1 + 0 + 2 = 3 ones
//   array 3: v = 2, -3        -> 1 + 2 = 3 ones of 12 used cells
//   array 4: v = -1, 0        -> 1 one
//   array 5: v = 5, 7         -> 2 + 3 = 5 ones
// 24 ones in all; used cells 3 * 24 + 3 * 12 = 108, so 108 - 24 = 84 at
// level 0; unused cells 3 * (32 - 24) + 3 * (32 - 12) = 84.
TEST_F(ProgrammingTest, SigmaZeroIsOnePulsePerNonZeroCell) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  ASSERT_EQ(s.arrays.size(), 6u);

  // sigma = 0: p = 1 at every level, E = 1 pulse, no failures.
  ASSERT_EQ(s.model.perLevel.size(), 2u);
  EXPECT_EQ(s.model.perLevel[1].acceptProbability, 1.0);
  EXPECT_EQ(s.model.perLevel[1].expectedPulses, 1.0);
  EXPECT_EQ(s.model.perLevel[0].expectedPulses, 0.0);
  EXPECT_DOUBLE_EQ(s.model.perLevel[0].conductance, 1e-6);
  EXPECT_DOUBLE_EQ(s.model.perLevel[1].conductance, 1e-5);
  EXPECT_DOUBLE_EQ(s.model.levelSpacing, 9e-6);
  EXPECT_DOUBLE_EQ(s.model.pulseTime, 110e-9);
  // Ramp 1 V .. 2 V in 0.05 V steps: 21 amplitudes.
  EXPECT_EQ(s.model.amplitudeSteps, 21);

  const int64_t ones[] = {8, 4, 3, 3, 1, 5};
  const int64_t used[] = {24, 24, 24, 12, 12, 12};
  for (int i = 0; i < 6; ++i) {
    const ArrayProgramming &a = s.arrays[i];
    EXPECT_EQ(a.id, i);
    EXPECT_EQ(a.layer, "fc");
    EXPECT_EQ(a.core, i / 4) << "4 arrays per core";
    EXPECT_EQ(a.cellsPerLevel[1], ones[i]) << "array " << i;
    EXPECT_EQ(a.cellsPerLevel[0], used[i] - ones[i]) << "array " << i;
    EXPECT_EQ(a.unusedCells, 32 - used[i]);
    EXPECT_EQ(a.programmedCells, ones[i]);
    EXPECT_EQ(a.expectedPulses, static_cast<double>(ones[i]));
    EXPECT_EQ(a.expectedFailingCells, 0.0);
    // One cell at a time: ones x 110 ns, ones x 1 pJ.
    EXPECT_NEAR(a.time, ones[i] * 110e-9, 1e-18);
    EXPECT_NEAR(a.energy, ones[i] * 1e-12, 1e-24);
  }
  EXPECT_EQ(s.arrays[0].rowBegin, 0);
  EXPECT_EQ(s.arrays[0].rowEnd, 4);
  EXPECT_EQ(s.arrays[4].rowBegin, 4);
  EXPECT_EQ(s.arrays[4].colBegin, 1);
  EXPECT_EQ(s.arrays[4].physicalRows, 2);
  EXPECT_EQ(s.arrays[4].physicalCols, 6);

  // Array 0, weight row 0 (v = 3 = 0b011): slice s, polarity p at physical
  // column 2s + p -> G+ of slices 0 and 1 set: 1 0 1 0 0 0.  Row 3
  // (v = -7): G- of every slice: 0 1 0 1 0 1.
  const std::vector<uint16_t> &c0 = s.arrays[0].cellLevels();
  EXPECT_EQ(std::vector<uint16_t>(c0.begin(), c0.begin() + 6),
            (std::vector<uint16_t>{1, 0, 1, 0, 0, 0}));
  EXPECT_EQ(std::vector<uint16_t>(c0.begin() + 18, c0.begin() + 24),
            (std::vector<uint16_t>{0, 1, 0, 1, 0, 1}));

  // Cores: core 0 = arrays 0-3 = 18 pulses = 1980 ns; core 1 = arrays 4-5 =
  // 6 pulses = 660 ns.  Chip: max = 1.98 us on core 0; 24 pJ.
  ASSERT_EQ(s.cores.size(), 2u);
  EXPECT_EQ(s.cores[0].arrays, 4);
  EXPECT_NEAR(s.cores[0].time, 1980e-9, 1e-18);
  EXPECT_NEAR(s.cores[1].time, 660e-9, 1e-18);
  EXPECT_NEAR(s.time, 1980e-9, 1e-18);
  EXPECT_EQ(s.criticalCore, 0);
  EXPECT_NEAR(s.energy, 24e-12, 1e-24);
  EXPECT_EQ(s.expectedPulses, 24.0);
  EXPECT_EQ(s.programmedCells, 24);
  EXPECT_EQ(s.cellsPerLevel, (std::vector<int64_t>{84, 24}));
  EXPECT_EQ(s.unusedCells, 84);
  EXPECT_EQ(s.expectedFailingCells, 0.0);
}

// The same layer, a row of 8 cells programmed at once: an array costs one
// pulse slot per physical row holding a one (sigma = 0: every E is 1).
//   array 0: v = 3, 7, 0, -7 -> rows 0, 1, 3 -> 3 slots
//   array 1: v = -5, 1, 0, 4 -> 3 slots      array 2: v = 0, -2, 0, 6 -> 2
//   array 3: v = 2, -3       -> 2 slots      array 4: v = -1, 0       -> 1
//   array 5: v = 5, 7        -> 2 slots
// Placement override: array 5 on core 0, array 0 on core 7.
//   core 0 = arrays 1, 2, 3, 5 = 3 + 2 + 2 + 2 = 9 slots = 990 ns
//   core 1 = array 4 = 110 ns;  core 7 = array 0 = 330 ns.
ProgrammingSchedule ProgrammingTest::scheduleEightAtOnce(int64_t devices) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  chip.device.programming.parallelCells = 8;
  chip.array.devicesPerCell = devices;
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  if (!module) {
    ADD_FAILURE() << "the layer does not map";
    return {};
  }
  ProgrammingOptions options;
  options.coreOfArray[5] = 0;
  options.coreOfArray[0] = 7;
  return build(*module, chip, options);
}

TEST_F(ProgrammingTest, ParallelCellsAndPlacementOverride) {
  ProgrammingSchedule s = scheduleEightAtOnce(1);
  ASSERT_EQ(s.arrays.size(), 6u);
  const int64_t slots[] = {3, 3, 2, 2, 1, 2};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(s.arrays[i].parallelGroups, slots[i]) << "array " << i;
    EXPECT_NEAR(s.arrays[i].time, slots[i] * 110e-9, 1e-18) << "array " << i;
  }
  ASSERT_EQ(s.cores.size(), 3u);
  EXPECT_EQ(s.cores[0].id, 0);
  EXPECT_EQ(s.cores[0].arrays, 4);
  EXPECT_NEAR(s.cores[0].time, 990e-9, 1e-18);
  EXPECT_EQ(s.cores[1].id, 1);
  EXPECT_NEAR(s.cores[1].time, 110e-9, 1e-18);
  EXPECT_EQ(s.cores[2].id, 7);
  EXPECT_NEAR(s.cores[2].time, 330e-9, 1e-18);
  EXPECT_NEAR(s.time, 990e-9, 1e-18);
  EXPECT_EQ(s.criticalCore, 0);
  // Energy does not depend on parallelism: still 24 pulses.
  EXPECT_NEAR(s.energy, 24e-12, 1e-24);

  // The JSON flags core 7 as beyond the 2-core chip.
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(jsonOf(s));
  ASSERT_TRUE(static_cast<bool>(json)) << llvm::toString(json.takeError());
  const llvm::json::Object *chipTotals = json->getAsObject()->getObject("chip");
  ASSERT_TRUE(chipTotals);
  EXPECT_EQ(chipTotals->getInteger("cores_beyond_chip"), 1);
  EXPECT_EQ(chipTotals->getInteger("cores_used"), 3);
}

// Three devices per cell, each written and verified on its own in one pass
// per device (array.devices_per_cell), 8 cells at a time as above: every
// array takes 3 x its slots, pulses and energy (sigma = 0: 3 x 24 pulses,
// 72 pJ; core 0: 3 x 990 ns), while it still holds the same cells.
TEST_F(ProgrammingTest, DevicesOfACellAreWrittenInPasses) {
  ProgrammingSchedule s = scheduleEightAtOnce(3);
  ASSERT_EQ(s.arrays.size(), 6u);
  EXPECT_EQ(s.model.devicesPerCell, 3);
  const int64_t slots[] = {3, 3, 2, 2, 1, 2};
  const int64_t ones[] = {8, 4, 3, 3, 1, 5};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(s.arrays[i].parallelGroups, 3 * slots[i]) << "array " << i;
    EXPECT_NEAR(s.arrays[i].time, 3 * slots[i] * 110e-9, 1e-18);
    EXPECT_EQ(s.arrays[i].programmedCells, ones[i]);
    EXPECT_EQ(s.arrays[i].expectedPulses, 3.0 * ones[i]);
  }
  EXPECT_NEAR(s.cores[0].time, 2970e-9, 1e-18);
  EXPECT_NEAR(s.time, 2970e-9, 1e-18);
  EXPECT_NEAR(s.energy, 72e-12, 1e-24);
  EXPECT_EQ(s.programmedCells, 24);
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(jsonOf(s));
  ASSERT_TRUE(static_cast<bool>(json)) << llvm::toString(json.takeError());
  const llvm::json::Object *model = json->getAsObject()->getObject("model");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->getInteger("devices_per_cell"), 3);
}

// Program groups: arrays of different groups are resident at different
// times, so their times add up; within a group, cores work in parallel.
// sigma = 0, one cell at a time: an array takes (its ones) x 110 ns
// (ones 8, 4, 3, 3, 1, 5, SigmaZeroIsOnePulsePerNonZeroCell).
//   core 0: arrays 0, 1, 2      core 1: arrays 3, 4, 5
//   group 0 (not listed): arrays 0, 1, 4    group 2: arrays 2, 3, 5
//   group 0: core 0 = 8 + 4 = 12 pulses = 1320 ns, core 1 = 1 = 110 ns
//            -> 1320 ns on core 0; energy 13 pJ
//   group 2: core 0 = 3 = 330 ns, core 1 = 3 + 5 = 8 = 880 ns
//            -> 880 ns on core 1; energy 11 pJ
//   chip: 1320 + 880 = 2200 ns (without groups: max(1650, 990) = 1650 ns);
//   critical core: that of the longest group (0) = core 0.
// Core totals still sum all their arrays: core 0 = 15 pulses = 1650 ns,
// core 1 = 9 = 990 ns.
TEST_F(ProgrammingTest, ProgramGroupsAddUp) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(module);
  ProgrammingOptions options;
  for (int64_t id = 0; id < 6; ++id)
    options.coreOfArray[id] = id / 3;
  options.programGroupOfArray = {{2, 2}, {3, 2}, {5, 2}};
  ProgrammingSchedule s = build(*module, chip, options);
  ASSERT_EQ(s.arrays.size(), 6u);
  const int64_t groupOf[] = {0, 0, 2, 2, 0, 2};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(s.arrays[i].programGroup, groupOf[i]) << "array " << i;

  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_EQ(s.groups[0].id, 0);
  EXPECT_EQ(s.groups[0].arrays, 3);
  EXPECT_NEAR(s.groups[0].time, 1320e-9, 1e-18);
  EXPECT_NEAR(s.groups[0].energy, 13e-12, 1e-24);
  EXPECT_EQ(s.groups[0].criticalCore, 0);
  EXPECT_EQ(s.groups[1].id, 2);
  EXPECT_EQ(s.groups[1].arrays, 3);
  EXPECT_NEAR(s.groups[1].time, 880e-9, 1e-18);
  EXPECT_NEAR(s.groups[1].energy, 11e-12, 1e-24);
  EXPECT_EQ(s.groups[1].criticalCore, 1);
  EXPECT_NEAR(s.time, 2200e-9, 1e-18);
  EXPECT_EQ(s.criticalCore, 0);
  EXPECT_NEAR(s.energy, 24e-12, 1e-24);

  ASSERT_EQ(s.cores.size(), 2u);
  EXPECT_NEAR(s.cores[0].time, 1650e-9, 1e-18);
  EXPECT_NEAR(s.cores[1].time, 990e-9, 1e-18);
  EXPECT_EQ(s.cores[0].arrays, 3);

  // The JSON lists both groups, in ascending order, and each array's group.
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(jsonOf(s));
  ASSERT_TRUE(static_cast<bool>(json)) << llvm::toString(json.takeError());
  const llvm::json::Object &root = *json->getAsObject();
  const llvm::json::Array *groups = root.getArray("groups");
  ASSERT_TRUE(groups);
  ASSERT_EQ(groups->size(), 2u);
  const llvm::json::Object &g2 = *(*groups)[1].getAsObject();
  EXPECT_EQ(g2.getInteger("group"), 2);
  EXPECT_EQ(g2.getInteger("arrays"), 3);
  EXPECT_EQ(g2.getNumber("expected_time_s"), s.groups[1].time);
  EXPECT_EQ(g2.getNumber("expected_energy_j"), s.groups[1].energy);
  EXPECT_EQ(g2.getInteger("critical_core"), 1);
  EXPECT_EQ(root.getObject("chip")->getNumber("expected_time_s"), s.time);
  const llvm::json::Array *arrays = root.getArray("arrays");
  ASSERT_TRUE(arrays);
  EXPECT_EQ((*arrays)[3].getAsObject()->getInteger("program_group"), 2);
  EXPECT_EQ((*arrays)[4].getAsObject()->getInteger("program_group"), 0);

  // Arrays 0 and 1 move to group 2: group 0 is array 4 alone (core 1,
  // 110 ns); group 2 takes core 0 = 8 + 4 + 3 = 15 pulses = 1650 ns, core 1
  // = 8 = 880 ns.  Chip 1760 ns; its critical core is the longest group's
  // (core 0), not the first group's (core 1).
  options.programGroupOfArray[1] = 2;
  options.programGroupOfArray[0] = 2;
  s = build(*module, chip, options);
  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_NEAR(s.groups[0].time, 110e-9, 1e-18) << "array 4 alone";
  EXPECT_EQ(s.groups[0].criticalCore, 1);
  EXPECT_NEAR(s.groups[1].time, 1650e-9, 1e-18);
  EXPECT_EQ(s.groups[1].criticalCore, 0);
  EXPECT_NEAR(s.time, 1760e-9, 1e-18);
  EXPECT_EQ(s.criticalCore, 0);
}

// Differential rows on 4x4 arrays, 4 levels (2 bits per cell): |v| <= 7 is
// 3 stored bits = 2 slices; 2 weight rows (4 physical) and 2 weight columns
// (2 slices each) fill one array.  Weights [[5, -6], [-1, 3]]:
//   5 = 01|01 -> slices (1, 1);  6 = 01|10 -> (2, 1);  1 -> (1, 0);
//   3 -> (3, 0).  Column (n * 2 + s), rows 2k (G+) and 2k + 1 (G-):
//     row 0 (G+ of  5, -6): 1 1 0 0
//     row 1 (G- of  5, -6): 0 0 2 1
//     row 2 (G+ of -1,  3): 0 0 3 0
//     row 3 (G- of -1,  3): 1 0 0 0
//   cells per level: 10, 4, 1, 1.
// Per-level sigma (fraction of g_max - g_min = R) [0, 0.1, 0.05, 0],
// tolerance 0.3, spacing R / 3: accepted |e| <= 0.1 R.
//   level 1: sigma = 0.1 R  -> p = erf(0.1 / (0.1 sqrt 2)) = erf(0.70711)
//            = 0.6827 (the one-sigma interval)
//   level 2: sigma = 0.05 R -> p = erf(1.41421) = 0.9545 (two sigma)
//   level 3: sigma = 0      -> p = 1
// max_iterations M = 3: E = 1 + q + q^2, failure q^3 (q = 1 - p):
//   level 1: q = 0.317311, E = 1 + 0.317311 + 0.100686 = 1.417997
//            (1.4179965 unrounded), failure = 0.031949
//   level 2: q = 0.045500, E = 1 + 0.045500 + 0.002070 = 1.047570,
//            failure = 0.0000942
//   level 3: E = 1, failure 0
// Array: pulses = 4 * 1.4179965 + 1.047570 + 1 = 7.719556; failing cells =
// 4 * 0.031949 + 0.0000942 = 0.127890; one cell at a time: 7.719556 *
// 110 ns = 849.151 ns; energy 7.719556 pJ.
TEST_F(ProgrammingTest, WriteVerifyWithPerLevelSigma) {
  target::TargetChip chip =
      makeChip(4, 4, 4, target::SignedWeightScheme::DifferentialRows);
  chip.device.programming.tolerance = 0.3;
  chip.device.programming.maxIterations = 3;
  chip.device.statistics.programmingSigmaPerLevel = {0, 0.1, 0.05, 0};
  auto module = map(layerModule(2, 2, {5, -6, -1, 3}), chip);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  ASSERT_EQ(s.arrays.size(), 1u);
  const ArrayProgramming &a = s.arrays[0];
  EXPECT_EQ(a.cellLevels(), (std::vector<uint16_t>{1, 1, 0, 0, //
                                                   0, 0, 2, 1, //
                                                   0, 0, 3, 0, //
                                                   1, 0, 0, 0}));
  EXPECT_EQ(a.cellsPerLevel, (std::vector<int64_t>{10, 4, 1, 1}));

  const std::vector<LevelProgramming> &l = s.model.perLevel;
  ASSERT_EQ(l.size(), 4u);
  EXPECT_NEAR(l[1].acceptProbability, 0.6827, 5e-5);
  EXPECT_NEAR(l[2].acceptProbability, 0.9545, 5e-5);
  EXPECT_EQ(l[3].acceptProbability, 1.0);
  EXPECT_NEAR(l[1].expectedPulses, 1.4179965, 1e-6);
  EXPECT_NEAR(l[2].expectedPulses, 1.047570, 1e-6);
  EXPECT_EQ(l[3].expectedPulses, 1.0);
  EXPECT_NEAR(l[1].failureProbability, 0.031949, 1e-6);
  EXPECT_NEAR(l[2].failureProbability, 0.0000942, 1e-7);
  EXPECT_EQ(l[3].failureProbability, 0.0);

  EXPECT_NEAR(a.expectedPulses, 7.719556, 2e-6);
  EXPECT_NEAR(a.expectedFailingCells, 0.127890, 2e-6);
  EXPECT_NEAR(a.time, 849.151e-9, 1e-12);
  EXPECT_NEAR(a.energy, 7.719556e-12, 2e-18);
  EXPECT_NEAR(s.time, a.time, 1e-18);
  EXPECT_NEAR(s.expectedFailingCells, 0.127890, 2e-6);
}

// The same array, a row (4 cells) at a time: a row costs its largest E.
//   row 0: levels 1, 1    -> 1.4179965
//   row 1: levels 2, 1    -> 1.4179965
//   row 2: level 3        -> 1
//   row 3: level 1        -> 1.4179965
// 5.2539895 slots * 110 ns = 577.939 ns.
TEST_F(ProgrammingTest, GroupCostsItsLargestExpectedPulses) {
  target::TargetChip chip =
      makeChip(4, 4, 4, target::SignedWeightScheme::DifferentialRows);
  chip.device.programming.tolerance = 0.3;
  chip.device.programming.maxIterations = 3;
  chip.device.programming.parallelCells = 4;
  chip.device.statistics.programmingSigmaPerLevel = {0, 0.1, 0.05, 0};
  auto module = map(layerModule(2, 2, {5, -6, -1, 3}), chip);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  ASSERT_EQ(s.arrays.size(), 1u);
  EXPECT_EQ(s.arrays[0].parallelGroups, 4);
  EXPECT_NEAR(s.arrays[0].time, 577.939e-9, 1e-12);
  // Pulses and energy are per cell, not per group.
  EXPECT_NEAR(s.arrays[0].expectedPulses, 7.719556, 2e-6);
}

// Offset reference on 4x4 arrays, 2 levels: symmetric 4-bit weights are
// stored as v + 8 in 4 bits = 4 one-bit slices; with the reference column 3
// columns remain, so a weight column splits into slices [0, 3) (+ the
// reference column, all ones) on array 0 and slice [3, 4) on array 1.
// Weights [3; -2] -> stored 11 = 0b1011 and 6 = 0b0110:
//   array 0: row 0: 1 1 0 | 1    row 1: 0 1 1 | 1   -> 6 ones, 2 zeros
//   array 1: row 0: 1            row 1: 0           -> 1 one, 1 zero
// Sigma relative to the target: 0.1 * G(1) = 0.1 * 10 uS = 1 uS; accepted
// 0.25 * 9 uS = 2.25 uS = 2.25 sigma: p = erf(2.25 / sqrt 2) =
// 2 Phi(2.25) - 1 = 2 * 0.98778 - 1 = 0.97555 (0.9756).
// Single pulse: every non-zero cell gets 1 pulse of 100 ns (no verify), and
// is out of tolerance with probability 1 - p = 0.02445: 7 cells ->
// 0.17114 failing cells.  Time 7 * 100 ns = 700 ns (one core), 7 pJ.
TEST_F(ProgrammingTest, SinglePulseRelativeSigmaOffsetScheme) {
  target::TargetChip chip =
      makeChip(4, 4, 2, target::SignedWeightScheme::OffsetReference);
  chip.device.programming.scheme = target::ProgrammingScheme::SinglePulse;
  chip.device.statistics.programmingSigma = 0.1;
  chip.device.statistics.programmingSigmaRelative = true;
  auto module = map(layerModule(2, 1, {3, -2}), chip);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  ASSERT_EQ(s.arrays.size(), 2u);
  EXPECT_TRUE(s.arrays[0].referenceColumn);
  EXPECT_EQ(s.arrays[0].sliceEnd, 3);
  // Reference column first (TileLayout.h), then slices 0..2 of each row.
  EXPECT_EQ(s.arrays[0].cellLevels(),
            (std::vector<uint16_t>{1, 1, 1, 0, 1, 0, 1, 1}));
  EXPECT_FALSE(s.arrays[1].referenceColumn);
  EXPECT_EQ(s.arrays[1].cellLevels(), (std::vector<uint16_t>{1, 0}));

  const LevelProgramming &l1 = s.model.perLevel[1];
  EXPECT_NEAR(l1.sigma, 1e-6, 1e-18);
  EXPECT_NEAR(l1.acceptProbability, 0.9756, 5e-5);
  EXPECT_EQ(l1.expectedPulses, 1.0);
  EXPECT_NEAR(l1.failureProbability, 0.02445, 1e-5);
  EXPECT_DOUBLE_EQ(s.model.pulseTime, 100e-9);
  EXPECT_EQ(s.expectedPulses, 7.0);
  EXPECT_NEAR(s.expectedFailingCells, 0.17114, 1e-4);
  EXPECT_NEAR(s.time, 700e-9, 1e-18);
  EXPECT_NEAR(s.energy, 7e-12, 1e-24);

  // Write-verify with the same sigma and 20 iterations: E = (1 - q^20) / p
  // = 1 / 0.97555 = 1.02506 (q^20 ~ 6e-33); failure q^20, negligible.
  chip.device.programming.scheme = target::ProgrammingScheme::WriteVerify;
  ProgrammingSchedule v = build(*module, chip);
  EXPECT_NEAR(v.model.perLevel[1].expectedPulses, 1.02506, 1e-5);
  EXPECT_LT(v.model.perLevel[1].failureProbability, 1e-30);
  EXPECT_NEAR(v.expectedPulses, 7 * 1.02506, 1e-4);
}

// Two builds (and two parses of the same text) give the same bytes.
TEST_F(ProgrammingTest, OutputIsDeterministic) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  chip.device.statistics.programmingSigma = 0.07;
  auto first = map(layerModule(6, 3, kDiffWeights), chip);
  auto second = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(first && second);
  ProgrammingSchedule a = build(*first, chip), b = build(*first, chip),
                      c = build(*second, chip);
  EXPECT_EQ(jsonOf(a), jsonOf(b));
  EXPECT_EQ(jsonOf(a), jsonOf(c));
  EXPECT_EQ(binaryOf(a), binaryOf(b));
  EXPECT_EQ(binaryOf(a), binaryOf(c));
}

// programming.bin version 2 byte by byte (docs/programming-schedule.md):
// 2 levels = 1 bit per cell, LSB first.  Arrays 0-2 use 4x6 cells (24 bits,
// 3 bytes), arrays 3-5 2x6 (12 bits, 2 bytes):
//   32 + 3 * (16 + 3) + 3 * (16 + 2) = 143 bytes.
// Array 0 (record at 32, cells at 48), rows v = 3, 7, 0, -7:
//   cells 0-7   = 1 0 1 0 0 0 | 1 0      -> bits 0, 2, 6    = 0x45
//   cells 8-15  = 1 0 1 0 | 0 0 0 0      -> bits 0, 2       = 0x05
//   cells 16-23 = 0 0 | 0 1 0 1 0 1      -> bits 3, 5, 7    = 0xA8
// Array 3 (record at 32 + 3 * 19 = 89, cells at 105), rows v = 2, -3:
//   cells 0-7   = 0 0 1 0 0 0 | 0 1      -> bits 2, 7       = 0x84
//   cells 8-11  = 0 1 0 0, 4 padding 0s  -> bit 1           = 0x02
TEST_F(ProgrammingTest, BinaryLayout) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  std::string bytes = binaryOf(s);
  ASSERT_EQ(bytes.size(), 143u);
  EXPECT_EQ(bytes.substr(0, 8), "NNCCPRG1");
  EXPECT_EQ(readU32(bytes, 8), 2u);           // version
  EXPECT_EQ(readU32(bytes, 12), 6u);          // arrays
  EXPECT_EQ(readU32(bytes, 16), 4u);          // rows
  EXPECT_EQ(readU32(bytes, 20), 8u);          // cols
  EXPECT_EQ(readU32(bytes, 24), 2u);          // levels
  EXPECT_EQ(readU32(bytes, 28), 1u);          // bits per cell
  EXPECT_EQ(readU32(bytes, 32), 0u);          // id
  EXPECT_EQ(readU32(bytes, 36), 0xffffffffu); // not a replica
  EXPECT_EQ(readU32(bytes, 40), 4u);          // physical rows
  EXPECT_EQ(readU32(bytes, 44), 6u);          // physical cols
  const char array0[] = {0x45, 0x05, static_cast<char>(0xA8)};
  EXPECT_EQ(std::memcmp(bytes.data() + 48, array0, 3), 0);
  EXPECT_EQ(readU32(bytes, 89), 3u);
  EXPECT_EQ(readU32(bytes, 89 + 8), 2u);
  EXPECT_EQ(readU32(bytes, 89 + 12), 6u);
  const char array3[] = {static_cast<char>(0x84), 0x02};
  EXPECT_EQ(std::memcmp(bytes.data() + 105, array3, 2), 0);

  // Read back: every array's levels.
  llvm::Expected<ProgrammingBinary> file = readProgrammingBinary(bytes);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  ASSERT_EQ(file->arrays.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(file->arrays[i].id, s.arrays[i].id);
    EXPECT_EQ(*file->arrays[i].cells, s.arrays[i].cellLevels());
  }
}

TEST_F(ProgrammingTest, JsonSummary) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  std::string text = jsonOf(s);
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  ASSERT_TRUE(static_cast<bool>(json)) << llvm::toString(json.takeError());
  const llvm::json::Object &root = *json->getAsObject();
  EXPECT_EQ(root.getString("schema"), "nncc-programming-schedule");
  EXPECT_EQ(root.getInteger("version"), 2);
  EXPECT_EQ(root.getString("target"), "hand");
  const llvm::json::Object *model = root.getObject("model");
  ASSERT_TRUE(model);
  EXPECT_EQ(model->getString("scheme"), "write-verify");
  EXPECT_EQ(model->getNumber("pulse_time_s"), s.model.pulseTime);
  EXPECT_EQ(model->getNumber("pulse_width_s"), 100e-9);
  const llvm::json::Object *chipTotals = root.getObject("chip");
  ASSERT_TRUE(chipTotals);
  EXPECT_EQ(chipTotals->getInteger("arrays"), 6);
  EXPECT_EQ(chipTotals->getInteger("programmed_cells"), 24);
  EXPECT_EQ(chipTotals->getNumber("expected_pulses"), 24.0);
  EXPECT_EQ(chipTotals->getNumber("expected_time_s"), s.time);
  EXPECT_EQ(chipTotals->getNumber("expected_energy_j"), s.energy);
  const llvm::json::Array *arrays = root.getArray("arrays");
  ASSERT_TRUE(arrays);
  ASSERT_EQ(arrays->size(), 6u);
  const llvm::json::Object &a5 = *(*arrays)[5].getAsObject();
  EXPECT_EQ(a5.getInteger("array"), 5);
  EXPECT_EQ(a5.getInteger("core"), 1);
  EXPECT_EQ(a5.getString("layer"), "fc");
  EXPECT_EQ(a5.getInteger("program_group"), 0);
  EXPECT_EQ(a5.getInteger("parallel_groups"), 5) << "one cell at a time";
  // Without program groups there is one group holding everything.
  const llvm::json::Array *groups = root.getArray("groups");
  ASSERT_TRUE(groups);
  ASSERT_EQ(groups->size(), 1u);
  const llvm::json::Object &g0 = *(*groups)[0].getAsObject();
  EXPECT_EQ(g0.getInteger("group"), 0);
  EXPECT_EQ(g0.getInteger("arrays"), 6);
  EXPECT_EQ(g0.getNumber("expected_time_s"), s.time);
  EXPECT_EQ(g0.getNumber("expected_energy_j"), s.energy);
  EXPECT_EQ(g0.getInteger("critical_core"), 0);
  const llvm::json::Array *levels = a5.getArray("cells_per_level");
  ASSERT_TRUE(levels);
  EXPECT_EQ((*levels)[0].getAsInteger(), 7);
  EXPECT_EQ((*levels)[1].getAsInteger(), 5);
  const llvm::json::Array *rows = a5.getArray("weight_rows");
  ASSERT_TRUE(rows);
  EXPECT_EQ((*rows)[0].getAsInteger(), 4);
  EXPECT_EQ((*rows)[1].getAsInteger(), 6);
  // Numbers print as the shortest text that reads back exactly; small
  // integer lists stay on one line.
  EXPECT_NE(text.find("\"pulse_width_s\": 1e-07,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"cells_per_level\": [7, 5],"), std::string::npos)
      << text;
}

TEST_F(ProgrammingTest, Errors) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  // Not partitioned.
  OwningOpRef<ModuleOp> raw =
      parseSourceString<ModuleOp>(layerModule(6, 3, kDiffWeights), &context);
  ASSERT_TRUE(raw);
  llvm::Expected<ProgrammingSchedule> s = buildProgrammingSchedule(*raw, chip);
  ASSERT_FALSE(static_cast<bool>(s));
  EXPECT_NE(llvm::toString(s.takeError()).find("is not partitioned"),
            std::string::npos);

  // A chip that differs from the module's #cim.target.
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(module);
  target::TargetChip other = chip;
  other.device.levels = 4;
  s = buildProgrammingSchedule(*module, other);
  ASSERT_FALSE(static_cast<bool>(s));
  EXPECT_NE(llvm::toString(s.takeError()).find("levels"), std::string::npos);

  // A per-level sigma list of the wrong length.
  other = chip;
  other.device.statistics.programmingSigmaPerLevel = {0.1};
  s = buildProgrammingSchedule(*module, other);
  ASSERT_FALSE(static_cast<bool>(s));
  EXPECT_NE(llvm::toString(s.takeError()).find("programming_sigma_per_level"),
            std::string::npos);

  // Levels beyond what a uint16 cell (and programming.bin) can hold.
  other = chip;
  other.device.levels = 65537;
  llvm::Expected<ProgrammingModel> model = makeProgrammingModel(other);
  ASSERT_FALSE(static_cast<bool>(model));
  EXPECT_EQ(llvm::toString(model.takeError()),
            "programming: the device has 65537 levels, needs 2 to 65536");
  other.device.levels = 65536;
  model = makeProgrammingModel(other);
  ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
}

// Replicas (`replica_arrays` on a tile, --nncc-replicate) are arrays of
// their own with the tile's cells: array 1 (4 ones) copied into arrays 6
// and 9 adds 8 pulses; array 9 sits on core 9 / 4 = 2, array 6 on core 1
// (arrays 4, 5, 6: 1 + 5 + 4 = 10 pulses = 1100 ns).
TEST_F(ProgrammingTest, ReplicaArrays) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(module);
  module->walk([&](cim::MVMOp mvm) {
    if (mvm.getArray() == 1)
      mvm->setAttr("replica_arrays", DenseI64ArrayAttr::get(&context, {6, 9}));
  });
  ProgrammingSchedule s = build(*module, chip);
  ASSERT_EQ(s.arrays.size(), 8u);
  EXPECT_EQ(s.arrays[6].id, 6);
  EXPECT_EQ(s.arrays[6].replicaOf, 1);
  EXPECT_EQ(s.arrays[6].core, 1);
  EXPECT_EQ(s.arrays[6].cellLevels(), s.arrays[1].cellLevels());
  EXPECT_EQ(s.arrays[7].id, 9);
  EXPECT_EQ(s.arrays[7].core, 2);
  EXPECT_EQ(s.arrays[1].replicaOf, -1);
  EXPECT_EQ(s.expectedPulses, 32.0);
  ASSERT_EQ(s.cores.size(), 3u);
  EXPECT_NEAR(s.cores[1].time, 1100e-9, 1e-18);
  EXPECT_NEAR(s.cores[2].time, 440e-9, 1e-18);
  // Replica records carry no cells: 32 + 3 * (16 + 3) + 3 * (16 + 2) for
  // the tiles (BinaryLayout) + 2 * 16 = 175 bytes.
  std::string bytes = binaryOf(s);
  EXPECT_EQ(readU32(bytes, 12), 8u);
  EXPECT_EQ(bytes.size(), 175u);
  llvm::Expected<ProgrammingBinary> file = readProgrammingBinary(bytes);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  ASSERT_EQ(file->arrays.size(), 8u);
  EXPECT_EQ(file->arrays[6].id, 6);
  EXPECT_EQ(file->arrays[6].replicaOf, 1);
  EXPECT_EQ(file->arrays[7].replicaOf, 1);
  EXPECT_EQ(*file->arrays[7].cells, s.arrays[1].cellLevels());

  // An array id used twice is an error.
  module->walk([&](cim::MVMOp mvm) {
    if (mvm.getArray() == 1)
      mvm->setAttr("replica_arrays", DenseI64ArrayAttr::get(&context, {5}));
  });
  llvm::Expected<ProgrammingSchedule> bad =
      buildProgrammingSchedule(*module, chip);
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("array 5 holds two tiles"),
            std::string::npos);
}

// nncc compile runs the placement-independent part (ArrayProgrammingJob) on
// one thread beside the placement and completes the schedule after; that
// must be the schedule buildProgrammingSchedule gives, on one thread or many,
// replicas included.
TEST_F(ProgrammingTest, SplitJobGivesTheSameSchedule) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  auto module = map(layerModule(6, 3, kDiffWeights), chip);
  ASSERT_TRUE(module);
  module->walk([&](cim::MVMOp mvm) {
    if (mvm.getArray() == 1)
      mvm->setAttr("replica_arrays", DenseI64ArrayAttr::get(&context, {6, 9}));
  });
  ProgrammingOptions options;
  options.coreOfArray = {{0, 3}, {6, 3}, {9, 0}};
  options.programGroupOfArray = {{2, 1}};
  ProgrammingSchedule whole = build(*module, chip, options);
  for (bool parallel : {false, true}) {
    auto job = ArrayProgrammingJob::collect(*module, chip);
    ASSERT_TRUE(static_cast<bool>(job)) << llvm::toString(job.takeError());
    // The IR may change after collect() (the placement sets cores): run()
    // reads none of it.
    module->walk([&](cim::MVMOp mvm) {
      mvm->setAttr("core", IntegerAttr::get(IntegerType::get(&context, 64), 7));
    });
    llvm::Expected<ProgrammingSchedule> split = job->run(parallel);
    ASSERT_TRUE(static_cast<bool>(split)) << llvm::toString(split.takeError());
    completeProgrammingSchedule(*split, options);
    EXPECT_EQ(jsonOf(*split), jsonOf(whole)) << "parallel " << parallel;
    EXPECT_EQ(binaryOf(*split), binaryOf(whole)) << "parallel " << parallel;
  }
}

// The cell levels decode back to the layer's weights: for random layers,
// every scheme and 1-3 bits per cell (2, 4, 8 levels), summing each cell's
// digit * 2^(s * b) over the tiles (G+ minus G-, or minus the offset)
// gives q - z for every weight, and reference columns hold ones.
TEST_F(ProgrammingTest, LevelsDecodeToTheWeights) {
  const target::SignedWeightScheme schemes[] = {
      target::SignedWeightScheme::DifferentialColumns,
      target::SignedWeightScheme::DifferentialRows,
      target::SignedWeightScheme::OffsetReference};
  std::mt19937_64 rng(7);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  int splitSlices = 0, multiArray = 0;
  for (int trial = 0; trial < 36; ++trial) {
    const target::SignedWeightScheme scheme = schemes[trial % 3];
    const int64_t bits = 1 + trial / 3 % 3;
    const int64_t k = uniform(1, 20), n = uniform(1, 9);
    target::TargetChip chip =
        makeChip(uniform(2, 9), uniform(3, 12), int64_t{1} << bits, scheme);
    std::vector<int64_t> ints(k * n);
    for (int64_t &v : ints)
      v = uniform(-7, 7);
    auto module = map(layerModule(k, n, ints), chip);
    ASSERT_TRUE(module);
    cim::LayerOp layer;
    module->walk([&](cim::LayerOp op) { layer = op; });
    std::vector<int64_t> offsets(n, 0);
    if (scheme == target::SignedWeightScheme::OffsetReference)
      offsets = getIntValues(layer.getWeightOffsetsAttr());
    ProgrammingSchedule s = build(*module, chip);
    ASSERT_FALSE(s.arrays.empty());
    multiArray += s.arrays.size() > 1;

    std::vector<int64_t> decoded(k * n, 0);
    for (const ArrayProgramming &a : s.arrays) {
      splitSlices += a.sliceBegin > 0;
      cim::TileLayout layout{
          scheme == target::SignedWeightScheme::DifferentialColumns
              ? cim::SignedScheme::DifferentialColumns
          : scheme == target::SignedWeightScheme::DifferentialRows
              ? cim::SignedScheme::DifferentialRows
              : cim::SignedScheme::OffsetReference,
          a.rowEnd - a.rowBegin, a.colEnd - a.colBegin,
          a.sliceEnd - a.sliceBegin, a.referenceColumn};
      ASSERT_EQ(layout.physicalRows(), a.physicalRows);
      ASSERT_EQ(layout.physicalColumns(), a.physicalCols);
      auto level = [&](int64_t row, int64_t col) -> int64_t {
        return a.cellLevels()[row * a.physicalCols + col];
      };
      for (int64_t r = 0; r < layout.weightRows; ++r)
        for (int64_t c = 0; c < layout.weightCols; ++c)
          for (int64_t sl = 0; sl < layout.slices; ++sl) {
            const int64_t weight = int64_t{1} << ((a.sliceBegin + sl) * bits);
            int64_t digit = level(layout.row(r, 0), layout.column(c, sl, 0));
            if (layout.columnPolarities() == 2)
              digit -= level(layout.row(r, 0), layout.column(c, sl, 1));
            if (layout.rowPolarities() == 2)
              digit -= level(layout.row(r, 1), layout.column(c, sl, 0));
            decoded[(a.rowBegin + r) * n + a.colBegin + c] += digit * weight;
          }
      if (a.referenceColumn) {
        for (int64_t row = 0; row < a.physicalRows; ++row) {
          EXPECT_EQ(level(row, layout.referenceColumnIndex()), 1);
        }
      }
    }
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < n; ++c)
        ASSERT_EQ(decoded[r * n + c] - offsets[c], ints[r * n + c])
            << "trial " << trial << ", weight (" << r << ", " << c << ")";
  }
  EXPECT_GT(splitSlices, 0);
  EXPECT_GT(multiArray, 18);
}

// More than 256 levels: 512 levels = 9 bits per cell hold the 4 stored
// bits of the offset scheme (v + 8) in one slice: weights [3; -2] -> cells
// 11 and 6, reference column (column 0) 1.  Cells 1, 11, 1, 6 at bits 0,
// 9, 18, 27:
//   byte 0 = 1 = 0x01;  byte 1 = 11 << 1 = 0x16;  byte 2 = 1 << 2 = 0x04;
//   byte 3 = 6 << 3 = 0x30;  byte 4 = 0 (bits 32-35 of the last cell, then
//   padding): 36 bits in 5 bytes.
TEST_F(ProgrammingTest, BinaryWithWideLevels) {
  target::TargetChip chip =
      makeChip(2, 2, 512, target::SignedWeightScheme::OffsetReference);
  auto module = map(layerModule(2, 1, {3, -2}), chip);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  ASSERT_EQ(s.arrays.size(), 1u);
  EXPECT_EQ(s.arrays[0].cellLevels(), (std::vector<uint16_t>{1, 11, 1, 6}));
  std::string bytes = binaryOf(s);
  ASSERT_EQ(bytes.size(), 32u + 16u + 5u);
  EXPECT_EQ(readU32(bytes, 24), 512u);
  EXPECT_EQ(readU32(bytes, 28), 9u);
  const char cells[] = {0x01, 0x16, 0x04, 0x30, 0x00};
  EXPECT_EQ(std::memcmp(bytes.data() + 48, cells, 5), 0);
}

// An empty module schedules nothing and still writes valid outputs.
TEST_F(ProgrammingTest, EmptyModule) {
  target::TargetChip chip =
      makeChip(4, 8, 2, target::SignedWeightScheme::DifferentialColumns);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>("", &context);
  ASSERT_TRUE(module);
  ProgrammingSchedule s = build(*module, chip);
  EXPECT_TRUE(s.arrays.empty());
  EXPECT_EQ(s.time, 0.0);
  EXPECT_EQ(s.criticalCore, -1);
  EXPECT_EQ(binaryOf(s).size(), 32u);
  EXPECT_TRUE(static_cast<bool>(llvm::json::parse(jsonOf(s))));
}

} // namespace
