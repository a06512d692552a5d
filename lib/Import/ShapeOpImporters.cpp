//===- ShapeOpImporters.cpp - Shape arithmetic and indexing operators -----===//
//
// The operators encoders use to compute shapes and pick entries: Shape,
// ConstantOfShape, Range, Cast, Gather, Slice, Split, Expand and Where.
// Shape, ConstantOfShape and Range always produce constants here (nn's
// shapes are static, and their results' sizes depend on their values); the
// others become nn ops, which NodeImporter::create folds when their
// operands are constants.
//
//===----------------------------------------------------------------------===//
#include "NodeImporter.h"

#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Import/TensorProto.h"
#include "nncc/Runtime/Kernels.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/Limits.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace nncc;
using namespace nncc::detail;
using llvm::SmallVector;

namespace {

/// Range's result is a constant in the IR: position ids and the like are a
/// few thousand entries; a file asking for billions is refused, not built.
constexpr int64_t kMaxRangeElements = int64_t(1) << 20;

/// Shape: the input's static dims [start, end) as int64 (start/end since
/// opset 15; negative values count from the end, both are clamped).
LogicalResult importShape(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> dims = cast<RankedTensorType>(x->getType()).getShape();
  const int64_t rank = dims.size();
  auto clampIndex = [&](int64_t i) {
    return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
  };
  int64_t start = clampIndex(ni.intAttr("start", 0));
  int64_t end = clampIndex(ni.intAttr("end", rank));
  SmallVector<int64_t> values(dims.begin() + start,
                              dims.begin() + std::max(start, end));
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    ni.getBuilder().getI64Type());
  out.push_back(ni.createConstant(
      DenseElementsAttr::get(type, ArrayRef<int64_t>(values))));
  return success();
}

/// ConstantOfShape: a splat of `value` (one element, default f32 0) with
/// the constant shape input.
LogicalResult importConstantOfShape(NodeImporter &ni, Outputs &out) {
  FailureOr<SmallVector<int64_t>> shape = ni.constantInts(0);
  if (failed(shape))
    return failure();
  if (llvm::Error e = checkDeclaredShape(*shape, /*allowZero=*/true))
    return ni.error("shape " + formatShape(*shape) + " " +
                    llvm::toString(std::move(e)));
  runtime::Tensor value = runtime::Tensor::fromValues<float>({1}, {0.0f});
  if (const auto *a = ni.typedAttr("value", onnx::AttributeProto::TENSOR)) {
    onnx::TensorProto proto = a->t();
    llvm::Expected<ElementsAttr> attr =
        tensorProtoToElements(*ni.getContext(), proto, "", ni.getBaseDir());
    if (!attr)
      return ni.error("value " + llvm::toString(attr.takeError()));
    llvm::Expected<runtime::Tensor> t = elementsToTensor(*attr);
    if (!t)
      return ni.error("value " + llvm::toString(t.takeError()));
    if (t->numElements() != 1)
      return ni.error("value must have exactly one element");
    value = std::move(*t);
  }
  if (ni.hadAttributeError())
    return failure();
  auto type = RankedTensorType::get(
      *shape, elementTypeForDType(*ni.getContext(), value.dtype()));
  out.push_back(ni.createConstant(splatElements(type, value)));
  return success();
}

