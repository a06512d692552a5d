//===- TargetLoaderTest.cpp - Chip description loading --------------------===//
#include "nncc/Target/TargetLoader.h"
#include "nncc/Target/TargetSummary.h"

#include "gtest/gtest.h"

#include <string>
#include <utility>
#include <vector>

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

/// kMinimal with its periphery line (line 6) replaced by `periphery`, so
/// that an error in it has a known line and column.
std::string withPeriphery(llvm::StringRef periphery) {
  llvm::StringRef minimal = kMinimal;
  auto [head, rest] = minimal.split("periphery: {adc: {bits: 5}}\n");
  return (head + periphery + "\n" + rest).str();
}

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

// array.devices_per_cell: 1 by default; an SRAM cell cannot take more,
// and the error names the field's line and column.
TEST(TargetLoader, DevicesPerCell) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml");
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  EXPECT_EQ(chip->array.devicesPerCell, 1);
  llvm::Expected<TargetChip> two =
      loadTargetBuffer(kMinimal, "t.yaml", {{"array.devices_per_cell", "2"}});
  ASSERT_TRUE(static_cast<bool>(two)) << llvm::toString(two.takeError());
  EXPECT_EQ(two->array.devicesPerCell, 2);
  const char *sram = R"(nncc_target: 1
name: t
technology: {node: 22 nm, vdd: 0.8 V}
device: {kind: sram, r_on: 100 kOhm, on_off_ratio: 10}
array: {rows: 64, cols: 32, cell: 6T, devices_per_cell: 2}
periphery: {adc: {bits: 5}}
core: {arrays: 4}
chip: {cores: 6}
)";
  // "devices_per_cell: " ends at column 56.
  llvm::Expected<TargetChip> bad = loadTargetBuffer(sram, "s.yaml");
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "s.yaml:5:57: array.devices_per_cell: an SRAM cell is one latch; "
            "devices in parallel need a conductance-coded cell (1R, 1T1R, "
            "2T2R or 1T)");
  llvm::Expected<TargetChip> none =
      loadTargetBuffer(kMinimal, "t.yaml", {{"array.devices_per_cell", "0"}});
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(llvm::toString(none.takeError()),
            "t.yaml: override 'array.devices_per_cell=0': "
            "array.devices_per_cell: 0 is outside the allowed range [1, 64]");
}

// chip.off_chip_links: none by default; count, power and area per link
// with their units; a power past 100 W per link is refused.
TEST(TargetLoader, OffChipLinks) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml");
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  EXPECT_EQ(chip->chip.offChipLinks.count, 0);
  EXPECT_EQ(chip->chip.offChipLinks.power, 0.0);
  EXPECT_EQ(chip->chip.offChipLinks.area, 0.0);
  llvm::Expected<TargetChip> four =
      loadTargetBuffer(kMinimal, "t.yaml",
                       {{"chip.off_chip_links.count", "4"},
                        {"chip.off_chip_links.power", "2.6 W"},
                        {"chip.off_chip_links.area", "5.72 mm2"}});
  ASSERT_TRUE(static_cast<bool>(four)) << llvm::toString(four.takeError());
  EXPECT_EQ(four->chip.offChipLinks.count, 4);
  EXPECT_DOUBLE_EQ(four->chip.offChipLinks.power, 2.6);
  EXPECT_DOUBLE_EQ(four->chip.offChipLinks.area, 5.72e-6);
  llvm::Expected<TargetChip> hot = loadTargetBuffer(
      kMinimal, "t.yaml", {{"chip.off_chip_links.power", "200 W"}});
  ASSERT_FALSE(static_cast<bool>(hot));
  EXPECT_EQ(llvm::toString(hot.takeError()),
            "t.yaml: override 'chip.off_chip_links.power=200 W': "
            "chip.off_chip_links.power: 200 W is outside the allowed range "
            "[0 W, 100 W]");
  llvm::Expected<TargetChip> uncounted = loadTargetBuffer(
      kMinimal, "t.yaml", {{"chip.off_chip_links.area", "1 mm2"}});
  ASSERT_FALSE(static_cast<bool>(uncounted));
  EXPECT_EQ(llvm::toString(uncounted.takeError()),
            "t.yaml: override 'chip.off_chip_links.area=1 mm2': "
            "chip.off_chip_links.area: given for 0 links; set "
            "chip.off_chip_links.count");
}

