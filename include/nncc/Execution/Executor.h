//===- Executor.h - Float reference executor of the nn dialect --*- C++ -*-===//
//
// Runs `func.func @main` of a verified nn module on host tensors with the
// reference kernels.  It is the accuracy baseline of nncc: the imported model
// must reproduce ONNX's conformance outputs and the framework's accuracy.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_EXECUTION_EXECUTOR_H
#define NNCC_EXECUTION_EXECUTOR_H

#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace nncc {

/// Name, element type and shape of one function argument or result.
struct TensorSignature {
  std::string name;
  runtime::DType dtype;
  llvm::SmallVector<int64_t> shape;
};

class Executor {
public:
  /// Prepares `module` (which must outlive the executor): finds @main,
  /// checks every op is executable and converts constants once.
  static llvm::Expected<Executor> create(mlir::ModuleOp module);

  llvm::ArrayRef<TensorSignature> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSignature> getOutputs() const { return outputs; }

  /// Runs one inference.  `args` must match getInputs() in order, dtype
  /// and shape.
  llvm::Expected<std::vector<runtime::Tensor>>
  run(llvm::ArrayRef<runtime::Tensor> args) const;

private:
  Executor() = default;

  mlir::Operation *function = nullptr;
  std::vector<TensorSignature> inputs, outputs;
  /// Constant values, converted once at creation.
  llvm::DenseMap<mlir::Operation *, runtime::Tensor> constants;
  /// For each op in order, the values whose last use it is (freed after it
  /// runs so peak memory follows the live set, not the whole graph).
  std::vector<llvm::SmallVector<mlir::Value, 2>> lastUses;
};

} // namespace nncc

#endif // NNCC_EXECUTION_EXECUTOR_H
