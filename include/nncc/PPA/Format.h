//===- Format.h - Numbers for people in the text and HTML reports -*- C++ -*-===//
//
// Shared by the text and HTML reports (compile's and explore's) so all
// print the same figure the same way: four significant digits with an SI
// prefix.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_PPA_FORMAT_H
#define NNCC_PPA_FORMAT_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace nncc::ppa {

/// "12.35 uJ", "6.25 ns", "0 W": value in `unit` with an SI prefix from
/// p (1e-12) to T (1e12).
std::string formatSI(double value, llvm::StringRef unit);
/// Square metres as mm^2 ("381.9 mm2"), the unit chips are compared in.
std::string formatMm2(double squareMetres);
/// "12.3 %".
std::string formatPercent(double fraction);
/// `text` with &, <, > and " escaped for HTML.
std::string escapeHtml(llvm::StringRef text);

} // namespace nncc::ppa

#endif // NNCC_PPA_FORMAT_H
