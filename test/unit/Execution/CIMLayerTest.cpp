//===- CIMLayerTest.cpp - Execution of cim.layer in its three modes -------===//
//
// Float layers against nn.conv / nn.gemm, the integer semantics against
// hand-computed accumulators, and hand-built datapath bodies (every signed
// scheme, 1- and 2-bit cells, multi-bit DACs, signed inputs, row / column /
// slice tiles) against the integer semantics, bit-exactly; a narrow ADC
// against hand-computed clipped values.
//
//===----------------------------------------------------------------------===//
#include "nncc/Execution/CIMLayerExecution.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Execution/Executor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

namespace {

//===----------------------------------------------------------------------===//
// Module text
//===----------------------------------------------------------------------===//

std::string dims(ArrayRef<int64_t> shape) {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s;
}

std::string tensorType(ArrayRef<int64_t> shape, StringRef element) {
  return "tensor<" + dims(shape) + element.str() + ">";
}

/// `dense<"0x...">` of raw little-endian values (exact, any shape).
template <typename T>
std::string denseHex(ArrayRef<T> values, ArrayRef<int64_t> shape,
                     StringRef element) {
  std::string hex = "\"0x";
  const auto *bytes = reinterpret_cast<const unsigned char *>(values.data());
  for (size_t i = 0; i < values.size() * sizeof(T); ++i)
    hex += llvm::formatv("{0:X-2}", static_cast<unsigned>(bytes[i])).str();
  return "dense<" + hex + "\"> : " + tensorType(shape, element);
}

std::string i64Array(ArrayRef<int64_t> values) {
  std::string s = "array<i64";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : ": ") + std::to_string(values[i]);
  return s + ">";
}

struct TargetSpec {
  int64_t rows = 64, cols = 64, levels = 4, rowsInParallel = 64, adcBits = 8,
          inputBits = 8, dacBits = 1;
  std::string scheme = "differential_columns";
};

std::string targetText(const TargetSpec &t) {
  return llvm::formatv(
      "#cim.target<name = \"unit-test\", rows = {0}, cols = {1}, levels = {2}, "
      "rows_in_parallel = {3}, adc_bits = {4}, columns_per_adc = 8, "
      "input_bits = {5}, dac_bits = {6}, signed_weights = {7}, "
      "g_min = 1.0e-06, g_max = 1.0e-04, cores = 4, arrays_per_core = 16>",
      t.rows, t.cols, t.levels, t.rowsInParallel, t.adcBits, t.inputBits,
      t.dacBits, t.scheme);
}

/// Everything a cim.layer carries, in plain vectors.
struct LayerSpec {
  std::string kind = "gemm";
  SmallVector<int64_t> inShape, outShape;
  int64_t G = 1, K = 0, N = 0;
  std::vector<float> weights, bias;
  std::string window; // conv window attributes
  bool transInput = false;
  // --nncc-quantize
  bool quantized = false;
  int64_t weightBits = 8, inputBits = 8;
  std::vector<int32_t> q, z;
  std::vector<float> scales;
  double inputScale = 1;
  bool inputSigned = false;
  // --nncc-differential and --nncc-bitslice
  bool sliced = false;
  std::string scheme = "differential_columns";
  int64_t storedBits = 0, bitsPerCell = 1, slices = 1, dacBits = 1, cycles = 1;
  std::vector<int32_t> offsets;
  // --nncc-partition
  std::string body;

  int64_t vectors() const {
    if (kind == "gemm")
      return outShape[0];
    int64_t p = outShape[0];
    for (size_t i = 2; i < outShape.size(); ++i)
      p *= outShape[i];
    return p;
  }
};

std::string layerModule(const LayerSpec &l, const TargetSpec &target) {
  std::string in = tensorType(l.inShape, "f32"),
              out = tensorType(l.outShape, "f32");
  std::string attrs = "kind = #cim<kind " + l.kind + ">, weights = " +
                      denseHex<float>(l.weights, {l.G, l.K, l.N}, "f32");
  if (!l.bias.empty())
    attrs += ", bias = " + denseHex<float>(l.bias, {l.G * l.N}, "f32");
  if (!l.window.empty())
    attrs += ", " + l.window;
  if (l.transInput)
    attrs += ", trans_input = true";
  if (l.quantized)
    attrs += llvm::formatv(
        ", weight_bits = {0} : i64, weight_ints = {1}, weight_scales = {2}, "
        "weight_zero_points = {3}, input_bits = {4} : i64, input_scale = "
        "{5:e17} : f64, input_signed = {6}",
        l.weightBits, denseHex<int32_t>(l.q, {l.G, l.K, l.N}, "i32"),
        denseHex<float>(l.scales, {l.G * l.N}, "f32"),
        denseHex<int32_t>(l.z, {l.G * l.N}, "i32"), l.inputBits, l.inputScale,
        l.inputSigned ? "true" : "false");
  if (l.sliced) {
    attrs += llvm::formatv(", signed_scheme = #cim<scheme {0}>, stored_bits = "
                           "{1} : i64, bits_per_cell = {2} : i64, "
                           "weight_slices = {3} : i64, dac_bits = {4} : i64, "
                           "input_cycles = {5} : i64",
                           l.scheme, l.storedBits, l.bitsPerCell, l.slices,
                           l.dacBits, l.cycles);
    if (!l.offsets.empty())
      attrs += ", weight_offsets = " +
               denseHex<int32_t>(l.offsets, {l.G * l.N}, "i32");
  }
  // The stage the attributes make (a body is the partitioned datapath).
  StringRef stage = "lowered";
  if (!l.body.empty()) {
    stage = "partitioned";
    attrs += llvm::formatv(", array_count = {0} : i64",
                           StringRef(l.body).count("cim.mvm"));
  } else if (l.sliced) {
    stage = "sliced";
  } else if (l.quantized) {
    stage = "quantized";
  }
  return llvm::formatv(R"(module attributes {{cim.target = {0}} {{
  func.func @main(%x: {1}) -> {2} {{
    %y = cim.layer "layer" {5} %x {{{3}} : ({1}) -> {2} {4}
    return %y : {2}
  }
})",
                       targetText(target), in, out, attrs, l.body, stage)
      .str();
}

/// One tile of a hand-built body.
struct Tile {
  int64_t group, rowBegin, rowEnd, colBegin, colEnd, sliceBegin, sliceEnd;
};

struct BodySpec {
  std::vector<Tile> tiles;
  int64_t rowsInParallel = 8, adcBits = 8, step = 1;
  bool bipolar = false;
};

/// Cuts each group's K x N matrix into tiles of at most `rows` weight rows,
/// `cols` weight columns and `slices` slices.
std::vector<Tile> cutTiles(const LayerSpec &l, int64_t rows, int64_t cols,
                           int64_t slices) {
  std::vector<Tile> tiles;
  for (int64_t g = 0; g < l.G; ++g)
    for (int64_t r = 0; r < l.K; r += rows)
      for (int64_t c = 0; c < l.N; c += cols)
        for (int64_t s = 0; s < l.slices; s += slices)
          tiles.push_back({g, r, std::min(r + rows, l.K), c,
                           std::min(c + cols, l.N), s,
                           std::min(s + slices, l.slices)});
  return tiles;
}

