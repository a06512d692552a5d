//===- LowerNNToCIM.cpp - Weight layers into crossbar matrices ------------===//
//
// Every layer whose weights are constants becomes a cim.layer with a
// [G, K, N] weight matrix: one K x N matrix per group, K rows driven by the
// (im2col-unrolled) input, N columns read out.  BatchNormalization after a
// conv or gemm is folded into its weights first (the nn dialect's
// canonicalization), as it costs nothing there.  The pass checks that every
// weight layer can live in the arrays, so that the user sees why not at its
// ONNX node; the conversion patterns then only rewrite.  A product of two
// activations has no weights: it stays an nn op (docs/execution-schedule.md,
// digital MAC arrays).
//
//===----------------------------------------------------------------------===//
#include "nncc/Conversion/NNToCIM/Passes.h"

#include "ModelQuantization.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/ExpandQuantizedOps.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/NonFinite.h"

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

namespace nncc {
#define GEN_PASS_DEF_LOWERNNTOCIM
#include "nncc/Conversion/NNToCIM/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

/// Creates the cim.layer replacing `op`, at stage lowered.
cim::LayerOp createLayer(OpBuilder &b, Operation *op, Value input,
                         cim::LayerKind kind, ArrayRef<int64_t> matrixShape,
                         std::vector<float> matrix,
                         std::optional<std::vector<float>> bias,
                         ArrayRef<NamedAttribute> extra, Type resultType) {
  MLIRContext *ctx = b.getContext();
  std::string name = layerNameOf(op);
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr("layer_name", b.getStringAttr(name)),
      b.getNamedAttr("stage",
                     cim::LayerStageAttr::get(ctx, cim::LayerStage::Lowered)),
      b.getNamedAttr("kind", cim::LayerKindAttr::get(ctx, kind)),
      b.getNamedAttr("weights",
                     makeF32Elements(ctx, matrixShape, std::move(matrix),
                                     name + ".matrix"))};
  if (bias)
    attrs.push_back(b.getNamedAttr(
        "bias", makeF32Elements(ctx, {static_cast<int64_t>(bias->size())},
                                *bias, name + ".bias")));
  attrs.append(extra.begin(), extra.end());
  return b.create<cim::LayerOp>(op->getLoc(), TypeRange{resultType},
                                ValueRange{input}, attrs);
}

/// The value a layer reads for `x`: x, or, when the model quantizes it
/// (DequantizeLinear(QuantizeLinear(x))), what the chip's input quantizer
/// takes in its place; the model's input grid joins `model`.
Value layerInput(Value x, cim::ModelQuantization &model) {
  std::optional<LayerInputFromModel> q = readModelInputQuantization(x);
  if (!q)
    return x;
  model.input = q->grid;
  return q->input;
}

/// The model's weight grid of a layer whose weights came quantized, or
/// nothing, saying why the layer cannot keep it.
std::optional<cim::ModelWeightGrid>
modelWeights(Operation *op, const WeightOperand &w, int64_t channelAxis,
             int64_t columns, float scaleFactor) {
  if (!w.quantization)
    return std::nullopt;
  std::optional<cim::ModelWeightGrid> grid =
      modelWeightGrid(*w.quantization, channelAxis, columns, scaleFactor);
  if (!grid)
    op->emitWarning() << "the model's weight scales run along axis "
                      << w.quantization->axis
                      << ", not along the layer's output channels (axis "
                      << channelAxis << "); nncc quantizes the layer itself";
  return grid;
}

/// A bias operand's values: a float constant or a dequantized one.
std::optional<std::vector<float>> biasValues(Value bias) {
  std::optional<WeightOperand> b = readWeightOperand(bias);
  if (!b)
    return std::nullopt;
  return std::vector<float>(b->values.begin(), b->values.end());
}

//===----------------------------------------------------------------------===//
// Which layers can live in the arrays
//===----------------------------------------------------------------------===//

