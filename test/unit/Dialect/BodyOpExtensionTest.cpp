//===- BodyOpExtensionTest.cpp - A body op defined once runs everywhere ---===//
//
// The acceptance test of the shared body semantics (issue #12): a body op
// that only this test knows, `cimtest.scale` (CIMTestOps.td), is defined
// once, by its CIM_BodyOpInterface::evaluate below.  Inserted after every
// cim.combine of mapped layers, it must be picked up, without any other
// code, by
//   - the datapath executor (CIMLayerRunner, ideal array reads, exact i64),
//   - the accuracy simulator (AnalogLayer with every effect off, physical
//     reads in f64),
// and both must then yield factor x the integer reference, exactly.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Conversion/NNToCIM/Passes.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"
#include "nncc/Simulation/AnalogLayer.h"
#include "nncc/Support/Errors.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "../IdealChip.h"
#include "../QuantizedLayer.h"

#include "gtest/gtest.h"

#include <random>

//===----------------------------------------------------------------------===//
// The test dialect
//===----------------------------------------------------------------------===//

#include "CIMTestDialect.h.inc"
#define GET_OP_CLASSES
#include "CIMTestOps.h.inc"

#include "CIMTestDialect.cpp.inc"
#define GET_OP_CLASSES
#include "CIMTestOps.cpp.inc"

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

void cimtest::CIMTestDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "CIMTestOps.cpp.inc"
      >();
}

/// The one definition of what cimtest.scale computes, for exact (i64) and
/// real (f64) partials alike.
llvm::Error cimtest::ScaleOp::evaluate(cim::BodyEvaluation &,
                                       ArrayRef<const Tensor *> operands,
                                       MutableArrayRef<Tensor> results) {
  const Tensor &partial = *operands[0];
  Tensor &scaled = results[0];
  scaled = Tensor(partial.dtype(), partial.shape());
  const int64_t factor = getFactor();
  auto scale = [&](auto tag) {
    using T = decltype(tag);
    const T *in = partial.data<T>();
    T *out = scaled.data<T>();
    for (int64_t i = 0; i < partial.numElements(); ++i)
      out[i] = in[i] * static_cast<T>(factor);
  };
  if (partial.dtype() == DType::I64)
    scale(int64_t{});
  else if (partial.dtype() == DType::F64)
    scale(double{});
  else
    return makeError("cimtest.scale takes i64 or f64 partials");
  return llvm::Error::success();
}

namespace {

constexpr int64_t kFactor = 3;

class BodyOpExtensionTest : public ::testing::Test {
protected:
  BodyOpExtensionTest() {
    DialectRegistry registry;
    registry.insert<nn::NNDialect, cim::CIMDialect, func::FuncDialect,
                    cimtest::CIMTestDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    handler =
        std::make_unique<ScopedDiagnosticHandler>(&context, [&](Diagnostic &d) {
          diagnostics += d.str() + "\n";
          return success();
        });
  }

  /// Maps `spec` onto `chip` with the real passes; returns its layer.
  cim::LayerOp map(const test::QuantizedLayer &spec,
                   const target::TargetChip &chip) {
    module = parseSourceString<ModuleOp>(test::layerFunction(spec), &context);
    if (!module)
      return nullptr;
    (*module)->setAttr(cim::kTargetAttrName, makeTargetAttr(&context, chip));
    PassManager pm(&context);
    pm.addPass(createDifferentialSplit());
    pm.addPass(createBitSliceWeights());
    pm.addPass(createPartitionOntoArrays());
    if (failed(pm.run(*module)))
      return nullptr;
    cim::LayerOp layer;
    module->walk([&](cim::LayerOp op) { layer = op; });
    return layer;
  }

