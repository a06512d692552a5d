//===- SNNOps.cpp - Verifiers of the snn dialect ---------------------------===//
//
// The verifiers hold every layer to the shapes and integer ranges that the
// simulator and the core mapping assume, so that they need not re-check.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/SNN/SNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace nncc::snn;

int64_t nncc::snn::maxSynapseCode(int64_t synapseBits) {
  return synapseBits <= 2 ? 1 : (int64_t(1) << (synapseBits - 1)) - 1;
}

int64_t nncc::snn::windowOutputSize(int64_t input, int64_t kernel,
                                    int64_t stride, int64_t dilation,
                                    int64_t padBegin, int64_t padEnd) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = input + padBegin + padEnd;
  if (stride <= 0 || padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

LogicalResult EncodeOp::verify() {
  if (!(getFullScale().convertToDouble() > 0))
    return emitOpError("full_scale must be positive");
  return success();
}

namespace {

/// Checks that `attr` is an integer tensor of `count` elements, each in
/// [lo, hi] (a message naming `what` otherwise).
LogicalResult checkIntegers(Operation *op, ElementsAttr attr, StringRef what,
                            int64_t count, int64_t lo, int64_t hi) {
  auto type = llvm::dyn_cast<ShapedType>(attr.getType());
  if (!type || !type.getElementType().isSignlessInteger())
    return op->emitOpError() << what << " must be an integer tensor";
  if (attr.getNumElements() != count)
    return op->emitOpError() << what << " has " << attr.getNumElements()
                             << " elements; expected " << count;
  for (APInt v : attr.getValues<APInt>()) {
    int64_t x = v.getSExtValue();
    if (x < lo || x > hi)
      return op->emitOpError()
             << what << " holds " << x << ", outside [" << lo << ", " << hi
             << "]";
  }
  return success();
}

LogicalResult checkWindowAttr(Operation *op, StringRef name,
                              ArrayRef<int64_t> values, size_t rank,
                              int64_t min) {
  if (values.size() != rank)
    return op->emitOpError() << name << " needs " << rank << " values, has "
                             << values.size();
  for (int64_t v : values)
    if (v < min)
      return op->emitOpError() << name << " must be >= " << min;
  return success();
}

} // namespace

int64_t LayerOp::getOutputChannels() {
  return llvm::cast<ShapedType>(getWeights().getType()).getDimSize(0);
}

int64_t LayerOp::getFanIn() {
  auto shape = llvm::cast<ShapedType>(getWeights().getType()).getShape();
  int64_t fanIn = 1;
  for (int64_t d : shape.drop_front())
    fanIn *= d;
  return fanIn;
}

LogicalResult LayerOp::verify() {
  int64_t bits = getPotentialBits();
  if (bits < 2 || bits > 32)
    return emitOpError("potential_bits must be in [2, 32]");
  int64_t synapseBits = getSynapseBits();
  if (synapseBits < 1 || synapseBits > 16)
    return emitOpError("synapse_bits must be in [1, 16]");
  if (auto decay = getDecay())
    if (!(decay->convertToDouble() >= 0 && decay->convertToDouble() < 1))
      return emitOpError("decay must be in [0, 1)");
  auto weightType = llvm::cast<ShapedType>(getWeights().getType());
  auto in = llvm::cast<RankedTensorType>(getInput().getType());
  auto out = llvm::cast<RankedTensorType>(getOutput().getType());
  bool dense = getKind() == LayerKind::Dense;
  size_t rank = dense ? 2 : 4;
  if (weightType.getRank() != int64_t(rank) || in.getRank() != int64_t(rank) ||
      out.getRank() != int64_t(rank))
    return emitOpError() << "a " << stringifyLayerKind(getKind())
                         << " layer needs rank-" << rank
                         << " weights, input and result";
  int64_t channels = weightType.getDimSize(0);
  int64_t limit = (int64_t(1) << (bits - 1)) - 1;
  int64_t code = maxSynapseCode(synapseBits);
  // Binary codes are +-1 only: a zero is a missing synapse, which a binary
  // (differential) cell cannot hold.
  if (failed(checkIntegers(*this, getWeights(), "weights",
                           weightType.getNumElements(), -code, code)))
    return failure();
  if (synapseBits == 1)
    for (APInt v : getWeights().getValues<APInt>())
      if (v.isZero())
        return emitOpError("binary synapses (synapse_bits 1) hold +-1, not 0");
  if (auto gains = getGains())
    if (failed(checkIntegers(*this, *gains, "gains", channels, 1, limit)))
      return failure();
  if (auto thresholds = getThresholds()) {
    if (failed(checkIntegers(*this, *thresholds, "thresholds", channels, 1,
                             limit)))
      return failure();
    if (!out.getElementType().isInteger(1))
      return emitOpError("a spiking layer (with thresholds) yields i1 spikes");
  } else if (!out.getElementType().isInteger(32)) {
    return emitOpError("a readout layer (no thresholds) yields i32 potentials");
  }
  if (failed(checkIntegers(*this, getBiases(), "biases", channels, -limit,
                           limit)))
    return failure();
  if (in.getDimSize(0) != out.getDimSize(0))
    return emitOpError("input and result batch sizes differ");
  if (dense) {
    if (in.getDimSize(1) != weightType.getDimSize(1) ||
        out.getDimSize(1) != channels)
      return emitOpError() << "dense shapes: input " << in << ", weights "
                           << weightType << ", result " << out;
    return success();
  }
  int64_t group = getGroup();
  if (group < 1 || in.getDimSize(1) != weightType.getDimSize(1) * group ||
      channels % group != 0 || out.getDimSize(1) != channels)
    return emitOpError() << "conv channels: input " << in << ", weights "
                         << weightType << ", group " << group;
  if (failed(checkWindowAttr(*this, "strides", getStrides(), 2, 1)) ||
      failed(checkWindowAttr(*this, "dilations", getDilations(), 2, 1)) ||
      failed(checkWindowAttr(*this, "pads_begin", getPadsBegin(), 2, 0)) ||
      failed(checkWindowAttr(*this, "pads_end", getPadsEnd(), 2, 0)))
    return failure();
  for (int d = 0; d < 2; ++d) {
    int64_t expected = windowOutputSize(
        in.getDimSize(2 + d), weightType.getDimSize(2 + d), getStrides()[d],
        getDilations()[d], getPadsBegin()[d], getPadsEnd()[d]);
    if (out.getDimSize(2 + d) != expected)
      return emitOpError() << "result spatial dim " << d << " is "
                           << out.getDimSize(2 + d) << "; the window gives "
                           << expected;
  }
  if (auto groups = getFanInGroups())
    if (*groups < 1 || int64_t(*groups) > getFanIn())
      return emitOpError("fan_in_groups must be in [1, fan-in]");
  return success();
}

LogicalResult MaxPoolOp::verify() {
  auto in = llvm::cast<RankedTensorType>(getInput().getType());
  auto out = llvm::cast<RankedTensorType>(getOutput().getType());
  if (in.getRank() != 4 || out.getRank() != 4)
    return emitOpError("max_pool takes and yields NCHW spikes");
  if (failed(checkWindowAttr(*this, "kernel_shape", getKernelShape(), 2, 1)) ||
      failed(checkWindowAttr(*this, "strides", getStrides(), 2, 1)) ||
      failed(checkWindowAttr(*this, "pads_begin", getPadsBegin(), 2, 0)) ||
      failed(checkWindowAttr(*this, "pads_end", getPadsEnd(), 2, 0)))
    return failure();
  if (in.getDimSize(0) != out.getDimSize(0) ||
      in.getDimSize(1) != out.getDimSize(1))
    return emitOpError("max_pool keeps batch and channels");
  for (int d = 0; d < 2; ++d) {
    int64_t expected =
        windowOutputSize(in.getDimSize(2 + d), getKernelShape()[d],
                         getStrides()[d], 1, getPadsBegin()[d], getPadsEnd()[d]);
    if (out.getDimSize(2 + d) != expected)
      return emitOpError() << "result spatial dim " << d << " is "
                           << out.getDimSize(2 + d) << "; the window gives "
                           << expected;
  }
  return success();
}

#define GET_OP_CLASSES
#include "snn/SNNOps.cpp.inc"
