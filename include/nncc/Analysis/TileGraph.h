//===- TileGraph.h - Tiles and NoC traffic of a program ---------*- C++ -*-===//
//
// The placement problem's graph, built from partitioned (and possibly
// replicated) cim.layer ops: one tile per physical array and a sparse,
// physical model of the bits that flow between tiles per inference.  The
// model is described in include/nncc/Dialect/CIM/Transforms/Passes.td (PlaceTiles) and lib/Analysis/TileGraph.cpp; it is shared by the placer and the
// execution schedule (docs/execution-schedule.md).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_ANALYSIS_TILEGRAPH_H
#define NNCC_ANALYSIS_TILEGRAPH_H

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Placement/Placement.h"

#include "mlir/IR/BuiltinOps.h"

#include <vector>

namespace nncc {

/// One tile = one physical array: an mvm op's array or one of its copies.
struct PlacementTile {
  cim::MVMOp mvm;
  int copy;  ///< 0 = the original array
  int layer; ///< index into TileGraph::layers
  /// The tile that adds up its column set (the tiles of its layer copy
  /// holding the same weight columns): the one with the lowest rows, then
  /// slices.  Partial sums travel to it, and it writes the results.
  int home = 0;
  /// The input rows it reads, numbered over the graph: tiles of one layer
  /// copy with the same group and row range share a number (a core reads
  /// such rows once for all of its tiles that use them).
  int rowSet = 0;
};

struct TileGraph {
  std::vector<cim::LayerOp> layers;
  /// Tiles layer by layer; within a layer, mvm by mvm (body order), copy by
  /// copy.
  std::vector<PlacementTile> tiles;
  /// Row sets numbered by PlacementTile::rowSet: 0 .. rowSets - 1.
  int rowSets = 0;
  /// Per inference; at most one edge per (sender, receiver, reason).
  std::vector<placement::TrafficEdge> traffic;
  /// Producer -> consumer links whose channel mapping could not be derived
  /// and that fell back to "every tile of the consumer".
  int fallbackLinks = 0;
};

/// Builds the tiles and traffic of `module`; every cim.layer must be
/// partitioned (an error is emitted at the first one that is not).
mlir::FailureOr<TileGraph> buildTileGraph(mlir::ModuleOp module);

} // namespace nncc

#endif // NNCC_ANALYSIS_TILEGRAPH_H
