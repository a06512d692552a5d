//===- nncc.cpp - The nncc command-line driver ----------------------------===//
//
//   nncc import  model.onnx [-o out.mlir] [--batch N] [--summary]
//   nncc run     model.onnx --input x.{npy,pb} [--output y.{npy,pb}]
//   nncc run     model.onnx --images IDX --labels IDX [--limit N]
//   nncc run     out/mapped.mlir ... [--cim-mode auto|float|integer|datapath]
//   nncc compile model.onnx --target chip.yaml -o out/
//   nncc target validate chip.yaml...
//   nncc target show chip.yaml
//   nncc target schema
//
// Exit status: 0 on success, 1 on any error (reported as one line on
// stderr, see nncc/Support/Diagnostics.h).
//
//===----------------------------------------------------------------------===//
#include "nncc/Analysis/DigitalOps.h"
#include "nncc/Analysis/MappingSummary.h"
#include "nncc/Analysis/ModelSummary.h"
#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Import/OnnxImporter.h"
#include "nncc/Import/TensorProto.h"
#include "nncc/PPA/ChipPPA.h"
#include "nncc/PPA/Report.h"
#include "nncc/InitAllPasses.h"
#include "nncc/Schedule/ExecutionSchedule.h"
#include "nncc/Schedule/ProgrammingBinary.h"
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Simulation/Simulator.h"
#include "nncc/Support/Datasets.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/OutputDirectory.h"
#include "nncc/Target/TargetLoader.h"
#include "nncc/Target/TargetSchema.h"
#include "nncc/Target/TargetSummary.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <future>
#include <map>

using namespace llvm;
using namespace nncc;

namespace {

cl::SubCommand importCmd("import", "Import an ONNX model and print its nn IR");
cl::SubCommand runCmd("run", "Execute an ONNX model with the float32 "
                             "reference executor");
cl::SubCommand compileCmd("compile", "Compile an ONNX model for a "
                                     "compute-in-memory target");

cl::SubCommand simulateCmd("simulate",
                            "Accuracy of a compiled program (nncc compile's "
                            "output directory) on sampled chip instances");

cl::SubCommand targetCmd("target",
                          "Check or describe chip descriptions: "
                          "`validate FILE...`, `show FILE`, `schema`");
cl::list<std::string> targetArgs(cl::Positional, cl::OneOrMore,
                                 cl::desc("<validate|show|schema> [files]"),
                                 cl::sub(targetCmd));

cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::sub(importCmd),
                               cl::sub(runCmd), cl::sub(compileCmd));
cl::opt<int64_t> batchSize("batch",
                           cl::desc("Batch size: fixes dimension 0 of every "
                                    "model input (default 1; 100 for "
                                    "--images)"),
                           cl::init(0), cl::sub(importCmd), cl::sub(runCmd),
                           cl::sub(compileCmd));
cl::opt<std::string> outputPath("o", cl::desc("Output file (import) or "
                                              "directory (compile)"),
                                cl::value_desc("path"), cl::init("-"),
                                cl::sub(importCmd), cl::sub(compileCmd));

// import
cl::opt<bool> printSummary("summary",
                           cl::desc("Print layers, shapes, parameters and "
                                    "MACs instead of the IR"),
                           cl::sub(importCmd));
cl::opt<bool> elideWeights("elide-weights",
                           cl::desc("Print weight blobs elided"),
                           cl::sub(importCmd));

// run
cl::list<std::string> inputFiles("input",
                                 cl::desc("Input tensor (.npy or .pb), one "
                                          "per model input, in order"),
                                 cl::value_desc("file"), cl::sub(runCmd));
cl::opt<std::string> runOutput("output",
                               cl::desc("Write the first output (.npy or .pb)"),
                               cl::value_desc("file"), cl::sub(runCmd));
cl::opt<std::string> imagesPath("images",
                                cl::desc("IDX images to classify (uint8, "
                                         "scaled by --pixel-scale)"),
                                cl::value_desc("file"), cl::sub(runCmd));
cl::opt<std::string> labelsPath("labels", cl::desc("IDX labels for --images"),
                                cl::value_desc("file"), cl::sub(runCmd));
cl::opt<int64_t> limit("limit", cl::desc("Use only the first N images"),
                       cl::init(0), cl::sub(runCmd));
cl::opt<double> pixelScale("pixel-scale",
                           cl::desc("Factor applied to IDX pixels "
                                    "(default 1/255)"),
                           cl::init(1.0 / 255.0), cl::sub(runCmd));

