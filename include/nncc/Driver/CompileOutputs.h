//===- CompileOutputs.h - The files and summary of a compile ----*- C++ -*-===//
//
// What `nncc compile` writes into its output directory (README, "nncc
// compile") and prints on stdout, from a CompileResult.  Files go through an
// OutputDirectoryWriter: all or nothing.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_COMPILEOUTPUTS_H
#define NNCC_DRIVER_COMPILEOUTPUTS_H

#include "nncc/Driver/Compile.h"
#include "nncc/Support/OutputDirectory.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/raw_ostream.h"

namespace nncc::driver {

/// Starts printing `mapped.mlir` (text, or bytecode as `format` and the
/// program's constants decide; in bytecode the float weight matrices the
/// model file holds are references to it as `weights` and the constants
/// decide).  The module must stay unchanged until the writer commits or is
/// destroyed.
void addProgramOutput(OutputDirectoryWriter &writer, mlir::ModuleOp module,
                      ProgramFormat format, ProgramWeights weights,
                      mlir::TimingScope *timing);

/// Starts printing every other file: programming.{bin,json},
/// execution.json, mapping.{txt,json}, summary.txt, target.yaml (the chip
/// description's text, which `nncc simulate` reads), report.{txt,json,html}
/// and, after a simulation, simulation.json.  `result` and `targetText`
/// must outlive the writer's commit.
void addResultOutputs(OutputDirectoryWriter &writer,
                      const CompileResult &result, llvm::StringRef targetText,
                      mlir::TimingScope *timing);

/// The mapping as mapping.txt holds it: arrays per layer, the execution
/// summary and, for a time-multiplexed mapping, its program groups.
void printMappingText(const CompileResult &result, llvm::raw_ostream &os);

/// What `nncc compile` prints on stdout after writing its files.
void printCompileSummary(const CompileResult &result, llvm::raw_ostream &os);

} // namespace nncc::driver

#endif // NNCC_DRIVER_COMPILEOUTPUTS_H
