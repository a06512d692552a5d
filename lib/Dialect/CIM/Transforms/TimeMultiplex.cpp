//===- TimeMultiplex.cpp - Program groups for mappings beyond the chip ----===//
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Dialect/CIM/CIMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace nncc {
#define GEN_PASS_DEF_TIMEMULTIPLEX
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

struct TimeMultiplexPass : nncc::impl::TimeMultiplexBase<TimeMultiplexPass> {
  using TimeMultiplexBase::TimeMultiplexBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    cim::TargetAttr target = cim::getTarget(module);
    if (!target) {
      module.emitError("nncc-time-multiplex needs a cim.target");
      return signalPassFailure();
    }
    int64_t groupCapacity = capacity > 0 ? capacity : target.getTotalArrays();
    SmallVector<cim::LayerOp> layers;
    module.walk([&](cim::LayerOp layer) { layers.push_back(layer); });
    if (onlyBeyondChip) {
      int64_t arrays = 0;
      module.walk([&](cim::MVMOp) { ++arrays; });
      if (arrays <= target.getTotalArrays())
        return;
    }
    Builder b(&getContext());
    SmallVector<int64_t> groupArrays{0};
    for (cim::LayerOp layer : layers) {
      if (!layer.isPartitioned()) {
        layer.emitError("nncc-time-multiplex needs partitioned layers "
                        "(--nncc-partition)");
        return signalPassFailure();
      }
      if (layer.getReplicas().value_or(1) > 1) {
        layer.emitError("nncc-time-multiplex needs a mapping without copies "
                        "(run it instead of --nncc-replicate)");
        return signalPassFailure();
      }
      SmallVector<cim::MVMOp> tiles;
      layer.walk([&](cim::MVMOp mvm) { tiles.push_back(mvm); });
      int64_t size = static_cast<int64_t>(tiles.size());
      // Start a new group rather than cut a layer that fits a whole one.
      if (groupArrays.back() > 0 && size <= groupCapacity &&
          groupArrays.back() + size > groupCapacity)
        groupArrays.push_back(0);
      for (cim::MVMOp mvm : tiles) {
        if (groupArrays.back() == groupCapacity)
          groupArrays.push_back(0);
        mvm.setProgramGroupAttr(
            b.getI64IntegerAttr(static_cast<int64_t>(groupArrays.size()) - 1));
        ++groupArrays.back();
      }
    }
    if (groupArrays.back() == 0 && groupArrays.size() > 1)
      groupArrays.pop_back();
    module->setAttr(
        "cim.time_multiplex",
        b.getDictionaryAttr(
            {b.getNamedAttr("groups", b.getI64IntegerAttr(groupArrays.size())),
             b.getNamedAttr("capacity", b.getI64IntegerAttr(groupCapacity)),
             b.getNamedAttr("arrays", b.getDenseI64ArrayAttr(groupArrays))}));
  }
};

} // namespace
