//===- TargetAttrFromChip.h - #cim.target from a chip description -*- C++ -*-===//
#ifndef NNCC_DIALECT_CIM_TRANSFORMS_TARGETATTRFROMCHIP_H
#define NNCC_DIALECT_CIM_TRANSFORMS_TARGETATTRFROMCHIP_H

#include "nncc/Dialect/CIM/CIMDialect.h"

#include "llvm/ADT/SmallVector.h"

namespace nncc {

namespace target {
struct TargetChip;
} // namespace target

/// The #cim.target for a loaded chip description.
cim::TargetAttr makeTargetAttr(mlir::MLIRContext *context,
                               const target::TargetChip &chip);

/// The #cim.target parameters makeTargetAttr fills, in the order it passes
/// them (for the test that holds the table to the attribute).
llvm::SmallVector<llvm::StringRef> targetAttrParameterNames();

/// The parameters in which two #cim.target attributes differ, each as
/// "name (A vs B)" with the values as the attribute prints them; the chip's
/// name is not compared.
llvm::SmallVector<std::string> targetAttrDifferences(cim::TargetAttr a,
                                                     cim::TargetAttr b);

} // namespace nncc

#endif // NNCC_DIALECT_CIM_TRANSFORMS_TARGETATTRFROMCHIP_H
