//===- RunCommand.cpp - nncc run ------------------------------------------===//
#include "Commands.h"

#include "nncc/Data/Dataset.h"
#include "nncc/Data/TensorFiles.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Simulation/Simulator.h"
#include "nncc/Simulation/SpikingSimulator.h"
#include "nncc/Dialect/SNN/SNNDialect.h"
#include "nncc/Support/ProgramFile.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;

namespace {

cl::list<std::string> inputFiles("input",
                                 cl::desc("Input tensor (.npy or .pb), one "
                                          "per model input, in order"),
                                 cl::value_desc("file"), cl::sub(runCmd),
                                 cl::cat(category));
cl::opt<std::string> runOutput("output",
                               cl::desc("Write the first output (.npy or .pb)"),
                               cl::value_desc("file"), cl::sub(runCmd),
                               cl::cat(category));
cl::opt<std::string> imagesPath(
    "images",
    cl::desc("Samples to classify (IDX, .npy or .pb, samples along dim 0; "
             "uint8 scaled by --pixel-scale)"),
    cl::value_desc("file"), cl::sub(runCmd), cl::cat(category));
cl::opt<std::string> labelsPath("labels",
                                cl::desc("Labels for --images (IDX, .npy "
                                         "or .pb)"),
                                cl::value_desc("file"), cl::sub(runCmd),
                                cl::cat(category));
cl::opt<int64_t> limit("limit",
                       cl::desc("Use only the first N images (default: all)"),
                       cl::init(0), cl::sub(runCmd), cl::cat(category));
cl::opt<double> pixelScale("pixel-scale",
                           cl::desc("Factor applied to uint8 samples "
                                    "(default 1/255)"),
                           cl::init(kDefaultPixelScale), cl::sub(runCmd),
                           cl::cat(category));
cl::opt<CIMExecutionMode> cimMode(
    "cim-mode", cl::desc("How mapped (cim) layers execute (default auto)"),
    cl::values(
        clEnumValN(CIMExecutionMode::Auto, "auto",
                   "the most physical form the layer has"),
        clEnumValN(CIMExecutionMode::Float, "float", "float weights"),
        clEnumValN(CIMExecutionMode::Integer, "integer",
                   "quantized integer reference (ideal, exact)"),
        clEnumValN(CIMExecutionMode::Datapath, "datapath",
                   "the partitioned arrays: DAC cycles, ADC, shift-add")),
    cl::init(CIMExecutionMode::Auto), cl::sub(runCmd), cl::cat(category));

cl::opt<int64_t> timesteps(
    "timesteps",
    cl::desc("Spiking programs and targets: timesteps per inference "
             "(default 128)"),
    cl::init(128), cl::sub(runCmd), cl::sub(compileCmd), cl::cat(category));
cl::list<int64_t> readoutAt(
    "readout-at",
    cl::desc("Spiking programs and targets: also read the outputs after "
             "these timesteps (comma-separated)"),
    cl::CommaSeparated, cl::sub(runCmd), cl::sub(compileCmd),
    cl::cat(category));
cl::opt<uint64_t> spikeSeed("seed",
                            cl::desc("Seed of Poisson input spikes (default 1)"),
                            cl::init(1), cl::sub(runCmd), cl::cat(category));

/// --images and --labels (and --limit) as a labelled set.
Expected<Dataset> labelledSet() {
  std::string spec = imagesPath + "," + labelsPath;
  if (limit > 0)
    spec += ":" + std::to_string(limit);
  DatasetOptions read;
  read.needLabels = true;
  read.pixelScale = pixelScale;
  return loadDataset(spec, read);
}

bool isSpiking(mlir::ModuleOp module) {
  bool found = false;
  module.walk([&](mlir::Operation *op) {
    if (op->getDialect() &&
        op->getDialect()->getNamespace() ==
            snn::SNNDialect::getDialectNamespace())
      found = true;
  });
  return found;
}

SpikingOptions spikingOptions() {
  SpikingOptions options;
  SpikingRunFlags flags = spikingRunFlags();
  options.timesteps = flags.timesteps;
  options.checkpoints = flags.readoutAt;
  options.seed = spikeSeed;
  return options;
}

/// `nncc run` of a spiking program: accuracy at every readout timestep, or
/// the outputs of one input.
int runSpiking(mlir::ModuleOp module) {
  auto program = SpikingProgram::create(module);
  if (!program)
    return fail(modelPath, toString(program.takeError()));
  if (imagesPath.empty()) {
    if (inputFiles.size() != 1)
      return fail(modelPath, "a spiking program takes one --input");
    auto tensor = readTensorFile(inputFiles.front());
    if (!tensor)
      return fail(tensor.takeError());
    auto run = program->run(*tensor, 1, spikingOptions());
    if (!run)
      return fail(modelPath, toString(run.takeError()));
    for (size_t c = 0; c < run->checkpoints.size(); ++c) {
      outs() << "t=" << run->checkpoints[c] << ":";
      for (float v : run->outputs[c])
        outs() << format(" %.6g", v);
      outs() << "\n";
    }
    return 0;
  }
  Expected<Dataset> set = labelledSet();
  if (!set)
    return fail(set.takeError());
  SmallVector<int64_t> shape(program->inputShape());
  if (Error e = checkSampleShape(*set, "samples in '" + imagesPath + "'",
                                 shape))
    return fail(modelPath, toString(std::move(e)));
  auto run = program->run(set->samples, set->size(), spikingOptions());
  if (!run)
    return fail(modelPath, toString(run.takeError()));
  std::vector<double> accuracy = spikingAccuracy(*run, set->labels);
  for (size_t c = 0; c < accuracy.size(); ++c)
    outs() << format("timesteps %lld: accuracy %.2f%%\n",
                     static_cast<long long>(run->checkpoints[c]),
                     100.0 * accuracy[c]);
  for (const SpikingLayerCounts &l : run->layers)
    outs() << format("  %-16s %8lld neurons  %12.1f synaptic events  %10.1f "
                     "spikes per sample\n",
                     l.name.c_str(), static_cast<long long>(l.neurons),
                     l.synapticOps / run->samples, l.spikesOut / run->samples);
  return 0;
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

int classify(const Executor &executor) {
  Expected<Dataset> set = labelledSet();
  if (!set)
    return fail(set.takeError());
  if (Error e = checkSampleShape(*set, "samples in '" + imagesPath + "'",
                                 executor.getInputs().front().shape))
    return fail(modelPath, toString(std::move(e)));
  Expected<int64_t> correct = countCorrect(executor, *set);
  if (!correct)
    return fail(modelPath, toString(correct.takeError()));
  outs() << format("accuracy: %.2f%% (%lld/%lld)\n",
                   100.0 * *correct / set->size(),
                   static_cast<long long>(*correct),
                   static_cast<long long>(set->size()));
  return 0;
}

} // namespace

tool::SpikingRunFlags nncc::tool::spikingRunFlags() {
  SpikingRunFlags flags;
  flags.timesteps = timesteps;
  flags.readoutAt.assign(readoutAt.begin(), readoutAt.end());
  return flags;
}

int nncc::tool::runRun(mlir::MLIRContext &context) {
  if (!requireModel("run"))
    return 1;
  bool classifying = !imagesPath.empty();
  if (classifying == !inputFiles.empty())
    return fail(modelPath, "give either --input files or --images/--labels");
  if (classifying && labelsPath.empty())
    return fail(imagesPath, "--images needs --labels");
  // An ONNX file, or an MLIR file nncc wrote (e.g. a compiled mapped.mlir).
  auto module = StringRef(modelPath).ends_with(".mlir")
                    ? parseProgramFile(modelPath, context)
                    : importModel(context, classifying ? 100 : 0);
  if (!module)
    return 1;
  if (isSpiking(*module))
    return runSpiking(*module);
  auto executor = Executor::create(*module);
  if (!executor)
    return fail(modelPath, toString(executor.takeError()));
  executor->setCIMExecutionMode(cimMode);
  if (classifying)
    return classify(*executor);

  std::vector<runtime::Tensor> args;
  for (const std::string &file : inputFiles) {
    auto tensor = readTensorFile(file);
    if (!tensor)
      return fail(tensor.takeError());
    args.push_back(std::move(*tensor));
  }
  auto outputs = executor->run(args);
  if (!outputs)
    return fail(modelPath, toString(outputs.takeError()));
  for (auto [sig, tensor] : zip(executor->getOutputs(), *outputs))
    printTensor(sig, tensor, outs());
  if (!runOutput.empty())
    if (Error e = writeTensorFile(runOutput, outputs->front(),
                                  executor->getOutputs().front().name))
      return fail(std::move(e));
  return 0;
}
