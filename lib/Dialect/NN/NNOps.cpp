//===- NNOps.cpp - Shape inference and verifiers of the nn dialect --------===//
//
// Each op's `inferReturnTypes` implements the ONNX shape rules for its
// operator and reports inconsistent inputs as errors at the op's location
// (the importer gives every op the location of its ONNX node, so the message
// names the node).
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/Limits.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace nncc::nn;
using nncc::formatShape;

namespace {

RankedTensorType rankedType(Value v) {
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

/// Fails unless every operand is a statically shaped ranked tensor; the
/// rules below index dims freely, and nn has no dynamic shapes.
LogicalResult requireStatic(std::optional<Location> loc, ValueRange operands) {
  for (Value v : operands) {
    auto t = rankedType(v);
    if (!t || !t.hasStaticShape())
      return emitOptionalError(loc, "operands must be statically shaped tensors");
  }
  return success();
}

/// Normalizes an ONNX axis in [-rank, rank) (or [-rank, rank] when
/// `inclusiveEnd`) to a non-negative index.
FailureOr<int64_t> normalizeAxis(std::optional<Location> loc, int64_t axis,
                                 int64_t rank, bool inclusiveEnd = false) {
  int64_t hi = inclusiveEnd ? rank : rank - 1;
  if (axis < -rank || axis > hi)
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             rank);
  return axis < 0 ? axis + rank : axis;
}

/// Numpy multidirectional broadcast of two shapes.
FailureOr<SmallVector<int64_t>> broadcastShapes(std::optional<Location> loc,
                                                ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return emitOptionalError(loc, "shapes ", formatShape(a), " and ",
                               formatShape(b), " are not broadcastable");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

/// Appends the result type `shape` x `element` after checking it against
/// nncc's size limit; attributes are bounded first, so the shape itself was
/// computed without overflow.
LogicalResult pushResult(std::optional<Location> loc, ArrayRef<int64_t> shape,
                         Type element, SmallVectorImpl<Type> &types) {
  int64_t total = 1;
  for (int64_t d : shape) {
    if (d > nncc::kMaxTensorElements || (d > 0 && total > nncc::kMaxTensorElements / d))
      return emitOptionalError(loc, "result shape ", formatShape(shape),
                               " exceeds the limit of 2^31 elements");
    total *= d;
  }
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

/// Fails unless every value is in [-2^31, 2^31]: attribute values that
/// enter shape arithmetic.
LogicalResult checkAttrBound(std::optional<Location> loc, StringRef name,
                             ArrayRef<int64_t> values) {
  for (int64_t v : values)
    if (v > nncc::kMaxTensorElements || v < -nncc::kMaxTensorElements)
      return emitOptionalError(loc, name, " value ", v,
                               " exceeds the limit of 2^31");
  return success();
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace

//===----------------------------------------------------------------------===//
// Window geometry shared by conv and pooling
//===----------------------------------------------------------------------===//

FailureOr<WindowGeometry> nncc::nn::resolveWindow(
    std::optional<Location> loc, StringRef opName,
    ArrayRef<int64_t> inputSpatial, ArrayRef<int64_t> kernelShape,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
    ArrayRef<int64_t> pads, AutoPad autoPad, bool ceilMode) {
  size_t n = inputSpatial.size();
  if (n < 1 || n > 3)
    return emitOptionalError(loc, opName, " supports 1 to 3 spatial dims, got ",
                             n);
  auto checkLen = [&](ArrayRef<int64_t> v, size_t want,
                      StringRef name) -> LogicalResult {
    if (!v.empty() && v.size() != want)
      return emitOptionalError(loc, name, " has ", v.size(),
                               " entries, expected ", want);
    return success();
  };
  if (kernelShape.size() != n)
    return emitOptionalError(loc, "kernel_shape has ", kernelShape.size(),
                             " entries, expected ", n);
  if (failed(checkLen(strides, n, "strides")) ||
      failed(checkLen(dilations, n, "dilations")) ||
      failed(checkLen(pads, 2 * n, "pads")))
    return failure();

  if (failed(checkAttrBound(loc, "kernel_shape", kernelShape)) ||
      failed(checkAttrBound(loc, "strides", strides)) ||
      failed(checkAttrBound(loc, "dilations", dilations)) ||
      failed(checkAttrBound(loc, "pads", pads)))
    return failure();

  WindowGeometry g;
  g.kernel.assign(kernelShape.begin(), kernelShape.end());
  g.strides.assign(n, 1);
  g.dilations.assign(n, 1);
  g.padsBegin.assign(n, 0);
  g.padsEnd.assign(n, 0);
  if (!strides.empty())
    g.strides.assign(strides.begin(), strides.end());
  if (!dilations.empty())
    g.dilations.assign(dilations.begin(), dilations.end());
  if (!pads.empty() && autoPad == AutoPad::NotSet) {
    g.padsBegin.assign(pads.begin(), pads.begin() + n);
    g.padsEnd.assign(pads.begin() + n, pads.end());
  }
  for (size_t i = 0; i < n; ++i) {
    if (g.kernel[i] < 1 || g.strides[i] < 1 || g.dilations[i] < 1)
      return emitOptionalError(
          loc, "kernel_shape, strides and dilations must be positive");
    if (g.padsBegin[i] < 0 || g.padsEnd[i] < 0)
      return emitOptionalError(loc, "pads must be non-negative");
  }

  g.outputSpatial.resize(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t in = inputSpatial[i];
    int64_t effKernel = (g.kernel[i] - 1) * g.dilations[i] + 1;
    int64_t out = 0;
    switch (autoPad) {
    case AutoPad::SameUpper:
    case AutoPad::SameLower: {
      out = ceilDiv(in, g.strides[i]);
      int64_t total =
          std::max<int64_t>(0, (out - 1) * g.strides[i] + effKernel - in);
      int64_t small = total / 2;
      g.padsBegin[i] = autoPad == AutoPad::SameUpper ? small : total - small;
      g.padsEnd[i] = total - g.padsBegin[i];
      break;
    }
    case AutoPad::Valid:
    case AutoPad::NotSet: {
      int64_t span = in + g.padsBegin[i] + g.padsEnd[i] - effKernel;
      if (span < 0)
        return emitOptionalError(
            loc, "window of extent ", effKernel, " does not fit the padded ",
            "input extent ", in + g.padsBegin[i] + g.padsEnd[i],
            " of spatial dim ", i);
      out = (ceilMode ? ceilDiv(span, g.strides[i]) : span / g.strides[i]) + 1;
      // A ceil_mode window must start inside the input or its begin padding.
      if (ceilMode && (out - 1) * g.strides[i] >= in + g.padsBegin[i])
        --out;
      break;
    }
    }
    g.outputSpatial[i] = out;
  }
  return g;
}

template <typename PoolOrConv>
static WindowGeometry geometryOf(PoolOrConv op, ArrayRef<int64_t> kernel,
                                 bool ceilMode) {
  auto xType = cast<RankedTensorType>(op.getX().getType());
  FailureOr<WindowGeometry> g =
      resolveWindow(std::nullopt, op->getName().getStringRef(),
                    xType.getShape().drop_front(2), kernel, op.getStrides(),
                    [&] {
                      if constexpr (std::is_same_v<PoolOrConv, AveragePoolOp>)
                        return ArrayRef<int64_t>();
                      else
                        return op.getDilations();
                    }(),
                    op.getPads(), op.getAutoPad(), ceilMode);
  assert(succeeded(g) && "window of a verified op must resolve");
  return *g;
}

static SmallVector<int64_t> convKernel(ArrayRef<int64_t> attr, Type wType) {
  if (!attr.empty())
    return SmallVector<int64_t>(attr);
  auto w = cast<RankedTensorType>(wType);
  return SmallVector<int64_t>(w.getShape().drop_front(2));
}

WindowGeometry nncc::nn::getWindowGeometry(ConvOp op) {
  return geometryOf(op, convKernel(op.getKernelShape(), op.getW().getType()),
                    /*ceilMode=*/false);
}
WindowGeometry nncc::nn::getWindowGeometry(ConvIntegerOp op) {
  return geometryOf(op, convKernel(op.getKernelShape(), op.getW().getType()),
                    /*ceilMode=*/false);
}
WindowGeometry nncc::nn::getWindowGeometry(QLinearConvOp op) {
  return geometryOf(op, convKernel(op.getKernelShape(), op.getW().getType()),
                    /*ceilMode=*/false);
}
WindowGeometry nncc::nn::getWindowGeometry(MaxPoolOp op) {
  return geometryOf(op, op.getKernelShape(), op.getCeilMode());
}
WindowGeometry nncc::nn::getWindowGeometry(AveragePoolOp op) {
  return geometryOf(op, op.getKernelShape(), op.getCeilMode());
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

void nncc::nn::eraseUnusedConstants(Operation *root) {
  SmallVector<Operation *> dead;
  root->walk([&](ConstantOp op) {
    if (op->use_empty())
      dead.push_back(op);
  });
  for (Operation *op : dead)
    op->erase();
}

std::optional<std::vector<float>> nncc::nn::getConstantF32Values(Value v) {
  auto op = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!op || !cast<ShapedType>(op.getType()).getElementType().isF32())
    return std::nullopt;
  std::vector<float> values = getF32Values(op.getValue());
  // Elements it cannot read (not an f32 buffer or dense literal).
  if (values.empty() && cast<ShapedType>(op.getType()).getNumElements() > 0)
    return std::nullopt;
  return values;
}

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getValue().getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

/// Conv's shape rule, shared by the integer and quantized convolutions:
/// the result is [N, M, spatial...] with `elementType`.
template <typename Adaptor>
static LogicalResult inferConv(std::optional<Location> loc, Adaptor adaptor,
                               RankedTensorType b, Type elementType,
                               SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getX());
  auto w = rankedType(adaptor.getW());
  if (x.getRank() < 3 || x.getRank() > 5)
    return emitOptionalError(loc, "input must be [N, C, D1...] with 1 to 3 ",
                             "spatial dims, got ", formatShape(x.getShape()));
  if (w.getRank() != x.getRank())
    return emitOptionalError(loc, "weight ", formatShape(w.getShape()),
                             " must have the input's rank ", x.getRank());
  int64_t group = static_cast<int64_t>(adaptor.getGroup());
  int64_t channels = x.getDimSize(1), filters = w.getDimSize(0);
  if (group < 1 || channels % group != 0 || filters % group != 0)
    return emitOptionalError(loc, "group ", group, " must divide the ",
                             channels, " input channels and ", filters,
                             " filters");
  if (w.getDimSize(1) * group != channels)
    return emitOptionalError(loc, "weight ", formatShape(w.getShape()),
                             " expects ", w.getDimSize(1) * group,
                             " input channels, input has ", channels);
  SmallVector<int64_t> kernel = convKernel(adaptor.getKernelShape(), w);
  if (ArrayRef<int64_t>(kernel) != w.getShape().drop_front(2))
    return emitOptionalError(loc, "kernel_shape ", formatShape(kernel),
                             " disagrees with weight ",
                             formatShape(w.getShape()));
  if (b && (b.getRank() != 1 || b.getDimSize(0) != filters))
    return emitOptionalError(loc, "bias ", formatShape(b.getShape()),
                             " must be [", filters, "]");
  FailureOr<WindowGeometry> g = resolveWindow(
      loc, "conv", x.getShape().drop_front(2), kernel, adaptor.getStrides(),
      adaptor.getDilations(), adaptor.getPads(), adaptor.getAutoPad(), false);
  if (failed(g))
    return failure();
  SmallVector<int64_t> shape{x.getDimSize(0), filters};
  shape.append(g->outputSpatial.begin(), g->outputSpatial.end());
  return pushResult(loc, shape, elementType, types);
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  return inferConv(loc, adaptor, rankedType(adaptor.getB()),
                   rankedType(adaptor.getX()).getElementType(), types);
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto a = rankedType(adaptor.getA()), b = rankedType(adaptor.getB());
  if (a.getRank() != 2 || b.getRank() != 2)
    return emitOptionalError(loc, "A ", formatShape(a.getShape()), " and B ",
                             formatShape(b.getShape()), " must be 2-D");
  int64_t m = adaptor.getTransA() ? a.getDimSize(1) : a.getDimSize(0);
  int64_t ka = adaptor.getTransA() ? a.getDimSize(0) : a.getDimSize(1);
  int64_t kb = adaptor.getTransB() ? b.getDimSize(1) : b.getDimSize(0);
  int64_t n = adaptor.getTransB() ? b.getDimSize(0) : b.getDimSize(1);
  if (ka != kb)
    return emitOptionalError(loc, "inner dimensions differ: A ",
                             formatShape(a.getShape()), " and B ",
                             formatShape(b.getShape()), " (transA=",
                             adaptor.getTransA(), ", transB=",
                             adaptor.getTransB(), ")");
  if (auto c = rankedType(adaptor.getC())) {
    // C broadcasts unidirectionally to [M, N].
    ArrayRef<int64_t> cs = c.getShape();
    int64_t out[2] = {m, n};
    bool ok = cs.size() <= 2;
    for (size_t i = 0; ok && i < cs.size(); ++i) {
      int64_t want = out[2 - cs.size() + i];
      ok = cs[i] == 1 || cs[i] == want;
    }
    if (!ok)
      return emitOptionalError(loc, "C ", formatShape(cs),
                               " does not broadcast to [", m, ", ", n, "]");
  }
  return pushResult(loc, {m, n}, a.getElementType(), types);
}

/// MatMul's numpy shape rule for A and B, shared by the integer and
/// quantized products.
static LogicalResult inferMatMul(std::optional<Location> loc, Value aValue,
                                 Value bValue, Type elementType,
                                 SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, ValueRange{aValue, bValue})))
    return failure();
  auto a = rankedType(aValue), b = rankedType(bValue);
  if (a.getRank() < 1 || b.getRank() < 1)
    return emitOptionalError(loc, "MatMul operands must have rank >= 1");
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool promoteA = as.size() == 1, promoteB = bs.size() == 1;
  if (promoteA)
    as.insert(as.begin(), 1);
  if (promoteB)
    bs.push_back(1);
  int64_t m = as[as.size() - 2], k = as.back();
  int64_t kb = bs[bs.size() - 2], n = bs.back();
  if (k != kb)
    return emitOptionalError(loc, "inner dimensions differ: ",
                             formatShape(a.getShape()), " x ",
                             formatShape(b.getShape()));
  auto batch = broadcastShapes(loc, ArrayRef<int64_t>(as).drop_back(2),
                               ArrayRef<int64_t>(bs).drop_back(2));
  if (failed(batch))
    return failure();
  SmallVector<int64_t> shape = *batch;
  if (!promoteA)
    shape.push_back(m);
  if (!promoteB)
    shape.push_back(n);
  return pushResult(loc, shape, elementType, types);
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return inferMatMul(loc, adaptor.getA(), adaptor.getB(),
                     rankedType(adaptor.getA()).getElementType(), types);
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// Checks that a scale and its zero point are one per tensor (rank 0 or
/// [1]) or one per index of `x`'s dim `axis`, and have the same shape.
static LogicalResult verifyQuantizationParameters(Operation *op,
                                                  RankedTensorType x,
                                                  RankedTensorType scale,
                                                  RankedTensorType zero,
                                                  int64_t axis) {
  if (scale.getShape() != zero.getShape())
    return op->emitOpError("scale ")
           << formatShape(scale.getShape()) << " and zero point "
           << formatShape(zero.getShape()) << " must have the same shape";
  if (scale.getRank() > 1)
    return op->emitOpError("scale must be a scalar or 1-D, got ")
           << formatShape(scale.getShape());
  if (scale.getRank() == 0 || scale.getDimSize(0) == 1)
    return success();
  int64_t rank = x.getRank();
  if (axis < -rank || axis >= rank)
    return op->emitOpError("axis ") << axis << " is out of range for rank "
                                    << rank;
  int64_t dim = x.getDimSize(axis < 0 ? axis + rank : axis);
  if (scale.getDimSize(0) != dim)
    return op->emitOpError("per-axis scale ")
           << formatShape(scale.getShape()) << " must have " << dim
           << " entries, the size of axis " << axis;
  return success();
}

LogicalResult QuantizeLinearOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  auto x = rankedType(adaptor.getX());
  return pushResult(loc, x.getShape(),
                    rankedType(adaptor.getYZeroPoint()).getElementType(),
                    types);
}

