//===- CIMLayerExecution.cpp - Host execution of cim.layer ops ------------===//
//
// Float mode reuses the runtime's conv / gemm kernels on an ONNX-layout copy
// of the weights.  The quantized modes quantize the input once and work on
// the quantized im2col matrix xq [G, P, K]: Integer multiplies it with
// v = q - z [G, K, N], Datapath interprets the layer body op by op.
//
// Exactness and speed: products and partial sums of small integers are
// exact in f32 while they stay below 2^24, whatever the summation order, so
// wherever that bound provably holds the integer products (in chunks of K)
// and the column sums of each row group (digits [cycles * P, rows] x cells
// [rows, columns]) run on the runtime's SGEMM; elsewhere plain int32 / int64
// loops do (CIMRunnerOptions::useFloatGemm = false forces them).
//
// Datapath layout (row-major; int32 up to the ADC, int64 after
// shift-and-add):
//   cim.mvm       the tile's cell digits [physRows, physCols] are built once
//                 per run (G- rows of differential_rows negated, the
//                 reference column all ones); column sums
//                 [cycles, row groups, P, columns];
//   cim.adc       elementwise, in place when its operand dies there;
//   cim.shift_add per vector: cycle-weighted column sums (int32 when the
//                 ADC range bounds them), then the slice weights;
//   cim.combine / cim.accumulate / cim.yield on [P, columns] partials.
// Every body op works vector by vector, so the body runs on blocks of input
// vectors in parallel, each block's intermediates staying in cache.
//
//===----------------------------------------------------------------------===//
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Support/Errors.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Runtime/Kernels.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <vector>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

namespace {

int64_t product(ArrayRef<int64_t> v) {
  return std::accumulate(v.begin(), v.end(), int64_t{1}, std::multiplies<>());
}

/// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, in
/// parallel when there are at least two chunks.
template <typename Fn> void parallelChunks(int64_t n, int64_t grain, Fn &&fn) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  int64_t threads = static_cast<int64_t>(llvm::parallel::getThreadCount());
  if (threads <= 1 || n < 2 * grain) {
    fn(int64_t{0}, n);
    return;
  }
  int64_t chunks = std::min<int64_t>(n / grain, 4 * threads);
  int64_t chunkSize = (n + chunks - 1) / chunks;
  chunks = (n + chunkSize - 1) / chunkSize;
  llvm::parallelFor(0, static_cast<size_t>(chunks), [&](size_t c) {
    int64_t begin = static_cast<int64_t>(c) * chunkSize;
    fn(begin, std::min(n, begin + chunkSize));
  });
}

/// Items per parallel chunk so that a chunk does about 2^17 basic operations.
int64_t grainFor(int64_t workPerItem) {
  return std::max<int64_t>(1, (int64_t{1} << 17) /
                                  std::max<int64_t>(workPerItem, 1));
}

/// An integer ElementsAttr as int64 values.
llvm::Expected<std::vector<int64_t>> readInts(ElementsAttr attr,
                                              StringRef name) {
  llvm::Expected<Tensor> t = elementsToTensor(attr);
  if (!t)
    return makeError("'" + name + "': " + llvm::toString(t.takeError()));
  if (runtime::isFloatingPoint(t->dtype()))
    return makeError("'" + name + "' must hold integers");
  std::vector<int64_t> out(static_cast<size_t>(t->numElements()));
  runtime::dispatchDType(t->dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *p = static_cast<const T *>(t->raw());
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<int64_t>(p[i]);
  });
  return out;
}

/// A numeric ElementsAttr as doubles.
llvm::Expected<std::vector<double>> readDoubles(ElementsAttr attr,
                                                StringRef name) {
  llvm::Expected<Tensor> t = elementsToTensor(attr);
  if (!t)
    return makeError("'" + name + "': " + llvm::toString(t.takeError()));
  std::vector<double> out(static_cast<size_t>(t->numElements()));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = t->getAsDouble(static_cast<int64_t>(i));
  return out;
}

/// Rounds in / step half away from zero (exact integer arithmetic).
inline int64_t roundDiv(int64_t in, int64_t step) {
  if (step == 1)
    return in;
  int64_t mag = (2 * (in < 0 ? -in : in) + step) / (2 * step);
  return in < 0 ? -mag : mag;
}

// The library is built for the baseline ISA; the elementwise integer
// kernels below also get an AVX2 clone picked at load time (x86-64 ELF).
#if defined(__x86_64__) && defined(__linux__) &&                               \
    (defined(__GNUC__) || defined(__clang__))
#define NNCC_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define NNCC_KERNEL
#endif

/// dst[i] = input digit of cycle `shift / dac` for row i of a vector whose
/// values are x[i / rowPolarities] (rowPolarities 1 or 2): (x >> shift) &
/// mask, or, for the last cycle of a signed input (`negate`), minus the
/// two's-complement value of that digit (see inputDigit).  shift < 31.
NNCC_KERNEL void fillDigits(const int32_t *x, int64_t rows,
                            int64_t rowPolarities, int32_t shift, int32_t mask,
                            bool negate, float *dst) {
  const int32_t half = mask >> 1;
  auto digit = [&](int32_t v) {
    int32_t t = (v >> shift) & mask;
    return negate ? (t > half ? mask + 1 - t : -t) : t;
  };
  if (rowPolarities == 1) {
    for (int64_t i = 0; i < rows; ++i)
      dst[i] = static_cast<float>(digit(x[i]));
  } else {
    for (int64_t i = 0; i < rows; ++i)
      dst[i] = static_cast<float>(digit(x[i >> 1]));
  }
}

NNCC_KERNEL void floatsToInts(const float *src, int32_t *dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = static_cast<int32_t>(src[i]);
}

NNCC_KERNEL void clampCodes(const int32_t *src, int32_t *dst, int64_t n,
                            int32_t lo, int32_t hi) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = std::min(std::max(src[i], lo), hi);
}

