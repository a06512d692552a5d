//===- NodeImporter.h - Per-node import context (private) -------*- C++ -*-===//
//
// The state an operator importer sees while translating one ONNX node:
// attribute accessors with ONNX defaults, operand lookup, compile-time
// constants, error reporting at the node's location, and op creation with
// shape inference that fails with a diagnostic instead of asserting.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_IMPORT_NODEIMPORTER_H
#define NNCC_LIB_IMPORT_NODEIMPORTER_H

#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <optional>

namespace nncc::detail {

class GraphImporter;

class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
               mlir::Location loc, int64_t opset, mlir::OpBuilder &builder)
      : graph(graph), node(node), loc(loc), opset(opset), builder(builder) {}

  const onnx::NodeProto &getNode() const { return node; }
  mlir::Location getLoc() const { return loc; }
  int64_t getOpset() const { return opset; }
  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::MLIRContext *getContext() { return builder.getContext(); }

  /// Directory of the model file (for external tensor data).
  llvm::StringRef getBaseDir() const;

  /// Emits `message` at the node and returns failure.  After an attribute
  /// or input error nothing more is reported: one problem, one line.
  mlir::LogicalResult error(const llvm::Twine &message) {
    if (attributeError || inputError)
      return mlir::failure();
    inputError = true;
    return mlir::emitError(loc, message);
  }

  // Attributes, with the ONNX default when absent.  An attribute of the
  // wrong type is reported once and the node fails (hadAttributeError).
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t dflt);
  float floatAttr(llvm::StringRef name, float dflt);
  /// A normalization's `epsilon` (default 1e-5): finite and >= 0, else
  /// reported.  A negative one makes var + epsilon negative for small
  /// variances (NaN outputs); NaN or inf poisons every output.
  mlir::FailureOr<float> epsilonAttr();
  std::string stringAttr(llvm::StringRef name, llvm::StringRef dflt);
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name);
  /// An INT attribute that ONNX defines as a flag: 0 or 1, anything else is
  /// reported (ceil_mode = 2^62 used to read as true).
  bool flagAttr(llvm::StringRef name, bool dflt);
  bool hadAttributeError() const { return attributeError; }

  /// Number of inputs, counting omitted optional ones (empty names).
  int numInputs() const { return node.input_size(); }
  bool hasInput(int i) const {
    return i < node.input_size() && !node.input(i).empty();
  }
  bool hasOutput(int i) const {
    return i < node.output_size() && !node.output(i).empty();
  }
  /// The SSA value of input `i`, failing if the input is required but absent.
  mlir::FailureOr<mlir::Value> input(int i);
  /// Input `i` as a compile-time constant (initializer, Constant node or a
  /// known input value); fails with a diagnostic naming the input otherwise.
  mlir::FailureOr<runtime::Tensor> constantInput(int i);
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(int i);
  /// The `axes` of Squeeze, Unsqueeze and the reductions: the attribute
  /// before opset `inputSince`, from then on the optional constant input 1
  /// (empty when absent).
  mlir::FailureOr<llvm::SmallVector<int64_t>> axesAttrOrInput(
      int64_t inputSince);
  mlir::FailureOr<double> constantScalar(int i);

  /// Creates `OpTy`, with `NumResults` results of inferred types, and
  /// verifies it at the node; on a shape or type error the op has reported
  /// it at the node's location and is erased.  Nothing is folded.
  template <typename OpTy, unsigned NumResults = 1>
  mlir::FailureOr<OpTy>
  build(mlir::ValueRange operands,
        llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
    if (attributeError)
      return mlir::failure();
    // Build with placeholder result types, then ask the op for its real
    // ones: the generated type-inferring builders abort on failure.
    llvm::SmallVector<mlir::Type, NumResults> placeholders(
        NumResults, mlir::UnrankedTensorType::get(builder.getF32Type()));
    auto op = builder.create<OpTy>(loc, mlir::TypeRange(placeholders),
                                   operands, attributes);
    llvm::SmallVector<mlir::Type, NumResults> types;
    if (mlir::failed(OpTy::inferReturnTypes(
            getContext(), loc, typename OpTy::Adaptor(op), types))) {
      op->erase();
      return mlir::failure();
    }
    for (auto [result, type] : llvm::zip_equal(op->getResults(), types))
      result.setType(type);
    // The ODS constraints (element types above all: float16 reaches only
    // Cast and data movement) at the node rather than at the module's
    // verification, after a graph output's check could trip on it.
    if (mlir::failed(mlir::verify(op))) {
      op->erase();
      return mlir::failure();
    }
    return op;
  }

  /// Creates the single-result `OpTy` as build() does, then folds it if its
  /// operands are constants (foldIfConstant).
  template <typename OpTy>
  mlir::FailureOr<mlir::Value>
  create(mlir::ValueRange operands,
         llvm::ArrayRef<mlir::NamedAttribute> attributes = {}) {
    mlir::FailureOr<OpTy> op = build<OpTy>(operands, attributes);
    if (mlir::failed(op))
      return mlir::failure();
    return foldIfConstant(*op);
  }

  /// Replaces `op` by an nn.constant of its value when every operand is an
  /// nn.constant and the result is small (shape arithmetic: Shape, Gather,
  /// Concat, Unsqueeze... of static shapes), evaluating it with the nn ops'
  /// one definition of semantics (nncc/Dialect/NN/NNEvaluation.h); returns
  /// the op's result otherwise.  Ops that map onto the crossbars (conv,
  /// gemm, matmul) are never folded.
  mlir::FailureOr<mlir::Value> foldIfConstant(mlir::Operation *op);

  /// The value of `v` when an nn.constant defines it (not a known input:
  /// those stand for data the executor must compute with).
  static std::optional<runtime::Tensor> constantValue(mlir::Value v);

  /// Creates an nn.constant holding `value` at the node.
  mlir::Value createConstant(mlir::ElementsAttr value);

  mlir::NamedAttribute named(llvm::StringRef name, mlir::Attribute value) {
    return builder.getNamedAttr(name, value);
  }

  /// The attribute `name` if present with `type`; reports a wrong type.
  const onnx::AttributeProto *
  typedAttr(llvm::StringRef name, onnx::AttributeProto::AttributeType type);

