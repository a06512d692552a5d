//===- QuantizeLayers.cpp - Weight quantization and input calibration -----===//
//
// Post-training quantization of every cim.layer: integer weights with
// per-channel (or per-tensor) scales, and an activation range per layer
// calibrated by running the float model on sample inputs.
//
//===----------------------------------------------------------------------===//
#include "ProductRangeCalibration.h"

#include "nncc/Dialect/CIM/Transforms/LayerOverrides.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Data/CalibrationRun.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/ModelQuantization.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Runtime/Kernels.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/KernelClones.h"
#include "nncc/Support/Rounding.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <future>
#include <variant>

namespace nncc {
#define GEN_PASS_DEF_QUANTIZELAYERS
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;
using runtime::Tensor;

namespace {

/// Activation statistics of one layer's input over the calibration set.
struct InputStats {
  double min = INFINITY, max = -INFINITY;
  /// Samples of x (every stride-th value): percentiles of |x| and the
  /// input codes' bit densities.
  std::vector<float> samples;
  int64_t seen = 0;
};

/// At most this many |x| values are kept per layer for percentiles.
constexpr size_t kMaxSamples = 1 << 20;

/// Rounds half away from zero (Support/Rounding.h, std::round bit for bit:
/// adding 0.5 rounds the largest double below one half up to 1).  |v| <=
/// 2^16 here: codes are at most 16 bits.
int64_t roundToInteger(double v) {
  return static_cast<int64_t>(nncc::roundHalfAway(v));
}

/// Codes of one row of weights on its columns' grids, clamp(round(w /
/// divisor) + zero, low, high), and their errors scale (q - zero) - w:
/// element by element with roundToCode, so that the loop vectorizes
/// (VGG-8's 13 M weights took 0.12 s one by one).  The codes are int32
/// whatever their stored type: Clang clones no function templates.
NNCC_KERNEL void quantizeRow(const float *row, const double *divisor,
                             const float *scale, const int32_t *zero,
                             int32_t low, int32_t high, int64_t n,
                             int32_t *codes, double *error) {
  for (int64_t j = 0; j < n; ++j) {
    const double z = zero[j];
    const double q =
        nncc::roundToCode(row[j] / divisor[j], low - z, high - z) + z;
    codes[j] = static_cast<int32_t>(q);
    error[j] = static_cast<double>(scale[j]) * (q - z) - row[j];
  }
}

/// A layer's float weight matrix [G, K, N], read from the IR once.
struct LayerWeights {
  int64_t groups = 0, depth = 0, columns = 0;
  int64_t bits = 8; ///< the layer's weight bits
  std::vector<float> copied; // only if the attribute is not a plain buffer
  ArrayRef<float> values;
  std::optional<cim::ModelWeightGrid> model; ///< a pre-quantized model's
};

/// The integer grid the weights are rounded onto: per column, w maps to
/// clamp(round(w / divisor) + zero, low, high).
struct WeightGrid {
  std::vector<float> scales;
  std::vector<int32_t> zeros;
  std::vector<double> divisor; ///< the unrounded scales
  int64_t low = 0, high = 0;
  bool symmetric = true, perChannel = true;
};

/// A layer's weight quantization, computed without touching the IR.
struct QuantizedWeights {
  bool symmetric = true, perChannel = true;
  std::vector<float> scales;
  std::vector<int32_t> zeros;
  /// Codes in the narrowest integer type their range fits.
  std::variant<std::vector<int8_t>, std::vector<int16_t>,
               std::vector<int32_t>>
      codes;
  double relativeError = 0;
};

struct QuantizeLayersPass
    : nncc::impl::QuantizeLayersBase<QuantizeLayersPass> {
  using QuantizeLayersBase::QuantizeLayersBase;
  QuantizeLayersPass(const QuantizeLayersOptions &options,
                     std::shared_ptr<const Dataset> preloaded)
      : QuantizeLayersBase(options), preloaded(std::move(preloaded)) {}

  void runOnOperation() override;

private:
  LogicalResult calibrate(ModuleOp module,
                          llvm::DenseMap<Operation *, InputStats> &stats,
                          cim::ProductRangeCalibration &products);
  QuantizedWeights quantizeWeights(const LayerWeights &layer) const;
  WeightGrid chooseGrid(const LayerWeights &layer) const;
  void setWeightAttributes(cim::LayerOp layer, int64_t bits,
                           QuantizedWeights &&q,
                           OpBuilder &b);

  /// Samples the driver already read (and checked) for this pass.
  std::shared_ptr<const Dataset> preloaded;
};

LogicalResult QuantizeLayersPass::calibrate(
    ModuleOp module, llvm::DenseMap<Operation *, InputStats> &stats,
    cim::ProductRangeCalibration &products) {
  CalibrationSource source{calibrationPath, calibrationLimit, pixelScale,
                           syntheticSamples, syntheticSeed};
  llvm::Expected<CalibrationRun> calibration =
      prepareCalibration(module, source, preloaded);
  if (!calibration)
    return module.emitError() << llvm::toString(calibration.takeError());
  const int64_t batches = calibration->batches();

  auto observe = [&](Operation *op, ArrayRef<const Tensor *> operands) {
    if (!isa<cim::LayerOp>(op)) {
      products.observe(op, operands);
      return;
    }
    InputStats &s = stats[op];
    const Tensor &x = *operands.front();
    const float *data = x.data<float>();
    int64_t n = x.numElements();
    // Keep a deterministic, evenly strided subset of |x|.
    int64_t stride = std::max<int64_t>(
        1, (n * batches) / static_cast<int64_t>(kMaxSamples));
    for (int64_t i = 0; i < n; ++i) {
      s.min = std::min<double>(s.min, data[i]);
      s.max = std::max<double>(s.max, data[i]);
      if ((s.seen + i) % stride == 0 && s.samples.size() < kMaxSamples)
        s.samples.push_back(data[i]);
    }
    s.seen += n;
  };
  if (llvm::Error e = calibration->run(observe))
    return module.emitError() << "calibration: "
                              << llvm::toString(std::move(e));
  return success();
}

/// The model's own grid: its scales and zero points, its code range.
/// Signed codes with non-zero zero points shift by 2^(bits-1) into the
/// unsigned range the asymmetric datapath stores (the differences q - zero,
/// which the arrays compute with, stay the same); a signed grid with zero
/// points 0 is symmetric and keeps its full range, -2^(bits-1) included.
WeightGrid modelGrid(const cim::ModelWeightGrid &model, int64_t channels) {
  WeightGrid grid;
  grid.perChannel = model.scales.size() > 1;
  bool zeroFree =
      llvm::all_of(model.zeroPoints, [](int64_t z) { return z == 0; });
  grid.symmetric = model.isSigned && zeroFree;
  int64_t shift =
      model.isSigned && !zeroFree ? int64_t{1} << (model.bits - 1) : 0;
  grid.low = grid.symmetric ? -(int64_t{1} << (model.bits - 1)) : 0;
  grid.high = grid.symmetric ? (int64_t{1} << (model.bits - 1)) - 1
                             : (int64_t{1} << model.bits) - 1;
  for (int64_t c = 0; c < channels; ++c) {
    size_t i = grid.perChannel ? static_cast<size_t>(c) : 0;
    grid.scales.push_back(model.scales[i]);
    grid.divisor.push_back(model.scales[i]);
    grid.zeros.push_back(static_cast<int32_t>(model.zeroPoints[i] + shift));
  }
  return grid;
}

WeightGrid QuantizeLayersPass::chooseGrid(const LayerWeights &layer) const {
  const int64_t g = layer.groups, k = layer.depth, n = layer.columns;
  ArrayRef<float> w = layer.values;
  int64_t bits = layer.bits;
  int64_t qmaxSym = (int64_t{1} << (bits - 1)) - 1;
  int64_t qmaxAsym = (int64_t{1} << bits) - 1;

  // Channel (gi, j) owns column j of group gi: weights [gi][*][j].  Both
  // passes walk the matrix row by row (a column walk strides by n floats
  // and misses the cache on every element of a large layer).
  const int64_t channels = g * n;
  std::vector<float> lo(channels, INFINITY), hi(channels, -INFINITY);
  for (int64_t gi = 0; gi < g; ++gi)
    for (int64_t r = 0; r < k; ++r) {
      const float *row = &w[(gi * k + r) * n];
      float *l = &lo[gi * n], *h = &hi[gi * n];
      for (int64_t j = 0; j < n; ++j) {
        l[j] = std::min(l[j], row[j]);
        h[j] = std::max(h[j], row[j]);
      }
    }
  if (!perChannel && channels > 0) {
    float tensorLo = *std::min_element(lo.begin(), lo.end());
    float tensorHi = *std::max_element(hi.begin(), hi.end());
    std::fill(lo.begin(), lo.end(), tensorLo);
    std::fill(hi.begin(), hi.end(), tensorHi);
  }
  WeightGrid grid;
  grid.symmetric = symmetric;
  grid.perChannel = perChannel;
  std::vector<float> &scales = grid.scales;
  std::vector<int32_t> &zeros = grid.zeros;
  std::vector<double> &divisor = grid.divisor;
  scales.resize(channels);
  zeros.assign(channels, 0);
  divisor.resize(channels);
  for (int64_t c = 0; c < channels; ++c) {
    double scale;
    int64_t zero = 0;
    if (symmetric) {
      double maxAbs = std::max(std::fabs(lo[c]), std::fabs(hi[c]));
      scale = maxAbs > 0 ? maxAbs / qmaxSym : 1.0;
    } else {
      float l = std::min(lo[c], 0.0f); // keep 0 exactly representable
      float h = std::max(hi[c], 0.0f);
      scale = h > l ? (static_cast<double>(h) - l) / qmaxAsym : 1.0;
      zero = std::clamp<int64_t>(roundToInteger(-l / scale), 0, qmaxAsym);
    }
    divisor[c] = scale;
    scales[c] = static_cast<float>(scale);
    zeros[c] = static_cast<int32_t>(zero);
  }
  grid.low = symmetric ? -qmaxSym : 0;
  grid.high = symmetric ? qmaxSym : qmaxAsym;
  return grid;
}

QuantizedWeights
QuantizeLayersPass::quantizeWeights(const LayerWeights &layer) const {
  const int64_t g = layer.groups, k = layer.depth, n = layer.columns;
  ArrayRef<float> w = layer.values;
  WeightGrid grid =
      layer.model ? modelGrid(*layer.model, g * n) : chooseGrid(layer);
  QuantizedWeights result;
  result.symmetric = grid.symmetric;
  result.perChannel = grid.perChannel;
  result.scales = std::move(grid.scales);
  result.zeros = std::move(grid.zeros);
  const std::vector<float> &scales = result.scales;
  const std::vector<int32_t> &zeros = result.zeros;
  const std::vector<double> &divisor = grid.divisor;
  const int64_t qLow = grid.low, qHigh = grid.high;
  // Each row has its own error sums, added up in row order.
  std::vector<double> rowErrSq(g * k), rowNormSq(g * k);
  // Per row, the codes and their errors element by element (quantizeRow,
  // vectorized), then the sums in element order, which must stay
  // sequential for reproducible bits.
  assert(qLow >= INT32_MIN / 2 && qHigh <= INT32_MAX / 2 &&
         "codes are at most 16 bits");
  std::vector<double> rowErr(n);
  std::vector<int32_t> rowCodes(n);
  auto quantizeRows = [&](auto *codes) {
    for (size_t gr = 0, rows = g * k; gr < rows; ++gr) {
      const int64_t gi = static_cast<int64_t>(gr) / k;
      const float *row = &w[gr * n];
      quantizeRow(row, &divisor[gi * n], &scales[gi * n], &zeros[gi * n],
                  static_cast<int32_t>(qLow), static_cast<int32_t>(qHigh), n,
                  rowCodes.data(), rowErr.data());
      std::copy(rowCodes.begin(), rowCodes.end(), &codes[gr * n]);
      double errSq = 0, normSq = 0;
      for (int64_t j = 0; j < n; ++j) {
        errSq += rowErr[j] * rowErr[j];
        normSq += static_cast<double>(row[j]) * row[j];
      }
      rowErrSq[gr] = errSq;
      rowNormSq[gr] = normSq;
    }
  };
  // Codes in the narrowest integer type their range [qLow, qHigh] fits.
  auto quantizeAs = [&](auto zero) {
    std::vector<decltype(zero)> values(w.size());
    quantizeRows(values.data());
    result.codes = std::move(values);
  };
  if (qLow >= INT8_MIN && qHigh <= INT8_MAX)
    quantizeAs(int8_t());
  else if (qLow >= INT16_MIN && qHigh <= INT16_MAX)
    quantizeAs(int16_t());
  else
    quantizeAs(int32_t());
  double errSq = 0, normSq = 0;
  for (size_t gr = 0; gr < rowErrSq.size(); ++gr) {
    errSq += rowErrSq[gr];
    normSq += rowNormSq[gr];
  }
  result.relativeError = normSq > 0 ? std::sqrt(errSq / normSq) : 0.0;
  return result;
}

void QuantizeLayersPass::setWeightAttributes(cim::LayerOp layer,
                                             int64_t bits,
                                             QuantizedWeights &&q,
                                             OpBuilder &b) {
  MLIRContext *ctx = &getContext();
  auto shape = layer.getMatrixShape();
  const int64_t g = shape.groups, k = shape.depth, n = shape.columns;
  std::string name = layer.getLayerName().str();
  layer.setWeightBitsAttr(b.getI64IntegerAttr(bits));
  layer.setWeightPerChannelAttr(b.getBoolAttr(q.perChannel));
  layer.setWeightSymmetricAttr(b.getBoolAttr(q.symmetric));
  layer.setWeightScalesAttr(
      makeF32Elements(ctx, {g * n}, q.scales, name + ".scales"));
  layer.setWeightZeroPointsAttr(
      makeI32Elements(ctx, {g * n}, q.zeros, name + ".zero_points"));
  layer.setWeightIntsAttr(std::visit(
      [&](auto &codes) {
        return makeIntElements(ctx, {g, k, n}, std::move(codes), name + ".q");
      },
      q.codes));
  layer.setWeightErrorAttr(b.getF64FloatAttr(q.relativeError));
}

void QuantizeLayersPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (weightBits < 2 || weightBits > 16) {
    module.emitError("weight-bits must be in [2, 16]");
    return signalPassFailure();
  }
  int64_t networkInputBits = inputBits;
  if (networkInputBits == 0) {
    cim::TargetAttr target = cim::getTarget(module);
    networkInputBits = target ? target.getInputBits() : 8;
  }
  if (networkInputBits < 1 || networkInputBits > 16) {
    module.emitError("input-bits must be in [1, 16]");
    return signalPassFailure();
  }
  SmallVector<cim::LayerOp> layers;
  module.walk([&](cim::LayerOp layer) { layers.push_back(layer); });
  if (layers.empty())
    return;
  // The weights are quantized on a second thread while the calibration
  // runs the model: neither changes the IR, the attributes are set after.
  FailureOr<std::vector<int64_t>> weightBitsOf =
      cim::LayerOverrides::integersPerLayer(module, layers, layerWeightBits,
                                            "layer-weight-bits", weightBits, 2,
                                            16);
  if (failed(weightBitsOf))
    return signalPassFailure();
  FailureOr<std::vector<int64_t>> inputBitsOf =
      cim::LayerOverrides::integersPerLayer(module, layers, layerInputBits,
                                            "layer-input-bits",
                                            networkInputBits, 1, 16);
  if (failed(inputBitsOf))
    return signalPassFailure();
  std::vector<LayerWeights> weights(layers.size());
  // A pre-quantized model's layers keep the model's grids and bits.
  std::vector<std::optional<cim::ModelInputGrid>> modelInputs(layers.size());
  for (auto [layer, w, bits, modelInput] :
       llvm::zip(layers, weights, *weightBitsOf, modelInputs)) {
    cim::ModelQuantization model = cim::getModelQuantization(layer);
    modelInput = model.input;
    w.bits = model.weights ? model.weights->bits : bits;
    w.model = std::move(model.weights);
    auto shape = layer.getMatrixShape();
    w.groups = shape.groups;
    w.depth = shape.depth;
    w.columns = shape.columns;
    // In place when the weights are a plain f32 buffer (the lowering makes
    // them one); a copy otherwise.
    if (auto storage = getF32Storage(layer.getWeights())) {
      w.values = *storage;
    } else {
      w.copied = getF32Values(layer.getWeights());
      w.values = w.copied;
    }
    if (static_cast<int64_t>(w.values.size()) !=
        w.groups * w.depth * w.columns) {
      layer.emitError("weights do not match the layer's matrix shape");
      return signalPassFailure();
    }
  }
  std::future<std::vector<QuantizedWeights>> quantized =
      std::async(std::launch::async, [&] {
        std::vector<QuantizedWeights> out;
        for (const LayerWeights &w : weights)
          out.push_back(quantizeWeights(w));
        return out;
      });
  llvm::DenseMap<Operation *, InputStats> stats;
  cim::ProductRangeCalibration products;
  LogicalResult calibrated = calibrate(module, stats, products);
  std::vector<QuantizedWeights> results = quantized.get();
  if (failed(calibrated))
    return signalPassFailure();
  products.record();

