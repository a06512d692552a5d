//===- ModelQuantization.cpp - What a QDQ model says of a layer -----------===//
#include "ModelQuantization.h"

#include "nncc/Dialect/NN/NNEvaluation.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Support/Elements.h"

#include "llvm/ADT/DenseMap.h"

#include <cmath>

using namespace mlir;
using namespace nncc;

namespace {

/// The integer format of a code type: i8 is signed, ui8 unsigned.
std::pair<int64_t, bool> codeFormat(Type element) {
  auto integer = cast<IntegerType>(element);
  return {integer.getWidth(), !integer.isUnsigned()};
}

/// Scale and zero point of a DequantizeLinear/QuantizeLinear as values,
/// when both are constants.
struct Parameters {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
};
std::optional<Parameters> constantParameters(Value scale, Value zeroPoint) {
  auto scales = nn::getConstantF32Values(scale);
  auto zeroOp = zeroPoint.getDefiningOp<nn::ConstantOp>();
  if (!scales || !zeroOp)
    return std::nullopt;
  Parameters p{std::move(*scales), getIntValues(zeroOp.getValue())};
  if (p.scales.empty() || p.scales.size() != p.zeroPoints.size())
    return std::nullopt;
  return p;
}

} // namespace

std::optional<WeightOperand> nncc::readWeightOperand(Value v) {
  if (!v)
    return std::nullopt;
  if (auto constant = v.getDefiningOp<nn::ConstantOp>()) {
    if (!cast<ShapedType>(constant.getType()).getElementType().isF32())
      return std::nullopt;
    WeightOperand w;
    if (auto storage = getF32Storage(constant.getValue())) {
      w.values = *storage;
      return w;
    }
    auto values = nn::getConstantF32Values(v);
    if (!values)
      return std::nullopt;
    w.copy = std::move(*values);
    w.values = w.copy;
    return w;
  }
  auto dq = v.getDefiningOp<nn::DequantizeLinearOp>();
  auto codesOp = dq ? dq.getX().getDefiningOp<nn::ConstantOp>()
                    : nn::ConstantOp();
  if (!codesOp)
    return std::nullopt;
  std::optional<Parameters> p =
      constantParameters(dq.getXScale(), dq.getXZeroPoint());
  if (!p)
    return std::nullopt;
  auto type = cast<RankedTensorType>(dq.getX().getType());
  // The float weights as DequantizeLinear computes them: its one
  // definition (nn::evaluate) on the constant operands.
  llvm::DenseMap<Value, runtime::Tensor> operands;
  for (Value operand : dq->getOperands()) {
    llvm::Expected<runtime::Tensor> t = elementsToTensor(
        operand.getDefiningOp<nn::ConstantOp>().getValue());
    if (!t) {
      llvm::consumeError(t.takeError());
      return std::nullopt;
    }
    operands.try_emplace(operand, std::move(*t));
  }
  runtime::Tensor floats(runtime::DType::F32, type.getShape());
  if (!nn::evaluate(
          dq,
          [&](Value v) -> const runtime::Tensor & {
            return operands.find(v)->second;
          },
          floats))
    return std::nullopt;
  WeightOperand w;
  w.copy.assign(floats.data<float>(),
                floats.data<float>() + floats.numElements());
  w.values = w.copy;
  QuantizedConstant q;
  std::tie(q.bits, q.isSigned) = codeFormat(type.getElementType());
  int64_t rank = type.getRank();
  q.axis = dq.getAxis() < 0 ? static_cast<int64_t>(dq.getAxis()) + rank
                            : static_cast<int64_t>(dq.getAxis());
  q.scales = std::move(p->scales);
  q.zeroPoints = std::move(p->zeroPoints);
  w.quantization = std::move(q);
  return w;
}

bool nncc::isWeightOperand(Value v) {
  if (!v)
    return false;
  if (v.getDefiningOp<nn::ConstantOp>())
    return true;
  auto dq = v.getDefiningOp<nn::DequantizeLinearOp>();
  return dq && dq.getX().getDefiningOp<nn::ConstantOp>() &&
         dq.getXScale().getDefiningOp<nn::ConstantOp>() &&
         dq.getXZeroPoint().getDefiningOp<nn::ConstantOp>();
}

std::optional<LayerInputFromModel>
nncc::readModelInputQuantization(Value x) {
  auto dq = x.getDefiningOp<nn::DequantizeLinearOp>();
  if (!dq)
    return std::nullopt;
  std::optional<Parameters> p =
      constantParameters(dq.getXScale(), dq.getXZeroPoint());
  // The arrays' input quantizer has one scale per layer.
  if (!p || p->scales.size() != 1 || !(p->scales[0] > 0) ||
      std::isinf(p->scales[0]))
    return std::nullopt;
  LayerInputFromModel q;
  std::tie(q.grid.bits, q.grid.isSigned) =
      codeFormat(cast<ShapedType>(dq.getX().getType()).getElementType());
  q.grid.scale = p->scales[0];
  q.input = x;
  int64_t zero = p->zeroPoints[0];
  if (zero != 0) {
    // The chip's quantizer has no zero point: it reads the dequantized
    // codes, (q - zero) * scale, as signed codes q - zero, which take one
    // more bit than q (an asymmetric uint8 input becomes a 9-bit signed
    // one).
    q.grid.bits += 1;
    q.grid.isSigned = true;
    return q;
  }
  // With a zero point of 0 the chip's quantizer (round, clamp to the code
  // range) does what the model's QuantizeLinear does, so the layer reads x
  // and quantizes it itself.  They differ only at exact ties (the chip
  // rounds half away from zero, ONNX half to even) and, for int8, at -128,
  // which the chip's symmetric range clamps to -127.
  auto quantize = dq.getX().getDefiningOp<nn::QuantizeLinearOp>();
  if (!quantize)
    return q;
  std::optional<Parameters> qp =
      constantParameters(quantize.getYScale(), quantize.getYZeroPoint());
  if (qp && qp->scales == p->scales && qp->zeroPoints == p->zeroPoints)
    q.input = quantize.getX();
  return q;
}

std::optional<cim::ModelWeightGrid>
nncc::modelWeightGrid(const QuantizedConstant &q, int64_t channelAxis,
                      int64_t columns, float scaleFactor) {
  bool perChannel = q.scales.size() > 1;
  if (perChannel && (q.axis != channelAxis ||
                     static_cast<int64_t>(q.scales.size()) != columns))
    return std::nullopt;
  cim::ModelWeightGrid grid;
  grid.bits = q.bits;
  grid.isSigned = q.isSigned;
  grid.scales = q.scales;
  for (float &s : grid.scales)
    s *= scaleFactor;
  grid.zeroPoints = q.zeroPoints;
  return grid;
}
