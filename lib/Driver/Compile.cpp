//===- Compile.cpp - The compile flow as a library ------------------------===//
//
// The order of work (docs/architecture.md, "How nncc compile runs"): cheap
// checks, the array mapping passes, the fit check, then the placement
// beside the placement-independent programming work, then the schedules,
// the simulation and the PPA.
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/Compile.h"

#include "nncc/Analysis/DigitalOps.h"
#include "nncc/Data/Dataset.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Driver/Pipeline.h"
#include "nncc/PPA/ChipPPA.h"
#include "nncc/Conversion/NNToCIM/Passes.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"
#include "nncc/Support/Errors.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Threading.h"

#include <future>

using namespace mlir;
using namespace nncc;
using namespace nncc::driver;

char ReportedError::ID = 0;

void ReportedError::log(llvm::raw_ostream &os) const {
  os << "compile failed (reported above)";
}

std::error_code ReportedError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

std::string driver::modelFileOf(ModuleOp module) {
  if (auto file = dyn_cast<FileLineColLoc>(module.getLoc()))
    return file.getFilename().str();
  return "";
}

namespace {

/// Times the steps of one compile under the hooks' scope (if any).
class StepTimer {
public:
  explicit StepTimer(TimingScope *root) : root(root) {}
  void next(llvm::StringRef name) {
    current.stop();
    if (root)
      current = root->nest(name);
  }
  TimingScope *scope() { return root ? &current : nullptr; }
  TimingScope nest(llvm::StringRef name) {
    return root ? root->nest(name) : TimingScope();
  }
  ~StepTimer() { current.stop(); }

private:
  TimingScope *root;
  TimingScope current;
};

/// The data the flow reads besides the model, loaded and checked before
/// any pass runs.
struct CompileInputs {
  std::shared_ptr<const Dataset> calibration;
  std::optional<Dataset> testSet, adcCalibration;
};

llvm::Expected<CompileInputs> readInputs(ModuleOp module,
                                         const CompileOptions &options,
                                         std::vector<std::string> &assumed) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  auto input = main && main.getNumArguments() == 1
                   ? dyn_cast<RankedTensorType>(main.getArgumentTypes()[0])
                   : RankedTensorType();
  if (!input)
    return makeError("calibration needs a model with one tensor input");
  llvm::ArrayRef<int64_t> inputShape = input.getShape();
  CompileInputs inputs;
  if (options.calibration.empty()) {
    inputs.calibration = std::make_shared<Dataset>(syntheticSamples(
        inputShape, kSyntheticCalibrationSamples, kSyntheticCalibrationSeed));
    assumed.push_back(llvm::formatv(
        "no --calibration: activation ranges from {0} synthetic samples "
        "uniform in [0, 1) (seed {1}); give --calibration for ranges from "
        "real inputs",
        kSyntheticCalibrationSamples, kSyntheticCalibrationSeed));
  } else {
    DatasetOptions read;
    read.defaultLimit = options.calibrationLimit;
    llvm::Expected<Dataset> samples = loadDataset(options.calibration, read);
    if (!samples)
      return samples.takeError();
    if (llvm::Error e = checkSampleShape(
            *samples, "calibration samples in '" + options.calibration + "'",
            inputShape))
      return std::move(e);
    inputs.calibration = std::make_shared<Dataset>(std::move(*samples));
  }
  if (!options.simulation)
    return std::move(inputs);
  const SimulationRequest &sim = *options.simulation;
  DatasetOptions labelled;
  labelled.needLabels = true;
  llvm::Expected<Dataset> test =
      sim.labelledSet ? llvm::Expected<Dataset>(Dataset(*sim.labelledSet))
                      : loadDataset(sim.dataset, labelled);
  if (!test)
    return test.takeError();
  if (llvm::Error e = checkSampleShape(
          *test, "test samples in '" + sim.dataset + "'", inputShape))
    return std::move(e);
  inputs.testSet = std::move(*test);
  if (sim.adcCalibration.empty()) {
    // The first compile calibration samples set the ADC ranges too.
    inputs.adcCalibration =
        firstSamples(*inputs.calibration, kAdcCalibrationSamples);
  } else {
    llvm::Expected<Dataset> adc = loadDataset(sim.adcCalibration);
    if (!adc)
      return adc.takeError();
    if (llvm::Error e = checkSampleShape(
            *adc, "ADC calibration samples in '" + sim.adcCalibration + "'",
            inputShape))
      return std::move(e);
    inputs.adcCalibration = std::move(*adc);
  }
  return std::move(inputs);
}

/// The data the flow reads besides the model; errors name the model first,
/// as the passes' do.
llvm::Expected<CompileInputs> loadInputs(ModuleOp module,
                                         const CompileOptions &options,
                                         std::vector<std::string> &assumed) {
  llvm::Expected<CompileInputs> inputs = readInputs(module, options, assumed);
  if (!inputs)
    return makeError(modelFileOf(module) + ": " +
                     llvm::toString(inputs.takeError()));
  return inputs;
}

