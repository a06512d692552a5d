//===- TensorProto.cpp - ONNX TensorProto conversions ---------------------===//
#include "nncc/Import/TensorProto.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cstring>
#include <limits>

using namespace mlir;
using llvm::createStringError;
using llvm::Error;
using llvm::Expected;
using nncc::runtime::DType;
namespace runtime = nncc::runtime;

namespace {

Error makeError(const llvm::Twine &message) {
  return createStringError(llvm::inconvertibleErrorCode(), message);
}

/// ONNX data type -> runtime DType.
Expected<DType> dtypeForOnnx(int type) {
  switch (type) {
  case onnx::TensorProto::FLOAT: return DType::F32;
  case onnx::TensorProto::DOUBLE: return DType::F64;
  case onnx::TensorProto::INT8: return DType::I8;
  case onnx::TensorProto::UINT8: return DType::U8;
  case onnx::TensorProto::INT16: return DType::I16;
  case onnx::TensorProto::UINT16: return DType::U16;
  case onnx::TensorProto::INT32: return DType::I32;
  case onnx::TensorProto::UINT32: return DType::U32;
  case onnx::TensorProto::INT64: return DType::I64;
  case onnx::TensorProto::UINT64: return DType::U64;
  case onnx::TensorProto::BOOL: return DType::Bool;
  case onnx::TensorProto::FLOAT16: return DType::F16;
  case onnx::TensorProto::BFLOAT16: return DType::BF16;
  default:
    return makeError("element type " + nncc::onnxDataTypeName(type) +
                     " is not supported");
  }
}

int onnxTypeForDType(DType type) {
  switch (type) {
  case DType::F32: return onnx::TensorProto::FLOAT;
  case DType::F64: return onnx::TensorProto::DOUBLE;
  case DType::I8: return onnx::TensorProto::INT8;
  case DType::U8: return onnx::TensorProto::UINT8;
  case DType::I16: return onnx::TensorProto::INT16;
  case DType::U16: return onnx::TensorProto::UINT16;
  case DType::I32: return onnx::TensorProto::INT32;
  case DType::U32: return onnx::TensorProto::UINT32;
  case DType::I64: return onnx::TensorProto::INT64;
  case DType::U64: return onnx::TensorProto::UINT64;
  case DType::Bool: return onnx::TensorProto::BOOL;
  case DType::F16: return onnx::TensorProto::FLOAT16;
  case DType::BF16: return onnx::TensorProto::BFLOAT16;
  }
  return onnx::TensorProto::UNDEFINED;
}

/// Appends `values` narrowed to `elemSize` bytes each (little-endian hosts).
template <typename Src>
void appendNarrowed(const google::protobuf::RepeatedField<Src> &values,
                    size_t elemSize, std::string &out) {
  out.reserve(values.size() * elemSize);
  for (Src v : values)
    out.append(reinterpret_cast<const char *>(&v), elemSize);
}

/// Reads the external-data payload of `proto`, refusing locations that leave
/// the model's directory.
Error readExternalData(const onnx::TensorProto &proto, llvm::StringRef baseDir,
                       std::string &out) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : proto.external_data()) {
    llvm::StringRef value = entry.value();
    bool malformed = false;
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      malformed = value.getAsInteger(10, offset) || offset < 0;
    else if (entry.key() == "length")
      malformed = value.getAsInteger(10, length) || length < 0;
    if (malformed)
      return makeError("external data " + entry.key() + " '" + value +
                       "' is not a non-negative integer");
  }
  bool escapes = llvm::any_of(
      llvm::make_range(llvm::sys::path::begin(location),
                       llvm::sys::path::end(location)),
      [](llvm::StringRef part) { return part == ".."; });
  if (location.empty() || llvm::sys::path::is_absolute(location) || escapes)
    return makeError("external data location '" + location +
                     "' must be a relative path inside the model directory");
  llvm::SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(path, fileSize))
    return makeError("cannot open external data file '" + path + "'");
  if (offset < 0 || static_cast<uint64_t>(offset) > fileSize)
    return makeError("external data offset is outside '" + path + "'");
  if (length < 0)
    length = static_cast<int64_t>(fileSize) - offset;
  if (static_cast<uint64_t>(length) > fileSize - offset)
    return makeError("external data of " + llvm::Twine(length) +
                     " bytes runs past the end of '" + path + "'");
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, length, offset);
  if (!buffer)
    return makeError("cannot read external data file '" + path + "'");
  out.assign((*buffer)->getBufferStart(), (*buffer)->getBufferSize());
  return Error::success();
}

