//===- nncc.cpp - The nncc command-line driver ----------------------------===//
//
//   nncc import   model.onnx [-o out.mlir] [--batch N] [--summary]
//   nncc run      model.onnx|out/mapped.mlir --input x.{npy,pb} | --images ...
//   nncc compile  model.onnx --target chip.yaml|NAME [-o out/] [...]
//   nncc simulate out/ --dataset IMAGES,LABELS[:N] --adc-calibration IMAGES
//   nncc explore  model.onnx --target chip.yaml --sweep KEY=V,... [-o out/]
//   nncc check    out/
//   nncc target   validate FILE... | show FILE | schema | list
//
// Exit status (docs/exit-codes.md, nncc/Support/ExitStatus.h): 0 on
// success, 1 on bad input or usage (one `error:` line on stderr, see
// nncc/Support/Diagnostics.h), 2 on an internal error (one `internal
// error:` line).  Argument parsing and printing only: each
// subcommand is in its own file, the work is in lib/ (lib/Driver for
// compile).
//
//===----------------------------------------------------------------------===//
#include "Commands.h"

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/SNN/SNNDialect.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Driver/Compile.h"
#include "nncc/Import/OnnxImporter.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Distributed.h"
#include "nncc/Support/ExitStatus.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <unistd.h>

using namespace llvm;

namespace nncc::tool {

cl::OptionCategory category("nncc options");

cl::SubCommand importCmd("import", "Import an ONNX model and print its nn IR");
cl::SubCommand runCmd("run", "Execute a model (ONNX, or a compiled "
                             "mapped.mlir) on the reference executor");
cl::SubCommand compileCmd("compile", "Compile an ONNX model for a "
                                     "compute-in-memory target");
cl::SubCommand simulateCmd("simulate",
                           "Accuracy of a compiled program (nncc compile's "
                           "output directory) on sampled chip instances");
cl::SubCommand exploreCmd("explore",
                          "Sweep target and mapping parameters: compile and "
                          "simulate every point, write the Pareto fronts");
cl::SubCommand checkCmd("check",
                        "Check a compiled output directory: the program "
                        "verifies and programming.bin is what it programs");
cl::SubCommand exportCmd("export",
                         "Design-flow collateral from a compiled output "
                         "directory: `spice` writes one array read as an "
                         "ngspice netlist");
cl::SubCommand targetCmd("target",
                         "Check or describe chip descriptions: "
                         "`validate FILE...`, `show FILE`, `schema`");

cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::sub(importCmd), cl::sub(runCmd),
                               cl::sub(compileCmd), cl::sub(exploreCmd),
                               cl::cat(category));
cl::opt<int64_t> batchSize("batch",
                           cl::desc("Batch size: fixes dimension 0 of every "
                                    "model input (default 1; 100 for run "
                                    "--images)"),
                           cl::init(0), cl::sub(importCmd), cl::sub(runCmd),
                           cl::sub(compileCmd), cl::sub(exploreCmd),
                           cl::cat(category));
cl::opt<std::string> outputPath(
    "o",
    cl::desc("Output file (import; default stdout) or directory (compile, "
             "explore; default out)"),
    cl::value_desc("path"), cl::sub(importCmd), cl::sub(compileCmd),
    cl::sub(exploreCmd), cl::cat(category));

cl::opt<std::string> calibration(
    "calibration",
    cl::desc("Samples that set the activation ranges (IDX, .npy or .pb, "
             "samples along dim 0; default: 64 synthetic samples uniform in "
             "[0, 1), seed 1)"),
    cl::value_desc("file"), cl::sub(compileCmd), cl::sub(exploreCmd),
    cl::cat(category));
cl::opt<int64_t> calibrationLimit(
    "calibration-limit",
    cl::desc("Use at most N calibration samples (default 256)"),
    cl::init(256), cl::sub(compileCmd), cl::sub(exploreCmd),
    cl::cat(category));

int fail(StringRef path, const Twine &message) {
  // One write: under mpirun every rank reports, and lines written piecewise
  // to the shared stderr interleave ("error: error: ...").
  errs() << ("error: " + path + ": " + message + "\n").str();
  return kExitInputError;
}

int fail(Error error) {
  int status = kExitInputError;
  handleAllErrors(
      std::move(error),
      // Its diagnostics are already out, one line each.
      [](const driver::ReportedError &) {},
      [&](const InternalError &internal) {
        errs() << "internal error: " << internal.message() << '\n';
        status = kExitInternalError;
      },
      [](const ErrorInfoBase &info) {
        errs() << "error: " << info.message() << '\n';
      });
  return status;
}

int failTarget(Error error) {
  std::string text = toString(std::move(error));
  SmallVector<StringRef> lines;
  StringRef(text).split(lines, '\n');
  for (StringRef line : lines)
    errs() << "error: " << line << '\n';
  return 1;
}

int failLines(Error error) {
  std::string text = toString(std::move(error));
  SmallVector<StringRef> lines;
  StringRef(text).split(lines, '\n');
  for (StringRef line : lines)
    errs() << (line.starts_with("note: ") ? "" : "error: ") << line << '\n';
  return 1;
}

