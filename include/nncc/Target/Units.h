//===- Units.h - Physical quantities with units in chip descriptions -*- C++ -*-===//
//
// Chip descriptions write quantities as `<number> <unit>` ("25 uS",
// "100 kOhm", "10 ns", "64 KiB").  Parsing converts them to SI base units
// (siemens, ohms, seconds, ...) and rejects a unit of the wrong dimension, so
// "0.8 ns" for a voltage is an error, not a silent 0.8.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TARGET_UNITS_H
#define NNCC_TARGET_UNITS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace nncc::target {

/// The physical dimension of a quantity.
enum class Dimension {
  Length,      ///< metres: nm, um, mm, m
  Area,        ///< square metres: nm2, um2, mm2, m2
  Voltage,     ///< volts: mV, V
  Frequency,   ///< hertz: kHz, MHz, GHz, Hz
  Time,        ///< seconds: ps, ns, us, ms, s, min, h, d, y
  Conductance, ///< siemens: nS, uS, mS, S
  Resistance,  ///< ohms: Ohm, kOhm, MOhm, GOhm
  Energy,      ///< joules: aJ, fJ, pJ, nJ, uJ, mJ, J
  Power,       ///< watts: nW, uW, mW, W
  Bytes,       ///< bytes: B, KiB, MiB, GiB, kB, MB, GB, bit
  Bandwidth,   ///< bits per second: bit/s, kbit/s, Mbit/s, Gbit/s, GB/s
};

/// Name of the dimension for messages ("voltage").
llvm::StringRef dimensionName(Dimension dimension);
/// The SI unit the value is stored in ("V").
llvm::StringRef baseUnit(Dimension dimension);
/// An example such as "0.8 V" for error messages.
llvm::StringRef exampleQuantity(Dimension dimension);

/// Parses `<number> <unit>` (space optional) into the SI value.  Errors say
/// what was expected, e.g. "expected a voltage such as '0.8 V', got '3 ns'".
llvm::Expected<double> parseQuantity(llvm::StringRef text, Dimension dimension);

/// Formats an SI value with the most readable unit of its dimension
/// ("2.5e-05" siemens -> "25 uS").
std::string formatQuantity(double value, Dimension dimension);

} // namespace nncc::target

#endif // NNCC_TARGET_UNITS_H
