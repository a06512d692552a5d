//===- CompileSpiking.cpp - The compile flow for neuromorphic chips -------===//
#include "nncc/Driver/CompileSpiking.h"

#include "nncc/Conversion/NNToSNN/Passes.h"
#include "nncc/Data/Dataset.h"
#include "nncc/Dialect/SNN/SNNOps.h"
#include "nncc/Dialect/SNN/Transforms/Passes.h"
#include "nncc/Driver/Compile.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Placement/Placement.h"
#include "nncc/Simulation/Simulator.h"
#include "nncc/Simulation/SpikingSimulator.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace mlir;
using namespace nncc;
using namespace nncc::driver;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(message.str());
}

/// Mean mesh hops from a core of `from` to a core of `to`, times the
/// cores of `to` one spike reaches: all of a dense layer's (each reads the
/// whole input); of a conv layer's, the cores that hold its output
/// positions' share of them, cores x (positions per core) / positions, at
/// least one (an estimate that takes a core to hold every channel of its
/// tile and ignores tiles whose receptive fields overlap).
double hopsPerSpike(snn::LayerOp from, snn::LayerOp to,
                    const placement::PlacementProblem &mesh) {
  ArrayRef<int64_t> a = from.getCoreIds().value_or(ArrayRef<int64_t>());
  ArrayRef<int64_t> b = to.getCoreIds().value_or(ArrayRef<int64_t>());
  if (a.empty() || b.empty())
    return 0;
  double sum = 0;
  for (int64_t x : a)
    for (int64_t y : b)
      sum += placement::hops(mesh, static_cast<int>(x), static_cast<int>(y));
  double mean = sum / double(a.size() * b.size());
  double reached = double(b.size());
  if (to.getKind() == snn::LayerKind::Conv) {
    auto out = cast<RankedTensorType>(to.getOutput().getType());
    double positions = double(out.getDimSize(2) * out.getDimSize(3));
    auto neuronsPerCore = double(out.getNumElements()) / double(b.size());
    double tilePositions = std::max(
        1.0, neuronsPerCore / std::max<double>(1, double(out.getDimSize(1))));
    reached = std::max(1.0, double(b.size()) * tilePositions / positions);
  }
  return mean * reached;
}

llvm::Expected<Dataset> readCalibration(const SpikingCompileOptions &options,
                                        ArrayRef<int64_t> inputShape) {
  CalibrationSource source;
  source.path = options.calibration;
  source.limit = options.calibrationLimit;
  source.synthetic = kSyntheticCalibrationSamples;
  source.seed = kSyntheticCalibrationSeed;
  return loadCalibrationSamples(source, inputShape);
}

} // namespace

