//===- NNDialect.h - The nn graph dialect -----------------------*- C++ -*-===//
#ifndef NNCC_DIALECT_NN_NNDIALECT_H
#define NNCC_DIALECT_NN_NNDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "nn/NNDialect.h.inc"
#include "nn/NNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "nn/NNAttrs.h.inc"

namespace nncc {
/// Names of the ONNX graph inputs/outputs that `main`'s arguments/results
/// stand for (stored as argument and result attributes).
inline constexpr llvm::StringLiteral kOnnxNameAttr = "nn.onnx_name";
} // namespace nncc

#endif // NNCC_DIALECT_NN_NNDIALECT_H
