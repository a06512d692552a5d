//===- OnnxConformance.cpp - Runs ONNX's backend test data through nncc ---===//
//
// For every test in ONNX's backend test data (Debian's libonnx-testdata:
// node/, pytorch-converted/, pytorch-operator/, simple/) whose operators are
// all supported by nncc, imports the model, executes it with the float
// reference executor on each shipped test_data_set_N and compares with the
// expected outputs (|got - want| <= atol + rtol * |want| for floats,
// equality for integers and bools).
//
// Inputs that an operator needs as compile-time constants (Reshape's shape,
// Clip's bounds...) are bound from the test's input files, as ONNX's node
// tests feed them as graph inputs.
//
// Prints one line per failing test, then "N passed, M failed", and exits 1
// when fewer than --min-pass-rate of the selected tests pass.
//
//===----------------------------------------------------------------------===//
#include "nncc/Execution/Executor.h"
#include "nncc/Import/OnnxImporter.h"
#include "nncc/Import/TensorProto.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstring>
#include <fstream>

using namespace llvm;
using namespace nncc;
using runtime::Tensor;

static cl::opt<std::string> dataRoot(cl::Positional, cl::Required,
                                     cl::desc("<onnx testdata root>"));
static cl::opt<double> minPassRate("min-pass-rate", cl::init(0.95),
                                   cl::desc("Fail below this pass rate"));
static cl::opt<double> relTolerance("rtol", cl::init(1e-4));
static cl::opt<double> absTolerance("atol", cl::init(1e-5));
static cl::opt<bool> verbose("v", cl::desc("Also list passing tests"));

namespace {

const char *const kSuites[] = {"node", "pytorch-converted", "pytorch-operator",
                               "simple"};

struct Outcome {
  bool selected = false;
  std::string failure; ///< Empty when the test passed.
};

/// Sorted entries of `dir` matching `prefix*`.
std::vector<std::string> listDir(StringRef dir, StringRef prefix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (sys::path::filename(it->path()).starts_with(prefix))
      out.push_back(it->path());
  llvm::sort(out);
  return out;
}

Expected<onnx::ModelProto> loadModel(StringRef path) {
  std::ifstream in(path.str(), std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in))
    return createStringError(inconvertibleErrorCode(), "cannot parse model");
  return model;
}

std::string compare(const Tensor &got, const Tensor &want, StringRef name) {
  if (got.dtype() != want.dtype())
    return formatv("output '{0}': dtype {1}, expected {2}", name,
                   runtime::dtypeName(got.dtype()),
                   runtime::dtypeName(want.dtype()));
  if (got.shape() != want.shape())
    return formatv("output '{0}': shape mismatch", name).str();
  // Integer and bool outputs (quantized codes, indices, masks) must be
  // exact: a tolerance relative to 255 would already let a code be off.
  const bool exact = !runtime::isFloatingPoint(want.dtype()) &&
                     !runtime::isHalfPrecision(want.dtype());
  const size_t size = runtime::dtypeSize(want.dtype());
  for (int64_t i = 0; i < got.numElements(); ++i) {
    double g = got.getAsDouble(i), w = want.getAsDouble(i);
    if (exact) {
      if (std::memcmp(static_cast<const char *>(got.raw()) + i * size,
                      static_cast<const char *>(want.raw()) + i * size,
                      size) != 0)
        return formatv("output '{0}'[{1}] = {2}, expected exactly {3}", name,
                       i, g, w)
            .str();
      continue;
    }
    // Equal infinities (and NaNs) match; inf - inf would not.
    if ((std::isnan(w) && std::isnan(g)) || g == w)
      continue;
    if (!(std::fabs(g - w) <= absTolerance + relTolerance * std::fabs(w)))
      return formatv("output '{0}'[{1}] = {2}, expected {3}", name, i, g, w)
          .str();
  }
  return "";
}