cim::SignedScheme schemeOf(StringRef name) {
  return *cim::symbolizeSignedScheme(name);
}

/// The body text: mvm -> adc -> shift_add -> combine per tile, one
/// accumulate, yield.  With the offset scheme the tiles holding slice 0
/// have a reference column and subtract offset * sum(x); tiles of higher
/// slices only (a slice-split column) have neither.
std::string bodyText(const LayerSpec &l, const BodySpec &b) {
  const int64_t P = l.vectors();
  const std::string inType = tensorType({l.G, P, l.K}, "i32");
  const cim::SignedScheme scheme = schemeOf(l.scheme);
  const bool offset = scheme == cim::SignedScheme::OffsetReference;
  std::string s = "{\n^bb0(%in: " + inType + "):\n";
  std::string partials, partialTypes;
  SmallVector<int64_t> groups, colBegins;
  for (auto [i, t] : llvm::enumerate(b.tiles)) {
    const bool reference = offset && t.sliceBegin == 0;
    cim::TileLayout layout{scheme, t.rowEnd - t.rowBegin, t.colEnd - t.colBegin,
                           t.sliceEnd - t.sliceBegin, reference};
    int64_t rowGroups =
        (layout.physicalRows() + b.rowsInParallel - 1) / b.rowsInParallel;
    std::string sums =
        tensorType({l.cycles, rowGroups, P, layout.physicalColumns()}, "i32");
    int64_t pol = layout.columnPolarities();
    std::string mags = tensorType({P, layout.weightCols, pol}, "i64");
    std::string partial = tensorType({P, layout.weightCols}, "i64");
    s += llvm::formatv(
        "  %s{0} = cim.mvm %in {{array = {0} : i64, group = {1} : i64, "
        "row_begin = {2} : i64, row_end = {3} : i64, col_begin = {4} : i64, "
        "col_end = {5} : i64, slice_begin = {6} : i64, slice_end = {7} : i64, "
        "rows_in_parallel = {8} : i64, reference_column = {9}} : ({10}) -> "
        "{11}\n",
        i, t.group, t.rowBegin, t.rowEnd, t.colBegin, t.colEnd, t.sliceBegin,
        t.sliceEnd, b.rowsInParallel, reference ? "true" : "false", inType,
        sums);
    s +=
        llvm::formatv("  %c{0} = cim.adc %s{0} {{bits = {1} : i64, step = "
                      "{2} : i64, bipolar = {3}} : {4}\n",
                      i, b.adcBits, b.step, b.bipolar ? "true" : "false", sums);
    std::string shiftAttrs = llvm::formatv(
        "{{dac_bits = {0} : i64, input_signed = {1}, bits_per_cell = {2} : "
        "i64, slice_begin = {3} : i64, slice_end = {4} : i64, polarities = "
        "{5} : i64, reference_column = {6}}",
        l.dacBits, l.inputSigned ? "true" : "false", l.bitsPerCell,
        t.sliceBegin, t.sliceEnd, pol, reference ? "true" : "false");
    if (reference) {
      SmallVector<int64_t> tileOffsets;
      for (int64_t n = t.colBegin; n < t.colEnd; ++n)
        tileOffsets.push_back(l.offsets[t.group * l.N + n]);
      s += llvm::formatv("  %m{0}, %r{0} = cim.shift_add %c{0} {1} : ({2}) -> "
                         "({3}, {4})\n",
                         i, shiftAttrs, sums, mags, tensorType({P}, "i64"));
      s += llvm::formatv("  %p{0} = cim.combine %m{0}, %r{0} {{scheme = "
                         "#cim<scheme {1}>, offsets = {2}} : ({3}, {4}) -> "
                         "{5}\n",
                         i, l.scheme, i64Array(tileOffsets), mags,
                         tensorType({P}, "i64"), partial);
    } else {
      s += llvm::formatv("  %m{0} = cim.shift_add %c{0} {1} : ({2}) -> {3}\n",
                         i, shiftAttrs, sums, mags);
      s += llvm::formatv("  %p{0} = cim.combine %m{0} {{scheme = "
                         "#cim<scheme {1}>} : ({2}) -> {3}\n",
                         i, l.scheme, mags, partial);
    }
    partials += (i ? ", %p" : "%p") + std::to_string(i);
    partialTypes += (i ? ", " : "") + partial;
    groups.push_back(t.group);
    colBegins.push_back(t.colBegin);
  }
  std::string acc = tensorType({l.G, P, l.N}, "i64");
  s += llvm::formatv("  %acc = cim.accumulate {0} {{groups = {1}, col_begins "
                     "= {2}} : ({3}) -> {4}\n",
                     partials, i64Array(groups), i64Array(colBegins),
                     partialTypes, acc);
  s += "  cim.yield %acc : " + acc + "\n}";
  return s;
}

//===----------------------------------------------------------------------===//
// Random layers
//===----------------------------------------------------------------------===//

/// Quantization and slicing choices of a datapath test.
struct Slicing {
  std::string scheme;
  int64_t bitsPerCell, dacBits, inputBits;
  bool inputSigned;
  int64_t weightBits;
  bool symmetric;
  int64_t cycles = 0; // 0: ceil(inputBits / dacBits)
};

std::string describe(const Slicing &s) {
  return llvm::formatv("{0}, {1}-bit cells, {2}-bit DAC x {3} cycles, {4} "
                       "{5}-bit inputs, {6} {7}-bit weights",
                       s.scheme, s.bitsPerCell, s.dacBits, s.cycles,
                       s.inputSigned ? "signed" : "unsigned", s.inputBits,
                       s.symmetric ? "symmetric" : "asymmetric", s.weightBits);
}

int64_t bitsFor(int64_t value) {
  int64_t bits = 1;
  while ((int64_t{1} << bits) <= value)
    ++bits;
  return bits;
}

/// Fills q, z, scales, offsets and the slicing attributes with random
/// weights under `s`.
void quantizeRandomly(LayerSpec &l, Slicing &s, std::mt19937 &rng) {
  l.quantized = true;
  l.weightBits = s.weightBits;
  l.inputBits = s.inputBits;
  l.inputSigned = s.inputSigned;
  l.inputScale = 0.0625;
  const int64_t W = s.weightBits;
  l.q.resize(l.G * l.K * l.N);
  l.z.assign(l.G * l.N, 0);
  l.scales.resize(l.G * l.N);
  for (float &scale : l.scales)
    scale = std::uniform_real_distribution<float>(0.01f, 0.1f)(rng);
  int64_t qlo = s.symmetric ? -((int64_t{1} << (W - 1)) - 1) : 0;
  int64_t qhi =
      s.symmetric ? (int64_t{1} << (W - 1)) - 1 : (int64_t{1} << W) - 1;
  std::uniform_int_distribution<int64_t> qd(qlo, qhi);
  if (!s.symmetric)
    for (int32_t &z : l.z)
      z = static_cast<int32_t>(qd(rng));
  for (int32_t &q : l.q)
    q = static_cast<int32_t>(qd(rng));
  // Make the extremes appear.
  l.q[0] = static_cast<int32_t>(qlo);
  l.q[l.q.size() - 1] = static_cast<int32_t>(qhi);

  l.sliced = true;
  l.scheme = s.scheme;
  bool offset = s.scheme == "offset_reference";
  int64_t maxStored = 0;
  if (offset)
    l.offsets.resize(l.G * l.N);
  for (int64_t g = 0; g < l.G; ++g)
    for (int64_t n = 0; n < l.N; ++n) {
      int64_t c = s.symmetric ? int64_t{1} << (W - 1) : l.z[g * l.N + n];
      if (offset)
        l.offsets[g * l.N + n] = static_cast<int32_t>(c);
      for (int64_t k = 0; k < l.K; ++k) {
        int64_t v = l.q[(g * l.K + k) * l.N + n] - l.z[g * l.N + n];
        maxStored = std::max(maxStored, offset ? v + c : std::abs(v));
      }
    }
  l.storedBits = bitsFor(maxStored);
  l.bitsPerCell = s.bitsPerCell;
  l.slices = (l.storedBits + s.bitsPerCell - 1) / s.bitsPerCell;
  l.dacBits = s.dacBits;
  if (s.cycles == 0)
    s.cycles = (s.inputBits + s.dacBits - 1) / s.dacBits;
  l.cycles = s.cycles;
}

