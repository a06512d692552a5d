//===- OpImporters.cpp - One importer per supported ONNX operator ---------===//
//
// Each function maps one ONNX node onto nn ops, handling the operator's
// opset history (attributes that became inputs, changed defaults) so that
// the nn op always carries today's semantics.
//
//===----------------------------------------------------------------------===//
#include "NodeImporter.h"

#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Import/TensorProto.h"
#include "nncc/Support/Elements.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace nncc;
using namespace nncc::detail;
using llvm::SmallVector;
using llvm::SmallVectorImpl;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// NodeImporter attribute helpers
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *NodeImporter::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

const onnx::AttributeProto *
NodeImporter::typedAttr(StringRef name,
                        onnx::AttributeProto::AttributeType type) {
  const onnx::AttributeProto *a = attr(name);
  if (!a || a->type() == type)
    return a;
  // Models from old exporters may leave `type` unset; accept a payload of
  // the right kind then.
  bool untypedButPresent =
      a->type() == onnx::AttributeProto::UNDEFINED &&
      ((type == onnx::AttributeProto::INT && a->has_i()) ||
       (type == onnx::AttributeProto::FLOAT && a->has_f()) ||
       (type == onnx::AttributeProto::STRING && a->has_s()) ||
       (type == onnx::AttributeProto::INTS && a->ints_size() > 0));
  if (untypedButPresent)
    return a;
  (void)error(llvm::formatv(
      "attribute '{0}' must be of type {1}, not {2}", name,
      onnx::AttributeProto::AttributeType_Name(type),
      onnx::AttributeProto::AttributeType_IsValid(a->type())
          ? onnx::AttributeProto::AttributeType_Name(a->type())
          : std::string("<invalid>")));
  attributeError = true;
  return nullptr;
}

int64_t NodeImporter::intAttr(StringRef name, int64_t dflt) {
  const auto *a = typedAttr(name, onnx::AttributeProto::INT);
  return a ? a->i() : dflt;
}

float NodeImporter::floatAttr(StringRef name, float dflt) {
  const auto *a = typedAttr(name, onnx::AttributeProto::FLOAT);
  return a ? a->f() : dflt;
}

FailureOr<float> NodeImporter::epsilonAttr() {
  const float epsilon = floatAttr("epsilon", 1e-5f);
  if (!(epsilon >= 0 && std::isfinite(epsilon)))
    return error(llvm::formatv(
        "attribute 'epsilon' must be a finite number >= 0, not {0}",
        llvm::format("%g", epsilon)));
  return epsilon;
}

FailureOr<SmallVector<int64_t>> NodeImporter::axesAttrOrInput(
    int64_t inputSince) {
  if (opset < inputSince)
    return intsAttr("axes");
  if (!hasInput(1))
    return SmallVector<int64_t>();
  return constantInts(1);
}

std::string NodeImporter::stringAttr(StringRef name, StringRef dflt) {
  const auto *a = typedAttr(name, onnx::AttributeProto::STRING);
  return a ? a->s() : dflt.str();
}

