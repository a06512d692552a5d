//===- ConvertNNToSNN.cpp - A ReLU network as integrate-and-fire layers ---===//
//
// Rate-coded conversion with data-based threshold balancing (Passes.td).
// The float model runs once over the calibration samples; the pass then
// rebuilds @main: ops before the first weight layer stay host float ops,
// each weight layer and its ReLU become one snn.layer, and the last weight
// layer a readout.
//
//===----------------------------------------------------------------------===//
#include "nncc/Conversion/NNToSNN/Passes.h"
#include "nncc/Conversion/NNToSNN/SynapseQuantization.h"
#include "nncc/Data/CalibrationRun.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/SNN/SNNOps.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Support/Diagnostics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nncc {
#define GEN_PASS_DEF_CONVERTNNTOSNN
#include "nncc/Conversion/NNToSNN/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;
using runtime::Tensor;

namespace {

/// Positive activations of one value over the calibration run (an evenly
/// strided subset, deterministic), and its smallest value.
struct ActivationSamples {
  std::vector<float> positive;
  double min = std::numeric_limits<double>::infinity();
  int64_t seen = 0;
};
constexpr size_t kMaxSamples = 1 << 20;

/// A float value of the model carried by spikes: `spikes` (i1) and the
/// activation one spike per timestep stands for.
struct SpikeValue {
  Value spikes;
  double fullScale = 0;
};

/// A weight layer read from the model: neuron o's weights are row o of
/// `weights` ([channels, fanIn]), its bias `bias[o]` (activation units).
struct FloatLayer {
  snn::LayerKind kind;
  int64_t channels = 0, fanIn = 0;
  std::vector<float> weights, bias;
  SmallVector<int64_t> weightShape;
  nn::WindowGeometry window; // conv only
  int64_t group = 1;
};

bool isWeightLayer(Operation *op) {
  return isa<nn::ConvOp, nn::GemmOp, nn::MatMulOp>(op);
}

FailureOr<std::vector<float>> constantValues(Operation *user, Value v,
                                             StringRef what) {
  std::optional<std::vector<float>> values = nn::getConstantF32Values(v);
  if (!values)
    return user->emitError() << "spiking conversion needs constant " << what;
  return std::move(*values);
}

FailureOr<FloatLayer> readLayer(Operation *op) {
  FloatLayer layer;
  if (auto conv = dyn_cast<nn::ConvOp>(op)) {
    auto wType = cast<RankedTensorType>(conv.getW().getType());
    if (wType.getRank() != 4)
      return conv.emitError("spiking conversion supports 2-D convolutions");
    auto w = constantValues(op, conv.getW(), "convolution weights");
    if (failed(w))
      return failure();
    layer.kind = snn::LayerKind::Conv;
    layer.channels = wType.getDimSize(0);
    layer.fanIn = wType.getNumElements() / layer.channels;
    layer.weights = std::move(*w);
    layer.weightShape.assign(wType.getShape().begin(), wType.getShape().end());
    layer.bias.assign(layer.channels, 0.0f);
    if (conv.getB()) {
      auto b = constantValues(op, conv.getB(), "convolution bias");
      if (failed(b))
        return failure();
      layer.bias = std::move(*b);
    }
    layer.window = nn::getWindowGeometry(conv);
    layer.group = conv.getGroup();
    return layer;
  }
  Value a, bMatrix;
  bool transB = false;
  float alpha = 1, beta = 1;
  Value c;
  if (auto gemm = dyn_cast<nn::GemmOp>(op)) {
    if (gemm.getTransA())
      return gemm.emitError("spiking conversion needs Gemm without transA");
    a = gemm.getA();
    bMatrix = gemm.getB();
    transB = gemm.getTransB();
    alpha = gemm.getAlpha().convertToFloat();
    beta = gemm.getBeta().convertToFloat();
    c = gemm.getC();
  } else {
    auto matmul = cast<nn::MatMulOp>(op);
    a = matmul.getA();
    bMatrix = matmul.getB();
  }
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(bMatrix.getType());
  if (aType.getRank() != 2 || bType.getRank() != 2)
    return op->emitError("spiking conversion needs a 2-D input and weights");
  auto w = constantValues(op, bMatrix, "weights");
  if (failed(w))
    return failure();
  int64_t k = transB ? bType.getDimSize(1) : bType.getDimSize(0);
  int64_t n = transB ? bType.getDimSize(0) : bType.getDimSize(1);
  layer.kind = snn::LayerKind::Dense;
  layer.channels = n;
  layer.fanIn = k;
  layer.weightShape = {n, k};
  layer.weights.resize(n * k);
  for (int64_t o = 0; o < n; ++o)
    for (int64_t i = 0; i < k; ++i)
      layer.weights[o * k + i] =
          alpha * (*w)[transB ? o * k + i : i * n + o];
  layer.bias.assign(n, 0.0f);
  if (c) {
    auto values = constantValues(op, c, "bias");
    if (failed(values))
      return failure();
    if (values->size() != 1 && static_cast<int64_t>(values->size()) != n)
      return op->emitError("spiking conversion needs a bias per output");
    for (int64_t o = 0; o < n; ++o)
      layer.bias[o] = beta * (*values)[values->size() == 1 ? 0 : o];
  }
  return layer;
}

double percentileOf(std::vector<float> values, double percentile) {
  if (values.empty())
    return 0;
  size_t rank = static_cast<size_t>(
      std::ceil(percentile / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<size_t>(rank, 1, values.size()) - 1;
  std::nth_element(values.begin(), values.begin() + rank, values.end());
  return values[rank];
}

DenseElementsAttr integerElements(Builder &b, ArrayRef<int64_t> shape,
                                  ArrayRef<int32_t> values, unsigned width) {
  auto type = RankedTensorType::get(shape, b.getIntegerType(width));
  if (width == 8) {
    SmallVector<int8_t> narrow(values.begin(), values.end());
    return DenseElementsAttr::get(type, ArrayRef<int8_t>(narrow));
  }
  if (width == 16) {
    SmallVector<int16_t> narrow(values.begin(), values.end());
    return DenseElementsAttr::get(type, ArrayRef<int16_t>(narrow));
  }
  return DenseElementsAttr::get(type, values);
}

/// A conv layer's window attributes.
void addWindow(Builder &b, SmallVectorImpl<NamedAttribute> &attrs,
               ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
               ArrayRef<int64_t> padsBegin, ArrayRef<int64_t> padsEnd,
               int64_t group) {
  attrs.push_back(b.getNamedAttr("strides", b.getDenseI64ArrayAttr(strides)));
  attrs.push_back(
      b.getNamedAttr("dilations", b.getDenseI64ArrayAttr(dilations)));
  attrs.push_back(
      b.getNamedAttr("pads_begin", b.getDenseI64ArrayAttr(padsBegin)));
  attrs.push_back(b.getNamedAttr("pads_end", b.getDenseI64ArrayAttr(padsEnd)));
  attrs.push_back(b.getNamedAttr("group", b.getI64IntegerAttr(group)));
}

struct ConvertNNToSNNPass
    : nncc::impl::ConvertNNToSNNBase<ConvertNNToSNNPass> {
  using ConvertNNToSNNBase::ConvertNNToSNNBase;
  ConvertNNToSNNPass(const ConvertNNToSNNOptions &options,
                     std::shared_ptr<const Dataset> preloaded)
      : ConvertNNToSNNBase(options), preloaded(std::move(preloaded)) {}

  void runOnOperation() override;

private:
  LogicalResult
  calibrate(ModuleOp module, const llvm::DenseSet<Value> &watched,
            llvm::DenseMap<Value, ActivationSamples> &stats) const;
  /// What every snn.layer made from `op` carries: its name and kind and
  /// the target's neuron (reset, bias source, registers, decay).
  SmallVector<NamedAttribute> neuronAttributes(Builder &b, Operation *op,
                                               snn::LayerKind kind) const;
  FailureOr<Value> averagePoolLayer(OpBuilder &b, Operation *op,
                                    const SpikeValue &input) const;
  FailureOr<Value> convertLayer(OpBuilder &b, Operation *op,
                                const SpikeValue &input,
                                std::optional<double> outputScale,
                                double &readoutUnit) const;

  std::shared_ptr<const Dataset> preloaded;
  snn::Encoding encodingKind = snn::Encoding::Rate;
  snn::Reset resetKind = snn::Reset::Subtract;
  snn::BiasSource biasKind = snn::BiasSource::Leak;
};

LogicalResult ConvertNNToSNNPass::calibrate(
    ModuleOp module, const llvm::DenseSet<Value> &watched,
    llvm::DenseMap<Value, ActivationSamples> &stats) const {
  CalibrationSource source{calibrationPath, calibrationLimit, pixelScale,
                           syntheticSamples, syntheticSeed};
  llvm::Expected<CalibrationRun> calibration =
      prepareCalibration(module, source, preloaded);
  if (!calibration)
    return module.emitError() << llvm::toString(calibration.takeError());
  // A value is sampled at its first user, so that a value read twice is
  // counted once.
  llvm::DenseMap<Value, Operation *> sampledAt;
  for (Value v : watched)
    for (Operation *user : v.getUsers())
      if (!sampledAt.count(v) || user->isBeforeInBlock(sampledAt[v]))
        sampledAt[v] = user;
  const int64_t batches = calibration->batches();
  auto observe = [&](Operation *op, ArrayRef<const Tensor *> operands) {
    for (auto [value, tensor] : llvm::zip(op->getOperands(), operands)) {
      auto at = sampledAt.find(value);
      if (at == sampledAt.end() || at->second != op)
        continue;
      ActivationSamples &s = stats[value];
      const float *data = tensor->data<float>();
      int64_t n = tensor->numElements();
      int64_t stride = std::max<int64_t>(
          1, n * batches / static_cast<int64_t>(kMaxSamples));
      for (int64_t i = 0; i < n; ++i) {
        s.min = std::min<double>(s.min, data[i]);
        if (data[i] > 0 && (s.seen + i) % stride == 0 &&
            s.positive.size() < kMaxSamples)
          s.positive.push_back(data[i]);
      }
      s.seen += n;
    }
  };
  if (llvm::Error e = calibration->run(observe))
    return module.emitError() << "calibration: "
                              << llvm::toString(std::move(e));
  return success();
}

SmallVector<NamedAttribute>
ConvertNNToSNNPass::neuronAttributes(Builder &b, Operation *op,
                                     snn::LayerKind kind) const {
  MLIRContext *ctx = b.getContext();
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("layer_name", b.getStringAttr(layerNameOf(op))),
      b.getNamedAttr("kind", snn::LayerKindAttr::get(ctx, kind)),
      b.getNamedAttr("reset", snn::ResetAttr::get(ctx, resetKind)),
      b.getNamedAttr("bias_source", snn::BiasSourceAttr::get(ctx, biasKind)),
      b.getNamedAttr("potential_bits", b.getI64IntegerAttr(potentialBits)),
      b.getNamedAttr("synapse_bits", b.getI64IntegerAttr(synapseBits))};
  if (decay > 0)
    attrs.push_back(b.getNamedAttr("decay", b.getF64FloatAttr(decay)));
  return attrs;
}

/// Builds the snn.layer of weight layer `op` reading `input`.  With
/// `outputScale` (the ReLU's full-scale activation) the neurons spike; else
/// the layer is a readout and `readoutUnit` receives the real value of one
/// potential unit.
FailureOr<Value> ConvertNNToSNNPass::convertLayer(
    OpBuilder &b, Operation *op, const SpikeValue &input,
    std::optional<double> outputScale, double &readoutUnit) const {
  FailureOr<FloatLayer> read = readLayer(op);
  if (failed(read))
    return failure();
  FloatLayer &layer = *read;
  int64_t bits = synapseBits;
  int64_t limit = (int64_t(1) << (potentialBits - 1)) - 1;
  // Thresholds stay below half the register, so that a neuron a timestep's
  // input pushes past its threshold does not saturate.
  int64_t thresholdLimit = limit / 2;
  int64_t maxGain = gainBits > 0 ? (int64_t(1) << gainBits) - 1 : 1;
  // Effective weights: an input spike stands for the previous layer's
  // full-scale activation.
  std::vector<float> effective(layer.weights.size());
  for (size_t i = 0; i < effective.size(); ++i)
    effective[i] = layer.weights[i] * static_cast<float>(input.fullScale);

  std::vector<int32_t> codes(effective.size()), gains(layer.channels, 1),
      thresholds(layer.channels), biases(layer.channels);
  // A readout shares one step, so that its potentials compare across
  // neurons (argmax) and one unit reads them all.
  double sharedStep = outputScale ? 0 : synapseStep(effective, bits);
  for (int64_t o = 0; o < layer.channels; ++o) {
    ArrayRef<float> row(effective.data() + o * layer.fanIn, layer.fanIn);
    double step = outputScale ? synapseStep(row, bits) : sharedStep;
    synapseCodes(row, bits, step,
                 MutableArrayRef<int32_t>(codes.data() + o * layer.fanIn,
                                          layer.fanIn));
    int64_t gain = 1;
    if (outputScale) {
      // The largest gain (finest potential) whose threshold fits.
      double perGain = *outputScale / step;
      gain = std::min<int64_t>(
          maxGain, static_cast<int64_t>(std::floor(thresholdLimit / perGain)));
      if (gain < 1)
        return op->emitError()
               << "neuron " << o << "'s threshold (" << perGain
               << " synapse steps) does not fit a " << static_cast<int64_t>(potentialBits)
               << "-bit potential";
      thresholds[o] = static_cast<int32_t>(
          std::max<double>(1, std::nearbyint(gain * perGain)));
    }
    gains[o] = static_cast<int32_t>(gain);
    double bias = layer.bias[o] / step;
    double current = biasKind == snn::BiasSource::Axon
                         ? gain * std::nearbyint(bias) // whole axon codes
                         : std::nearbyint(gain * bias);
    biases[o] = static_cast<int32_t>(
        std::clamp<double>(current, -thresholdLimit, thresholdLimit));
  }
  if (!outputScale)
    readoutUnit = sharedStep;

  auto floatOut = cast<RankedTensorType>(op->getResult(0).getType());
  Type element = outputScale ? b.getI1Type() : b.getI32Type();
  auto outType = RankedTensorType::get(floatOut.getShape(), element);
  unsigned codeWidth = bits <= 8 ? 8 : 16;
  SmallVector<NamedAttribute> attrs = neuronAttributes(b, op, layer.kind);
  auto add = [&](StringRef name, Attribute value) {
    attrs.push_back(b.getNamedAttr(name, value));
  };
  add("weights", integerElements(b, layer.weightShape, codes, codeWidth));
  if (maxGain > 1 && outputScale)
    add("gains", integerElements(b, {layer.channels}, gains, 32));
  if (outputScale)
    add("thresholds", integerElements(b, {layer.channels}, thresholds, 32));
  add("biases", integerElements(b, {layer.channels}, biases, 32));
  if (layer.kind == snn::LayerKind::Conv)
    addWindow(b, attrs, layer.window.strides, layer.window.dilations,
              layer.window.padsBegin, layer.window.padsEnd, layer.group);
  auto snnLayer = b.create<snn::LayerOp>(op->getLoc(), outType,
                                         ValueRange{input.spikes}, attrs);
  return snnLayer.getOutput();
}

/// Average pooling as neurons: a depthwise conv whose synapses all hold
/// code 1 and whose neurons spike every k x k input spikes, reset by
/// subtraction, so a neuron's rate is the mean of its window's rates and
/// the full scale stays the input's.  Borders that average over fewer
/// inputs (padding left out of the count) would need a threshold per
/// position, which a channel's neurons do not have.
FailureOr<Value>
ConvertNNToSNNPass::averagePoolLayer(OpBuilder &b, Operation *op,
                                     const SpikeValue &input) const {
  auto in = cast<RankedTensorType>(input.spikes.getType());
  if (in.getRank() != 4)
    return op->emitError("spiking conversion supports 2-D average pooling");
  int64_t channels = in.getDimSize(1);
  SmallVector<int64_t> kernel, strides{1, 1}, padsBegin{0, 0}, padsEnd{0, 0};
  if (auto pool = dyn_cast<nn::AveragePoolOp>(op)) {
    nn::WindowGeometry window = nn::getWindowGeometry(pool);
    kernel.assign(window.kernel.begin(), window.kernel.end());
    strides.assign(window.strides.begin(), window.strides.end());
    padsBegin.assign(window.padsBegin.begin(), window.padsBegin.end());
    padsEnd.assign(window.padsEnd.begin(), window.padsEnd.end());
    bool padded = llvm::any_of(padsBegin, [](int64_t p) { return p != 0; }) ||
                  llvm::any_of(padsEnd, [](int64_t p) { return p != 0; });
    if (kernel.size() != 2 || (padded && !pool.getCountIncludePad()))
      return op->emitError(
          "spiking conversion: AveragePool with padding left out of the "
          "count averages over fewer inputs at the borders than inside, "
          "which one threshold per channel cannot (count_include_pad or no "
          "padding can)");
  } else {
    kernel = {in.getDimSize(2), in.getDimSize(3)};
  }
  int64_t window = kernel[0] * kernel[1];
  if (resetKind != snn::Reset::Subtract)
    return op->emitError("spiking conversion: average pooling needs neurons "
                         "that reset by subtraction");
  auto i8 = b.getIntegerType(8), i32 = b.getIntegerType(32);
  SmallVector<NamedAttribute> attrs =
      neuronAttributes(b, op, snn::LayerKind::Conv);
  attrs.push_back(b.getNamedAttr(
      "weights",
      DenseElementsAttr::get(
          RankedTensorType::get({channels, 1, kernel[0], kernel[1]}, i8),
          b.getIntegerAttr(i8, 1))));
  attrs.push_back(b.getNamedAttr(
      "thresholds",
      DenseElementsAttr::get(RankedTensorType::get({channels}, i32),
                             b.getIntegerAttr(i32, window))));
  attrs.push_back(b.getNamedAttr(
      "biases", DenseElementsAttr::get(RankedTensorType::get({channels}, i32),
                                       b.getIntegerAttr(i32, 0))));
  addWindow(b, attrs, strides, {1, 1}, padsBegin, padsEnd, channels);
  auto outType = RankedTensorType::get(
      cast<RankedTensorType>(op->getResult(0).getType()).getShape(),
      b.getI1Type());
  auto layer = b.create<snn::LayerOp>(op->getLoc(), outType,
                                      ValueRange{input.spikes}, attrs);
  return layer.getOutput();
}

void ConvertNNToSNNPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  auto parsedEncoding = snn::symbolizeEncoding(encoding);
  auto parsedReset = snn::symbolizeReset(reset);
  auto parsedBias = snn::symbolizeBiasSource(biasSource);
  if (!parsedEncoding || !parsedReset || !parsedBias) {
    module.emitError() << "spiking conversion: unknown "
                       << (!parsedEncoding ? "encoding '" + encoding + "'"
                           : !parsedReset  ? "reset '" + reset + "'"
                                           : "bias source '" + biasSource + "'");
    return signalPassFailure();
  }
  encodingKind = *parsedEncoding;
  resetKind = *parsedReset;
  biasKind = *parsedBias;
  if (synapseBits < 1 || synapseBits > 16 || potentialBits < 4 ||
      potentialBits > 32 || gainBits < 0 || gainBits > 16 ||
      !(percentile > 0 && percentile <= 100) || !(decay >= 0 && decay < 1)) {
    module.emitError("spiking conversion: synapse-bits must be in [1, 16], "
                     "potential-bits in [4, 32], gain-bits in [0, 16], "
                     "percentile in (0, 100] and decay in [0, 1)");
    return signalPassFailure();
  }
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.getBody().getBlocks().size() != 1) {
    module.emitError("spiking conversion needs a func.func @main");
    return signalPassFailure();
  }