LogicalResult QuantizeLinearOp::verify() {
  return verifyQuantizationParameters(
      *this, getX().getType(), getYScale().getType(),
      getYZeroPoint().getType(), getAxis());
}

LogicalResult DequantizeLinearOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  return pushResult(loc, rankedType(adaptor.getX()).getShape(),
                    Float32Type::get(ctx), types);
}

LogicalResult DequantizeLinearOp::verify() {
  if (getX().getType().getElementType() !=
      getXZeroPoint().getType().getElementType())
    return emitOpError("zero point type ")
           << getXZeroPoint().getType().getElementType()
           << " differs from the input's "
           << getX().getType().getElementType();
  return verifyQuantizationParameters(
      *this, getX().getType(), getXScale().getType(),
      getXZeroPoint().getType(), getAxis());
}

LogicalResult DynamicQuantizeLinearOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  Type u8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  if (failed(pushResult(loc, rankedType(adaptor.getX()).getShape(), u8,
                        types)) ||
      failed(pushResult(loc, {}, Float32Type::get(ctx), types)))
    return failure();
  return pushResult(loc, {}, u8, types);
}

LogicalResult MatMulIntegerOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  return inferMatMul(loc, adaptor.getA(), adaptor.getB(),
                     IntegerType::get(ctx, 32), types);
}

