//===- Commands.h - nncc's subcommands --------------------------*- C++ -*-===//
//
// Each subcommand lives in its own file (<Name>Command.cpp) with its
// options; they share the options below and the error printers.  The files
// parse arguments and print; the work is in lib/.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TOOLS_NNCC_COMMANDS_H
#define NNCC_TOOLS_NNCC_COMMANDS_H

#include "nncc/Driver/CompileOptions.h"
#include "nncc/Driver/CompiledOutput.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace nncc {
struct SimulationReport;
} // namespace nncc

namespace nncc::tool {

/// Every nncc option is in this category; `--help` shows only it (LLVM's
/// own options stay under `--help-hidden`).
extern llvm::cl::OptionCategory category;

extern llvm::cl::SubCommand importCmd, runCmd, compileCmd, simulateCmd,
    exploreCmd, checkCmd, targetCmd, exportCmd;

// Shared by import, run, compile (and explore).
extern llvm::cl::opt<std::string> modelPath;
extern llvm::cl::opt<int64_t> batchSize;
extern llvm::cl::opt<std::string> outputPath;
// Shared by compile and explore.
extern llvm::cl::opt<std::string> calibration;
extern llvm::cl::opt<int64_t> calibrationLimit;

/// Prints `error: <path>: <message>`; returns the error exit status.
int fail(llvm::StringRef path, const llvm::Twine &message);
/// Prints `error: <message>` (an error of several lines: `error: ` before
/// the first only, the others are notes).
int fail(llvm::Error error);
/// `warning: <why>` on stderr when the simulation found the chip losing the
/// model's accuracy (SimulationReport::diagnosis).
void warnAboutAccuracy(const SimulationReport &report);
/// Prints every line of a target loader error as `error: <line>`.
int failTarget(llvm::Error error);
/// Prints an error of the library's entry points (CompileModel.h,
/// CompiledOutput.h), whose lines lost their `error: `: each line gets it
/// back, but for its `note:` lines.
int failLines(llvm::Error error);
/// False, after one error line, unless `modelPath` was given.
bool requireModel(llvm::StringRef command);

/// The model as imported ONNX; `defaultBatch` applies without --batch.
mlir::OwningOpRef<mlir::ModuleOp> importModel(mlir::MLIRContext &context,
                                              int64_t defaultBatch);
/// Progress of long work on stderr: a bar on a terminal, else a line every
/// few seconds (so CI logs show that work goes on).
void reportProgress(llvm::StringRef what, int64_t done, int64_t total);

/// driver::readCompiledOutput, its errors printed (one `error:` line
/// each); nothing when it failed.
std::optional<driver::CompiledOutput>
readCompiledOutput(llvm::StringRef dir, mlir::MLIRContext &context,
                   llvm::StringRef chipPath = "");

/// compile --simulate's request from the simulation options compile
/// shares with simulate.
driver::SimulationRequest simulationRequest(llvm::StringRef testSet,
                                            uint64_t seed);

/// compile's and explore's --adc-range: every layer's ADC range method
/// (default max).
std::string mappingAdcRange();

/// Spiking programs (nncc run) and targets (nncc compile): --timesteps and
/// --readout-at, which both subcommands take.
struct SpikingRunFlags {
  int64_t timesteps = 128;
  std::vector<int64_t> readoutAt;
};
SpikingRunFlags spikingRunFlags();

/// Where bundled targets are looked up (target::bundledTargetDirs).
std::vector<std::string> targetDirs(const char *argv0);

int runImport(mlir::MLIRContext &context);
int runRun(mlir::MLIRContext &context);
int runCompile(mlir::MLIRContext &context, const char *argv0);
int runSimulate();
int runExplore(mlir::MLIRContext &context, const char *argv0);
int runExport(mlir::MLIRContext &context);
int runCheck(mlir::MLIRContext &context);
int runTarget(const char *argv0);

} // namespace nncc::tool

#endif // NNCC_TOOLS_NNCC_COMMANDS_H
