//===- TileTraffic.h - Which array sends what to which ----------*- C++ -*-===//
//
// The data every physical array (tile) sends per inference, shared by the
// placer (which minimizes bits x hops) and the execution schedule (which
// times the transfers).  docs/execution-schedule.md has the full model:
//
//   - Column sets.  Within one copy of a layer, the tiles holding the same
//     weight columns (same group, same column range; other row ranges and
//     slice ranges) form a column set; its first tile in program order is
//     the set's home.  Every other tile sends its partial sums to the home:
//     vectors x weight columns x accumulator bits, where the accumulator
//     holds a full-precision partial sum, 1 + ceil(log2(rows)) + stored
//     weight bits + input bits.
//   - Activations.  The home tile sends the finished outputs of its columns
//     (output channels) to the consuming layers' tiles whose weight rows
//     read those channels: vectors x channels x the consumer's input bits,
//     to every such tile (each array needs its own rows).  The channel ->
//     row map follows the im2col unrolling (conv: channel c of a group
//     feeds rows [c * kernel volume, (c + 1) * kernel volume)) and passes
//     through digital ops that keep channels (activations, pooling,
//     elementwise, batch normalization); a Flatten of C x S values feeds
//     rows [c * S, (c + 1) * S) of a gemm.  Through any other op (reshape,
//     transpose, concat, ...) the channel order is unknown and the outputs
//     go to every tile of the consumer.
//   - Copies.  Producer copy p and consumer copy q exchange data iff
//     p mod m == q mod m, m = min(copies): the vectors of a producer copy
//     are split evenly among the consumer copies it feeds.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_ANALYSIS_TILETRAFFIC_H
#define NNCC_ANALYSIS_TILETRAFFIC_H

#include "nncc/Dialect/CIM/CIMOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace nncc {

struct Tile {
  cim::MVMOp mvm;
  int layer = 0;      ///< index into TileTraffic::layers
  int64_t copy = 0;   ///< 0: the original arrays
  int64_t array = 0;  ///< physical array id (replica_arrays for copies)
  int64_t core = 0;   ///< placed core, or array / arrays_per_core
  int home = 0;       ///< index of the home tile of its column set
};

enum class FlowKind { PartialSum, Activation };

struct TileFlow {
  int from = 0, to = 0; ///< indices into TileTraffic::tiles
  double bits = 0;      ///< per inference
  FlowKind kind = FlowKind::Activation;
};

struct TileTraffic {
  std::vector<cim::LayerOp> layers; ///< program order
  std::vector<Tile> tiles;          ///< by layer, copy, then mvm order
  /// tiles of layer l, copy c: layerTiles[l][c]
  std::vector<std::vector<std::vector<int>>> layerTiles;
  std::vector<TileFlow> flows;
  /// Layers whose outputs went to every consumer tile (unknown channel
  /// order), for diagnostics.
  std::vector<int> unmappedConsumers;
};

/// Vectors one copy of `layer` processes per inference.
int64_t vectorsPerInference(cim::LayerOp layer);

/// The tiles and flows of a partitioned module; fails on a layer without
/// arrays.
llvm::Expected<TileTraffic> computeTileTraffic(mlir::ModuleOp module);

} // namespace nncc

#endif // NNCC_ANALYSIS_TILETRAFFIC_H
