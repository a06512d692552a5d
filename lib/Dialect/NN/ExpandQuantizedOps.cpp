//===- ExpandQuantizedOps.cpp - QLinear and integer ops in QDQ form ------===//
//
// A QLinearConv is a convolution between a DequantizeLinear of its input and
// of its weights, followed by a QuantizeLinear of the result; MatMulInteger
// and ConvInteger are the same with unit scales and an int32 result.  The
// mapping onto crossbars reads one form only, the QDQ form, so these
// patterns rewrite the operator forms into it before the lowering.  The
// float convolution sums exact products of integers times one scale each, so
// the expanded form equals the integer operator's result up to the f32
// rounding of the sum, which the chip's own integer datapath then replaces:
// `nncc run` keeps executing the original operators bit-exactly.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/NN/ExpandQuantizedOps.h"

#include "nncc/Dialect/NN/NNOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace nncc;

namespace {

RankedTensorType withElement(Value v, Type element) {
  return cast<RankedTensorType>(v.getType()).clone(element);
}

/// A constant 1.0 scale with the shape of `zeroPoint`: dequantizing with it
/// only subtracts the zero point.
Value unitScaleLike(PatternRewriter &rewriter, Location loc, Value zeroPoint) {
  auto type = withElement(zeroPoint, rewriter.getF32Type());
  return rewriter.create<nn::ConstantOp>(
      loc, DenseElementsAttr::get(type, rewriter.getF32FloatAttr(1.0f)));
}

/// x_scale * w_scale, one per filter (or one): the scale ONNX gives a
/// QLinearConv's int32 bias.  Needs both scales constant.
FailureOr<Value> biasScale(PatternRewriter &rewriter, Location loc,
                           Value xScale, Value wScale) {
  auto x = nn::getConstantF32Values(xScale);
  auto w = nn::getConstantF32Values(wScale);
  if (!x || !w || x->size() != 1)
    return failure();
  std::vector<float> product(w->size());
  for (size_t c = 0; c < w->size(); ++c)
    product[c] = (*x)[0] * (*w)[c];
  auto type = withElement(wScale, rewriter.getF32Type());
  return Value(rewriter.create<nn::ConstantOp>(
      loc, DenseElementsAttr::get(type, ArrayRef<float>(product))));
}

Value zerosLike(PatternRewriter &rewriter, Location loc, Value like,
                Type element) {
  auto type = withElement(like, element);
  return rewriter.create<nn::ConstantOp>(
      loc, DenseElementsAttr::get(type, rewriter.getIntegerAttr(element, 0)));
}

Value dequantize(PatternRewriter &rewriter, Location loc, Value x,
                 Value scale, Value zeroPoint, int64_t axis) {
  return rewriter.create<nn::DequantizeLinearOp>(
      loc, withElement(x, rewriter.getF32Type()), x, scale, zeroPoint,
      rewriter.getI64IntegerAttr(axis));
}

/// codes - zeroPoint in f32: a dequantization with unit scales.
Value subtractZeroPoint(PatternRewriter &rewriter, Location loc, Value codes,
                        Value zeroPoint, int64_t axis) {
  return dequantize(rewriter, loc, codes,
                    unitScaleLike(rewriter, loc, zeroPoint), zeroPoint, axis);
}

/// Per-row scales of A in a matmul are along A's dim -2, per-column ones of
/// B along B's last dim.
int64_t rowAxis(Value a) {
  return cast<RankedTensorType>(a.getType()).getRank() - 2;
}
int64_t columnAxis(Value b) {
  return cast<RankedTensorType>(b.getType()).getRank() - 1;
}

/// The window attributes a conv-like op shares with nn.conv.
SmallVector<NamedAttribute> convAttributes(Operation *op) {
  SmallVector<NamedAttribute> attrs;
  for (StringRef name : {"auto_pad", "dilations", "group", "kernel_shape",
                         "pads", "strides"})
    if (Attribute value = op->getAttr(name))
      attrs.emplace_back(StringAttr::get(op->getContext(), name), value);
  return attrs;
}

struct ExpandQLinearConv : OpRewritePattern<nn::QLinearConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::QLinearConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<Value> operands{
        dequantize(rewriter, loc, op.getX(), op.getXScale(),
                   op.getXZeroPoint(), 1),
        dequantize(rewriter, loc, op.getW(), op.getWScale(),
                   op.getWZeroPoint(), 0)};
    if (Value bias = op.getB()) {
      FailureOr<Value> scale =
          biasScale(rewriter, loc, op.getXScale(), op.getWScale());
      if (failed(scale))
        return rewriter.notifyMatchFailure(op, "scales are not constants");
      operands.push_back(dequantize(
          rewriter, loc, bias, *scale,
          zerosLike(rewriter, loc, *scale, rewriter.getI32Type()), 0));
    }
    auto conv = rewriter.create<nn::ConvOp>(
        loc, TypeRange{withElement(op.getY(), rewriter.getF32Type())},
        operands, convAttributes(op));
    rewriter.replaceOpWithNewOp<nn::QuantizeLinearOp>(
        op, op.getType(), conv, op.getYScale(), op.getYZeroPoint(),
        rewriter.getI64IntegerAttr(1));
    return success();
  }
};

