//===- CIMLayerExecution.cpp - The CIMLayerRunner facade ------------------===//
//
// Public entry points of host cim.layer execution: mode selection, argument
// checks, and the one-shot helpers.  The modes themselves live one per file
// (see CIMLayerImpl.h).
//
//===----------------------------------------------------------------------===//
#include "CIMLayerImpl.h"

#include "nncc/Support/Errors.h"

#include <algorithm>
#include <cassert>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

llvm::StringRef nncc::stringifyCIMExecutionMode(CIMExecutionMode mode) {
  switch (mode) {
  case CIMExecutionMode::Auto:
    return "auto";
  case CIMExecutionMode::Float:
    return "float";
  case CIMExecutionMode::Integer:
    return "integer";
  case CIMExecutionMode::Datapath:
    return "datapath";
  }
  return "?";
}

llvm::Expected<CIMLayerRunner>
CIMLayerRunner::create(cim::LayerOp layer, const CIMRunnerOptions &options) {
  auto impl = std::make_shared<Impl>();
  impl->options = options;
  if (llvm::Error err = impl->init(layer))
    return makeError("cim.layer '" + layer.getLayerName() +
                     "': " + llvm::toString(std::move(err)));
  CIMLayerRunner runner;
  runner.impl = std::move(impl);
  return runner;
}

CIMExecutionMode CIMLayerRunner::getDefaultMode() const {
  return impl->partitioned ? CIMExecutionMode::Datapath
         : impl->quantized ? CIMExecutionMode::Integer
                           : CIMExecutionMode::Float;
}

bool CIMLayerRunner::supports(CIMExecutionMode mode) const {
  switch (mode) {
  case CIMExecutionMode::Auto:
  case CIMExecutionMode::Float:
    return true;
  case CIMExecutionMode::Integer:
    return impl->quantized;
  case CIMExecutionMode::Datapath:
    return impl->partitioned;
  }
  return false;
}

int64_t CIMLayerRunner::getGroups() const { return impl->groups; }
int64_t CIMLayerRunner::getVectors() const { return impl->vectors; }
int64_t CIMLayerRunner::getDepth() const { return impl->depth; }
int64_t CIMLayerRunner::getColumns() const { return impl->columns; }

llvm::Error CIMLayerRunner::run(const Tensor &input, Tensor &output,
                                CIMExecutionMode mode) const {
  if (mode == CIMExecutionMode::Auto)
    mode = getDefaultMode();
  if (!supports(mode))
    return makeError("cim.layer '" + impl->getLayer().getLayerName() +
                     "' cannot run in " + stringifyCIMExecutionMode(mode) +
                     " mode");
  if (llvm::Error err = impl->checkInput(input))
    return err;
  if (llvm::Error err = impl->prepareOutput(output))
    return err;
  if (mode == CIMExecutionMode::Float)
    return impl->runFloat(input, output);
  llvm::Expected<Tensor> acc = computeAccumulators(input, mode);
  if (!acc)
    return acc.takeError();
  impl->dequantize(*acc, output);
  return llvm::Error::success();
}

llvm::Expected<Tensor>
CIMLayerRunner::computeAccumulators(const Tensor &input,
                                    CIMExecutionMode mode) const {
  if (mode == CIMExecutionMode::Auto)
    mode = impl->partitioned ? CIMExecutionMode::Datapath
                             : CIMExecutionMode::Integer;
  if (mode == CIMExecutionMode::Float || !supports(mode))
    return makeError("cim.layer '" + impl->getLayer().getLayerName() +
                     "' has no " + stringifyCIMExecutionMode(mode) +
                     " accumulators");
  if (llvm::Error err = impl->checkInput(input))
    return std::move(err);
  if (mode == CIMExecutionMode::Integer)
    return impl->integerFromInput(input);
  return impl->datapath(impl->quantizeIm2col(input), nullptr);
}