/// acc[i] +=/-= row[i] << shift (two's-complement wrap-free by the caller's
/// bound).
NNCC_KERNEL void addShifted(int32_t *acc, const int32_t *row, int64_t n,
                            int32_t shift, bool negative) {
  if (negative) {
    for (int64_t i = 0; i < n; ++i)
      acc[i] -= static_cast<int32_t>(static_cast<uint32_t>(row[i]) << shift);
  } else {
    for (int64_t i = 0; i < n; ++i)
      acc[i] += static_cast<int32_t>(static_cast<uint32_t>(row[i]) << shift);
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Impl
//===----------------------------------------------------------------------===//

struct CIMLayerRunner::Impl {
  CIMRunnerOptions options;
  Operation *op = nullptr;
  cim::LayerKind kind = cim::LayerKind::Conv;
  int64_t G = 0, P = 0, K = 0, N = 0;
  SmallVector<int64_t> inShape, outShape;

  // Conv geometry with the spatial dims padded to three (depth, height,
  // width); unit dims have kernel 1, stride 1, dilation 1, no padding.
  int64_t batch = 1, channels = 0;
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1},
      stride{1, 1, 1}, dilation{1, 1, 1}, padBegin{0, 0, 0};
  runtime::WindowParams window;
  bool transInput = false;

  Tensor bias; // f32 [G*N], empty without bias
  std::vector<double> biasValues;

  ElementsAttr weightsAttr;
  // ONNX-layout float weights, built by the first Float run.
  mutable std::once_flag floatOnce;
  mutable Tensor floatWeights;
  mutable std::string floatError;

  // Quantization (Integer and Datapath).
  bool quantized = false;
  int64_t inputBits = 0;
  double inputScale = 1;
  bool inputSigned = false;
  int32_t lo = 0, hi = 0;
  std::vector<int32_t> v; // q - z, [G, K, N]
  int64_t maxAbsV = 0;
  // v as f32 for the exact GEMM path, built on first use.
  mutable std::once_flag vFloatOnce;
  mutable std::vector<float> vFloat;
  std::vector<double> weightScales;

  // Datapath.
  bool partitioned = false;
  cim::SignedScheme scheme = cim::SignedScheme::DifferentialColumns;
  int64_t bitsPerCell = 0, weightSlices = 0, dacBits = 0, inputCycles = 0;
  std::vector<int64_t> offsets; // [G*N], offset scheme only
  std::vector<Operation *> bodyOps;
  std::vector<SmallVector<Value, 2>> lastUses;

  llvm::Error init(cim::LayerOp layer);
  llvm::Error initQuantization(cim::LayerOp layer);
  llvm::Error initDatapath(cim::LayerOp layer);
  llvm::Error prepareFloat() const;

  llvm::Error checkInput(const Tensor &input) const;
  llvm::Error prepareOutput(Tensor &output) const;
  llvm::Error runFloat(const Tensor &input, Tensor &output) const;
  std::vector<int32_t> quantizeInput(const Tensor &input) const;
  /// Rows [pBegin, pEnd) of group g's im2col matrix from the quantized
  /// input, into dst [pEnd - pBegin, K].
  template <typename T>
  void gather(const std::vector<int32_t> &xq, int64_t g, int64_t pBegin,
              int64_t pEnd, T *dst) const;
  Tensor quantizeIm2col(const Tensor &input) const;
  /// Integer accumulators straight from the input (Integer mode).
  Tensor integerFromInput(const Tensor &input) const;
  /// Whether the exact f32 GEMM path applies, and its K chunk.
  int64_t gemmChunk() const;
  /// v[g, k0 : k0 + kc, :] as an f32 [kc, N] matrix.
  Tensor weightChunk(int64_t g, int64_t k0, int64_t kc) const;
  /// og [rows, N] += a [rows, kc] x b [kc, N] by exact SGEMM.
  void gemmAccumulate(const Tensor &a, const Tensor &b, int64_t *og) const;
  Tensor integerAccumulators(const Tensor &xq) const;
  const std::vector<float> &weightsAsFloats() const;
  llvm::Expected<Tensor> datapath(const Tensor &xq,
                                  CIMBodyObserver observer) const;
  void dequantize(const Tensor &acc, Tensor &output) const;

  // Body ops.  The datapath runs the body on blocks of input vectors:
  // `vectors` below is the block's, the IR's types have the whole P.
  struct Tile;
  llvm::Error prepareTile(cim::MVMOp mvm, int64_t vectors, Tile &tile) const;
  llvm::Expected<Tensor>
  interpret(const Tensor &xq,
            const llvm::DenseMap<Operation *, const Tile *> &tiles,
            llvm::DenseMap<Operation *, Tensor> &ready,
            CIMBodyObserver observer) const;
  Tensor runMVM(const Tile &tile, const Tensor &xq) const;
  void runADC(cim::ADCOp adc, const Tensor &in, Tensor &out) const;
  llvm::Error runShiftAdd(cim::ShiftAddOp op, const Tensor &codes,
                          Tensor &magnitudes, Tensor &reference) const;
  llvm::Error runCombine(cim::CombineOp op, const Tensor &magnitudes,
                         const Tensor *reference, Tensor &partial) const;
  llvm::Error runAccumulate(cim::AccumulateOp op,
                            ArrayRef<const Tensor *> partials, int64_t vectors,
                            Tensor &out) const;
};

llvm::Error CIMLayerRunner::Impl::init(cim::LayerOp layer) {
  op = layer;
  kind = layer.getKind();
  cim::LayerOp::MatrixShape shape = layer.getMatrixShape();
  G = shape.groups;
  P = shape.vectors;
  K = shape.depth;
  N = shape.columns;
  auto inType = layer.getInput().getType();
  auto outType = layer.getOutput().getType();
  if (!inType.hasStaticShape() || !outType.hasStaticShape())
    return makeError("cim.layer '" + layer.getLayerName() +
                     "' must have static shapes");
  inShape.assign(inType.getShape().begin(), inType.getShape().end());
  outShape.assign(outType.getShape().begin(), outType.getShape().end());
  transInput = layer.getTransInput();
  weightsAttr = layer.getWeights();

  if (kind == cim::LayerKind::Conv) {
    int64_t spatial = static_cast<int64_t>(inShape.size()) - 2;
    if (spatial < 1 || spatial > 3)
      return makeError("conv layers have 1 to 3 spatial dims");
    batch = inShape[0];
    channels = inShape[1];
    // Empty strides, dilations or pads keep the defaults (1, 1, 0).
    auto fill = [&](ArrayRef<int64_t> src, std::array<int64_t, 3> &dst) {
      if (src.empty())
        return true;
      if (static_cast<int64_t>(src.size()) != spatial)
        return false;
      for (int64_t i = 0; i < spatial; ++i)
        dst[3 - spatial + i] = src[i];
      return true;
    };
    if (!fill(ArrayRef<int64_t>(inShape).drop_front(2), in) ||
        !fill(ArrayRef<int64_t>(outShape).drop_front(2), out) ||
        !fill(layer.getKernelShape(), kernel) ||
        !fill(layer.getStrides(), stride) ||
        !fill(layer.getDilations(), dilation) ||
        !fill(layer.getPadsBegin(), padBegin))
      return makeError("conv window attributes need one entry per spatial "
                       "dim");
    window.kernel.assign(layer.getKernelShape().begin(),
                         layer.getKernelShape().end());
    window.strides.assign(layer.getStrides().begin(), layer.getStrides().end());
    window.dilations.assign(layer.getDilations().begin(),
                            layer.getDilations().end());
    window.padsBegin.assign(layer.getPadsBegin().begin(),
                            layer.getPadsBegin().end());
    window.padsEnd.assign(layer.getPadsEnd().begin(), layer.getPadsEnd().end());
    if (window.padsBegin.empty())
      window.padsBegin.assign(spatial, 0);
    if (window.padsEnd.empty())
      window.padsEnd.assign(spatial, 0);
    if (channels % G != 0 || (channels / G) * product(kernel) != K)
      return makeError("conv weights do not match C/group * prod(kernel)");
  }

  if (auto b = layer.getBiasAttr()) {
    auto values = readDoubles(b, "bias");
    if (!values)
      return values.takeError();
    if (static_cast<int64_t>(values->size()) != G * N)
      return makeError("bias must have G*N elements");
    biasValues = std::move(*values);
    bias = Tensor(DType::F32, {G * N});
    float *bp = bias.data<float>();
    for (int64_t i = 0; i < G * N; ++i) {
      bp[i] = static_cast<float>(biasValues[i]);
      biasValues[i] = bp[i]; // exactly the f32 bias
    }
  } else {
    biasValues.assign(static_cast<size_t>(G * N), 0.0);
  }

  if (layer.isQuantized())
    if (llvm::Error err = initQuantization(layer))
      return err;
  if (layer.isPartitioned())
    if (llvm::Error err = initDatapath(layer))
      return err;
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::initQuantization(cim::LayerOp layer) {
  if (!layer.getInputBits() || !layer.getInputScale() ||
      !layer.getWeightScalesAttr() || !layer.getWeightZeroPointsAttr())
    return makeError("quantization attributes are incomplete");
  quantized = true;
  inputBits = static_cast<int64_t>(*layer.getInputBits());
  inputScale = layer.getInputScale()->convertToDouble();
  inputSigned = layer.getInputSigned().value_or(false);
  if (inputBits < 1 || inputBits > 16)
    return makeError("input_bits must be in [1, 16]");
  if (!(inputScale > 0) || !std::isfinite(inputScale))
    return makeError("input_scale must be positive and finite");
  if (inputSigned) {
    hi = static_cast<int32_t>((int64_t{1} << (inputBits - 1)) - 1);
    lo = -hi;
  } else {
    lo = 0;
    hi = static_cast<int32_t>((int64_t{1} << inputBits) - 1);
  }

  auto q = readInts(layer.getWeightIntsAttr(), "weight_ints");
  if (!q)
    return q.takeError();
  auto z = readInts(layer.getWeightZeroPointsAttr(), "weight_zero_points");
  if (!z)
    return z.takeError();
  auto s = readDoubles(layer.getWeightScalesAttr(), "weight_scales");
  if (!s)
    return s.takeError();
  if (static_cast<int64_t>(q->size()) != G * K * N ||
      static_cast<int64_t>(z->size()) != G * N ||
      static_cast<int64_t>(s->size()) != G * N)
    return makeError("weight_ints must be [G, K, N], weight_zero_points and "
                     "weight_scales [G*N]");
  weightScales = std::move(*s);
  v.resize(q->size());
  maxAbsV = 0;
  for (int64_t g = 0; g < G; ++g)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t n = 0; n < N; ++n) {
        int64_t i = (g * K + k) * N + n;
        int64_t value = (*q)[i] - (*z)[g * N + n];
        if (value < std::numeric_limits<int32_t>::min() / 2 ||
            value > std::numeric_limits<int32_t>::max() / 2)
          return makeError("weight_ints - weight_zero_points out of range");
        v[i] = static_cast<int32_t>(value);
        maxAbsV = std::max<int64_t>(maxAbsV, value < 0 ? -value : value);
      }
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::initDatapath(cim::LayerOp layer) {
  if (!quantized)
    return makeError("a partitioned layer must be quantized");
  if (!layer.getSignedScheme() || !layer.getBitsPerCell() ||
      !layer.getWeightSlices() || !layer.getDacBits() ||
      !layer.getInputCycles())
    return makeError("a partitioned layer needs signed_scheme, bits_per_cell, "
                     "weight_slices, dac_bits and input_cycles");
  partitioned = true;
  scheme = *layer.getSignedScheme();
  bitsPerCell = static_cast<int64_t>(*layer.getBitsPerCell());
  weightSlices = static_cast<int64_t>(*layer.getWeightSlices());
  dacBits = static_cast<int64_t>(*layer.getDacBits());
  inputCycles = static_cast<int64_t>(*layer.getInputCycles());
  if (bitsPerCell < 1 || bitsPerCell > 16 || weightSlices < 1 ||
      bitsPerCell * weightSlices > 40 || dacBits < 1 || dacBits > 16 ||
      inputCycles < 1 || inputCycles * dacBits < inputBits ||
      inputCycles * dacBits > 62)
    return makeError("bad bit-slicing attributes");
  if (scheme == cim::SignedScheme::OffsetReference) {
    if (!layer.getWeightOffsetsAttr())
      return makeError("the offset scheme needs weight_offsets");
    auto o = readInts(layer.getWeightOffsetsAttr(), "weight_offsets");
    if (!o)
      return o.takeError();
    if (static_cast<int64_t>(o->size()) != G * N)
      return makeError("weight_offsets must have G*N elements");
    offsets = std::move(*o);
  }
  // Every stored value must fit the slices, or no datapath can reproduce
  // the integer semantics.
  const int64_t limit = int64_t{1} << (bitsPerCell * weightSlices);
  for (int64_t g = 0; g < G; ++g)
    for (int64_t k = 0; k < K; ++k)
      for (int64_t n = 0; n < N; ++n) {
        int64_t value = v[(g * K + k) * N + n];
        int64_t stored = scheme == cim::SignedScheme::OffsetReference
                             ? value + offsets[g * N + n]
                             : (value < 0 ? -value : value);
        if (stored < 0 || stored >= limit)
          return makeError(llvm::formatv(
              "cim.layer '{0}': stored weight {1} (group {2}, row {3}, "
              "column {4}) does not fit {5} slices of {6} bits",
              layer.getLayerName(), stored, g, k, n, weightSlices,
              bitsPerCell));
      }

  Block &block = layer.getBody().front();
  if (block.getNumArguments() != 1)
    return makeError("the body takes one argument");
  llvm::DenseMap<Value, size_t> lastUse;
  for (Operation &bodyOp : block) {
    if (!isa<cim::MVMOp, cim::ADCOp, cim::ShiftAddOp, cim::CombineOp,
             cim::AccumulateOp, cim::YieldOp>(bodyOp))
      return makeError("cannot execute '" + bodyOp.getName().getStringRef() +
                       "' in a cim.layer body");
    if (bodyOp.getNumRegions() != 0)
      return makeError("body ops must not have regions");
    for (Value operand : bodyOp.getOperands())
      lastUse[operand] = bodyOps.size();
    bodyOps.push_back(&bodyOp);
  }
  lastUses.resize(bodyOps.size());
  for (auto [value, at] : lastUse)
    lastUses[at].push_back(value);
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::prepareFloat() const {
  std::call_once(floatOnce, [&] {
    llvm::Expected<Tensor> w = elementsToTensor(weightsAttr);
    if (!w) {
      floatError = llvm::toString(w.takeError());
      return;
    }
    if (w->dtype() != DType::F32 || w->numElements() != G * K * N) {
      floatError = "weights must be f32 [G, K, N]";
      return;
    }
    if (kind == cim::LayerKind::Gemm) {
      floatWeights = w->reshaped({K, N});
      return;
    }
    // [G, K, N] -> [G*N, C/G, kernel...]: output channel g*N + n, flattened
    // (channel, kernel...) index k.
    SmallVector<int64_t> shape{G * N, channels / G};
    shape.append(window.kernel.begin(), window.kernel.end());
    Tensor onnx(DType::F32, shape);
    const float *src = w->data<float>();
    float *dst = onnx.data<float>();
    for (int64_t g = 0; g < G; ++g)
      for (int64_t k = 0; k < K; ++k)
        for (int64_t n = 0; n < N; ++n)
          dst[(g * N + n) * K + k] = src[(g * K + k) * N + n];
    floatWeights = std::move(onnx);
  });
  if (!floatError.empty())
    return makeError(floatError);
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::checkInput(const Tensor &input) const {
  if (input.dtype() != DType::F32 ||
      input.shape() != ArrayRef<int64_t>(inShape))
    return makeError(llvm::formatv(
        "cim.layer '{0}' takes f32 {1}, got {2} {3}",
        cast<cim::LayerOp>(op).getLayerName(), formatShape(inShape),
        runtime::dtypeName(input.dtype()), formatShape(input.shape())));
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::prepareOutput(Tensor &output) const {
  if (output.empty()) {
    output = Tensor(DType::F32, outShape);
    return llvm::Error::success();
  }
  if (output.dtype() != DType::F32 ||
      output.shape() != ArrayRef<int64_t>(outShape))
    return makeError(llvm::formatv(
        "cim.layer '{0}' produces f32 {1}, the "
        "output is {2} {3}",
        cast<cim::LayerOp>(op).getLayerName(), formatShape(outShape),
        runtime::dtypeName(output.dtype()), formatShape(output.shape())));
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::runFloat(const Tensor &input,
                                           Tensor &output) const {
  if (llvm::Error err = prepareFloat())
    return err;
  const Tensor *b = bias.empty() ? nullptr : &bias;
  if (kind == cim::LayerKind::Conv)
    runtime::conv(input, floatWeights, b, window, G, output);
  else
    runtime::gemm(input, floatWeights, b, 1.0f, 1.0f, transInput, false,
                  output);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Quantization and im2col
//===----------------------------------------------------------------------===//

std::vector<int32_t>
CIMLayerRunner::Impl::quantizeInput(const Tensor &input) const {
  // clamp(round_half_away_from_zero(x / scale), lo, hi), branch-free and
  // without libm: NaN -> 0, clamp to [lo - 1, hi + 1], then
  // truncate and round the exact remainder.
  const double scale = inputScale;
  const int32_t ilo = lo, ihi = hi;
  const double dlo = lo - 1.0, dhi = hi + 1.0;
  const int64_t total = input.numElements();
  std::vector<int32_t> xq(static_cast<size_t>(total));
  const float *x = input.data<float>();
  int32_t *out = xq.data();
  parallelChunks(total, int64_t{1} << 15, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double q = static_cast<double>(x[i]) / scale;
      q = q == q ? q : 0.0;
      q = std::min(std::max(dlo, q), dhi);
      int32_t r = static_cast<int32_t>(q);
      double frac = q - r;
      r += static_cast<int32_t>(frac >= 0.5) -
           static_cast<int32_t>(frac <= -0.5);
      out[i] = std::min(std::max(r, ilo), ihi);
    }
  });
  return xq;
}

template <typename T>
void CIMLayerRunner::Impl::gather(const std::vector<int32_t> &xq, int64_t g,
                                  int64_t pBegin, int64_t pEnd, T *dst) const {
  const int32_t *src = xq.data();
  const int64_t count = pEnd - pBegin;
  if (kind == cim::LayerKind::Gemm) {
    // xq[0, m, k] = A[m, k], or A^T: the input is [K, M].
    parallelChunks(count, grainFor(K), [&](int64_t begin, int64_t end) {
      for (int64_t m = pBegin + begin; m < pBegin + end; ++m)
        for (int64_t k = 0; k < K; ++k)
          dst[(m - pBegin) * K + k] =
              static_cast<T>(transInput ? src[k * P + m] : src[m * K + k]);
    });
    return;
  }
  // Row p of group g: for each channel of the group and each kernel tap
  // (t0, t1, t2), the input under it, or 0 in the padding.
  const int64_t cg = channels / G;
  const int64_t inPlane = in[0] * in[1] * in[2];
  const int64_t outPlane = out[0] * out[1] * out[2];
  const std::array<int64_t, 3> k = kernel, d = dilation, s = stride,
                               pad = padBegin, size = in;
  parallelChunks(count, grainFor(K), [&](int64_t begin, int64_t end) {
    for (int64_t p = pBegin + begin; p < pBegin + end; ++p) {
      const int64_t b = p / outPlane, sp = p % outPlane;
      const int64_t base0 = sp / (out[1] * out[2]) * s[0] - pad[0];
      const int64_t base1 = sp / out[2] % out[1] * s[1] - pad[1];
      const int64_t base2 = sp % out[2] * s[2] - pad[2];
      const bool inside2 = base2 >= 0 && base2 + (k[2] - 1) * d[2] < size[2];
      const int32_t *plane = src + (b * channels + g * cg) * inPlane;
      T *row = dst + (p - pBegin) * K;
      for (int64_t c = 0; c < cg; ++c, plane += inPlane)
        for (int64_t t0 = 0; t0 < k[0]; ++t0) {
          const int64_t i0 = base0 + t0 * d[0];
          for (int64_t t1 = 0; t1 < k[1]; ++t1, row += k[2]) {
            const int64_t i1 = base1 + t1 * d[1];
            if (i0 < 0 || i0 >= size[0] || i1 < 0 || i1 >= size[1]) {
              std::fill_n(row, k[2], T(0));
              continue;
            }
            const int32_t *line = plane + (i0 * size[1] + i1) * size[2] + base2;
            if (inside2) {
              for (int64_t t2 = 0; t2 < k[2]; ++t2)
                row[t2] = static_cast<T>(line[t2 * d[2]]);
            } else {
              for (int64_t t2 = 0; t2 < k[2]; ++t2) {
                const int64_t i2 = base2 + t2 * d[2];
                row[t2] = i2 >= 0 && i2 < size[2]
                              ? static_cast<T>(line[t2 * d[2]])
                              : T(0);
              }
            }
          }
        }
    }
  });
}

Tensor CIMLayerRunner::Impl::quantizeIm2col(const Tensor &input) const {
  std::vector<int32_t> xq = quantizeInput(input);
  Tensor col(DType::I32, {G, P, K});
  for (int64_t g = 0; g < G; ++g)
    gather(xq, g, 0, P, col.data<int32_t>() + g * P * K);
  return col;
}

//===----------------------------------------------------------------------===//
// Integer mode
//===----------------------------------------------------------------------===//

namespace {

/// out[p, :] = sum_k x[p, k] * v[k, :] for p in [pBegin, pEnd), four rows of
/// x at a time so that each row of v is loaded once per four products.  Acc
/// is int32 when the caller has proven that no partial sum overflows it.
template <typename Acc>
void integerProduct(const int32_t *x, const int32_t *v, int64_t pBegin,
                    int64_t pEnd, int64_t K, int64_t N, int64_t *out) {
  std::vector<Acc> acc(static_cast<size_t>(4 * N));
  for (int64_t p0 = pBegin; p0 < pEnd; p0 += 4) {
    const int64_t rows = std::min<int64_t>(4, pEnd - p0);
    std::fill(acc.begin(), acc.end(), Acc{0});
    Acc *a0 = acc.data(), *a1 = a0 + N, *a2 = a1 + N, *a3 = a2 + N;
    const int32_t *x0 = x + p0 * K;
    const int32_t *x1 = rows > 1 ? x0 + K : nullptr;
    const int32_t *x2 = rows > 2 ? x0 + 2 * K : nullptr;
    const int32_t *x3 = rows > 3 ? x0 + 3 * K : nullptr;
    for (int64_t k = 0; k < K; ++k) {
      const Acc c0 = x0[k], c1 = x1 ? x1[k] : 0, c2 = x2 ? x2[k] : 0,
                c3 = x3 ? x3[k] : 0;
      if ((c0 | c1 | c2 | c3) == 0)
        continue;
      const int32_t *vr = v + k * N;
      for (int64_t n = 0; n < N; ++n) {
        const Acc w = vr[n];
        a0[n] += c0 * w;
        a1[n] += c1 * w;
        a2[n] += c2 * w;
        a3[n] += c3 * w;
      }
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t n = 0; n < N; ++n)
        out[(p0 + r) * N + n] = static_cast<int64_t>(acc[r * N + n]);
  }
}

} // namespace

/// Exactness of the float GEMM paths: products and partial sums of small
/// integers are exact in f32 while every |partial sum| stays below 2^24,
/// whatever the summation order (and with FMA).
constexpr int64_t kExactF32 = int64_t{1} << 24;
/// Below this many multiply-adds the integer loops beat packing for SGEMM.
constexpr int64_t kMinGemmMacs = int64_t{1} << 15;

const std::vector<float> &CIMLayerRunner::Impl::weightsAsFloats() const {
  std::call_once(vFloatOnce, [&] { vFloat.assign(v.begin(), v.end()); });
  return vFloat;
}

int64_t CIMLayerRunner::Impl::gemmChunk() const {
  const int64_t maxX = std::max<int64_t>(std::abs(int64_t{lo}), hi);
  const int64_t maxProduct = std::max<int64_t>(maxX * maxAbsV, 1);
  const int64_t chunk = std::min(K, (kExactF32 - 1) / maxProduct);
  return options.useFloatGemm && P * K * N >= kMinGemmMacs &&
                 chunk >= std::min<int64_t>(K, 16)
             ? chunk
             : 0;
}

Tensor CIMLayerRunner::Impl::weightChunk(int64_t g, int64_t k0,
                                         int64_t kc) const {
  Tensor b(DType::F32, {kc, N});
  std::copy_n(weightsAsFloats().data() + (g * K + k0) * N, kc * N,
              b.data<float>());
  return b;
}

void CIMLayerRunner::Impl::gemmAccumulate(const Tensor &a, const Tensor &b,
                                          int64_t *og) const {
  const int64_t rows = a.dim(0);
  // The SGEMM vectorizes along the result's rows: put the longer of the
  // vectors and N there (acc^T = v^T x^T when the vectors are).
  if (rows > N) {
    Tensor c(DType::F32, {N, rows});
    runtime::gemm(b, a, nullptr, 1.0f, 0.0f, true, true, c);
    const float *cp = c.data<float>();
    parallelChunks(rows, grainFor(N), [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p)
        for (int64_t n = 0; n < N; ++n)
          og[p * N + n] += static_cast<int64_t>(cp[n * rows + p]);
    });
  } else {
    Tensor c(DType::F32, {rows, N});
    runtime::gemm(a, b, nullptr, 1.0f, 0.0f, false, false, c);
    const float *cp = c.data<float>();
    for (int64_t i = 0; i < rows * N; ++i)
      og[i] += static_cast<int64_t>(cp[i]);
  }
}

Tensor CIMLayerRunner::Impl::integerFromInput(const Tensor &input) const {
  if (gemmChunk() < K)
    return integerAccumulators(quantizeIm2col(input));
  // One exact SGEMM per group and block of vectors on an f32 im2col
  // gathered straight from the quantized input; blocks run in parallel and
  // keep the im2col block in cache.
  std::vector<int32_t> xq = quantizeInput(input);
  Tensor acc(DType::I64, {G, P, N});
  const int64_t threads =
      static_cast<int64_t>(llvm::parallel::getThreadCount());
  int64_t blockSize = std::clamp<int64_t>((int64_t{1} << 16) / K, 64, P);
  if (threads > 1)
    blockSize =
        std::min(blockSize, std::max<int64_t>(64, (P + threads - 1) / threads));
  // Below ~2^18 multiply-adds forking costs more than it saves.
  if (P * K * N < (int64_t{1} << 18))
    blockSize = P;
  blockSize = std::min(blockSize, P);
  const int64_t blocks = (P + blockSize - 1) / blockSize;
  for (int64_t g = 0; g < G; ++g) {
    const Tensor b = weightChunk(g, 0, K);
    int64_t *og = acc.data<int64_t>() + g * P * N;
    // parallelChunks runs a single block inline (no thread hand-off).
    parallelChunks(blocks, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const int64_t p0 = i * blockSize;
        const int64_t count = std::min(blockSize, P - p0);
        Tensor a(DType::F32, {count, K});
        gather(xq, g, p0, p0 + count, a.data<float>());
        gemmAccumulate(a, b, og + p0 * N);
      }
    });
  }
  return acc;
}

Tensor CIMLayerRunner::Impl::integerAccumulators(const Tensor &xq) const {
  Tensor acc(DType::I64, {G, P, N});
  const int32_t *x = xq.data<int32_t>();
  int64_t *out = acc.data<int64_t>();

  // Exact f32 SGEMM over chunks of K short enough that no partial sum
  // reaches 2^24; the chunks add up in int64.
  if (const int64_t chunk = gemmChunk()) {
    for (int64_t g = 0; g < G; ++g)
      for (int64_t k0 = 0; k0 < K; k0 += chunk) {
        const int64_t kc = std::min(chunk, K - k0);
        Tensor a(DType::F32, {P, kc});
        float *ap = a.data<float>();
        parallelChunks(P, grainFor(kc), [&](int64_t begin, int64_t end) {
          for (int64_t p = begin; p < end; ++p)
            for (int64_t k = 0; k < kc; ++k)
              ap[p * kc + k] = static_cast<float>(x[(g * P + p) * K + k0 + k]);
        });
        gemmAccumulate(a, weightChunk(g, k0, kc), out + g * P * N);
      }
    return acc;
  }

  // Integer loops: int32 accumulators when |partial sums| <= max|xq| *
  // max|v| * K fits them.
  const int64_t maxX = std::max<int64_t>(std::abs(int64_t{lo}), hi);
  const int64_t maxProduct = std::max<int64_t>(maxX * maxAbsV, 1);
  const bool narrow = maxProduct * K < (int64_t{1} << 31) - 1;
  const int64_t blocks = (P + 3) / 4;
  parallelChunks(G * blocks, grainFor(4 * K * N),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t i = begin; i < end; ++i) {
                     int64_t g = i / blocks, b = i % blocks;
                     int64_t pb = b * 4, pe = std::min(P, pb + 4);
                     const int32_t *xg = x + g * P * K;
                     const int32_t *vg = v.data() + g * K * N;
                     int64_t *og = out + g * P * N;
                     if (narrow)
                       integerProduct<int32_t>(xg, vg, pb, pe, K, N, og);
                     else
                       integerProduct<int64_t>(xg, vg, pb, pe, K, N, og);
                   }
                 });
  return acc;
}

