//===- PlaceTiles.cpp - Arrays onto cores -----------------------------------===//
//
// Builds the placement problem from the mapped program (tiles, traffic) and
// hands it to lib/Placement; see Passes.td for the traffic model.
//
//===----------------------------------------------------------------------===//
#include "nncc/Passes/Passes.h"

#include "nncc/Analysis/PipelineModel.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Placement/Placement.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace nncc {
#define GEN_PASS_DEF_PLACETILES
#include "passes/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

/// One tile = one physical array: an mvm op's array or one of its copies.
struct TileRef {
  cim::MVMOp mvm;
  int copy; ///< 0 = the original array
};

/// The cim.layer ops that consume `layer`'s result, through any digital
/// (nn) ops in between.
SmallVector<cim::LayerOp> consumers(cim::LayerOp layer) {
  SmallVector<cim::LayerOp> found;
  SmallVector<Value> work{layer.getOutput()};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (!seen.insert(user).second)
        continue;
      if (auto next = dyn_cast<cim::LayerOp>(user))
        found.push_back(next);
      else
        for (Value r : user->getResults())
          work.push_back(r);
    }
  }
  return found;
}

struct PlaceTilesPass : nncc::impl::PlaceTilesBase<PlaceTilesPass> {
  using PlaceTilesBase::PlaceTilesBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    cim::TargetAttr target = cim::getTarget(module);
    if (!target) {
      module.emitError("nncc-place needs a cim.target");
      return signalPassFailure();
    }
    SmallVector<cim::LayerOp> layers;
    module.walk([&](cim::LayerOp layer) { layers.push_back(layer); });
    llvm::DenseMap<Operation *, int> layerIndex;
    placement::PlacementProblem problem;
    std::vector<TileRef> tiles;
    // Tiles of each layer, per copy.
    std::vector<std::vector<std::vector<int>>> layerTiles(layers.size());
    for (auto [li, layer] : llvm::enumerate(layers)) {
      if (!layer.isPartitioned()) {
        layer.emitError("nncc-place needs partitioned layers (--nncc-partition)");
        return signalPassFailure();
      }
      layerIndex[layer] = li;
      int64_t copies = layer.getReplicas().value_or(1);
      layerTiles[li].resize(copies);
      layer.walk([&](cim::MVMOp mvm) {
        for (int c = 0; c < copies; ++c) {
          layerTiles[li][c].push_back(static_cast<int>(tiles.size()));
          tiles.push_back({mvm, c});
          problem.tileGroup.push_back(static_cast<int>(li));
        }
      });
    }
    problem.numCores = static_cast<int>(target.getCores());
    problem.arraysPerCore = static_cast<int>(target.getArraysPerCore());

    // Traffic.
    auto addEdge = [&](int a, int b, double bits) {
      if (a != b && bits >= 1)
        problem.traffic.push_back({a, b, static_cast<uint64_t>(bits)});
    };
    for (auto [li, layer] : llvm::enumerate(layers)) {
      auto shape = layer.getMatrixShape();
      int64_t copies = layer.getReplicas().value_or(1);
      double vectors = static_cast<double>(shape.vectors) / copies;
      for (cim::LayerOp next : consumers(layer)) {
        int ni = layerIndex[next];
        double outBits = static_cast<double>(*next.getInputBits());
        int64_t nextCopies = next.getReplicas().value_or(1);
        for (int c = 0; c < copies; ++c)
          for (int a : layerTiles[li][c]) {
            cim::MVMOp mvm = tiles[a].mvm;
            double bits = vectors * (mvm.getColEnd() - mvm.getColBegin()) *
                          outBits;
            // Copies of the consumer share the vectors; within a copy the
            // activations go to every array.
            const std::vector<int> &dest = layerTiles[ni][c % nextCopies];
            for (int b : dest)
              addEdge(a, b, bits / dest.size());
          }
      }
      // Partial sums of row tiles go to the first row tile of their columns.
      for (int64_t c = 0; c < copies; ++c) {
        llvm::DenseMap<std::pair<int64_t, int64_t>, int> firstRowTile;
        for (int t : layerTiles[li][c]) {
          cim::MVMOp mvm = tiles[t].mvm;
          std::pair<int64_t, int64_t> key{
              static_cast<int64_t>(mvm.getGroup()) * shape.columns +
                  static_cast<int64_t>(mvm.getColBegin()),
              static_cast<int64_t>(mvm.getSliceBegin())};
          auto [it, inserted] = firstRowTile.try_emplace(key, t);
          if (!inserted)
            addEdge(t, it->second,
                    vectors * (mvm.getColEnd() - mvm.getColBegin()) * 32);
        }
      }
    }

    placement::PlacementOptions options;
    options.seed = seed;
    options.timeoutSeconds = timeout;
    // A compile-time budget: results depend only on the move count, so they
    // stay reproducible as long as the wall-clock safety net is not hit.
    options.annealMovesPerTile = annealMovesPerTile;
    llvm::Expected<placement::PlacementResult> result =
        placement::place(problem, options);
    if (!result) {
      module.emitError() << "placement: " << llvm::toString(result.takeError());
      return signalPassFailure();
    }
    if (result->wallClockLimitHit)
      module.emitWarning() << "placement hit its " << timeout
                           << " s wall-clock limit: the result is valid but "
                              "may not be reproducible";
    Builder b(&getContext());
    llvm::DenseMap<Operation *, SmallVector<int64_t>> replicaCores;
    for (auto [t, tile] : llvm::enumerate(tiles)) {
      int64_t core = result->tileCore[t];
      if (tile.copy == 0)
        tile.mvm.setCoreAttr(b.getI64IntegerAttr(core));
      else
        replicaCores[tile.mvm].push_back(core);
    }
    for (auto &[op, cores] : replicaCores)
      cast<cim::MVMOp>(op).setReplicaCoresAttr(b.getDenseI64ArrayAttr(cores));
    module->setAttr(
        "cim.placement",
        b.getDictionaryAttr({
            b.getNamedAttr("objective_bit_hops",
                           b.getI64IntegerAttr(result->objective)),
            b.getNamedAttr("lower_bound_bit_hops",
                           b.getI64IntegerAttr(result->lowerBound)),
            b.getNamedAttr("gap", b.getF64FloatAttr(result->gap)),
            b.getNamedAttr("proven_optimal",
                           b.getBoolAttr(result->provenOptimal)),
            b.getNamedAttr("method",
                           b.getStringAttr(placement::methodName(result->method))),
            b.getNamedAttr("max_link_bits",
                           b.getI64IntegerAttr(result->maxLink.bits)),
            b.getNamedAttr("tiles", b.getI64IntegerAttr(tiles.size())),
            b.getNamedAttr("wall_clock_limit_hit",
                           b.getBoolAttr(result->wallClockLimitHit)),
        }));
  }
};

} // namespace
