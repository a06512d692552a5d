//===- SharedModelTest.cpp - One component model serves every target ------===//
//
// Issue #14's acceptance: the same component model with the same constants
// serves all targets, so a constant changed for one target changes the
// figures of every other that uses it.  Checked two ways on the bundled
// targets: (1) every figure the model derives from a shared constant,
// reduced to that constant (per gate equivalent, per ADC step, per level
// shifter in F^2), is the same for all targets of a node and supply that
// do not override it; (2) a shared figure moves every target together: a
// chip that differs from another only in a field the figure does not read
// gets the identical figure.
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/Components.h"
#include "nncc/Target/TargetLoader.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace nncc;
using namespace nncc::ppa;

namespace {

std::vector<target::TargetChip> bundledTargets() {
  std::vector<target::TargetChip> chips;
  std::error_code ec;
  const std::string dir = std::string(NNCC_SOURCE_DIR) + "/targets";
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (llvm::sys::path::extension(it->path()) != ".yaml")
      continue;
    auto chip = target::loadTargetFile(it->path());
    EXPECT_TRUE(static_cast<bool>(chip)) << it->path();
    if (!chip)
      llvm::consumeError(chip.takeError());
    else if (!chip->neuromorphic) // spiking chips: SpikingPPATest.cpp
      chips.push_back(std::move(*chip));
  }
  return chips;
}

#define EXPECT_SAME(a, b, what)                                                \
  EXPECT_NEAR((a) / (b), 1.0, 1e-12) << what

TEST(SharedComponentModel, ConstantsAgreeAcrossTargetsOfANode) {
  std::vector<target::TargetChip> chips = bundledTargets();
  ASSERT_GE(chips.size(), 10u);
  // Per node and supply: the first target's reduced figures.
  struct Reduced {
    std::string name;
    double addPerBit = 0, adcPerStep = 0, shifterF2 = 0;
  };
  std::map<std::pair<double, double>, std::vector<Reduced>> byNode;
  for (const target::TargetChip &c : chips) {
    ComponentModel m = buildComponentModel(c);
    Reduced r;
    r.name = c.name;
    // One add switches (7 + 5) GE per bit: the GE energy of the node.
    r.addPerBit =
        m.addEnergy / static_cast<double>(m.accumulatorBits) / 12.0;
    if (!c.costs.adcEnergy && !c.periphery.senseAmplifiers &&
        c.periphery.adcType == target::AdcType::SAR)
      r.adcPerStep = m.adcEnergy / std::ldexp(1.0, c.periphery.adcBits);
    if (m.levelShiftersPerArray > 0)
      r.shifterF2 = m.levelShifterArea / (c.technology.node * c.technology.node);
    byNode[{c.technology.node, c.technology.vdd}].push_back(r);
  }
  size_t shared = 0;
  for (const auto &[node, group] : byNode)
    for (const Reduced &r : group) {
      const Reduced &first = group.front();
      EXPECT_SAME(r.addPerBit, first.addPerBit, r.name << " vs " << first.name);
      if (r.adcPerStep > 0 && first.adcPerStep > 0) {
        EXPECT_SAME(r.adcPerStep, first.adcPerStep, r.name);
      }
      if (&r != &first)
        ++shared;
    }
  // The NeuroSim-like family alone shares 22 nm / 0.8 V among 7 targets.
  EXPECT_GE(shared, 6u);
  // Level shifters are one F^2 constant on every node.
  double shifter = 0;
  for (const auto &[node, group] : byNode)
    for (const Reduced &r : group)
      if (r.shifterF2 > 0) {
        if (shifter == 0)
          shifter = r.shifterF2;
        EXPECT_SAME(r.shifterF2, shifter, r.name);
      }
  EXPECT_GT(shifter, 0);
}

// An add into a register is (7 + 5) GE per bit wherever it sits: the
// arrays' accumulators on every target (the accumulator-wide shift-and-add
// adders, 7 GE a bit, where running sums are per weight) and the cores'
// adder trees on the
// targets that have them (the NeuroSim-like family) reduce to one GE area
// in F^2 of planar-drawn logic (F^2 x the node's layout factor), the same
// on every node.
TEST(SharedComponentModel, AdderTreesShareTheGateEquivalent) {
  size_t trees = 0;
  for (const target::TargetChip &c : bundledTargets()) {
    ComponentModel m = buildComponentModel(c);
    const double f2 = c.technology.node * c.technology.node *
                      layoutAreaFactor(c.technology.node);
    if (c.periphery.runningSums == target::RunningSums::Weight) {
      // Running sums per weight (isaac-rram, puma-like): no combining
      // adder; the shift-and-add adders are accumulator-wide, 7 GE a bit.
      EXPECT_EQ(m.accumulatorArea, 0.0) << c.name;
      EXPECT_SAME(m.shiftAddArea / static_cast<double>(m.accumulatorBits) /
                      7.0 / f2,
                  reference::kGateEquivalentF2, c.name);
    } else {
      const double accumulatorGe =
          m.accumulatorArea / static_cast<double>(m.adcsPerArray) /
          static_cast<double>(m.accumulatorBits) / 12.0 / f2;
      EXPECT_SAME(accumulatorGe, reference::kGateEquivalentF2, c.name);
    }
    if (m.adderTreesPerCore == 0)
      continue;
    ++trees;
    EXPECT_SAME(m.adderTreeArea / static_cast<double>(m.adderTreesPerCore) /
                    static_cast<double>(m.adderTreeBits) / 12.0 / f2,
                reference::kGateEquivalentF2, c.name);
  }
  EXPECT_GE(trees, 7u); // the NeuroSim-like targets
}

// The RRAM and SRAM NeuroSim-like chips differ in device and cell (and in
// the clock their sensing sets, hence router flits), not in their array
// periphery: every periphery figure is the same object of the model, so it
// is identical, and a change to its constant moves both.
TEST(SharedComponentModel, SiblingsShareTheirPeriphery) {
  auto rram = target::loadTargetFile(std::string(NNCC_SOURCE_DIR) +
                                     "/targets/neurosim-rram-22nm-pr32.yaml");
  auto sram = target::loadTargetFile(std::string(NNCC_SOURCE_DIR) +
                                     "/targets/neurosim-sram-22nm-pr32.yaml");
  ASSERT_TRUE(static_cast<bool>(rram) && static_cast<bool>(sram));
  ComponentModel a = buildComponentModel(*rram), b = buildComponentModel(*sram);
  EXPECT_EQ(a.adcEnergy, b.adcEnergy);
  EXPECT_EQ(a.adcArea, b.adcArea);
  EXPECT_EQ(a.shiftAddEnergy, b.shiftAddEnergy);
  EXPECT_EQ(a.addEnergy, b.addEnergy);
  EXPECT_EQ(a.bufferEnergyPerBit, b.bufferEnergyPerBit);
  EXPECT_EQ(a.bufferArea, b.bufferArea);
  // What differs is the device side: cells, their outline, write path.
  EXPECT_NE(a.cellArea, b.cellArea);
  EXPECT_GT(a.levelShiftersPerArray, 0);
  EXPECT_EQ(b.levelShiftersPerArray, 0);
}

} // namespace
