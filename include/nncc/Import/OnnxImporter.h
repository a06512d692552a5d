//===- OnnxImporter.h - ONNX protobuf to the nn dialect ---------*- C++ -*-===//
//
// Reads an ONNX model (ModelProto, opsets 1-17 of the default domain) into a
// module holding `func.func @main` in the `nn` dialect.  Every problem with
// the input is reported as an MLIR error whose location names the file and,
// when known, the ONNX node (see nncc/Support/Diagnostics.h), and the import
// fails cleanly: malformed input never crashes it.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_IMPORT_ONNXIMPORTER_H
#define NNCC_IMPORT_ONNXIMPORTER_H

#include "nncc/Dialect/NN/NNDialect.h"

#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <optional>

namespace nncc {

struct ImportOptions {
  /// Overrides dimension 0 of every graph input.  Symbolic batch dims become
  /// 1 when this is unset.
  std::optional<int64_t> batch;
  /// Values of graph inputs that the importer may use where an operator needs
  /// a compile-time constant (Reshape's shape, Clip's bounds, ...): ONNX's
  /// node tests feed such operands as inputs.  Inputs not needed as constants
  /// stay function arguments.
  llvm::StringMap<runtime::Tensor> knownInputs;
};

/// Imports the model at `path`.  Returns null after emitting an error.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxFile(llvm::StringRef path, mlir::MLIRContext &context,
               const ImportOptions &options = {});

/// The ONNX operator types (default domain) the importer supports, sorted.
llvm::SmallVector<llvm::StringRef> getSupportedOnnxOps();

} // namespace nncc

#endif // NNCC_IMPORT_ONNXIMPORTER_H
