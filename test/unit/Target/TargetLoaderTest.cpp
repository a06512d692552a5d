//===- TargetLoaderTest.cpp - Chip description loading --------------------===//
#include "nncc/Target/TargetLoader.h"
#include "nncc/Target/TargetSummary.h"

#include "gtest/gtest.h"

using namespace nncc::target;

namespace {

constexpr const char *kMinimal = R"(nncc_target: 1
name: t
technology: {node: 22 nm, vdd: 0.8 V}
device: {kind: rram, r_on: 100 kOhm, on_off_ratio: 10}
array: {rows: 64, cols: 32, cell: 1T1R}
periphery: {adc: {bits: 5}}
core: {arrays: 4}
chip: {cores: 6}
)";

TEST(TargetLoader, AppliesDefaultsAndDerivesConductances) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml");
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  EXPECT_DOUBLE_EQ(chip->device.gMax, 1e-5);
  EXPECT_DOUBLE_EQ(chip->device.gMin, 1e-6);
  EXPECT_EQ(chip->device.levels, 2);
  EXPECT_EQ(chip->array.rowsInParallel, 64);          // default: all rows
  EXPECT_DOUBLE_EQ(chip->technology.clock, 1e9);      // schema default
  EXPECT_EQ(chip->periphery.dacBits, 1);               // bit-serial default
  EXPECT_EQ(chip->periphery.inputCycles(), 8);
  // Mesh defaults: width ceil(sqrt(6)) = 3, height ceil(6 / 3) = 2.
  EXPECT_EQ(chip->chip.interconnect.width, 3);
  EXPECT_EQ(chip->chip.interconnect.height, 2);
  EXPECT_FALSE(chip->costs.adcEnergy.has_value());
}

TEST(TargetLoader, DerivedFiguresByHand) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml");
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  TargetFigures f = computeFigures(*chip, 8);
  // 6 cores x 4 arrays; 64 x 32 cells each.
  EXPECT_EQ(f.arrays, 24);
  EXPECT_EQ(f.totalCells, 24 * 64 * 32);
  // 1 bit/cell, differential columns: 7 magnitude bits -> 7 slices, x2
  // polarities = 14 columns per weight: floor(32 / 14) = 2 weight columns.
  EXPECT_EQ(f.slicesPerWeight, 7);
  EXPECT_EQ(f.weightsPerArray, 64 * 2);
  EXPECT_EQ(f.weightCapacity, 24 * 128);
  // 1 row group x 8 input cycles x (10 ns read + 1 column x 1 ns) = 88 ns.
  EXPECT_NEAR(f.mvmTime, 88e-9, 1e-15);
  EXPECT_NEAR(f.peakMacsPerSecond, 24 * 128 / 88e-9, 1);
}

TEST(TargetLoader, ReportsEveryProblemWithLocation) {
  const char *text = R"(nncc_target: 1
name: t
technology: {node: 22 nm, vdd: 0.8 ns}
device: {kind: rram, g_min: 2 uS, g_max: 25, colour: red}
array: {rows: 64, cols: 32, cell: 1T1R}
periphery: {adc: {bits: 5}}
core: {arrays: 4}
chip: {cores: 6}
)";
  // Columns counted by hand (1-based): "vdd: " ends at 31, "g_max: " at 41.
  llvm::Expected<TargetChip> chip = loadTargetBuffer(text, "bad.yaml");
  ASSERT_FALSE(static_cast<bool>(chip));
  EXPECT_EQ(llvm::toString(chip.takeError()),
            "bad.yaml:3:32: technology.vdd: expected a voltage such as "
            "'0.8 V', got '0.8 ns' ('ns' is a time)\n"
            "bad.yaml:4:42: device.g_max: expected a conductance such as "
            "'25 uS', got '25' (the unit is missing)\n"
            "bad.yaml:4:46: device.colour: unknown field");
}

} // namespace

TEST(TargetLoader, OverridesReplaceAndAddFields) {
  // periphery.adc.bits is in the file, array.rows_in_parallel is not (its
  // default is all rows), device.read_voltage is neither.
  llvm::Expected<TargetChip> chip = loadTargetBuffer(
      kMinimal, "t.yaml",
      {{"periphery.adc.bits", "7"},
       {"array.rows_in_parallel", "16"},
       {"device.read_voltage", "0.3 V"}});
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  EXPECT_EQ(chip->periphery.adcBits, 7);
  EXPECT_EQ(chip->array.rowsInParallel, 16);
  EXPECT_DOUBLE_EQ(chip->device.readVoltage, 0.3);
}

TEST(TargetLoader, OverrideProblemsNameTheOverride) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(
      kMinimal, "t.yaml",
      {{"periphery.adc.bits", "99"},
       {"periphery.adc.bitz", "4"},
       {"array", "4"},
       {"array.rows_in_parallel", "128"},
       {"periphery.adc.bits", "6"}});
  ASSERT_FALSE(static_cast<bool>(chip));
  std::string message = llvm::toString(chip.takeError());
  // One line each, in the overrides' order; rows_in_parallel > rows is a
  // cross-field problem blamed on the override that caused it only once
  // the others are fixed (each step reports alone).
  EXPECT_EQ(message,
            "t.yaml: override 'periphery.adc.bits=99': periphery.adc.bits: 99 "
            "is outside the allowed range [1, 16]\n"
            "t.yaml: override 'periphery.adc.bitz=4': periphery.adc.bitz: "
            "unknown field\n"
            "t.yaml: override 'array=4': array: is a section, not a field\n"
            "t.yaml: override 'periphery.adc.bits=6': periphery.adc.bits: "
            "overridden twice");
  llvm::Expected<TargetChip> tooMany = loadTargetBuffer(
      kMinimal, "t.yaml", {{"array.rows_in_parallel", "128"}});
  ASSERT_FALSE(static_cast<bool>(tooMany));
  EXPECT_NE(llvm::toString(tooMany.takeError())
                .find("t.yaml: override 'array.rows_in_parallel=128': "),
            std::string::npos);
}
