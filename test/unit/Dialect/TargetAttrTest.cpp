//===- TargetAttrTest.cpp - #cim.target from a chip description -----------===//
//
// makeTargetAttr fills #cim.target from one table (TargetAttrFromChip.cpp).
// These tests hold that table to the attribute: its rows name the
// attribute's parameters in order, and every parameter carries the chip
// field it stands for.  A parameter added to CIM_TargetAttr makes them fail
// until it has a row and an expected value here.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/Transforms/TargetAttrFromChip.h"

#include "nncc/Target/TargetChip.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace nncc;

namespace {

/// A chip whose fields in #cim.target all differ, so that a parameter
/// filled from the wrong field shows; every optional parameter is present
/// (non-zero, true) so that it is printed, but for sensed_in_read, which
/// excludes sample_and_hold (sensingChip).
target::TargetChip distinctChip() {
  target::TargetChip chip;
  chip.name = "distinct";
  chip.array.rows = 200;
  chip.array.cols = 201;
  chip.device.levels = 16;
  chip.array.rowsInParallel = 17;
  chip.periphery.adcBits = 7;
  chip.periphery.columnsPerAdc = 9;
  chip.periphery.inputBits = 12;
  chip.periphery.dacBits = 3;
  chip.array.signedWeights = target::SignedWeightScheme::DifferentialRows;
  chip.device.gMin = 1e-6;
  chip.device.gMax = 2e-5;
  chip.chip.cores = 6;
  chip.core.arrays = 11;
  chip.device.readPulse = 3e-8;
  chip.costs.adcLatency = 4e-9;
  chip.technology.clock = 1e9;
  chip.chip.interconnect.width = 5;
  chip.chip.interconnect.height = 4;
  chip.chip.interconnect.topology = target::Topology::Bus;
  chip.periphery.sampleAndHold = true;
  chip.array.readPhases = 4;
  return chip;
}

/// The distinct chip read by a current-sense converter without
/// sample-and-holds: sensed_in_read in place of sample_and_hold.
target::TargetChip sensingChip() {
  target::TargetChip chip = distinctChip();
  chip.periphery.sampleAndHold = false;
  chip.periphery.adcType = target::AdcType::CurrentSense;
  return chip;
}

std::string print(cim::TargetAttr attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  mlir::Attribute(attr).print(os);
  return text;
}

/// The parameter names a printed #cim.target lists, in order.
llvm::SmallVector<std::string> printedNames(llvm::StringRef text) {
  llvm::SmallVector<std::string> printed;
  llvm::Regex key("([a-z_]+) = ");
  llvm::SmallVector<llvm::StringRef, 2> match;
  while (key.match(text, &match)) {
    printed.push_back(match[1].str());
    text = text.drop_front(text.find(match[0]) + match[0].size());
  }
  return printed;
}

TEST(TargetAttrTest, TableNamesTheParametersInOrder) {
  mlir::MLIRContext context;
  // Each chip prints every parameter but the one its readout excludes.
  std::string held = print(makeTargetAttr(&context, distinctChip()));
  std::string sensed = print(makeTargetAttr(&context, sensingChip()));
  for (auto [text, absent] : {std::pair{held, "sensed_in_read"},
                              std::pair{sensed, "sample_and_hold"}}) {
    llvm::SmallVector<std::string> table;
    for (llvm::StringRef name : targetAttrParameterNames())
      if (name != absent)
        table.push_back(name.str());
    EXPECT_EQ(table, printedNames(text)) << text;
  }
}

TEST(TargetAttrTest, EveryParameterComesFromItsField) {
  mlir::MLIRContext context;
  // Both chips print the same parameters up to their readout's.
  const std::string common =
      "#cim.target<name = \"distinct\", rows = 200, cols = 201, "
      "levels = 16, rows_in_parallel = 17, adc_bits = 7, "
      "columns_per_adc = 9, input_bits = 12, dac_bits = 3, "
      "signed_weights = differential_rows, g_min = 9.9999999999999995E-7 "
      ": f64, g_max = 2.000000e-05 : f64, cores = 6, arrays_per_core = "
      "11, read_pulse = 3.000000e-08 : f64, conversion_time = "
      "4.000000e-09 : f64, mesh_width = 5, mesh_height = 4, bus = true, ";
  EXPECT_EQ(print(makeTargetAttr(&context, distinctChip())),
            common + "sample_and_hold = true, read_phases = 4>");
  EXPECT_EQ(print(makeTargetAttr(&context, sensingChip())),
            common + "sensed_in_read = true, read_phases = 4>");
}

TEST(TargetAttrTest, ConversionTimeDefaultsToOneClock) {
  mlir::MLIRContext context;
  target::TargetChip chip = distinctChip();
  chip.costs.adcLatency.reset();
  chip.technology.clock = 2e9;
  EXPECT_DOUBLE_EQ(
      makeTargetAttr(&context, chip).getConversionTime().getValueAsDouble(),
      5e-10);
}

} // namespace