// periphery.sample_and_hold: off by default; a held sample feeds a
// converter that takes a voltage, not one that takes the column current.
TEST(TargetLoader, SampleAndHold) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml");
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  EXPECT_FALSE(chip->periphery.sampleAndHold);
  llvm::Expected<TargetChip> held = loadTargetBuffer(
      kMinimal, "t.yaml",
      {{"periphery.sample_and_hold", "true"}, {"periphery.adc.type", "sar"}});
  ASSERT_TRUE(static_cast<bool>(held)) << llvm::toString(held.takeError());
  EXPECT_TRUE(held->periphery.sampleAndHold);
  llvm::Expected<TargetChip> current =
      loadTargetBuffer(kMinimal, "t.yaml",
                       {{"periphery.sample_and_hold", "true"},
                        {"periphery.adc.type", "current-sense"}});
  ASSERT_FALSE(static_cast<bool>(current));
  EXPECT_EQ(llvm::toString(current.takeError()),
            "t.yaml: override 'periphery.sample_and_hold=true': "
            "periphery.sample_and_hold: a current-sense converter takes the "
            "column current while it converts; a held sample needs a sar, "
            "flash or integrating converter");
  const std::string cco =
      withPeriphery("periphery: {adc: {bits: 5, type: cco}, "
                    "sample_and_hold: true}");
  // "sample_and_hold: " ends at column 56.
  llvm::Expected<TargetChip> bad = loadTargetBuffer(cco, "c.yaml");
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "c.yaml:6:57: periphery.sample_and_hold: a cco converter takes "
            "the column current while it converts; a held sample needs a "
            "sar, flash or integrating converter");
  llvm::Expected<TargetChip> latched = loadTargetBuffer(
      kMinimal, "t.yaml",
      {{"periphery.sample_and_hold", "true"},
       {"periphery.adc.type", "sar"},
       {"periphery.sense_amplifiers", "true"}});
  ASSERT_FALSE(static_cast<bool>(latched));
  EXPECT_EQ(llvm::toString(latched.takeError()),
            "t.yaml: override 'periphery.sample_and_hold=true': "
            "periphery.sample_and_hold: sense amplifiers latch their own "
            "decision; a sample-and-hold feeds a converter");
}

// A current-sense converter senses while the rows are driven, so a read
// lasts the longer of its pulse and its columns' conversions; a SAR
// converter samples the pulse's result after it.
TEST(TargetLoader, CurrentSenseReadLastsItsSensing) {
  auto figures = [](std::vector<FieldOverride> set) {
    set.push_back({"periphery.adc.type", "current-sense"});
    llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml", set);
    EXPECT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
    return std::pair{readoutOverlap(*chip), computeFigures(*chip, 8)};
  };
  // 1 row group x 8 input cycles x max(10 ns pulse, 4 x 1 ns) = 80 ns.
  auto [fourOverlap, four] = figures({{"periphery.adc.columns_per_adc", "4"}});
  EXPECT_EQ(fourOverlap, ReadoutOverlap::SensedInRead);
  EXPECT_NEAR(four.mvmTime, 80e-9, 1e-15);
  // 8 x max(10 ns, 16 x 1 ns) = 128 ns: the sensing holds the rows longer.
  auto [sixteenOverlap, sixteen] =
      figures({{"periphery.adc.columns_per_adc", "16"}});
  EXPECT_EQ(sixteenOverlap, ReadoutOverlap::SensedInRead);
  EXPECT_NEAR(sixteen.mvmTime, 128e-9, 1e-15);
  // A SAR converter takes the pulse's result after it: 8 x (10 + 16) ns.
  llvm::Expected<TargetChip> sar = loadTargetBuffer(
      kMinimal, "t.yaml", {{"periphery.adc.columns_per_adc", "16"}});
  ASSERT_TRUE(static_cast<bool>(sar)) << llvm::toString(sar.takeError());
  EXPECT_EQ(readoutOverlap(*sar), ReadoutOverlap::Sequential);
  EXPECT_NEAR(computeFigures(*sar, 8).mvmTime, 208e-9, 1e-15);
  // The cycle by itself: overlapped reads take the longer, sequential ones
  // the sum; only sample-and-holds leave a fill behind the stream.
  EXPECT_DOUBLE_EQ(readCycleTime(10, 4, ReadoutOverlap::SensedInRead), 10);
  EXPECT_DOUBLE_EQ(readCycleTime(10, 4, ReadoutOverlap::SampleAndHold), 10);
  EXPECT_DOUBLE_EQ(readCycleTime(10, 4, ReadoutOverlap::Sequential), 14);
  EXPECT_DOUBLE_EQ(readoutFill(10, 4, ReadoutOverlap::SensedInRead), 0);
  EXPECT_DOUBLE_EQ(readoutFill(10, 4, ReadoutOverlap::SampleAndHold), 4);
}