/// Random inputs whose quantized values cover the whole range and 10 %
/// beyond it on both sides (so that clamping happens too).
Tensor randomInput(const LayerSpec &l, std::mt19937 &rng) {
  double lo = -1, hi = 1;
  if (l.quantized && l.inputSigned) {
    hi = ((int64_t{1} << (l.inputBits - 1)) - 1) * l.inputScale;
    lo = -hi;
  } else if (l.quantized) {
    lo = 0;
    hi = ((int64_t{1} << l.inputBits) - 1) * l.inputScale;
  }
  double margin = 0.1 * (hi - lo);
  std::uniform_real_distribution<double> d(lo - margin, hi + margin);
  Tensor x(DType::F32, l.inShape);
  float *p = x.data<float>();
  for (int64_t i = 0; i < x.numElements(); ++i)
    p[i] = static_cast<float>(d(rng));
  return x;
}

std::vector<float> randomFloats(size_t n, std::mt19937 &rng) {
  std::vector<float> v(n);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (float &x : v)
    x = d(rng);
  return v;
}

/// acc[g, p, n] = sum_k xq[g, p, k] * (q[g, k, n] - z[g*N + n]), naively.
Tensor naiveAccumulators(const LayerSpec &l, const Tensor &xq) {
  const int64_t P = xq.dim(1);
  Tensor acc(DType::I64, {l.G, P, l.N});
  for (int64_t g = 0; g < l.G; ++g)
    for (int64_t p = 0; p < P; ++p)
      for (int64_t n = 0; n < l.N; ++n) {
        int64_t sum = 0;
        for (int64_t k = 0; k < l.K; ++k)
          sum += int64_t{xq.data<int32_t>()[(g * P + p) * l.K + k]} *
                 (l.q[(g * l.K + k) * l.N + n] - l.z[g * l.N + n]);
        acc.data<int64_t>()[(g * P + p) * l.N + n] = sum;
      }
  return acc;
}

/// A grouped, padded, strided, dilated conv: x [2, 4, 6, 5], 6 filters of
/// 2 x 3 x 2 in 2 groups, strides (2, 1), dilations (1, 2), pads (1, 0) /
/// (0, 1) -> [2, 6, 3, 4]; P = 24, K = 12, N = 3.
LayerSpec convLayer(std::mt19937 &rng) {
  LayerSpec l;
  l.kind = "conv";
  l.inShape = {2, 4, 6, 5};
  l.outShape = {2, 6, 3, 4};
  l.G = 2;
  l.K = 2 * 3 * 2;
  l.N = 3;
  l.window = "group = 2 : i64, kernel_shape = array<i64: 3, 2>, strides = "
             "array<i64: 2, 1>, dilations = array<i64: 1, 2>, pads_begin = "
             "array<i64: 1, 0>, pads_end = array<i64: 0, 1>";
  l.weights = randomFloats(l.G * l.K * l.N, rng);
  l.bias = randomFloats(l.G * l.N, rng);
  return l;
}

/// Gemm [5, 37] x [37, 7] (or the input transposed).
LayerSpec gemmLayer(std::mt19937 &rng, bool transInput) {
  LayerSpec l;
  l.kind = "gemm";
  l.transInput = transInput;
  l.inShape =
      transInput ? SmallVector<int64_t>{37, 5} : SmallVector<int64_t>{5, 37};
  l.outShape = {5, 7};
  l.K = 37;
  l.N = 7;
  l.weights = randomFloats(l.K * l.N, rng);
  l.bias = randomFloats(l.N, rng);
  return l;
}

//===----------------------------------------------------------------------===//
// Fixture
//===----------------------------------------------------------------------===//