/// Moves or converts the payload of `proto` into `out`: `count` elements of
/// `elemSize` bytes each, little-endian, one byte per bool.
Error takePayload(onnx::TensorProto &proto, DType dtype, int64_t count,
                  llvm::StringRef baseDir, std::string &out) {
  size_t elemSize = nncc::runtime::dtypeSize(dtype);
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    if (Error e = readExternalData(proto, baseDir, out))
      return e;
  } else if (proto.has_raw_data()) {
    // ONNX's checker: a tensor's data is in raw_data or in one typed field,
    // never both (which one would be meant?).
    const int typed = proto.float_data_size() + proto.double_data_size() +
                      proto.int32_data_size() + proto.int64_data_size() +
                      proto.uint64_data_size() + proto.string_data_size();
    if (typed > 0)
      return makeError("has both raw_data and typed data (float_data, "
                       "int64_data, ...); ONNX allows one");
    out.swap(*proto.mutable_raw_data());
  } else {
    switch (dtype) {
    case DType::F32: appendNarrowed(proto.float_data(), elemSize, out); break;
    case DType::F64: appendNarrowed(proto.double_data(), elemSize, out); break;
    case DType::I64: appendNarrowed(proto.int64_data(), elemSize, out); break;
    case DType::U32:
    case DType::U64: appendNarrowed(proto.uint64_data(), elemSize, out); break;
    default: appendNarrowed(proto.int32_data(), elemSize, out); break;
    }
  }
  if (count > std::numeric_limits<int64_t>::max() /
                  static_cast<int64_t>(elemSize))
    return makeError("has a shape too large to hold");
  uint64_t expected = static_cast<uint64_t>(count) * elemSize;
  if (out.size() != expected)
    return makeError(llvm::formatv("holds {0} bytes of data, its shape needs "
                                   "{1}",
                                   out.size(), expected));
  return Error::success();
}

Expected<SmallVector<int64_t>> shapeOf(const onnx::TensorProto &proto) {
  SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  if (Error e = nncc::checkDeclaredShape(shape, /*allowZero=*/true))
    return std::move(e);
  return shape;
}

} // namespace

llvm::StringRef nncc::onnxDataTypeName(int type) {
  if (onnx::TensorProto::DataType_IsValid(type))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(type));
  return "<invalid>";
}

Expected<Type> nncc::onnxElementType(MLIRContext &context, int type) {
  Expected<DType> dtype = dtypeForOnnx(type);
  if (!dtype)
    return dtype.takeError();
  return elementTypeForDType(context, *dtype);
}

Error nncc::checkDeclaredShape(llvm::ArrayRef<int64_t> shape, bool allowZero) {
  int64_t total = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d == 0 && !allowZero))
      return makeError(llvm::formatv("has invalid dimension {0}", d));
    if (d > kMaxTensorElements)
      return makeError(llvm::formatv("has dimension {0}, above the limit of "
                                     "2^31",
                                     d));
    total *= d;
    if (total > kMaxTensorElements)
      return makeError("has more than 2^31 elements");
  }
  return Error::success();
}

