//===- CompileTest.cpp - The compile flow through lib/Driver's API --------===//
//
// compile() on the bundled MLP: what it returns agrees with itself and
// with the passes it runs, it is deterministic, the hooks fire as
// documented, and its errors are the ones the tool prints.
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/Compile.h"
#include "nncc/Driver/CompileOutputs.h"
#include "nncc/Driver/Pipeline.h"

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Import/OnnxImporter.h"
#include "nncc/Conversion/NNToCIM/Passes.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"
#include "nncc/Target/TargetLoader.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace nncc;
using namespace nncc::driver;

namespace {

const std::string kSource = NNCC_SOURCE_DIR;
const std::string kTrainImages =
    "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

class CompileTest : public ::testing::Test {
protected:
  CompileTest() : context(registry()) {
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
  /// Imports into `into` (default: the fixture's context).  Resource blob
  /// names are unique per context, so modules compared as text come from
  /// contexts of their own.
  mlir::OwningOpRef<mlir::ModuleOp> import(const std::string &model,
                                           mlir::MLIRContext *into = nullptr) {
    auto module = importOnnxFile(kSource + "/examples/" + model,
                                 into ? *into : context);
    EXPECT_TRUE(module) << diagnostics;
    return module;
  }
  target::TargetChip chip(const std::string &path) {
    llvm::Expected<target::TargetChip> loaded = target::loadTargetFile(path);
    EXPECT_TRUE(static_cast<bool>(loaded));
    if (!loaded) {
      llvm::consumeError(loaded.takeError());
      return {};
    }
    return *loaded;
  }
  static CompileOptions withCalibration() {
    CompileOptions options;
    options.calibration = kTrainImages;
    options.calibrationLimit = 32;
    return options;
  }

  mlir::MLIRContext context, otherContext{registry()};
  std::string diagnostics;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
};

std::string printed(mlir::ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  return text;
}

TEST_F(CompileTest, ResultAgreesWithItselfAndThePlacedModule) {
  auto module = import("mlp.onnx");
  target::TargetChip target = chip(kSource + "/targets/default.yaml");
  int mappedCalls = 0;
  CompileHooks hooks;
  hooks.programMapped = [&](mlir::ModuleOp mapped) {
    ++mappedCalls;
    // Final means placed: every tile has its core.
    mapped.walk([&](cim::MVMOp mvm) { EXPECT_TRUE(mvm.getCore()); });
  };
  llvm::Expected<CompileResult> result =
      compile(*module, target, withCalibration(), hooks);
  ASSERT_TRUE(static_cast<bool>(result))
      << llvm::toString(result.takeError()) << diagnostics;
  EXPECT_EQ(mappedCalls, 1);
  EXPECT_TRUE(result->assumptions.empty());
  EXPECT_TRUE(result->mapping.placed);
  EXPECT_LE(result->mapping.totalArrays, result->mapping.chipArrays);
  EXPECT_EQ(result->mapping.layers.size(), 3u);
  // The report counts two operations per MAC of the model summary.
  EXPECT_EQ(result->report.macs, result->model.totalMacs);
  EXPECT_GT(result->report.ppa.energy, 0.0);
  EXPECT_EQ(result->report.model, kSource + "/examples/mlp.onnx");
  // Every placed array, replicas included, is in the programming schedule.
  int64_t arrays = 0;
  module->walk([&](cim::MVMOp mvm) {
    ++arrays;
    if (auto copies = mvm.getReplicaArrays())
      arrays += static_cast<int64_t>(copies->size());
  });
  EXPECT_EQ(static_cast<int64_t>(result->programming.arrays.size()), arrays);
  EXPECT_EQ(result->endurance, target.device.statistics.endurance);
  EXPECT_FALSE(result->simulation);
}

TEST_F(CompileTest, DeterministicForTheSameInputs) {
  target::TargetChip target = chip(kSource + "/targets/default.yaml");
  auto first = import("mlp.onnx");
  auto second = import("mlp.onnx", &otherContext);
  CompileOptions options = withCalibration();
  options.placementSeed = 4;
  llvm::Expected<CompileResult> a = compile(*first, target, options);
  llvm::Expected<CompileResult> b = compile(*second, target, options);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(printed(*first), printed(*second));
  std::string textA, textB;
  llvm::raw_string_ostream osA(textA), osB(textB);
  printMappingText(*a, osA);
  printMappingText(*b, osB);
  EXPECT_EQ(textA, textB);
}

TEST_F(CompileTest, NoCalibrationAssumesSyntheticSamples) {
  auto module = import("mlp.onnx");
  llvm::Expected<CompileResult> result = compile(
      *module, chip(kSource + "/targets/default.yaml"), CompileOptions());
  ASSERT_TRUE(static_cast<bool>(result)) << diagnostics;
  ASSERT_EQ(result->assumptions.size(), 1u);
  EXPECT_NE(result->assumptions[0].find("64 synthetic samples"),
            std::string::npos);
}

TEST_F(CompileTest, TheRegisteredPipelineMapsAsCompileDoes) {
  target::TargetChip target = chip(kSource + "/targets/default.yaml");
  auto compiled = import("mlp.onnx");
  CompileOptions options = withCalibration();
  ASSERT_TRUE(static_cast<bool>(compile(*compiled, target, options)));
  auto piped = import("mlp.onnx", &otherContext);
  (*piped)->setAttr(cim::kTargetAttrName,
                    makeTargetAttr(&otherContext, target));
  mlir::PassManager pm(&otherContext);
  populateArrayMappingPipeline(pm, options, resolveWeightBits(options, target),
                               nullptr, false, &target);
  populatePlacementPipeline(pm, options, &target);
  ASSERT_TRUE(mlir::succeeded(pm.run(*piped))) << diagnostics;
  EXPECT_EQ(printed(*compiled), printed(*piped));
}

TEST_F(CompileTest, DoesNotFitNamesEveryLayer) {
  auto module = import("lenet5.onnx");
  llvm::Expected<CompileResult> result =
      compile(*module, chip(kSource + "/test/Tools/Inputs/tiny-16-arrays.yaml"),
              withCalibration());
  ASSERT_FALSE(static_cast<bool>(result));
  std::string message = llvm::toString(result.takeError());
  EXPECT_NE(message.find("the mapping needs"), std::string::npos) << message;
  EXPECT_NE(message.find("--time-multiplex"), std::string::npos);
  // One note line per layer.
  size_t notes = 0;
  for (size_t at = message.find("\nnote: layer "); at != std::string::npos;
       at = message.find("\nnote: layer ", at + 1))
    ++notes;
  EXPECT_EQ(notes, 5u) << message;
}

TEST_F(CompileTest, FailingPassIsReportedThroughDiagnostics) {
  auto module = import("mlp.onnx");
  CompileOptions options = withCalibration();
  options.weightBits = 1; // the quantizer refuses it
  llvm::Expected<CompileResult> result =
      compile(*module, chip(kSource + "/targets/default.yaml"), options);
  ASSERT_FALSE(static_cast<bool>(result));
  bool reported = false;
  llvm::handleAllErrors(result.takeError(),
                        [&](const ReportedError &) { reported = true; });
  EXPECT_TRUE(reported);
  EXPECT_NE(diagnostics.find("weight-bits must be in [2, 16]"),
            std::string::npos);
}

TEST_F(CompileTest, InputsAreCheckedBeforeAnyPass) {
  auto module = import("mlp.onnx");
  CompileOptions options = withCalibration();
  options.simulation.emplace();
  options.simulation->dataset = kTrainImages; // no labels
  llvm::Expected<CompileResult> result =
      compile(*module, chip(kSource + "/targets/default.yaml"), options);
  ASSERT_FALSE(static_cast<bool>(result));
  EXPECT_NE(llvm::toString(result.takeError()).find("accuracy needs labels"),
            std::string::npos);
  // Nothing was lowered: the module is still the imported nn graph.
  int layers = 0;
  module->walk([&](cim::LayerOp) { ++layers; });
  EXPECT_EQ(layers, 0);
}

} // namespace