LogicalResult QLinearMatMulOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  return inferMatMul(loc, adaptor.getA(), adaptor.getB(),
                     rankedType(adaptor.getYZeroPoint()).getElementType(),
                     types);
}

LogicalResult ConvIntegerOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  return inferConv(loc, adaptor, RankedTensorType(),
                   IntegerType::get(ctx, 32), types);
}

LogicalResult QLinearConvOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  return inferConv(loc, adaptor, rankedType(adaptor.getB()),
                   rankedType(adaptor.getYZeroPoint()).getElementType(),
                   types);
}

/// Checks that `value`, a scale or zero point, is one number for the whole
/// tensor (rank 0 or [1]) or, when `count` is given, 1-D with `count`
/// entries, one per `per` (filter, row, column).
static LogicalResult verifyScalarOrPer(Operation *op, StringRef name,
                                       Value value,
                                       std::optional<int64_t> count,
                                       StringRef per) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 0 ||
      (type.getRank() == 1 && type.getDimSize(0) == 1))
    return success();
  if (count && type.getRank() == 1 && type.getDimSize(0) == *count)
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << name << " " << formatShape(type.getShape())
                            << " must be a scalar";
  if (count)
    diag << " or have " << *count << " entries, one per " << per;
  return diag;
}

/// Checks that a zero point has the element type of the codes it offsets.
static LogicalResult verifyZeroPointType(Operation *op, StringRef name,
                                         Value codes, Value zeroPoint) {
  Type codeType = cast<RankedTensorType>(codes.getType()).getElementType();
  Type zeroType = cast<RankedTensorType>(zeroPoint.getType()).getElementType();
  if (codeType == zeroType)
    return success();
  return op->emitOpError() << name << " type " << zeroType
                           << " differs from its operand's " << codeType;
}

