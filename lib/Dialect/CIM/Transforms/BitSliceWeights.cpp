//===- BitSliceWeights.cpp - Weights over cells, inputs over cycles -------===//
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Dialect/CIM/CIMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace nncc {
#define GEN_PASS_DEF_BITSLICEWEIGHTS
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

struct BitSliceWeightsPass
    : nncc::impl::BitSliceWeightsBase<BitSliceWeightsPass> {
  using BitSliceWeightsBase::BitSliceWeightsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    cim::TargetAttr target = cim::getTarget(module);
    int64_t b = bitsPerCell, dac = dacBits;
    if ((b == 0 || dac == 0) && !target) {
      module.emitError("nncc-bitslice needs bits-per-cell and dac-bits, or a "
                       "cim.target");
      return signalPassFailure();
    }
    if (b == 0)
      b = target.getBitsPerCell();
    if (dac == 0)
      dac = target.getDacBits();
    if (b < 1 || b > 10 || dac < 1 || dac > 16) {
      module.emitError("bits-per-cell must be in [1, 10] and dac-bits in "
                       "[1, 16]");
      return signalPassFailure();
    }
    OpBuilder builder(&getContext());
    WalkResult result = module.walk([&](cim::LayerOp layer) {
      if (layer.getStage() < cim::LayerStage::Split) {
        layer.emitError("layer '")
            << layer.getLayerName()
            << "' needs its signed-weight scheme first (--nncc-differential)";
        return WalkResult::interrupt();
      }
      int64_t stored = static_cast<int64_t>(*layer.getStoredBits());
      int64_t inputBits = static_cast<int64_t>(*layer.getInputBits());
      // A DAC wider than the input just uses its low bits.
      int64_t layerDac = std::min(dac, inputBits);
      layer.setBitsPerCellAttr(builder.getI64IntegerAttr(b));
      layer.setWeightSlicesAttr(builder.getI64IntegerAttr((stored + b - 1) / b));
      layer.setDacBitsAttr(builder.getI64IntegerAttr(layerDac));
      layer.setInputCyclesAttr(
          builder.getI64IntegerAttr((inputBits + layerDac - 1) / layerDac));
      layer.advanceStage(cim::LayerStage::Sliced);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