/// Cells store finite conductances: a NaN or infinite weight has no code
/// (and an infinite one would zero its whole column's scale), a non-finite
/// bias poisons every output.  Emits the first such element of `operand`
/// (`values`, row-major) by its index in the ONNX tensor.
LogicalResult checkFinite(Operation *op, Value operand, ArrayRef<float> values,
                          StringRef role) {
  std::optional<size_t> bad = findNonFinite(values);
  if (!bad)
    return success();
  ArrayRef<int64_t> shape = cast<ShapedType>(operand.getType()).getShape();
  return op->emitError() << role << " ["
                         << formatElementIndex(static_cast<int64_t>(*bad),
                                               shape)
                         << "] is " << nonFiniteName(values[*bad])
                         << "; crossbar arrays store finite weights";
}

LogicalResult checkConv(nn::ConvOp conv) {
  auto w = readWeightOperand(conv.getW());
  if (!w)
    return conv.emitError("conv weights must be constants to be stored in "
                          "crossbar arrays");
  if (conv.getB() && !readWeightOperand(conv.getB()))
    return conv.emitError("conv bias must be a constant");
  if (failed(checkFinite(conv, conv.getW(), w->values, "conv weight")))
    return failure();
  if (conv.getB() &&
      failed(checkFinite(conv, conv.getB(),
                         readWeightOperand(conv.getB())->values, "conv bias")))
    return failure();
  // G x K x N must be the filters (M = G * N of C/group * prod(kernel)).
  auto wType = cast<RankedTensorType>(conv.getW().getType());
  int64_t groups = static_cast<int64_t>(conv.getGroup());
  int64_t filters = wType.getDimSize(0);
  int64_t k = filters ? wType.getNumElements() / filters : 0;
  if (static_cast<int64_t>(w->values.size()) != groups * k * (filters / groups))
    return conv.emitError("conv weights do not match their shape");
  return success();
}

/// Whether a product's right operand is a weight to store in the arrays:
/// a constant, or a pre-quantized model's dequantized constant.  A product of two activations (attention's Q K^T and its
/// weights x V) stays an nn op for the cores' digital MAC arrays.
bool holdsWeights(Value b) { return isWeightOperand(b); }

LogicalResult checkGemm(nn::GemmOp gemm) {
  if (!holdsWeights(gemm.getB()))
    return success();
  auto w = readWeightOperand(gemm.getB());
  if (!w)
    return gemm.emitError("the B operand of Gemm must be a float32 constant "
                          "to be stored in crossbar arrays");
  auto bType = cast<RankedTensorType>(gemm.getB().getType());
  if (bType.getRank() != 2)
    return gemm.emitError("the B operand of Gemm must be a 2-D matrix");
  if (static_cast<int64_t>(w->values.size()) != bType.getNumElements())
    return gemm.emitError("the B operand of Gemm has the wrong size");
  if (failed(checkFinite(gemm, gemm.getB(), w->values, "Gemm weight B")))
    return failure();
  if (Value c = gemm.getC())
    if (auto bias = readWeightOperand(c))
      return checkFinite(gemm, c, bias->values, "Gemm bias C");
  return success();
}

LogicalResult checkMatMul(nn::MatMulOp matmul) {
  if (!holdsWeights(matmul.getB()))
    return success();
  auto bType = cast<RankedTensorType>(matmul.getB().getType());
  auto w = readWeightOperand(matmul.getB());
  if (!w || bType.getRank() != 2)
    return matmul.emitError("MatMul needs a float32 2-D right operand to be "
                            "stored in crossbar arrays (batched weights are "
                            "not supported)");
  if (failed(checkFinite(matmul, matmul.getB(), w->values, "MatMul weight B")))
    return failure();
  if (cast<RankedTensorType>(matmul.getA().getType()).getRank() < 2)
    return matmul.emitError("MatMul with a 1-D left operand is not supported "
                            "on the arrays");
  return success();
}