void CIMLayerRunner::Impl::dequantize(const Tensor &acc, Tensor &output) const {
  const int64_t *a = acc.data<int64_t>();
  float *y = output.data<float>();
  const int64_t outPlane =
      kind == cim::LayerKind::Conv ? out[0] * out[1] * out[2] : 1;
  parallelChunks(G * P, grainFor(4 * N), [&](int64_t begin, int64_t end) {
    for (int64_t gp = begin; gp < end; ++gp) {
      int64_t g = gp / P, p = gp % P;
      for (int64_t n = 0; n < N; ++n) {
        int64_t c = g * N + n;
        double value =
            inputScale * weightScales[c] * static_cast<double>(a[gp * N + n]) +
            biasValues[c];
        int64_t index;
        if (kind == cim::LayerKind::Conv) {
          int64_t b = p / outPlane, sp = p % outPlane;
          index = (b * G * N + c) * outPlane + sp;
        } else {
          index = p * N + n;
        }
        y[index] = static_cast<float>(value);
      }
    }
  });
}

//===----------------------------------------------------------------------===//
// Datapath mode
//===----------------------------------------------------------------------===//

/// A cim.mvm's tile with its cell digits laid out for the kernels.
struct CIMLayerRunner::Impl::Tile {
  cim::TileLayout layout;
  int64_t group = 0, rowBegin = 0, rowsInParallel = 1, rowGroups = 0;
  int64_t physRows = 0, physCols = 0;
  /// Integer path: digits [physRows, physCols], G- rows of differential
  /// rows negated (they subtract in the column).
  std::vector<int32_t> cells;
  /// GEMM path: the same digits as f32, one [rows, physCols] matrix per
  /// row group.
  std::vector<Tensor> groupCells;
  bool gemm = false;
};