/// A scale and its zero point have one shape.
static LogicalResult verifySameShape(Operation *op, StringRef scaleName,
                                     Value scale, StringRef zeroName,
                                     Value zero) {
  auto s = cast<RankedTensorType>(scale.getType());
  auto z = cast<RankedTensorType>(zero.getType());
  if (s.getShape() == z.getShape())
    return success();
  return op->emitOpError() << scaleName << " " << formatShape(s.getShape())
                           << " and " << zeroName << " "
                           << formatShape(z.getShape())
                           << " must have the same shape";
}

/// Rows of a matmul operand (1 for a 1-D A, promoted to a row) and columns
/// (1 for a 1-D B, promoted to a column).
static int64_t matmulRows(Value a) {
  auto t = cast<RankedTensorType>(a.getType());
  return t.getRank() >= 2 ? t.getDimSize(t.getRank() - 2) : 1;
}
static int64_t matmulColumns(Value b) {
  auto t = cast<RankedTensorType>(b.getType());
  return t.getRank() >= 2 ? t.getDimSize(t.getRank() - 1) : 1;
}

LogicalResult MatMulIntegerOp::verify() {
  Operation *op = *this;
  if (failed(verifyZeroPointType(op, "a_zero_point", getA(), getAZeroPoint())) ||
      failed(verifyZeroPointType(op, "b_zero_point", getB(), getBZeroPoint())) ||
      failed(verifyScalarOrPer(op, "a_zero_point", getAZeroPoint(),
                               matmulRows(getA()), "row of A")))
    return failure();
  return verifyScalarOrPer(op, "b_zero_point", getBZeroPoint(),
                           matmulColumns(getB()), "column of B");
}

LogicalResult QLinearMatMulOp::verify() {
  Operation *op = *this;
  if (failed(verifyZeroPointType(op, "a_zero_point", getA(), getAZeroPoint())) ||
      failed(verifyZeroPointType(op, "b_zero_point", getB(), getBZeroPoint())) ||
      failed(verifySameShape(op, "a_scale", getAScale(), "a_zero_point",
                             getAZeroPoint())) ||
      failed(verifySameShape(op, "b_scale", getBScale(), "b_zero_point",
                             getBZeroPoint())) ||
      failed(verifySameShape(op, "y_scale", getYScale(), "y_zero_point",
                             getYZeroPoint())) ||
      failed(verifyScalarOrPer(op, "a_scale", getAScale(), matmulRows(getA()),
                               "row of A")) ||
      failed(verifyScalarOrPer(op, "b_scale", getBScale(),
                               matmulColumns(getB()), "column of B")))
    return failure();
  return verifyScalarOrPer(op, "y_scale", getYScale(), std::nullopt, "");
}