/// Emits why a weight layer cannot be lowered, at its ONNX node; other ops
/// succeed.
LogicalResult checkLowerable(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([](nn::ConvOp conv) { return checkConv(conv); })
      .Case([](nn::GemmOp gemm) { return checkGemm(gemm); })
      .Case([](nn::MatMulOp matmul) { return checkMatMul(matmul); })
      .Default([](Operation *) { return success(); });
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// nn.conv -> cim.layer: matrix[g][r][j] = W[g*N + j][r], r the flattened
/// (channel, kernel...) index; the window geometry made explicit.
struct ConvToLayer : OpConversionPattern<nn::ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConvOp conv, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto w = readWeightOperand(conv.getW());
    std::optional<std::vector<float>> bias;
    if (conv.getB())
      bias = biasValues(conv.getB());
    auto wType = cast<RankedTensorType>(conv.getW().getType());
    int64_t groups = static_cast<int64_t>(conv.getGroup());
    int64_t filters = wType.getDimSize(0);
    int64_t n = filters / groups;
    int64_t k = wType.getNumElements() / filters; // C/group * prod(kernel)
    if (!w || (conv.getB() && !bias) ||
        static_cast<int64_t>(w->values.size()) != groups * k * n)
      return rewriter.notifyMatchFailure(conv, "weights are not constants");
    std::vector<float> matrix(groups * k * n);
    for (int64_t g = 0; g < groups; ++g)
      transposeMatrix(w->values.data() + g * n * k, n, k,
                      matrix.data() + g * k * n);
    nn::WindowGeometry geom = nn::getWindowGeometry(conv);
    SmallVector<NamedAttribute> extra{
        rewriter.getNamedAttr("kernel_shape",
                              rewriter.getDenseI64ArrayAttr(geom.kernel)),
        rewriter.getNamedAttr("strides",
                              rewriter.getDenseI64ArrayAttr(geom.strides)),
        rewriter.getNamedAttr("dilations",
                              rewriter.getDenseI64ArrayAttr(geom.dilations)),
        rewriter.getNamedAttr("pads_begin",
                              rewriter.getDenseI64ArrayAttr(geom.padsBegin)),
        rewriter.getNamedAttr("pads_end",
                              rewriter.getDenseI64ArrayAttr(geom.padsEnd)),
        rewriter.getNamedAttr("group", rewriter.getI64IntegerAttr(groups))};
    cim::ModelQuantization model;
    model.weights = modelWeights(conv, *w, /*channelAxis=*/0, filters, 1.0f);
    Value input = layerInput(adaptor.getX(), model);
    cim::LayerOp layer = createLayer(
        rewriter, conv, input, cim::LayerKind::Conv, {groups, k, n},
        std::move(matrix), bias, extra, conv.getType());
    cim::setModelQuantization(layer, model);
    rewriter.replaceOp(conv, layer.getOutput());
    return success();
  }
};

