//===- ConstantFolding.cpp - Shape arithmetic folded at import ------------===//
//
// Encoders exported by torch compute shapes at run time: Shape, Gather of a
// dim, Unsqueeze, Concat, then Reshape or Expand.  nn has static shapes, so
// such chains are constants; folding them as the nodes are imported lets
// the operand that must be a compile-time constant (Reshape's shape,
// Expand's shape, Slice's bounds) be one.  The value comes from
// nn::evaluate, the same code the executor runs, so folding cannot change
// what a model computes.
//
//===----------------------------------------------------------------------===//
#include "NodeImporter.h"

#include "nncc/Dialect/NN/NNEvaluation.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/Utils/TensorElements.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace nncc;
using namespace nncc::detail;

namespace {

/// Folded results above this many elements stay ops: shape arithmetic is a
/// handful of integers, and a large folded tensor would be printed as a
/// literal in the IR.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 16;

} // namespace

std::optional<runtime::Tensor> NodeImporter::constantValue(Value v) {
  auto constant = v ? v.getDefiningOp<nn::ConstantOp>() : nn::ConstantOp();
  if (!constant)
    return std::nullopt;
  llvm::Expected<runtime::Tensor> tensor =
      elementsToTensor(constant.getValue());
  if (!tensor) {
    llvm::consumeError(tensor.takeError());
    return std::nullopt;
  }
  return std::move(*tensor);
}

Value NodeImporter::createConstant(ElementsAttr value) {
  return builder.create<nn::ConstantOp>(loc, value);
}

FailureOr<Value> NodeImporter::foldIfConstant(Operation *op) {
  Value result = op->getResult(0);
  auto type = cast<RankedTensorType>(result.getType());
  // Dequantize stays an op so that the lowering sees the model's scales and
  // zero points on its int8 weights, not their float product.  A quantize
  // of constant float weights (TensorRT's QDQ idiom) folds into those int8
  // codes, whatever their size: the codes are smaller than the weights.
  bool weightCodes = isa<nn::QuantizeLinearOp>(op);
  if (isa<nn::ConstantOp, nn::ConvOp, nn::GemmOp, nn::MatMulOp,
          nn::DequantizeLinearOp>(op) ||
      (type.getNumElements() > kMaxFoldedElements && !weightCodes) ||
      !llvm::all_of(op->getOperands(),
                    [](Value v) { return v.getDefiningOp<nn::ConstantOp>(); }))
    return result;
  llvm::SmallDenseMap<Value, runtime::Tensor> operands;
  for (Value v : op->getOperands()) {
    std::optional<runtime::Tensor> t = constantValue(v);
    if (!t)
      return result;
    operands.try_emplace(v, std::move(*t));
  }
  llvm::Expected<runtime::DType> dtype =
      dtypeForElementType(type.getElementType());
  if (!dtype) {
    llvm::consumeError(dtype.takeError());
    return result;
  }
  runtime::Tensor value(*dtype, type.getShape());
  if (!nn::evaluate(
          op,
          [&](Value v) -> const runtime::Tensor & {
            return operands.find(v)->second;
          },
          value))
    return result;
  op->erase();
  return createConstant(tensorToElements(*getContext(), value));
}
