//===- UnitsTest.cpp - Quantity parsing and formatting --------------------===//
#include "nncc/Target/Units.h"

#include "gtest/gtest.h"

using namespace nncc::target;

namespace {

double parse(llvm::StringRef text, Dimension dimension) {
  llvm::Expected<double> v = parseQuantity(text, dimension);
  EXPECT_TRUE(static_cast<bool>(v)) << text.str();
  if (!v) {
    llvm::consumeError(v.takeError());
    return -1;
  }
  return *v;
}

std::string errorOf(llvm::StringRef text, Dimension dimension) {
  llvm::Expected<double> v = parseQuantity(text, dimension);
  if (v)
    return "<no error>";
  return llvm::toString(v.takeError());
}

TEST(Units, ConvertsToSI) {
  EXPECT_DOUBLE_EQ(parse("25 uS", Dimension::Conductance), 25e-6);
  EXPECT_DOUBLE_EQ(parse("25uS", Dimension::Conductance), 25e-6);
  EXPECT_DOUBLE_EQ(parse("100 kOhm", Dimension::Resistance), 1e5);
  EXPECT_DOUBLE_EQ(parse("10 ns", Dimension::Time), 1e-8);
  EXPECT_DOUBLE_EQ(parse("1.5e-3 V", Dimension::Voltage), 1.5e-3);
  EXPECT_DOUBLE_EQ(parse("64 KiB", Dimension::Bytes), 65536);
  EXPECT_DOUBLE_EQ(parse("8 bit", Dimension::Bytes), 1);
  EXPECT_DOUBLE_EQ(parse("1 y", Dimension::Time), 365.25 * 86400);
  EXPECT_DOUBLE_EQ(parse("2 GB/s", Dimension::Bandwidth), 16e9);
  EXPECT_DOUBLE_EQ(parse("0.01 mm2", Dimension::Area), 1e-8);
  EXPECT_DOUBLE_EQ(parse("-3 mV", Dimension::Voltage), -3e-3);
}

TEST(Units, RejectsWrongOrMissingUnits) {
  EXPECT_EQ(errorOf("0.8 ns", Dimension::Voltage),
            "expected a voltage such as '0.8 V', got '0.8 ns' ('ns' is a "
            "time)");
  EXPECT_EQ(errorOf("25", Dimension::Conductance),
            "expected a conductance such as '25 uS', got '25' (the unit is "
            "missing)");
  EXPECT_EQ(errorOf("25 parsecs", Dimension::Length),
            "expected a length such as '22 nm', got '25 parsecs' (unknown "
            "unit 'parsecs')");
  EXPECT_EQ(errorOf("fast", Dimension::Frequency),
            "expected a frequency such as '1 GHz', got 'fast'");
  // Units are case-sensitive: MS is not millisiemens.
  EXPECT_NE(errorOf("1 MS", Dimension::Conductance), "<no error>");
}

TEST(Units, FormatsWithReadableUnits) {
  EXPECT_EQ(formatQuantity(25e-6, Dimension::Conductance), "25 uS");
  EXPECT_EQ(formatQuantity(1e5, Dimension::Resistance), "100 kOhm");
  EXPECT_EQ(formatQuantity(2.2e-8, Dimension::Length), "22 nm");
  EXPECT_EQ(formatQuantity(0, Dimension::Resistance), "0 Ohm");
  EXPECT_EQ(formatQuantity(1e-9, Dimension::Time), "1 ns");
  EXPECT_EQ(formatQuantity(65536, Dimension::Bytes), "64 KiB");
}

} // namespace