/// nn.gemm -> cim.layer: alpha folds into the matrix, beta * C into the bias
/// when C is constant along M; any other C stays a digital add after it.
struct GemmToLayer : OpConversionPattern<nn::GemmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::GemmOp gemm, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto w = readWeightOperand(gemm.getB());
    auto bType = cast<RankedTensorType>(gemm.getB().getType());
    if (!w || bType.getRank() != 2 ||
        static_cast<int64_t>(w->values.size()) != bType.getNumElements())
      return rewriter.notifyMatchFailure(gemm, "B is not a constant matrix");
    int64_t k = gemm.getTransB() ? bType.getDimSize(1) : bType.getDimSize(0);
    int64_t n = gemm.getTransB() ? bType.getDimSize(0) : bType.getDimSize(1);
    float alpha = gemm.getAlpha().convertToFloat();
    std::vector<float> matrix(k * n);
    if (gemm.getTransB())
      transposeMatrix(w->values.data(), n, k, matrix.data());
    else
      std::copy(w->values.begin(), w->values.end(), matrix.begin());
    for (float &value : matrix)
      value *= alpha;
    auto outType = cast<RankedTensorType>(gemm.getType());
    std::optional<std::vector<float>> bias;
    Value fullBias; // C that varies along M stays a digital add
    if (Value c = adaptor.getC()) {
      auto cType = cast<RankedTensorType>(c.getType());
      auto values = biasValues(c);
      // A bias that is constant along M (scalar, [N] or [1, N]) goes into
      // the layer; anything else stays a digital add after it.
      bool perColumn = cType.getNumElements() == 1 ||
                       (cType.getNumElements() == n &&
                        (cType.getRank() == 1 || cType.getDimSize(0) == 1));
      if (values && perColumn) {
        float beta = gemm.getBeta().convertToFloat();
        bias = std::vector<float>(n);
        for (int64_t j = 0; j < n; ++j)
          (*bias)[j] = beta * (*values)[values->size() == 1 ? 0 : j];
      } else {
        fullBias = c;
      }
    }
    SmallVector<NamedAttribute> extra{rewriter.getNamedAttr(
        "trans_input", rewriter.getBoolAttr(gemm.getTransA()))};
    cim::ModelQuantization model;
    model.weights = modelWeights(
        gemm, *w, /*channelAxis=*/gemm.getTransB() ? 0 : 1, n, alpha);
    Value input = layerInput(adaptor.getA(), model);
    cim::LayerOp layer =
        createLayer(rewriter, gemm, input, cim::LayerKind::Gemm,
                    {1, k, n}, std::move(matrix), bias, extra, outType);
    cim::setModelQuantization(layer, model);
    Value result = layer.getOutput();
    if (fullBias) {
      // y = A*B + beta*C with C varying along M: the SFU adds it.
      Value c = fullBias;
      float beta = gemm.getBeta().convertToFloat();
      if (beta != 1.0f) {
        auto betaConst = rewriter.create<nn::ConstantOp>(
            gemm.getLoc(),
            DenseElementsAttr::get(
                RankedTensorType::get({}, rewriter.getF32Type()), beta));
        c = rewriter.create<nn::MulOp>(gemm.getLoc(), c.getType(), c,
                                       betaConst);
      }
      result = rewriter.create<nn::AddOp>(gemm.getLoc(), outType, result, c);
    }
    rewriter.replaceOp(gemm, result);
    return success();
  }
};

/// nn.matmul with a constant 2-D right operand -> a gemm layer, the left
/// operand flattened to [M, K] and the result reshaped back.
struct MatMulToLayer : OpConversionPattern<nn::MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::MatMulOp matmul, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto bType = cast<RankedTensorType>(matmul.getB().getType());
    auto aType = cast<RankedTensorType>(matmul.getA().getType());
    auto w = readWeightOperand(matmul.getB());
    if (!w || bType.getRank() != 2 || aType.getRank() < 2)
      return rewriter.notifyMatchFailure(matmul, "B is not a constant matrix");
    int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);
    int64_t m = aType.getNumElements() / k;
    Location loc = matmul.getLoc();
    SmallVector<NamedAttribute> extra{
        rewriter.getNamedAttr("trans_input", rewriter.getBoolAttr(false))};
    cim::ModelQuantization model;
    model.weights = modelWeights(matmul, *w, /*channelAxis=*/1, n, 1.0f);
    Value input = layerInput(adaptor.getA(), model);
    if (aType.getRank() != 2)
      input = rewriter.create<nn::ReshapeOp>(
          loc, RankedTensorType::get({m, k}, aType.getElementType()), input,
          rewriter.getDenseI64ArrayAttr({m, k}), rewriter.getBoolAttr(false));
    auto flatType = RankedTensorType::get({m, n}, aType.getElementType());
    cim::LayerOp layer = createLayer(
        rewriter, matmul, input, cim::LayerKind::Gemm, {1, k, n},
        w->copy.empty()
            ? std::vector<float>(w->values.begin(), w->values.end())
            : std::move(w->copy),
        std::nullopt,
        extra, flatType);
    cim::setModelQuantization(layer, model);
    Value result = layer.getOutput();
    if (result.getType() != matmul.getType()) {
      auto outType = cast<RankedTensorType>(matmul.getType());
      result = rewriter.create<nn::ReshapeOp>(
          loc, outType, result, rewriter.getDenseI64ArrayAttr(outType.getShape()),
          rewriter.getBoolAttr(false));
    }
    rewriter.replaceOp(matmul, result);
    return success();
  }
};

