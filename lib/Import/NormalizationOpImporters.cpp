//===- NormalizationOpImporters.cpp - Reductions and LayerNormalization ---===//
//
// ReduceSum, ReduceMean and ReduceMax (the statistics of the decomposed
// layer norm and softmax), ReduceMin (with ReduceMax, the range of
// DynamicQuantizeLinear's function body) and LayerNormalization (opset 17).
//
//===----------------------------------------------------------------------===//
#include "NodeImporter.h"

#include "nncc/Dialect/NN/NNOps.h"

#include "llvm/ADT/Sequence.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace nncc;
using namespace nncc::detail;
using llvm::SmallVector;

namespace {

/// ReduceSum's axes became an input in opset 13 (with noop_with_empty_axes);
/// the other reductions keep the attribute up to opset 17.
template <typename OpTy, int AxesInputSince>
LogicalResult importReduce(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = ni.axesAttrOrInput(AxesInputSince);
  if (failed(axes))
    return failure();
  Builder &b = ni.getBuilder();
  FailureOr<Value> reduced = ni.create<OpTy>(
      ValueRange{*x},
      {ni.named("axes", b.getDenseI64ArrayAttr(*axes)),
       ni.named("keepdims", b.getBoolAttr(ni.flagAttr("keepdims", true))),
       ni.named("noop_with_empty_axes",
                b.getBoolAttr(ni.flagAttr("noop_with_empty_axes", false)))});
  return single(reduced, out);
}

/// LayerNormalization's optional Mean and InvStdDev outputs ([d0..d(axis-1),
/// 1, ..., 1]), spelled with the ops of its decomposed form: what training
/// graphs keep for the backward pass, which inference rarely reads.
LogicalResult importLayerNormStatistics(NodeImporter &ni, Value x, int64_t axis,
                                        float epsilon, Outputs &out) {
  const int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (axis < -rank || axis >= rank)
    return ni.error(
        llvm::formatv("axis {0} is out of range for rank {1}", axis, rank));
  if (axis < 0)
    axis += rank;
  Builder &b = ni.getBuilder();
  SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(axis, rank));
  auto reduceMean = [&](Value v) {
    return ni.create<nn::ReduceMeanOp>(
        ValueRange{v}, {ni.named("axes", b.getDenseI64ArrayAttr(axes)),
                        ni.named("keepdims", b.getBoolAttr(true))});
  };
  auto scalar = [&](float v) {
    return ni.createConstant(
        DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()), v));
  };
  FailureOr<Value> mean = reduceMean(x);
  if (failed(mean))
    return failure();
  FailureOr<Value> centered = ni.create<nn::SubOp>(ValueRange{x, *mean});
  if (failed(centered))
    return failure();
  FailureOr<Value> squares =
      ni.create<nn::MulOp>(ValueRange{*centered, *centered});
  if (failed(squares))
    return failure();
  FailureOr<Value> variance = reduceMean(*squares);
  if (failed(variance))
    return failure();
  FailureOr<Value> shifted =
      ni.create<nn::AddOp>(ValueRange{*variance, scalar(epsilon)});
  if (failed(shifted))
    return failure();
  FailureOr<Value> stdDev = ni.create<nn::SqrtOp>(ValueRange{*shifted});
  if (failed(stdDev))
    return failure();
  FailureOr<Value> invStdDev =
      ni.create<nn::DivOp>(ValueRange{scalar(1.0f), *stdDev});
  if (failed(invStdDev))
    return failure();
  out.push_back(ni.hasOutput(1) ? *mean : Value());
  out.push_back(ni.hasOutput(2) ? *invStdDev : Value());
  return success();
}

LogicalResult importLayerNormalization(NodeImporter &ni, Outputs &out) {
  const int64_t stashType = ni.intAttr("stash_type", 1);
  if (stashType != 1)
    return ni.error(llvm::formatv("stash_type {0} is not supported (only 1, "
                                  "statistics in float)",
                                  stashType));
  FailureOr<float> epsilon = ni.epsilonAttr();
  if (failed(epsilon))
    return failure();
  SmallVector<Value> operands;
  for (int i = 0; i < 3; ++i) {
    if (i == 2 && !ni.hasInput(2))
      break;
    FailureOr<Value> v = ni.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  Builder &b = ni.getBuilder();
  FailureOr<Value> y = ni.create<nn::LayerNormalizationOp>(
      operands, {ni.named("axis", b.getI64IntegerAttr(ni.intAttr("axis", -1))),
                 ni.named("epsilon", b.getF32FloatAttr(*epsilon))});
  if (failed(y))
    return failure();
  out.push_back(*y);
  if (ni.hasOutput(1) || ni.hasOutput(2))
    return importLayerNormStatistics(ni, operands.front(),
                                     ni.intAttr("axis", -1), *epsilon, out);
  return success();
}

} // namespace

void nncc::detail::addNormalizationOpImporters(
    llvm::StringMap<OpImportFn> &importers) {
  importers.insert({"LayerNormalization", importLayerNormalization});
  importers.insert({"ReduceMax", importReduce<nn::ReduceMaxOp, 18>});
  importers.insert({"ReduceMean", importReduce<nn::ReduceMeanOp, 18>});
  importers.insert({"ReduceMin", importReduce<nn::ReduceMinOp, 18>});
  importers.insert({"ReduceSum", importReduce<nn::ReduceSumOp, 13>});
}