bool requireModel(StringRef command) {
  if (!modelPath.empty())
    return true;
  errs() << "error: nncc " << command << " needs a model file (nncc "
         << command << " model.onnx ...)\n";
  return false;
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

void reportProgress(StringRef what, int64_t done, int64_t total) {
  if (errs().is_displayed()) {
    errs() << format("\r%s %3lld%% (%lld/%lld)", what.str().c_str(),
                     static_cast<long long>(100 * done / total),
                     static_cast<long long>(done),
                     static_cast<long long>(total));
    if (done == total)
      errs() << "\n";
    return;
  }
  // Not a terminal: one line at most every 10 s, so that a log shows the
  // work goes on without filling up.
  using Clock = std::chrono::steady_clock;
  static Clock::time_point last = Clock::now();
  if (done != total && Clock::now() - last < std::chrono::seconds(10))
    return;
  last = Clock::now();
  errs() << format("%s %lld%% (%lld/%lld)\n", what.str().c_str(),
                   static_cast<long long>(100 * done / total),
                   static_cast<long long>(done), static_cast<long long>(total));
}

std::optional<driver::CompiledOutput>
readCompiledOutput(StringRef dir, mlir::MLIRContext &context,
                   StringRef chipPath) {
  Expected<driver::CompiledOutput> compiled =
      driver::readCompiledOutput(dir, context, chipPath);
  if (!compiled) {
    // A program that does not parse has said so through the diagnostics.
    handleAllErrors(compiled.takeError(),
                    [](const driver::ReportedError &) {},
                    [](const ErrorInfoBase &info) {
                      failTarget(createStringError(inconvertibleErrorCode(),
                                                   info.message()));
                    });
    return std::nullopt;
  }
  return std::move(*compiled);
}

} // namespace nncc::tool

using namespace nncc;
using namespace nncc::tool;

namespace {

/// LLVM's libraries register hundreds of options (code generation, ...):
/// `--help` shows nncc's own, `--help-hidden` the rest.
void hideForeignOptions() {
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    for (auto &entry : cl::getRegisteredOptions(*sub)) {
      cl::Option *option = entry.second;
      StringRef name = entry.first();
      bool generic = name == "help" || name == "help-list" || name == "version";
      if (!generic && !llvm::is_contained(option->Categories, &category))
        option->setHiddenFlag(cl::Hidden);
    }
}

/// Parses the command line; a mistake is one `error:` line.  LLVM reports
/// some mistakes on the stream it is given and others (a value that does
/// not parse) straight on stderr, over several lines: both are caught (fd 2
/// goes to a temporary file while parsing) and joined.
bool parseCommandLine(int argc, char **argv) {
  std::string messages;
  raw_string_ostream stream(messages);
  FILE *captured = std::tmpfile();
  int savedStderr = captured ? ::dup(2) : -1;
  if (savedStderr >= 0)
    ::dup2(::fileno(captured), 2);
  bool parsed = cl::ParseCommandLineOptions(
      argc, argv, "nncc: map neural networks onto compute-in-memory chips\n",
      &stream);
  if (savedStderr >= 0) {
    errs().flush();
    ::dup2(savedStderr, 2);
    ::close(savedStderr);
    std::rewind(captured);
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, captured)) > 0)
      messages.append(buffer, n);
  }
  if (captured)
    std::fclose(captured);
  if (parsed) {
    errs() << messages; // nothing, unless LLVM warned
    return true;
  }
  // LLVM says "<tool>: <problem>" and may add hints on further lines.
  SmallVector<StringRef> lines;
  StringRef(messages).split(lines, '\n');
  std::string line;
  for (StringRef text : lines) {
    text = text.trim();
    if (!text.empty())
      line += (line.empty() ? "" : " ") + text.str();
  }
  errs() << "error: " << line << '\n';
  return false;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  installInternalErrorHandler();
  // Under mpirun: join the job (explore and simulate split their work
  // across its ranks); otherwise nothing happens.
  std::string mpiWarning = distributed::initialize(argc, argv);
  if (!mpiWarning.empty())
    errs() << "warning: " << mpiWarning << '\n';
  cl::SetVersionPrinter(
      [](raw_ostream &os) {
        os << "nncc version " NNCC_VERSION "\n"
           << (distributed::builtWithMpi()
                   ? "built with MPI: explore and simulate split their work "
                     "across mpirun's ranks\n"
                   : "built without MPI: explore and simulate use threads "
                     "only\n");
      });
  hideForeignOptions();
  if (!parseCommandLine(argc, argv))
    return 1;
  mlir::DialectRegistry registry;
  registry.insert<nn::NNDialect, cim::CIMDialect, snn::SNNDialect,
                  mlir::func::FuncDialect>();
  mlir::MLIRContext context(registry);
  // Diagnostics leave as one line each; the module's own handler would
  // print notes and source snippets.
  OneLineDiagnostics diagnostics(context);
  // compile reaches the hook once its output directory exists, so that the
  // test sees an internal error remove it.
  if (!compileCmd)
    if (Error e = internalErrorForTesting())
      return fail(std::move(e));
  if (importCmd)
    return runImport(context);
  if (runCmd)
    return runRun(context);
  if (compileCmd)
    return runCompile(context, argv[0]);
  if (simulateCmd)
    return runSimulate();
  if (exploreCmd)
    return runExplore(context, argv[0]);
  if (checkCmd)
    return runCheck(context);
  if (targetCmd)
    return runTarget(argv[0]);
  if (exportCmd)
    return runExport(context);
  errs() << "error: no command given (import, run, compile, simulate, "
            "explore, check, target or export); see `nncc --help`\n";
  return 1;
}