struct ExpandQLinearMatMul : OpRewritePattern<nn::QLinearMatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::QLinearMatMulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = dequantize(rewriter, loc, op.getA(), op.getAScale(),
                         op.getAZeroPoint(), rowAxis(op.getA()));
    Value b = dequantize(rewriter, loc, op.getB(), op.getBScale(),
                         op.getBZeroPoint(), columnAxis(op.getB()));
    auto product = rewriter.create<nn::MatMulOp>(
        loc, withElement(op.getY(), rewriter.getF32Type()), a, b);
    rewriter.replaceOpWithNewOp<nn::QuantizeLinearOp>(
        op, op.getType(), product, op.getYScale(), op.getYZeroPoint(),
        rewriter.getI64IntegerAttr(columnAxis(op.getY())));
    return success();
  }
};

/// The int32 result of an integer op from its exact f32 counterpart.
Value toInt32(PatternRewriter &rewriter, Location loc, Value floats) {
  return rewriter.create<nn::CastOp>(
      loc, withElement(floats, rewriter.getI32Type()), floats,
      TypeAttr::get(rewriter.getI32Type()));
}

struct ExpandMatMulInteger : OpRewritePattern<nn::MatMulIntegerOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::MatMulIntegerOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = subtractZeroPoint(rewriter, loc, op.getA(), op.getAZeroPoint(),
                                rowAxis(op.getA()));
    Value b = subtractZeroPoint(rewriter, loc, op.getB(), op.getBZeroPoint(),
                                columnAxis(op.getB()));
    auto product = rewriter.create<nn::MatMulOp>(
        loc, withElement(op.getY(), rewriter.getF32Type()), a, b);
    rewriter.replaceOp(op, toInt32(rewriter, loc, product));
    return success();
  }
};

struct ExpandConvInteger : OpRewritePattern<nn::ConvIntegerOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(nn::ConvIntegerOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x =
        subtractZeroPoint(rewriter, loc, op.getX(), op.getXZeroPoint(), 1);
    Value w =
        subtractZeroPoint(rewriter, loc, op.getW(), op.getWZeroPoint(), 0);
    auto conv = rewriter.create<nn::ConvOp>(
        loc, TypeRange{withElement(op.getY(), rewriter.getF32Type())},
        ValueRange{x, w}, convAttributes(op));
    rewriter.replaceOp(op, toInt32(rewriter, loc, conv));
    return success();
  }
};

} // namespace

void nncc::nn::populateExpandQuantizedOpsPatterns(RewritePatternSet &patterns) {
  patterns.add<ExpandQLinearConv, ExpandQLinearMatMul, ExpandMatMulInteger,
               ExpandConvInteger>(patterns.getContext());
}