/// M of a convolution weight [M, C/group, kernel...].
static int64_t filterCount(Value w) {
  auto t = cast<RankedTensorType>(w.getType());
  return t.getRank() > 0 ? t.getDimSize(0) : 1;
}

LogicalResult ConvIntegerOp::verify() {
  Operation *op = *this;
  int64_t filters = filterCount(getW());
  if (failed(verifyZeroPointType(op, "x_zero_point", getX(), getXZeroPoint())) ||
      failed(verifyZeroPointType(op, "w_zero_point", getW(), getWZeroPoint())) ||
      failed(verifyScalarOrPer(op, "x_zero_point", getXZeroPoint(),
                               std::nullopt, "")))
    return failure();
  return verifyScalarOrPer(op, "w_zero_point", getWZeroPoint(), filters,
                           "filter");
}

LogicalResult QLinearConvOp::verify() {
  Operation *op = *this;
  int64_t filters = filterCount(getW());
  if (failed(verifyZeroPointType(op, "x_zero_point", getX(), getXZeroPoint())) ||
      failed(verifyZeroPointType(op, "w_zero_point", getW(), getWZeroPoint())) ||
      failed(verifySameShape(op, "x_scale", getXScale(), "x_zero_point",
                             getXZeroPoint())) ||
      failed(verifySameShape(op, "w_scale", getWScale(), "w_zero_point",
                             getWZeroPoint())) ||
      failed(verifySameShape(op, "y_scale", getYScale(), "y_zero_point",
                             getYZeroPoint())) ||
      failed(verifyScalarOrPer(op, "x_scale", getXScale(), std::nullopt, "")) ||
      failed(verifyScalarOrPer(op, "w_scale", getWScale(), filters, "filter")))
    return failure();
  return verifyScalarOrPer(op, "y_scale", getYScale(), std::nullopt, "");
}

//===----------------------------------------------------------------------===//
// Activations (result type = operand type)
//===----------------------------------------------------------------------===//

#define NNCC_SAME_TYPE_INFERENCE(OP, GETTER)                                   \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location>,   \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    types.push_back(adaptor.GETTER().getType());                               \
    return success();                                                          \
  }
NNCC_SAME_TYPE_INFERENCE(ReluOp, getX)
NNCC_SAME_TYPE_INFERENCE(SigmoidOp, getX)
NNCC_SAME_TYPE_INFERENCE(TanhOp, getX)
NNCC_SAME_TYPE_INFERENCE(LeakyReluOp, getX)
NNCC_SAME_TYPE_INFERENCE(ErfOp, getX)
NNCC_SAME_TYPE_INFERENCE(SqrtOp, getX)
NNCC_SAME_TYPE_INFERENCE(ExpOp, getX)
NNCC_SAME_TYPE_INFERENCE(RoundOp, getX)
#undef NNCC_SAME_TYPE_INFERENCE

LogicalResult ClipOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto lo = adaptor.getMin(), hi = adaptor.getMax();
  if (lo && hi && lo->convertToDouble() > hi->convertToDouble())
    return emitOptionalError(loc, "min ", lo->convertToDouble(),
                             " exceeds max ", hi->convertToDouble());
  types.push_back(adaptor.getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, StringRef name,
                               Adaptor adaptor, ArrayRef<int64_t> dilations,
                               SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getX());
  if (x.getRank() < 3)
    return emitOptionalError(loc, name, " input must be [N, C, D1...], got ",
                             formatShape(x.getShape()));
  FailureOr<WindowGeometry> g = resolveWindow(
      loc, name, x.getShape().drop_front(2), adaptor.getKernelShape(),
      adaptor.getStrides(), dilations, adaptor.getPads(), adaptor.getAutoPad(),
      adaptor.getCeilMode());
  if (failed(g))
    return failure();
  SmallVector<int64_t> shape{x.getDimSize(0), x.getDimSize(1)};
  shape.append(g->outputSpatial.begin(), g->outputSpatial.end());
  return pushResult(loc, shape, x.getElementType(), types);
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferPool(loc, "max_pool", adaptor, adaptor.getDilations(), types);
}

LogicalResult AveragePoolOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  return inferPool(loc, "average_pool", adaptor, {}, types);
}

LogicalResult GlobalAveragePoolOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  auto x = rankedType(adaptor.getX());
  if (!x || x.getRank() < 3)
    return emitOptionalError(loc, "input must be [N, C, D1...]");
  SmallVector<int64_t> shape(x.getShape());
  std::fill(shape.begin() + 2, shape.end(), 1);
  return pushResult(loc, shape, x.getElementType(), types);
}

