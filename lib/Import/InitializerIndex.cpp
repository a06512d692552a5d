//===- InitializerIndex.cpp - Where an ONNX file stores its weights -------===//
//
// Reads only the framing of ModelProto.graph (field 7) and its initializers
// (GraphProto field 5): each TensorProto's dims (1), data_type (2), name (8)
// and the position of raw_data (9), which is skipped with a seek, so the
// walk costs a few reads however large the weights are.
//
//===----------------------------------------------------------------------===//
#include "nncc/Import/InitializerIndex.h"

#include "llvm/Support/FileSystem.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>

using google::protobuf::io::CodedInputStream;
using WireFormat = google::protobuf::internal::WireFormatLite;

namespace {

constexpr int kModelGraph = 7, kGraphInitializer = 5, kTensorDims = 1,
              kTensorDataType = 2, kTensorName = 8, kTensorRawData = 9;

llvm::Error malformed(llvm::StringRef path) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": not a valid ONNX model: the "
                                        "protobuf is malformed or truncated");
}

/// Reads a TensorProto of `length` bytes; `ok` is false if it is malformed.
bool readTensor(CodedInputStream &in, uint32_t length,
                nncc::RawInitializer &tensor) {
  CodedInputStream::Limit limit = in.PushLimit(static_cast<int>(length));
  bool hasRawData = false;
  while (uint32_t tag = in.ReadTag()) {
    const int field = WireFormat::GetTagFieldNumber(tag);
    const auto wire = WireFormat::GetTagWireType(tag);
    uint64_t value = 0;
    uint32_t size = 0;
    if (field == kTensorDims && wire == WireFormat::WIRETYPE_VARINT) {
      if (!in.ReadVarint64(&value))
        return false;
      tensor.dims.push_back(static_cast<int64_t>(value));
    } else if (field == kTensorDims &&
               wire == WireFormat::WIRETYPE_LENGTH_DELIMITED) {
      if (!in.ReadVarint32(&size))
        return false;
      CodedInputStream::Limit packed = in.PushLimit(static_cast<int>(size));
      while (in.BytesUntilLimit() > 0) {
        if (!in.ReadVarint64(&value))
          return false;
        tensor.dims.push_back(static_cast<int64_t>(value));
      }
      in.PopLimit(packed);
    } else if (field == kTensorDataType &&
               wire == WireFormat::WIRETYPE_VARINT) {
      if (!in.ReadVarint64(&value))
        return false;
      tensor.dataType = static_cast<int32_t>(value);
    } else if (field == kTensorName &&
               wire == WireFormat::WIRETYPE_LENGTH_DELIMITED) {
      if (!in.ReadVarint32(&size) ||
          !in.ReadString(&tensor.name, static_cast<int>(size)))
        return false;
    } else if (field == kTensorRawData &&
               wire == WireFormat::WIRETYPE_LENGTH_DELIMITED) {
      if (!in.ReadVarint32(&size))
        return false;
      tensor.offset = static_cast<uint64_t>(in.CurrentPosition());
      tensor.bytes = size;
      hasRawData = true;
      if (!in.Skip(static_cast<int>(size)))
        return false;
    } else if (!WireFormat::SkipField(&in, tag)) {
      return false;
    }
  }
  // ReadTag() also returns 0 on a damaged tag: then bytes are left.
  const bool complete = in.BytesUntilLimit() == 0;
  in.PopLimit(limit);
  if (!hasRawData)
    tensor.bytes = 0;
  return complete;
}

} // namespace

llvm::Expected<std::vector<nncc::RawInitializer>>
nncc::indexRawInitializers(llvm::StringRef path) {
  llvm::Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(path);
  if (!file)
    return file.takeError();
  std::vector<RawInitializer> found;
  bool ok = true;
  {
    google::protobuf::io::FileInputStream stream(*file);
    CodedInputStream in(&stream);
    in.SetTotalBytesLimit(INT_MAX);
    while (ok) {
      uint32_t tag = in.ReadTag();
      if (!tag)
        break;
      uint32_t size = 0;
      if (WireFormat::GetTagFieldNumber(tag) != kModelGraph ||
          WireFormat::GetTagWireType(tag) !=
              WireFormat::WIRETYPE_LENGTH_DELIMITED) {
        ok = WireFormat::SkipField(&in, tag);
        continue;
      }
      if (!in.ReadVarint32(&size)) {
        ok = false;
        break;
      }
      CodedInputStream::Limit graph = in.PushLimit(static_cast<int>(size));
      while (ok) {
        uint32_t graphTag = in.ReadTag();
        if (!graphTag) {
          ok = in.BytesUntilLimit() == 0;
          break;
        }
        if (WireFormat::GetTagFieldNumber(graphTag) != kGraphInitializer ||
            WireFormat::GetTagWireType(graphTag) !=
                WireFormat::WIRETYPE_LENGTH_DELIMITED) {
          ok = WireFormat::SkipField(&in, graphTag);
          continue;
        }
        uint32_t length = 0;
        RawInitializer tensor;
        ok = in.ReadVarint32(&length) && readTensor(in, length, tensor);
        if (ok && tensor.bytes > 0)
          found.push_back(std::move(tensor));
      }
      in.PopLimit(graph);
    }
  }
  llvm::sys::fs::closeFile(*file);
  if (!ok)
    return malformed(path);
  return found;
}