namespace {

/// Column sums of one input vector: for every cycle j and row group r,
/// out[(j * rowGroups + r) * outStride + c] += sum over the group's physical
/// rows of digit[j][k(row)] * cells[row][c].
void mvmVector(const int32_t *digits, int64_t weightRows, int64_t cycles,
               const int32_t *cells, int64_t physRows, int64_t physCols,
               int64_t rowPolarities, int64_t rowsInParallel, int64_t rowGroups,
               int32_t *out, int64_t outStride) {
  for (int64_t j = 0; j < cycles; ++j) {
    const int32_t *dj = digits + j * weightRows;
    for (int64_t r = 0; r < rowGroups; ++r) {
      int32_t *o = out + (j * rowGroups + r) * outStride;
      const int64_t rowEnd = std::min(physRows, (r + 1) * rowsInParallel);
      for (int64_t row = r * rowsInParallel; row < rowEnd; ++row) {
        const int32_t d = dj[row / rowPolarities];
        if (d == 0)
          continue;
        const int32_t *cellRow = cells + row * physCols;
        if (d == 1) {
          for (int64_t c = 0; c < physCols; ++c)
            o[c] += cellRow[c];
        } else {
          for (int64_t c = 0; c < physCols; ++c)
            o[c] += d * cellRow[c];
        }
      }
    }
  }
}

} // namespace

