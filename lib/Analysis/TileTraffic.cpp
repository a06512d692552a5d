//===- TileTraffic.cpp - Which array sends what to which ------------------===//
#include "nncc/Analysis/TileTraffic.h"

#include "nncc/Analysis/DigitalOps.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Support/Errors.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

using namespace mlir;
using namespace nncc;

int64_t nncc::vectorsPerInference(cim::LayerOp layer) {
  auto shape = layer.getMatrixShape();
  int64_t batch = layer.getInput().getType().getDimSize(0);
  if (layer.getKind() == cim::LayerKind::Gemm && layer.getTransInput())
    batch = layer.getInput().getType().getDimSize(1);
  return shape.vectors / std::max<int64_t>(batch, 1);
}

namespace {

/// A layer whose outputs reach a consumer's input; channel c of the
/// producer feeds consumer rows [c' * rowsPerChannel, (c' + 1) *
/// rowsPerChannel) of group c / channelsPerGroup, c' = c mod
/// channelsPerGroup, when `exact`.
struct Producer {
  int layer;
  int64_t spatial; ///< values per channel after flattening (1 for conv)
  bool exact;
};

class ProducerTrace {
public:
  ProducerTrace(const llvm::DenseMap<Operation *, int> &index)
      : index(index) {}

  SmallVector<Producer> trace(Value input) {
    found.clear();
    seen.clear();
    visit(input, 1, true);
    return found;
  }

private:
  void visit(Value v, int64_t spatial, bool exact) {
    if (!seen.insert({v.getAsOpaquePointer(), spatial, exact}).second)
      return;
    Operation *def = v.getDefiningOp();
    if (!def)
      return; // a graph input
    if (auto it = index.find(def); it != index.end()) {
      found.push_back({it->second, spatial, exact});
      return;
    }
    if (auto flatten = dyn_cast<nn::FlattenOp>(def)) {
      auto in = cast<RankedTensorType>(flatten.getInput().getType());
      bool channelAxis = flatten.getAxis() == 1 && in.getRank() >= 2;
      int64_t rest = 1;
      for (int64_t d : in.getShape().drop_front(std::min<int64_t>(2, in.getRank())))
        rest *= d;
      visit(flatten.getInput(), spatial * rest, exact && channelAxis);
      return;
    }
    DigitalOpClass opClass = classifyDigitalOp(def);
    bool keepsChannels = opClass == DigitalOpClass::Activation ||
                         opClass == DigitalOpClass::Pooling ||
                         opClass == DigitalOpClass::Elementwise;
    for (Value operand : def->getOperands())
      visit(operand, spatial, exact && keepsChannels);
  }

  const llvm::DenseMap<Operation *, int> &index;
  SmallVector<Producer> found;
  std::set<std::tuple<const void *, int64_t, bool>> seen;
};

/// How a consumer layer's rows are indexed by input channel.
struct RowMap {
  int64_t rowsPerChannel = 1;
  int64_t channelsPerGroup = 1;
};

/// Conv rows: channel-major im2col, kernel volume rows per channel.
RowMap rowMapOf(cim::LayerOp layer) {
  auto shape = layer.getMatrixShape();
  RowMap map;
  if (layer.getKind() == cim::LayerKind::Conv) {
    int64_t volume = 1;
    for (int64_t k : layer.getKernelShape())
      volume *= k;
    map.rowsPerChannel = std::max<int64_t>(volume, 1);
  }
  map.channelsPerGroup = shape.depth / map.rowsPerChannel;
  return map;
}
int64_t accumulatorBits(cim::LayerOp layer, int64_t rows) {
  int64_t stored = layer.getStoredBits().value_or(
      layer.getWeightBits().value_or(8));
  int64_t input = layer.getInputBits().value_or(8);
  return 1 +
         static_cast<int64_t>(std::ceil(std::log2(std::max<int64_t>(rows, 2)))) +
         stored + input;
}

} // namespace

