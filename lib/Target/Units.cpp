//===- Units.cpp - Physical quantities with units in chip descriptions ----===//
#include "nncc/Target/Units.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace nncc::target;

namespace {

struct UnitEntry {
  llvm::StringLiteral symbol;
  Dimension dimension;
  double scale; ///< SI value of one unit.
  bool preferredForDisplay;
};

// Symbols are matched exactly (case-sensitive: "mS" is millisiemens, "MS"
// is not a unit).  "u" and the micro sign both mean micro.
constexpr UnitEntry kUnits[] = {
    {"nm", Dimension::Length, 1e-9, true},
    {"um", Dimension::Length, 1e-6, true},
    {"µm", Dimension::Length, 1e-6, false},
    {"μm", Dimension::Length, 1e-6, false},
    {"mm", Dimension::Length, 1e-3, true},
    {"m", Dimension::Length, 1, true},
    {"nm2", Dimension::Area, 1e-18, true},
    {"um2", Dimension::Area, 1e-12, true},
    {"µm2", Dimension::Area, 1e-12, false},
    {"μm2", Dimension::Area, 1e-12, false},
    {"mm2", Dimension::Area, 1e-6, true},
    {"m2", Dimension::Area, 1, true},
    {"mV", Dimension::Voltage, 1e-3, true},
    {"V", Dimension::Voltage, 1, true},
    {"Hz", Dimension::Frequency, 1, true},
    {"kHz", Dimension::Frequency, 1e3, true},
    {"MHz", Dimension::Frequency, 1e6, true},
    {"GHz", Dimension::Frequency, 1e9, true},
    {"ps", Dimension::Time, 1e-12, true},
    {"ns", Dimension::Time, 1e-9, true},
    {"us", Dimension::Time, 1e-6, true},
    {"µs", Dimension::Time, 1e-6, false},
    {"μs", Dimension::Time, 1e-6, false},
    {"ms", Dimension::Time, 1e-3, true},
    {"s", Dimension::Time, 1, true},
    {"min", Dimension::Time, 60, false},
    {"h", Dimension::Time, 3600, false},
    {"d", Dimension::Time, 86400, false},
    {"y", Dimension::Time, 365.25 * 86400, false},
    {"nS", Dimension::Conductance, 1e-9, true},
    {"uS", Dimension::Conductance, 1e-6, true},
    {"µS", Dimension::Conductance, 1e-6, false},
    {"μS", Dimension::Conductance, 1e-6, false},
    {"mS", Dimension::Conductance, 1e-3, true},
    {"S", Dimension::Conductance, 1, true},
    {"Ohm", Dimension::Resistance, 1, true},
    {"kOhm", Dimension::Resistance, 1e3, true},
    {"MOhm", Dimension::Resistance, 1e6, true},
    {"GOhm", Dimension::Resistance, 1e9, true},
    {"Ω", Dimension::Resistance, 1, false},
    {"kΩ", Dimension::Resistance, 1e3, false},
    {"MΩ", Dimension::Resistance, 1e6, false},
    // U+2126 OHM SIGN, which some editors produce instead of omega.
    {"\u2126", Dimension::Resistance, 1, false},
    {"k\u2126", Dimension::Resistance, 1e3, false},
    {"M\u2126", Dimension::Resistance, 1e6, false},
    {"aJ", Dimension::Energy, 1e-18, true},
    {"fJ", Dimension::Energy, 1e-15, true},
    {"pJ", Dimension::Energy, 1e-12, true},
    {"nJ", Dimension::Energy, 1e-9, true},
    {"uJ", Dimension::Energy, 1e-6, true},
    {"mJ", Dimension::Energy, 1e-3, true},
    {"J", Dimension::Energy, 1, true},
    {"nW", Dimension::Power, 1e-9, true},
    {"uW", Dimension::Power, 1e-6, true},
    {"mW", Dimension::Power, 1e-3, true},
    {"W", Dimension::Power, 1, true},
    {"bit", Dimension::Bytes, 0.125, false},
    {"B", Dimension::Bytes, 1, true},
    {"kB", Dimension::Bytes, 1e3, false},
    {"MB", Dimension::Bytes, 1e6, false},
    {"GB", Dimension::Bytes, 1e9, false},
    {"KiB", Dimension::Bytes, 1024, true},
    {"MiB", Dimension::Bytes, 1024.0 * 1024, true},
    {"GiB", Dimension::Bytes, 1024.0 * 1024 * 1024, true},
    {"bit/s", Dimension::Bandwidth, 1, true},
    {"kbit/s", Dimension::Bandwidth, 1e3, true},
    {"Mbit/s", Dimension::Bandwidth, 1e6, true},
    {"Gbit/s", Dimension::Bandwidth, 1e9, true},
    {"B/s", Dimension::Bandwidth, 8, false},
    {"MB/s", Dimension::Bandwidth, 8e6, false},
    {"GB/s", Dimension::Bandwidth, 8e9, false},
};

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::StringRef nncc::target::dimensionName(Dimension dimension) {
  switch (dimension) {
  case Dimension::Length: return "length";
  case Dimension::Area: return "area";
  case Dimension::Voltage: return "voltage";
  case Dimension::Frequency: return "frequency";
  case Dimension::Time: return "time";
  case Dimension::Conductance: return "conductance";
  case Dimension::Resistance: return "resistance";
  case Dimension::Energy: return "energy";
  case Dimension::Power: return "power";
  case Dimension::Bytes: return "size";
  case Dimension::Bandwidth: return "bandwidth";
  }
  return "quantity";
}

llvm::StringRef nncc::target::baseUnit(Dimension dimension) {
  switch (dimension) {
  case Dimension::Length: return "m";
  case Dimension::Area: return "m2";
  case Dimension::Voltage: return "V";
  case Dimension::Frequency: return "Hz";
  case Dimension::Time: return "s";
  case Dimension::Conductance: return "S";
  case Dimension::Resistance: return "Ohm";
  case Dimension::Energy: return "J";
  case Dimension::Power: return "W";
  case Dimension::Bytes: return "B";
  case Dimension::Bandwidth: return "bit/s";
  }
  return "";
}

llvm::StringRef nncc::target::exampleQuantity(Dimension dimension) {
  switch (dimension) {
  case Dimension::Length: return "22 nm";
  case Dimension::Area: return "0.01 mm2";
  case Dimension::Voltage: return "0.8 V";
  case Dimension::Frequency: return "1 GHz";
  case Dimension::Time: return "10 ns";
  case Dimension::Conductance: return "25 uS";
  case Dimension::Resistance: return "100 kOhm";
  case Dimension::Energy: return "1 pJ";
  case Dimension::Power: return "1 mW";
  case Dimension::Bytes: return "64 KiB";
  case Dimension::Bandwidth: return "128 Gbit/s";
  }
  return "";
}

llvm::Expected<double> nncc::target::parseQuantity(llvm::StringRef text,
                                                   Dimension dimension) {
  llvm::StringRef name = dimensionName(dimension);
  llvm::StringRef article =
      llvm::StringRef("aeiou").contains(name.front()) ? "an " : "a ";
  auto expected = [&](const llvm::Twine &why) {
    return makeError("expected " + article + name + " such as '" +
                     exampleQuantity(dimension) + "', got '" + text + "'" +
                     why);
  };
  llvm::StringRef trimmed = text.trim();
  // Split the leading number (digits, sign, point, exponent) from the unit.
  size_t split = 0;
  while (split < trimmed.size()) {
    char c = trimmed[split];
    bool exponentSign = (c == '+' || c == '-') && split > 0 &&
                        (trimmed[split - 1] == 'e' || trimmed[split - 1] == 'E');
    bool exponent = (c == 'e' || c == 'E') && split > 0 &&
                    split + 1 < trimmed.size() &&
                    (llvm::isDigit(trimmed[split + 1]) ||
                     trimmed[split + 1] == '-' || trimmed[split + 1] == '+');
    if (llvm::isDigit(c) || c == '.' || (split == 0 && (c == '-' || c == '+')) ||
        exponentSign || exponent)
      ++split;
    else
      break;
  }
  llvm::StringRef number = trimmed.take_front(split);
  llvm::StringRef unit = trimmed.drop_front(split).trim();
  double value;
  if (number.empty() || number.getAsDouble(value))
    return expected("");
  if (!std::isfinite(value))
    return expected(" (not a finite number)");
  if (unit.empty())
    return expected(" (the unit is missing)");
  const UnitEntry *entry = llvm::find_if(
      kUnits, [&](const UnitEntry &u) { return u.symbol == unit; });
  if (entry == std::end(kUnits))
    return expected(" (unknown unit '" + unit + "')");
  if (entry->dimension != dimension)
    return expected(" ('" + unit + "' is a " +
                    dimensionName(entry->dimension) + ")");
  return value * entry->scale;
}

std::string nncc::target::formatQuantity(double value, Dimension dimension) {
  // The largest preferred unit in which the value is at least 1; the base
  // unit for zero; the smallest unit for tiny values.
  const UnitEntry *best = nullptr, *smallest = nullptr, *base = nullptr;
  for (const UnitEntry &u : kUnits) {
    if (u.dimension != dimension || !u.preferredForDisplay)
      continue;
    if (!smallest || u.scale < smallest->scale)
      smallest = &u;
    if (u.scale == 1)
      base = &u;
    if (std::fabs(value) >= u.scale * (1 - 1e-12) &&
        (!best || u.scale > best->scale))
      best = &u;
  }
  if (value == 0 && base)
    best = base;
  if (!best)
    best = smallest;
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::format("%g", value / best->scale) << ' ' << best->symbol;
  return out;
}
