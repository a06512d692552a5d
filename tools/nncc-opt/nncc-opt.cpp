//===- nncc-opt.cpp - mlir-opt for nncc's dialects and passes -------------===//
//
// Parses, verifies, transforms and prints IR in nncc's dialects.  Every nncc
// pass is registered here so that each can be tested alone with lit, and
// `--nncc-map-pipeline` runs them all as `nncc compile` does.  Exit status
// as nncc's (docs/exit-codes.md): 0, 1 bad input, 2 internal error.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/SNN/SNNDialect.h"
#include "nncc/Driver/Pipeline.h"
#include "nncc/InitAllPasses.h"
#include "nncc/Support/ExitStatus.h"
#include "nncc/Support/ProgramFile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  nncc::installInternalErrorHandler();
  mlir::registerTransformsPasses();
  nncc::registerAllPasses();
  nncc::driver::registerMappingPipeline();
  mlir::DialectRegistry registry;
  registry.insert<nncc::nn::NNDialect, nncc::cim::CIMDialect, nncc::snn::SNNDialect,
                  mlir::func::FuncDialect>();
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "nncc optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (llvm::Error e = nncc::internalErrorForTesting()) {
    llvm::errs() << "internal error: " << llvm::toString(std::move(e))
                 << "\n";
    return nncc::kExitInternalError;
  }
  // Standard input cannot be read twice; it goes to MLIR unscreened, as
  // does a run that reads no input.
  if (input == "-" || config.shouldShowDialects())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, input, output, registry));

  // MLIR reads what nncc's readers read: the input screened by
  // nncc/Support/ProgramFile.h (MLIR 19's parsers crash, hang or corrupt
  // memory on some damaged programs), bytecode as rewritten by MLIR's
  // writer.  The rest is mlir-opt's own driver.
  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      mlir::openInputFile(input, &errorMessage);
  if (!file) {
    llvm::errs() << errorMessage << "\n";
    return 1;
  }
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> screened =
      nncc::screenProgram(std::move(file), registry,
                          config.shouldAllowUnregisteredDialects());
  if (!screened) {
    llvm::errs() << "error: " << input << ": "
                 << llvm::toString(screened.takeError()) << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> out =
      mlir::openOutputFile(output, &errorMessage);
  if (!out) {
    llvm::errs() << errorMessage << "\n";
    return 1;
  }
  if (mlir::failed(
          mlir::MlirOptMain(out->os(), std::move(*screened), registry, config)))
    return 1;
  out->keep();
  return 0;
}
