//===- LowerNNToCIM.cpp - Weight layers into crossbar matrices ------------===//
//
// Every layer whose weights are constants becomes a cim.layer with a
// [G, K, N] weight matrix: one K x N matrix per group, K rows driven by the
// (im2col-unrolled) input, N columns read out.  BatchNormalization after a
// conv or gemm is folded into its weights first, as it costs nothing there.
//
//===----------------------------------------------------------------------===//
#include "nncc/Passes/Passes.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Elements.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <numeric>

namespace nncc {
#define GEN_PASS_DEF_LOWERNNTOCIM
#include "passes/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

/// Float values of a value defined by nn.constant, or nullopt.
std::optional<std::vector<float>> constantValues(Value v) {
  auto op = v ? v.getDefiningOp<nn::ConstantOp>() : nn::ConstantOp();
  if (!op || !cast<ShapedType>(op.getType()).getElementType().isF32())
    return std::nullopt;
  std::vector<float> values = getF32Values(op.getValue());
  if (values.empty() && cast<ShapedType>(op.getType()).getNumElements() > 0)
    return std::nullopt;
  return values;
}

/// A float constant's values, in place when the attribute is a plain f32
/// buffer (ONNX initializers are), else copied: weight matrices are read
/// once, not copied first.
struct ConstantFloats {
  std::vector<float> copy;
  ArrayRef<float> values;
};
std::optional<ConstantFloats> constantFloats(Value v) {
  auto op = v ? v.getDefiningOp<nn::ConstantOp>() : nn::ConstantOp();
  if (!op || !cast<ShapedType>(op.getType()).getElementType().isF32())
    return std::nullopt;
  ConstantFloats c;
  if (auto storage = getF32Storage(op.getValue())) {
    c.values = *storage;
    return c;
  }
  auto values = constantValues(v);
  if (!values)
    return std::nullopt;
  c.copy = std::move(*values);
  c.values = c.copy;
  return c;
}

Value makeConstant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   ArrayRef<float> values, StringRef name) {
  return b.create<nn::ConstantOp>(
      loc, makeF32Elements(b.getContext(), shape, values, name));
}

/// Folds y = BN(conv(x) or gemm(x)) into the conv/gemm's weights and bias:
/// scale = gamma / sqrt(var + eps), W' = W * scale, b' = (b - mean) * scale
/// + beta, per output channel.
LogicalResult foldBatchNorm(nn::BatchNormalizationOp bn) {
  Operation *producer = bn.getX().getDefiningOp();
  if (!producer || !producer->hasOneUse() ||
      !isa<nn::ConvOp, nn::GemmOp>(producer))
    return failure();
  auto gamma = constantValues(bn.getScale()), beta = constantValues(bn.getB());
  auto mean = constantValues(bn.getMean()), var = constantValues(bn.getVar());
  if (!gamma || !beta || !mean || !var)
    return failure();
  int64_t channels = gamma->size();
  std::vector<float> scale(channels), shift(channels);
  for (int64_t c = 0; c < channels; ++c) {
    scale[c] = (*gamma)[c] / std::sqrt((*var)[c] + bn.getEpsilon().convertToFloat());
    shift[c] = (*beta)[c] - (*mean)[c] * scale[c];
  }
  OpBuilder b(producer);
  std::string name = nodeNameOf(producer->getLoc());
  auto foldBias = [&](Value oldBias) -> std::optional<Value> {
    std::vector<float> bias(channels, 0.0f);
    if (oldBias) {
      auto values = constantValues(oldBias);
      if (!values || static_cast<int64_t>(values->size()) != channels)
        return std::nullopt;
      bias = *values;
    }
    for (int64_t c = 0; c < channels; ++c)
      bias[c] = bias[c] * scale[c] + shift[c];
    return makeConstant(b, producer->getLoc(), {channels}, bias,
                        name + ".folded_bias");
  };

  if (auto conv = dyn_cast<nn::ConvOp>(producer)) {
    auto w = constantValues(conv.getW());
    if (!w)
      return failure();
    auto wType = cast<RankedTensorType>(conv.getW().getType());
    int64_t perFilter = wType.getNumElements() / channels;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < perFilter; ++i)
        (*w)[c * perFilter + i] *= scale[c];
    std::optional<Value> bias = foldBias(conv.getB());
    if (!bias)
      return failure();
    Value weights = makeConstant(b, conv.getLoc(), wType.getShape(), *w,
                                 name + ".folded_weight");
    conv.getWMutable().assign(weights);
    if (conv.getB())
      conv.getBMutable().assign(*bias);
    else
      conv.getBMutable().append(*bias);
  } else {
    auto gemm = cast<nn::GemmOp>(producer);
    auto w = constantValues(gemm.getB());
    auto cType = gemm.getC() ? cast<RankedTensorType>(gemm.getC().getType())
                             : RankedTensorType();
    // Only a per-column bias folds into a per-channel one.
    if (!w || (cType && cType.getNumElements() != channels))
      return failure();
    auto wType = cast<RankedTensorType>(gemm.getB().getType());
    int64_t k = wType.getNumElements() / channels;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < k; ++i)
        (*w)[gemm.getTransB() ? c * k + i : i * channels + c] *= scale[c];
    std::vector<float> bias(channels, 0.0f);
    if (gemm.getC()) {
      auto values = constantValues(gemm.getC());
      if (!values)
        return failure();
      bias = *values;
    }
    float beta = gemm.getBeta().convertToFloat();
    float alpha = gemm.getAlpha().convertToFloat();
    // y = alpha*A*B' + beta*C' : BN scales both.
    for (int64_t c = 0; c < channels; ++c)
      bias[c] = (beta * bias[c]) * scale[c] + shift[c];
    Value weights = makeConstant(b, gemm.getLoc(), wType.getShape(), *w,
                                 name + ".folded_weight");
    Value c = makeConstant(b, gemm.getLoc(), {channels}, bias,
                           name + ".folded_bias");
    gemm.getBMutable().assign(weights);
    if (gemm.getC())
      gemm.getCMutable().assign(c);
    else
      gemm.getCMutable().append(c);
    gemm.setBetaAttr(b.getF32FloatAttr(1.0f));
    (void)alpha;
  }
  bn.getY().replaceAllUsesWith(producer->getResult(0));
  bn.erase();
  return success();
}