cl::opt<CIMExecutionMode> cimMode(
    "cim-mode", cl::desc("How mapped (cim) layers execute"),
    cl::values(
        clEnumValN(CIMExecutionMode::Auto, "auto",
                   "the most physical form the layer has (default)"),
        clEnumValN(CIMExecutionMode::Float, "float", "float weights"),
        clEnumValN(CIMExecutionMode::Integer, "integer",
                   "quantized integer reference (ideal, exact)"),
        clEnumValN(CIMExecutionMode::Datapath, "datapath",
                   "the partitioned arrays: DAC cycles, ADC, shift-add")),
    cl::init(CIMExecutionMode::Auto), cl::sub(runCmd));

// simulate (and compile --simulate)
cl::opt<std::string> simulateDir(cl::Positional, cl::desc("<out/>"),
                                 cl::Required, cl::sub(simulateCmd));
cl::opt<std::string> simulateDataset(
    "dataset",
    cl::desc("Test set: IMAGES,LABELS[:N] (IDX, .npy or .pb; :N keeps the "
             "first N)"),
    cl::value_desc("spec"), cl::sub(simulateCmd));
cl::opt<std::string> compileSimulate(
    "simulate", cl::desc("After compiling, simulate on this test set "
                         "(IMAGES,LABELS[:N], as nncc simulate --dataset)"),
    cl::value_desc("spec"), cl::sub(compileCmd));
cl::opt<std::string> simulateCalibration(
    "adc-calibration",
    cl::desc("Inputs that calibrate each column's ADC range, IMAGES[:N] "
             "(default: the first 64 --calibration samples)"),
    cl::value_desc("spec"), cl::sub(simulateCmd), cl::sub(compileCmd));
cl::opt<int64_t> simulateInstances("instances",
                                   cl::desc("Chip instances (Monte Carlo)"),
                                   cl::init(5), cl::sub(simulateCmd),
                                   cl::sub(compileCmd));
cl::opt<std::string> simulateTimes(
    "time", cl::desc("Times after programming, e.g. 1s,1h,1d,1y (default: "
                     "the target's drift t0)"),
    cl::sub(simulateCmd), cl::sub(compileCmd));
cl::opt<std::string> simulateEffects(
    "effects",
    cl::desc("Non-idealities: all (default), none, a list (on_off, "
             "programming, variation, stuck_at, drift, drift_compensation, "
             "ir_drop, read_noise, adc) or -effect,... to drop some"),
    cl::init("all"), cl::sub(simulateCmd), cl::sub(compileCmd));
cl::opt<uint64_t> simulateSeed("seed", cl::desc("Simulation seed"),
                               cl::init(1), cl::sub(simulateCmd));
// compile's --seed is the placement's.
cl::opt<uint64_t> compileSimulateSeed(
    "sim-seed", cl::desc("Simulation seed (--simulate)"), cl::init(1),
    cl::sub(compileCmd));
cl::opt<std::string> simulateTarget(
    "chip", cl::desc("Chip description (default: <out>/target.yaml)"),
    cl::value_desc("chip.yaml"), cl::sub(simulateCmd));

// compile
cl::opt<std::string> targetPath("target",
                                cl::desc("Target chip description (YAML)"),
                                cl::value_desc("chip.yaml"), cl::Required,
                                cl::sub(compileCmd));

cl::opt<std::string> calibrationPath(
    "calibration",
    cl::desc("Calibration samples for activation ranges (.npy/.pb with "
             "samples along dim 0, or IDX images)"),
    cl::value_desc("file"), cl::sub(compileCmd));
cl::opt<int64_t> calibrationLimit("calibration-limit",
                                  cl::desc("Use at most N calibration samples"),
                                  cl::init(256), cl::sub(compileCmd));
cl::opt<double> calibrationPercentile(
    "percentile", cl::desc("Percentile of |x| setting activation ranges"),
    cl::init(100.0), cl::sub(compileCmd));
cl::opt<int64_t> weightBits("weight-bits",
                            cl::desc("Weight bits (default: the target's "
                                     "array.weight_bits)"),
                            cl::init(0), cl::sub(compileCmd));
cl::opt<bool> perChannel("per-channel",
                         cl::desc("Per-output-channel weight scales"),
                         cl::init(true), cl::sub(compileCmd));
cl::opt<bool> symmetricWeights("symmetric", cl::desc("Symmetric weights"),
                               cl::init(true), cl::sub(compileCmd));
cl::opt<bool> replicate("replicate",
                        cl::desc("Copy bottleneck layers onto free arrays "
                                 "(pipeline balancing)"),
                        cl::init(true), cl::sub(compileCmd));
cl::opt<int64_t> maxCopies(
    "max-copies",
    cl::desc("With --replicate, at most this many copies of a layer, the "
             "original included (0: as many as the free arrays allow; "
             "NeuroSim's speed-up degree is 8)"),
    cl::init(0), cl::sub(compileCmd));
