//===- FoldBatchNorm.cpp - BatchNormalization into its conv or gemm -------===//
//
// The canonicalization of nn.batch_normalization: at inference it is a
// per-channel affine map, which costs nothing once folded into the weights
// and bias of the conv or gemm before it (and nothing then needs to run it).
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/NN/NNOps.h"

#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Elements.h"

#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;
using namespace nncc;
using namespace nncc::nn;

namespace {

/// y = BN(conv(x) or gemm(x)) becomes conv/gemm with W' = W * scale and
/// b' = (b - mean) * scale + beta per output channel, where scale = gamma /
/// sqrt(var + eps).  Only when the producer has no other user and every
/// operand involved is a constant.
struct FoldBatchNormIntoProducer : OpRewritePattern<BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormalizationOp bn,
                                PatternRewriter &rewriter) const override {
    Operation *producer = bn.getX().getDefiningOp();
    if (!producer || !producer->hasOneUse() ||
        !isa<ConvOp, GemmOp>(producer))
      return rewriter.notifyMatchFailure(bn, "not after a conv or gemm");
    auto gamma = getConstantF32Values(bn.getScale());
    auto beta = getConstantF32Values(bn.getB());
    auto mean = getConstantF32Values(bn.getMean());
    auto var = getConstantF32Values(bn.getVar());
    if (!gamma || !beta || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "statistics are not constants");
    int64_t channels = gamma->size();
    std::vector<float> scale(channels), shift(channels);
    for (int64_t c = 0; c < channels; ++c) {
      scale[c] = (*gamma)[c] /
                 std::sqrt((*var)[c] + bn.getEpsilon().convertToFloat());
      shift[c] = (*beta)[c] - (*mean)[c] * scale[c];
    }
    rewriter.setInsertionPoint(producer);
    LogicalResult folded =
        isa<ConvOp>(producer)
            ? foldIntoConv(cast<ConvOp>(producer), scale, shift, rewriter)
            : foldIntoGemm(cast<GemmOp>(producer), scale, shift, rewriter);
    if (failed(folded))
      return rewriter.notifyMatchFailure(bn, "weights are not constants");
    rewriter.replaceOp(bn, producer->getResult(0));
    return success();
  }

private:
  static Value makeConstant(PatternRewriter &rewriter, Location loc,
                            ArrayRef<int64_t> shape, ArrayRef<float> values,
                            StringRef name) {
    return rewriter.create<ConstantOp>(
        loc, makeF32Elements(rewriter.getContext(), shape, values, name));
  }

  static LogicalResult foldIntoConv(ConvOp conv, ArrayRef<float> scale,
                                    ArrayRef<float> shift,
                                    PatternRewriter &rewriter) {
    int64_t channels = scale.size();
    auto w = getConstantF32Values(conv.getW());
    if (!w)
      return failure();
    std::vector<float> bias(channels, 0.0f);
    if (conv.getB()) {
      auto values = getConstantF32Values(conv.getB());
      if (!values || static_cast<int64_t>(values->size()) != channels)
        return failure();
      bias = *values;
    }
    auto wType = cast<RankedTensorType>(conv.getW().getType());
    int64_t perFilter = wType.getNumElements() / channels;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < perFilter; ++i)
        (*w)[c * perFilter + i] *= scale[c];
    for (int64_t c = 0; c < channels; ++c)
      bias[c] = bias[c] * scale[c] + shift[c];
    std::string name = nodeNameOf(conv.getLoc());
    Value b = makeConstant(rewriter, conv.getLoc(), {channels}, bias,
                           name + ".folded_bias");
    Value weights = makeConstant(rewriter, conv.getLoc(), wType.getShape(), *w,
                                 name + ".folded_weight");
    rewriter.modifyOpInPlace(conv, [&] {
      conv.getWMutable().assign(weights);
      if (conv.getB())
        conv.getBMutable().assign(b);
      else
        conv.getBMutable().append(b);
    });
    return success();
  }

  static LogicalResult foldIntoGemm(GemmOp gemm, ArrayRef<float> scale,
                                    ArrayRef<float> shift,
                                    PatternRewriter &rewriter) {
    int64_t channels = scale.size();
    auto w = getConstantF32Values(gemm.getB());
    auto cType = gemm.getC() ? cast<RankedTensorType>(gemm.getC().getType())
                             : RankedTensorType();
    // Only a per-column bias folds into a per-channel one.
    if (!w || (cType && cType.getNumElements() != channels))
      return failure();
    std::vector<float> bias(channels, 0.0f);
    if (gemm.getC()) {
      auto values = getConstantF32Values(gemm.getC());
      if (!values)
        return failure();
      bias = *values;
    }
    auto wType = cast<RankedTensorType>(gemm.getB().getType());
    int64_t k = wType.getNumElements() / channels;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < k; ++i)
        (*w)[gemm.getTransB() ? c * k + i : i * channels + c] *= scale[c];
    // y = alpha*A*B' + beta*C': BN scales both; beta goes into the new C.
    float beta = gemm.getBeta().convertToFloat();
    for (int64_t c = 0; c < channels; ++c)
      bias[c] = (beta * bias[c]) * scale[c] + shift[c];
    std::string name = nodeNameOf(gemm.getLoc());
    Value weights = makeConstant(rewriter, gemm.getLoc(), wType.getShape(), *w,
                                 name + ".folded_weight");
    Value c = makeConstant(rewriter, gemm.getLoc(), {channels}, bias,
                           name + ".folded_bias");
    rewriter.modifyOpInPlace(gemm, [&] {
      gemm.getBMutable().assign(weights);
      if (gemm.getC())
        gemm.getCMutable().assign(c);
      else
        gemm.getCMutable().append(c);
      gemm.setBetaAttr(rewriter.getF32FloatAttr(1.0f));
    });
    return success();
  }
};

} // namespace

void BatchNormalizationOp::getCanonicalizationPatterns(
    RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<FoldBatchNormIntoProducer>(context);
}
