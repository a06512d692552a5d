//===- ModelWeights.h - Float weight matrices kept in the model file -*- C++ -*-===//
//
// A large mapped program need not carry a second copy of its float weights:
// a layer whose [G, K, N] matrix equals an initializer of the ONNX model
// (as stored, or transposed per group, the way the lowering lays conv and
// Gemm weights out) can name the bytes in the model file instead, like
// ONNX's external data.  In MLIR bytecode the matrix's `dense_resource` is
// then encoded as a reference in the cim dialect's group; reading it loads
// the bytes from the model file, lays them out and checks their hash, so
// every reader gets the same `dense_resource` it would have read from an
// embedded blob (docs/performance.md, "Large models").
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_MODELWEIGHTS_H
#define NNCC_DIALECT_CIM_MODELWEIGHTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace mlir {
class DialectBytecodeReader;
class DialectBytecodeWriter;
} // namespace mlir

namespace nncc::cim {

/// Where the values of an f32 weight matrix [G, K, N] are in a model file.
struct ModelWeightsRef {
  /// The model file, an absolute path.
  std::string path;
  /// Its size in bytes when the program was written (a cheap check that it
  /// is still the same file before reading it).
  uint64_t fileSize = 0;
  /// Byte offset of the first value: G * K * N little-endian f32 values.
  uint64_t offset = 0;
  /// The file holds [G][N][K] (conv filters, Gemm with transB), not
  /// [G][K][N].
  bool transposed = false;
  /// xxh3 (64 bits) of the matrix's bytes in [G, K, N] order.
  uint64_t hash = 0;
  /// The key of the `dense_resource` blob the matrix is read into.
  std::string blobName;
};

/// The hash a ModelWeightsRef records for `values`.
uint64_t hashWeights(llvm::ArrayRef<float> values);

/// Reads the matrix `ref` names as an f32 `dense_resource` of `type`
/// (rank 3, [G, K, N]); fails if the file is missing, has changed or holds
/// other values.
llvm::Expected<mlir::ElementsAttr> loadModelWeights(mlir::RankedTensorType type,
                                                    const ModelWeightsRef &ref);

/// Whether the model file holds `matrix` (of `type`) where `ref` says, bit
/// for bit; reads the file a few MiB at a time.
llvm::Expected<bool> modelHoldsWeights(llvm::ArrayRef<float> matrix,
                                       mlir::RankedTensorType type,
                                       const ModelWeightsRef &ref);

/// The bytecode encoding of a reference in the cim dialect's group (the
/// writer's attribute callback) and its reading (the dialect's bytecode
/// interface), which returns the loaded matrix.
void writeModelWeightsRef(mlir::DialectBytecodeWriter &writer,
                          mlir::RankedTensorType type,
                          const ModelWeightsRef &ref);
mlir::Attribute readModelWeightsRef(mlir::DialectBytecodeReader &reader);

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_MODELWEIGHTS_H
