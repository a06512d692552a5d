//===- ModelQuantization.cpp - A pre-quantized model's grid on a layer ----===//
#include "nncc/Dialect/CIM/ModelQuantization.h"

#include "nncc/Support/Elements.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace nncc;

namespace {

constexpr llvm::StringLiteral kWeightKeys[] = {
    "weight_bits", "weight_signed", "weight_scales", "weight_zero_points"};
constexpr llvm::StringLiteral kInputKeys[] = {"input_bits", "input_signed",
                                              "input_scale"};

/// Whether `dict` has all of `keys`, none of them, or some (an error).
enum class Presence { All, None, Some };
template <size_t N>
Presence presence(DictionaryAttr dict, const llvm::StringLiteral (&keys)[N]) {
  size_t found = 0;
  for (llvm::StringLiteral key : keys)
    found += dict.get(key) ? 1 : 0;
  return found == N ? Presence::All
                    : found == 0 ? Presence::None : Presence::Some;
}

int64_t integer(DictionaryAttr dict, StringRef key) {
  return cast<IntegerAttr>(dict.get(key)).getInt();
}
bool boolean(DictionaryAttr dict, StringRef key) {
  return cast<BoolAttr>(dict.get(key)).getValue();
}

} // namespace

void cim::setModelQuantization(Operation *op, const ModelQuantization &q) {
  if (!q.weights && !q.input) {
    op->removeAttr(kModelQuantizationAttrName);
    return;
  }
  Builder b(op->getContext());
  SmallVector<NamedAttribute> entries;
  if (const ModelWeightGrid *w = q.weights ? &*q.weights : nullptr) {
    int64_t count = static_cast<int64_t>(w->scales.size());
    std::vector<int32_t> zeros(w->zeroPoints.begin(), w->zeroPoints.end());
    auto f32 = RankedTensorType::get({count}, b.getF32Type());
    auto i32 = RankedTensorType::get({count}, b.getI32Type());
    entries.append(
        {b.getNamedAttr("weight_bits", b.getI64IntegerAttr(w->bits)),
         b.getNamedAttr("weight_signed", b.getBoolAttr(w->isSigned)),
         b.getNamedAttr("weight_scales",
                        DenseElementsAttr::get(f32, ArrayRef(w->scales))),
         b.getNamedAttr("weight_zero_points",
                        DenseElementsAttr::get(i32, ArrayRef(zeros)))});
  }
  if (const ModelInputGrid *in = q.input ? &*q.input : nullptr)
    entries.append(
        {b.getNamedAttr("input_bits", b.getI64IntegerAttr(in->bits)),
         b.getNamedAttr("input_signed", b.getBoolAttr(in->isSigned)),
         b.getNamedAttr("input_scale", b.getF64FloatAttr(in->scale))});
  op->setAttr(kModelQuantizationAttrName, b.getDictionaryAttr(entries));
}

cim::ModelQuantization cim::getModelQuantization(Operation *op) {
  ModelQuantization q;
  auto dict = op->getAttrOfType<DictionaryAttr>(kModelQuantizationAttrName);
  if (!dict)
    return q;
  if (presence(dict, kWeightKeys) == Presence::All) {
    ModelWeightGrid w;
    w.bits = integer(dict, "weight_bits");
    w.isSigned = boolean(dict, "weight_signed");
    w.scales = getF32Values(cast<ElementsAttr>(dict.get("weight_scales")));
    w.zeroPoints =
        getIntValues(cast<ElementsAttr>(dict.get("weight_zero_points")));
    q.weights = std::move(w);
  }
  if (presence(dict, kInputKeys) == Presence::All)
    q.input = ModelInputGrid{
        integer(dict, "input_bits"), boolean(dict, "input_signed"),
        cast<FloatAttr>(dict.get("input_scale")).getValueAsDouble()};
  return q;
}

LogicalResult cim::verifyModelQuantization(Operation *op, int64_t columns) {
  Attribute attr = op->getAttr(kModelQuantizationAttrName);
  if (!attr)
    return success();
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return op->emitOpError("'") << kModelQuantizationAttrName
                                << "' must be a dictionary";
  for (NamedAttribute entry : dict)
    if (!llvm::is_contained(kWeightKeys, entry.getName().getValue()) &&
        !llvm::is_contained(kInputKeys, entry.getName().getValue()))
      return op->emitOpError("unknown model quantization entry '")
             << entry.getName().getValue() << "'";
  Presence weights = presence(dict, kWeightKeys);
  if (weights == Presence::Some)
    return op->emitOpError("the model's weight quantization needs "
                           "weight_bits, weight_signed, weight_scales and "
                           "weight_zero_points");
  if (weights == Presence::All) {
    auto bits = dyn_cast<IntegerAttr>(dict.get("weight_bits"));
    auto scales = dyn_cast<DenseElementsAttr>(dict.get("weight_scales"));
    auto zeros = dyn_cast<DenseElementsAttr>(dict.get("weight_zero_points"));
    if (!bits || !isa<BoolAttr>(dict.get("weight_signed")) || !scales ||
        !zeros || !scales.getElementType().isF32() ||
        !isa<IntegerType>(zeros.getElementType()))
      return op->emitOpError("the model's weight quantization must be "
                             "integer bits, a bool, f32 scales and integer "
                             "zero points");
    int64_t count = scales.getNumElements();
    if ((count != 1 && count != columns) || zeros.getNumElements() != count)
      return op->emitOpError("the model's weight scales and zero points must "
                             "be one or one per column (")
             << columns << ")";
    if (bits.getInt() < 2 || bits.getInt() > 16)
      return op->emitOpError("the model's weight_bits must be in [2, 16]");
  }
  Presence input = presence(dict, kInputKeys);
  if (input == Presence::Some)
    return op->emitOpError("the model's input quantization needs "
                           "input_bits, input_signed and input_scale");
  if (input == Presence::All) {
    auto bits = dyn_cast<IntegerAttr>(dict.get("input_bits"));
    auto scale = dyn_cast<FloatAttr>(dict.get("input_scale"));
    if (!bits || !scale || !isa<BoolAttr>(dict.get("input_signed")) ||
        bits.getInt() < 1 || bits.getInt() > 16 ||
        !(scale.getValueAsDouble() > 0) ||
        std::isinf(scale.getValueAsDouble()))
      return op->emitOpError("the model's input_bits must be in [1, 16], "
                             "input_signed a bool and input_scale positive "
                             "and finite");
  }
  return success();
}
