//===- LayerStage.h - Which attributes each mapping stage brings -*- C++ -*-===//
//
// The part of the cim verifiers that ties a cim.layer's `stage` to the
// attributes the mapping passes add (private to the dialect library).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_DIALECT_CIM_LAYERSTAGE_H
#define NNCC_LIB_DIALECT_CIM_LAYERSTAGE_H

#include "nncc/Dialect/CIM/CIMDialect.h"

#include "mlir/IR/Diagnostics.h"

namespace nncc::cim {

class LayerOp;

/// Fails unless `op` carries the attributes of the stages it has passed,
/// none of the later ones, and a body exactly from stage partitioned on.
mlir::LogicalResult verifyStageAttributes(LayerOp op);

/// "<what> comes with stage '<needed>', the layer is at stage '<stage>'":
/// `op` (a layer or an op inside one) has something a later pass adds.
mlir::InFlightDiagnostic emitStageTooEarly(mlir::Operation *op,
                                           const llvm::Twine &what,
                                           LayerStage needed);

} // namespace nncc::cim

#endif // NNCC_LIB_DIALECT_CIM_LAYERSTAGE_H