llvm::Error CIMLayerRunner::Impl::prepareTile(cim::MVMOp mvm, int64_t vectors,
                                              Tile &tile) const {
  const int64_t g = mvm.getGroup(), rb = mvm.getRowBegin(),
                re = mvm.getRowEnd(), cb = mvm.getColBegin(),
                ce = mvm.getColEnd(), sb = mvm.getSliceBegin(),
                se = mvm.getSliceEnd(), R = mvm.getRowsInParallel();
  if (g < 0 || g >= G || rb < 0 || re <= rb || re > K || cb < 0 || ce <= cb ||
      ce > N || sb < 0 || se <= sb || se > weightSlices || R < 1)
    return makeError("cim.mvm tile ranges fall outside the weight matrix");
  cim::TileLayout layout{scheme, re - rb, ce - cb, se - sb,
                         mvm.getReferenceColumn()};
  // Offset-scheme tiles carry the reference column, except those that hold
  // only higher slices of a slice-split column (docs/cim-dialect.md).
  if (layout.referenceColumn && scheme != cim::SignedScheme::OffsetReference)
    return makeError("only the offset scheme's tiles have a reference column");
  tile.layout = layout;
  tile.group = g;
  tile.rowBegin = rb;
  tile.rowsInParallel = R;
  tile.physRows = layout.physicalRows();
  tile.physCols = layout.physicalColumns();
  tile.rowGroups = (tile.physRows + R - 1) / R;
  const int64_t cycles = inputCycles;
  if (mvm.getColumnSums().getType().getShape() !=
      ArrayRef<int64_t>{cycles, tile.rowGroups, P, tile.physCols})
    return makeError("cim.mvm result must be [cycles, row groups, P, columns]");

  // Digits in the cells.
  const int64_t physCols = tile.physCols;
  std::vector<int32_t> &cells = tile.cells;
  cells.assign(static_cast<size_t>(tile.physRows * physCols), 0);
  auto at = [&](int64_t row, int64_t col) -> int32_t & {
    return cells[row * physCols + col];
  };
  cim::forEachTileDigit(
      layout, sb, bitsPerCell,
      [&](int64_t k, int64_t n) { return v[(g * K + rb + k) * N + cb + n]; },
      [&](int64_t n) { return offsets[g * N + cb + n]; },
      [&](int64_t row, int64_t col, int64_t digit, bool negativeRow) {
        // The G- row is driven with the opposite polarity.
        at(row, col) = static_cast<int32_t>(negativeRow ? -digit : digit);
      });

  // The GEMM path pays off for enough vectors x cycles and is exact while
  // |column sums| < 2^24.
  const int64_t maxDigit = int64_t{1} << dacBits;
  const int64_t maxCell = int64_t{1} << bitsPerCell;
  const int64_t rowsAtOnce = std::min(R, tile.physRows);
  tile.gemm = options.useFloatGemm && vectors * cycles >= 16 &&
              rowsAtOnce * maxDigit * maxCell < kExactF32;
  if (tile.gemm) {
    for (int64_t r = 0; r < tile.rowGroups; ++r) {
      const int64_t row0 = r * R,
                    rows = std::min(tile.physRows, row0 + R) - row0;
      Tensor group(DType::F32, {rows, physCols});
      std::copy_n(cells.data() + row0 * physCols, rows * physCols,
                  group.data<float>());
      tile.groupCells.push_back(std::move(group));
    }
    cells.clear();
    cells.shrink_to_fit();
  }
  return llvm::Error::success();
}

Tensor CIMLayerRunner::Impl::runMVM(const Tile &tile, const Tensor &xq) const {
  const int64_t vectors = xq.dim(1);
  const int64_t cycles = inputCycles, rows = tile.layout.weightRows;
  const int64_t physCols = tile.physCols, rowGroups = tile.rowGroups;
  const int64_t R = tile.rowsInParallel;
  const int64_t rowPolarities = tile.layout.rowPolarities();
  const int64_t dac = dacBits;
  const bool isSigned = inputSigned;
  Tensor result(DType::I32, {cycles, rowGroups, vectors, physCols});
  int32_t *out = result.data<int32_t>();
  const int32_t *x =
      xq.data<int32_t>() + tile.group * vectors * K + tile.rowBegin;

  if (!tile.gemm) {
    parallelChunks(
        vectors, grainFor(cycles * tile.physRows * physCols),
        [&](int64_t begin, int64_t end) {
          std::vector<int32_t> digits(static_cast<size_t>(cycles * rows));
          for (int64_t p = begin; p < end; ++p) {
            const int32_t *xp = x + p * K;
            for (int64_t j = 0; j < cycles; ++j)
              for (int64_t k = 0; k < rows; ++k)
                digits[j * rows + k] = static_cast<int32_t>(
                    inputDigit(xp[k], j, cycles, dac, isSigned));
            mvmVector(digits.data(), rows, cycles, tile.cells.data(),
                      tile.physRows, physCols, rowPolarities, R, rowGroups,
                      out + p * physCols, vectors * physCols);
          }
        });
    return result;
  }

  // Per row group r: digits [cycles * vectors, rows of r] x cells [rows of
  // r, columns] = sums [cycles * vectors, columns], i.e. out[:, r].
  for (int64_t r = 0; r < rowGroups; ++r) {
    const Tensor &cells = tile.groupCells[r];
    const int64_t row0 = r * R, groupRows = cells.dim(0);
    Tensor a(DType::F32, {cycles * vectors, groupRows});
    float *ap = a.data<float>();
    // Physical rows [row0, row0 + groupRows) start at an even row with
    // differential rows (R even) or read weight row row0 / 2 + i / 2.
    const bool aligned = rowPolarities == 1 || row0 % 2 == 0;
    for (int64_t p = 0; p < vectors; ++p)
      for (int64_t j = 0; j < cycles; ++j) {
        float *dst = ap + (j * vectors + p) * groupRows;
        const int64_t shift = j * dac;
        if (aligned && shift < 31) {
          fillDigits(x + p * K + row0 / rowPolarities, groupRows, rowPolarities,
                     static_cast<int32_t>(shift),
                     static_cast<int32_t>((int64_t{1} << dac) - 1),
                     isSigned && j == cycles - 1, dst);
          continue;
        }
        for (int64_t i = 0; i < groupRows; ++i)
          dst[i] = static_cast<float>(inputDigit(
              x[p * K + (row0 + i) / rowPolarities], j, cycles, dac, isSigned));
      }
    const int64_t m = cycles * vectors;
    if (physCols >= 64 || physCols >= m) {
      Tensor c(DType::F32, {m, physCols});
      runtime::gemm(a, cells, nullptr, 1.0f, 0.0f, false, false, c);
      const float *cp = c.data<float>();
      for (int64_t j = 0; j < cycles; ++j)
        floatsToInts(cp + j * vectors * physCols,
                     out + (j * rowGroups + r) * vectors * physCols,
                     vectors * physCols);
    } else {
      // Narrow tiles: sums^T = cells^T x digits^T keeps the SGEMM's vector
      // dimension long.
      Tensor c(DType::F32, {physCols, m});
      runtime::gemm(cells, a, nullptr, 1.0f, 0.0f, true, true, c);
      const float *cp = c.data<float>();
      for (int64_t j = 0; j < cycles; ++j)
        for (int64_t p = 0; p < vectors; ++p) {
          int32_t *dst = out + ((j * rowGroups + r) * vectors + p) * physCols;
          for (int64_t col = 0; col < physCols; ++col)
            dst[col] = static_cast<int32_t>(cp[col * m + j * vectors + p]);
        }
    }
  }
  return result;
}

