//===- AdcRangeMethod.cpp - How a layer's ADC ranges are calibrated -------===//
#include "nncc/Dialect/CIM/AdcRangeMethod.h"

#include "nncc/Support/Errors.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace nncc;

llvm::Expected<AdcRangeMethod> AdcRangeMethod::parse(llvm::StringRef spec) {
  spec = spec.trim();
  AdcRangeMethod m;
  if (spec == "max")
    return m;
  if (spec == "mse") {
    m.kind = Kind::MinMse;
    return m;
  }
  llvm::StringRef value = spec;
  if (value.consume_front("percentile:")) {
    double p;
    if (!value.trim().getAsDouble(p) && p > 0 && p <= 100) {
      m.kind = Kind::Percentile;
      m.percentile = p;
      return m;
    }
  }
  return makeError("ADC range method '" + spec +
                   "': expected max, percentile:P (0 < P <= 100) or mse");
}

std::string AdcRangeMethod::str() const {
  switch (kind) {
  case Kind::Max:
    return "max";
  case Kind::Percentile:
    return llvm::formatv("percentile:{0}", llvm::format("%g", percentile))
        .str();
  case Kind::MinMse:
    return "mse";
  }
  return "max";
}