private:
  GraphImporter &graph;
  bool attributeError = false;
  /// An input could not be had (missing, not a constant...) or error() was
  /// called: importers that fetch several inputs before checking them must
  /// not report each.
  bool inputError = false;
  const onnx::NodeProto &node;
  mlir::Location loc;
  int64_t opset;
  mlir::OpBuilder &builder;
};

/// Appends the window attributes shared by Conv, MaxPool, AveragePool and
/// the quantized convolutions (auto_pad, kernel_shape, pads, strides and
/// with `withDilations` dilations).
mlir::LogicalResult
windowAttrs(NodeImporter &ni, llvm::SmallVectorImpl<mlir::NamedAttribute> &attrs,
            bool withDilations);

/// Translates one node; on success `outputs` holds one value per ONNX output
/// (null for outputs the node does not produce).
using Outputs = llvm::SmallVectorImpl<mlir::Value>;
using OpImportFn = mlir::LogicalResult (*)(NodeImporter &, Outputs &);

/// The output of a single-output node: `out[0] = value` when it succeeded.
inline mlir::LogicalResult single(mlir::FailureOr<mlir::Value> value,
                                  Outputs &out) {
  if (mlir::failed(value))
    return mlir::failure();
  out.push_back(*value);
  return mlir::success();
}

/// The operator importers, keyed by ONNX op type (default domain).
const llvm::StringMap<OpImportFn> &getOpImporters();
/// Adds the importers of one operator family to `importers`.
void addShapeOpImporters(llvm::StringMap<OpImportFn> &importers);
void addNormalizationOpImporters(llvm::StringMap<OpImportFn> &importers);
void addQuantizationOpImporters(llvm::StringMap<OpImportFn> &importers);

/// The attribute names ONNX's schema of `opType` declares in any opset
/// 1-17 (KnownAttributes.cpp); null for an operator without an importer.
const std::vector<llvm::StringRef> *knownAttributes(llvm::StringRef opType);

} // namespace nncc::detail

#endif // NNCC_LIB_IMPORT_NODEIMPORTER_H
