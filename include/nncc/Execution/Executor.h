//===- Executor.h - Float reference executor of the nn dialect --*- C++ -*-===//
//
// Runs `func.func @main` of a verified nn module on host tensors with the
// reference kernels.  It is the accuracy baseline of nncc: the imported model
// must reproduce ONNX's conformance outputs and the framework's accuracy.
// Mapped modules' cim.layer ops run through CIMLayerRunner
// (CIMLayerExecution.h) in float, integer or datapath mode.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_EXECUTION_EXECUTOR_H
#define NNCC_EXECUTION_EXECUTOR_H

#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
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

/// Called before an op of @main runs with the tensors of its operands (only
/// valid during the call), e.g. to calibrate activation ranges.
using OpObserver = llvm::function_ref<void(
    mlir::Operation *, llvm::ArrayRef<const runtime::Tensor *> operands)>;

/// Runs a cim.layer in place of the layer's own runner (e.g. the accuracy
/// simulator's chip model): given the layer, its prepared runner and the
/// input, fills `output` (already allocated with the layer's result type).
using CIMLayerHook = llvm::function_ref<llvm::Error(
    mlir::Operation *layer, const CIMLayerRunner &runner,
    const runtime::Tensor &input, runtime::Tensor &output)>;

class Executor {
public:
  /// Prepares `module` (which must outlive the executor, unchanged): finds
  /// @main, checks every op is executable and converts constants once.
  /// Besides nn ops, @main may hold cim.layer ops (prepared once here).
  static llvm::Expected<Executor> create(mlir::ModuleOp module);

  llvm::ArrayRef<TensorSignature> getInputs() const { return inputs; }
  llvm::ArrayRef<TensorSignature> getOutputs() const { return outputs; }

  /// Runs one inference.  `args` must match getInputs() in order, dtype
  /// and shape.  `observer`, if given, sees every op except nn.constant and
  /// func.return just before it runs.
  llvm::Expected<std::vector<runtime::Tensor>>
  run(llvm::ArrayRef<runtime::Tensor> args, OpObserver observer = nullptr,
      CIMLayerHook layerHook = nullptr) const;

  /// Runs samples [0, count) of `samples` (f32, dim 0 counting samples of
  /// the one input's per-batch-element size) a batch (the input's dim 0)
  /// at a time, in order; a last partial batch is left out.  Samples
  /// convert to the input's dtype (integers exactly below 2^24).  For a
  /// calibration run: `observer` sees every op as in run().
  llvm::Error runSamples(const runtime::Tensor &samples, int64_t count,
                         OpObserver observer) const;

  /// How cim.layer ops run (Auto: each layer's most refined form).  A forced
  /// mode that a layer does not support makes run() fail.
  void setCIMExecutionMode(CIMExecutionMode mode) { cimMode = mode; }
  CIMExecutionMode getCIMExecutionMode() const { return cimMode; }

  /// How products of two activations (the nn.matmul ops the lowering left,
  /// which the cores' MAC arrays run) compute: with `bits`, as an integer
  /// MAC array does (runtime::quantizedMatMul: both operands quantized to
  /// `bits`-bit signed codes with the scales of the ranges the compile
  /// calibrated, cim.operand_ranges; an op without them makes run() fail);
  /// nullopt, the default: exactly in f32, the float model.
  void setMacArrayIntegerBits(std::optional<int64_t> bits) {
    macArrayBits = bits;
  }

private:
  Executor() = default;

  mlir::Operation *function = nullptr;
  std::vector<TensorSignature> inputs, outputs;
  /// Constant values, converted once at creation.
  llvm::DenseMap<mlir::Operation *, runtime::Tensor> constants;
  /// For each op in order, the values whose last use it is (freed after it
  /// runs so peak memory follows the live set, not the whole graph).
  std::vector<llvm::SmallVector<mlir::Value, 2>> lastUses;
  /// The prepared cim.layer ops.
  llvm::DenseMap<mlir::Operation *, std::shared_ptr<const CIMLayerRunner>>
      cimLayers;
  CIMExecutionMode cimMode = CIMExecutionMode::Auto;
  std::optional<int64_t> macArrayBits;
};

} // namespace nncc

#endif // NNCC_EXECUTION_EXECUTOR_H
