//===- JsonNumbers.cpp - Doubles in nncc's JSON outputs -------------------===//
#include "nncc/Support/JsonNumbers.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

std::string nncc::formatJsonDouble(double x) {
  if (!std::isfinite(x))
    return "null";
  if (x == 0)
    return "0";
  char buffer[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, x);
    if (std::strtod(buffer, nullptr) == x)
      break;
  }
  return buffer;
}

void nncc::jsonNumber(llvm::json::OStream &j, llvm::StringRef key, double x) {
  j.attributeBegin(key);
  j.rawValue(formatJsonDouble(x));
  j.attributeEnd();
}