class CIMLayerTest : public ::testing::Test {
protected:
  CIMLayerTest() {
    DialectRegistry registry;
    registry.insert<nn::NNDialect, cim::CIMDialect, func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  OwningOpRef<ModuleOp> parse(const std::string &text) {
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
    EXPECT_TRUE(module) << "cannot parse:\n" << text;
    if (module && failed(verify(*module))) {
      ADD_FAILURE() << "does not verify:\n" << text;
      return nullptr;
    }
    return module;
  }

  static cim::LayerOp layerOf(ModuleOp module) {
    cim::LayerOp layer;
    module.walk([&](cim::LayerOp op) { layer = op; });
    return layer;
  }

  /// Output of the module's @main on `input` via the Executor.
  static Tensor execute(ModuleOp module, const Tensor &input,
                        ArrayRef<Tensor> extra = {}) {
    auto executor = Executor::create(module);
    if (!executor) {
      ADD_FAILURE() << llvm::toString(executor.takeError());
      return {};
    }
    SmallVector<Tensor> args{input};
    args.append(extra.begin(), extra.end());
    auto outputs = executor->run(args);
    if (!outputs) {
      ADD_FAILURE() << llvm::toString(outputs.takeError());
      return {};
    }
    return (*outputs)[0];
  }

  static Tensor accumulators(cim::LayerOp layer, const Tensor &input,
                             CIMExecutionMode mode) {
    auto acc = computeCIMAccumulators(layer, input, mode);
    if (!acc) {
      ADD_FAILURE() << llvm::toString(acc.takeError());
      return {};
    }
    return std::move(*acc);
  }

  static void expectNear(const Tensor &a, const Tensor &b, float tolerance) {
    ASSERT_EQ(a.shape(), b.shape());
    for (int64_t i = 0; i < a.numElements(); ++i)
      ASSERT_NEAR(a.data<float>()[i], b.data<float>()[i], tolerance)
          << "element " << i;
  }

  static void expectEqualInts(const Tensor &a, const Tensor &b,
                              const std::string &what) {
    ASSERT_EQ(a.dtype(), DType::I64) << what;
    ASSERT_EQ(a.shape(), b.shape()) << what;
    for (int64_t i = 0; i < a.numElements(); ++i)
      ASSERT_EQ(a.data<int64_t>()[i], b.data<int64_t>()[i])
          << what << ": accumulator " << i;
  }

  /// Builds `l` with a body cut by (rows, cols, slices) per tile, runs it in
  /// Datapath and Integer mode and checks the accumulators (and outputs)
  /// agree bit-exactly; the column sums must stay within the ADC range
  /// (and be non-negative with `expectUnipolar`).
  void checkDatapathExact(LayerSpec l, const Slicing &s, int64_t rows,
                          int64_t cols, int64_t slices, int64_t rowsInParallel,
                          std::mt19937 &rng, bool expectUnipolar = false);

  MLIRContext context;
};

void CIMLayerTest::checkDatapathExact(LayerSpec l, const Slicing &s,
                                      int64_t rows, int64_t cols,
                                      int64_t slices, int64_t rowsInParallel,
                                      std::mt19937 &rng, bool expectUnipolar) {
  SCOPED_TRACE(describe(s) + ", " + l.kind);
  // A wide enough ADC: every |column sum| <= R * max|digit_in| * max digit.
  cim::TileLayout unit{schemeOf(l.scheme), 1, 1, 1, false};
  int64_t physRows = std::min(rows * unit.rowPolarities(), rowsInParallel);
  int64_t maxSum = physRows * ((int64_t{1} << l.dacBits) - 1) *
                   ((int64_t{1} << l.bitsPerCell) - 1);
  // Negative sums: G- rows, or a signed last cycle carrying more than the
  // sign bit (its digit is minus a two's-complement digit).
  bool bipolar =
      unit.rowPolarities() == 2 ||
      (l.inputSigned && (l.cycles - 1) * l.dacBits < l.inputBits - 1);
  BodySpec body;
  body.tiles = cutTiles(l, rows, cols, slices);
  body.rowsInParallel = rowsInParallel;
  body.bipolar = bipolar;
  body.adcBits = bipolar ? bitsFor(maxSum) + 1 : bitsFor(maxSum);
  l.body = bodyText(l, body);

  TargetSpec target;
  target.adcBits = body.adcBits;
  target.rowsInParallel = 64;
  target.dacBits = std::min<int64_t>(l.dacBits, 8);
  OwningOpRef<ModuleOp> module = parse(layerModule(l, target));
  ASSERT_TRUE(module);
  cim::LayerOp layer = layerOf(*module);
  ASSERT_TRUE(layer.isPartitioned());

  auto runner = CIMLayerRunner::create(layer);
  ASSERT_TRUE(static_cast<bool>(runner)) << llvm::toString(runner.takeError());
  EXPECT_EQ(runner->getDefaultMode(), CIMExecutionMode::Datapath);
  Tensor x = randomInput(l, rng);
  auto xq = runner->quantizeIm2col(x);
  ASSERT_TRUE(static_cast<bool>(xq)) << llvm::toString(xq.takeError());
  auto integer = runner->integerAccumulators(*xq);
  ASSERT_TRUE(static_cast<bool>(integer));
  int64_t minSum = 0, maxSeen = 0;
  auto datapath = runner->datapathAccumulators(
      *xq, [&](Operation *op, ArrayRef<const Tensor *> results) {
        if (!isa<cim::MVMOp>(op))
          return;
        for (int32_t v : results[0]->values<int32_t>()) {
          minSum = std::min<int64_t>(minSum, v);
          maxSeen = std::max<int64_t>(maxSeen, std::abs(v));
        }
      });
  ASSERT_TRUE(static_cast<bool>(datapath))
      << llvm::toString(datapath.takeError());
  EXPECT_LE(maxSeen, maxSum);
  if (expectUnipolar) {
    EXPECT_GE(minSum, 0) << "a digit or cell went negative";
  }
  expectEqualInts(*datapath, *integer, "datapath vs integer");
  expectEqualInts(*integer, naiveAccumulators(l, *xq), "integer vs naive");

  // The integer-loop column sums on blocks of 2 vectors agree too.
  CIMRunnerOptions loops;
  loops.useFloatGemm = false;
  loops.vectorsPerBlock = 2;
  auto slow = CIMLayerRunner::create(layer, loops);
  ASSERT_TRUE(static_cast<bool>(slow));
  auto slowAcc = slow->computeAccumulators(x);
  ASSERT_TRUE(static_cast<bool>(slowAcc))
      << llvm::toString(slowAcc.takeError());
  expectEqualInts(*slowAcc, *integer, "integer-loop datapath vs integer");

  // The one-shot API and the float outputs agree too.
  expectEqualInts(accumulators(layer, x, CIMExecutionMode::Datapath),
                  accumulators(layer, x, CIMExecutionMode::Integer),
                  "computeCIMAccumulators");
  Tensor yInt, yData;
  ASSERT_FALSE(
      static_cast<bool>(runner->run(x, yInt, CIMExecutionMode::Integer)));
  ASSERT_FALSE(static_cast<bool>(runner->run(x, yData)));
  expectNear(yInt, yData, 0.0f);
}

//===----------------------------------------------------------------------===//
// Float mode
//===----------------------------------------------------------------------===//

TEST_F(CIMLayerTest, FloatConvMatchesNNConv) {
  std::mt19937 rng(1);
  LayerSpec l = convLayer(rng);
  OwningOpRef<ModuleOp> cimModule = parse(layerModule(l, TargetSpec{}));
  ASSERT_TRUE(cimModule);

  // The same conv in nn: W_onnx[g*N + n][c][kh][kw] =
  // weights[g][(c*3 + kh)*2 + kw][n].
  Tensor w(DType::F32, {6, 2, 3, 2});
  for (int64_t g = 0; g < 2; ++g)
    for (int64_t n = 0; n < 3; ++n)
      for (int64_t k = 0; k < 12; ++k)
        w.data<float>()[(g * 3 + n) * 12 + k] = l.weights[(g * 12 + k) * 3 + n];
  Tensor b = Tensor::fromValues<float>({6}, l.bias);
  OwningOpRef<ModuleOp> nnModule = parse(R"(
func.func @main(%x: tensor<2x4x6x5xf32>, %w: tensor<6x2x3x2xf32>, %b: tensor<6xf32>) -> tensor<2x6x3x4xf32> {
  %y = nn.conv %x, %w, %b {group = 2 : i64, kernel_shape = array<i64: 3, 2>, strides = array<i64: 2, 1>, dilations = array<i64: 1, 2>, pads = array<i64: 1, 0, 0, 1>} : (tensor<2x4x6x5xf32>, tensor<6x2x3x2xf32>, tensor<6xf32>) -> tensor<2x6x3x4xf32>
  return %y : tensor<2x6x3x4xf32>
})");
  ASSERT_TRUE(nnModule);

  Tensor x = randomInput(l, rng);
  Tensor want = execute(*nnModule, x, {w, b});
  Tensor got = execute(*cimModule, x);
  expectNear(got, want, 0.0f);

  // The direct API agrees with the executor.
  Tensor direct;
  ASSERT_FALSE(static_cast<bool>(runCIMLayer(layerOf(*cimModule), x, direct)));
  expectNear(direct, want, 0.0f);
}

TEST_F(CIMLayerTest, FloatGemmMatchesNNGemm) {
  for (bool trans : {false, true}) {
    SCOPED_TRACE(trans ? "trans_input" : "plain");
    std::mt19937 rng(2);
    LayerSpec l = gemmLayer(rng, trans);
    OwningOpRef<ModuleOp> cimModule = parse(layerModule(l, TargetSpec{}));
    ASSERT_TRUE(cimModule);
    std::string a = tensorType(l.inShape, "f32");
    OwningOpRef<ModuleOp> nnModule =
        parse(llvm::formatv(R"(
func.func @main(%a: {0}, %b: tensor<37x7xf32>, %c: tensor<7xf32>) -> tensor<5x7xf32> {{
  %y = nn.gemm %a, %b, %c {{transA = {1}} : ({0}, tensor<37x7xf32>, tensor<7xf32>) -> tensor<5x7xf32>
  return %y : tensor<5x7xf32>
})",
                            a, trans ? "true" : "false")
                  .str());
    ASSERT_TRUE(nnModule);
    Tensor x = randomInput(l, rng);
    Tensor want = execute(*nnModule, x,
                          {Tensor::fromValues<float>({37, 7}, l.weights),
                           Tensor::fromValues<float>({7}, l.bias)});
    expectNear(execute(*cimModule, x), want, 0.0f);
  }
}

//===----------------------------------------------------------------------===//
// Integer mode
//===----------------------------------------------------------------------===//

/// A tiny quantized gemm: A [2, 2], weights [1, 2, 3].
LayerSpec tinyGemm() {
  LayerSpec l;
  l.inShape = {2, 2};
  l.outShape = {2, 3};
  l.K = 2;
  l.N = 3;
  l.weights = {0, 0, 0, 0, 0, 0}; // unused by the integer modes
  l.bias = {1.0f, -1.0f, 0.5f};
  l.quantized = true;
  l.weightBits = 4;
  l.q = {3, -1, 0,   //
         2, 5,  -4}; // q[k][n]
  l.z = {1, 0, -2};
  l.scales = {0.125f, 0.25f, 0.5f};
  l.inputBits = 4; // signed: xq in [-7, 7]
  l.inputSigned = true;
  l.inputScale = 0.5;
  return l;
}

// A = [[0.25, -0.75], [5.0, 1.0]], input_scale 0.5:
//   A / 0.5 = [[0.5, -1.5], [10, 2]] -> round half away from zero
//   [[1, -2], [10, 2]] -> clamp to [-7, 7]: xq = [[1, -2], [7, 2]].
// v = q - z = [[3-1, -1-0, 0+2], [2-1, 5-0, -4+2]] = [[2, -1, 2], [1, 5, -2]].
// acc[0] = 1*[2, -1, 2] + (-2)*[1, 5, -2] = [0, -11, 6]
// acc[1] = 7*[2, -1, 2] +   2 *[1, 5, -2] = [16, 3, 10]
// y = 0.5 * scale[n] * acc + bias[n]:
//   y[0] = [0.0625*0 + 1, 0.125*(-11) - 1, 0.25*6 + 0.5] = [1, -2.375, 2]
//   y[1] = [0.0625*16 + 1, 0.125*3 - 1, 0.25*10 + 0.5] = [2, -0.625, 3]
const std::vector<float> kTinyInput = {0.25f, -0.75f, 5.0f, 1.0f};
const std::vector<int64_t> kTinyAcc = {0, -11, 6, 16, 3, 10};
const std::vector<float> kTinyOutput = {1.0f, -2.375f, 2.0f,
                                        2.0f, -0.625f, 3.0f};

TEST_F(CIMLayerTest, IntegerGemmByHand) {
  OwningOpRef<ModuleOp> module = parse(layerModule(tinyGemm(), TargetSpec{}));
  ASSERT_TRUE(module);
  cim::LayerOp layer = layerOf(*module);
  Tensor x = Tensor::fromValues<float>({2, 2}, kTinyInput);

  auto runner = CIMLayerRunner::create(layer);
  ASSERT_TRUE(static_cast<bool>(runner));
  EXPECT_EQ(runner->getDefaultMode(), CIMExecutionMode::Integer);
  EXPECT_FALSE(runner->supports(CIMExecutionMode::Datapath));
  auto xq = runner->quantizeIm2col(x);
  ASSERT_TRUE(static_cast<bool>(xq));
  EXPECT_EQ(xq->values<int32_t>(), ArrayRef<int32_t>({1, -2, 7, 2}));
  // Ties round away from zero, out-of-range values clamp, NaN becomes 0.
  auto edges = runner->quantizeIm2col(Tensor::fromValues<float>(
      {2, 2}, {-0.25f, -1e30f, std::nanf(""), 3.25f}));
  ASSERT_TRUE(static_cast<bool>(edges));
  EXPECT_EQ(edges->values<int32_t>(), ArrayRef<int32_t>({-1, -7, 0, 7}));

  Tensor acc = accumulators(layer, x, CIMExecutionMode::Auto);
  EXPECT_EQ(acc.shape(), ArrayRef<int64_t>({1, 2, 3}));
  EXPECT_EQ(acc.values<int64_t>(), ArrayRef<int64_t>(kTinyAcc));

  // Through the executor (Auto = Integer here).
  Tensor y = execute(*module, x);
  expectNear(y, Tensor::fromValues<float>({2, 3}, kTinyOutput), 1e-6f);

  // Float mode on all-zero float weights gives just the bias.
  Tensor yFloat;
  ASSERT_FALSE(static_cast<bool>(
      runCIMLayer(layer, x, yFloat, CIMExecutionMode::Float)));
  EXPECT_EQ(yFloat.values<float>(),
            ArrayRef<float>({1.0f, -1.0f, 0.5f, 1.0f, -1.0f, 0.5f}));
  // Datapath is refused without a body.
  Tensor yData;
  llvm::Error err = runCIMLayer(layer, x, yData, CIMExecutionMode::Datapath);
  EXPECT_TRUE(static_cast<bool>(err));
  llvm::consumeError(std::move(err));
}

/// Quantizes `l` so that its float weights s[n] * v and inputs sx * xq are
/// exactly representable; returns such an input.
Tensor makeRepresentable(LayerSpec &l, std::mt19937 &rng) {
  l.quantized = true;
  l.weightBits = 5;
  l.inputBits = 6;
  l.inputSigned = true;
  l.inputScale = 0.25;
  l.q.resize(l.weights.size());
  l.z.assign(l.G * l.N, 0);
  l.scales.resize(l.G * l.N);
  std::uniform_int_distribution<int32_t> qd(-15, 15), xd(-31, 31);
  for (int64_t i = 0; i < l.G * l.N; ++i)
    l.scales[i] = std::ldexp(1.0f, -static_cast<int>(i % 4) - 2);
  for (int64_t g = 0; g < l.G; ++g)
    for (int64_t k = 0; k < l.K; ++k)
      for (int64_t n = 0; n < l.N; ++n) {
        int64_t i = (g * l.K + k) * l.N + n;
        l.q[i] = qd(rng);
        l.weights[i] = l.scales[g * l.N + n] * static_cast<float>(l.q[i]);
      }
  Tensor x(DType::F32, l.inShape);
  for (int64_t i = 0; i < x.numElements(); ++i)
    x.data<float>()[i] = static_cast<float>(l.inputScale * xd(rng));
  return x;
}

TEST_F(CIMLayerTest, IntegerMatchesFloatOnRepresentableValues) {
  // Weights and inputs that quantize exactly: the integer output must equal
  // the float conv's / gemm's up to float rounding, which checks the im2col
  // order, padding, strides, dilations, groups and the transposed input.
  std::mt19937 rng(3);
  std::vector<LayerSpec> layers{convLayer(rng), gemmLayer(rng, false),
                                gemmLayer(rng, true)};
  for (LayerSpec &l : layers) {
    SCOPED_TRACE(l.kind + (l.transInput ? " trans_input" : ""));
    Tensor x = makeRepresentable(l, rng);
    OwningOpRef<ModuleOp> module = parse(layerModule(l, TargetSpec{}));
    ASSERT_TRUE(module);
    Tensor yFloat, yInt;
    cim::LayerOp layer = layerOf(*module);
    ASSERT_FALSE(static_cast<bool>(
        runCIMLayer(layer, x, yFloat, CIMExecutionMode::Float)));
    ASSERT_FALSE(static_cast<bool>(runCIMLayer(layer, x, yInt)));
    expectNear(yInt, yFloat, 1e-5f);
  }
}

TEST_F(CIMLayerTest, IntegerGemmPathsMatchLoops) {
  // Layers big enough for the exact-SGEMM path: a grouped conv (one K
  // chunk, im2col gathered straight into f32), a gemm whose 10-bit inputs x
  // 8-bit asymmetric weights force K chunks of 128 (partial sums must stay
  // below 2^24) and a wide gemm.  All must equal the integer loops and a
  // naive sum.
  std::mt19937 rng(7);
  LayerSpec conv;
  conv.kind = "conv";
  conv.inShape = {2, 6, 24, 22};
  conv.outShape = {2, 12, 12, 22}; // P = 528, K = 18, N = 4
  conv.G = 3;
  conv.K = 2 * 3 * 3;
  conv.N = 4;
  conv.window = "group = 3 : i64, kernel_shape = array<i64: 3, 3>, strides = "
                "array<i64: 2, 1>, pads_begin = array<i64: 1, 1>, pads_end = "
                "array<i64: 0, 1>";
  conv.weights = randomFloats(conv.G * conv.K * conv.N, rng);
  Slicing convSlicing{"differential_columns", 1, 1, 8, false, 8, true};
  quantizeRandomly(conv, convSlicing, rng);

  LayerSpec gemm;
  gemm.inShape = {64, 600};
  gemm.outShape = {64, 8};
  gemm.K = 600;
  gemm.N = 8;
  gemm.weights = randomFloats(gemm.K * gemm.N, rng);
  Slicing gemmSlicing{"differential_columns", 1, 1, 10, true, 8, false};
  quantizeRandomly(gemm, gemmSlicing, rng);

  // A wide gemm (P < N: the SGEMM's plain orientation).
  LayerSpec wide;
  wide.inShape = {4, 600};
  wide.outShape = {4, 128};
  wide.K = 600;
  wide.N = 128;
  wide.weights = randomFloats(wide.K * wide.N, rng);
  Slicing wideSlicing{"differential_columns", 1, 1, 8, false, 8, true};
  quantizeRandomly(wide, wideSlicing, rng);

  for (LayerSpec *l : {&conv, &gemm, &wide}) {
    SCOPED_TRACE(l->kind);
    l->sliced = false;
    OwningOpRef<ModuleOp> module = parse(layerModule(*l, TargetSpec{}));
    ASSERT_TRUE(module);
    cim::LayerOp layer = layerOf(*module);
    auto fast = CIMLayerRunner::create(layer);
    CIMRunnerOptions noGemm;
    noGemm.useFloatGemm = false;
    auto slow = CIMLayerRunner::create(layer, noGemm);
    ASSERT_TRUE(fast && slow);
    Tensor x = randomInput(*l, rng);
    auto xq = fast->quantizeIm2col(x);
    ASSERT_TRUE(static_cast<bool>(xq));
    Tensor naive = naiveAccumulators(*l, *xq);
    auto viaInput = fast->computeAccumulators(x);
    auto viaIm2col = fast->integerAccumulators(*xq);
    auto loops = slow->computeAccumulators(x);
    ASSERT_TRUE(viaInput && viaIm2col && loops);
    expectEqualInts(*viaInput, naive, "SGEMM from the input");
    expectEqualInts(*viaIm2col, naive, "SGEMM in K chunks");
    expectEqualInts(*loops, naive, "integer loops");
  }
}

//===----------------------------------------------------------------------===//
// Datapath mode
//===----------------------------------------------------------------------===//

TEST_F(CIMLayerTest, DatapathTinyGemmByHand) {
  // Differential columns, 1-bit cells: max|v| = 5 needs 3 slices; 4-bit
  // signed inputs over 4 one-bit cycles (the last one the sign, weight -8).
  // One array: 2 rows, 3 columns x 3 slices x 2 polarities = 18 columns,
  // physical column (n*3 + s)*2 + polarity.
  LayerSpec l = tinyGemm();
  l.sliced = true;
  l.storedBits = 3;
  l.slices = 3;
  l.cycles = 4;
  l.body = R"({
^bb0(%in: tensor<1x2x2xi32>):
  %s = cim.mvm %in {array = 0 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, col_begin = 0 : i64, col_end = 3 : i64, slice_begin = 0 : i64, slice_end = 3 : i64, rows_in_parallel = 2 : i64} : (tensor<1x2x2xi32>) -> tensor<4x1x2x18xi32>
  %c = cim.adc %s {bits = 2 : i64} : tensor<4x1x2x18xi32>
  %m = cim.shift_add %c {dac_bits = 1 : i64, input_signed = true, bits_per_cell = 1 : i64, slice_begin = 0 : i64, slice_end = 3 : i64, polarities = 2 : i64} : (tensor<4x1x2x18xi32>) -> tensor<2x3x2xi64>
  %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<2x3x2xi64>) -> tensor<2x3xi64>
  %a = cim.accumulate %p {groups = array<i64: 0>, col_begins = array<i64: 0>} : (tensor<2x3xi64>) -> tensor<1x2x3xi64>
  cim.yield %a : tensor<1x2x3xi64>
})";
  TargetSpec target;
  target.adcBits = 2; // two rows of 1-bit digits: sums in [0, 2]
  OwningOpRef<ModuleOp> module = parse(layerModule(l, target));
  ASSERT_TRUE(module);
  cim::LayerOp layer = layerOf(*module);
  Tensor x = Tensor::fromValues<float>({2, 2}, kTinyInput);

  auto runner = CIMLayerRunner::create(layer);
  ASSERT_TRUE(static_cast<bool>(runner)) << llvm::toString(runner.takeError());
  auto xq = runner->quantizeIm2col(x);
  ASSERT_TRUE(static_cast<bool>(xq));
  std::vector<int32_t> sums;
  auto acc = runner->datapathAccumulators(
      *xq, [&](Operation *op, ArrayRef<const Tensor *> results) {
        if (isa<cim::MVMOp>(op))
          sums.assign(results[0]->values<int32_t>().begin(),
                      results[0]->values<int32_t>().end());
      });
  ASSERT_TRUE(static_cast<bool>(acc)) << llvm::toString(acc.takeError());
  EXPECT_EQ(acc->values<int64_t>(), ArrayRef<int64_t>(kTinyAcc));
  // Sign cycle j = 3 of vector p = 0 (xq = [1, -2] = 0b0001, 0b1110): the
  // input digits are [0, 1].  Column 15 = (n=2, s=1, G-): neg(v[:, 2]) =
  // [0, 2] has slice-1 digits [0, 1], so the sum is 0*0 + 1*1 = 1.
  // Cycle 1 of p = 1 (xq = [7, 2], bit 1: [1, 1]), column 6 = (n=1, s=0,
  // G+): pos(v[:, 1]) = [0, 5], slice-0 digits [0, 1]: sum 1.
  auto at = [&](int64_t j, int64_t p, int64_t c) {
    return sums[(j * 2 + p) * 18 + c];
  };
  EXPECT_EQ(at(3, 0, 15), 1);
  EXPECT_EQ(at(1, 1, 6), 1);
  EXPECT_EQ(at(0, 1, 1), 0); // n=0 G-: v[:, 0] = [2, 1] has no negative part
  // Dequantized like Integer.
  Tensor y = execute(*module, x);
  expectNear(y, Tensor::fromValues<float>({2, 3}, kTinyOutput), 1e-6f);
}

