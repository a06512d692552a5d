//===- PipelineModel.cpp - Layer-pipelined timing of a mapping ------------===//
#include "nncc/Analysis/PipelineModel.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/Errors.h"
#include "nncc/Target/TargetChip.h"

#include <cassert>

using namespace mlir;
using namespace nncc;

int64_t nncc::layerResultBits(cim::LayerOp layer, cim::TargetAttr target) {
  // A quantized layer's verifier guarantees both bit widths.
  assert(layer.getStage() >= cim::LayerStage::Quantized &&
         "result bits of a layer that is not quantized");
  return target::accumulatorBits(target.getRows(), *layer.getWeightBits(),
                                 *layer.getInputBits());
}

TileReadout nncc::tileReadout(cim::MVMOp mvm, cim::TargetAttr target) {
  TileReadout r;
  auto layer = mvm->getParentOfType<cim::LayerOp>();
  r.cycles = layer.getInputCycles().value_or(1);
  r.readPulse = target.getReadPulse().getValueAsDouble();
  r.conversionTime = target.getConversionTime().getValueAsDouble();
  r.overlap = target.getSampleAndHold()  ? target::ReadoutOverlap::SampleAndHold
              : target.getSensedInRead() ? target::ReadoutOverlap::SensedInRead
                                         : target::ReadoutOverlap::Sequential;
  int64_t adcsPerArray = (target.getCols() + target.getColumnsPerAdc() - 1) /
                         target.getColumnsPerAdc();
  r.rowGroups = mvm.getRowGroups();
  r.phases = static_cast<int64_t>(mvm.getReadPhases());
  r.columns = mvm.getPhysicalColumns();
  r.sequential = (r.columns + adcsPerArray - 1) / adcsPerArray;
  return r;
}

llvm::Expected<PipelineTiming> nncc::computePipeline(ModuleOp module) {
  cim::TargetAttr target = cim::getTarget(module);
  if (!target || !target.getReadPulse() || !target.getConversionTime())
    return makeError("the pipeline model needs a #cim.target with read_pulse "
                     "and conversion_time");
  PipelineTiming timing;
  SmallVector<cim::LayerOp> layers;
  module.walk([&](cim::LayerOp layer) { layers.push_back(layer); });
  for (cim::LayerOp layer : layers) {
    if (!layer.isPartitioned())
      return makeError("layer '" + layer.getLayerName() +
                       "' is not partitioned (--nncc-partition)");
    LayerTiming t;
    t.name = layer.getLayerName().str();
    t.replicas = layer.getReplicas().value_or(1);
    auto shape = layer.getMatrixShape();
    int64_t batch = layer.getInput().getType().getDimSize(0);
    if (layer.getKind() == cim::LayerKind::Gemm && layer.getTransInput())
      batch = layer.getInput().getType().getDimSize(1);
    t.vectorsPerInference = shape.vectors / std::max<int64_t>(batch, 1);
    SmallVector<TileReadout> tiles;
    layer.walk([&](cim::MVMOp mvm) {
      ++t.arrays;
      tiles.push_back(tileReadout(mvm, target));
      t.vectorTime = std::max(t.vectorTime, tiles.back().vectorTime());
    });
    // The layer's last readout comes from the tile whose vectors and drain
    // end last, which need not be the slowest tile: its drain less the
    // time it finishes its vectors before the slowest one does.
    const double vectors = static_cast<double>(t.vectorsPerCopy());
    for (const TileReadout &r : tiles)
      t.drain = std::max(t.drain,
                         r.drain() - vectors * (t.vectorTime - r.vectorTime()));
    timing.arrays += t.arrays * t.replicas;
    timing.latency += t.time() + t.drain;
    if (t.time() > timing.interval) {
      timing.interval = t.time();
      timing.bottleneck = timing.layers.size();
    }
    timing.layers.push_back(std::move(t));
  }
  return timing;
}
