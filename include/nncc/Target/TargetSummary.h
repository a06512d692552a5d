//===- TargetSummary.h - Derived figures of a chip description --*- C++ -*-===//
#ifndef NNCC_TARGET_TARGETSUMMARY_H
#define NNCC_TARGET_TARGETSUMMARY_H

#include "nncc/Target/TargetChip.h"

#include "llvm/Support/raw_ostream.h"

namespace nncc::target {

/// Figures that follow from a description; the formulas are documented in
/// docs/target-format.md ("Derived figures").
struct TargetFigures {
  int64_t arrays = 0;         ///< cores x arrays per core
  int64_t cellsPerArray = 0;  ///< rows x cols
  int64_t totalCells = 0;
  int64_t weightBits = 0;     ///< weight precision the capacity assumes
  int64_t slicesPerWeight = 0;///< cells (columns) per weight per polarity
  int64_t weightsPerArray = 0;
  int64_t weightCapacity = 0; ///< weights of `weightBits` the chip holds
  double mvmTime = 0;         ///< seconds for one full-array MVM
  double peakMacsPerSecond = 0;
};

/// Computes the figures for `weightBits`-bit signed weights.
TargetFigures computeFigures(const TargetChip &chip, int64_t weightBits);

/// Prints the description and its derived figures for `nncc target show`.
void printTarget(const TargetChip &chip, llvm::raw_ostream &os);

} // namespace nncc::target

#endif // NNCC_TARGET_TARGETSUMMARY_H
