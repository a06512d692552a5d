//===- QuantizationOpImporters.cpp - QDQ and integer operators ------------===//
//
// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear (the QDQ form
// quantization tools export) and the integer operators MatMulInteger,
// ConvInteger, QLinearConv and QLinearMatMul, opsets 10-17.
//
// nn's zero points are required operands: where ONNX lets one be absent,
// the importer materializes it as a constant 0 of the type ONNX defaults to
// and the shape of its scale.  Element types are checked here against
// ONNX's schemas (8-bit codes, float scales, int32 biases) so that a wrong
// one is reported in ONNX's terms; the ops' verifiers check the shapes.
//
//===----------------------------------------------------------------------===//
#include "NodeImporter.h"

#include "nncc/Dialect/NN/NNOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace nncc;
using namespace nncc::detail;
using llvm::SmallVector;

namespace {

Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

/// ONNX's name of an element type, for messages.
std::string onnxTypeName(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (auto integer = dyn_cast<IntegerType>(type)) {
    if (integer.getWidth() == 1)
      return "bool";
    return (integer.isUnsigned() ? "uint" : "int") +
           std::to_string(integer.getWidth());
  }
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return name;
}

bool isCode(Type type) {
  auto integer = dyn_cast<IntegerType>(type);
  return integer && integer.getWidth() == 8 && !integer.isSigned();
}

/// Input `i`, named `name` in ONNX's schema, whose element type must
/// satisfy `accepts` (described as `expected` in the error).
FailureOr<Value> typedInput(NodeImporter &ni, int i, StringRef name,
                            llvm::function_ref<bool(Type)> accepts,
                            StringRef expected) {
  FailureOr<Value> v = ni.input(i);
  if (failed(v))
    return failure();
  Type type = elementTypeOf(*v);
  if (!accepts(type))
    return ni.error(llvm::formatv("{0} must be {1}, not {2}", name, expected,
                                  onnxTypeName(type)));
  return v;
}

FailureOr<Value> codeInput(NodeImporter &ni, int i, StringRef name) {
  return typedInput(ni, i, name, isCode, "uint8 or int8");
}

FailureOr<Value> floatInput(NodeImporter &ni, int i, StringRef name) {
  return typedInput(
      ni, i, name, [](Type t) { return t.isF32(); }, "float");
}

/// Optional zero point `i`: the input (of `codes`' type, else an error), or
/// a constant 0 of type `type` shaped like `shapeOf` (its scale) when the
/// node leaves it out.
FailureOr<Value> zeroPointInput(NodeImporter &ni, int i, StringRef name,
                                Type type, ArrayRef<int64_t> shape) {
  if (!ni.hasInput(i))
    return ni.createConstant(DenseElementsAttr::get(
        RankedTensorType::get(shape, type), ni.getBuilder().getZeroAttr(type)));
  FailureOr<Value> v = ni.input(i);
  if (failed(v))
    return failure();
  if (elementTypeOf(*v) != type)
    return ni.error(llvm::formatv("{0} must be {1} like its codes, not {2}",
                                  name, onnxTypeName(type),
                                  onnxTypeName(elementTypeOf(*v))));
  return v;
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Before opset 13 scales and zero points are per tensor; the `axis`
/// attribute and per-axis parameters came with it.
LogicalResult requirePerTensorBefore13(NodeImporter &ni, Value scale,
                                       StringRef name) {
  if (ni.getOpset() >= 13 ||
      cast<RankedTensorType>(scale.getType()).getNumElements() == 1)
    return success();
  return ni.error(llvm::formatv(
      "{0} must be a scalar before opset 13 (per-axis scales need opset 13)",
      name));
}

/// QuantizeLinear and DequantizeLinear: the op with ONNX's `axis`.
template <typename OpTy>
LogicalResult createWithAxis(NodeImporter &ni, ArrayRef<Value> operands,
                             Outputs &out) {
  return single(
      ni.create<OpTy>(ValueRange(operands),
                      {ni.named("axis", ni.getBuilder().getI64IntegerAttr(
                                            ni.intAttr("axis", 1)))}),
      out);
}

LogicalResult importQuantizeLinear(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = floatInput(ni, 0, "x");
  if (failed(x))
    return failure();
  FailureOr<Value> scale = floatInput(ni, 1, "y_scale");
  if (failed(scale))
    return failure();
  // ONNX's default zero point is uint8; a given one sets the code type.
  Type u8 = IntegerType::get(ni.getContext(), 8, IntegerType::Unsigned);
  Type codeType = u8;
  if (ni.hasInput(2)) {
    FailureOr<Value> given = codeInput(ni, 2, "y_zero_point");
    if (failed(given))
      return failure();
    codeType = elementTypeOf(*given);
  }
  FailureOr<Value> zero =
      zeroPointInput(ni, 2, "y_zero_point", codeType, shapeOf(*scale));
  if (failed(zero) || failed(requirePerTensorBefore13(ni, *scale, "y_scale")))
    return failure();
  return createWithAxis<nn::QuantizeLinearOp>(ni, {*x, *scale, *zero}, out);
}

LogicalResult importDequantizeLinear(NodeImporter &ni, Outputs &out) {
  // int32 codes are a quantized bias (scale x_scale * w_scale, zero point 0).
  FailureOr<Value> x = typedInput(
      ni, 0, "x", [](Type t) { return isCode(t) || t.isSignlessInteger(32); },
      "uint8, int8 or int32");
  if (failed(x))
    return failure();
  FailureOr<Value> scale = floatInput(ni, 1, "x_scale");
  if (failed(scale))
    return failure();
  FailureOr<Value> zero = zeroPointInput(ni, 2, "x_zero_point",
                                         elementTypeOf(*x), shapeOf(*scale));
  if (failed(zero) || failed(requirePerTensorBefore13(ni, *scale, "x_scale")))
    return failure();
  return createWithAxis<nn::DequantizeLinearOp>(ni, {*x, *scale, *zero},
                                                out);
}

LogicalResult importDynamicQuantizeLinear(NodeImporter &ni, Outputs &out) {
  FailureOr<Value> x = floatInput(ni, 0, "x");
  if (failed(x))
    return failure();
  FailureOr<nn::DynamicQuantizeLinearOp> op =
      ni.build<nn::DynamicQuantizeLinearOp, 3>(ValueRange{*x});
  if (failed(op))
    return failure();
  out.append(op->getResults().begin(), op->getResults().end());
  return success();
}

/// Inputs 0-3 of MatMulInteger and ConvInteger: the two operands' codes
/// and their zero points (absent ones 0 of the codes' type).
LogicalResult integerOperands(NodeImporter &ni, ArrayRef<StringRef> names,
                              SmallVectorImpl<Value> &operands) {
  for (int i = 0; i < 2; ++i) {
    FailureOr<Value> codes = codeInput(ni, i, names[i]);
    if (failed(codes))
      return failure();
    operands.push_back(*codes);
  }
  for (int i = 0; i < 2; ++i) {
    FailureOr<Value> zero = zeroPointInput(ni, 2 + i, names[2 + i],
                                           elementTypeOf(operands[i]), {});
    if (failed(zero))
      return failure();
    operands.push_back(*zero);
  }
  return success();
}

LogicalResult importMatMulInteger(NodeImporter &ni, Outputs &out) {
  SmallVector<Value, 4> operands;
  if (failed(integerOperands(ni, {"A", "B", "a_zero_point", "b_zero_point"},
                             operands)))
    return failure();
  return single(ni.create<nn::MatMulIntegerOp>(ValueRange(operands)), out);
}

/// Conv's attributes on a quantized convolution.
LogicalResult convAttrs(NodeImporter &ni,
                        SmallVectorImpl<NamedAttribute> &attrs) {
  if (failed(windowAttrs(ni, attrs, /*withDilations=*/true)))
    return failure();
  attrs.push_back(ni.named(
      "group", ni.getBuilder().getI64IntegerAttr(ni.intAttr("group", 1))));
  return success();
}

LogicalResult importConvInteger(NodeImporter &ni, Outputs &out) {
  SmallVector<Value, 4> operands;
  if (failed(integerOperands(ni, {"x", "w", "x_zero_point", "w_zero_point"},
                             operands)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (failed(convAttrs(ni, attrs)))
    return failure();
  return single(ni.create<nn::ConvIntegerOp>(ValueRange(operands), attrs),
                out);
}

/// Inputs 0-7 of QLinearConv and QLinearMatMul, all required: the codes,
/// scale and zero point of the two operands, then y's scale and zero point
/// (whose type sets the result's).
LogicalResult qlinearOperands(NodeImporter &ni, ArrayRef<StringRef> names,
                              SmallVectorImpl<Value> &operands) {
  enum Kind { Codes, Scale, ZeroPoint, OutputZeroPoint };
  static constexpr Kind kinds[8] = {Codes, Scale, ZeroPoint, Codes,
                                    Scale, ZeroPoint, Scale, OutputZeroPoint};
  for (int i = 0; i < 8; ++i) {
    FailureOr<Value> v = kinds[i] == Scale ? floatInput(ni, i, names[i])
                                           : codeInput(ni, i, names[i]);
    if (failed(v))
      return failure();
    // The operands' zero points come two inputs after their codes.
    if (kinds[i] == ZeroPoint &&
        elementTypeOf(*v) != elementTypeOf(operands[i - 2]))
      return ni.error(llvm::formatv(
          "{0} must be {1} like its codes, not {2}", names[i],
          onnxTypeName(elementTypeOf(operands[i - 2])),
          onnxTypeName(elementTypeOf(*v))));
    operands.push_back(*v);
  }
  return success();
}

LogicalResult importQLinearConv(NodeImporter &ni, Outputs &out) {
  SmallVector<Value> operands;
  if (failed(qlinearOperands(ni,
                             {"x", "x_scale", "x_zero_point", "w", "w_scale",
                              "w_zero_point", "y_scale", "y_zero_point"},
                             operands)))
    return failure();
  if (ni.hasInput(8)) {
    FailureOr<Value> bias = typedInput(
        ni, 8, "B", [](Type t) { return t.isSignlessInteger(32); }, "int32");
    if (failed(bias))
      return failure();
    operands.push_back(*bias);
  }
  SmallVector<NamedAttribute> attrs;
  if (failed(convAttrs(ni, attrs)))
    return failure();
  return single(ni.create<nn::QLinearConvOp>(operands, attrs), out);
}

LogicalResult importQLinearMatMul(NodeImporter &ni, Outputs &out) {
  SmallVector<Value> operands;
  if (failed(qlinearOperands(ni,
                             {"a", "a_scale", "a_zero_point", "b", "b_scale",
                              "b_zero_point", "y_scale", "y_zero_point"},
                             operands)))
    return failure();
  return single(ni.create<nn::QLinearMatMulOp>(operands), out);
}

} // namespace

void nncc::detail::addQuantizationOpImporters(
    llvm::StringMap<OpImportFn> &importers) {
  importers.insert({"ConvInteger", importConvInteger});
  importers.insert({"DequantizeLinear", importDequantizeLinear});
  importers.insert({"DynamicQuantizeLinear", importDynamicQuantizeLinear});
  importers.insert({"MatMulInteger", importMatMulInteger});
  importers.insert({"QLinearConv", importQLinearConv});
  importers.insert({"QLinearMatMul", importQLinearMatMul});
  importers.insert({"QuantizeLinear", importQuantizeLinear});
}
