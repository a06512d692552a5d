//===- MapSpikingLayers.cpp - Spiking layers onto neuromorphic cores ------===//
#include "nncc/Dialect/SNN/Transforms/Passes.h"
#include "nncc/Placement/Placement.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <cmath>

namespace nncc {
#define GEN_PASS_DEF_MAPSPIKINGLAYERS
#include "nncc/Dialect/SNN/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Axons that realize the largest bias of `layer` (bias_source axon): an
/// always-spiking axon adds at most gain x the largest code.
int64_t biasAxons(snn::LayerOp layer) {
  if (layer.getBiasSource() != snn::BiasSource::Axon)
    return 0;
  int64_t code = snn::maxSynapseCode(layer.getSynapseBits());
  std::vector<int64_t> gains;
  if (auto g = layer.getGains())
    for (APInt v : g->getValues<APInt>())
      gains.push_back(v.getSExtValue());
  int64_t most = 0, o = 0;
  for (APInt v : layer.getBiases().getValues<APInt>()) {
    int64_t gain = gains.empty() ? 1 : gains[o];
    most = std::max(most, ceilDiv(std::abs(v.getSExtValue()), gain * code));
    ++o;
  }
  return most;
}

/// How one layer occupies cores.
struct LayerMapping {
  int64_t fanInGroups = 1;
  int64_t cores = 0;
  int64_t neuronsPerCore = 0;
};

struct MapSpikingLayersPass
    : nncc::impl::MapSpikingLayersBase<MapSpikingLayersPass> {
  using MapSpikingLayersBase::MapSpikingLayersBase;

  FailureOr<LayerMapping> mapLayer(snn::LayerOp layer) const;
  void runOnOperation() override;
};

FailureOr<LayerMapping>
MapSpikingLayersPass::mapLayer(snn::LayerOp layer) const {
  auto in = cast<RankedTensorType>(layer.getInput().getType());
  auto out = cast<RankedTensorType>(layer.getOutput().getType());
  int64_t batch = in.getDimSize(0);
  int64_t bias = biasAxons(layer);
  LayerMapping m;
  auto needGroups = [&](int64_t inputsPerNeuron) -> LogicalResult {
    int64_t room = axons - bias;
    if (room < axonsPerInput)
      return layer.emitError() << "its bias needs " << bias
                               << " axons of the core's " << static_cast<int64_t>(axons);
    m.fanInGroups = ceilDiv(inputsPerNeuron * axonsPerInput, room);
    if (m.fanInGroups > 1 && !partialSums)
      return layer.emitError()
             << "a neuron reads " << inputsPerNeuron << " inputs ("
             << inputsPerNeuron * axonsPerInput << " axons), more than a "
             << "core's " << room
             << "; the target cannot add partial potentials across cores";
    return success();
  };
  if (layer.getKind() == snn::LayerKind::Dense) {
    int64_t inputs = in.getDimSize(1), outputs = out.getDimSize(1);
    if (failed(needGroups(inputs)))
      return failure();
    m.neuronsPerCore = std::min<int64_t>(neurons, outputs);
    m.cores = batch * m.fanInGroups * ceilDiv(outputs, neurons);
    return m;
  }
  auto w = cast<ShapedType>(layer.getWeights().getType()).getShape();
  int64_t perGroup = w[1], kh = w[2], kw = w[3];
  int64_t group = layer.getGroup(), filters = w[0] / group;
  int64_t oh = out.getDimSize(2), ow = out.getDimSize(3);
  ArrayRef<int64_t> s = layer.getStrides(), d = layer.getDilations();
  if (failed(needGroups(perGroup * kh * kw)))
    return failure();
  int64_t channels = ceilDiv(perGroup, m.fanInGroups);
  auto axonsFor = [&](int64_t a, int64_t b) {
    return channels * ((a - 1) * s[0] + (kh - 1) * d[0] + 1) *
               ((b - 1) * s[1] + (kw - 1) * d[1] + 1) * axonsPerInput +
           bias;
  };
  // The tile (a x b positions, c filters) with the most neurons whose
  // receptive field fits; fewer cores on ties.
  int64_t bestNeurons = 0, bestCores = 0;
  for (int64_t a = 1; a <= oh; ++a) {
    if (axonsFor(a, 1) > axons)
      break;
    for (int64_t b = 1; b <= ow; ++b) {
      if (axonsFor(a, b) > axons || a * b > neurons)
        break;
      int64_t c = std::min<int64_t>(filters, neurons / (a * b));
      int64_t cores = ceilDiv(filters, c) * ceilDiv(oh, a) * ceilDiv(ow, b);
      int64_t count = c * a * b;
      if (count > bestNeurons || (count == bestNeurons && cores < bestCores)) {
        bestNeurons = count;
        bestCores = cores;
      }
    }
  }
  if (bestNeurons == 0) {
    // Even one position's window of one channel exceeds the axons: each
    // core takes one position and a chunk of its window (the fan-in
    // groups split the flattened channel x window taps).
    bestNeurons = std::min<int64_t>(filters, neurons);
    bestCores = ceilDiv(filters, bestNeurons) * oh * ow;
  }
  m.neuronsPerCore = bestNeurons;
  m.cores = batch * group * m.fanInGroups * bestCores;
  return m;
}

void MapSpikingLayersPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (axons < 1 || neurons < 1 || axonsPerInput < 1 || cores < 1) {
    module.emitError("nncc-snn-map: axons, neurons, axons-per-input and "
                     "cores must be positive");
    return signalPassFailure();
  }
  SmallVector<snn::LayerOp> layers;
  module.walk([&](snn::LayerOp layer) { layers.push_back(layer); });
  SmallVector<LayerMapping> mappings;
  int64_t total = 0;
  for (snn::LayerOp layer : layers) {
    FailureOr<LayerMapping> m = mapLayer(layer);
    if (failed(m))
      return signalPassFailure();
    mappings.push_back(*m);
    total += m->cores;
  }
  if (total > cores) {
    module.emitError() << "the spiking layers need " << total
                       << " cores; the chip has " << static_cast<int64_t>(cores);
    return signalPassFailure();
  }

