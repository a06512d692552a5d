//===- CompiledOutput.h - Read and simulate a compiled directory -*- C++ -*-===//
//
// The one reader of `nncc compile`'s output directory (mapped.mlir and the
// chip it is read against), for `nncc simulate`, `nncc export spice` and
// programs that embed nncc; and `nncc simulate`'s flow on it in one call.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_COMPILEDOUTPUT_H
#define NNCC_DRIVER_COMPILEDOUTPUT_H

#include "nncc/Driver/CompileOptions.h"
#include "nncc/Simulation/Simulator.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>

namespace nncc::driver {

/// A compiled output directory's program and the chip it is read against.
struct CompiledOutput {
  mlir::OwningOpRef<mlir::ModuleOp> program;
  target::TargetChip chip;
  std::string programPath, chipPath;
};

/// Reads `dir`/mapped.mlir and the chip (`chipPath`, default
/// `dir`/target.yaml), which must agree with the one the program was
/// compiled for in everything the program fixed.  Errors: ReportedError
/// when reading the program failed (its diagnostics went to `context`),
/// else the tool's error lines (one per line, no `error: `).
llvm::Expected<CompiledOutput> readCompiledOutput(llvm::StringRef dir,
                                                  mlir::MLIRContext &context,
                                                  llvm::StringRef chipPath = "");

/// `nncc simulate DIR --dataset ... --adc-calibration ...` in one call: the
/// accuracy of `dir`'s program on sampled chip instances, also written to
/// `dir`/simulation.json (by rank 0 alone under mpirun, with
/// `request.splitAcrossRanks`).  `request.adcCalibration` is required here
/// (the compile's calibration set is not known).  Errors carry the tool's
/// lines without `error: ` (diagnostics included), as compileModel's do;
/// `progress` is called with (done, total) while the chips run.
llvm::Expected<SimulationReport> simulateCompiledOutput(
    llvm::StringRef dir, const SimulationRequest &request,
    llvm::StringRef chipPath = "",
    std::function<void(int64_t, int64_t)> progress = {});

} // namespace nncc::driver

#endif // NNCC_DRIVER_COMPILEDOUTPUT_H