/// Erases the QuantizeLinear/DequantizeLinear ops the layers absorbed
/// (their weights' and inputs'), users before producers.
void eraseUnusedQuantization(ModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (isa<nn::QuantizeLinearOp, nn::DequantizeLinearOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : llvm::reverse(ops))
    if (op->use_empty())
      op->erase();
}

struct LowerNNToCIMPass : nncc::impl::LowerNNToCIMBase<LowerNNToCIMPass> {
  using LowerNNToCIMBase::LowerNNToCIMBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // A pre-quantized model's QLinear and integer operators in the QDQ form
    // the patterns below read.
    SmallVector<Operation *> quantizedOps;
    module.walk([&](Operation *op) {
      if (isa<nn::QLinearConvOp, nn::QLinearMatMulOp, nn::ConvIntegerOp,
              nn::MatMulIntegerOp>(op))
        quantizedOps.push_back(op);
    });
    if (!quantizedOps.empty()) {
      RewritePatternSet expansion(ctx);
      nn::populateExpandQuantizedOpsPatterns(expansion);
      GreedyRewriteConfig config;
      config.strictMode = GreedyRewriteStrictness::ExistingOps;
      (void)applyOpPatternsAndFold(quantizedOps, std::move(expansion), config);
    }

    // BatchNormalization first, while its producer is still a conv or gemm.
    // Only the norms themselves are rewritten: nothing else is folded.
    SmallVector<Operation *> norms;
    module.walk([&](nn::BatchNormalizationOp bn) { norms.push_back(bn); });
    RewritePatternSet foldPatterns(ctx);
    nn::BatchNormalizationOp::getCanonicalizationPatterns(foldPatterns, ctx);
    GreedyRewriteConfig foldConfig;
    foldConfig.strictMode = GreedyRewriteStrictness::ExistingOps;
    (void)applyOpPatternsAndFold(norms, std::move(foldPatterns), foldConfig);

    SmallVector<DenseResourceElementsAttr> imported;
    if (releaseReplacedWeights)
      module.walk([&](nn::ConstantOp constant) {
        if (auto blob = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
          imported.push_back(blob);
      });

    // The first layer that cannot live in the arrays stops the pass.
    if (module.walk([](Operation *op) {
              return failed(checkLowerable(op)) ? WalkResult::interrupt()
                                                : WalkResult::advance();
            }).wasInterrupted())
      return signalPassFailure();

    ConversionTarget target(*ctx);
    target.addIllegalOp<nn::ConvOp>();
    target.addDynamicallyLegalOp<nn::GemmOp>(
        [](nn::GemmOp gemm) { return !holdsWeights(gemm.getB()); });
    target.addDynamicallyLegalOp<nn::MatMulOp>(
        [](nn::MatMulOp matmul) { return !holdsWeights(matmul.getB()); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    populateNNToCIMPatterns(patterns);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    // Weights now live in the layers' matrices, and the layers quantize
    // their inputs themselves.
    eraseUnusedQuantization(module);
    nn::eraseUnusedConstants(module);
    releaseUnreferencedBlobs(module, imported);
  }
};

} // namespace

void nncc::populateNNToCIMPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvToLayer, GemmToLayer, MatMulToLayer>(
      patterns.getContext());
}