cl::opt<bool> timeMultiplex(
    "time-multiplex",
    cl::desc("When the mapping needs more arrays than the chip has, split it "
             "into program groups resident one after another (the chip is "
             "reprogrammed between them) instead of failing"),
    cl::init(false), cl::sub(compileCmd));
cl::opt<uint64_t> placementSeed("seed", cl::desc("Placement seed"),
                                cl::init(1), cl::sub(compileCmd));
cl::opt<double> placementTimeout(
    "place-timeout", cl::desc("Placement wall-clock limit in seconds"),
    cl::init(30.0), cl::sub(compileCmd));
enum class ProgramFormat { Auto, Text, Bytecode };
cl::opt<ProgramFormat> programFormat(
    "program-format",
    cl::desc("Format of out/mapped.mlir (nncc-opt, mlir-opt and nncc "
             "simulate read both)"),
    cl::values(clEnumValN(ProgramFormat::Auto, "auto",
                          "text, or MLIR bytecode when the program's "
                          "constants exceed 16 MiB (default)"),
               clEnumValN(ProgramFormat::Text, "text", "MLIR text"),
               clEnumValN(ProgramFormat::Bytecode, "bytecode",
                          "MLIR bytecode")),
    cl::init(ProgramFormat::Auto), cl::sub(compileCmd));
/// Above this many bytes of constants `auto` writes bytecode: the text form
/// spells them in hex (twice the bytes), takes ten times as long to print
/// and to parse, and is not read by people anyway.
constexpr uint64_t kTextProgramConstantLimit = 16ull << 20;
cl::opt<bool> compileTiming(
    "timing",
    cl::desc("Print the wall time of each compile step (import, every pass, "
             "placement, schedules, PPA, writing each output) to stderr; work "
             "that runs beside a step (the programming cells, the files) is "
             "listed on its own and overlaps, so 'Rest' can be negative"),
    cl::init(false), cl::sub(compileCmd));
cl::opt<std::string> signedScheme(
    "scheme",
    cl::desc("Override the target's signed-weight scheme "
             "(differential-columns, differential-rows, offset-reference)"),
    cl::sub(compileCmd));

/// Prints `error: <path>: <message>` and returns the error exit status.
int fail(StringRef path, const Twine &message) {
  errs() << "error: " << path << ": " << message << '\n';
  return 1;
}
int fail(Error error) {
  errs() << "error: " << toString(std::move(error)) << '\n';
  return 1;
}

/// Prints every line of a loader error as `error: <line>`.
int failTarget(Error error) {
  std::string text = toString(std::move(error));
  SmallVector<StringRef> lines;
  StringRef(text).split(lines, '\n');
  for (StringRef line : lines)
    errs() << "error: " << line << '\n';
  return 1;
}

mlir::OwningOpRef<mlir::ModuleOp> importModel(mlir::MLIRContext &context,
                                              int64_t defaultBatch) {
  ImportOptions options;
  if (batchSize > 0)
    options.batch = batchSize;
  else if (defaultBatch > 0)
    options.batch = defaultBatch;
  return importOnnxFile(modelPath, context, options);
}

int runImport(mlir::MLIRContext &context) {
  auto module = importModel(context, 0);
  if (!module)
    return 1;
  Error written = writeToOutput(outputPath, [&](raw_ostream &os) {
    if (printSummary) {
      printModelSummary(summarizeModel(*module), os);
    } else {
      mlir::OpPrintingFlags flags;
      if (elideWeights)
        flags.elideLargeElementsAttrs(16).elideLargeResourceString(64);
      module->print(os, flags);
    }
    return Error::success();
  });
  return written ? fail(std::move(written)) : 0;
}

Expected<runtime::Tensor> readInput(StringRef path) {
  if (path.ends_with(".npy"))
    return readNpyFile(path);
  if (path.ends_with(".pb"))
    return readTensorProtoFile(path);
  return createStringError(inconvertibleErrorCode(),
                           "'" + path + "': unknown tensor file type (use "
                                        ".npy or .pb)");
}

void printTensor(const TensorSignature &sig, const runtime::Tensor &t,
                 raw_ostream &os) {
  os << sig.name << ": " << runtime::dtypeName(t.dtype()) << " [";
  interleaveComma(t.shape(), os);
  os << "]\n";
  constexpr int64_t kShown = 64;
  for (int64_t i = 0; i < std::min(t.numElements(), kShown); ++i)
    os << (i ? " " : "  ") << format("%.6g", t.getAsDouble(i));
  if (t.numElements() > kShown)
    os << " ... (" << t.numElements() << " values)";
  os << '\n';
}