SmallVector<int64_t> NodeImporter::intsAttr(StringRef name) {
  const auto *a = typedAttr(name, onnx::AttributeProto::INTS);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

bool NodeImporter::flagAttr(StringRef name, bool dflt) {
  const auto *a = typedAttr(name, onnx::AttributeProto::INT);
  if (!a)
    return dflt;
  if (a->i() != 0 && a->i() != 1) {
    (void)error(llvm::formatv("attribute '{0}' must be 0 or 1, not {1}", name,
                              a->i()));
    attributeError = true;
  }
  return a->i() == 1;
}

FailureOr<SmallVector<int64_t>> NodeImporter::constantInts(int i) {
  FailureOr<runtime::Tensor> t = constantInput(i);
  if (failed(t))
    return failure();
  if (t->dtype() != runtime::DType::I64 && t->dtype() != runtime::DType::I32)
    return error(llvm::formatv("input {0} must be an integer tensor", i));
  SmallVector<int64_t> values;
  for (int64_t k = 0; k < t->numElements(); ++k)
    values.push_back(static_cast<int64_t>(t->getAsDouble(k)));
  if (t->dtype() == runtime::DType::I64) // Exact beyond 2^53.
    values.assign(t->data<int64_t>(), t->data<int64_t>() + t->numElements());
  return values;
}

FailureOr<double> NodeImporter::constantScalar(int i) {
  FailureOr<runtime::Tensor> t = constantInput(i);
  if (failed(t))
    return failure();
  if (t->numElements() != 1)
    return error(llvm::formatv("input {0} must be a scalar", i));
  return t->getAsDouble(0);
}

//===----------------------------------------------------------------------===//
// Window attributes
//===----------------------------------------------------------------------===//

static FailureOr<nn::AutoPad> parseAutoPad(NodeImporter &ni) {
  std::string s = ni.stringAttr("auto_pad", "NOTSET");
  if (s == "NOTSET" || s.empty())
    return nn::AutoPad::NotSet;
  if (s == "SAME_UPPER")
    return nn::AutoPad::SameUpper;
  if (s == "SAME_LOWER")
    return nn::AutoPad::SameLower;
  if (s == "VALID")
    return nn::AutoPad::Valid;
  return ni.error("unknown auto_pad '" + s + "'");
}

LogicalResult
nncc::detail::windowAttrs(NodeImporter &ni,
                          SmallVectorImpl<NamedAttribute> &attrs,
                          bool withDilations) {
  FailureOr<nn::AutoPad> autoPad = parseAutoPad(ni);
  if (failed(autoPad))
    return failure();
  Builder &b = ni.getBuilder();
  attrs.push_back(ni.named(
      "auto_pad", nn::AutoPadAttr::get(ni.getContext(), *autoPad)));
  if (withDilations)
    attrs.push_back(
        ni.named("dilations", b.getDenseI64ArrayAttr(ni.intsAttr("dilations"))));
  if (ni.attr("kernel_shape"))
    attrs.push_back(ni.named("kernel_shape",
                             b.getDenseI64ArrayAttr(ni.intsAttr("kernel_shape"))));
  attrs.push_back(ni.named("pads", b.getDenseI64ArrayAttr(ni.intsAttr("pads"))));
  attrs.push_back(
      ni.named("strides", b.getDenseI64ArrayAttr(ni.intsAttr("strides"))));
  return success();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {


LogicalResult importConv(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0), w = ni.input(1);
  if (failed(x) || failed(w))
    return failure();
  SmallVector<Value> operands{*x, *w};
  if (ni.hasInput(2)) {
    FailureOr<Value> b = ni.input(2);
    if (failed(b))
      return failure();
    operands.push_back(*b);
  }
  SmallVector<NamedAttribute> attrs;
  if (failed(windowAttrs(ni, attrs, /*withDilations=*/true)))
    return failure();
  attrs.push_back(ni.named("group", ni.getBuilder().getI64IntegerAttr(
                                        ni.intAttr("group", 1))));
  return single(ni.create<nn::ConvOp>(operands, attrs), out);
}

LogicalResult importGemm(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> a = ni.input(0), b = ni.input(1);
  if (failed(a) || failed(b))
    return failure();
  SmallVector<Value> operands{*a, *b};
  if (ni.hasInput(2)) {
    FailureOr<Value> c = ni.input(2);
    if (failed(c))
      return failure();
    operands.push_back(*c);
  }
  Builder &bld = ni.getBuilder();
  return single(
      ni.create<nn::GemmOp>(
          operands,
          {ni.named("alpha", bld.getF32FloatAttr(ni.floatAttr("alpha", 1.0f))),
           ni.named("beta", bld.getF32FloatAttr(ni.floatAttr("beta", 1.0f))),
           ni.named("transA", bld.getBoolAttr(ni.flagAttr("transA", false))),
           ni.named("transB", bld.getBoolAttr(ni.flagAttr("transB", false)))}),
      out);
}

template <typename OpTy>
LogicalResult importBinaryOperands(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> a = ni.input(0), b = ni.input(1);
  if (failed(a) || failed(b))
    return failure();
  return single(ni.create<OpTy>(ValueRange{*a, *b}), out);
}

/// Add/Sub/Mul/Div.  Before opset 7 broadcasting was opt-in (`broadcast`)
/// and aligned B at `axis` rather than at the trailing dims; reshaping B
/// with trailing 1s turns that into numpy broadcasting.
template <typename OpTy>
LogicalResult importArithmetic(NodeImporter &ni, Outputs &out) {
  if (ni.getOpset() >= 7 || !ni.attr("axis"))
    return importBinaryOperands<OpTy>(ni, out);
  FailureOr<Value> a = ni.input(0), b = ni.input(1);
  if (failed(a) || failed(b))
    return failure();
  auto aType = cast<RankedTensorType>(a->getType());
  auto bType = cast<RankedTensorType>(b->getType());
  int64_t axis = ni.intAttr("axis", 0);
  if (axis < 0)
    axis += aType.getRank();
  int64_t trailing = aType.getRank() - axis - bType.getRank();
  if (axis < 0 || trailing < 0)
    return ni.error("legacy broadcast axis is out of range");
  SmallVector<int64_t> shape(bType.getShape());
  shape.append(trailing, 1);
  FailureOr<Value> reshaped = ni.create<nn::ReshapeOp>(
      ValueRange{*b},
      {ni.named("shape", ni.getBuilder().getDenseI64ArrayAttr(shape))});
  if (failed(reshaped))
    return failure();
  return single(ni.create<OpTy>(ValueRange{*a, *reshaped}), out);
}

template <typename OpTy>
LogicalResult importUnary(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  return single(ni.create<OpTy>(ValueRange{*x}), out);
}

/// Min and Max take one or more inputs: a chain of binary ops, numpy
/// broadcasting at each step (the result has the broadcast of all shapes).
template <typename OpTy>
LogicalResult importVariadic(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> result = ni.input(0);
  for (int i = 1; i < ni.numInputs() && succeeded(result); ++i) {
    FailureOr<Value> next = ni.input(i);
    if (failed(next))
      return failure();
    result = ni.create<OpTy>(ValueRange{*result, *next});
  }
  return single(result, out);
}

LogicalResult importLeakyRelu(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  const float alpha = ni.floatAttr("alpha", 0.01f);
  if (!std::isfinite(alpha))
    return ni.error(llvm::formatv("attribute 'alpha' must be finite, not {0}",
                                  llvm::format("%g", alpha)));
  return single(ni.create<nn::LeakyReluOp>(
                    ValueRange{*x},
                    {ni.named("alpha", ni.getBuilder().getF32FloatAttr(alpha))}),
                out);
}

LogicalResult importClip(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  std::optional<double> lo, hi;
  if (ni.getOpset() < 11) {
    // Attributes; ONNX's defaults are the float range, i.e. unbounded.
    if (ni.attr("min"))
      lo = ni.floatAttr("min", 0);
    if (ni.attr("max"))
      hi = ni.floatAttr("max", 0);
  } else {
    if (ni.hasInput(1)) {
      FailureOr<double> v = ni.constantScalar(1);
      if (failed(v))
        return failure();
      lo = *v;
    }
    if (ni.hasInput(2)) {
      FailureOr<double> v = ni.constantScalar(2);
      if (failed(v))
        return failure();
      hi = *v;
    }
  }
  SmallVector<NamedAttribute> attrs;
  Builder &b = ni.getBuilder();
  if (lo)
    attrs.push_back(ni.named("min", b.getF64FloatAttr(*lo)));
  if (hi)
    attrs.push_back(ni.named("max", b.getF64FloatAttr(*hi)));
  return single(ni.create<nn::ClipOp>(ValueRange{*x}, attrs), out);
}

LogicalResult importMaxPool(NodeImporter &ni, Outputs &out) {
  if (ni.hasOutput(1))
    return ni.error("the Indices output is not supported");
  if (ni.intAttr("storage_order", 0) != 0)
    return ni.error("storage_order=1 is not supported");
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  if (!ni.attr("kernel_shape"))
    return ni.error("attribute 'kernel_shape' is required");
  SmallVector<NamedAttribute> attrs;
  if (failed(windowAttrs(ni, attrs, /*withDilations=*/true)))
    return failure();
  attrs.push_back(ni.named("ceil_mode", ni.getBuilder().getBoolAttr(
                                            ni.flagAttr("ceil_mode", false))));
  return single(ni.create<nn::MaxPoolOp>(ValueRange{*x}, attrs), out);
}

LogicalResult importAveragePool(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  if (!ni.attr("kernel_shape"))
    return ni.error("attribute 'kernel_shape' is required");
  if (!ni.intsAttr("dilations").empty() &&
      llvm::any_of(ni.intsAttr("dilations"), [](int64_t d) { return d != 1; }))
    return ni.error("dilated AveragePool is not supported");
  SmallVector<NamedAttribute> attrs;
  if (failed(windowAttrs(ni, attrs, /*withDilations=*/false)))
    return failure();
  Builder &b = ni.getBuilder();
  attrs.push_back(
      ni.named("ceil_mode", b.getBoolAttr(ni.flagAttr("ceil_mode", false))));
  attrs.push_back(ni.named("count_include_pad",
                           b.getBoolAttr(ni.flagAttr("count_include_pad", false))));
  return single(ni.create<nn::AveragePoolOp>(ValueRange{*x}, attrs), out);
}

LogicalResult importBatchNormalization(NodeImporter &ni, Outputs &out) {
  if (ni.intAttr("training_mode", 0) != 0 || ni.hasOutput(1) ||
      ni.hasOutput(2) || ni.hasOutput(3) || ni.hasOutput(4))
    return ni.error("training-mode BatchNormalization (running statistics "
                    "outputs) is not supported");
  if (ni.getOpset() < 9 && ni.intAttr("spatial", 1) != 1)
    return ni.error("BatchNormalization with spatial=0 is not supported");
  FailureOr<float> epsilon = ni.epsilonAttr();
  if (failed(epsilon))
    return failure();
  SmallVector<Value> operands;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = ni.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  return single(ni.create<nn::BatchNormalizationOp>(
                    operands, {ni.named("epsilon", ni.getBuilder().getF32FloatAttr(
                                                       *epsilon))}),
                out);
}

LogicalResult importConcat(NodeImporter &ni, Outputs &out) {
  SmallVector<Value> operands;
  for (int i = 0; i < ni.numInputs(); ++i) {
    FailureOr<Value> v = ni.input(i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  if (!ni.attr("axis") && ni.getOpset() >= 4)
    return ni.error("attribute 'axis' is required");
  return single(ni.create<nn::ConcatOp>(
                    operands, {ni.named("axis", ni.getBuilder().getI64IntegerAttr(
                                                    ni.intAttr("axis", 1)))}),
                out);
}

LogicalResult importFlatten(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  return single(ni.create<nn::FlattenOp>(
                    ValueRange{*x}, {ni.named("axis", ni.getBuilder().getI64IntegerAttr(
                                                          ni.intAttr("axis", 1)))}),
                out);
}

LogicalResult importReshape(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> shape;
  if (ni.getOpset() < 5) {
    shape = ni.intsAttr("shape");
  } else {
    FailureOr<SmallVector<int64_t>> s = ni.constantInts(1);
    if (failed(s))
      return failure();
    shape = *s;
  }
  Builder &b = ni.getBuilder();
  return single(
      ni.create<nn::ReshapeOp>(
          ValueRange{*x},
          {ni.named("shape", b.getDenseI64ArrayAttr(shape)),
           ni.named("allowzero", b.getBoolAttr(ni.intAttr("allowzero", 0) != 0))}),
      out);
}

LogicalResult importTranspose(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  SmallVector<int64_t> perm = ni.intsAttr("perm");
  if (!ni.attr("perm")) {
    int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  return single(ni.create<nn::TransposeOp>(
                    ValueRange{*x},
                    {ni.named("perm", ni.getBuilder().getDenseI64ArrayAttr(perm))}),
                out);
}

/// Softmax.  Before opset 13 it normalized over all dims from `axis` on
/// (input coerced to 2-D); that is a flatten, a 2-D softmax and a reshape.
LogicalResult importSoftmax(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  Builder &b = ni.getBuilder();
  if (ni.getOpset() >= 13)
    return single(ni.create<nn::SoftmaxOp>(
                      ValueRange{*x},
                      {ni.named("axis", b.getI64IntegerAttr(ni.intAttr("axis", -1)))}),
                  out);
  auto type = cast<RankedTensorType>(x->getType());
  FailureOr<Value> flat = ni.create<nn::FlattenOp>(
      ValueRange{*x}, {ni.named("axis", b.getI64IntegerAttr(ni.intAttr("axis", 1)))});
  if (failed(flat))
    return failure();
  FailureOr<Value> soft = ni.create<nn::SoftmaxOp>(
      ValueRange{*flat}, {ni.named("axis", b.getI64IntegerAttr(1))});
  if (failed(soft))
    return failure();
  return single(ni.create<nn::ReshapeOp>(
                    ValueRange{*soft},
                    {ni.named("shape", b.getDenseI64ArrayAttr(type.getShape()))}),
                out);
}

/// Dropout is the identity at inference.  Its optional mask output is all
/// true.  Training mode with a non-zero ratio is random and not supported.
LogicalResult importDropout(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  bool training = false;
  double ratio = ni.floatAttr("ratio", 0.5f);
  if (ni.getOpset() >= 12) {
    ratio = 0.5;
    if (ni.hasInput(1)) {
      FailureOr<double> r = ni.constantScalar(1);
      if (failed(r))
        return failure();
      ratio = *r;
    }
    if (ni.hasInput(2)) {
      FailureOr<double> t = ni.constantScalar(2);
      if (failed(t))
        return failure();
      training = *t != 0;
    }
  } else if (ni.getOpset() < 7) {
    training = ni.intAttr("is_test", 0) == 0 && ni.attr("is_test");
  }
  // ONNX: "ratio ... It is a value in the range [0, 1)" (the scale
  // 1 / (1 - ratio) is undefined at 1).
  if (!(ratio >= 0 && ratio < 1))
    return ni.error(llvm::formatv("Dropout ratio must be in [0, 1), not {0}",
                                  llvm::format("%g", ratio)));
  if (training && ratio != 0)
    return ni.error("training-mode Dropout with a non-zero ratio is random "
                    "and not supported");
  out.push_back(*x);
  if (ni.hasOutput(1)) {
    auto type = cast<RankedTensorType>(x->getType());
    auto maskType = RankedTensorType::get(type.getShape(),
                                          ni.getBuilder().getI1Type());
    FailureOr<Value> mask = ni.create<nn::ConstantOp>(
        ValueRange{},
        {ni.named("value", DenseElementsAttr::get(maskType, true))});
    if (failed(mask))
      return failure();
    out.push_back(*mask);
  }
  return success();
}

LogicalResult importIdentity(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  out.push_back(*x);
  return success();
}

LogicalResult importConstant(NodeImporter &ni, Outputs &out) {
  MLIRContext *ctx = ni.getContext();
  Builder &b = ni.getBuilder();
  ElementsAttr value;
  if (const auto *a = ni.typedAttr("value", onnx::AttributeProto::TENSOR)) {
    onnx::TensorProto proto = a->t();
    std::string name = sanitizeBlobName(
        ni.getNode().output_size() ? ni.getNode().output(0) : "");
    llvm::Expected<ElementsAttr> attr =
        tensorProtoToElements(*ctx, proto, name, ni.getBaseDir());
    if (!attr)
      return ni.error("value " + llvm::toString(attr.takeError()));
    value = *attr;
  } else if (const auto *a = ni.typedAttr("value_float", onnx::AttributeProto::FLOAT)) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getF32Type()),
                                   a->f());
  } else if (const auto *a = ni.typedAttr("value_floats", onnx::AttributeProto::FLOATS)) {
    SmallVector<float> v(a->floats().begin(), a->floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getF32Type()),
        llvm::ArrayRef<float>(v));
  } else if (const auto *a = ni.typedAttr("value_int", onnx::AttributeProto::INT)) {
    value = DenseElementsAttr::get(
        RankedTensorType::get({}, b.getI64Type()), static_cast<int64_t>(a->i()));
  } else if (const auto *a = ni.typedAttr("value_ints", onnx::AttributeProto::INTS)) {
    SmallVector<int64_t> v(a->ints().begin(), a->ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())}, b.getI64Type()),
        llvm::ArrayRef<int64_t>(v));
  } else {
    return ni.error("only tensor, float(s) and int(s) constants are "
                    "supported");
  }
  return single(
      ni.create<nn::ConstantOp>(ValueRange{}, {ni.named("value", value)}), out);
}