/// The error for a mapping that needs more arrays than the chip has: how
/// many, and which layers take them (one `note:` line each).
llvm::Error doesNotFit(llvm::StringRef model, const MappingSummary &mapping) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << model << ": the mapping needs " << mapping.totalArrays
     << " arrays, target '" << mapping.target << "' has "
     << mapping.chipArrays
     << llvm::format(" (%.2fx); --time-multiplex reprograms the chip between "
                     "groups of layers",
                     static_cast<double>(mapping.totalArrays) /
                         static_cast<double>(mapping.chipArrays));
  for (const LayerMapping &layer : mapping.layers)
    os << "\nnote: layer '" << layer.name << "' needs " << layer.arrays
       << " arrays (" << layer.groups << "x" << layer.depth << "x"
       << layer.columns << " weights, " << layer.slices << " slices of "
       << layer.bitsPerCell << " bits, " << layer.scheme << ")"
       << (layer.arrays > mapping.chipArrays ? "; more than the whole chip"
                                             : "");
  return makeError(text);
}

/// With core.one_layer_copy every layer copy takes cores of its own, so a
/// mapping whose arrays fit can still need more cores than the chip has.
llvm::Error checkWholeCoresFit(llvm::StringRef model,
                               const target::TargetChip &chip,
                               const MappingSummary &mapping) {
  const int64_t perCore = std::max<int64_t>(chip.core.arrays, 1);
  int64_t cores = 0;
  for (const LayerMapping &layer : mapping.layers)
    cores += layer.replicas * ((layer.arrays + perCore - 1) / perCore);
  if (cores <= chip.chip.cores)
    return llvm::Error::success();
  return makeError(model + ": the mapping needs " + llvm::Twine(cores) +
                   " cores, one or more per layer copy (core.one_layer_copy), "
                   "target '" +
                   mapping.target + "' has " + llvm::Twine(chip.chip.cores) +
                   "; --time-multiplex reprograms the chip between groups of "
                   "layers");
}

LogicalResult runPasses(ModuleOp module, TimingScope *timing,
                        llvm::function_ref<void(OpPassManager &)> populate) {
  PassManager pm(module.getContext());
  if (timing)
    pm.enableTiming(*timing);
  populate(pm);
  return pm.run(module);
}

} // namespace

llvm::Expected<SimulationOptions>
driver::toSimulationOptions(const SimulationRequest &request) {
  SimulationOptions simulation;
  simulation.instances = request.instances;
  simulation.seed = request.seed;
  llvm::Expected<EffectSwitches> effects =
      EffectSwitches::parse(request.effects);
  if (!effects)
    return effects.takeError();
  simulation.effects = *effects;
  llvm::Expected<IrDropModel> irDrop = parseIrDropModel(request.irDrop);
  if (!irDrop)
    return irDrop.takeError();
  simulation.effects.irDropModel = *irDrop;
  if (!request.adcRange.empty()) {
    llvm::Expected<AdcRangeMethod> adcRange =
        AdcRangeMethod::parse(request.adcRange);
    if (!adcRange)
      return adcRange.takeError();
    simulation.adcRange = *adcRange;
  }
  simulation.diagnose = request.diagnose;
  simulation.splitAcrossRanks = request.splitAcrossRanks;
  if (!request.times.empty()) {
    llvm::Expected<std::vector<double>> times = parseTimes(request.times);
    if (!times)
      return times.takeError();
    simulation.times = *times;
  }
  if (llvm::Error e = simulation.check())
    return std::move(e);
  return std::move(simulation);
}

