//===- nncc-opt.cpp - mlir-opt for nncc's dialects and passes -------------===//
//
// Parses, verifies, transforms and prints IR in nncc's dialects.  Every nncc
// pass is registered here so that each can be tested alone with lit, and
// `--nncc-map-pipeline` runs them all as `nncc compile` does.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Driver/Pipeline.h"
#include "nncc/InitAllPasses.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/ProgramFile.h"

#include "mlir/Bytecode/BytecodeReader.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/MemoryBuffer.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  nncc::registerAllPasses();
  nncc::driver::registerMappingPipeline();
  mlir::DialectRegistry registry;
  registry.insert<nncc::nn::NNDialect, nncc::cim::CIMDialect,
                  mlir::func::FuncDialect>();
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "nncc optimizer driver\n", registry);
  // A program in bytecode is read by nncc's reader first
  // (nncc/Support/ProgramFile.h): MLIR 19's reader aborts on some damaged
  // files and fails silently on others.  Text has MLIR's own diagnostics.
  // Standard input cannot be read twice; it goes to MLIR unchecked.
  if (input != "-") {
    auto buffer = llvm::MemoryBuffer::getFile(input, /*IsText=*/false);
    if (buffer && !mlir::isBytecode(**buffer))
      if (llvm::Error error =
              nncc::checkBytecodeStructure((*buffer)->getBuffer())) {
        llvm::errs() << "error: " << input << ": "
                     << llvm::toString(std::move(error)) << "\n";
        return 1;
      }
    if (buffer && mlir::isBytecode(**buffer)) {
      mlir::MLIRContext context(registry);
      nncc::OneLineDiagnostics diagnostics(context);
      if (!nncc::parseProgram(std::move(*buffer), context))
        return 1;
    }
  }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, input, output, registry));
}
