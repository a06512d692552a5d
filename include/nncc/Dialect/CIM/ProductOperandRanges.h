//===- ProductOperandRanges.h - Calibrated ranges of MAC-array operands -*- C++ -*-===//
//
// A product of two activations (attention's Q K^T and weights x V) has no
// weights for the crossbars: it stays an nn.matmul and runs on the cores'
// digital MAC array (core.mac_array).  An integer MAC array quantizes both
// operands with scales fixed at compile time, as the crossbar layers'
// inputs are: the calibration (--nncc-quantize) records each operand's
// largest magnitude over the calibration set on the op, and whatever runs
// the chip model (the accuracy simulation) derives the scales from it and
// the target's core.mac_array.bits.  One definition of the attribute for
// its writer and its readers.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_PRODUCTOPERANDRANGES_H
#define NNCC_DIALECT_CIM_PRODUCTOPERANDRANGES_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace nncc::cim {

/// The discardable attribute on an nn.matmul of two activations: the
/// largest |x| of operand A and of operand B over the calibration set,
/// `array<f64: A, B>`.
inline constexpr llvm::StringLiteral kOperandRangesAttrName =
    "cim.operand_ranges";

struct OperandRanges {
  double a = 0, b = 0;
};

/// The ranges recorded on `op`, or nullopt when it has none (or a
/// malformed attribute: not two finite, non-negative numbers).
std::optional<OperandRanges> getOperandRanges(mlir::Operation *op);
void setOperandRanges(mlir::Operation *op, OperandRanges ranges);

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_PRODUCTOPERANDRANGES_H
