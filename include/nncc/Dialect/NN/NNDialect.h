//===- NNDialect.h - The nn graph dialect -----------------------*- C++ -*-===//
#ifndef NNCC_DIALECT_NN_NNDIALECT_H
#define NNCC_DIALECT_NN_NNDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "nn/NNDialect.h.inc"
#include "nn/NNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "nn/NNAttrs.h.inc"

#endif // NNCC_DIALECT_NN_NNDIALECT_H
