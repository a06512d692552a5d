//===- Passes.h - nncc's mapping passes -------------------------*- C++ -*-===//
#ifndef NNCC_PASSES_PASSES_H
#define NNCC_PASSES_PASSES_H

#include "nncc/Dialect/CIM/CIMDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace nncc {

namespace target {
struct TargetChip;
} // namespace target

/// The #cim.target for a loaded chip description.
cim::TargetAttr makeTargetAttr(mlir::MLIRContext *context,
                               const target::TargetChip &chip);

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace nncc

#endif // NNCC_PASSES_PASSES_H
