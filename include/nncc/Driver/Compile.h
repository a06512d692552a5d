//===- Compile.h - The compile flow as a library ----------------*- C++ -*-===//
//
// compile() maps an imported nn module onto a chip and computes everything
// `nncc compile` reports: the mapped program (the module, rewritten in
// place), the mapping summary, the programming and execution schedules, the
// optional accuracy simulation and the PPA report.  writeCompileOutputs()
// turns a result into the files of an output directory.
//
// Threads: the placement-independent programming work runs beside the
// placement, and the mapped program can start printing (the
// `programMapped` hook) while the schedules are computed; how much runs in
// parallel follows llvm::hardware_concurrency().  Results do not depend on
// it: same inputs and seeds, byte-identical outputs.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_COMPILE_H
#define NNCC_DRIVER_COMPILE_H

#include "nncc/Analysis/MappingSummary.h"
#include "nncc/Analysis/ModelSummary.h"
#include "nncc/Driver/CompileOptions.h"
#include "nncc/PPA/Report.h"
#include "nncc/Schedule/ExecutionSchedule.h"
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Simulation/Simulator.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <optional>
#include <string>

namespace nncc {
namespace target {
struct TargetChip;
} // namespace target

namespace driver {

struct CompileResult {
  ModelSummary model;
  MappingSummary mapping;
  ProgrammingSchedule programming;
  ExecutionSchedule execution;
  std::optional<SimulationReport> simulation;
  ppa::CompileReport report;
  /// Digital ops the chip's cores cannot run (no special-function unit or
  /// MAC array for them), which the host runs: "nn.softmax x1, ..." or "".
  std::string hostOps;
  /// The cells' endurance (write cycles), from the chip: a time-multiplexed
  /// mapping rewrites every cell once per batch.
  double endurance = 0;
  /// What the compile assumed for lack of an option (e.g. synthetic
  /// calibration), one sentence each; the tool prints them once.
  std::vector<std::string> assumptions;
};

/// The warning that `result.hostOps` run on the host, naming the target
/// file; "" when the cores run everything.
std::string hostOpsWarning(const CompileResult &result,
                           llvm::StringRef targetPath);

/// Hooks into a running compile; all optional.
struct CompileHooks {
  /// Called once, on the calling thread, when the mapped program is final
  /// (placed); the module stays unchanged from then on, so it may be read
  /// (printed) on another thread while compile() continues.
  std::function<void(mlir::ModuleOp)> programMapped;
  /// Each step is timed under this scope (`nncc compile --timing`).
  mlir::TimingScope *timing = nullptr;
  /// Called with (done, total) while the accuracy simulation runs.
  std::function<void(int64_t, int64_t)> simulationProgress;
  /// No other module of the context reads the imported weights (no copy
  /// of this module is compiled after it): the lowering frees them once
  /// the layers hold their matrices, which keeps a large model's memory
  /// near one copy of its weights.
  bool moduleOwnsWeights = false;
};

/// The error of a compile whose diagnostics already went to the module's
/// context (a pass failed): callers print nothing more.
class ReportedError : public llvm::ErrorInfo<ReportedError> {
public:
  static char ID;
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;
};

/// Maps `module` (an imported nn module; its location names the model
/// file) onto `chip`.  The cheap checks come first: the calibration and
/// simulation sets are read and checked against the model input before any
/// pass runs.  Errors: ReportedError after a pass failed, else a
/// message (which may span lines: an error, then `note:` lines).
llvm::Expected<CompileResult> compile(mlir::ModuleOp module,
                                      const target::TargetChip &chip,
                                      const CompileOptions &options,
                                      const CompileHooks &hooks = {});

/// The simulator's options for a request (effects and times parsed).
llvm::Expected<SimulationOptions>
toSimulationOptions(const SimulationRequest &request);

/// The model file named by an imported module's location ("" if none).
std::string modelFileOf(mlir::ModuleOp module);

} // namespace driver
} // namespace nncc

#endif // NNCC_DRIVER_COMPILE_H
