//===- AdcRangeMethod.h - How a layer's ADC ranges are calibrated -*- C++ -*-===//
//
// A chip's periphery calibrates each column's ADC full scale on calibration
// inputs; which rule it uses is a mapping choice, per layer, recorded in the
// compiled program as the cim.layer attribute `adc_range` (default "max";
// set by --nncc-partition).  The rules themselves (what each picks from a
// column's currents) are the simulator's: nncc/Simulation/AdcCalibration.h.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_ADCRANGEMETHOD_H
#define NNCC_DIALECT_CIM_ADCRANGEMETHOD_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace nncc {

struct AdcRangeMethod {
  enum class Kind { Max, Percentile, MinMse };
  Kind kind = Kind::Max;
  double percentile = 100; ///< Percentile only: in (0, 100]
  /// "max", "percentile:P" (0 < P <= 100) or "mse".
  static llvm::Expected<AdcRangeMethod> parse(llvm::StringRef spec);
  /// The canonical spelling parse() reads back.
  std::string str() const;
  /// Whether the method needs each column's histogram (a calibration pass
  /// more than max).
  bool needsHistogram() const { return kind != Kind::Max; }
  bool operator==(const AdcRangeMethod &other) const {
    return kind == other.kind &&
           (kind != Kind::Percentile || percentile == other.percentile);
  }
};

} // namespace nncc

#endif // NNCC_DIALECT_CIM_ADCRANGEMETHOD_H