int runClassification(const Executor &executor) {
  auto images = readIdxFile(imagesPath, limit);
  if (!images)
    return fail(images.takeError());
  auto labels = readIdxFile(labelsPath, limit);
  if (!labels)
    return fail(labels.takeError());
  if (executor.getInputs().size() != 1)
    return fail(modelPath, "--images needs a model with exactly one input");
  const TensorSignature &in = executor.getInputs().front();
  int64_t count = images->dim(0);
  int64_t batch = in.shape.empty() ? 1 : in.shape.front();
  int64_t perImage = runtime::numElementsOf(in.shape) / batch;
  if (images->numElements() / count != perImage)
    return fail(imagesPath, formatv("images have {0} pixels, the model "
                                    "input takes {1} per sample",
                                    images->numElements() / count, perImage));
  if (labels->rank() != 1 || labels->dim(0) != count)
    return fail(labelsPath, "labels must be a vector with one label per image");
  if (in.dtype != runtime::DType::F32)
    return fail(modelPath, "--images needs a float32 model input");

  int64_t correct = 0;
  const auto *pixels = images->data<uint8_t>();
  for (int64_t first = 0; first < count; first += batch) {
    int64_t n = std::min(batch, count - first);
    runtime::Tensor x(runtime::DType::F32, in.shape);
    float *dst = x.data<float>();
    for (int64_t i = 0; i < n * perImage; ++i)
      dst[i] = static_cast<float>(pixels[first * perImage + i] * pixelScale);
    auto outputs = executor.run({x});
    if (!outputs)
      return fail(outputs.takeError());
    const runtime::Tensor &logits = outputs->front();
    int64_t classes = logits.numElements() / batch;
    for (int64_t i = 0; i < n; ++i) {
      const float *row = logits.data<float>() + i * classes;
      int64_t best = std::max_element(row, row + classes) - row;
      correct += best == static_cast<int64_t>(labels->getAsDouble(first + i));
    }
  }
  outs() << format("accuracy: %.2f%% (%lld/%lld)\n", 100.0 * correct / count,
                   static_cast<long long>(correct),
                   static_cast<long long>(count));
  return 0;
}

/// The model to run: an ONNX file, or an MLIR file nncc wrote (e.g. a
/// compiled out/mapped.mlir).
mlir::OwningOpRef<mlir::ModuleOp> loadRunnable(mlir::MLIRContext &context,
                                               int64_t defaultBatch) {
  if (StringRef(modelPath).ends_with(".mlir"))
    return mlir::parseSourceFile<mlir::ModuleOp>(modelPath, &context);
  return importModel(context, defaultBatch);
}

int runRun(mlir::MLIRContext &context) {
  bool classify = !imagesPath.empty();
  if (classify == !inputFiles.empty())
    return fail(modelPath, "give either --input files or --images/--labels");
  if (classify && labelsPath.empty())
    return fail(imagesPath, "--images needs --labels");
  auto module = loadRunnable(context, classify ? 100 : 0);
  if (!module)
    return 1;
  auto executor = Executor::create(*module);
  if (!executor)
    return fail(modelPath, toString(executor.takeError()));
  executor->setCIMExecutionMode(cimMode);
  if (classify)
    return runClassification(*executor);

  std::vector<runtime::Tensor> args;
  for (const std::string &file : inputFiles) {
    auto tensor = readInput(file);
    if (!tensor)
      return fail(tensor.takeError());
    args.push_back(std::move(*tensor));
  }
  auto outputs = executor->run(args);
  if (!outputs)
    return fail(modelPath, toString(outputs.takeError()));
  for (auto [sig, tensor] : llvm::zip(executor->getOutputs(), *outputs))
    printTensor(sig, tensor, outs());
  if (!runOutput.empty()) {
    const runtime::Tensor &first = outputs->front();
    Error written =
        StringRef(runOutput).ends_with(".npy")
            ? writeNpyFile(runOutput, first)
            : writeTensorProtoFile(runOutput, first,
                                   executor->getOutputs().front().name);
    if (written)
      return fail(std::move(written));
  }
  return 0;
}

/// Digital ops left after lowering that the cores cannot run (core.sfu.*
/// false): on such chips (bare macros) the host runs them.  Returns one
/// line naming them, or "" when the chip runs everything.
std::string offChipOps(mlir::ModuleOp module, const target::TargetChip &chip) {
  std::map<std::string, int> counts;
  module.walk([&](mlir::Operation *op) {
    if (!op->getDialect() || op->getDialect()->getNamespace() != "nn" ||
        op->getParentOfType<cim::LayerOp>())
      return;
    if (!coreRuns(classifyDigitalOp(op), chip))
      ++counts[op->getName().getStringRef().str()];
  });
  std::string line;
  for (const auto &[name, count] : counts)
    line += (line.empty() ? "" : ", ") + name + " x" + std::to_string(count);
  return line;
}

