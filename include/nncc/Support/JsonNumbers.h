//===- JsonNumbers.h - Doubles in nncc's JSON outputs -----------*- C++ -*-===//
//
// nncc's JSON files are read by people as well as by tools, and must be
// byte-identical across runs: a double is written as the shortest "%.{p}g"
// text that reads back to the same value (1e-08, not 1.0000000000000001e-08)
// and non-finite values as null.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_JSONNUMBERS_H
#define NNCC_SUPPORT_JSONNUMBERS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace nncc {

/// The shortest round-tripping text of `x`, or "null" if not finite.
std::string formatJsonDouble(double x);

/// Writes `"key": x` into the object `j` is inside.
void jsonNumber(llvm::json::OStream &j, llvm::StringRef key, double x);

} // namespace nncc

#endif // NNCC_SUPPORT_JSONNUMBERS_H