/// That the layer quantizes and `input` is its input.
static llvm::Error checkQuantizable(const CIMLayerRunner::Impl &impl,
                                    const Tensor &input) {
  if (!impl.quantized)
    return makeError("cim.layer '" + impl.getLayer().getLayerName() +
                     "' is not quantized");
  return impl.checkInput(input);
}

llvm::Expected<Tensor>
CIMLayerRunner::quantizeIm2col(const Tensor &input) const {
  if (llvm::Error err = checkQuantizable(*impl, input))
    return std::move(err);
  return impl->quantizeIm2col(input);
}

llvm::Expected<Tensor>
CIMLayerRunner::quantizeInput(const Tensor &input) const {
  if (llvm::Error err = checkQuantizable(*impl, input))
    return std::move(err);
  return impl->quantizeInput(input);
}

Tensor CIMLayerRunner::im2colBlock(const Tensor &quantized, int64_t begin,
                                   int64_t count, bool inLanes) const {
  assert(quantized.dtype() == DType::I32 && begin >= 0 && count >= 0 &&
         begin + count <= impl->vectors && "a block of quantizeInput's");
  const int64_t G = impl->groups, K = impl->depth;
  Tensor block = Tensor::uninitialized(
      DType::I32, inLanes ? ArrayRef<int64_t>{G, K, count}
                          : ArrayRef<int64_t>{G, count, K});
  for (int64_t g = 0; g < G; ++g) {
    int32_t *dst = block.data<int32_t>() + g * count * K;
    if (inLanes)
      impl->gatherLanes(quantized.data<int32_t>(), g, begin, begin + count,
                        dst);
    else
      impl->gather(quantized.data<int32_t>(), g, begin, begin + count, dst);
  }
  return block;
}

static llvm::Error checkIm2col(const CIMLayerRunner::Impl &impl,
                               const Tensor &xq) {
  if (xq.dtype() != DType::I32 ||
      xq.shape() != ArrayRef<int64_t>{impl.groups, impl.vectors, impl.depth})
    return makeError("the quantized im2col input must be i32 " +
                     formatShape({impl.groups, impl.vectors, impl.depth}));
  return llvm::Error::success();
}

llvm::Expected<Tensor>
CIMLayerRunner::integerAccumulators(const Tensor &im2col) const {
  if (!impl->quantized)
    return makeError("the layer is not quantized");
  if (llvm::Error err = checkIm2col(*impl, im2col))
    return std::move(err);
  return impl->integerAccumulators(im2col);
}

llvm::Expected<Tensor>
CIMLayerRunner::datapathAccumulators(const Tensor &im2col,
                                     CIMBodyObserver observer) const {
  if (!impl->partitioned)
    return makeError("the layer has no body");
  if (llvm::Error err = checkIm2col(*impl, im2col))
    return std::move(err);
  return impl->datapath(im2col, observer);
}

llvm::Error CIMLayerRunner::dequantize(const Tensor &accumulators,
                                       Tensor &output) const {
  if (!impl->quantized)
    return makeError("the layer is not quantized");
  if ((accumulators.dtype() != DType::I64 &&
       accumulators.dtype() != DType::F64) ||
      accumulators.shape() !=
          ArrayRef<int64_t>{impl->groups, impl->vectors, impl->columns})
    return makeError("accumulators must be i64 or f64 " +
                     formatShape({impl->groups, impl->vectors, impl->columns}));
  if (llvm::Error err = impl->prepareOutput(output))
    return err;
  impl->dequantize(accumulators, output);
  return llvm::Error::success();
}

llvm::Error nncc::runCIMLayer(cim::LayerOp layer, const Tensor &input,
                              Tensor &output, CIMExecutionMode mode) {
  llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(layer);
  if (!runner)
    return runner.takeError();
  return runner->run(input, output, mode);
}

llvm::Expected<Tensor> nncc::computeCIMAccumulators(cim::LayerOp layer,
                                                    const Tensor &input,
                                                    CIMExecutionMode mode) {
  llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(layer);
  if (!runner)
    return runner.takeError();
  return runner->computeAccumulators(input, mode);
}
