//===- InitializerIndex.h - Where an ONNX file stores its weights -*- C++ -*-===//
//
// The byte ranges of a model's initializers in the file itself, found by
// walking the protobuf's wire format without parsing the tensors: what a
// program that refers to its model's weights (nncc/Dialect/CIM/
// ModelWeights.h) records.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_IMPORT_INITIALIZERINDEX_H
#define NNCC_IMPORT_INITIALIZERINDEX_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nncc {

/// An initializer whose values are the `raw_data` bytes of the model file.
struct RawInitializer {
  std::string name;
  std::vector<int64_t> dims;
  int32_t dataType = 0; ///< onnx::TensorProto::DataType
  uint64_t offset = 0;  ///< of raw_data's first byte in the file
  uint64_t bytes = 0;
};

/// The graph initializers of the ONNX model at `path` that carry raw_data
/// (initializers in float_data fields or external files are left out).
llvm::Expected<std::vector<RawInitializer>>
indexRawInitializers(llvm::StringRef path);

} // namespace nncc

#endif // NNCC_IMPORT_INITIALIZERINDEX_H