  // BatchNormalization folds into its conv or gemm first.
  SmallVector<Operation *> norms;
  module.walk([&](nn::BatchNormalizationOp bn) { norms.push_back(bn); });
  if (!norms.empty()) {
    RewritePatternSet fold(ctx);
    nn::BatchNormalizationOp::getCanonicalizationPatterns(fold, ctx);
    GreedyRewriteConfig config;
    config.strictMode = GreedyRewriteStrictness::ExistingOps;
    (void)applyOpPatternsAndFold(norms, std::move(fold), config);
  }

  Block &body = main.getBody().front();
  SmallVector<Operation *> original;
  for (Operation &op : body.without_terminator())
    original.push_back(&op);
  bool anyLayer = false;
  // What calibration must see: weight layers' inputs (the first one's
  // sets the encoder's range) and ReLU outputs.
  llvm::DenseSet<Value> watched;
  for (Operation *op : original) {
    if (isWeightLayer(op)) {
      watched.insert(op->getOperand(0));
      anyLayer = true;
    }
    if (isa<nn::ReluOp>(op))
      watched.insert(op->getResult(0));
  }
  if (!anyLayer) {
    module.emitError("spiking conversion: the model has no weight layer");
    return signalPassFailure();
  }
  llvm::DenseMap<Value, ActivationSamples> stats;
  if (failed(calibrate(module, watched, stats)))
    return signalPassFailure();
  auto fullScaleOf = [&](Value v) {
    auto it = stats.find(v);
    return it == stats.end() ? 0.0
                             : percentileOf(it->second.positive, percentile);
  };

