//===- BodyInterpreter.cpp - Runs a cim.layer body op by op ---------------===//
#include "nncc/Execution/BodyInterpreter.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/Errors.h"

#include "llvm/ADT/DenseMap.h"

#include <algorithm>

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
  cim::LayerOp::MatrixShape shape = layer.getMatrixShape();
  result.groups = shape.groups;
  result.columns = shape.columns;

  llvm::DenseMap<Value, unsigned> slotOf;
  llvm::DenseMap<Value, size_t> lastUse;
  slotOf[block.getArgument(0)] = result.numSlots++;
  for (Operation &op : block) {
    if (!isa<cim::BodyOpInterface, cim::YieldOp>(op))
      return makeError("cannot execute '" + op.getName().getStringRef() +
                       "' in a cim.layer body");
    if (op.getNumRegions() != 0)
      return makeError("body ops must not have regions");
    Step step{&op, dyn_cast<cim::BodyOpInterface>(op), {}, result.numSlots, {},
              {}};
    for (Value operand : op.getOperands()) {
      auto it = slotOf.find(operand);
      if (it == slotOf.end())
        return makeError("a cim.layer body value is used before it is "
                         "defined");
      step.operands.push_back(it->second);
      lastUse[operand] = result.steps.size();
    }
    for (Value value : op.getResults())
      slotOf[value] = result.numSlots++;
    result.steps.push_back(std::move(step));
    result.ops.push_back(&op);
  }
  for (auto [value, at] : lastUse) {
    Step &step = result.steps[at];
    step.lastUses.push_back(slotOf.lookup(value));
    if (!isa<BlockArgument>(value))
      step.dying.push_back(value);
  }
  return result;
}

llvm::Expected<Tensor> BodyInterpreter::run(const Tensor &inputs,
                                            cim::ArrayReader &reader,
                                            CIMBodyObserver observer) const {
  if (inputs.rank() != 3)
    return makeError("a cim.layer body runs on a rank-3 block of inputs");
  const int64_t vectors = inputs.dim(reader.inputsInLanes() ? 2 : 1);
  std::vector<Tensor> slots(numSlots);
  slots[0] = inputs;
  SmallVector<const Tensor *, 4> operands;
  SmallVector<Tensor, 2> results;
  for (const Step &step : steps) {
    operands.clear();
    for (unsigned slot : step.operands)
      operands.push_back(&slots[slot]);

    if (!step.body) { // the cim.yield
      const Tensor &acc = *operands[0];
      if ((acc.dtype() != DType::I64 && acc.dtype() != DType::F64) ||
          acc.shape() != ArrayRef<int64_t>{groups, vectors, columns})
        return makeError("the body must yield [G, P, N] accumulators");
      return acc;
    }

    // An op may reuse the buffers of operands that die here, unless an
    // observer could still see them (the block argument is the caller's).
    cim::BodyEvaluation evaluation{reader, vectors,
                                   observer ? ArrayRef<Value>()
                                            : ArrayRef<Value>(step.dying)};
    results.clear();
    results.resize(step.op->getNumResults());
    cim::BodyOpInterface body = step.body; // op handles are not const
    if (llvm::Error err = body.evaluate(evaluation, operands, results))
      return std::move(err);
    if (observer) {
      SmallVector<const Tensor *, 2> views;
      for (Tensor &t : results)
        views.push_back(&t);
      observer(step.op, views);
    }
    for (unsigned slot : step.lastUses)
      slots[slot] = Tensor();
    for (auto [i, tensor] : llvm::enumerate(results))
      slots[step.firstResult + i] = std::move(tensor);
  }
  return makeError("the cim.layer body has no cim.yield");
}

runtime::Tensor nncc::vectorBlock(const runtime::Tensor &xq, int64_t begin,
                                  int64_t count, bool inLanes) {
  const int64_t groups = xq.dim(0), vectors = xq.dim(1), depth = xq.dim(2);
  runtime::Tensor block = runtime::Tensor::uninitialized(
      runtime::DType::I32, inLanes ? ArrayRef<int64_t>{groups, depth, count}
                                   : ArrayRef<int64_t>{groups, count, depth});
  for (int64_t g = 0; g < groups; ++g) {
    const int32_t *src = xq.data<int32_t>() + (g * vectors + begin) * depth;
    int32_t *dst = block.data<int32_t>() + g * count * depth;
    if (!inLanes) {
      std::copy_n(src, count * depth, dst);
      continue;
    }
    for (int64_t p = 0; p < count; ++p)
      for (int64_t k = 0; k < depth; ++k)
        dst[k * count + p] = src[p * depth + k];
  }
  return block;
}
