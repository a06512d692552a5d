//===- PipelineModel.cpp - Layer-pipelined timing of a mapping ------------===//
#include "nncc/Analysis/PipelineModel.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/Errors.h"

using namespace mlir;
using namespace nncc;

llvm::Expected<PipelineTiming> nncc::computePipeline(ModuleOp module) {
  cim::TargetAttr target = cim::getTarget(module);
  if (!target || !target.getReadPulse() || !target.getConversionTime())
    return makeError("the pipeline model needs a #cim.target with read_pulse "
                     "and conversion_time");
  double readPulse = target.getReadPulse().getValueAsDouble();
  double conversion = target.getConversionTime().getValueAsDouble();
  int64_t adcsPerArray =
      (target.getCols() + target.getColumnsPerAdc() - 1) /
      target.getColumnsPerAdc();

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
    int64_t cycles = static_cast<int64_t>(*layer.getInputCycles());
    layer.walk([&](cim::MVMOp mvm) {
      ++t.arrays;
      int64_t rowGroups = (mvm.getPhysicalRows() + mvm.getRowsInParallel() - 1) /
                          mvm.getRowsInParallel();
      int64_t conversions =
          (mvm.getPhysicalColumns() + adcsPerArray - 1) / adcsPerArray;
      double tileTime =
          rowGroups * cycles * (readPulse + conversions * conversion);
      t.vectorTime = std::max(t.vectorTime, tileTime);
    });
    timing.arrays += t.arrays * t.replicas;
    timing.latency += t.time();
    if (t.time() > timing.interval) {
      timing.interval = t.time();
      timing.bottleneck = timing.layers.size();
    }
    timing.layers.push_back(std::move(t));
  }
  return timing;
}