  /// Scales every tile's partial sums: a cimtest.scale after each
  /// cim.combine, feeding what the combine fed.
  static int64_t insertScales(cim::LayerOp layer) {
    int64_t inserted = 0;
    layer.walk([&](cim::CombineOp combine) {
      OpBuilder builder(combine->getContext());
      builder.setInsertionPointAfter(combine);
      auto scale = builder.create<cimtest::ScaleOp>(
          combine.getLoc(), combine.getType(), combine.getPartial(),
          builder.getI64IntegerAttr(kFactor));
      combine.getPartial().replaceAllUsesExcept(scale, scale);
      ++inserted;
    });
    return inserted;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

TEST_F(BodyOpExtensionTest, ExecutorAndSimulatorShareOneDefinition) {
  constexpr int kCases = 60;
  int schemes[3] = {0, 0, 0};
  int64_t nonzero = 0;
  const EffectSwitches none = EffectSwitches::none();
  for (int seed = 0; seed < kCases; ++seed) {
    // A random layer and chip (every signed scheme, 1-3 bits per cell, any
    // DAC width and rows read at once).
    std::mt19937_64 rng(seed);
    test::QuantizedLayer spec;
    spec.conv = test::uniformInt(rng, 0, 1);
    spec.weightBits = test::uniformInt(rng, 2, 6);
    spec.inputBits = test::uniformInt(rng, 1, 6);
    spec.inputSigned = spec.inputBits >= 2 && test::uniformInt(rng, 0, 1);
    const int64_t bitsPerCell = test::uniformInt(rng, 1, 3);
    const int64_t rows = test::uniformInt(rng, 2, 12),
                  cols = test::uniformInt(rng, 3, 12);
    target::TargetChip chip =
        idealChip(rows, cols, int64_t{1} << bitsPerCell, spec.inputBits);
    chip.periphery.dacBits = test::uniformInt(rng, 1, spec.inputBits);
    chip.array.rowsInParallel = test::uniformInt(rng, 1, rows);
    chip.array.signedWeights =
        static_cast<target::SignedWeightScheme>(test::uniformInt(rng, 0, 2));
    test::drawLayerShapeAndValues(rng, spec);
    ++schemes[static_cast<int>(chip.array.signedWeights)];

    cim::LayerOp layer = map(spec, chip);
    ASSERT_TRUE(layer) << diagnostics << test::layerFunction(spec);
    auto runner = CIMLayerRunner::create(layer);
    ASSERT_TRUE(static_cast<bool>(runner))
        << llvm::toString(runner.takeError());
    Tensor input(DType::F32, spec.inShape());
    for (size_t i = 0; i < spec.inputs.size(); ++i)
      input.data<float>()[i] = static_cast<float>(spec.inputs[i]);
    auto xq = runner->quantizeIm2col(input);
    ASSERT_TRUE(static_cast<bool>(xq)) << llvm::toString(xq.takeError());
    auto reference = runner->integerAccumulators(*xq);
    ASSERT_TRUE(static_cast<bool>(reference))
        << llvm::toString(reference.takeError());

    // The extension, then the executor and the simulator built afresh.
    ASSERT_GT(insertScales(layer), 0);
    ASSERT_TRUE(succeeded(verify(*module))) << diagnostics;
    auto extended = CIMLayerRunner::create(layer);
    ASSERT_TRUE(static_cast<bool>(extended))
        << llvm::toString(extended.takeError());
    int64_t scalesSeen = 0;
    auto datapath = extended->datapathAccumulators(
        *xq, [&](Operation *op, ArrayRef<const Tensor *>) {
          scalesSeen += isa<cimtest::ScaleOp>(op);
        });
    ASSERT_TRUE(static_cast<bool>(datapath))
        << llvm::toString(datapath.takeError());
    EXPECT_GT(scalesSeen, 0);
    auto analog = AnalogLayer::create(layer, chip);
    ASSERT_TRUE(static_cast<bool>(analog))
        << llvm::toString(analog.takeError());
    AnalogLayer::Instance instance;
    analog->sample(instance, seed, none);
    std::vector<double> simulated = analog->accumulate(instance, *xq, none, 7);

    const int64_t *ref = reference->data<int64_t>();
    ASSERT_EQ(datapath->numElements(), reference->numElements());
    ASSERT_EQ(static_cast<int64_t>(simulated.size()), reference->numElements());
    for (int64_t i = 0; i < reference->numElements(); ++i) {
      nonzero += ref[i] != 0;
      ASSERT_EQ(datapath->data<int64_t>()[i], kFactor * ref[i])
          << "case " << seed << ", element " << i;
      ASSERT_EQ(simulated[i], static_cast<double>(kFactor * ref[i]))
          << "case " << seed << ", element " << i;
    }
  }
  // The draw must cover every scheme, with accumulators that scaling
  // changes.
  for (int count : schemes)
    EXPECT_GT(count, kCases / 6);
  EXPECT_GT(nonzero, 10 * kCases);
}

// An op without CIM_BodyOpInterface has no meaning in a body: both
// evaluators refuse the layer up front.
TEST_F(BodyOpExtensionTest, OpsWithoutTheInterfaceAreRefused) {
  test::QuantizedLayer spec;
  std::mt19937_64 rng(1);
  spec.weightBits = 4;
  spec.inputBits = 4;
  test::drawLayerShapeAndValues(rng, spec);
  target::TargetChip chip = idealChip(8, 8, 4, spec.inputBits);
  cim::LayerOp layer = map(spec, chip);
  ASSERT_TRUE(layer) << diagnostics;
  context.allowUnregisteredDialects();
  layer.walk([&](cim::CombineOp combine) {
    OpBuilder builder(combine->getContext());
    builder.setInsertionPointAfter(combine);
    OperationState state(combine.getLoc(), "unknown.scale");
    state.addOperands(combine.getPartial());
    state.addTypes(combine.getType());
    Operation *unknown = builder.create(state);
    combine.getPartial().replaceAllUsesExcept(unknown->getResult(0), unknown);
  });
  auto runner = CIMLayerRunner::create(layer);
  ASSERT_FALSE(static_cast<bool>(runner));
  EXPECT_NE(llvm::toString(runner.takeError()).find("unknown.scale"),
            std::string::npos);
  auto analog = AnalogLayer::create(layer, chip);
  ASSERT_FALSE(static_cast<bool>(analog));
  EXPECT_NE(llvm::toString(analog.takeError()).find("unknown.scale"),
            std::string::npos);
}

} // namespace
