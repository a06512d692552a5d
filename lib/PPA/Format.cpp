//===- Format.cpp - Numbers for people in the text and HTML reports -------===//
#include "nncc/PPA/Format.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace nncc;

std::string ppa::formatSI(double value, llvm::StringRef unit) {
  static const char *const prefixes[] = {"p", "n", "u", "m", "",
                                         "k", "M", "G", "T"};
  std::string text;
  llvm::raw_string_ostream os(text);
  if (value == 0 || !std::isfinite(value)) {
    os << (std::isfinite(value) ? "0" : "n/a") << ' ' << unit;
    return text;
  }
  int exponent = static_cast<int>(std::floor(std::log10(std::fabs(value)) / 3));
  exponent = std::max(-4, std::min(4, exponent));
  double scaled = value / std::pow(1000.0, exponent);
  os << llvm::format("%.4g", scaled) << ' ' << prefixes[exponent + 4] << unit;
  return text;
}

std::string ppa::formatMm2(double squareMetres) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%.4g", squareMetres * 1e6) << " mm2";
  return text;
}

std::string ppa::formatPercent(double fraction) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%.1f", fraction * 100) << " %";
  return text;
}

std::string ppa::escapeHtml(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}