/// Range: start, start + delta, ... up to (excluding) limit; the three
/// scalars must be constants of one type.
LogicalResult importRange(NodeImporter &ni, Outputs &out) {
  FailureOr<runtime::Tensor> start = ni.constantInput(0),
                             limit = ni.constantInput(1),
                             delta = ni.constantInput(2);
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (start->numElements() != 1 || limit->numElements() != 1 ||
      delta->numElements() != 1)
    return ni.error("start, limit and delta must be scalars");
  if (start->dtype() != limit->dtype() || start->dtype() != delta->dtype())
    return ni.error("start, limit and delta must have one element type");
  const runtime::DType dtype = start->dtype();
  if (dtype == runtime::DType::Bool)
    return ni.error("Range does not take booleans");
  // Integers exactly (int64 beyond 2^53; other integer types fit a
  // double), floats in f64.
  auto asInt = [](const runtime::Tensor &t) -> int64_t {
    if (t.dtype() == runtime::DType::I64)
      return t.data<int64_t>()[0];
    return static_cast<int64_t>(
        std::clamp(t.getAsDouble(0), -0x1p63, 0x1.fffffffffffffp62));
  };
  const bool isFloat = runtime::isFloatingPoint(dtype);
  const double d = delta->getAsDouble(0);
  if (d == 0 || std::isnan(d))
    return ni.error("Range delta must not be 0");
  double count =
      isFloat ? std::ceil((limit->getAsDouble(0) - start->getAsDouble(0)) / d)
              : std::ceil((static_cast<double>(asInt(*limit)) -
                           static_cast<double>(asInt(*start))) /
                          d);
  if (!(count <= static_cast<double>(kMaxRangeElements)))
    return ni.error(llvm::formatv("Range has {0} elements, above the limit "
                                  "of 2^20 for a constant",
                                  llvm::format("%.0f", count)));
  const int64_t n = std::max<int64_t>(0, static_cast<int64_t>(count));
  runtime::Tensor values(isFloat ? runtime::DType::F64 : runtime::DType::I64,
                         {n});
  for (int64_t i = 0; i < n; ++i) {
    if (isFloat)
      values.data<double>()[i] =
          start->getAsDouble(0) + static_cast<double>(i) * d;
    else // Wrapping, like the int64 arithmetic of the reference's np.arange.
      values.data<int64_t>()[i] = static_cast<int64_t>(
          static_cast<uint64_t>(asInt(*start)) +
          static_cast<uint64_t>(i) * static_cast<uint64_t>(asInt(*delta)));
  }
  runtime::Tensor result(dtype, {n});
  runtime::cast(values, result);
  out.push_back(ni.createConstant(tensorToElements(*ni.getContext(), result)));
  return success();
}

/// Cast: `to` is an ONNX TensorProto data type (a string before opset 6).
LogicalResult importCast(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  const onnx::AttributeProto *to = ni.attr("to");
  if (!to)
    return ni.error("attribute 'to' is required");
  int type = 0;
  if (to->type() == onnx::AttributeProto::STRING || to->has_s()) {
    onnx::TensorProto::DataType parsed;
    if (!onnx::TensorProto::DataType_Parse(to->s(), &parsed))
      return ni.error("unknown element type '" + to->s() + "' in 'to'");
    type = parsed;
  } else {
    type = static_cast<int>(ni.intAttr("to", 0));
  }
  llvm::Expected<Type> element = onnxElementType(*ni.getContext(), type);
  if (!element)
    return ni.error("attribute 'to': " + llvm::toString(element.takeError()));
  return single(ni.create<nn::CastOp>(
                    ValueRange{*x}, {ni.named("to", TypeAttr::get(*element))}),
                out);
}

/// Gather: constant indices are checked against the gathered dim here (the
/// executor gives zeros for an index out of range; ONNX calls it an error).
LogicalResult importGather(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> data = ni.input(0), indices = ni.input(1);
  if (failed(data) || failed(indices))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  Type indexType = cast<RankedTensorType>(indices->getType()).getElementType();
  if (!indexType.isSignlessInteger(32) && !indexType.isSignlessInteger(64))
    return ni.error("indices must be int32 or int64");
  const int64_t axis = ni.intAttr("axis", 0);
  if (std::optional<runtime::Tensor> values = ni.constantValue(*indices)) {
    const int64_t rank = dataType.getRank();
    if (rank > 0 && axis >= -rank && axis < rank) {
      const int64_t n = dataType.getDimSize(axis < 0 ? axis + rank : axis);
      for (int64_t k = 0; k < values->numElements(); ++k) {
        int64_t index = values->dtype() == runtime::DType::I64
                            ? values->data<int64_t>()[k]
                            : static_cast<int64_t>(values->getAsDouble(k));
        if (index < -n || index >= n)
          return ni.error(llvm::formatv("index {0} is out of range for axis "
                                        "{1} of size {2}",
                                        index, axis, n));
      }
    }
  }
  return single(
      ni.create<nn::GatherOp>(
          ValueRange{*data, *indices},
          {ni.named("axis", ni.getBuilder().getI64IntegerAttr(axis))}),
      out);
}