  auto ret = cast<func::ReturnOp>(body.getTerminator());
  OpBuilder b(ret);
  IRMapping floats;
  llvm::DenseMap<Value, SpikeValue> spiking;
  llvm::DenseSet<Operation *> absorbed; // ReLUs merged into their layer
  // Float values computed from a readout, and the first host op on the way.
  llvm::DenseMap<Value, std::pair<Operation *, std::string>>
      hostAfterReadout;
  for (Operation *op : original) {
    if (absorbed.contains(op))
      continue;
    bool spikeOperand = llvm::any_of(op->getOperands(), [&](Value v) {
      return spiking.count(v) != 0;
    });
    if (isWeightLayer(op)) {
      Value x = op->getOperand(0);
      SpikeValue in;
      if (auto it = spiking.find(x); it != spiking.end()) {
        in = it->second;
      } else if (auto host = hostAfterReadout.find(x);
                 host != hostAfterReadout.end()) {
        // A float value between spiking layers would need the host in
        // the middle of every timestep.
        host->second.first->emitError()
            << "spiking conversion: " << host->second.first->getName()
            << " reads the float output of layer '" << host->second.second
            << "', which has no ReLU right after it, and feeds a later "
               "layer; a spiking layer needs its ReLU directly after it (or "
               "after a BatchNormalization that folds into it)";
        return signalPassFailure();
      } else {
        // The first layer: its float input is encoded as spikes.
        const ActivationSamples &s = stats[x];
        if (s.min < 0) {
          op->emitError() << "spiking conversion: the layer's input takes "
                             "negative values (minimum "
                          << s.min
                          << " on the calibration samples); spike "
                             "encodings carry non-negative inputs";
          return signalPassFailure();
        }
        double scale = fullScaleOf(x);
        if (!(scale > 0)) {
          op->emitError("spiking conversion: the layer's input is zero on "
                        "every calibration sample");
          return signalPassFailure();
        }
        auto xType = cast<RankedTensorType>(x.getType());
        auto encode = b.create<snn::EncodeOp>(
            op->getLoc(),
            RankedTensorType::get(xType.getShape(), b.getI1Type()),
            floats.lookupOrDefault(x),
            snn::EncodingAttr::get(ctx, encodingKind),
            b.getF64FloatAttr(scale));
        in = {encode.getSpikes(), scale};
      }
      Value result = op->getResult(0);
      std::optional<double> outputScale;
      Operation *relu = nullptr;
      if (result.hasOneUse() && isa<nn::ReluOp>(*result.getUsers().begin())) {
        relu = *result.getUsers().begin();
        outputScale = fullScaleOf(relu->getResult(0));
        if (!(*outputScale > 0)) {
          op->emitError("spiking conversion: the layer's ReLU output is "
                        "zero on every calibration sample");
          return signalPassFailure();
        }
      }
      double unit = 0;
      FailureOr<Value> converted = convertLayer(b, op, in, outputScale, unit);
      if (failed(converted))
        return signalPassFailure();
      if (relu) {
        absorbed.insert(relu);
        spiking[relu->getResult(0)] = {*converted, *outputScale};
      } else {
        auto readout = b.create<snn::ReadoutOp>(
            op->getLoc(), result.getType(), *converted,
            b.getF64FloatAttr(unit));
        floats.map(result, readout.getOutput());
        for (Operation *user : result.getUsers())
          for (Value r : user->getResults())
            hostAfterReadout.try_emplace(r, user, layerNameOf(op));
      }
      continue;
    }
    if (!spikeOperand) {
      for (Value v : op->getOperands())
        if (auto it = hostAfterReadout.find(v); it != hostAfterReadout.end())
          for (Value r : op->getResults())
            hostAfterReadout.try_emplace(r, it->second);
      b.clone(*op, floats);
      continue;
    }
    // The ops that carry spikes take them as their one tensor operand.
    SpikeValue in = spiking.lookup(op->getOperand(0));
    Value result = op->getResult(0);
    auto spikeType = [&](Value v) {
      return RankedTensorType::get(
          cast<RankedTensorType>(v.getType()).getShape(), b.getI1Type());
    };
    if (isa<nn::ReluOp>(op)) {
      spiking[result] = in; // spike rates are never negative
    } else if (auto pool = dyn_cast<nn::MaxPoolOp>(op)) {
      nn::WindowGeometry window = nn::getWindowGeometry(pool);
      if (llvm::any_of(window.dilations, [](int64_t d) { return d != 1; }) ||
          window.kernel.size() != 2) {
        op->emitError("spiking conversion supports 2-D max pooling without "
                      "dilation");
        return signalPassFailure();
      }
      auto spikes = b.create<snn::MaxPoolOp>(
          op->getLoc(), spikeType(result), in.spikes,
          b.getDenseI64ArrayAttr(window.kernel),
          b.getDenseI64ArrayAttr(window.strides),
          b.getDenseI64ArrayAttr(window.padsBegin),
          b.getDenseI64ArrayAttr(window.padsEnd));
      spiking[result] = {spikes.getOutput(), in.fullScale};
    } else if (isa<nn::AveragePoolOp, nn::GlobalAveragePoolOp>(op)) {
      FailureOr<Value> pooled = averagePoolLayer(b, op, in);
      if (failed(pooled))
        return signalPassFailure();
      spiking[result] = {*pooled, in.fullScale};
    } else if (isa<nn::FlattenOp, nn::ReshapeOp>(op)) {
      IRMapping carry;
      carry.map(op->getOperand(0), in.spikes);
      Operation *moved = b.clone(*op, carry);
      moved->getResult(0).setType(spikeType(result));
      spiking[result] = {moved->getResult(0), in.fullScale};
    } else {
      op->emitError() << "spiking conversion: " << op->getName()
                      << " cannot take spikes (supported between spiking "
                         "layers: ReLU, MaxPool, AveragePool, "
                         "GlobalAveragePool, Flatten, Reshape)";
      return signalPassFailure();
    }
  }
  // A model that ends on a ReLU reads its spike counts.
  SmallVector<Value> results;
  for (Value v : ret.getOperands()) {
    if (auto it = spiking.find(v); it != spiking.end()) {
      auto readout = b.create<snn::ReadoutOp>(
          ret.getLoc(), v.getType(), it->second.spikes,
          b.getF64FloatAttr(it->second.fullScale));
      results.push_back(readout.getOutput());
    } else {
      results.push_back(floats.lookupOrDefault(v));
    }
  }
  ret->setOperands(results);
  for (Operation *op : llvm::reverse(original))
    op->dropAllUses();
  for (Operation *op : llvm::reverse(original))
    op->erase();
  nn::eraseUnusedConstants(module);
}

} // namespace

std::unique_ptr<Pass>
nncc::createConvertNNToSNN(const ConvertNNToSNNOptions &options,
                           std::shared_ptr<const Dataset> calibration) {
  return std::make_unique<ConvertNNToSNNPass>(options, std::move(calibration));
}
