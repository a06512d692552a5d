//===- NonFinite.h - Finding NaNs and infinities in float data -*- C++ -*-===//
//
// Weights and dataset samples must be finite (a cell has no conductance and
// a DAC no code for a NaN or an infinity); the lowering and the dataset
// reader refuse the first one they find, by its index.  One scan and one
// wording serve both.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_NONFINITE_H
#define NNCC_SUPPORT_NONFINITE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace nncc {

/// Position of the first NaN or infinity in `values`, if any.  Blocks are
/// scanned branch-free on the exponent bits (a loop that vectorizes: every
/// weight of a model is read once more), the first failing block element by
/// element.
std::optional<size_t> findNonFinite(llvm::ArrayRef<float> values);

/// "NaN", "inf" or "-inf" for a non-finite `value`.
llvm::StringRef nonFiniteName(float value);

/// The row-major index of element `flat` of a tensor of `shape`, as
/// "i, j, k" (an extent of 0 counts as 1; "" for a scalar).
std::string formatElementIndex(int64_t flat, llvm::ArrayRef<int64_t> shape);

} // namespace nncc

#endif // NNCC_SUPPORT_NONFINITE_H