class Lowering {
public:
  explicit Lowering(func::FuncOp func) : func(func) {}
  LogicalResult run();

private:
  LogicalResult lowerConv(nn::ConvOp conv);
  LogicalResult lowerGemm(nn::GemmOp gemm);
  LogicalResult lowerMatMul(nn::MatMulOp matmul);
  /// Creates the cim.layer replacing `op` (result type taken from `op`).
  cim::LayerOp createLayer(OpBuilder &b, Operation *op, Value input,
                           cim::LayerKind kind, ArrayRef<int64_t> matrixShape,
                           std::vector<float> matrix,
                           std::optional<std::vector<float>> bias,
                           ArrayRef<NamedAttribute> extra, Type resultType);

  func::FuncOp func;
};

cim::LayerOp Lowering::createLayer(OpBuilder &b, Operation *op, Value input,
                                   cim::LayerKind kind,
                                   ArrayRef<int64_t> matrixShape,
                                   std::vector<float> matrix,
                                   std::optional<std::vector<float>> bias,
                                   ArrayRef<NamedAttribute> extra,
                                   Type resultType) {
  MLIRContext *ctx = b.getContext();
  std::string name = nodeNameOf(op->getLoc());
  if (name.empty())
    name = op->getName().stripDialect().str();
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

LogicalResult Lowering::lowerConv(nn::ConvOp conv) {
  auto w = constantFloats(conv.getW());
  if (!w)
    return conv.emitError("conv weights must be constants to be stored in "
                          "crossbar arrays");
  std::optional<std::vector<float>> bias;
  if (conv.getB()) {
    bias = constantValues(conv.getB());
    if (!bias)
      return conv.emitError("conv bias must be a constant");
  }
  auto wType = cast<RankedTensorType>(conv.getW().getType());
  int64_t groups = static_cast<int64_t>(conv.getGroup());
  int64_t filters = wType.getDimSize(0);
  int64_t n = filters / groups;
  int64_t k = wType.getNumElements() / filters; // C/group * prod(kernel)
  // matrix[g][r][j] = W[g*N + j][r] with r the flattened (c, kernel...) index.
  if (static_cast<int64_t>(w->values.size()) != groups * k * n)
    return conv.emitError("conv weights do not match their shape");
  std::vector<float> matrix(groups * k * n);
  for (int64_t g = 0; g < groups; ++g)
    transposeMatrix(w->values.data() + g * n * k, n, k,
                    matrix.data() + g * k * n);
  nn::WindowGeometry geom = nn::getWindowGeometry(conv);
  OpBuilder b(conv);
  SmallVector<NamedAttribute> extra{
      b.getNamedAttr("kernel_shape", b.getDenseI64ArrayAttr(geom.kernel)),
      b.getNamedAttr("strides", b.getDenseI64ArrayAttr(geom.strides)),
      b.getNamedAttr("dilations", b.getDenseI64ArrayAttr(geom.dilations)),
      b.getNamedAttr("pads_begin", b.getDenseI64ArrayAttr(geom.padsBegin)),
      b.getNamedAttr("pads_end", b.getDenseI64ArrayAttr(geom.padsEnd)),
      b.getNamedAttr("group", b.getI64IntegerAttr(groups))};
  cim::LayerOp layer =
      createLayer(b, conv, conv.getX(), cim::LayerKind::Conv, {groups, k, n},
                  std::move(matrix), bias, extra, conv.getType());
  conv.replaceAllUsesWith(layer.getOutput());
  conv.erase();
  return success();
}

LogicalResult Lowering::lowerGemm(nn::GemmOp gemm) {
  auto w = constantFloats(gemm.getB());
  if (!w)
    return gemm.emitError("the B operand of Gemm must be a constant to be "
                          "stored in crossbar arrays");
  auto bType = cast<RankedTensorType>(gemm.getB().getType());
  if (bType.getRank() != 2)
    return gemm.emitError("the B operand of Gemm must be a 2-D matrix");
  int64_t k = gemm.getTransB() ? bType.getDimSize(1) : bType.getDimSize(0);
  int64_t n = gemm.getTransB() ? bType.getDimSize(0) : bType.getDimSize(1);
  float alpha = gemm.getAlpha().convertToFloat();
  if (static_cast<int64_t>(w->values.size()) != k * n)
    return gemm.emitError("the B operand of Gemm has the wrong size");
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
  if (Value c = gemm.getC()) {
    auto cType = cast<RankedTensorType>(c.getType());
    auto values = constantValues(c);
    // A bias that is constant along M (scalar, [N] or [1, N]) goes into the
    // layer; anything else stays a digital add after it.
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
  OpBuilder b(gemm);
  SmallVector<NamedAttribute> extra{
      b.getNamedAttr("trans_input", b.getBoolAttr(gemm.getTransA()))};
  cim::LayerOp layer = createLayer(b, gemm, gemm.getA(), cim::LayerKind::Gemm,
                                   {1, k, n}, std::move(matrix), bias, extra,
                                   outType);
  Value result = layer.getOutput();
  if (fullBias) {
    // y = A*B + beta*C with C varying along M: the SFU adds it.
    Value c = fullBias;
    float beta = gemm.getBeta().convertToFloat();
    if (beta != 1.0f) {
      auto betaConst = b.create<nn::ConstantOp>(
          gemm.getLoc(),
          DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                 beta));
      c = b.create<nn::MulOp>(gemm.getLoc(), c.getType(), c, betaConst);
    }
    result = b.create<nn::AddOp>(gemm.getLoc(), outType, result, c);
  }
  gemm.replaceAllUsesWith(result);
  gemm.erase();
  return success();
}

LogicalResult Lowering::lowerMatMul(nn::MatMulOp matmul) {
  auto bType = cast<RankedTensorType>(matmul.getB().getType());
  auto w = constantValues(matmul.getB());
  if (!w || bType.getRank() != 2)
    return matmul.emitError("MatMul needs a constant 2-D right operand to be "
                            "stored in crossbar arrays (a product of two "
                            "activations cannot run on the arrays)");
  auto aType = cast<RankedTensorType>(matmul.getA().getType());
  if (aType.getRank() < 2)
    return matmul.emitError("MatMul with a 1-D left operand is not supported "
                            "on the arrays");
  int64_t k = bType.getDimSize(0), n = bType.getDimSize(1);
  int64_t m = aType.getNumElements() / k;
  OpBuilder b(matmul);
  Value input = matmul.getA();
  if (aType.getRank() != 2)
    input = b.create<nn::ReshapeOp>(
        matmul.getLoc(), RankedTensorType::get({m, k}, aType.getElementType()),
        input, b.getDenseI64ArrayAttr({m, k}), b.getBoolAttr(false));
  auto flatType = RankedTensorType::get({m, n}, aType.getElementType());
  cim::LayerOp layer =
      createLayer(b, matmul, input, cim::LayerKind::Gemm, {1, k, n},
                  std::move(*w),
                  std::nullopt, {b.getNamedAttr("trans_input", b.getBoolAttr(false))},
                  flatType);
  Value result = layer.getOutput();
  if (result.getType() != matmul.getType()) {
    auto outType = cast<RankedTensorType>(matmul.getType());
    result = b.create<nn::ReshapeOp>(matmul.getLoc(), outType, result,
                                     b.getDenseI64ArrayAttr(outType.getShape()),
                                     b.getBoolAttr(false));
  }
  matmul.replaceAllUsesWith(result);
  matmul.erase();
  return success();
}

LogicalResult Lowering::run() {
  SmallVector<nn::BatchNormalizationOp> norms;
  func.walk([&](nn::BatchNormalizationOp bn) { norms.push_back(bn); });
  for (nn::BatchNormalizationOp bn : norms)
    (void)foldBatchNorm(bn);

  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<nn::ConvOp, nn::GemmOp, nn::MatMulOp>(op))
      layers.push_back(op);
  });
  for (Operation *op : layers) {
    LogicalResult result =
        llvm::TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](nn::ConvOp conv) { return lowerConv(conv); })
            .Case([&](nn::GemmOp gemm) { return lowerGemm(gemm); })
            .Case([&](nn::MatMulOp mm) { return lowerMatMul(mm); });
    if (failed(result))
      return failure();
  }
  // Weights now live in the layers' matrices.
  nn::eraseUnusedConstants(func);
  return success();
}

struct LowerNNToCIMPass : nncc::impl::LowerNNToCIMBase<LowerNNToCIMPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(Lowering(func).run()))
        return signalPassFailure();
  }
};

} // namespace