  // Spike traffic: every core of a layer to every core of the next, in
  // program order, weighted by the neurons it holds.
  placement::PlacementProblem problem;
  problem.numCores = static_cast<int>(cores);
  problem.meshWidth = static_cast<int>(meshWidth);
  problem.meshHeight = static_cast<int>(meshHeight);
  SmallVector<int> firstTile;
  for (size_t l = 0; l < layers.size(); ++l) {
    firstTile.push_back(problem.numTiles());
    for (int64_t c = 0; c < mappings[l].cores; ++c)
      problem.tileGroup.push_back(static_cast<int>(l));
  }
  for (size_t l = 0; l + 1 < layers.size(); ++l)
    for (int64_t a = 0; a < mappings[l].cores; ++a)
      for (int64_t b = 0; b < mappings[l + 1].cores; ++b)
        problem.traffic.push_back(
            {firstTile[l] + static_cast<int>(a),
             firstTile[l + 1] + static_cast<int>(b),
             static_cast<uint64_t>(mappings[l].neuronsPerCore)});
  placement::PlacementOptions options;
  options.seed = seed;
  options.exact = false;
  options.isolateSolver = false;
  options.annealMinMoves = 20000;
  options.annealMaxMoves = 2000000;
  llvm::Expected<placement::PlacementResult> placed =
      placement::place(problem, options);
  if (!placed) {
    module.emitError() << "placing the spiking cores: "
                       << llvm::toString(placed.takeError());
    return signalPassFailure();
  }
  OpBuilder b(module.getContext());
  for (size_t l = 0; l < layers.size(); ++l) {
    SmallVector<int64_t> ids;
    for (int64_t c = 0; c < mappings[l].cores; ++c)
      ids.push_back(placed->tileCore[firstTile[l] + c]);
    layers[l].setFanInGroupsAttr(b.getI64IntegerAttr(mappings[l].fanInGroups));
    layers[l].setCoresAttr(b.getI64IntegerAttr(mappings[l].cores));
    layers[l].setCoreIdsAttr(b.getDenseI64ArrayAttr(ids));
  }
}

} // namespace