LogicalResult importPad(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  std::string modeName = ni.stringAttr("mode", "constant");
  nn::PadMode mode;
  if (modeName == "constant")
    mode = nn::PadMode::Constant;
  else if (modeName == "reflect")
    mode = nn::PadMode::Reflect;
  else if (modeName == "edge")
    mode = nn::PadMode::Edge;
  else
    return ni.error("unknown pad mode '" + modeName + "'");
  SmallVector<int64_t> pads;
  double value = 0.0;
  if (ni.getOpset() < 11) {
    pads = ni.intsAttr(ni.attr("pads") ? "pads" : "paddings");
    value = ni.floatAttr("value", 0.0f);
  } else {
    FailureOr<SmallVector<int64_t>> p = ni.constantInts(1);
    if (failed(p))
      return failure();
    pads = *p;
    if (ni.hasInput(2)) {
      FailureOr<double> v = ni.constantScalar(2);
      if (failed(v))
        return failure();
      value = *v;
    }
  }
  Builder &b = ni.getBuilder();
  return single(ni.create<nn::PadOp>(
                    ValueRange{*x},
                    {ni.named("mode", nn::PadModeAttr::get(ni.getContext(), mode)),
                     ni.named("pads", b.getDenseI64ArrayAttr(pads)),
                     ni.named("constant_value", b.getF64FloatAttr(value))}),
                out);
}