LogicalResult BatchNormalizationOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getX());
  if (x.getRank() < 2)
    return emitOptionalError(loc, "input must be [N, C, ...], got ",
                             formatShape(x.getShape()));
  int64_t c = x.getDimSize(1);
  const StringRef names[] = {"scale", "B", "mean", "var"};
  const Value params[] = {adaptor.getScale(), adaptor.getB(),
                          adaptor.getMean(), adaptor.getVar()};
  for (auto [name, v] : llvm::zip(names, params)) {
    auto t = rankedType(v);
    if (t.getRank() != 1 || t.getDimSize(0) != c)
      return emitOptionalError(loc, name, " ", formatShape(t.getShape()),
                               " must be [", c, "]");
  }
  types.push_back(x);
  return success();
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return emitOptionalError(loc, "input must be ranked");
  if (failed(normalizeAxis(loc, static_cast<int64_t>(adaptor.getAxis()),
                           x.getRank())))
    return failure();
  types.push_back(x);
  return success();
}

LogicalResult LayerNormalizationOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getX());
  FailureOr<int64_t> axis =
      normalizeAxis(loc, static_cast<int64_t>(adaptor.getAxis()), x.getRank());
  if (failed(axis))
    return failure();
  // Scale and B broadcast unidirectionally to the normalized dims.
  ArrayRef<int64_t> normalized = x.getShape().drop_front(*axis);
  const StringRef names[] = {"Scale", "B"};
  const Value params[] = {adaptor.getScale(), adaptor.getB()};
  for (auto [name, v] : llvm::zip(names, params)) {
    auto t = rankedType(v);
    if (!t)
      continue;
    FailureOr<SmallVector<int64_t>> shape =
        broadcastShapes(std::nullopt, normalized, t.getShape());
    if (failed(shape) || ArrayRef<int64_t>(*shape) != normalized)
      return emitOptionalError(loc, name, " ", formatShape(t.getShape()),
                               " does not broadcast to the normalized dims ",
                               formatShape(normalized));
  }
  types.push_back(x);
  return success();
}

FailureOr<SmallVector<bool>>
nncc::nn::resolveReducedDims(std::optional<Location> loc,
                             ArrayRef<int64_t> axes, int64_t rank,
                             bool noopWithEmptyAxes) {
  SmallVector<bool> reduced(rank, axes.empty() && !noopWithEmptyAxes);
  for (int64_t a : axes) {
    FailureOr<int64_t> axis = normalizeAxis(loc, a, rank);
    if (failed(axis))
      return failure();
    if (reduced[*axis])
      return emitOptionalError(loc, "axes ", formatShape(axes), " repeat ",
                               *axis);
    reduced[*axis] = true;
  }
  return reduced;
}

template <typename Adaptor>
static LogicalResult inferReduce(std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getData());
  FailureOr<SmallVector<bool>> reduced =
      resolveReducedDims(loc, adaptor.getAxes(), x.getRank(),
                         adaptor.getNoopWithEmptyAxes());
  if (failed(reduced))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < x.getRank(); ++d) {
    if (!(*reduced)[d])
      shape.push_back(x.getDimSize(d));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  return pushResult(loc, shape, x.getElementType(), types);
}

#define NNCC_REDUCE_OP(OP)                                                     \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    return inferReduce(loc, adaptor, types);                                   \
  }
NNCC_REDUCE_OP(ReduceMeanOp)
NNCC_REDUCE_OP(ReduceSumOp)
NNCC_REDUCE_OP(ReduceMaxOp)
NNCC_REDUCE_OP(ReduceMinOp)
#undef NNCC_REDUCE_OP

//===----------------------------------------------------------------------===//
// Elementwise arithmetic
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferBinary(std::optional<Location> loc, Adaptor adaptor,
                                 SmallVectorImpl<Type> &types) {
  auto a = rankedType(adaptor.getA()), b = rankedType(adaptor.getB());
  if (!a || !b)
    return emitOptionalError(loc, "operands must be ranked tensors");
  if (a.getElementType() != b.getElementType())
    return emitOptionalError(loc, "element types differ: ", a.getElementType(),
                             " and ", b.getElementType());
  auto shape = broadcastShapes(loc, a.getShape(), b.getShape());
  if (failed(shape))
    return failure();
  return pushResult(loc, *shape, a.getElementType(), types);
}

#define NNCC_BINARY_OP(OP)                                                     \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc,              \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &types) {           \
    return inferBinary(loc, adaptor, types);                                   \
  }
NNCC_BINARY_OP(AddOp)
NNCC_BINARY_OP(SubOp)
NNCC_BINARY_OP(MulOp)
NNCC_BINARY_OP(DivOp)
NNCC_BINARY_OP(MinOp)
NNCC_BINARY_OP(MaxOp)
#undef NNCC_BINARY_OP

LogicalResult PowOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  auto x = rankedType(adaptor.getX()), y = rankedType(adaptor.getY());
  if (!x || !y)
    return emitOptionalError(loc, "operands must be ranked tensors");
  auto shape = broadcastShapes(loc, x.getShape(), y.getShape());
  if (failed(shape))
    return failure();
  return pushResult(loc, *shape, x.getElementType(), types);
}

LogicalResult EqualOp::inferReturnTypes(MLIRContext *ctx,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  SmallVector<Type, 1> same;
  if (failed(inferBinary(loc, adaptor, same)))
    return failure();
  types.push_back(cast<RankedTensorType>(same.front())
                      .clone(IntegerType::get(ctx, 1)));
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto c = rankedType(adaptor.getCondition());
  auto x = rankedType(adaptor.getX()), y = rankedType(adaptor.getY());
  if (!c || !x || !y)
    return emitOptionalError(loc, "operands must be ranked tensors");
  if (x.getElementType() != y.getElementType())
    return emitOptionalError(loc, "element types differ: ", x.getElementType(),
                             " and ", y.getElementType());
  auto xy = broadcastShapes(loc, x.getShape(), y.getShape());
  if (failed(xy))
    return failure();
  auto shape = broadcastShapes(loc, c.getShape(), *xy);
  if (failed(shape))
    return failure();
  return pushResult(loc, *shape, x.getElementType(), types);
}

