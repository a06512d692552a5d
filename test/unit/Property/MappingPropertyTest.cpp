//===- MappingPropertyTest.cpp - The mapping is bit-exact -----------------===//
//
// Property test of the core claim of the cim mapping: with ideal devices and
// an ADC wide enough for every column sum, the partitioned datapath (signed
// split, bit slices, DAC cycles, row groups, ADC, shift-and-add, polarity
// combination, partial-sum accumulation) computes exactly the integer
// reference  acc[g,p,n] = sum_k xq[g,p,k] * (q[g,k,n] - z[g*N+n]).
//
// Each of the 1,000 cases draws (from its own seed) a layer shape (gemm or
// conv with groups, strides, pads, dilations), weight and input widths,
// signedness, zero points, the signed-weight scheme, bits per cell, DAC
// width, array rows/cols and rows read in parallel, and for differential
// rows a one- or four-phase read (cim::ReadPhase); runs the differential,
// bit-slice and partition passes; and compares three computations: the
// datapath, the executor's integer mode, and a naive loop written here.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include "../QuantizedLayer.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace nncc;

namespace {

using test::uniformInt;

/// A random layer and the array geometry it is mapped onto.
struct Case : test::QuantizedLayer {
  int64_t bitsPerCell = 1, dacBits = 1;
  int64_t rows = 8, cols = 8, rowsInParallel = 8;
  int64_t readPhases = 1;
  std::string scheme;
};

Case drawCase(uint64_t seed) {
  std::mt19937_64 rng(seed);
  Case c;
  c.conv = uniformInt(rng, 0, 1);
  c.weightBits = uniformInt(rng, 2, 8);
  c.symmetric = uniformInt(rng, 0, 1);
  c.inputBits = uniformInt(rng, 1, 8);
  c.inputSigned = c.inputBits >= 2 && uniformInt(rng, 0, 1);
  c.bitsPerCell = uniformInt(rng, 1, 4);
  c.dacBits = uniformInt(rng, 1, c.inputBits);
  const char *schemes[] = {"differential-columns", "differential-rows",
                           "offset-reference"};
  c.scheme = schemes[uniformInt(rng, 0, 2)];
  c.rows = uniformInt(rng, 2, 16);
  c.cols = uniformInt(rng, 3, 16);
  c.rowsInParallel = uniformInt(rng, 1, c.rows);
  test::drawLayerShapeAndValues(rng, c);
  // Drawn last, so that the cases before four-phase reads existed keep
  // their draws.
  if (c.scheme == "differential-rows" && uniformInt(rng, 0, 1))
    c.readPhases = 4;
  return c;
}

/// The quantized layer as MLIR text (scales 1, input scale 1).
std::string moduleText(const Case &c) {
  std::string scheme = c.scheme;
  std::replace(scheme.begin(), scheme.end(), '-', '_');
  return llvm::formatv(
      "module attributes {{cim.target = #cim.target<name = \"p\", rows = {0}, "
      "cols = {1}, levels = {2}, rows_in_parallel = {3}, adc_bits = 20, "
      "columns_per_adc = 1, input_bits = {4}, dac_bits = {5}, signed_weights "
      "= {6}, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, "
      "arrays_per_core = 1, read_phases = {8}>} {{\n{7}}\n",
      c.rows, c.cols, int64_t{1} << c.bitsPerCell, c.rowsInParallel,
      c.inputBits, c.dacBits, scheme, test::layerFunction(c), c.readPhases);
}

/// acc[g, p, n] by the definition, from the case's integers alone.
std::vector<int64_t> naiveAccumulators(const Case &c) {
  std::vector<int64_t> acc;
  if (!c.conv) {
    for (int64_t p = 0; p < c.m; ++p)
      for (int64_t j = 0; j < c.n; ++j) {
        int64_t sum = 0;
        for (int64_t r = 0; r < c.k; ++r)
          sum += c.inputs[p * c.k + r] * (c.ints[r * c.n + j] - c.zeros[j]);
        acc.push_back(sum);
      }
    return acc;
  }
  int64_t cpg = c.channels / c.groups, oh = c.outShape[2], ow = c.outShape[3];
  for (int64_t g = 0; g < c.groups; ++g)
    for (int64_t b = 0; b < c.batch; ++b)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x)
          for (int64_t j = 0; j < c.n; ++j) {
            int64_t sum = 0;
            for (int64_t ch = 0; ch < cpg; ++ch)
              for (int64_t i = 0; i < c.kh; ++i)
                for (int64_t l = 0; l < c.kw; ++l) {
                  int64_t iy = y * c.stride + i * c.dilation - c.padBegin;
                  int64_t ix = x * c.stride + l * c.dilation - c.padBegin;
                  if (iy < 0 || ix < 0 || iy >= c.height || ix >= c.width)
                    continue;
                  int64_t xv = c.inputs[((b * c.channels + g * cpg + ch) *
                                             c.height + iy) * c.width + ix];
                  int64_t r = (ch * c.kh + i) * c.kw + l;
                  sum += xv * (c.ints[(g * c.k + r) * c.n + j] -
                               c.zeros[g * c.n + j]);
                }
            acc.push_back(sum);
          }
  // Stored as [G, P, N] with P = (b, y, x): already in that order.
  return acc;
}