Outcome runTest(StringRef dir, const StringSet<> &supported) {
  Outcome outcome;
  SmallString<256> modelPath(dir);
  sys::path::append(modelPath, "model.onnx");
  Expected<onnx::ModelProto> model = loadModel(modelPath);
  if (!model) {
    consumeError(model.takeError());
    return outcome;
  }
  for (const auto &node : model->graph().node())
    if (!supported.contains(node.op_type()) ||
        !(node.domain().empty() || node.domain() == "ai.onnx"))
      return outcome;
  outcome.selected = true;

  StringSet<> initializerNames;
  for (const auto &init : model->graph().initializer())
    initializerNames.insert(init.name());
  std::vector<std::string> inputNames, outputNames;
  std::vector<int> inputTypes;
  for (const auto &input : model->graph().input())
    if (!initializerNames.contains(input.name())) {
      inputNames.push_back(input.name());
      inputTypes.push_back(input.type().tensor_type().elem_type());
    }
  for (const auto &output : model->graph().output())
    outputNames.push_back(output.name());

  std::vector<std::string> dataSets = listDir(dir, "test_data_set_");
  if (dataSets.empty()) {
    outcome.failure = "no test data sets";
    return outcome;
  }
  for (const std::string &dataSet : dataSets) {
    ImportOptions options;
    std::vector<std::string> inputFiles = listDir(dataSet, "input_");
    std::vector<std::string> outputFiles = listDir(dataSet, "output_");
    for (auto [i, file] : llvm::enumerate(inputFiles)) {
      Expected<Tensor> t = readTensorProtoFile(file);
      if (!t) {
        outcome.failure = toString(t.takeError());
        return outcome;
      }
      // ONNX 1.12's test data holds bfloat16 tensors as their uint16 bits
      // (numpy has no bfloat16): take them as what the model declares.
      if (i < inputNames.size() &&
          inputTypes[i] == onnx::TensorProto::BFLOAT16 &&
          t->dtype() == runtime::DType::U16) {
        Tensor bits(runtime::DType::BF16, t->shape());
        std::memcpy(bits.raw(), t->raw(), t->byteSize());
        *t = std::move(bits);
      }
      if (i < inputNames.size())
        options.knownInputs[inputNames[i]] = std::move(*t);
    }

    mlir::MLIRContext context;
    std::string firstError;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      if (firstError.empty() &&
          d.getSeverity() == mlir::DiagnosticSeverity::Error)
        firstError = d.str();
      return mlir::success();
    });
    auto module = importOnnxFile(modelPath, context, options);
    if (!module) {
      outcome.failure = "import: " + firstError;
      return outcome;
    }
    Expected<Executor> executor = Executor::create(*module);
    if (!executor) {
      outcome.failure = toString(executor.takeError());
      return outcome;
    }
    std::vector<Tensor> args;
    for (const TensorSignature &sig : executor->getInputs())
      args.push_back(options.knownInputs[sig.name]);
    Expected<std::vector<Tensor>> results = executor->run(args);
    if (!results) {
      outcome.failure = toString(results.takeError());
      return outcome;
    }
    if (outputFiles.size() != results->size()) {
      outcome.failure = formatv("{0} outputs, expected {1}", results->size(),
                                outputFiles.size());
      return outcome;
    }
    for (auto [i, file] : llvm::enumerate(outputFiles)) {
      Expected<Tensor> want = readTensorProtoFile(file);
      if (!want) {
        outcome.failure = toString(want.takeError());
        return outcome;
      }
      outcome.failure = compare((*results)[i], *want, outputNames[i]);
      if (!outcome.failure.empty())
        return outcome;
    }
  }
  return outcome;
}

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv, "ONNX backend conformance of nncc\n");
  StringSet<> supported;
  for (StringRef op : getSupportedOnnxOps())
    supported.insert(op);

  int passed = 0, failed = 0;
  for (const char *suite : kSuites) {
    SmallString<256> suiteDir(dataRoot);
    sys::path::append(suiteDir, suite);
    for (const std::string &testDir : listDir(suiteDir, "test_")) {
      Outcome outcome = runTest(testDir, supported);
      if (!outcome.selected)
        continue;
      std::string name =
          (Twine(suite) + "/" + sys::path::filename(testDir)).str();
      if (outcome.failure.empty()) {
        ++passed;
        if (verbose)
          outs() << "PASS " << name << '\n';
      } else {
        ++failed;
        outs() << "FAIL " << name << ": " << outcome.failure << '\n';
      }
    }
  }
  int total = passed + failed;
  double rate = total ? static_cast<double>(passed) / total : 0.0;
  outs() << format("pass rate %.1f%% of %d selected tests (required %.1f%%)\n",
                   100 * rate, total, 100 * minPassRate.getValue());
  outs() << passed << " passed, " << failed << " failed\n";
  return total > 0 && rate >= minPassRate ? 0 : 1;
}