LogicalResult CastOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  auto x = rankedType(adaptor.getInput());
  if (!x)
    return emitOptionalError(loc, "input must be ranked");
  Type to = adaptor.getTo();
  if (!(to.isF32() || to.isF64() || to.isF16() || to.isBF16() ||
        to.isSignlessInteger() ||
        to.isUnsignedInteger()) ||
      (to.isInteger() && !llvm::is_contained({1u, 8u, 16u, 32u, 64u},
                                             to.getIntOrFloatBitWidth())))
    return emitOptionalError(loc, "cannot cast to ", to);
  types.push_back(x.clone(to));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "concat needs at least one input");
  if (failed(requireStatic(loc, inputs)))
    return failure();
  auto first = rankedType(inputs.front());
  FailureOr<int64_t> axis = normalizeAxis(
      loc, static_cast<int64_t>(adaptor.getAxis()), first.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (Value v : inputs.drop_front()) {
    auto t = rankedType(v);
    if (t.getElementType() != first.getElementType() ||
        t.getRank() != first.getRank())
      return emitOptionalError(loc, "inputs must share element type and rank");
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (d == *axis)
        shape[d] += t.getDimSize(d);
      else if (t.getDimSize(d) != shape[d])
        return emitOptionalError(loc, "input ", formatShape(t.getShape()),
                                 " differs from ",
                                 formatShape(first.getShape()),
                                 " outside axis ", *axis);
    }
  }
  return pushResult(loc, shape, first.getElementType(), types);
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto data = rankedType(adaptor.getData());
  auto indices = rankedType(adaptor.getIndices());
  if (data.getRank() < 1)
    return emitOptionalError(loc, "data must have rank >= 1");
  FailureOr<int64_t> axis = normalizeAxis(
      loc, static_cast<int64_t>(adaptor.getAxis()), data.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  return pushResult(loc, shape, data.getElementType(), types);
}

FailureOr<SliceGeometry>
nncc::nn::resolveSlice(std::optional<Location> loc, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
                       ArrayRef<int64_t> axes, ArrayRef<int64_t> steps) {
  const int64_t rank = shape.size();
  if (starts.size() != ends.size() ||
      (!axes.empty() && axes.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size()))
    return emitOptionalError(loc, "starts, ends, axes and steps must have one "
                                  "entry per sliced axis");
  if (static_cast<int64_t>(starts.size()) > rank)
    return emitOptionalError(loc, "slices ", starts.size(),
                             " axes of a rank-", rank, " input");
  SliceGeometry g;
  g.start.assign(rank, 0);
  g.step.assign(rank, 1);
  g.size.assign(shape.begin(), shape.end());
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> axis =
        normalizeAxis(loc, axes.empty() ? static_cast<int64_t>(i) : axes[i],
                      rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return emitOptionalError(loc, "axes ", formatShape(axes), " repeat ",
                               *axis);
    seen[*axis] = true;
    const int64_t dim = shape[*axis], step = steps.empty() ? 1 : steps[i];
    if (step == 0)
      return emitOptionalError(loc, "steps must not be 0");
    // Saturating: ONNX exporters write INT64_MAX/MIN for "to the end".
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start = start < -dim ? -1 : start + dim;
    if (end < 0)
      end = end < -dim ? -1 : end + dim;
    // Sizes as (span - 1) / stride + 1, which cannot overflow for any step
    // (INT64_MIN's stride is taken as INT64_MAX: both give one element).
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
      start = std::clamp<int64_t>(start, -1, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      const int64_t stride =
          step == std::numeric_limits<int64_t>::min() ? INT64_MAX : -step;
      size = start > end ? (start - end - 1) / stride + 1 : 0;
    }
    g.start[*axis] = start;
    g.step[*axis] = step;
    g.size[*axis] = size;
  }
  return g;
}

SliceGeometry nncc::nn::getSliceGeometry(SliceOp op) {
  FailureOr<SliceGeometry> g = resolveSlice(
      std::nullopt, cast<RankedTensorType>(op.getData().getType()).getShape(),
      op.getStarts(), op.getEnds(), op.getAxes(), op.getSteps());
  assert(succeeded(g) && "slice of a verified op must resolve");
  return *g;
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getData());
  FailureOr<SliceGeometry> g =
      resolveSlice(loc, x.getShape(), adaptor.getStarts(), adaptor.getEnds(),
                   adaptor.getAxes(), adaptor.getSteps());
  if (failed(g))
    return failure();
  return pushResult(loc, g->size, x.getElementType(), types);
}