// periphery.running_sums: per column by default; per weight needs the
// shift-and-add whose registers they are, and a bad value names the choices.
TEST(TargetLoader, RunningSums) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml");
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  EXPECT_EQ(chip->periphery.runningSums, RunningSums::Column);
  llvm::Expected<TargetChip> weight = loadTargetBuffer(
      kMinimal, "t.yaml", {{"periphery.running_sums", "weight"}});
  ASSERT_TRUE(static_cast<bool>(weight)) << llvm::toString(weight.takeError());
  EXPECT_EQ(weight->periphery.runningSums, RunningSums::Weight);
  llvm::Expected<TargetChip> none = loadTargetBuffer(
      kMinimal, "t.yaml",
      {{"periphery.running_sums", "weight"}, {"periphery.shift_add", "false"}});
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(llvm::toString(none.takeError()),
            "t.yaml: override 'periphery.running_sums=weight': "
            "periphery.running_sums: running sums per weight are the "
            "shift-and-add's registers: they need periphery.shift_add: true");
  const std::string typo =
      withPeriphery("periphery: {adc: {bits: 5}, running_sums: weights}");
  // "running_sums: " ends at column 42.
  llvm::Expected<TargetChip> bad = loadTargetBuffer(typo, "c.yaml");
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "c.yaml:6:43: periphery.running_sums: expected one of "
            "column|weight, got 'weights' (did you mean 'weight'?)");
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

static constexpr const char *kSpiking = R"(nncc_target: 1
name: s
technology: {node: 28 nm, vdd: 0.75 V}
neuromorphic:
  cores: 10
  timestep: 1 ms
  core: {axons: 256, neurons: 128, synapse_bits: 2, axons_per_input: 2}
  costs: {synaptic_event: 2 pJ, neuron_update: 3 pJ, static_power: 5 mW, core_area: 0.1 mm2}
chip: {interconnect: {energy_per_bit_hop: 0.25 pJ}}
)";

