//===- Diagnostics.h - One-line diagnostics for tools -----------*- C++ -*-===//
//
// nncc's command-line contract: every error is one line on stderr,
//   error: <file>: node '<name>' (<OpType>): <reason>
// for problems in an ONNX node, or `error: <file>[:line:col]: <reason>`
// otherwise, and the tool exits with status 1.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_DIAGNOSTICS_H
#define NNCC_SUPPORT_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"

namespace mlir {
class Operation;
} // namespace mlir

#include <string>

namespace nncc {

/// Location of an ONNX node, `fused<"OpType">["name"("file":0:0)]`, so that
/// diagnostics from any later stage still name the node and its file.
mlir::Location makeNodeLoc(mlir::MLIRContext *context, llvm::StringRef file,
                           llvm::StringRef nodeName, llvm::StringRef opType);

/// The ONNX node name carried by a location made by makeNodeLoc (or any
/// NameLoc inside it), or "" when there is none.
std::string nodeNameOf(mlir::Location loc);

/// What a layer made from `op` is called: its ONNX node's name, else the
/// op's name without the dialect ("conv").
std::string layerNameOf(mlir::Operation *op);

/// Formats `diag` (without its notes) as one line, including "error: ".
std::string formatOneLine(const mlir::Diagnostic &diag);

/// While alive, prints every error and warning reported in `context` as one
/// line on stderr (notes are dropped: one problem, one line).
class OneLineDiagnostics {
public:
  explicit OneLineDiagnostics(mlir::MLIRContext &context);
  unsigned getErrorCount() const { return errors; }

private:
  unsigned errors = 0;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace nncc

#endif // NNCC_SUPPORT_DIAGNOSTICS_H
