//===- PlaceTiles.cpp - Arrays onto cores -----------------------------------===//
//
// Builds the placement problem from the mapped program (tiles and traffic:
// nncc/Analysis/TileGraph.h, summarized in Passes.td; buffer-port loads
// from the pipeline model) and hands it to lib/Placement.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Analysis/PipelineModel.h"
#include "nncc/Analysis/TileGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/raw_ostream.h"

namespace nncc {
#define GEN_PASS_DEF_PLACETILES
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

/// The buffer-port model of the problem (PlacementProblem::tilePortItem):
/// each row set of the tile graph (a layer copy's group and row range) is
/// one item, the bits that copy's input vectors put through the port of a
/// core holding any of its tiles (vectors per copy x rows x input bits),
/// and each column set's home tile writes its results through its core's
/// port (vectors per copy x weight columns x the layer's result bits), as
/// the execution schedule's buffer time counts them; a stage's budget is
/// what the port moves while its arrays compute (pipeline model time x
/// port bits per second).  An excess bit weighs as much as carrying it
/// across the mesh's diameter (assumption: throughput before NoC energy,
/// within reason).  No model without a port rate or without the array timing.
void addPortModel(ModuleOp module, const TileGraph &graph,
                  double portBitsPerSecond,
                  placement::PlacementProblem &problem) {
  if (!(portBitsPerSecond > 0))
    return;
  llvm::Expected<PipelineTiming> timing = computePipeline(module);
  if (!timing) {
    llvm::consumeError(timing.takeError());
    return;
  }
  if (timing->layers.size() != graph.layers.size())
    return;
  for (const LayerTiming &layer : timing->layers)
    problem.stagePortBudget.push_back(
        static_cast<uint64_t>(layer.time() * portBitsPerSecond));
  cim::TargetAttr target = cim::getTarget(module);
  // One item per row set of the tile graph, numbered as first read.
  std::vector<int> itemOf(graph.rowSets, -1);
  for (auto [t, tile] : llvm::enumerate(graph.tiles)) {
    cim::MVMOp mvm = tile.mvm;
    const int64_t vectors = timing->layers[tile.layer].vectorsPerCopy();
    cim::LayerOp layer = graph.layers[tile.layer];
    int &item = itemOf[tile.rowSet];
    if (item < 0) {
      item = static_cast<int>(problem.portItemBits.size());
      // A partitioned layer is quantized: its verifier guarantees the bits.
      const int64_t inputBits = *layer.getInputBits();
      problem.portItemBits.push_back(static_cast<uint64_t>(
          vectors * (mvm.getRowEnd() - mvm.getRowBegin()) * inputBits));
      problem.portItemStage.push_back(tile.layer);
    }
    problem.tilePortItem.push_back(item);
    problem.tileResultBits.push_back(
        tile.home == static_cast<int>(t)
            ? static_cast<uint64_t>(vectors *
                                    (mvm.getColEnd() - mvm.getColBegin()) *
                                    layerResultBits(layer, target))
            : 0);
  }
  const placement::MeshGeometry mesh = placement::resolveGeometry(problem);
  problem.portExcessWeight =
      problem.topology == placement::Topology::Bus
          ? 1
          : static_cast<uint64_t>(
                std::max(mesh.width - 1 + mesh.height - 1, 1));
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
    FailureOr<TileGraph> graph = buildTileGraph(module);
    if (failed(graph))
      return signalPassFailure();
    std::vector<PlacementTile> &tiles = graph->tiles;
    placement::PlacementProblem problem;
    problem.numCores = static_cast<int>(target.getCores());
    problem.arraysPerCore = static_cast<int>(target.getArraysPerCore());
    // The chip's own geometry, which the execution schedule counts hops on.
    problem.topology = target.getBus() ? placement::Topology::Bus
                                       : placement::Topology::Mesh;
    problem.meshWidth = static_cast<int>(target.getMeshWidth());
    problem.meshHeight = static_cast<int>(target.getMeshHeight());
    // With one layer copy per core, each copy is a group of its own
    // (groups are placed in increasing id, so layer order is kept).
    int maxCopies = 1;
    for (const PlacementTile &tile : tiles)
      maxCopies = std::max(maxCopies, tile.copy + 1);
    for (const PlacementTile &tile : tiles)
      problem.tileGroup.push_back(
          oneLayerCopy ? tile.layer * maxCopies + tile.copy : tile.layer);
    problem.exclusiveGroups = oneLayerCopy;
    problem.traffic = std::move(graph->traffic);
    addPortModel(module, *graph, portBitsPerSecond, problem);
    uint64_t trafficBits = 0;
    for (const placement::TrafficEdge &e : problem.traffic)
      trafficBits += e.bits;

    if (!dumpProblem.empty()) {
      std::error_code ec;
      llvm::raw_fd_ostream os(dumpProblem, ec);
      if (ec) {
        module.emitError() << "cannot write " << dumpProblem << ": "
                           << ec.message();
        return signalPassFailure();
      }
      placement::writeProblem(problem, os);
    }

    placement::PlacementOptions options;
    options.seed = seed;
    options.timeoutSeconds = timeout;
    // A compile-time budget: results depend only on the move count, so they
    // stay reproducible as long as the wall-clock safety net is not hit.
    options.annealMovesPerTile = annealMovesPerTile;
    // Each program group (--nncc-time-multiplex) is placed by itself.
    std::vector<int64_t> programGroup;
    for (const PlacementTile &tile : tiles)
      programGroup.push_back(
          cim::MVMOp(tile.mvm).getProgramGroup().value_or(0));
    llvm::Expected<placement::PlacementResult> result =
        placement::placeByGroup(problem, programGroup, options);
    if (!result) {
      // The library's errors name themselves ("placement: ...").
      module.emitError() << llvm::toString(result.takeError());
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
    module.walk(
        [](cim::LayerOp layer) { layer.setStage(cim::LayerStage::Placed); });
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
            b.getNamedAttr("port_excess_bits",
                           b.getI64IntegerAttr(result->portExcessBits)),
            b.getNamedAttr("tiles", b.getI64IntegerAttr(tiles.size())),
            b.getNamedAttr("traffic_bits", b.getI64IntegerAttr(trafficBits)),
            b.getNamedAttr("traffic_edges",
                           b.getI64IntegerAttr(problem.traffic.size())),
            b.getNamedAttr("fallback_links",
                           b.getI64IntegerAttr(graph->fallbackLinks)),
            b.getNamedAttr("wall_clock_limit_hit",
                           b.getBoolAttr(result->wallClockLimitHit)),
        }));
  }
};

} // namespace