TEST(MappingProperty, DatapathEqualsIntegerReference) {
  DialectRegistry registry;
  registry.insert<nn::NNDialect, cim::CIMDialect, func::FuncDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  std::string firstError;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    if (firstError.empty())
      firstError = d.str();
    return success();
  });

  constexpr int kCases = 1000;
  int conv = 0, schemes[3] = {0, 0, 0}, splitSlices = 0, multiTile = 0,
      fourPhase = 0, fourPhaseSigned = 0;
  for (int seed = 0; seed < kCases; ++seed) {
    Case c = drawCase(seed);
    std::string text = moduleText(c);
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
    ASSERT_TRUE(module) << "case " << seed << ": " << firstError << "\n" << text;

    PassManager pm(&context);
    DifferentialSplitOptions differential;
    differential.scheme = c.scheme;
    pm.addPass(createDifferentialSplit(differential));
    BitSliceWeightsOptions slicing;
    slicing.bitsPerCell = c.bitsPerCell;
    slicing.dacBits = c.dacBits;
    pm.addPass(createBitSliceWeights(slicing));
    pm.addPass(createPartitionOntoArrays());
    ASSERT_TRUE(succeeded(pm.run(*module)))
        << "case " << seed << ": " << firstError << "\n" << text;

    cim::LayerOp layer;
    module->walk([&](cim::LayerOp op) { layer = op; });
    int tiles = 0;
    layer.walk([&](cim::MVMOp mvm) {
      ++tiles;
      splitSlices += mvm.getSliceBegin() != 0;
    });
    multiTile += tiles > 1;
    conv += c.conv;
    fourPhase += c.readPhases == 4;
    fourPhaseSigned += c.readPhases == 4 && c.inputSigned;
    ++schemes[c.scheme == "differential-columns" ? 0
              : c.scheme == "differential-rows"  ? 1
                                                 : 2];

    llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(layer);
    ASSERT_TRUE(static_cast<bool>(runner))
        << "case " << seed << ": " << llvm::toString(runner.takeError());
    std::vector<int64_t> inShape =
        c.conv ? std::vector<int64_t>{c.batch, c.channels, c.height, c.width}
               : std::vector<int64_t>{c.m, c.k};
    runtime::Tensor input(runtime::DType::F32, inShape);
    for (size_t i = 0; i < c.inputs.size(); ++i)
      input.data<float>()[i] = static_cast<float>(c.inputs[i]);

    llvm::Expected<runtime::Tensor> integer =
        runner->computeAccumulators(input, CIMExecutionMode::Integer);
    llvm::Expected<runtime::Tensor> datapath =
        runner->computeAccumulators(input, CIMExecutionMode::Datapath);
    ASSERT_TRUE(static_cast<bool>(integer)) << llvm::toString(integer.takeError());
    ASSERT_TRUE(static_cast<bool>(datapath))
        << llvm::toString(datapath.takeError());
    std::vector<int64_t> naive = naiveAccumulators(c);
    ASSERT_EQ(static_cast<size_t>(integer->numElements()), naive.size())
        << "case " << seed;
    for (size_t i = 0; i < naive.size(); ++i) {
      ASSERT_EQ(integer->data<int64_t>()[i], naive[i])
          << "integer mode, case " << seed << ", element " << i << "\n" << text;
      ASSERT_EQ(datapath->data<int64_t>()[i], naive[i])
          << "datapath, case " << seed << ", element " << i << "\n" << text;
    }
  }
  // The draw must actually cover the space it claims to.
  EXPECT_GT(conv, kCases / 4);
  for (int s : schemes)
    EXPECT_GT(s, kCases / 5);
  EXPECT_GT(splitSlices, 10);
  EXPECT_GT(multiTile, kCases / 2);
  EXPECT_GT(fourPhase, kCases / 10);
  EXPECT_GT(fourPhaseSigned, kCases / 40);
}

} // namespace
