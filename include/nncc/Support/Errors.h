//===- Errors.h - Small helpers for llvm::Error messages --------*- C++ -*-===//
#ifndef NNCC_SUPPORT_ERRORS_H
#define NNCC_SUPPORT_ERRORS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace nncc {

/// An llvm::Error carrying `message` (no error code: nncc reports text).
inline llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// "[1, 3, 224, 224]": how nncc prints shapes in messages.
inline std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os);
  os << ']';
  return s;
}

} // namespace nncc

#endif // NNCC_SUPPORT_ERRORS_H
