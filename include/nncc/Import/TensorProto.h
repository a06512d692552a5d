//===- TensorProto.h - ONNX TensorProto conversions -------------*- C++ -*-===//
//
// Conversions between ONNX TensorProto and nncc's representations: MLIR
// element types and ElementsAttr for the importer, runtime::Tensor for the
// executor's `.pb` inputs and outputs.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_IMPORT_TENSORPROTO_H
#define NNCC_IMPORT_TENSORPROTO_H

#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Runtime/Tensor.h"
#include "nncc/Support/Limits.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

namespace onnx {
class TensorProto;
} // namespace onnx

namespace nncc {

/// The MLIR element type for an ONNX TensorProto::DataType, or an error
/// naming the unsupported type.
llvm::Expected<mlir::Type> onnxElementType(mlir::MLIRContext &context,
                                           int onnxDataType);
/// Name of an ONNX data type ("FLOAT", "UINT8", ...).
llvm::StringRef onnxDataTypeName(int onnxDataType);

/// Checks a declared shape: every dim in [1, 2^31] and the product within
/// kMaxTensorElements.  `allowZero` permits empty tensors (e.g. initializers).
llvm::Error checkDeclaredShape(llvm::ArrayRef<int64_t> shape, bool allowZero);

/// Converts `proto` into an ElementsAttr.  Payloads larger than a few
/// elements become `dense_resource` blobs named `blobName`; when `proto` is
/// mutable its raw payload is moved into the blob instead of copied.
/// `baseDir` resolves external data.
llvm::Expected<mlir::ElementsAttr>
tensorProtoToElements(mlir::MLIRContext &context, onnx::TensorProto &proto,
                      llvm::StringRef blobName, llvm::StringRef baseDir);



/// Reads a serialized TensorProto file (`.pb`) into a host tensor; the
/// tensor's name, if any, is stored in `name`.
llvm::Expected<runtime::Tensor> readTensorProtoFile(llvm::StringRef path,
                                                   std::string *name = nullptr);
/// Writes `tensor` as a serialized TensorProto (atomically).
llvm::Error writeTensorProtoFile(llvm::StringRef path,
                                 const runtime::Tensor &tensor,
                                 llvm::StringRef name);

} // namespace nncc

#endif // NNCC_IMPORT_TENSORPROTO_H