/// Slice: starts/ends/axes attributes before opset 10, constant inputs
/// (with steps) since.
LogicalResult importSlice(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ni.getOpset() < 10) {
    starts = ni.intsAttr("starts");
    ends = ni.intsAttr("ends");
    axes = ni.intsAttr("axes");
  } else {
    FailureOr<SmallVector<int64_t>> s = ni.constantInts(1),
                                    e = ni.constantInts(2);
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    for (auto [index, list] : {std::pair{3, &axes}, std::pair{4, &steps}}) {
      if (!ni.hasInput(index))
        continue;
      FailureOr<SmallVector<int64_t>> v = ni.constantInts(index);
      if (failed(v))
        return failure();
      *list = *v;
    }
  }
  Builder &b = ni.getBuilder();
  return single(
      ni.create<nn::SliceOp>(
          ValueRange{*x}, {ni.named("starts", b.getDenseI64ArrayAttr(starts)),
                           ni.named("ends", b.getDenseI64ArrayAttr(ends)),
                           ni.named("axes", b.getDenseI64ArrayAttr(axes)),
                           ni.named("steps", b.getDenseI64ArrayAttr(steps))}),
      out);
}

/// Split: one nn.slice per output.  The sizes come from the `split`
/// attribute (before opset 13) or constant input; without them the dim is
/// divided equally.
LogicalResult importSplit(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  const int64_t rank = type.getRank();
  int64_t axis = ni.intAttr("axis", 0);
  if (axis < -rank || axis >= rank)
    return ni.error(
        llvm::formatv("axis {0} is out of range for rank {1}", axis, rank));
  if (axis < 0)
    axis += rank;
  const int64_t dim = type.getDimSize(axis);
  const int64_t outputs = ni.getNode().output_size();
  SmallVector<int64_t> sizes;
  if (ni.getOpset() < 13 && ni.attr("split")) {
    sizes = ni.intsAttr("split");
  } else if (ni.getOpset() >= 13 && ni.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = ni.constantInts(1);
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (ni.getOpset() < 2 && ni.hasInput(1)) {
    return ni.error("Split-1's split input is not supported");
  } else {
    if (outputs == 0 || dim % outputs != 0)
      return ni.error(llvm::formatv("dim {0} of size {1} does not split into "
                                    "{2} equal parts",
                                    axis, dim, outputs));
    sizes.assign(outputs, dim / outputs);
  }
  if (static_cast<int64_t>(sizes.size()) != outputs)
    return ni.error(llvm::formatv("split has {0} sizes for {1} outputs",
                                  sizes.size(), outputs));
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0 || s > kMaxTensorElements)
      return ni.error("split sizes " + formatShape(sizes) +
                      " must be non-negative");
    total += s;
  }
  if (total != dim)
    return ni.error(llvm::formatv("split sizes {0} sum to {1}, but dim {2} "
                                  "has size {3}",
                                  formatShape(sizes), total, axis, dim));
  Builder &b = ni.getBuilder();
  int64_t offset = 0;
  for (int64_t s : sizes) {
    FailureOr<Value> part = ni.create<nn::SliceOp>(
        ValueRange{*x}, {ni.named("starts", b.getDenseI64ArrayAttr({offset})),
                         ni.named("ends", b.getDenseI64ArrayAttr({offset + s})),
                         ni.named("axes", b.getDenseI64ArrayAttr({axis}))});
    if (failed(part))
      return failure();
    out.push_back(*part);
    offset += s;
  }
  return success();
}

LogicalResult importExpand(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = ni.constantInts(1);
  if (failed(shape))
    return failure();
  return single(
      ni.create<nn::ExpandOp>(
          ValueRange{*x},
          {ni.named("shape", ni.getBuilder().getDenseI64ArrayAttr(*shape))}),
      out);
}

LogicalResult importWhere(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> c = ni.input(0), x = ni.input(1), y = ni.input(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  if (!cast<RankedTensorType>(c->getType()).getElementType().isInteger(1))
    return ni.error("condition must be a bool tensor");
  return single(ni.create<nn::WhereOp>(ValueRange{*c, *x, *y}), out);
}

} // namespace

void nncc::detail::addShapeOpImporters(llvm::StringMap<OpImportFn> &importers) {
  importers.insert({"Cast", importCast});
  importers.insert({"ConstantOfShape", importConstantOfShape});
  importers.insert({"Expand", importExpand});
  importers.insert({"Gather", importGather});
  importers.insert({"Range", importRange});
  importers.insert({"Shape", importShape});
  importers.insert({"Slice", importSlice});
  importers.insert({"Split", importSplit});
  importers.insert({"Where", importWhere});
}
