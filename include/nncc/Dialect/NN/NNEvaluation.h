//===- NNEvaluation.h - What each nn op computes ----------------*- C++ -*-===//
//
// The one definition of the nn ops' semantics on host tensors: a dispatch
// from each op to its runtime kernel, with the op's attributes resolved
// (windows, slices, reduced dims).  The float executor runs models with it
// and the importer folds constant subgraphs (shape arithmetic) with it, so
// a folded constant is exactly what execution would have produced.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_NN_NNEVALUATION_H
#define NNCC_DIALECT_NN_NNEVALUATION_H

#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace nncc::nn {

/// Computes the results of the verified nn op `op` into `results`, one per
/// result, each arriving allocated with its result's type; `operand` maps
/// each operand to its value.  Returns false for ops without host semantics
/// (nn.constant, other dialects).
bool evaluate(mlir::Operation *op,
              llvm::function_ref<const runtime::Tensor &(mlir::Value)> operand,
              llvm::MutableArrayRef<runtime::Tensor> results);

/// The same for an op with a single result (every nn op but
/// dynamic_quantize_linear).
inline bool
evaluate(mlir::Operation *op,
         llvm::function_ref<const runtime::Tensor &(mlir::Value)> operand,
         runtime::Tensor &out) {
  return evaluate(op, operand, llvm::MutableArrayRef<runtime::Tensor>(out));
}

/// Ops that only reinterpret their operand's shape (Reshape, Flatten,
/// Squeeze, Unsqueeze): the result may share the operand's storage.
bool isReshapeLike(mlir::Operation *op);

} // namespace nncc::nn

#endif // NNCC_DIALECT_NN_NNEVALUATION_H
