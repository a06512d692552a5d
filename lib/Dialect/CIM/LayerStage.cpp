//===- LayerStage.cpp - Which attributes each mapping stage brings --------===//
//
// One table says which pass adds which cim.layer attributes and at which
// stage.  The verifier reads it both ways: a layer at stage S carries every
// required attribute of the stages up to S, and none of the attributes of
// the stages after S.  Readers can then trust the stage alone.
//
//===----------------------------------------------------------------------===//
#include "LayerStage.h"

#include "nncc/Dialect/CIM/CIMOps.h"

using namespace mlir;
using namespace nncc::cim;

namespace {

/// The attributes one mapping pass adds to a layer.
struct StageAttributes {
  LayerStage stage;
  /// The nncc-opt flag of the pass, for the message.
  StringRef pass;
  /// Present at this stage and every later one.
  SmallVector<StringAttr> required;
  /// May be present from this stage on, never before it.
  SmallVector<StringAttr> optional;
};

/// The table, from the generated attribute names (a renamed attribute
/// fails to compile here instead of going unchecked).
SmallVector<StageAttributes> stageAttributes(LayerOp op) {
  return {
      {LayerStage::Quantized,
       "--nncc-quantize",
       {op.getWeightBitsAttrName(), op.getWeightScalesAttrName(),
        op.getWeightZeroPointsAttrName(), op.getWeightIntsAttrName(),
        op.getInputBitsAttrName(), op.getInputScaleAttrName(),
        op.getInputSignedAttrName()},
       {op.getWeightPerChannelAttrName(), op.getWeightSymmetricAttrName(),
        op.getWeightErrorAttrName(), op.getInputClipFractionAttrName(),
        op.getInputBitDensityAttrName()}},
      {LayerStage::Split,
       "--nncc-differential",
       {op.getSignedSchemeAttrName(), op.getStoredBitsAttrName()},
       // Required by the offset scheme only (LayerOp::verify).
       {op.getWeightOffsetsAttrName()}},
      {LayerStage::Sliced,
       "--nncc-bitslice",
       {op.getBitsPerCellAttrName(), op.getWeightSlicesAttrName(),
        op.getDacBitsAttrName(), op.getInputCyclesAttrName()},
       {}},
      {LayerStage::Partitioned,
       "--nncc-partition",
       {op.getArrayCountAttrName()},
       // --nncc-replicate refines a partitioned layer; "max" ADC ranges
       // need no attribute.
       {op.getReplicasAttrName(), op.getAdcRangeAttrName()}},
  };
}

} // namespace

LogicalResult nncc::cim::verifyStageAttributes(LayerOp op) {
  LayerStage stage = op.getStage();
  for (const StageAttributes &group : stageAttributes(op)) {
    if (stage >= group.stage) {
      for (StringAttr name : group.required)
        if (!op->getAttr(name))
          return op.emitOpError()
                 << "stage '" << stringifyLayerStage(stage) << "' needs '"
                 << name.getValue() << "' (set by " << group.pass << ")";
      continue;
    }
    for (ArrayRef<StringAttr> names : {ArrayRef(group.required),
                                       ArrayRef(group.optional)})
      for (StringAttr name : names)
        if (op->getAttr(name))
          return emitStageTooEarly(op, "'" + name.getValue() + "'",
                                   group.stage);
  }
  // The body is the partitioned datapath.
  bool hasBody = !op.getBody().empty();
  if (stage >= LayerStage::Partitioned && !hasBody)
    return op.emitOpError() << "stage '" << stringifyLayerStage(stage)
                            << "' needs a body (set by --nncc-partition)";
  if (stage < LayerStage::Partitioned && hasBody)
    return emitStageTooEarly(op, "the body", LayerStage::Partitioned);
  return success();
}

InFlightDiagnostic nncc::cim::emitStageTooEarly(Operation *op,
                                                const Twine &what,
                                                LayerStage needed) {
  auto layer = isa<LayerOp>(op) ? cast<LayerOp>(op)
                                : op->getParentOfType<LayerOp>();
  return op->emitOpError()
         << what << " comes with stage '" << stringifyLayerStage(needed)
         << "', the layer is at stage '" << stringifyLayerStage(layer.getStage())
         << "'";
}