/// Simulates `module` (a compiled program) on `chip`.
Expected<SimulationReport> simulateProgram(mlir::ModuleOp module,
                                           const target::TargetChip &chip,
                                           StringRef dataset,
                                           StringRef calibration) {
  constexpr double kPixelScale = 1.0 / 255.0;
  Expected<Dataset> test = loadDataset(dataset, kPixelScale, true);
  if (!test)
    return test.takeError();
  Expected<Dataset> adcInputs = loadDataset(calibration, kPixelScale, false);
  if (!adcInputs)
    return adcInputs.takeError();
  SimulationOptions options;
  options.instances = simulateInstances;
  options.seed = simulateCmd ? simulateSeed : compileSimulateSeed;
  Expected<EffectSwitches> effects = EffectSwitches::parse(simulateEffects);
  if (!effects)
    return effects.takeError();
  options.effects = *effects;
  if (!simulateTimes.empty()) {
    Expected<std::vector<double>> times = parseTimes(simulateTimes);
    if (!times)
      return times.takeError();
    options.times = *times;
  }
  // A progress bar only on a terminal, so logs and pipes stay clean.
  if (errs().is_displayed())
    options.progress = [](int64_t done, int64_t total) {
      errs() << format("\rsimulating %3lld%% (%lld/%lld)",
                       static_cast<long long>(100 * done / total),
                       static_cast<long long>(done),
                       static_cast<long long>(total));
      if (done == total)
        errs() << "\n";
    };
  return simulate(module, chip, *test, *adcInputs, options);
}

int runSimulate(mlir::MLIRContext &context) {
  SmallString<256> mapped(simulateDir), chipPath(simulateDir);
  sys::path::append(mapped, "mapped.mlir");
  if (simulateTarget.empty())
    sys::path::append(chipPath, "target.yaml");
  else
    chipPath = simulateTarget;
  if (simulateDataset.empty())
    return fail(simulateDir, "simulate needs --dataset IMAGES,LABELS[:N]");
  if (simulateCalibration.empty())
    return fail(simulateDir,
                "simulate needs --adc-calibration IMAGES[:N] (inputs that "
                "set the ADC ranges; not the test set)");
  Expected<target::TargetChip> chip = target::loadTargetFile(chipPath);
  if (!chip)
    return failTarget(chip.takeError());
  auto module = mlir::parseSourceFile<mlir::ModuleOp>(mapped, &context);
  if (!module)
    return 1;
  Expected<SimulationReport> report = simulateProgram(
      *module, *chip, simulateDataset, simulateCalibration);
  if (!report)
    return fail(report.takeError());
  printSimulationReport(*report, outs());
  SmallString<256> out(simulateDir);
  sys::path::append(out, "simulation.json");
  if (Error e = writeToOutput(out, [&](raw_ostream &os) {
        writeSimulationJson(*report, os);
        return Error::success();
      }))
    return fail(std::move(e));
  outs() << "wrote " << out << "\n";
  return 0;
}

/// For a time-multiplexed mapping: each program group's arrays, programming
/// cost and run time, and the time per inference for a few batch sizes
/// (docs/execution-schedule.md, "Time-multiplexed mappings").
void printTimeMultiplexing(const ExecutionSchedule &execution,
                           const ProgrammingSchedule &programming,
                           double endurance, raw_ostream &os) {
  if (execution.groups.size() < 2)
    return;
  os << "time-multiplexed: " << execution.groups.size()
     << " program groups, reprogrammed for every batch; "
     << execution.groupSpillBits
     << " bits per inference wait in the global buffer\n";
  std::map<int64_t, const GroupProgramming *> programmingOf;
  for (const GroupProgramming &g : programming.groups)
    programmingOf[g.id] = &g;
  double programTime = 0, programEnergy = 0, latency = 0, interval = 0;
  for (const GroupExecution &g : execution.groups) {
    const GroupProgramming *p = programmingOf[g.group];
    double time = p ? p->time : 0, energy = p ? p->energy : 0;
    programTime += time;
    programEnergy += energy;
    latency += g.latency;
    interval += g.interval;
    os << format("  group %lld: %lld arrays, %zu layers, programming %.4g s "
                 "(%.4g J), latency %.3f us, interval %.3f us\n",
                 static_cast<long long>(g.group),
                 static_cast<long long>(g.arrays), g.stages.size(), time,
                 energy, g.latency * 1e6, g.interval * 1e6);
  }
  // time(B) = sum over groups of programming + latency + (B - 1) * interval.
  os << "  time per inference:";
  for (double batch : {1.0, 100.0, 10000.0, 1000000.0}) {
    double perInference =
        (programTime + latency + (batch - 1) * interval) / batch;
    os << format(" batch %.0f: %.4g s;", batch, perInference);
  }
  os << format(" programming energy per batch %.4g J\n", programEnergy);
  // Every cell is rewritten once per batch.
  if (endurance > 0)
    os << format("  endurance: %.4g write cycles per cell = %.4g batches\n",
                 endurance, endurance);
}