void CIMLayerRunner::Impl::runADC(cim::ADCOp adc, const Tensor &in,
                                  Tensor &out) const {
  const int64_t bits = adc.getBits(), step = adc.getStep();
  const int64_t lo = adc.getBipolar() ? -(int64_t{1} << (bits - 1)) : 0;
  const int64_t hi = adc.getBipolar() ? (int64_t{1} << (bits - 1)) - 1
                                      : (int64_t{1} << bits) - 1;
  const int32_t *src = in.data<int32_t>();
  int32_t *dst = out.data<int32_t>();
  const int64_t n = in.numElements();
  constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
  constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
  if (step == 1 && lo >= kI32Min && hi <= kI32Max) {
    const int32_t lo32 = static_cast<int32_t>(lo),
                  hi32 = static_cast<int32_t>(hi);
    parallelChunks(n, int64_t{1} << 16, [&](int64_t begin, int64_t end) {
      clampCodes(src + begin, dst + begin, end - begin, lo32, hi32);
    });
    return;
  }
  parallelChunks(n, int64_t{1} << 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      int64_t code = std::clamp(roundDiv(src[i], step), lo, hi) * step;
      dst[i] = static_cast<int32_t>(std::clamp(code, kI32Min, kI32Max));
    }
  });
}

llvm::Error CIMLayerRunner::Impl::runShiftAdd(cim::ShiftAddOp op,
                                              const Tensor &codes,
                                              Tensor &magnitudes,
                                              Tensor &reference) const {
  if (codes.dtype() != DType::I32 || codes.rank() != 4)
    return makeError("cim.shift_add expects i32 [cycles, row groups, P, "
                     "columns]");
  const int64_t cycles = codes.dim(0), rowGroups = codes.dim(1),
                vectors = codes.dim(2), cols = codes.dim(3);
  const int64_t sb = op.getSliceBegin(), slices = op.getSliceEnd() - sb;
  const int64_t pol = op.getPolarities();
  const bool ref = op.getReferenceColumn();
  const int64_t dac = op.getDacBits(), bpc = op.getBitsPerCell();
  const int64_t dataCols = cols - (ref ? 1 : 0);
  if (slices < 1 || pol < 1 || pol > 2 || dataCols % (slices * pol) != 0 ||
      dac < 1 || bpc < 1 || (cycles - 1) * dac > 62 ||
      (sb + slices - 1) * bpc > 62)
    return makeError("cim.shift_add: bad slices, polarities or bit widths");
  cim::TileLayout layout{scheme, 0, dataCols / (slices * pol), slices, ref};
  if (layout.columnPolarities() != pol)
    return makeError("cim.shift_add polarities do not match the layer's "
                     "signed-weight scheme");
  const int64_t weightCols = layout.weightCols;
  magnitudes = Tensor(DType::I64, {vectors, weightCols, pol});
  if (ref)
    reference = Tensor(DType::I64, {vectors});

  std::vector<int64_t> cycleWeight(cycles), sliceWeight(slices);
  for (int64_t j = 0; j < cycles; ++j)
    cycleWeight[j] = int64_t{1} << (j * dac);
  if (op.getInputSigned())
    cycleWeight[cycles - 1] = -cycleWeight[cycles - 1];
  for (int64_t s = 0; s < slices; ++s)
    sliceWeight[s] = int64_t{1} << ((sb + s) * bpc);

  const int32_t *c = codes.data<int32_t>();
  int64_t *mag = magnitudes.data<int64_t>();
  int64_t *refOut = ref ? reference.data<int64_t>() : nullptr;

  // The cycle-weighted column sums fit int32 when max|code| * row groups *
  // sum_j 2^(j * dac) does; max|code| comes from the ADC that produced the
  // codes, or from a scan.
  int64_t maxCode = 0;
  if (auto adc = op.getCodes().getDefiningOp<cim::ADCOp>()) {
    maxCode =
        (int64_t{1} << adc.getBits()) * static_cast<int64_t>(adc.getStep());
  } else {
    for (int32_t code : codes.values<int32_t>())
      maxCode = std::max<int64_t>(maxCode, std::abs(int64_t{code}));
  }
  int64_t weightSum = 0;
  for (int64_t w : cycleWeight)
    weightSum += std::abs(w);
  const bool narrow = maxCode < (int64_t{1} << 31) &&
                      maxCode * rowGroups * weightSum < (int64_t{1} << 31);

  parallelChunks(
      vectors, grainFor(cycles * rowGroups * cols),
      [&](int64_t begin, int64_t end) {
        std::vector<int32_t> sum32(static_cast<size_t>(cols));
        std::vector<int64_t> sum(static_cast<size_t>(cols));
        for (int64_t p = begin; p < end; ++p) {
          if (narrow) {
            // Shift-and-add in int32 (weights are +-2^(j*dac)).
            std::fill(sum32.begin(), sum32.end(), 0);
            for (int64_t j = 0; j < cycles; ++j) {
              const int32_t shift = static_cast<int32_t>(j * dac);
              const bool negative = cycleWeight[j] < 0;
              for (int64_t r = 0; r < rowGroups; ++r)
                addShifted(sum32.data(),
                           c + ((j * rowGroups + r) * vectors + p) * cols, cols,
                           shift, negative);
            }
            std::copy(sum32.begin(), sum32.end(), sum.begin());
          } else {
            std::fill(sum.begin(), sum.end(), 0);
            for (int64_t j = 0; j < cycles; ++j)
              for (int64_t r = 0; r < rowGroups; ++r) {
                const int32_t *row =
                    c + ((j * rowGroups + r) * vectors + p) * cols;
                const int64_t w = cycleWeight[j];
                for (int64_t col = 0; col < cols; ++col)
                  sum[col] += w * row[col];
              }
          }
          int64_t *m = mag + p * weightCols * pol;
          for (int64_t n = 0; n < weightCols; ++n)
            for (int64_t q = 0; q < pol; ++q) {
              int64_t total = 0;
              for (int64_t s = 0; s < slices; ++s)
                total += sliceWeight[s] * sum[layout.column(n, s, q)];
              m[n * pol + q] = total;
            }
          if (refOut)
            refOut[p] = sum[layout.referenceColumnIndex()];
        }
      });
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::runCombine(cim::CombineOp op,
                                             const Tensor &magnitudes,
                                             const Tensor *reference,
                                             Tensor &partial) const {
  if (magnitudes.dtype() != DType::I64 || magnitudes.rank() != 3)
    return makeError("cim.combine expects i64 [P, columns, polarities]");
  const int64_t vectors = magnitudes.dim(0), cols = magnitudes.dim(1),
                pol = magnitudes.dim(2);
  const cim::SignedScheme s = op.getScheme();
  const int64_t wantPol = s == cim::SignedScheme::DifferentialColumns ? 2 : 1;
  const bool offset = s == cim::SignedScheme::OffsetReference;
  // An offset-scheme tile without a reference column (higher slices of a
  // slice-split column) has nothing to subtract.
  const bool subtract = reference != nullptr;
  if (pol != wantPol || (subtract && !offset) ||
      subtract != op.getOffsets().has_value() ||
      (subtract && (static_cast<int64_t>(op.getOffsets()->size()) != cols ||
                    reference->numElements() != vectors)))
    return makeError("cim.combine: operands do not match its scheme");
  partial = Tensor(DType::I64, {vectors, cols});
  const int64_t *m = magnitudes.data<int64_t>();
  int64_t *o = partial.data<int64_t>();
  for (int64_t p = 0; p < vectors; ++p)
    for (int64_t n = 0; n < cols; ++n) {
      const int64_t *mp = m + (p * cols + n) * pol;
      switch (s) {
      case cim::SignedScheme::DifferentialColumns:
        o[p * cols + n] = mp[0] - mp[1];
        break;
      case cim::SignedScheme::DifferentialRows:
        o[p * cols + n] = mp[0];
        break;
      case cim::SignedScheme::OffsetReference:
        o[p * cols + n] = subtract ? mp[0] - (*op.getOffsets())[n] *
                                                 reference->data<int64_t>()[p]
                                   : mp[0];
        break;
      }
    }
  return llvm::Error::success();
}

llvm::Error
CIMLayerRunner::Impl::runAccumulate(cim::AccumulateOp op,
                                    ArrayRef<const Tensor *> partials,
                                    int64_t vectors, Tensor &out) const {
  auto type = op.getAccumulators().getType();
  if (type.getRank() != 3)
    return makeError("cim.accumulate result must be [G, P, N]");
  out = Tensor(DType::I64, {type.getDimSize(0), vectors, type.getDimSize(2)});
  const int64_t groups = out.dim(0), cols = out.dim(2);
  int64_t *o = out.data<int64_t>();
  ArrayRef<int64_t> groupOf = op.getGroups(), colBegin = op.getColBegins();
  if (groupOf.size() != partials.size() || colBegin.size() != partials.size())
    return makeError("cim.accumulate: one group and column per partial");
  for (auto [i, partial] : llvm::enumerate(partials)) {
    const int64_t g = groupOf[i], cb = colBegin[i];
    if (partial->dtype() != DType::I64 || partial->rank() != 2 ||
        partial->dim(0) != vectors || g < 0 || g >= groups || cb < 0 ||
        cb + partial->dim(1) > cols)
      return makeError(llvm::formatv(
          "cim.accumulate: partial {0} does not fit the result", i));
    const int64_t w = partial->dim(1);
    const int64_t *src = partial->data<int64_t>();
    for (int64_t p = 0; p < vectors; ++p) {
      int64_t *dst = o + (g * vectors + p) * cols + cb;
      for (int64_t n = 0; n < w; ++n)
        dst[n] += src[p * w + n];
    }
  }
  return llvm::Error::success();
}

llvm::Expected<Tensor> CIMLayerRunner::Impl::interpret(
    const Tensor &xq, const llvm::DenseMap<Operation *, const Tile *> &tiles,
    llvm::DenseMap<Operation *, Tensor> &ready,
    CIMBodyObserver observer) const {
  const int64_t vectors = xq.dim(1);
  auto layer = cast<cim::LayerOp>(op);
  Block &block = layer.getBody().front();
  llvm::DenseMap<Value, Tensor> env;
  env[block.getArgument(0)] = xq;
  auto get = [&](Value value) -> llvm::Expected<const Tensor *> {
    auto it = env.find(value);
    if (it == env.end())
      return makeError("a cim.layer body value is used before it is defined");
    return &it->second;
  };

  for (auto [index, bodyOp] : llvm::enumerate(bodyOps)) {
    SmallVector<const Tensor *, 4> operands;
    for (Value operand : bodyOp->getOperands()) {
      auto t = get(operand);
      if (!t)
        return t.takeError();
      operands.push_back(*t);
    }
    auto diesHere = [&](Value value) {
      return llvm::is_contained(lastUses[index], value) &&
             !isa<BlockArgument>(value);
    };

    if (isa<cim::YieldOp>(bodyOp)) {
      const Tensor &acc = *operands[0];
      if (acc.dtype() != DType::I64 ||
          acc.shape() != ArrayRef<int64_t>{G, vectors, N})
        return makeError("the body must yield i64 [G, P, N]");
      return acc;
    }

    SmallVector<Tensor, 2> results;
    if (isa<cim::MVMOp>(bodyOp)) {
      const Tensor &in = *operands[0];
      if (in.dtype() != DType::I32 ||
          in.shape() != ArrayRef<int64_t>{G, vectors, K})
        return makeError("cim.mvm expects the i32 [G, P, K] input");
      auto it = ready.find(bodyOp);
      if (it != ready.end()) {
        results.push_back(std::move(it->second));
        ready.erase(it);
      } else {
        results.push_back(runMVM(*tiles.lookup(bodyOp), in));
      }
    } else if (auto adc = dyn_cast<cim::ADCOp>(bodyOp)) {
      const Tensor &in = *operands[0];
      if (in.dtype() != DType::I32)
        return makeError("cim.adc expects i32 column sums");
      // In place when the column sums die here (and nobody else saw them).
      Tensor out = diesHere(adc.getColumnSums()) && !observer
                       ? in
                       : Tensor(DType::I32, in.shape());
      runADC(adc, in, out);
      results.push_back(std::move(out));
    } else if (auto shiftAdd = dyn_cast<cim::ShiftAddOp>(bodyOp)) {
      Tensor mags, ref;
      if (llvm::Error err = runShiftAdd(shiftAdd, *operands[0], mags, ref))
        return std::move(err);
      results.push_back(std::move(mags));
      if (shiftAdd.getReference())
        results.push_back(std::move(ref));
    } else if (auto combine = dyn_cast<cim::CombineOp>(bodyOp)) {
      Tensor partial;
      if (llvm::Error err =
              runCombine(combine, *operands[0],
                         operands.size() > 1 ? operands[1] : nullptr, partial))
        return std::move(err);
      results.push_back(std::move(partial));
    } else if (auto accumulate = dyn_cast<cim::AccumulateOp>(bodyOp)) {
      Tensor acc;
      if (llvm::Error err = runAccumulate(accumulate, operands, vectors, acc))
        return std::move(err);
      results.push_back(std::move(acc));
    }
    if (results.size() != bodyOp->getNumResults())
      return makeError("'" + bodyOp->getName().getStringRef() +
                       "' produced the wrong number of results");
    if (observer) {
      SmallVector<const Tensor *, 2> views;
      for (Tensor &t : results)
        views.push_back(&t);
      observer(bodyOp, views);
    }
    for (Value dead : lastUses[index])
      env.erase(dead);
    for (auto [value, tensor] : llvm::zip(bodyOp->getResults(), results))
      env[value] = std::move(tensor);
  }
  return makeError("the cim.layer body has no cim.yield");
}

llvm::Expected<Tensor>
CIMLayerRunner::Impl::datapath(const Tensor &xq,
                               CIMBodyObserver observer) const {
  // Every body op works vector by vector, so the body runs on blocks of
  // input vectors, in parallel, small enough that each tile's column sums
  // stay in cache.  With an observer it runs once on all of P.
  SmallVector<cim::MVMOp> mvms;
  int64_t sumsPerVector = 1;
  for (Operation *bodyOp : bodyOps)
    if (auto mvm = dyn_cast<cim::MVMOp>(bodyOp)) {
      mvms.push_back(mvm);
      auto shape = mvm.getColumnSums().getType().getShape();
      sumsPerVector = std::max(sumsPerVector, shape[0] * shape[1] * shape[3]);
    }
  const int64_t threads =
      static_cast<int64_t>(llvm::parallel::getThreadCount());
  constexpr int64_t kBlockSums = int64_t{1} << 17; // 512 KiB of i32 sums
  constexpr int64_t kMinBlock = 16;
  int64_t blockSize = P;
  if (!observer && options.vectorsPerBlock > 0) {
    blockSize = std::min(options.vectorsPerBlock, P);
  } else if (!observer) {
    blockSize = std::clamp<int64_t>(kBlockSums / sumsPerVector, kMinBlock,
                                    std::max<int64_t>(P, 1));
    if (threads > 1)
      blockSize =
          std::min(blockSize,
                   std::max(kMinBlock, (P + 2 * threads - 1) / (2 * threads)));
    blockSize = std::min(blockSize, P);
  }
  const int64_t blocks = (P + blockSize - 1) / blockSize;

  // Cell digits of every tile, once per run.
  std::vector<Tile> tiles(mvms.size());
  std::vector<std::string> errors(mvms.size());
  int64_t cellsPerTile = 1;
  for (cim::MVMOp mvm : mvms)
    cellsPerTile = std::max<int64_t>(
        cellsPerTile,
        mvm.getColumnSums().getType().getDimSize(3) *
            static_cast<int64_t>(mvm.getRowEnd() - mvm.getRowBegin()));
  parallelChunks(static_cast<int64_t>(mvms.size()), grainFor(8 * cellsPerTile),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t i = begin; i < end; ++i)
                     if (llvm::Error err =
                             prepareTile(mvms[i], blockSize, tiles[i]))
                       errors[i] = llvm::toString(std::move(err));
                 });
  llvm::DenseMap<Operation *, const Tile *> tileOf;
  for (auto [i, mvm] : llvm::enumerate(mvms)) {
    if (!errors[i].empty())
      return makeError(errors[i]);
    tileOf[mvm] = &tiles[i];
  }

  if (blocks == 1) {
    // Few vectors: compute the tiles' column sums in parallel over tiles
    // first (they only read the input).
    llvm::DenseMap<Operation *, Tensor> ready;
    const bool byTile = mvms.size() > 1 &&
                        P * sumsPerVector * static_cast<int64_t>(mvms.size()) <=
                            (int64_t{1} << 24);
    if (byTile && llvm::all_of(mvms, [](cim::MVMOp mvm) {
          return isa<BlockArgument>(mvm.getInputs());
        })) {
      std::vector<Tensor> sums(mvms.size());
      parallelChunks(static_cast<int64_t>(mvms.size()), 1,
                     [&](int64_t begin, int64_t end) {
                       for (int64_t i = begin; i < end; ++i)
                         sums[i] = runMVM(tiles[i], xq);
                     });
      for (auto [i, mvm] : llvm::enumerate(mvms))
        ready[mvm] = std::move(sums[i]);
    }
    return interpret(xq, tileOf, ready, observer);
  }

  Tensor acc(DType::I64, {G, P, N});
  std::mutex errorMutex;
  std::string firstError;
  llvm::parallelFor(0, static_cast<size_t>(blocks), [&](size_t b) {
    const int64_t p0 = static_cast<int64_t>(b) * blockSize;
    const int64_t count = std::min(blockSize, P - p0);
    Tensor part(DType::I32, {G, count, K});
    for (int64_t g = 0; g < G; ++g)
      std::copy_n(xq.data<int32_t>() + (g * P + p0) * K, count * K,
                  part.data<int32_t>() + g * count * K);
    llvm::DenseMap<Operation *, Tensor> ready;
    llvm::Expected<Tensor> result = interpret(part, tileOf, ready, nullptr);
    if (!result) {
      std::lock_guard<std::mutex> lock(errorMutex);
      std::string message = llvm::toString(result.takeError());
      if (firstError.empty())
        firstError = std::move(message);
      return;
    }
    for (int64_t g = 0; g < G; ++g)
      std::copy_n(result->data<int64_t>() + g * count * N, count * N,
                  acc.data<int64_t>() + (g * P + p0) * N);
  });
  if (!firstError.empty())
    return makeError(firstError);
  return acc;
}

