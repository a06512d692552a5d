//===- BodyInterpreter.cpp - Runs a cim.layer body op by op ---------------===//
#include "nncc/Execution/BodyInterpreter.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/Errors.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

llvm::Expected<BodyInterpreter> BodyInterpreter::create(cim::LayerOp layer) {
  if (!layer.isPartitioned())
    return makeError("the layer has no body");
  BodyInterpreter result;
  Block &block = layer.getBody().front();
  if (block.getNumArguments() != 1)
    return makeError("the body takes one argument");
  result.block = &block;
  cim::LayerOp::MatrixShape shape = layer.getMatrixShape();
  result.groups = shape.groups;
  result.columns = shape.columns;
  llvm::DenseMap<Value, size_t> lastUse;
  for (Operation &op : block) {
    if (!isa<cim::BodyOpInterface, cim::YieldOp>(op))
      return makeError("cannot execute '" + op.getName().getStringRef() +
                       "' in a cim.layer body");
    if (op.getNumRegions() != 0)
      return makeError("body ops must not have regions");
    for (Value operand : op.getOperands())
      lastUse[operand] = result.ops.size();
    result.ops.push_back(&op);
  }
  result.lastUses.resize(result.ops.size());
  for (auto [value, at] : lastUse)
    result.lastUses[at].push_back(value);
  return result;
}

llvm::Expected<Tensor> BodyInterpreter::run(const Tensor &inputs,
                                            cim::ArrayReader &reader,
                                            CIMBodyObserver observer) const {
  const int64_t vectors = inputs.dim(1);
  llvm::DenseMap<Value, Tensor> env;
  env[block->getArgument(0)] = inputs;
  SmallVector<Value, 2> dying;
  for (auto [index, op] : llvm::enumerate(ops)) {
    SmallVector<const Tensor *, 4> operands;
    for (Value operand : op->getOperands()) {
      auto it = env.find(operand);
      if (it == env.end())
        return makeError("a cim.layer body value is used before it is "
                         "defined");
      operands.push_back(&it->second);
    }

    if (isa<cim::YieldOp>(op)) {
      const Tensor &acc = *operands[0];
      if ((acc.dtype() != DType::I64 && acc.dtype() != DType::F64) ||
          acc.shape() != ArrayRef<int64_t>{groups, vectors, columns})
        return makeError("the body must yield [G, P, N] accumulators");
      return acc;
    }

    // An op may reuse the buffers of operands that die here, unless an
    // observer could still see them (the block argument is the caller's).
    dying.clear();
    if (!observer)
      for (Value value : lastUses[index])
        if (!isa<BlockArgument>(value))
          dying.push_back(value);
    cim::BodyEvaluation evaluation{reader, vectors, dying};
    SmallVector<Tensor, 2> results(op->getNumResults());
    if (llvm::Error err = cast<cim::BodyOpInterface>(op).evaluate(
            evaluation, operands, results))
      return std::move(err);
    if (observer) {
      SmallVector<const Tensor *, 2> views;
      for (Tensor &t : results)
        views.push_back(&t);
      observer(op, views);
    }
    for (Value dead : lastUses[index])
      env.erase(dead);
    for (auto [value, tensor] : llvm::zip(op->getResults(), results))
      env[value] = std::move(tensor);
  }
  return makeError("the cim.layer body has no cim.yield");
}