llvm::Expected<TileTraffic> nncc::computeTileTraffic(ModuleOp module) {
  TileTraffic traffic;
  cim::TargetAttr target = cim::getTarget(module);
  int64_t arraysPerCore = target ? target.getArraysPerCore() : 1;
  llvm::DenseMap<Operation *, int> layerIndex;
  module.walk([&](cim::LayerOp layer) {
    layerIndex[layer] = static_cast<int>(traffic.layers.size());
    traffic.layers.push_back(layer);
  });
  traffic.layerTiles.resize(traffic.layers.size());

  // Tiles, and the home of every column set.
  for (auto [li, layer] : llvm::enumerate(traffic.layers)) {
    if (!layer.isPartitioned())
      return makeError("layer '" + layer.getLayerName() +
                       "' is not partitioned (--nncc-partition)");
    int64_t copies = layer.getReplicas().value_or(1);
    traffic.layerTiles[li].resize(copies);
    for (int64_t c = 0; c < copies; ++c) {
      std::map<std::tuple<int64_t, int64_t, int64_t>, int> homes;
      layer.walk([&](cim::MVMOp mvm) {
        Tile tile;
        tile.mvm = mvm;
        tile.layer = static_cast<int>(li);
        tile.copy = c;
        tile.array = mvm.getArray();
        std::optional<int64_t> core = mvm.getCore();
        if (c > 0) {
          auto arrays = mvm.getReplicaArrays();
          auto cores = mvm.getReplicaCores();
          tile.array = arrays && static_cast<int64_t>(arrays->size()) >= c
                           ? (*arrays)[c - 1]
                           : -1;
          core = cores && static_cast<int64_t>(cores->size()) >= c
                     ? std::optional<int64_t>((*cores)[c - 1])
                     : std::nullopt;
        }
        tile.core = core ? *core : std::max<int64_t>(tile.array, 0) /
                                       std::max<int64_t>(arraysPerCore, 1);
        int index = static_cast<int>(traffic.tiles.size());
        auto key = std::make_tuple(static_cast<int64_t>(mvm.getGroup()),
                                   static_cast<int64_t>(mvm.getColBegin()),
                                   static_cast<int64_t>(mvm.getColEnd()));
        tile.home = homes.try_emplace(key, index).first->second;
        traffic.tiles.push_back(tile);
        traffic.layerTiles[li][c].push_back(index);
      });
    }
  }

  // Partial sums to the home of each column set.
  for (auto [li, layer] : llvm::enumerate(traffic.layers)) {
    int64_t copies = layer.getReplicas().value_or(1);
    double vectors =
        static_cast<double>(vectorsPerInference(layer)) / copies;
    for (const auto &copyTiles : traffic.layerTiles[li])
      for (int t : copyTiles) {
        const Tile &tile = traffic.tiles[t];
        if (tile.home == t)
          continue;
        cim::MVMOp mvm = tile.mvm;
        int64_t rows = mvm.getRowEnd() - mvm.getRowBegin();
        traffic.flows.push_back(
            {t, tile.home,
             vectors * static_cast<double>(mvm.getColEnd() -
                                           mvm.getColBegin()) *
                 static_cast<double>(accumulatorBits(layer, rows)),
             FlowKind::PartialSum});
      }
  }

  // Activations from homes to the consumers' tiles.
  ProducerTrace tracer(layerIndex);
  for (auto [ci, consumer] : llvm::enumerate(traffic.layers)) {
    RowMap map = rowMapOf(consumer);
    auto consumerShape = consumer.getMatrixShape();
    int64_t consumerCopies = consumer.getReplicas().value_or(1);
    double inputBits = static_cast<double>(consumer.getInputBits().value_or(8));
    bool unmapped = false;
    for (const Producer &source : tracer.trace(consumer.getInput())) {
      cim::LayerOp producer = traffic.layers[source.layer];
      auto producerShape = producer.getMatrixShape();
      int64_t producerCopies = producer.getReplicas().value_or(1);
      int64_t m = std::min(producerCopies, consumerCopies);
      double vectors = static_cast<double>(vectorsPerInference(producer)) /
                       producerCopies;
      // Consumer rows of producer channel c (global index): group
      // c / channelsPerGroup, rows [c' * rowsPerChannel, (c' + 1) *
      // rowsPerChannel) with c' = c mod channelsPerGroup.
      int64_t rowsPerChannel = map.rowsPerChannel;
      int64_t channelsPerGroup = map.channelsPerGroup;
      bool exact = source.exact;
      if (consumer.getKind() == cim::LayerKind::Conv) {
        exact &= source.spatial == 1;
      } else {
        rowsPerChannel = source.spatial;
        channelsPerGroup = consumerShape.depth / source.spatial;
        exact &= consumerShape.depth % source.spatial == 0;
      }
      unmapped |= !exact;
      // Values per channel and inference as the consumer reads them (after
      // any pooling in between, which runs on the producer's side); without
      // a channel map, the producer's output vectors.
      double valuesPerChannel = vectors;
      if (exact && consumer.getKind() == cim::LayerKind::Conv) {
        auto in = consumer.getInput().getType();
        valuesPerChannel = 1;
        for (int64_t d : in.getShape().drop_front(2))
          valuesPerChannel *= static_cast<double>(d);
      } else if (exact) {
        valuesPerChannel = static_cast<double>(source.spatial);
      }
      for (int64_t p = 0; p < producerCopies; ++p) {
        SmallVector<int64_t> fed;
        for (int64_t q = p % m; q < consumerCopies; q += m)
          if (q % m == p % m)
            fed.push_back(q);
        // Exact counts are per inference; a producer copy makes its share.
        double perCopy =
            exact ? valuesPerChannel / static_cast<double>(producerCopies)
                  : valuesPerChannel;
        double share = perCopy / static_cast<double>(fed.size());
        for (int h : traffic.layerTiles[source.layer][p]) {
          const Tile &home = traffic.tiles[h];
          if (home.home != h)
            continue;
          cim::MVMOp hm = home.mvm;
          int64_t firstChannel =
              hm.getGroup() * producerShape.columns + hm.getColBegin();
          int64_t lastChannel =
              hm.getGroup() * producerShape.columns + hm.getColEnd();
          for (int64_t q : fed)
            for (int t : traffic.layerTiles[ci][q]) {
              cim::MVMOp tm = traffic.tiles[t].mvm;
              int64_t channels = lastChannel - firstChannel;
              if (exact) {
                // Channels of [first, last) whose rows meet the tile's.
                int64_t group = tm.getGroup();
                int64_t lo = std::max<int64_t>(firstChannel,
                                      group * channelsPerGroup +
                                          tm.getRowBegin() / rowsPerChannel);
                int64_t hi = std::min<int64_t>(
                    lastChannel, group * channelsPerGroup +
                                     (tm.getRowEnd() + rowsPerChannel - 1) /
                                         rowsPerChannel);
                channels = std::max<int64_t>(hi - lo, 0);
              }
              if (channels > 0)
                traffic.flows.push_back(
                    {h, t,
                     share * static_cast<double>(channels) * inputBits,
                     FlowKind::Activation});
            }
        }
      }
    }
    if (unmapped)
      traffic.unmappedConsumers.push_back(static_cast<int>(ci));
  }
  return traffic;
}
