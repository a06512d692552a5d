//===- Passes.h - Mapping spiking layers onto cores -------------*- C++ -*-===//
#ifndef NNCC_DIALECT_SNN_TRANSFORMS_PASSES_H
#define NNCC_DIALECT_SNN_TRANSFORMS_PASSES_H

#include "nncc/Dialect/SNN/SNNOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace nncc {

#define GEN_PASS_DECL
#include "nncc/Dialect/SNN/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "nncc/Dialect/SNN/Transforms/Passes.h.inc"

} // namespace nncc

#endif // NNCC_DIALECT_SNN_TRANSFORMS_PASSES_H