  OpBuilder b(&getContext());
  for (auto [layer, q, w, aBits, modelInput] :
       llvm::zip(layers, results, weights, *inputBitsOf, modelInputs)) {
    setWeightAttributes(layer, w.bits, std::move(q), b);
    InputStats &s = stats[layer];
    bool isSigned = s.min < 0;
    double range = std::max(std::fabs(s.min), std::fabs(s.max));
    std::optional<double> modelScale;
    if (modelInput) {
      aBits = modelInput->bits;
      isSigned = modelInput->isSigned;
      modelScale = modelInput->scale;
    }
    if (percentile < 100.0 && !s.samples.empty() && !modelScale) {
      std::vector<float> magnitudes(s.samples.size());
      std::transform(s.samples.begin(), s.samples.end(), magnitudes.begin(),
                     [](float x) { return std::fabs(x); });
      size_t idx = std::min(magnitudes.size() - 1,
                            static_cast<size_t>(percentile / 100.0 *
                                                magnitudes.size()));
      std::nth_element(magnitudes.begin(), magnitudes.begin() + idx,
                       magnitudes.end());
      range = magnitudes[idx];
    }
    int64_t qmax = isSigned ? (int64_t{1} << (aBits - 1)) - 1
                            : (int64_t{1} << aBits) - 1;
    double scale = range > 0 ? range / qmax : 1.0;
    if (modelScale) {
      scale = *modelScale;
      range = scale * static_cast<double>(qmax);
    }
    int64_t clipped = llvm::count_if(
        s.samples, [&](float x) { return std::fabs(x) > range; });
    layer.setInputBitsAttr(b.getI64IntegerAttr(aBits));
    layer.setInputScaleAttr(b.getF64FloatAttr(scale));
    layer.setInputSignedAttr(b.getBoolAttr(isSigned));
    layer.setInputClipFractionAttr(b.getF64FloatAttr(
        s.samples.empty() ? 0.0
                          : static_cast<double>(clipped) / s.samples.size()));
    // How often each bit of the input code is 1, over the same samples
    // (rounded and clamped as the arrays' input quantizer does): the rows a
    // bit-serial input actually drives, for the energy model.
    if (!s.samples.empty()) {
      const int64_t lo = isSigned ? -qmax : 0;
      const uint64_t mask = (uint64_t{1} << aBits) - 1;
      std::vector<int64_t> ones(aBits, 0);
      for (float x : s.samples) {
        double v = x / scale;
        v = v == v ? std::clamp(v, lo - 1.0, qmax + 1.0) : 0.0;
        int64_t code = std::clamp<int64_t>(roundToInteger(v), lo, qmax);
        uint64_t bits = static_cast<uint64_t>(code) & mask;
        for (int64_t bit = 0; bit < aBits; ++bit)
          ones[bit] += static_cast<int64_t>((bits >> bit) & 1);
      }
      SmallVector<double> density;
      for (int64_t count : ones)
        density.push_back(static_cast<double>(count) /
                          static_cast<double>(s.samples.size()));
      layer.setInputBitDensity(density);
    }
    layer.advanceStage(cim::LayerStage::Quantized);
  }
}

} // namespace

std::unique_ptr<Pass>
nncc::createQuantizeLayers(const QuantizeLayersOptions &options,
                           std::shared_ptr<const Dataset> samples) {
  if (!samples)
    return createQuantizeLayers(options);
  return std::make_unique<QuantizeLayersPass>(options, std::move(samples));
}