/// Unsigned 1-bit inputs into a K = 4, N = 2 gemm whose weights are
/// v[:, 0] = +1 and v[:, 1] = -1: the G+ column of n = 0 and the G- column
/// of n = 1 both read sum(x).
LayerSpec saturationGemm(int64_t adcBits, int64_t step) {
  LayerSpec l;
  l.inShape = {4, 4};
  l.outShape = {4, 2};
  l.K = 4;
  l.N = 2;
  l.weights.assign(8, 0.0f);
  l.quantized = true;
  l.weightBits = 2;
  l.q = {1, -1, 1, -1, 1, -1, 1, -1};
  l.z = {0, 0};
  l.scales = {1.0f, 1.0f};
  l.inputBits = 1;
  l.inputScale = 1.0;
  l.sliced = true;
  l.storedBits = 1;
  l.slices = 1;
  l.cycles = 1;
  l.body = llvm::formatv(R"({{
^bb0(%in: tensor<1x4x4xi32>):
  %s = cim.mvm %in {{array = 0 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 4 : i64, col_begin = 0 : i64, col_end = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64, rows_in_parallel = 4 : i64} : (tensor<1x4x4xi32>) -> tensor<1x1x4x4xi32>
  %c = cim.adc %s {{bits = {0} : i64, step = {1} : i64} : tensor<1x1x4x4xi32>
  %m = cim.shift_add %c {{dac_bits = 1 : i64, input_signed = false, bits_per_cell = 1 : i64, slice_begin = 0 : i64, slice_end = 1 : i64, polarities = 2 : i64} : (tensor<1x1x4x4xi32>) -> tensor<4x2x2xi64>
  %p = cim.combine %m {{scheme = #cim<scheme differential_columns>} : (tensor<4x2x2xi64>) -> tensor<4x2xi64>
  %a = cim.accumulate %p {{groups = array<i64: 0>, col_begins = array<i64: 0>} : (tensor<4x2xi64>) -> tensor<1x4x2xi64>
  cim.yield %a : tensor<1x4x2xi64>
})",
                         adcBits, step)
               .str();
  return l;
}

TEST_F(CIMLayerTest, NarrowADCSaturates) {
  // Input rows with column sums 4, 3, 1 and 0.
  Tensor x = Tensor::fromValues<float>(
      {4, 4}, {1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0});
  struct Case {
    int64_t bits, step;
    std::vector<int64_t> acc; // [p][n]
  } cases[] = {
      // 3 bits, step 1: [0, 7] holds every sum, acc = integer = +-sum(x).
      {3, 1, {4, -4, 3, -3, 1, -1, 0, 0}},
      // 2 bits, step 1: [0, 3]; the sum 4 saturates at 3.
      {2, 1, {3, -3, 3, -3, 1, -1, 0, 0}},
      // 2 bits, step 2: codes round(sum / 2) half away from zero, clamped
      // to [0, 3], times 2: 4 -> 2*2 = 4, 3 -> round(1.5) = 2 -> 4,
      // 1 -> round(0.5) = 1 -> 2, 0 -> 0.
      {2, 2, {4, -4, 4, -4, 2, -2, 0, 0}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(llvm::formatv("{0} bits, step {1}", c.bits, c.step).str());
    TargetSpec target;
    target.adcBits = c.bits;
    OwningOpRef<ModuleOp> module =
        parse(layerModule(saturationGemm(c.bits, c.step), target));
    ASSERT_TRUE(module);
    cim::LayerOp layer = layerOf(*module);
    EXPECT_EQ(
        accumulators(layer, x, CIMExecutionMode::Integer).values<int64_t>(),
        ArrayRef<int64_t>({4, -4, 3, -3, 1, -1, 0, 0}));
    EXPECT_EQ(
        accumulators(layer, x, CIMExecutionMode::Datapath).values<int64_t>(),
        ArrayRef<int64_t>(c.acc));
  }
}

TEST_F(CIMLayerTest, DatapathEqualsIntegerAcrossSchemes) {
  // (scheme, bits/cell, DAC bits, input bits, signed, weight bits,
  // symmetric, cycles)
  const Slicing slicings[] = {
      {"differential_columns", 1, 1, 8, false, 8, true},
      {"differential_columns", 2, 2, 8, true, 6, false},
      {"differential_columns", 2, 3, 7, true, 5, true, 3}, // sign cycle
      {"differential_rows", 1, 2, 7, false, 5, true},
      {"differential_rows", 2, 1, 6, true, 8, false},
      {"differential_rows", 1, 3, 8, true, 4, true},
      {"offset_reference", 1, 1, 8, true, 4, true},
      {"offset_reference", 2, 3, 8, false, 7, false},
      {"offset_reference", 2, 2, 8, true, 8, true},
      {"offset_reference", 1, 4, 5, true, 3, false, 3}, // 4-bit sign cycle
  };
  std::mt19937 rng(4);
  for (Slicing s : slicings) {
    // Gemm: 3 row tiles (16 + 16 + 5 rows), 3 column tiles, slices split
    // in pairs, 8 rows read at once (partial last row groups).
    LayerSpec gemm = gemmLayer(rng, /*transInput=*/s.dacBits == 2);
    quantizeRandomly(gemm, s, rng);
    checkDatapathExact(gemm, s, 16, 3, 2, 8, rng);
    // The grouped conv: 3 row tiles of 5, all columns, whole slices, 4 rows
    // at once.
    LayerSpec conv = convLayer(rng);
    quantizeRandomly(conv, s, rng);
    checkDatapathExact(conv, s, 5, 3, conv.slices, 4, rng);
  }
}

TEST_F(CIMLayerTest, SignCycleKeepsColumnSumsNonNegative) {
  // When the lower cycles carry input_bits - 1 bits, the last cycle's digit
  // is the sign bit: no negative digit, so a unipolar ADC suffices.
  std::mt19937 rng(5);
  for (Slicing s : {Slicing{"differential_columns", 1, 1, 8, true, 8, true},
                    Slicing{"differential_columns", 2, 2, 6, true, 6, false, 4},
                    Slicing{"offset_reference", 2, 3, 7, true, 6, true, 3}}) {
    LayerSpec gemm = gemmLayer(rng, false);
    quantizeRandomly(gemm, s, rng);
    checkDatapathExact(gemm, s, 16, 3, gemm.slices, 16, rng,
                       /*expectUnipolar=*/true);
  }
}

TEST_F(CIMLayerTest, InputDigitsRecomposeExactly) {
  for (int64_t bits = 1; bits <= 9; ++bits)
    for (int64_t dac = 1; dac <= bits; ++dac)
      for (int64_t extra = 0; extra <= 1; ++extra) {
        int64_t cycles = (bits + dac - 1) / dac + extra;
        for (bool isSigned : {false, true}) {
          int64_t hi = isSigned ? (int64_t{1} << (bits - 1)) - 1
                                : (int64_t{1} << bits) - 1;
          int64_t lo = isSigned ? -hi : 0;
          for (int64_t x = lo; x <= hi; ++x) {
            int64_t sum = 0;
            for (int64_t j = 0; j < cycles; ++j) {
              int64_t w = int64_t{1} << (j * dac);
              if (isSigned && j == cycles - 1)
                w = -w;
              sum += w * inputDigit(x, j, cycles, dac, isSigned);
            }
            ASSERT_EQ(sum, x)
                << bits << " bits, dac " << dac << ", " << cycles << " cycles";
          }
        }
      }
}

//===----------------------------------------------------------------------===//
// Executor integration
//===----------------------------------------------------------------------===//

TEST_F(CIMLayerTest, ExecutorObserverAndForcedModes) {
  LayerSpec l = tinyGemm();
  std::string text = layerModule(l, TargetSpec{});
  // Append a relu after the layer.
  size_t ret = text.find("    return %y");
  text.replace(ret, std::string("    return %y : tensor<2x3xf32>").size(),
               "    %r = nn.relu %y : (tensor<2x3xf32>) -> tensor<2x3xf32>\n"
               "    return %r : tensor<2x3xf32>");
  OwningOpRef<ModuleOp> module = parse(text);
  ASSERT_TRUE(module);
  auto executor = Executor::create(*module);
  ASSERT_TRUE(static_cast<bool>(executor))
      << llvm::toString(executor.takeError());
  Tensor x = Tensor::fromValues<float>({2, 2}, kTinyInput);
  std::vector<std::string> seen;
  std::vector<float> layerInput;
  auto out =
      executor->run({x}, [&](Operation *op, ArrayRef<const Tensor *> operands) {
        seen.push_back(op->getName().getStringRef().str());
        if (isa<cim::LayerOp>(op))
          layerInput.assign(operands[0]->values<float>().begin(),
                            operands[0]->values<float>().end());
      });
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  EXPECT_EQ(seen, (std::vector<std::string>{"cim.layer", "nn.relu"}));
  EXPECT_EQ(layerInput, kTinyInput);
  EXPECT_EQ((*out)[0].values<float>(),
            ArrayRef<float>({1.0f, 0.0f, 2.0f, 2.0f, 0.0f, 3.0f}));

  // Forced Float: all-zero weights leave relu(bias).
  executor->setCIMExecutionMode(CIMExecutionMode::Float);
  out = executor->run({x});
  ASSERT_TRUE(static_cast<bool>(out));
  EXPECT_EQ((*out)[0].values<float>(),
            ArrayRef<float>({1.0f, 0.0f, 0.5f, 1.0f, 0.0f, 0.5f}));
  // Forced Datapath on a layer without a body fails cleanly.
  executor->setCIMExecutionMode(CIMExecutionMode::Datapath);
  out = executor->run({x});
  ASSERT_FALSE(static_cast<bool>(out));
  EXPECT_NE(llvm::toString(out.takeError()).find("cannot run in datapath"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Timing of a LeNet-sized conv
//===----------------------------------------------------------------------===//

TEST_F(CIMLayerTest, LeNetConvTimings) {
  // LeNet-5's convolutions, 5x5 kernels, 8-bit unsigned inputs over 8
  // one-bit cycles, 8-bit symmetric weights, differential columns, 2-bit
  // cells (4 slices), 128 x 128 arrays reading 32 rows at once:
  //   C1: [B, 1, 32, 32] -> [B, 6, 28, 28]: K = 25, N = 6, one tile of
  //       25 x 48 cells;
  //   C3: [B, 6, 14, 14] -> [B, 16, 10, 10]: K = 150, N = 16, 16 columns x
  //       4 x 2 = 128 array columns, rows in tiles of 128 + 22.
  std::mt19937 rng(6);
  struct Conv {
    const char *name;
    int64_t channels, size, filters, outSize;
  } convs[] = {{"C1", 1, 32, 6, 28}, {"C3", 6, 14, 16, 10}};
  for (const Conv &conv : convs)
    for (int64_t batch : {1, 16}) {
      LayerSpec l;
      l.kind = "conv";
      l.inShape = {batch, conv.channels, conv.size, conv.size};
      l.outShape = {batch, conv.filters, conv.outSize, conv.outSize};
      l.K = conv.channels * 25;
      l.N = conv.filters;
      l.window = "kernel_shape = array<i64: 5, 5>";
      l.weights = randomFloats(l.K * l.N, rng);
      l.bias = randomFloats(l.N, rng);
      Slicing s{"differential_columns", 2, 1, 8, false, 8, true};
      quantizeRandomly(l, s, rng);
      BodySpec body;
      body.tiles = cutTiles(l, 128, 16, l.slices);
      body.rowsInParallel = 32;
      body.adcBits = 7; // 32 rows x 1 x 3 = 96
      l.body = bodyText(l, body);
      TargetSpec target;
      target.rows = target.cols = 128;
      target.rowsInParallel = 32;
      target.adcBits = 7;
      OwningOpRef<ModuleOp> module = parse(layerModule(l, target));
      ASSERT_TRUE(module);
      auto runner = CIMLayerRunner::create(layerOf(*module));
      ASSERT_TRUE(static_cast<bool>(runner))
          << llvm::toString(runner.takeError());
      Tensor x = randomInput(l, rng);
      for (auto mode : {CIMExecutionMode::Float, CIMExecutionMode::Integer,
                        CIMExecutionMode::Datapath}) {
        Tensor y;
        ASSERT_FALSE(static_cast<bool>(runner->run(x, y, mode))); // warm up
        // Median and minimum of 21 runs (the machine may be shared).
        std::vector<double> us;
        for (int i = 0; i < 21; ++i) {
          auto start = std::chrono::steady_clock::now();
          ASSERT_FALSE(static_cast<bool>(runner->run(x, y, mode)));
          us.push_back(std::chrono::duration<double, std::micro>(
                           std::chrono::steady_clock::now() - start)
                           .count());
        }
        std::sort(us.begin(), us.end());
        std::printf("[ timing ] LeNet %s batch %2lld %-8s median %9.1f us, "
                    "min %9.1f us\n",
                    conv.name, static_cast<long long>(batch),
                    stringifyCIMExecutionMode(mode).str().c_str(), us[10],
                    us[0]);
      }
      auto datapath =
          runner->computeAccumulators(x, CIMExecutionMode::Datapath);
      auto integer = runner->computeAccumulators(x, CIMExecutionMode::Integer);
      ASSERT_TRUE(datapath && integer);
      expectEqualInts(*datapath, *integer, conv.name);
    }
}

} // namespace