llvm::Expected<CompileResult> driver::compile(ModuleOp module,
                                              const target::TargetChip &chip,
                                              const CompileOptions &options,
                                              const CompileHooks &hooks) {
  if (options.maxCopies < 0)
    return makeError(modelFileOf(module) +
                     ": --max-copies must not be negative");
  // A spiking chip has no arrays for the crossbar mapping; its own flow
  // (ANN -> SNN conversion, issue #17) is not in this compile yet.
  if (chip.neuromorphic)
    return makeError(modelFileOf(module) + ": target '" + chip.name +
                     "' is a neuromorphic (spiking) chip; the crossbar "
                     "mapping needs array, periphery and core sections");
  StepTimer step(hooks.timing);
  CompileResult result;
  step.next("check inputs");
  std::optional<SimulationOptions> simulation;
  if (options.simulation) {
    llvm::Expected<SimulationOptions> parsed =
        toSimulationOptions(*options.simulation);
    if (!parsed)
      return parsed.takeError();
    simulation = std::move(*parsed);
    simulation->progress = hooks.simulationProgress;
  }
  llvm::Expected<CompileInputs> inputs =
      loadInputs(module, options, result.assumptions);
  if (!inputs)
    return inputs.takeError();
  step.next("summarize model");
  result.model = summarizeModel(module);

  step.next("mapping passes");
  module->setAttr(cim::kTargetAttrName,
                  makeTargetAttr(module.getContext(), chip));
  if (failed(runPasses(module, step.scope(), [&](OpPassManager &pm) {
        populateArrayMappingPipeline(pm, options,
                                     resolveWeightBits(options, chip),
                                     inputs->calibration,
                                     hooks.moduleOwnsWeights, &chip);
      })))
    return llvm::make_error<ReportedError>();
  // The schedules and the report describe arrays; a model with none has
  // nothing for the chip to do.
  if (!module.walk([](cim::LayerOp) { return WalkResult::interrupt(); })
           .wasInterrupted())
    return makeError(modelFileOf(module) +
                     ": the model has no weight layer (Conv, Gemm or MatMul "
                     "with constant weights) to map onto the arrays");
  // A mapping beyond the chip is an error unless the user accepts
  // reprogramming between program groups (then the pipeline grouped it).
  if (!options.timeMultiplex) {
    MappingSummary beforePlacement = summarizeMapping(module);
    if (beforePlacement.totalArrays > beforePlacement.chipArrays)
      return doesNotFit(modelFileOf(module), beforePlacement);
    if (chip.core.oneLayerCopy)
      if (llvm::Error error =
              checkWholeCoresFit(modelFileOf(module), chip, beforePlacement))
        return error;
  }

  // Most of the programming schedule (every cell's level and write cost)
  // does not depend on the placement: it is computed on another thread
  // while the placement runs; cores and program groups are added after.
  step.next("programming: read tiles");
  llvm::Expected<ArrayProgrammingJob> job =
      ArrayProgrammingJob::collect(module, chip);
  if (!job)
    return job.takeError();
  // The placement anneals on one thread and bounds on another; the cell
  // job spreads over the cores only where more than those two exist.
  const bool parallelCells =
      llvm::hardware_concurrency().compute_thread_count() > 2;
  std::future<llvm::Expected<ProgrammingSchedule>> programmedArrays =
      std::async(std::launch::async, [&] {
        TimingScope cellsTimer =
            step.nest("programming: cells (beside placement)");
        return job->run(parallelCells);
      });
  step.next("placement");
  if (failed(runPasses(module, step.scope(), [&](OpPassManager &pm) {
        populatePlacementPipeline(pm, options, &chip);
      }))) {
    // Wait for the job and drop its result (an unchecked Expected aborts
    // in builds with LLVM's ABI-breaking checks).
    if (llvm::Expected<ProgrammingSchedule> unused = programmedArrays.get();
        !unused)
      llvm::consumeError(unused.takeError());
    return llvm::make_error<ReportedError>();
  }
  step.next("summarize mapping");
  result.mapping = summarizeMapping(module);
  result.hostOps = hostRunOps(module, chip);
  result.endurance = chip.device.statistics.endurance;
  if (hooks.programMapped)
    hooks.programMapped(module);

  step.next("programming schedule");
  llvm::Expected<ProgrammingSchedule> programming = programmedArrays.get();
  if (!programming)
    return programming.takeError();
  result.programming = std::move(*programming);
  completeProgrammingSchedule(result.programming, readPlacement(module));
  step.next("execution schedule");
  llvm::Expected<ExecutionSchedule> execution =
      buildExecutionSchedule(module, chip);
  if (!execution)
    return execution.takeError();
  result.execution = std::move(*execution);

  // The simulation runs before anything is written, so that the report can
  // show it and a failing simulation writes nothing.
  if (options.simulation) {
    step.next("accuracy simulation");
    llvm::Expected<SimulationReport> simulated =
        simulate(module, chip, *inputs->testSet, *inputs->adcCalibration,
                 *simulation);
    if (!simulated)
      return simulated.takeError();
    result.simulation = std::move(*simulated);
  }

  // PPA: docs/ppa-model.md.
  step.next("PPA");
  ppa::CompileReport &report = result.report;
  if (result.simulation) {
    report.simulation.emplace();
    for (const TimePoint &point : result.simulation->points)
      report.simulation->push_back(
          {point.seconds, point.mean, point.ciLow, point.ciHigh});
  }
  report.model = modelFileOf(module);
  report.parameters = result.model.totalParameters;
  report.macs = result.model.totalMacs;
  report.ppa = ppa::estimateChipPPA(
      chip, result.execution, result.programming, result.mapping,
      2.0 * static_cast<double>(result.model.totalMacs));
  return std::move(result);
}

std::string nncc::driver::hostOpsWarning(const CompileResult &result,
                                         llvm::StringRef targetPath) {
  if (result.hostOps.empty())
    return "";
  return (targetPath +
          ": the cores have no unit for these ops (core.sfu, "
          "core.mac_array), the host runs them: " +
          result.hostOps)
      .str();
}
