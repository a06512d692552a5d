//===- ReplicateLayers.cpp - Balance the layer pipeline -------------------===//
#include "nncc/Dialect/CIM/Transforms/LayerOverrides.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Analysis/PipelineModel.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/Limits.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace nncc {
#define GEN_PASS_DEF_REPLICATELAYERS
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

struct ReplicateLayersPass
    : nncc::impl::ReplicateLayersBase<ReplicateLayersPass> {
  using ReplicateLayersBase::ReplicateLayersBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    cim::TargetAttr target = cim::getTarget(module);
    if (!target) {
      module.emitError("nncc-replicate needs a cim.target");
      return signalPassFailure();
    }
    SmallVector<cim::LayerOp> layers;
    module.walk([&](cim::LayerOp layer) {
      layer.removeReplicasAttr();
      layer.walk([](cim::MVMOp mvm) { mvm.removeReplicaArraysAttr(); });
      layers.push_back(layer);
    });
    llvm::Expected<PipelineTiming> timing = computePipeline(module);
    if (!timing) {
      module.emitError() << llvm::toString(timing.takeError());
      return signalPassFailure();
    }
    // Copies never take the mapping past what one compile handles
    // (Limits.h), however many arrays the chip declares.
    int64_t capacity = std::min(
        maxArrays > 0 ? maxArrays : target.getTotalArrays(), kMaxMappedArrays);
    // With one layer copy per core, a copy occupies whole cores.
    const int64_t perCore = std::max<int64_t>(target.getArraysPerCore(), 1);
    auto footprint = [&](int64_t arrays) {
      return wholeCores ? (arrays + perCore - 1) / perCore * perCore : arrays;
    };
    int64_t used = 0;
    for (const LayerTiming &stage : timing->layers)
      used += footprint(stage.arrays) * stage.replicas;
    int64_t free = capacity - used;
    double before = timing->interval;

    // Greedy on the bottleneck (exact, see Passes.td); ties go to the
    // earliest layer so the result is deterministic.
    std::vector<LayerTiming> &stages = timing->layers;
    // Each layer's most copies: its own, else the whole network's.
    FailureOr<std::vector<int64_t>> copyCaps =
        cim::LayerOverrides::integersPerLayer(module, layers, layerMaxCopies,
                                              "layer-max-copies", maxCopies, 1,
                                              int64_t{1} << 20);
    if (failed(copyCaps))
      return signalPassFailure();
    int64_t spent = 0;
    while (!stages.empty()) {
      size_t slowest = 0;
      for (size_t i = 1; i < stages.size(); ++i)
        if (stages[i].time() > stages[slowest].time())
          slowest = i;
      // The fewest copies that take one vector fewer per copy; beyond one
      // vector per copy nothing improves.
      LayerTiming &stage = stages[slowest];
      int64_t perCopy = stage.vectorsPerCopy();
      if (perCopy <= 1)
        break;
      int64_t target =
          (stage.vectorsPerInference + perCopy - 2) / (perCopy - 1);
      const int64_t cap = (*copyCaps)[slowest];
      if (cap > 0 && target > cap)
        break;
      int64_t cost = (target - stage.replicas) * footprint(stage.arrays);
      if (cost > free)
        break;
      stage.replicas = target;
      free -= cost;
      spent += cost;
    }
    double after = 0;
    for (const LayerTiming &stage : stages)
      after = std::max(after, stage.time());

    // Copies live on arrays numbered after every original array.
    int64_t nextArray = 0;
    module.walk([&](cim::MVMOp mvm) {
      nextArray = std::max<int64_t>(nextArray, mvm.getArray() + 1);
    });
    Builder b(&getContext());
    for (auto [layer, stage] : llvm::zip(layers, stages)) {
      if (stage.replicas == 1)
        continue;
      layer.setReplicasAttr(b.getI64IntegerAttr(stage.replicas));
      // (A copy: lambdas capture structured bindings only from C++20.)
      const int64_t replicas = stage.replicas;
      layer.walk([&](cim::MVMOp mvm) {
        SmallVector<int64_t> copies;
        for (int64_t c = 1; c < replicas; ++c)
          copies.push_back(nextArray++);
        mvm.setReplicaArraysAttr(b.getDenseI64ArrayAttr(copies));
      });
    }
    module->setAttr(
        "cim.replication",
        b.getDictionaryAttr(
            {b.getNamedAttr("interval_before", b.getF64FloatAttr(before)),
             b.getNamedAttr("interval_after", b.getF64FloatAttr(after)),
             b.getNamedAttr("arrays_spent", b.getI64IntegerAttr(spent)),
             b.getNamedAttr("arrays_available", b.getI64IntegerAttr(capacity)),
             b.getNamedAttr("max_copies", b.getI64IntegerAttr(maxCopies))}));
  }
};

} // namespace