/// The mapping needs more arrays than the chip has: says by how much and
/// which layers take them.
int reportDoesNotFit(const MappingSummary &mapping) {
  errs() << "error: " << modelPath << ": the mapping needs "
         << mapping.totalArrays << " arrays, target '" << mapping.target
         << "' has " << mapping.chipArrays
         << format(" (%.2fx); --time-multiplex reprograms the chip between "
                   "groups of layers\n",
                   static_cast<double>(mapping.totalArrays) /
                       static_cast<double>(mapping.chipArrays));
  for (const LayerMapping &layer : mapping.layers)
    errs() << "note: layer '" << layer.name << "' needs " << layer.arrays
           << " arrays (" << layer.groups << "x" << layer.depth << "x"
           << layer.columns << " weights, " << layer.slices << " slices of "
           << layer.bitsPerCell << " bits, " << layer.scheme << ")"
           << (layer.arrays > mapping.chipArrays
                   ? "; more than the whole chip"
                   : "")
           << '\n';
  return 1;
}

int runCompile(mlir::MLIRContext &context) {
  Expected<target::TargetChip> chip = target::loadTargetFile(targetPath);
  if (!chip)
    return failTarget(chip.takeError());
  if (outputPath == "-")
    return fail(modelPath, "compile needs an output directory (-o out/)");
  // --timing: MLIR's timing manager, with the pass managers' timers nested
  // under the same root as the compile's own steps; printed on return.
  mlir::DefaultTimingManager timing;
  timing.setEnabled(compileTiming);
  timing.setDisplayMode(mlir::DefaultTimingManager::DisplayMode::Tree);
  mlir::TimingScope rootTimer = timing.getRootScope();
  mlir::TimingScope stepTimer = rootTimer.nest("import ONNX");
  auto step = [&](StringRef name) {
    stepTimer.stop();
    stepTimer = rootTimer.nest(name);
  };
  auto module = importModel(context, 0);
  if (!module)
    return 1;
  step("summarize model");
  ModelSummary modelSummary = summarizeModel(*module);

  // The mapping pipeline: docs/architecture.md.
  (*module)->setAttr(cim::kTargetAttrName, makeTargetAttr(&context, *chip));
  mlir::PassManager pm(&context);
  step("mapping passes");
  pm.enableTiming(stepTimer);
  pm.addPass(createLowerNNToCIM());
  QuantizeLayersOptions quantize;
  quantize.weightBits =
      weightBits.getNumOccurrences() ? weightBits : chip->array.weightBits;
  quantize.perChannel = perChannel;
  quantize.symmetric = symmetricWeights;
  quantize.calibrationPath = calibrationPath;
  quantize.calibrationLimit = calibrationLimit;
  quantize.percentile = calibrationPercentile;
  pm.addPass(createQuantizeLayers(quantize));
  DifferentialSplitOptions differential;
  differential.scheme = signedScheme;
  pm.addPass(createDifferentialSplit(differential));
  pm.addPass(createBitSliceWeights());
  pm.addPass(createPartitionOntoArrays());
  if (maxCopies < 0)
    return fail(modelPath, "--max-copies must not be negative");
  if (replicate) {
    ReplicateLayersOptions replication;
    replication.maxCopies = maxCopies;
    pm.addPass(createReplicateLayers(replication));
  }
  if (mlir::failed(pm.run(*module)))
    return 1;
  // A mapping beyond the chip is an error unless the user accepts
  // reprogramming between program groups.
  std::optional<ArrayProgrammingJob> programmingJob;
  std::future<Expected<ProgrammingSchedule>> programmedArrays;
  {
    MappingSummary beforePlacement = summarizeMapping(*module);
    if (beforePlacement.totalArrays > beforePlacement.chipArrays) {
      if (!timeMultiplex)
        return reportDoesNotFit(beforePlacement);
      step("time multiplexing");
      mlir::PassManager groupPm(&context);
      groupPm.enableTiming(stepTimer);
      groupPm.addPass(createTimeMultiplex());
      if (mlir::failed(groupPm.run(*module)))
        return 1;
    }
    // Most of the programming schedule (every cell's level and write cost)
    // does not depend on the placement: it is computed on other threads
    // while the placement runs; cores and program groups are added after.
    step("programming: read tiles");
    auto job = ArrayProgrammingJob::collect(*module, *chip);
    if (!job)
      return fail(job.takeError());
    programmingJob.emplace(std::move(*job));
    programmedArrays = std::async(std::launch::async, [&] {
      mlir::TimingScope cellsTimer =
          rootTimer.nest("programming: cells (beside placement)");
      // One thread: the annealing (one thread) and the placement's lower
      // bound need the rest of the two-core machine.
      return programmingJob->run(/*parallel=*/false);
    });
    step("placement");
    mlir::PassManager placePm(&context);
    placePm.enableTiming(stepTimer);
    PlaceTilesOptions place;
    place.seed = placementSeed;
    place.timeout = placementTimeout;
    placePm.addPass(createPlaceTiles(place));
    if (mlir::failed(placePm.run(*module))) {
      // Wait for the programming job and drop its result (an unchecked
      // Expected aborts in builds with LLVM's ABI-breaking checks).
      if (Expected<ProgrammingSchedule> unused = programmedArrays.get();
          !unused)
        consumeError(unused.takeError());
      return 1;
    }
  }
  step("summarize mapping");
  MappingSummary mapping = summarizeMapping(*module);
  std::string hostOps = offChipOps(*module, *chip);
  if (!hostOps.empty())
    errs() << "warning: " << targetPath
           << ": the cores have no special-function unit for these ops, the "
              "host runs them: "
           << hostOps << '\n';

  // The mapped program is final: its printing starts now, on a worker
  // thread, while the schedules are computed.  Every output goes to a
  // temporary file, renamed into place only when all are complete
  // (OutputDirectory.h), so a failing step leaves the directory as it was.
  auto targetText = MemoryBuffer::getFile(targetPath);
  if (!targetText)
    return fail(targetPath,
                "cannot read file: " + targetText.getError().message());
  // Files added below read data declared after the writer (schedules,
  // report), which is destroyed before it: commit() must come right after
  // the last add(), with no return in between, so that no print is in
  // flight when that data goes.
  auto writer = OutputDirectoryWriter::create(outputPath);
  if (!writer)
    return fail(writer.takeError());
  auto outputChecked = [&](StringRef name,
                           std::function<Error(raw_ostream &)> body) {
    (*writer)->add(name, [&rootTimer, name = name.str(),
                          body = std::move(body)](raw_ostream &os) {
      mlir::TimingScope fileTimer = rootTimer.nest("write " + name);
      return body(os);
    });
  };
  auto output = [&](StringRef name, std::function<void(raw_ostream &)> body) {
    outputChecked(name, [body = std::move(body)](raw_ostream &os) {
      body(os);
      return Error::success();
    });
  };
  const bool bytecode =
      programFormat == ProgramFormat::Bytecode ||
      (programFormat == ProgramFormat::Auto &&
       constantBytes(module->getOperation()) > kTextProgramConstantLimit);
  outputChecked("mapped.mlir", [&, bytecode](raw_ostream &os) -> Error {
    if (!bytecode) {
      // The pass manager verified the module after every pass.  Verifying
      // it again here would compute dominance, which caches operation
      // order in the blocks: a write while other threads read the module.
      module->print(os, mlir::OpPrintingFlags().assumeVerified());
      return Error::success();
    }
    mlir::BytecodeWriterConfig config("nncc");
    if (mlir::failed(mlir::writeBytecodeToFile(*module, os, config)))
      return makeError("cannot encode the program as MLIR bytecode");
    return Error::success();
  });

  step("programming schedule");
  ProgrammingOptions programmingOptions;
  module->walk([&](cim::MVMOp mvm) {
    if (auto core = mvm.getCore())
      programmingOptions.coreOfArray[mvm.getArray()] = *core;
    if (auto group = mvm.getProgramGroup())
      programmingOptions.programGroupOfArray[mvm.getArray()] = *group;
    if (auto copies = mvm.getReplicaArrays())
      if (auto cores = mvm.getReplicaCores())
        for (auto [array, core] : llvm::zip(*copies, *cores))
          programmingOptions.coreOfArray[array] = core;
  });
  Expected<ProgrammingSchedule> programming = programmedArrays.get();
  if (!programming)
    return fail(programming.takeError());
  completeProgrammingSchedule(*programming, programmingOptions);
  step("execution schedule");
  Expected<ExecutionSchedule> execution = buildExecutionSchedule(*module, *chip);
  if (!execution)
    return fail(execution.takeError());
  // The accuracy simulation (--simulate) runs before anything is written, so
  // that the report can show it and a failing simulation writes nothing.
  std::optional<SimulationReport> simulation;
  if (!compileSimulate.empty()) {
    step("accuracy simulation");
    std::string adc = simulateCalibration.empty()
                          ? calibrationPath + ":64"
                          : std::string(simulateCalibration);
    Expected<SimulationReport> simulated =
        simulateProgram(*module, *chip, compileSimulate, adc);
    if (!simulated)
      return fail(simulated.takeError());
    simulation = std::move(*simulated);
  }
  // PPA: docs/ppa-model.md.
  step("PPA");
  ppa::CompileReport report;
  if (simulation) {
    report.simulation.emplace();
    for (const TimePoint &point : simulation->points)
      report.simulation->push_back(
          {point.seconds, point.mean, point.ciLow, point.ciHigh});
  }
  report.model = modelPath;
  report.parameters = modelSummary.totalParameters;
  report.macs = modelSummary.totalMacs;
  report.ppa = ppa::estimateChipPPA(*chip, *execution, *programming, mapping,
                                    2.0 * static_cast<double>(
                                              modelSummary.totalMacs));

  step("write outputs");
  output("programming.bin",
         [&](raw_ostream &os) { writeProgrammingBinary(*programming, os); });
  output("programming.json",
         [&](raw_ostream &os) { writeProgrammingJson(*programming, os); });
  output("execution.json",
         [&](raw_ostream &os) { writeExecutionJson(*execution, os); });
  output("mapping.txt", [&](raw_ostream &os) {
    printMappingSummary(mapping, os);
    printExecutionSummary(*execution, os);
    printTimeMultiplexing(*execution, *programming,
                          chip->device.statistics.endurance, os);
  });
  output("mapping.json",
         [&](raw_ostream &os) { printMappingSummaryJson(mapping, os); });
  output("summary.txt",
         [&](raw_ostream &os) { printModelSummary(modelSummary, os); });
  // The chip description travels with the program (nncc simulate reads it).
  output("target.yaml",
         [&](raw_ostream &os) { os << (*targetText)->getBuffer(); });
  output("report.txt",
         [&](raw_ostream &os) { ppa::writeReportText(report, os); });
  output("report.json",
         [&](raw_ostream &os) { ppa::writeReportJson(report, os); });
  output("report.html",
         [&](raw_ostream &os) { ppa::writeReportHtml(report, os); });
  if (simulation)
    output("simulation.json",
           [&](raw_ostream &os) { writeSimulationJson(*simulation, os); });
  if (Error e = (*writer)->commit())
    return fail(std::move(e));
  std::string names = llvm::join((*writer)->names(), ",");
  stepTimer.stop();
  outs() << "model: " << modelPath << " (" << modelSummary.layers.size()
         << " layers, " << modelSummary.totalParameters << " parameters, "
         << modelSummary.totalMacs << " MACs)\n";
  printMappingSummary(mapping, outs());
  printExecutionSummary(*execution, outs());
  printTimeMultiplexing(*execution, *programming,
                        chip->device.statistics.endurance, outs());
  outs() << llvm::formatv("ppa: {0:g4} TOPS, {1:g4} TOPS/W, {2:g4} TOPS/mm2, "
                          "{3:g4} mm2 placed, {4:g4} uJ per inference\n",
                          report.ppa.tops(), report.ppa.topsPerWatt(),
                          report.ppa.topsPerMm2(), report.ppa.area * 1e6,
                          report.ppa.energy * 1e6);
  if (simulation)
    printSimulationReport(*simulation, outs());
  outs() << "wrote " << outputPath << "/{" << names << "}\n";
  return 0;
}

