//===- Im2colBlockTest.cpp - Blocks gathered from the quantized input -----===//
//
// CIMLayerRunner::im2colBlock gathers a block of im2col rows straight from
// the quantized layer input, as rows or transposed (vectors in lanes); it
// must equal the same block cut from the whole quantized im2col, for random
// convolutions (groups, batches, kernels, strides, dilations, padding) and
// gemms, and for any block.
//
//===----------------------------------------------------------------------===//
#include "nncc/Execution/BodyInterpreter.h"
#include "nncc/Execution/CIMLayerExecution.h"

#include "../QuantizedLayer.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

namespace {

bool sameInts(const Tensor &a, const Tensor &b) {
  return a.shape() == b.shape() &&
         std::equal(a.data<int32_t>(), a.data<int32_t>() + a.numElements(),
                    b.data<int32_t>());
}

TEST(Im2colBlock, EqualsTheBlockOfTheWholeIm2col) {
  DialectRegistry registry;
  registry.insert<nn::NNDialect, cim::CIMDialect, func::FuncDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  std::mt19937_64 rng(2026);
  int checked = 0, padded = 0;
  for (int trial = 0; trial < 300; ++trial) {
    test::QuantizedLayer c;
    c.conv = trial % 4 != 0;
    c.inputSigned = trial % 3 == 0;
    test::drawLayerShapeAndValues(rng, c);
    padded += c.conv && c.padBegin + c.padEnd > 0;
    std::string text = test::layerFunction(c);
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
    ASSERT_TRUE(module) << text;
    cim::LayerOp layer;
    module->walk([&](cim::LayerOp op) { layer = op; });
    llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(layer);
    ASSERT_TRUE(static_cast<bool>(runner)) << toString(runner.takeError());
    Tensor x(DType::F32, c.inShape());
    for (size_t i = 0; i < c.inputs.size(); ++i)
      x.data<float>()[i] = static_cast<float>(c.inputs[i]);
    llvm::Expected<Tensor> whole = runner->quantizeIm2col(x);
    llvm::Expected<Tensor> quantized = runner->quantizeInput(x);
    ASSERT_TRUE(whole && quantized);
    const int64_t vectors = runner->getVectors();
    for (int cut = 0; cut < 4; ++cut) {
      const int64_t begin =
          cut == 0 ? 0 : test::uniformInt(rng, 0, vectors - 1);
      const int64_t count =
          cut == 0 ? vectors : test::uniformInt(rng, 1, vectors - begin);
      for (bool inLanes : {false, true}) {
        Tensor block = runner->im2colBlock(*quantized, begin, count, inLanes);
        ASSERT_TRUE(sameInts(block, vectorBlock(*whole, begin, count, inLanes)))
            << text << "vectors [" << begin << ", " << begin + count
            << ") in lanes " << inLanes;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 300 * 4 * 2);
  EXPECT_GT(padded, 50);
}

// vectorBlock in lanes is the rows block transposed.
TEST(Im2colBlock, LanesAreTheRowsTransposed) {
  Tensor xq(DType::I32, {2, 3, 4});
  for (int i = 0; i < 24; ++i)
    xq.data<int32_t>()[i] = i;
  Tensor rows = vectorBlock(xq, 1, 2), lanes = vectorBlock(xq, 1, 2, true);
  ASSERT_EQ(lanes.shape(), (llvm::ArrayRef<int64_t>{2, 4, 2}));
  for (int64_t g = 0; g < 2; ++g)
    for (int64_t p = 0; p < 2; ++p)
      for (int64_t k = 0; k < 4; ++k)
        EXPECT_EQ(lanes.data<int32_t>()[(g * 4 + k) * 2 + p],
                  rows.data<int32_t>()[(g * 2 + p) * 4 + k]);
  EXPECT_EQ(rows.data<int32_t>()[0], 4); // group 0, vector 1, entry 0
}

} // namespace