llvm::Expected<SpikingCompileResult>
nncc::driver::compileSpiking(ModuleOp module, const target::TargetChip &chip,
                             const SpikingCompileOptions &options) {
  if (!chip.neuromorphic)
    return error("target '" + chip.name + "' has no neuromorphic section");
  const target::Neuromorphic &neuro = *chip.neuromorphic;
  if (options.timesteps < 1)
    return error("--timesteps must be at least 1");
  for (int64_t t : options.readoutAt)
    if (t < 1 || t > options.timesteps)
      return error("--readout-at " + std::to_string(t) + " is outside [1, " +
                   std::to_string(options.timesteps) + "]");
  SpikingCompileResult result;
  result.model = modelFileOf(module);
  result.target = chip.name;

  // The cheap checks first: the data sets and the float baseline.
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.getNumArguments() != 1)
    return error("the model needs one input");
  SmallVector<int64_t> inputShape(
      cast<RankedTensorType>(main.getArgument(0).getType()).getShape());
  // Read once: the conversion balances thresholds on these samples, and
  // without a simulation set their first ones give the event counts.
  llvm::Expected<Dataset> loaded = readCalibration(options, inputShape);
  if (!loaded)
    return loaded.takeError();
  auto calibration = std::make_shared<const Dataset>(std::move(*loaded));
  if (options.calibration.empty())
    result.assumptions.push_back(
        "no --calibration: thresholds balanced on " +
        std::to_string(kSyntheticCalibrationSamples) +
        " synthetic samples uniform in [0, 1)");
  std::optional<Dataset> testSet;
  if (options.simulation) {
    DatasetOptions read;
    read.needLabels = true;
    llvm::Expected<Dataset> set = loadDataset(options.simulation->dataset, read);
    if (!set)
      return set.takeError();
    if (llvm::Error e = checkSampleShape(
            *set, "samples in '" + options.simulation->dataset + "'",
            inputShape))
      return std::move(e);
    llvm::Expected<Executor> executor = Executor::create(module);
    if (!executor)
      return executor.takeError();
    llvm::Expected<int64_t> correct = countCorrect(*executor, *set);
    if (!correct)
      return correct.takeError();
    result.floatAccuracy = double(*correct) / double(set->size());
    testSet = std::move(*set);
  }

  PassManager pm(module.getContext());
  ConvertNNToSNNOptions convert;
  convert.percentile = options.percentile;
  convert.encoding = options.encoding;
  convert.synapseBits = neuro.core.synapseBits;
  convert.gainBits = neuro.core.gainBits;
  convert.potentialBits = neuro.core.potentialBits;
  convert.decay = neuro.core.decay;
  convert.reset = target::toString(neuro.core.reset).str();
  convert.biasSource = target::toString(neuro.core.bias).str();
  pm.addPass(createConvertNNToSNN(convert, calibration));
  MapSpikingLayersOptions map;
  map.axons = neuro.core.axons;
  map.neurons = neuro.core.neurons;
  map.axonsPerInput = neuro.core.axonsPerInput;
  map.partialSums = neuro.core.partialSums;
  map.cores = neuro.cores;
  map.meshWidth = chip.chip.interconnect.width;
  map.meshHeight = chip.chip.interconnect.height;
  map.seed = options.placementSeed;
  pm.addPass(createMapSpikingLayers(map));
  if (failed(pm.run(module)))
    return llvm::make_error<ReportedError>();

  llvm::Expected<SpikingProgram> program = SpikingProgram::create(module);
  if (!program)
    return program.takeError();
  SpikingOptions run;
  run.timesteps = options.timesteps;
  run.checkpoints = options.readoutAt;
  std::optional<SynapseDeviceEffects> device =
      SynapseDeviceEffects::fromTarget(chip);
  if (device && options.simulation && !options.simulation->times.empty()) {
    // Drift: the synapses are read this long after programming.
    llvm::Expected<std::vector<double>> times =
        parseTimes(options.simulation->times);
    if (!times)
      return times.takeError();
    if (!times->empty())
      device->time = times->front();
    if (times->size() > 1)
      result.assumptions.push_back(
          "a spiking chip is simulated at the first --time only");
  }
  std::optional<SpikingResults> activityRun;
  if (testSet) {
    // Instances differ in their sampled synapses only (every instance sees
    // the same input spikes): digital synapses make them one chip.
    bool varies = device.has_value();
    result.instances = varies ? std::max<int64_t>(1, options.simulation->instances) : 1;
    if (!varies && options.simulation->instances > 1)
      result.assumptions.push_back(
          "one chip instance simulated: the synapses are digital, so every "
          "instance is the same chip");
    result.samples = testSet->size();
    std::vector<std::vector<double>> perInstance;
    for (int64_t i = 0; i < result.instances; ++i) {
      SpikingOptions instance = run;
      instance.device = device;
      instance.instance = i;
      instance.seed = options.simulation->seed;
      llvm::Expected<SpikingResults> r =
          program->run(testSet->samples, testSet->size(), instance);
      if (!r)
        return r.takeError();
      perInstance.push_back(spikingAccuracy(*r, testSet->labels));
      if (i == 0)
        activityRun = std::move(*r);
    }
    for (size_t c = 0; c < activityRun->checkpoints.size(); ++c) {
      std::vector<double> values;
      for (const auto &acc : perInstance)
        values.push_back(acc[c]);
      SpikingAccuracyPoint point;
      point.timesteps = activityRun->checkpoints[c];
      for (double v : values)
        point.mean += v / double(values.size());
      std::tie(point.ciLow, point.ciHigh) =
          accuracyInterval95(values, result.samples);
      result.accuracy.push_back(point);
    }
    result.activitySource = "the simulation set (" +
                            std::to_string(result.samples) +
                            " samples, instance 0)";
  } else {
    // The event counts from the calibration samples the compile read.
    int64_t count =
        std::min<int64_t>(calibration->size(), kSpikingActivitySamples);
    SpikingOptions ideal = run;
    ideal.device = device;
    llvm::Expected<SpikingResults> r =
        program->run(calibration->samples, count, ideal);
    if (!r)
      return r.takeError();
    activityRun = std::move(*r);
    result.activitySource =
        std::to_string(count) + " calibration samples";
  }

  SmallVector<snn::LayerOp> layers;
  module.walk([&](snn::LayerOp layer) { layers.push_back(layer); });
  double samples = std::max<int64_t>(1, activityRun->samples);
  result.activity.timesteps = options.timesteps;
  result.activity.inputSpikes = activityRun->inputSpikes / samples;
  // The mesh the cores were placed on (--nncc-snn-map's geometry).
  placement::PlacementProblem mesh;
  mesh.numCores = static_cast<int>(neuro.cores);
  mesh.meshWidth = static_cast<int>(chip.chip.interconnect.width);
  mesh.meshHeight = static_cast<int>(chip.chip.interconnect.height);
  for (size_t l = 0; l < layers.size(); ++l) {
    snn::LayerOp op = layers[l];
    const SpikingLayerCounts &counts = activityRun->layers[l];
    SpikingLayerSummary summary;
    summary.name = op.getLayerName().str();
    summary.kind = snn::stringifyLayerKind(op.getKind()).str();
    summary.neurons = counts.neurons;
    summary.fanIn = op.getFanIn();
    summary.fanInGroups = op.getFanInGroups().value_or(1);
    summary.cores = op.getCores().value_or(0);
    summary.synapseBits = op.getSynapseBits();
    summary.readout = op.isReadout();
    result.layers.push_back(summary);
    ppa::SpikingLayerActivity activity;
    activity.name = summary.name;
    activity.synapticOps = counts.synapticOps / samples;
    activity.spikesOut = counts.spikesOut / samples;
    if (l + 1 < layers.size())
      activity.spikeHops =
          activity.spikesOut * hopsPerSpike(op, layers[l + 1], mesh);
    activity.neurons = counts.neurons;
    activity.cores = summary.cores;
    result.activity.layers.push_back(activity);
  }
  result.ppa = ppa::spikingPPA(chip, result.activity);
  return result;
}
