//===- TargetAttrFromChip.cpp - #cim.target from a chip description -------===//
//
// The attribute is built from one table: a row per #cim.target parameter, in
// the order ODS declares them, saying which TargetChip field it comes from.
// The positional TargetAttr::get is expanded from the table alone, so a
// parameter added in ODS without a row does not compile; the unit test
// (test/unit/Dialect/TargetAttrTest.cpp) checks each row's name against the
// parameter at its position and each value against its chip field.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/Transforms/TargetAttrFromChip.h"

#include "nncc/Target/TargetChip.h"

#include "mlir/IR/Builders.h"

#include "llvm/Support/raw_ostream.h"

#include <map>
#include <tuple>

using namespace mlir;
using namespace nncc;

namespace {

/// One #cim.target parameter: its name and how to compute it from the chip.
template <typename ValueFn>
struct Parameter {
  const char *name;
  ValueFn value;
};
template <typename ValueFn>
constexpr Parameter<ValueFn> parameter(const char *name, ValueFn value) {
  return {name, value};
}

cim::SignedScheme toCIM(target::SignedWeightScheme scheme) {
  switch (scheme) {
  case target::SignedWeightScheme::DifferentialColumns:
    return cim::SignedScheme::DifferentialColumns;
  case target::SignedWeightScheme::DifferentialRows:
    return cim::SignedScheme::DifferentialRows;
  case target::SignedWeightScheme::OffsetReference:
    break;
  }
  return cim::SignedScheme::OffsetReference;
}

using Chip = target::TargetChip;

/// The table, in ODS order (dialects/cim/CIMDialect.td, CIM_TargetAttr).
const auto kParameters = std::make_tuple(
    parameter("name", [](const Chip &c, Builder &) { return StringRef(c.name); }),
    parameter("rows", [](const Chip &c, Builder &) { return c.array.deviceRows(); }),
    parameter("cols", [](const Chip &c, Builder &) { return c.array.deviceCols(); }),
    parameter("levels", [](const Chip &c, Builder &) { return c.device.levels; }),
    parameter("rows_in_parallel",
              [](const Chip &c, Builder &) { return c.array.deviceRowsInParallel(); }),
    parameter("adc_bits",
              [](const Chip &c, Builder &) { return c.periphery.adcBits; }),
    parameter("columns_per_adc",
              [](const Chip &c, Builder &) { return c.periphery.columnsPerAdc; }),
    parameter("input_bits",
              [](const Chip &c, Builder &) { return c.periphery.inputBits; }),
    parameter("dac_bits",
              [](const Chip &c, Builder &) { return c.periphery.dacBits; }),
    parameter("signed_weights",
              [](const Chip &c, Builder &) {
                return toCIM(c.array.signedWeights);
              }),
    parameter("g_min",
              [](const Chip &c, Builder &b) {
                return b.getF64FloatAttr(c.device.gMin);
              }),
    parameter("g_max",
              [](const Chip &c, Builder &b) {
                return b.getF64FloatAttr(c.device.gMax);
              }),
    parameter("cores", [](const Chip &c, Builder &) { return c.chip.cores; }),
    parameter("arrays_per_core",
              [](const Chip &c, Builder &) { return c.core.arrays; }),
    parameter("read_pulse",
              [](const Chip &c, Builder &b) {
                return b.getF64FloatAttr(c.device.readPulse);
              }),
    // Without a measured ADC latency, one conversion per clock.
    parameter("conversion_time",
              [](const Chip &c, Builder &b) {
                return b.getF64FloatAttr(target::conversionTime(c));
              }),
    parameter("mesh_width",
              [](const Chip &c, Builder &) { return c.chip.interconnect.width; }),
    parameter("mesh_height",
              [](const Chip &c, Builder &) {
                return c.chip.interconnect.height;
              }),
    parameter("bus",
              [](const Chip &c, Builder &) {
                return c.chip.interconnect.topology == target::Topology::Bus;
              }),
    parameter("sample_and_hold",
              [](const Chip &c, Builder &) {
                return c.periphery.sampleAndHold;
              }),
    parameter("sensed_in_read",
              [](const Chip &c, Builder &) {
                return target::readoutOverlap(c) ==
                       target::ReadoutOverlap::SensedInRead;
              }),
    parameter("read_phases",
              [](const Chip &c, Builder &) { return c.array.readPhases; }));

} // namespace

cim::TargetAttr nncc::makeTargetAttr(MLIRContext *context,
                                     const target::TargetChip &chip) {
  context->getOrLoadDialect<cim::CIMDialect>();
  Builder b(context);
  return std::apply(
      [&](const auto &...params) {
        return cim::TargetAttr::get(context, params.value(chip, b)...);
      },
      kParameters);
}

namespace {
/// "name = value" items of a printed #cim.target, by name (split at the
/// top-level ", ", outside the quoted chip name).
std::map<std::string, std::string> printedParameters(cim::TargetAttr attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << attr;
  StringRef body(text);
  body = body.drop_until([](char c) { return c == '<'; }).drop_front();
  body.consume_back(">");
  std::map<std::string, std::string> items;
  bool quoted = false;
  size_t start = 0;
  auto add = [&](StringRef item) {
    auto [name, value] = item.split(" = ");
    items[name.trim().str()] = value.trim().str();
  };
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '"' && (i == 0 || body[i - 1] != '\\'))
      quoted = !quoted;
    else if (!quoted && body.substr(i).starts_with(", ")) {
      add(body.slice(start, i));
      start = i + 2;
    }
  }
  add(body.substr(start));
  return items;
}
} // namespace

SmallVector<std::string> nncc::targetAttrDifferences(cim::TargetAttr a,
                                                     cim::TargetAttr b) {
  std::map<std::string, std::string> x = printedParameters(a),
                                     y = printedParameters(b);
  SmallVector<std::string> differences;
  for (StringRef name : targetAttrParameterNames()) {
    if (name == "name")
      continue;
    auto i = x.find(name.str()), j = y.find(name.str());
    std::string u = i == x.end() ? "default" : i->second;
    std::string v = j == y.end() ? "default" : j->second;
    if (u != v)
      differences.push_back((name + " (" + u + " vs " + v + ")").str());
  }
  return differences;
}

SmallVector<StringRef> nncc::targetAttrParameterNames() {
  return std::apply(
      [](const auto &...params) {
        return SmallVector<StringRef>{StringRef(params.name)...};
      },
      kParameters);
}
