//===- CIMDialect.h - The memory-centric cim dialect ------------*- C++ -*-===//
#ifndef NNCC_DIALECT_CIM_CIMDIALECT_H
#define NNCC_DIALECT_CIM_CIMDIALECT_H

#include "nncc/Dialect/NN/NNDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "cim/CIMDialect.h.inc"
#include "cim/CIMEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "cim/CIMAttrs.h.inc"

namespace nncc::cim {

/// Name of the module attribute holding the #cim.target.
inline constexpr llvm::StringLiteral kTargetAttrName = "cim.target";

/// The #cim.target of the module enclosing `op`, or null.
TargetAttr getTarget(mlir::Operation *op);

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_CIMDIALECT_H
