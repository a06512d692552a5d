//===- TimeMultiplex.cpp - Program groups for mappings beyond the chip ----===//
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Dialect/CIM/CIMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <algorithm>

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
    // With one layer copy per core (core.one_layer_copy) a layer's tiles in
    // a group take whole cores, so a group is sized in cores: `unit` arrays
    // each.  Otherwise the unit is one array.
    const int64_t unit =
        wholeCores ? std::max<int64_t>(target.getArraysPerCore(), 1) : 1;
    const int64_t groupUnits = groupCapacity / unit;
    if (groupUnits < 1) {
      module.emitError() << "nncc-time-multiplex: a group of " << groupCapacity
                         << " arrays holds no whole core of " << unit;
      return signalPassFailure();
    }
    auto unitsOf = [&](int64_t tiles) { return (tiles + unit - 1) / unit; };
    SmallVector<cim::LayerOp> layers;
    module.walk([&](cim::LayerOp layer) { layers.push_back(layer); });
    if (onlyBeyondChip) {
      int64_t units = 0;
      for (cim::LayerOp layer : layers) {
        int64_t tiles = 0;
        layer.walk([&](cim::MVMOp) { ++tiles; });
        units += unitsOf(tiles);
      }
      if (units <= target.getTotalArrays() / unit)
        return;
    }
    Builder b(&getContext());
    SmallVector<int64_t> groupArrays{0};
    int64_t groupUsed = 0; // units of the current group
    auto newGroup = [&] {
      groupArrays.push_back(0);
      groupUsed = 0;
    };
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
      const int64_t need = unitsOf(static_cast<int64_t>(tiles.size()));
      // Start a new group rather than cut a layer that fits a whole one.
      if (groupUsed > 0 && need <= groupUnits && groupUsed + need > groupUnits)
        newGroup();
      // Tiles of this layer in the current group: every `unit`-th opens a
      // unit (a core), in a new group when this one is full.
      int64_t inGroup = 0;
      for (cim::MVMOp mvm : tiles) {
        if (inGroup % unit == 0) {
          if (groupUsed == groupUnits) {
            newGroup();
            inGroup = 0;
          }
          ++groupUsed;
        }
        mvm.setProgramGroupAttr(
            b.getI64IntegerAttr(static_cast<int64_t>(groupArrays.size()) - 1));
        ++groupArrays.back();
        ++inGroup;
      }
    }
    if (groupArrays.back() == 0 && groupArrays.size() > 1)
      groupArrays.pop_back();
    module->setAttr(
        "cim.time_multiplex",
        b.getDictionaryAttr(
            {b.getNamedAttr("groups", b.getI64IntegerAttr(groupArrays.size())),
             b.getNamedAttr("capacity", b.getI64IntegerAttr(groupUnits * unit)),
             b.getNamedAttr("arrays", b.getDenseI64ArrayAttr(groupArrays))}));
  }
};

} // namespace
