//===- CompileCommand.cpp - nncc compile ----------------------------------===//
//
// Fills driver::CompileOptions from the command line, runs the compile
// (lib/Driver) into the output directory and prints its summary.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"

#include "nncc/Driver/CompileSpiking.h"

#include "nncc/Driver/AccuracyBudget.h"
#include "nncc/Driver/Compile.h"
#include "nncc/Driver/CompileOutputs.h"
#include "nncc/Support/Distributed.h"
#include "nncc/Support/ExitStatus.h"
#include "nncc/Support/OutputDirectory.h"
#include "nncc/Target/BundledTargets.h"
#include "nncc/Target/TargetLoader.h"

#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;
using driver::ProgramFormat;
using driver::ProgramWeights;

namespace {

cl::opt<std::string> targetSpec(
    "target",
    cl::desc("Chip description: a YAML file or a bundled target's name "
             "(`nncc target list`; required)"),
    cl::value_desc("chip.yaml|NAME"), cl::sub(compileCmd), cl::cat(category));
cl::opt<double> percentile(
    "percentile",
    cl::desc("Percentile of |x| setting activation ranges (default 100)"),
    cl::init(100.0), cl::sub(compileCmd), cl::cat(category));
cl::opt<int64_t> weightBits(
    "weight-bits",
    cl::desc("Weight bits (default: the target's array.weight_bits)"),
    cl::init(0), cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> perChannel(
    "per-channel",
    cl::desc("Per-output-channel weight scales (default on; "
             "--per-channel=false: per tensor)"),
    cl::init(true), cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> symmetric(
    "symmetric",
    cl::desc("Symmetric weights (default on; --symmetric=false: zero "
             "points)"),
    cl::init(true), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> scheme(
    "scheme",
    cl::desc("Signed-weight scheme: differential-columns, differential-rows "
             "or offset-reference (default: the target's)"),
    cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> replicate(
    "replicate",
    cl::desc("Copy bottleneck layers onto free arrays, pipeline balancing "
             "(default on; --replicate=false: one copy each)"),
    cl::init(true), cl::sub(compileCmd), cl::cat(category));
cl::opt<int64_t> maxCopies(
    "max-copies",
    cl::desc("With --replicate, at most N copies of a layer, the original "
             "included (default 8, NeuroSim's speed-up degree; 0: as many as "
             "the free arrays allow)"),
    cl::init(8), cl::sub(compileCmd), cl::cat(category));
cl::list<std::string> layerSpecs(
    "layer",
    cl::desc("One layer's own knobs, NAME:KNOB=VALUE[,KNOB=VALUE...] with "
             "KNOB scheme, weight-bits, input-bits, bits-per-cell (at most "
             "the target's), rows-in-parallel (at most the target's), "
             "adc-range (max, percentile:P or mse) or max-copies; NAME as in "
             "mapping.txt; repeat for more layers"),
    cl::value_desc("spec"), cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> timeMultiplex(
    "time-multiplex",
    cl::desc("When the mapping needs more arrays than the chip has, split it "
             "into program groups resident one after another instead of "
             "failing (default off)"),
    cl::init(false), cl::sub(compileCmd), cl::cat(category));
cl::opt<uint64_t> placementSeed("seed",
                                cl::desc("Placement seed (default 1)"),
                                cl::init(1), cl::sub(compileCmd),
                                cl::cat(category));
cl::opt<double> placementTimeout(
    "place-timeout",
    cl::desc("Placement wall-clock limit in seconds (default 30)"),
    cl::init(30.0), cl::sub(compileCmd), cl::cat(category));
cl::opt<ProgramFormat> programFormat(
    "program-format",
    cl::desc("Format of out/mapped.mlir (default auto; nncc-opt, mlir-opt "
             "and nncc simulate read both)"),
    cl::values(clEnumValN(ProgramFormat::Auto, "auto",
                          "text, or MLIR bytecode when the program's "
                          "constants exceed 16 MiB"),
               clEnumValN(ProgramFormat::Text, "text", "MLIR text"),
               clEnumValN(ProgramFormat::Bytecode, "bytecode",
                          "MLIR bytecode")),
    cl::init(ProgramFormat::Auto), cl::sub(compileCmd), cl::cat(category));
cl::opt<ProgramWeights> programWeights(
    "program-weights",
    cl::desc("Where a bytecode out/mapped.mlir keeps the float weight "
             "matrices the model holds (default auto)"),
    cl::values(clEnumValN(ProgramWeights::Auto, "auto",
                          "references to the model when the program's "
                          "constants exceed 256 MiB, else embed"),
               clEnumValN(ProgramWeights::Embed, "embed",
                          "in the program: it reads without the model"),
               clEnumValN(ProgramWeights::Model, "model",
                          "references to the model file (its absolute path, "
                          "size and a hash of each matrix); readers need "
                          "the model where it was")),
    cl::init(ProgramWeights::Auto), cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> timing(
    "timing",
    cl::desc("Print the wall time of each compile step to stderr; work that "
             "runs beside a step (the programming cells, the files) is "
             "listed on its own and overlaps, so 'Rest' can be negative"),
    cl::init(false), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> simulateSet(
    "simulate",
    cl::desc("After compiling, simulate the accuracy on this test set, "
             "IMAGES,LABELS[:N] (with simulate's --instances, --time, "
             "--effects, --adc-calibration)"),
    cl::value_desc("spec"), cl::sub(compileCmd), cl::cat(category));
cl::opt<double> accuracyBudget(
    "accuracy-budget",
    cl::desc("Choose the cheapest mapping (--objective) whose simulated "
             "accuracy drop against float is at most this many points on "
             "--accuracy-set (docs/accuracy-budget.md)"),
    cl::init(-1), cl::value_desc("points"), cl::sub(compileCmd),
    cl::cat(category));
cl::opt<std::string> accuracySet(
    "accuracy-set",
    cl::desc("Validation set for --accuracy-budget (not the test set): "
             "IMAGES,LABELS[:N] measures accuracy; IMAGES[:N], or no set "
             "(up to 500 --calibration samples after --calibration-limit), "
             "agreement with the float model's class"),
    cl::value_desc("spec"), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> objective(
    "objective",
    cl::desc("What --accuracy-budget minimizes: energy (default), latency, "
             "edp or area"),
    cl::init("energy"), cl::sub(compileCmd), cl::cat(category));
cl::opt<uint64_t> simulationSeed(
    "sim-seed", cl::desc("Simulation seed with --simulate (default 1)"),
    cl::init(1), cl::sub(compileCmd), cl::cat(category));

// Spiking (neuromorphic) targets only.
cl::opt<std::string> spikeEncoding(
    "encoding",
    cl::desc("Spiking targets: input spike encoding, rate | poisson | ttfs "
             "(default rate)"),
    cl::init("rate"), cl::sub(compileCmd), cl::cat(category));

/// `nncc compile` for a target with a neuromorphic section.
int compileSpiking(mlir::ModuleOp module, const target::TargetChip &chip,
                   StringRef targetText, OutputDirectoryWriter &writer,
                   StringRef outputDir) {
  driver::SpikingCompileOptions options;
  options.calibration = calibration;
  options.calibrationLimit = calibrationLimit;
  if (percentile.getNumOccurrences())
    options.percentile = percentile;
  options.encoding = spikeEncoding;
  SpikingRunFlags flags = spikingRunFlags();
  options.timesteps = flags.timesteps;
  options.readoutAt = flags.readoutAt;
  options.placementSeed = placementSeed;
  if (!simulateSet.empty())
    options.simulation = simulationRequest(simulateSet, simulationSeed);
  Expected<driver::SpikingCompileResult> result =
      driver::compileSpiking(module, chip, options);
  if (!result)
    return fail(result.takeError());
  for (const std::string &assumption : result->assumptions)
    errs() << "note: " << assumption << '\n';
  driver::addProgramOutput(writer, module, programFormat, programWeights,
                           nullptr);
  driver::addSpikingOutputs(writer, *result, targetText);
  if (Error e = writer.commit())
    return fail(std::move(e));
  driver::printSpikingReport(*result, outs());
  outs() << "wrote " << outputDir << "/{" << join(writer.names(), ",")
         << "}\n";
  return 0;
}

driver::CompileOptions compileOptions() {
  driver::CompileOptions options;
  options.weightBits = weightBits;
  options.perChannel = perChannel;
  options.symmetric = symmetric;
  options.calibration = calibration;
  options.calibrationLimit = calibrationLimit;
  options.percentile = percentile;
  options.scheme = scheme;
  options.adcRange = mappingAdcRange();
  options.replicate = replicate;
  options.maxCopies = maxCopies;
  options.timeMultiplex = timeMultiplex;
  options.placementSeed = placementSeed;
  options.placementTimeout = placementTimeout;
  options.programFormat = programFormat;
  options.programWeights = programWeights;
  if (!simulateSet.empty())
    options.simulation = simulationRequest(simulateSet, simulationSeed);
  return options;
}

} // namespace

int nncc::tool::runCompile(mlir::MLIRContext &context, const char *argv0) {
  if (!requireModel("compile"))
    return 1;
  if (targetSpec.empty())
    return fail(modelPath, "compile needs --target chip.yaml (a file, or a "
                           "bundled target's name: `nncc target list`)");
  if (maxCopies < 0)
    return fail(modelPath, "--max-copies must not be negative");
  // Ranks would race to write one directory: compile has no work to share
  // (its sweeps are explore's, its Monte Carlo is simulate's).
  if (distributed::size() > 1)
    return fail(modelPath, "nncc compile runs as one process; under mpirun, "
                           "run nncc explore or nncc simulate");
  Expected<std::string> targetPath =
      target::resolveTarget(targetSpec, targetDirs(argv0));
  if (!targetPath)
    return fail(targetPath.takeError());
  auto targetText = MemoryBuffer::getFile(*targetPath);
  if (!targetText)
    return fail(*targetPath,
                "cannot read file: " + targetText.getError().message());
  Expected<target::TargetChip> chip = target::loadTargetBuffer(
      (*targetText)->getBuffer(), *targetPath);
  if (!chip)
    return failTarget(chip.takeError());
  // Declared before the writer, which is destroyed first: a print of the
  // mapped program in flight reads the module until the writer is gone.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  // The output directory is checked (and made) before any expensive work;
  // nothing is written into it unless the whole compile succeeds.
  std::string outputDir = outputPath.empty() ? "out" : outputPath.getValue();
  auto writer = OutputDirectoryWriter::create(outputDir);
  if (!writer)
    return fail(writer.takeError());
  if (Error e = internalErrorForTesting())
    return fail(std::move(e));

  // --timing: MLIR's timing manager, the pass managers' timers nested under
  // the same root as the compile's own steps; printed on return.
  mlir::DefaultTimingManager timingManager;
  timingManager.setEnabled(timing);
  timingManager.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  mlir::TimingScope rootTimer = timingManager.getRootScope();
  mlir::TimingScope *timer = timing ? &rootTimer : nullptr;
  {
    mlir::TimingScope importTimer = rootTimer.nest("import ONNX");
    module = importModel(context, 0);
  }
  if (!module)
    return 1;
  if (chip->neuromorphic)
    return compileSpiking(*module, *chip, (*targetText)->getBuffer(),
                          **writer, outputDir);
  driver::CompileOptions options = compileOptions();
  for (const std::string &spec : layerSpecs)
    if (Error e = driver::parseLayerKnobs(spec, options.layerKnobs))
      return fail(std::move(e));
  std::optional<driver::BudgetSearch> search;
  if (!accuracyBudget.getNumOccurrences() &&
      (accuracySet.getNumOccurrences() || objective.getNumOccurrences()))
    return fail(modelPath, "--accuracy-set and --objective belong to "
                           "--accuracy-budget X");
  if (accuracyBudget.getNumOccurrences() && scheme.getNumOccurrences())
    return fail(modelPath, "--scheme fixes what --accuracy-budget chooses; "
                           "give one of them");
  if (accuracyBudget.getNumOccurrences()) {
    Expected<driver::CostObjective> cost =
        driver::AccuracyBudget::parseObjective(objective);
    if (!cost)
      return fail(cost.takeError());
    driver::AccuracyBudget budget{
        accuracyBudget, simulationRequest(accuracySet, simulationSeed), *cost};
    Expected<driver::BudgetSearch> found =
        driver::searchAccuracyBudget(*module, *chip, options, budget);
    if (!found)
      return fail(found.takeError());
    search = std::move(*found);
    const driver::CandidateOutcome &chosen = search->candidates[search->chosen];
    options.scheme = chosen.scheme;
    llvm::append_range(options.layerKnobs, chosen.layerKnobs);
    if (!chosen.withinBudget)
      errs() << "warning: no mapping keeps the accuracy drop within "
             << format("%g", accuracyBudget.getValue())
             << " points; writing the most accurate, " << chosen.describe()
             << "\n";
  }
  driver::CompileHooks hooks;
  hooks.timing = timer;
  // The accuracy-budget search compiled copies; nothing reads the
  // imported module after this compile.
  hooks.moduleOwnsWeights = true;
  // The mapped program is final once placed: it prints on a worker thread
  // while the schedules are computed.
  hooks.programMapped = [&](mlir::ModuleOp mapped) {
    driver::addProgramOutput(**writer, mapped, options.programFormat,
                                  options.programWeights, timer);
  };
  hooks.simulationProgress = [](int64_t done, int64_t total) {
    reportProgress("simulating", done, total);
  };
  Expected<driver::CompileResult> result =
      driver::compile(*module, *chip, options, hooks);
  if (!result)
    return fail(result.takeError());
  for (const std::string &assumption : result->assumptions)
    errs() << "note: " << assumption << '\n';
  if (std::string warning = driver::hostOpsWarning(*result, *targetPath);
      !warning.empty())
    errs() << "warning: " << warning << '\n';
  {
    mlir::TimingScope writeTimer = rootTimer.nest("write outputs");
    driver::addResultOutputs(**writer, *result, (*targetText)->getBuffer(),
                             timer);
    if (search)
      (*writer)->add("accuracy_budget.json", [&](raw_ostream &os) {
        driver::writeBudgetSearchJson(*search, os);
        return Error::success();
      });
    if (Error e = (*writer)->commit())
      return fail(std::move(e));
  }
  driver::printCompileSummary(*result, outs());
  if (search)
    driver::printBudgetSearch(*search, outs());
  if (result->simulation)
    warnAboutAccuracy(*result->simulation);
  outs() << "wrote " << outputDir << "/{" << join((*writer)->names(), ",")
         << "}\n";
  return 0;
}
