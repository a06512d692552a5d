//===- Passes.h - nncc's mapping passes -------------------------*- C++ -*-===//
#ifndef NNCC_PASSES_PASSES_H
#define NNCC_PASSES_PASSES_H

#include "nncc/Dialect/CIM/CIMDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace nncc {

struct Dataset;

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

/// --nncc-quantize calibrating on `samples`, already read (nullptr: as
/// the options say).
std::unique_ptr<mlir::Pass>
createQuantizeLayers(const QuantizeLayersOptions &options,
                     std::shared_ptr<const Dataset> samples);

} // namespace nncc

#endif // NNCC_PASSES_PASSES_H