Expected<ElementsAttr> nncc::tensorProtoToElements(MLIRContext &context,
                                                   onnx::TensorProto &proto,
                                                   llvm::StringRef blobName,
                                                   llvm::StringRef baseDir) {
  Expected<DType> dtype = dtypeForOnnx(proto.data_type());
  if (!dtype)
    return dtype.takeError();
  Expected<SmallVector<int64_t>> shape = shapeOf(proto);
  if (!shape)
    return shape.takeError();
  auto type = RankedTensorType::get(*shape,
                                    elementTypeForDType(context, *dtype));
  int64_t count = type.getNumElements();

  auto payload = std::make_unique<std::string>();
  if (Error e = takePayload(proto, *dtype, count, baseDir, *payload))
    return std::move(e);

  if (*dtype == DType::Bool) {
    SmallVector<bool> values;
    for (char c : *payload)
      values.push_back(c != 0);
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  // Small constants stay readable literals; anything larger becomes a blob
  // that owns the payload, so a 100 MB model is never copied or printed as
  // decimal text.
  constexpr int64_t kLiteralLimit = 16;
  if (count <= kLiteralLimit) {
    ArrayRef<char> raw(payload->data(), payload->size());
    bool detectedSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(type, raw, detectedSplat))
      return makeError("has a malformed payload");
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, raw));
  }
  std::string *owned = payload.release();
  ArrayRef<char> data(owned->data(), owned->size());
  AsmResourceBlob blob = UnmanagedAsmResourceBlob::allocateWithAlign(
      data, alignof(int64_t),
      [owned](void *, size_t, size_t) { delete owned; });
  return cast<ElementsAttr>(
      DenseResourceElementsAttr::get(type, blobName, std::move(blob)));
}

Expected<runtime::Tensor> nncc::readTensorProtoFile(llvm::StringRef path,
                                                   std::string *name) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return makeError("cannot open '" + path + "'");
  onnx::TensorProto proto;
  if ((*buffer)->getBufferSize() > static_cast<size_t>(INT32_MAX) ||
      !proto.ParseFromArray((*buffer)->getBufferStart(),
                            static_cast<int>((*buffer)->getBufferSize())))
    return makeError("'" + path + "' is not a serialized ONNX TensorProto");
  Expected<DType> dtype = dtypeForOnnx(proto.data_type());
  if (!dtype)
    return makeError("'" + path + "': " + llvm::toString(dtype.takeError()));
  Expected<SmallVector<int64_t>> shape = shapeOf(proto);
  if (!shape)
    return makeError("'" + path + "': tensor " +
                     llvm::toString(shape.takeError()));
  // The payload is checked against the shape before the tensor is
  // allocated: memory follows the data, not the dims a file declares (found
  // by the tensor-file fuzzer: a 31-byte file asked for 8 GB).
  std::string payload;
  llvm::SmallString<128> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (Error e = takePayload(proto, *dtype, runtime::numElementsOf(*shape), dir,
                            payload))
    return makeError("'" + path + "': tensor " + llvm::toString(std::move(e)));
  runtime::Tensor tensor(*dtype, *shape);
  std::memcpy(tensor.raw(), payload.data(), payload.size());
  if (name)
    *name = proto.name();
  return tensor;
}

Error nncc::writeTensorProtoFile(llvm::StringRef path,
                                 const runtime::Tensor &tensor,
                                 llvm::StringRef name) {
  onnx::TensorProto proto;
  proto.set_name(name.str());
  proto.set_data_type(onnxTypeForDType(tensor.dtype()));
  for (int64_t d : tensor.shape())
    proto.add_dims(d);
  proto.set_raw_data(static_cast<const char *>(tensor.raw()), tensor.byteSize());
  std::string bytes;
  if (!proto.SerializeToString(&bytes))
    return makeError("cannot serialize tensor '" + name + "'");
  // writeToOutput writes a temporary file and renames it into place, so a
  // failure never leaves a partial output behind.
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << bytes;
    return Error::success();
  });
}
