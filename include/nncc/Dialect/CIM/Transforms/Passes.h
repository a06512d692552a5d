//===- Passes.h - Mapping passes on the cim dialect -------------*- C++ -*-===//
//
// The passes that take cim.layer ops from stage `lowered` to `placed`
// (Passes.td), and the #cim.target for a chip description.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_TRANSFORMS_PASSES_H
#define NNCC_DIALECT_CIM_TRANSFORMS_PASSES_H

#include "nncc/Data/Dataset.h"
#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/CIM/Transforms/TargetAttrFromChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace nncc {

#define GEN_PASS_DECL
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"

/// --nncc-quantize calibrating on `samples`, already read (nullptr: as
/// the options say).
std::unique_ptr<mlir::Pass>
createQuantizeLayers(const QuantizeLayersOptions &options,
                     std::shared_ptr<const Dataset> samples);

} // namespace nncc

#endif // NNCC_DIALECT_CIM_TRANSFORMS_PASSES_H