TEST(TargetLoader, SpikingChipNeedsNoCrossbarSections) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kSpiking, "s.yaml");
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  ASSERT_TRUE(chip->neuromorphic.has_value());
  const Neuromorphic &n = *chip->neuromorphic;
  EXPECT_EQ(n.cores, 10);
  EXPECT_DOUBLE_EQ(n.timestep, 1e-3);
  EXPECT_EQ(n.core.axons, 256);
  EXPECT_EQ(n.core.neurons, 128);
  EXPECT_EQ(n.core.synapseBits, 2);
  EXPECT_EQ(n.core.axonsPerInput, 2);
  EXPECT_EQ(n.core.gainBits, 0);       // schema default
  EXPECT_EQ(n.core.potentialBits, 20); // schema default
  EXPECT_EQ(n.core.reset, NeuronReset::Subtract);
  EXPECT_EQ(n.core.bias, BiasSource::Leak);
  EXPECT_TRUE(n.core.partialSums);
  EXPECT_DOUBLE_EQ(n.costs.synapticEvent, 2e-12);
  // No spike_hop: 32 bits (the spike_bits default) x 0.25 pJ per bit-hop.
  EXPECT_DOUBLE_EQ(n.costs.spikeHop, 32 * 0.25e-12);
  EXPECT_DOUBLE_EQ(n.costs.coreArea, 0.1e-6);
  // No device section: digital synapses.
  EXPECT_FALSE(n.deviceSynapses);
  EXPECT_EQ(chip->device.kind, DeviceKind::SRAM);
  // The core count reaches the placer's chip and mesh: ceil(sqrt(10)) = 4
  // wide, ceil(10 / 4) = 3 high.
  EXPECT_EQ(chip->chip.cores, 10);
  EXPECT_EQ(chip->chip.interconnect.width, 4);
  EXPECT_EQ(chip->chip.interconnect.height, 3);

  SpikingFigures f = computeSpikingFigures(*chip);
  EXPECT_EQ(f.neurons, 1280);
  EXPECT_EQ(f.synapses, 1280 * 256);
  EXPECT_EQ(f.inputsPerCore, 128);
  EXPECT_DOUBLE_EQ(f.peakSops, 1280.0 * 256 / 1e-3);
  EXPECT_DOUBLE_EQ(f.peakPower,
                   5e-3 + 2e-12 * f.peakSops + 3e-12 * 1280 / 1e-3);
}

TEST(TargetLoader, CrossbarChipIgnoresNoNeuromorphicField) {
  // A crossbar chip has no neuromorphic section; overriding one of its
  // fields makes it a (then incomplete) spiking chip, which is reported.
  llvm::Expected<TargetChip> chip = loadTargetBuffer(kMinimal, "t.yaml");
  ASSERT_TRUE(static_cast<bool>(chip));
  EXPECT_FALSE(chip->neuromorphic.has_value());
  llvm::Expected<TargetChip> mixed =
      loadTargetBuffer(kMinimal, "t.yaml", {{"neuromorphic.cores", "4"}});
  ASSERT_FALSE(static_cast<bool>(mixed));
  std::string message = llvm::toString(mixed.takeError());
  EXPECT_NE(message.find("array: a neuromorphic chip has no crossbar array "
                         "section"),
            std::string::npos)
      << message;
}

TEST(TargetLoader, SpikingOverridesAndCrossbarOverrides) {
  llvm::Expected<TargetChip> chip = loadTargetBuffer(
      kSpiking, "s.yaml",
      {{"neuromorphic.core.axons", "64"},
       {"neuromorphic.costs.spike_hop", "1 pJ"}});
  ASSERT_TRUE(static_cast<bool>(chip)) << llvm::toString(chip.takeError());
  EXPECT_EQ(chip->neuromorphic->core.axons, 64);
  EXPECT_DOUBLE_EQ(chip->neuromorphic->costs.spikeHop, 1e-12);
  // A crossbar field on a spiking chip is blamed on the override.
  llvm::Expected<TargetChip> wrong =
      loadTargetBuffer(kSpiking, "s.yaml", {{"array.rows", "64"}});
  ASSERT_FALSE(static_cast<bool>(wrong));
  EXPECT_EQ(llvm::toString(wrong.takeError()),
            "s.yaml: override 'array.rows=64': array.rows: does not apply to "
            "a neuromorphic chip");
  // Its always-on power is neuromorphic.costs.static_power, not links.
  llvm::Expected<TargetChip> links = loadTargetBuffer(
      kSpiking, "s.yaml", {{"chip.off_chip_links.count", "2"}});
  ASSERT_FALSE(static_cast<bool>(links));
  EXPECT_EQ(llvm::toString(links.takeError()),
            "s.yaml: override 'chip.off_chip_links.count=2': "
            "chip.off_chip_links.count: does not apply to a neuromorphic "
            "chip");
}

