//===- MappedModuleTest.h - A test fixture that maps cim layers -*- C++ -*-===//
//
// The schedule tests start from small quantized cim.layer modules mapped by
// the real passes; this fixture holds the context, collects diagnostics and
// runs the mapping passes.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TEST_UNIT_SCHEDULE_MAPPEDMODULETEST_H
#define NNCC_TEST_UNIT_SCHEDULE_MAPPEDMODULETEST_H

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "gtest/gtest.h"

#include <memory>
#include <string>

namespace nncc {

class MappedModuleTest : public ::testing::Test {
protected:
  MappedModuleTest() : context(registry()) {
    context.loadAllAvailableDialects();
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &context, [&](mlir::Diagnostic &d) {
          diagnostics += d.str() + "\n";
          return mlir::success();
        });
  }

  static mlir::DialectRegistry registry() {
    mlir::DialectRegistry r;
    r.insert<nn::NNDialect, cim::CIMDialect, mlir::func::FuncDialect>();
    return r;
  }

  /// Parses `text`, attaches `chip` and maps it (differential, bit-slice,
  /// partition: the target's scheme and bits per cell).
  mlir::OwningOpRef<mlir::ModuleOp> map(const std::string &text,
                                        const target::TargetChip &chip) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &context);
    EXPECT_TRUE(module) << diagnostics << text;
    if (!module)
      return module;
    (*module)->setAttr(cim::kTargetAttrName, makeTargetAttr(&context, chip));
    mlir::PassManager pm(&context);
    pm.addPass(createDifferentialSplit());
    pm.addPass(createBitSliceWeights());
    pm.addPass(createPartitionOntoArrays());
    EXPECT_TRUE(mlir::succeeded(pm.run(*module))) << diagnostics;
    return module;
  }

  mlir::MLIRContext context;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

} // namespace nncc

#endif // NNCC_TEST_UNIT_SCHEDULE_MAPPEDMODULETEST_H