/// Squeeze/Unsqueeze: axes moved from attribute to input in opset 13.
template <typename OpTy>
LogicalResult importAxesOp(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = ni.input(0);
  if (failed(x))
    return failure();
  FailureOr<SmallVector<int64_t>> axes = ni.axesAttrOrInput(13);
  if (failed(axes))
    return failure();
  if (std::is_same_v<OpTy, nn::UnsqueezeOp> && axes->empty())
    return ni.error("Unsqueeze needs axes");
  return single(ni.create<OpTy>(ValueRange{*x},
                                {ni.named("axes", ni.getBuilder()
                                                      .getDenseI64ArrayAttr(
                                                          *axes))}),
                out);
}

/// This file's importers, then each operator family's.
llvm::StringMap<OpImportFn> makeOpImporters() {
  llvm::StringMap<OpImportFn> importers = {
      {"Add", importArithmetic<nn::AddOp>},
      {"AveragePool", importAveragePool},
      {"BatchNormalization", importBatchNormalization},
      {"Clip", importClip},
      {"Concat", importConcat},
      {"Constant", importConstant},
      {"Conv", importConv},
      {"Div", importArithmetic<nn::DivOp>},
      {"Dropout", importDropout},
      {"Flatten", importFlatten},
      {"Gemm", importGemm},
      {"GlobalAveragePool", importUnary<nn::GlobalAveragePoolOp>},
      {"Identity", importIdentity},
      {"LeakyRelu", importLeakyRelu},
      {"MatMul", importBinaryOperands<nn::MatMulOp>},
      {"MaxPool", importMaxPool},
      {"Mul", importArithmetic<nn::MulOp>},
      {"Pad", importPad},
      {"Relu", importUnary<nn::ReluOp>},
      {"Reshape", importReshape},
      {"Sigmoid", importUnary<nn::SigmoidOp>},
      {"Softmax", importSoftmax},
      {"Squeeze", importAxesOp<nn::SqueezeOp>},
      {"Sub", importArithmetic<nn::SubOp>},
      {"Tanh", importUnary<nn::TanhOp>},
      {"Transpose", importTranspose},
      {"Unsqueeze", importAxesOp<nn::UnsqueezeOp>},
      // Elementwise ops of encoders (GELU, decomposed LayerNormalization
      // and softmax, attention masks).
      {"Equal", importArithmetic<nn::EqualOp>},
      {"Erf", importUnary<nn::ErfOp>},
      {"Exp", importUnary<nn::ExpOp>},
      {"Pow", importArithmetic<nn::PowOp>},
      {"Sqrt", importUnary<nn::SqrtOp>},
      // DynamicQuantizeLinear's function body (its expanded form).
      {"Max", importVariadic<nn::MaxOp>},
      {"Min", importVariadic<nn::MinOp>},
      {"Round", importUnary<nn::RoundOp>},
  };
  addShapeOpImporters(importers);
  addNormalizationOpImporters(importers);
  addQuantizationOpImporters(importers);
  return importers;
}

} // namespace

const llvm::StringMap<OpImportFn> &nncc::detail::getOpImporters() {
  static const llvm::StringMap<OpImportFn> importers = makeOpImporters();
  return importers;
}
