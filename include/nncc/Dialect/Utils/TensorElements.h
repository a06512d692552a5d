//===- TensorElements.h - MLIR constants as runtime tensors -----*- C++ -*-===//
//
// The bridge between the IR's element types and constants (builtin types,
// ElementsAttr dense or dense_resource) and the MLIR-free runtime::Tensor
// that the kernels, the executor and the importer's constant folding use.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_UTILS_TENSORELEMENTS_H
#define NNCC_DIALECT_UTILS_TENSORELEMENTS_H

#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

namespace nncc {

/// The runtime DType for an MLIR element type.
llvm::Expected<runtime::DType> dtypeForElementType(mlir::Type type);
/// The MLIR element type for a runtime DType.
mlir::Type elementTypeForDType(mlir::MLIRContext &context, runtime::DType type);
/// Copies an ElementsAttr (dense or dense_resource) into a host tensor.
llvm::Expected<runtime::Tensor> elementsToTensor(mlir::ElementsAttr attr);
/// A dense literal holding `tensor` (the importer's folded constants).
mlir::DenseElementsAttr tensorToElements(mlir::MLIRContext &context,
                                         const runtime::Tensor &tensor);
/// A splat of `type` whose every element is the one element of `value`
/// (converted to nothing: `value` has `type`'s element type).
mlir::DenseElementsAttr splatElements(mlir::RankedTensorType type,
                                      const runtime::Tensor &value);

} // namespace nncc

#endif // NNCC_DIALECT_UTILS_TENSORELEMENTS_H