//===----------------------------------------------------------------------===//
// CIMLayerRunner
//===----------------------------------------------------------------------===//

llvm::StringRef nncc::stringifyCIMExecutionMode(CIMExecutionMode mode) {
  switch (mode) {
  case CIMExecutionMode::Auto:
    return "auto";
  case CIMExecutionMode::Float:
    return "float";
  case CIMExecutionMode::Integer:
    return "integer";
  case CIMExecutionMode::Datapath:
    return "datapath";
  }
  return "?";
}

llvm::Expected<CIMLayerRunner>
CIMLayerRunner::create(cim::LayerOp layer, const CIMRunnerOptions &options) {
  auto impl = std::make_shared<Impl>();
  impl->options = options;
  if (llvm::Error err = impl->init(layer))
    return makeError("cim.layer '" + layer.getLayerName() +
                     "': " + llvm::toString(std::move(err)));
  CIMLayerRunner runner;
  runner.impl = std::move(impl);
  return runner;
}

CIMExecutionMode CIMLayerRunner::getDefaultMode() const {
  return impl->partitioned ? CIMExecutionMode::Datapath
         : impl->quantized ? CIMExecutionMode::Integer
                           : CIMExecutionMode::Float;
}

bool CIMLayerRunner::supports(CIMExecutionMode mode) const {
  switch (mode) {
  case CIMExecutionMode::Auto:
  case CIMExecutionMode::Float:
    return true;
  case CIMExecutionMode::Integer:
    return impl->quantized;
  case CIMExecutionMode::Datapath:
    return impl->partitioned;
  }
  return false;
}

