//===- BitSliceWeights.cpp - Weights over cells, inputs over cycles -------===//
#include "nncc/Dialect/CIM/Transforms/LayerOverrides.h"
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
    int64_t bits = bitsPerCell, dac = dacBits;
    if ((bits == 0 || dac == 0) && !target) {
      module.emitError("nncc-bitslice needs bits-per-cell and dac-bits, or a "
                       "cim.target");
      return signalPassFailure();
    }
    if (bits == 0)
      bits = target.getBitsPerCell();
    if (dac == 0)
      dac = target.getDacBits();
    if (bits < 1 || bits > 10 || dac < 1 || dac > 16) {
      module.emitError("bits-per-cell must be in [1, 10] and dac-bits in "
                       "[1, 16]");
      return signalPassFailure();
    }
    FailureOr<cim::LayerOverrides> perLayer = cim::LayerOverrides::parse(
        module, layerBitsPerCell, "layer-bits-per-cell");
    if (failed(perLayer))
      return signalPassFailure();
    OpBuilder builder(&getContext());
    WalkResult result = module.walk([&](cim::LayerOp layer) {
      if (layer.getStage() < cim::LayerStage::Split) {
        layer.emitError("layer '")
            << layer.getLayerName()
            << "' needs its signed-weight scheme first (--nncc-differential)";
        return WalkResult::interrupt();
      }
      // A cell can hold fewer bits than the device's levels allow, not
      // more.
      FailureOr<int64_t> b = perLayer->lookupInteger(layer, bits, 1, bits);
      if (failed(b))
        return WalkResult::interrupt();
      int64_t stored = static_cast<int64_t>(*layer.getStoredBits());
      int64_t inputBits = static_cast<int64_t>(*layer.getInputBits());
      // A DAC wider than the input just uses its low bits.
      int64_t layerDac = std::min(dac, inputBits);
      layer.setBitsPerCellAttr(builder.getI64IntegerAttr(*b));
      layer.setWeightSlicesAttr(
          builder.getI64IntegerAttr((stored + *b - 1) / *b));
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