LogicalResult ExpandOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getInput());
  ArrayRef<int64_t> requested = adaptor.getShape();
  if (llvm::any_of(requested, [](int64_t d) { return d < 0; }))
    return emitOptionalError(loc, "shape ", formatShape(requested),
                             " has a negative dimension");
  if (failed(checkAttrBound(loc, "shape", requested)))
    return failure();
  auto shape = broadcastShapes(loc, x.getShape(), requested);
  if (failed(shape))
    return failure();
  return pushResult(loc, *shape, x.getElementType(), types);
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getInput());
  FailureOr<int64_t> axis =
      normalizeAxis(loc, static_cast<int64_t>(adaptor.getAxis()), x.getRank(),
                    /*inclusiveEnd=*/true);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> s = x.getShape();
  int64_t outer = std::accumulate(s.begin(), s.begin() + *axis, int64_t{1},
                                  std::multiplies<>());
  int64_t inner = std::accumulate(s.begin() + *axis, s.end(), int64_t{1},
                                  std::multiplies<>());
  return pushResult(loc, {outer, inner}, x.getElementType(), types);
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getData());
  ArrayRef<int64_t> requested = adaptor.getShape();
  SmallVector<int64_t> shape;
  int64_t inferIndex = -1, known = 1;
  for (auto [i, requestedDim] : llvm::enumerate(requested)) {
    int64_t d = requestedDim;
    if (d == -1) {
      if (inferIndex >= 0)
        return emitOptionalError(loc, "shape ", formatShape(requested),
                                 " has more than one -1");
      inferIndex = static_cast<int64_t>(i);
      shape.push_back(1);
      continue;
    }
    if (d < -1)
      return emitOptionalError(loc, "shape ", formatShape(requested),
                               " has a negative dimension");
    if (d > nncc::kMaxTensorElements)
      return emitOptionalError(loc, "shape ", formatShape(requested),
                               " exceeds the limit of 2^31 elements");
    if (d == 0 && !adaptor.getAllowzero()) {
      if (static_cast<int64_t>(i) >= x.getRank())
        return emitOptionalError(loc, "shape ", formatShape(requested),
                                 " copies dim ", i, " of a rank-",
                                 x.getRank(), " input");
      d = x.getDimSize(i);
    }
    shape.push_back(d);
    known *= d;
    if (known > nncc::kMaxTensorElements)
      return emitOptionalError(loc, "shape ", formatShape(requested),
                               " exceeds the limit of 2^31 elements");
  }
  int64_t total = x.getNumElements();
  if (inferIndex >= 0) {
    if (known == 0 || total % known != 0)
      return emitOptionalError(loc, "cannot reshape ",
                               formatShape(x.getShape()), " to ",
                               formatShape(requested));
    shape[inferIndex] = total / known;
  } else if (known != total) {
    return emitOptionalError(loc, "cannot reshape ", formatShape(x.getShape()),
                             " (", total, " elements) to ",
                             formatShape(requested));
  }
  return pushResult(loc, shape, x.getElementType(), types);
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto x = rankedType(adaptor.getData());
  if (!x)
    return emitOptionalError(loc, "input must be ranked");
  ArrayRef<int64_t> perm = adaptor.getPerm();
  SmallVector<bool> seen(x.getRank(), false);
  if (static_cast<int64_t>(perm.size()) != x.getRank())
    return emitOptionalError(loc, "perm ", formatShape(perm),
                             " is not a permutation of rank ", x.getRank());
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.getRank() || seen[p])
      return emitOptionalError(loc, "perm ", formatShape(perm),
                               " is not a permutation of rank ", x.getRank());
    seen[p] = true;
    shape.push_back(x.getDimSize(p));
  }
  return pushResult(loc, shape, x.getElementType(), types);
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getData());
  ArrayRef<int64_t> pads = adaptor.getPads();
  int64_t rank = x.getRank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return emitOptionalError(loc, "pads has ", pads.size(),
                             " entries, expected ", 2 * rank);
  if (failed(checkAttrBound(loc, "pads", pads)))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = x.getDimSize(d), begin = pads[d], end = pads[d + rank];
    int64_t out = in + begin + end;
    if (out < 0)
      return emitOptionalError(loc, "pads ", formatShape(pads),
                               " crop dim ", d, " below zero");
    if (adaptor.getMode() == PadMode::Reflect && (begin >= in || end >= in) &&
        (begin > 0 || end > 0))
      return emitOptionalError(loc, "reflect pads must be smaller than dim ",
                               d, " (", in, ")");
    shape.push_back(out);
  }
  return pushResult(loc, shape, x.getElementType(), types);
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  if (failed(requireStatic(loc, adaptor.getOperands())))
    return failure();
  auto x = rankedType(adaptor.getData());
  SmallVector<bool> drop(x.getRank(), adaptor.getAxes().empty());
  if (adaptor.getAxes().empty()) {
    for (int64_t d = 0; d < x.getRank(); ++d)
      drop[d] = x.getDimSize(d) == 1;
  }
  for (int64_t a : adaptor.getAxes()) {
    FailureOr<int64_t> axis = normalizeAxis(loc, a, x.getRank());
    if (failed(axis))
      return failure();
    if (x.getDimSize(*axis) != 1)
      return emitOptionalError(loc, "cannot squeeze dim ", *axis, " of size ",
                               x.getDimSize(*axis));
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < x.getRank(); ++d)
    if (!drop[d])
      shape.push_back(x.getDimSize(d));
  return pushResult(loc, shape, x.getElementType(), types);
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto x = rankedType(adaptor.getData());
  if (!x)
    return emitOptionalError(loc, "input must be ranked");
  int64_t outRank = x.getRank() + adaptor.getAxes().size();
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : adaptor.getAxes()) {
    FailureOr<int64_t> axis = normalizeAxis(loc, a, outRank);
    if (failed(axis))
      return failure();
    if (inserted[*axis])
      return emitOptionalError(loc, "axes repeat ", *axis);
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t d = 0; d < outRank; ++d)
    shape.push_back(inserted[d] ? 1 : x.getDimSize(next++));
  return pushResult(loc, shape, x.getElementType(), types);
}

#define GET_OP_CLASSES
#include "nn/NNOps.cpp.inc"