int64_t CIMLayerRunner::getGroups() const { return impl->G; }
int64_t CIMLayerRunner::getVectors() const { return impl->P; }
int64_t CIMLayerRunner::getDepth() const { return impl->K; }
int64_t CIMLayerRunner::getColumns() const { return impl->N; }

llvm::Error CIMLayerRunner::run(const Tensor &input, Tensor &output,
                                CIMExecutionMode mode) const {
  if (mode == CIMExecutionMode::Auto)
    mode = getDefaultMode();
  if (!supports(mode))
    return makeError(
        "cim.layer '" + cast<cim::LayerOp>(impl->op).getLayerName() +
        "' cannot run in " + stringifyCIMExecutionMode(mode) + " mode");
  if (llvm::Error err = impl->checkInput(input))
    return err;
  if (llvm::Error err = impl->prepareOutput(output))
    return err;
  if (mode == CIMExecutionMode::Float)
    return impl->runFloat(input, output);
  llvm::Expected<Tensor> acc = computeAccumulators(input, mode);
  if (!acc)
    return acc.takeError();
  impl->dequantize(*acc, output);
  return llvm::Error::success();
}

llvm::Expected<Tensor>
CIMLayerRunner::computeAccumulators(const Tensor &input,
                                    CIMExecutionMode mode) const {
  if (mode == CIMExecutionMode::Auto)
    mode = impl->partitioned ? CIMExecutionMode::Datapath
                             : CIMExecutionMode::Integer;
  if (mode == CIMExecutionMode::Float || !supports(mode))
    return makeError("cim.layer '" +
                     cast<cim::LayerOp>(impl->op).getLayerName() + "' has no " +
                     stringifyCIMExecutionMode(mode) + " accumulators");
  if (llvm::Error err = impl->checkInput(input))
    return std::move(err);
  if (mode == CIMExecutionMode::Integer)
    return impl->integerFromInput(input);
  return impl->datapath(impl->quantizeIm2col(input), nullptr);
}

llvm::Expected<Tensor>
CIMLayerRunner::quantizeIm2col(const Tensor &input) const {
  if (!impl->quantized)
    return makeError("cim.layer '" +
                     cast<cim::LayerOp>(impl->op).getLayerName() +
                     "' is not quantized");
  if (llvm::Error err = impl->checkInput(input))
    return std::move(err);
  return impl->quantizeIm2col(input);
}

static llvm::Error checkIm2col(const CIMLayerRunner::Impl &impl,
                               const Tensor &xq) {
  if (xq.dtype() != DType::I32 ||
      xq.shape() != ArrayRef<int64_t>{impl.G, impl.P, impl.K})
    return makeError("the quantized im2col input must be i32 " +
                     formatShape({impl.G, impl.P, impl.K}));
  return llvm::Error::success();
}

llvm::Expected<Tensor>
CIMLayerRunner::integerAccumulators(const Tensor &im2col) const {
  if (!impl->quantized)
    return makeError("the layer is not quantized");
  if (llvm::Error err = checkIm2col(*impl, im2col))
    return std::move(err);
  return impl->integerAccumulators(im2col);
}

llvm::Expected<Tensor>
CIMLayerRunner::datapathAccumulators(const Tensor &im2col,
                                     CIMBodyObserver observer) const {
  if (!impl->partitioned)
    return makeError("the layer has no body");
  if (llvm::Error err = checkIm2col(*impl, im2col))
    return std::move(err);
  return impl->datapath(im2col, observer);
}

llvm::Error CIMLayerRunner::dequantize(const Tensor &accumulators,
                                       Tensor &output) const {
  if (!impl->quantized)
    return makeError("the layer is not quantized");
  if (accumulators.dtype() != DType::I64 ||
      accumulators.shape() != ArrayRef<int64_t>{impl->G, impl->P, impl->N})
    return makeError("accumulators must be i64 " +
                     formatShape({impl->G, impl->P, impl->N}));
  if (llvm::Error err = impl->prepareOutput(output))
    return err;
  impl->dequantize(accumulators, output);
  return llvm::Error::success();
}

llvm::Error nncc::runCIMLayer(cim::LayerOp layer, const Tensor &input,
                              Tensor &output, CIMExecutionMode mode) {
  llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(layer);
  if (!runner)
    return runner.takeError();
  return runner->run(input, output, mode);
}

llvm::Expected<Tensor> nncc::computeCIMAccumulators(cim::LayerOp layer,
                                                    const Tensor &input,
                                                    CIMExecutionMode mode) {
  llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(layer);
  if (!runner)
    return runner.takeError();
  return runner->computeAccumulators(input, mode);
}