int runTarget() {
  StringRef action = targetArgs.front();
  ArrayRef<std::string> files = ArrayRef<std::string>(targetArgs).drop_front();
  if (action == "schema") {
    target::printSchemaMarkdown(outs());
    return 0;
  }
  if (action != "validate" && action != "show") {
    errs() << "error: unknown target action '" << action
           << "' (expected validate, show or schema)\n";
    return 1;
  }
  if (files.empty()) {
    errs() << "error: `nncc target " << action << "` needs a file\n";
    return 1;
  }
  int status = 0;
  for (const std::string &file : files) {
    Expected<target::TargetChip> chip = target::loadTargetFile(file);
    if (!chip) {
      status = failTarget(chip.takeError());
      continue;
    }
    if (action == "validate")
      outs() << file << ": ok (" << chip->name << ")\n";
    else
      target::printTarget(*chip, outs());
  }
  return status;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "nncc: map neural networks onto "
                              "compute-in-memory chips\n");
  mlir::DialectRegistry registry;
  registry.insert<nn::NNDialect, cim::CIMDialect, mlir::func::FuncDialect>();
  mlir::MLIRContext context(registry);
  // Diagnostics leave as one line each; the module's own handler would
  // print notes and source snippets.
  OneLineDiagnostics diagnostics(context);
  if (importCmd)
    return runImport(context);
  if (runCmd)
    return runRun(context);
  if (compileCmd)
    return runCompile(context);
  if (simulateCmd)
    return runSimulate(context);
  if (targetCmd)
    return runTarget();
  errs() << "error: no command given; see `nncc --help`\n";
  return 1;
}
