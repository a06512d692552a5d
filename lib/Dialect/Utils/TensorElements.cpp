//===- TensorElements.cpp - MLIR constants as runtime tensors -------------===//
#include "nncc/Dialect/Utils/TensorElements.h"

#include "nncc/Support/Errors.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using llvm::Expected;

Type nncc::elementTypeForDType(MLIRContext &context, DType type) {
  auto unsignedInt = [&](unsigned width) {
    return IntegerType::get(&context, width, IntegerType::Unsigned);
  };
  switch (type) {
  case DType::F32: return Float32Type::get(&context);
  case DType::F64: return Float64Type::get(&context);
  case DType::I8: return IntegerType::get(&context, 8);
  case DType::U8: return unsignedInt(8);
  case DType::I16: return IntegerType::get(&context, 16);
  case DType::U16: return unsignedInt(16);
  case DType::I32: return IntegerType::get(&context, 32);
  case DType::U32: return unsignedInt(32);
  case DType::I64: return IntegerType::get(&context, 64);
  case DType::U64: return unsignedInt(64);
  case DType::Bool: return IntegerType::get(&context, 1);
  case DType::F16: return Float16Type::get(&context);
  case DType::BF16: return BFloat16Type::get(&context);
  }
  return {};
}

Expected<DType> nncc::dtypeForElementType(Type type) {
  if (type.isF32())
    return DType::F32;
  if (type.isF64())
    return DType::F64;
  if (type.isF16())
    return DType::F16;
  if (type.isBF16())
    return DType::BF16;
  if (auto i = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = i.isUnsigned();
    switch (i.getWidth()) {
    case 1: return DType::Bool;
    case 8: return isUnsigned ? DType::U8 : DType::I8;
    case 16: return isUnsigned ? DType::U16 : DType::I16;
    case 32: return isUnsigned ? DType::U32 : DType::I32;
    case 64: return isUnsigned ? DType::U64 : DType::I64;
    default: break;
    }
  }
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return makeError("element type " + name + " is not supported");
}

Expected<runtime::Tensor> nncc::elementsToTensor(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  Expected<DType> dtype = dtypeForElementType(type.getElementType());
  if (!dtype)
    return dtype.takeError();
  runtime::Tensor tensor(*dtype, type.getShape());
  size_t bytes = tensor.byteSize();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return makeError("resource blob '" + resource.getRawHandle().getKey() +
                       "' has no data");
    ArrayRef<char> data = blob->getData();
    if (data.size() != bytes)
      return makeError("resource blob '" + resource.getRawHandle().getKey() +
                       "' has the wrong size");
    std::memcpy(tensor.raw(), data.data(), bytes);
    return tensor;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return makeError("unsupported constant attribute kind");
  if (*dtype == DType::Bool) {
    auto *out = static_cast<uint8_t *>(tensor.raw());
    for (auto [i, v] : llvm::enumerate(dense.getValues<bool>()))
      out[i] = v;
    return tensor;
  }
  ArrayRef<char> raw = dense.getRawData();
  size_t elemSize = runtime::dtypeSize(*dtype);
  auto *out = static_cast<char *>(tensor.raw());
  if (dense.isSplat()) {
    for (int64_t i = 0; i < tensor.numElements(); ++i)
      std::memcpy(out + i * elemSize, raw.data(), elemSize);
  } else {
    std::memcpy(out, raw.data(), bytes);
  }
  return tensor;
}

DenseElementsAttr nncc::tensorToElements(MLIRContext &context,
                                         const runtime::Tensor &tensor) {
  auto type = RankedTensorType::get(
      tensor.shape(), elementTypeForDType(context, tensor.dtype()));
  if (tensor.dtype() == DType::Bool) {
    // i1 literals are bit-packed: build them from bools, not raw bytes.
    SmallVector<bool> bits(tensor.values<uint8_t>().begin(),
                           tensor.values<uint8_t>().end());
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(static_cast<const char *>(tensor.raw()),
                           tensor.byteSize()));
}

DenseElementsAttr nncc::splatElements(RankedTensorType type,
                                      const runtime::Tensor &value) {
  assert(value.numElements() == 1 && "a splat of one element");
  if (value.dtype() == DType::Bool)
    return DenseElementsAttr::get(type, value.values<uint8_t>()[0] != 0);
  // A raw buffer of exactly one element is taken as a splat.
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(static_cast<const char *>(value.raw()),
                           value.byteSize()));
}
