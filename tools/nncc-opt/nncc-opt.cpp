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

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  nncc::registerAllPasses();
  nncc::driver::registerMappingPipeline();
  mlir::DialectRegistry registry;
  registry.insert<nncc::nn::NNDialect, nncc::cim::CIMDialect,
                  mlir::func::FuncDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "nncc optimizer driver\n", registry));
}
