//===- Elements.h - Build and read constant tensors in the IR ---*- C++ -*-===//
//
// Passes create weight matrices, scales and integer weights as attributes.
// Beyond a few elements they become `dense_resource` blobs, so large models
// neither print as decimal text nor get uniqued element by element.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_ELEMENTS_H
#define NNCC_SUPPORT_ELEMENTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <memory>
#include <optional>
#include <vector>

namespace nncc {

/// A valid resource-blob key for `name`: MLIR's textual resource section
/// needs identifiers, and ONNX names ("/0/Conv", "0.weight") are not.
std::string sanitizeBlobName(llvm::StringRef name);

/// An f32 ElementsAttr of `shape` (blob named `blobName` when large).
mlir::ElementsAttr makeF32Elements(mlir::MLIRContext *context,
                                   llvm::ArrayRef<int64_t> shape,
                                   llvm::ArrayRef<float> values,
                                   llvm::StringRef blobName);
/// An i32 ElementsAttr of `shape` (blob named `blobName` when large).
mlir::ElementsAttr makeI32Elements(mlir::MLIRContext *context,
                                   llvm::ArrayRef<int64_t> shape,
                                   llvm::ArrayRef<int32_t> values,
                                   llvm::StringRef blobName);

/// The same, taking the buffer of `values` over instead of copying it
/// (large weight matrices and codes).  Integers: int8_t, int16_t or int32_t
/// elements give i8, i16 or i32.
mlir::ElementsAttr makeF32Elements(mlir::MLIRContext *context,
                                   llvm::ArrayRef<int64_t> shape,
                                   std::vector<float> &&values,
                                   llvm::StringRef blobName);
template <typename T>
mlir::ElementsAttr makeIntElements(mlir::MLIRContext *context,
                                   llvm::ArrayRef<int64_t> shape,
                                   std::vector<T> &&values,
                                   llvm::StringRef blobName);

/// Whether a dense_resource attribute's blob is present and holds exactly
/// the bytes its type needs (a program file may say otherwise).  The
/// readers below treat one that does not as having no data.
bool resourceBlobFitsType(mlir::DenseResourceElementsAttr attr);

/// The f32 values of `attr` in place (no copy), or nullopt if it is not a
/// non-splat f32 buffer; valid as long as the attribute's context.
std::optional<llvm::ArrayRef<float>> getF32Storage(mlir::ElementsAttr attr);

/// Values of a float ElementsAttr (dense or dense_resource) as floats;
/// empty if the attribute has no data.
std::vector<float> getF32Values(mlir::ElementsAttr attr);
/// Values of an integer ElementsAttr (any width, dense or dense_resource).
std::vector<int64_t> getIntValues(mlir::ElementsAttr attr);

/// Values of an integer ElementsAttr as int32 (empty if it has no data);
/// nullopt if one does not fit.  Half the memory of getIntValues, read
/// straight from 8-, 16- and 32-bit storage (weight codes of large layers).
std::optional<std::vector<int32_t>> getI32Values(mlir::ElementsAttr attr);

/// Signed integer values held in place: 8-, 16- or 32-bit elements.
struct SignedIntStorage {
  const void *data = nullptr;
  unsigned bits = 0;
  int64_t size = 0;
};
/// The buffer of a non-splat signless or signed i8/i16/i32 ElementsAttr
/// (no copy; valid as long as the attribute's context), else nullopt.
std::optional<SignedIntStorage> getSignedIntStorage(mlir::ElementsAttr attr);

/// The signed integer codes of an ElementsAttr: read in place where the
/// attribute has a plain 8-, 16- or 32-bit buffer (a large layer's weight
/// codes are never copied), else from an int32 copy it owns.
class SignedIntCodes {
public:
  /// nullopt if a value does not fit in 32 bits.
  static std::optional<SignedIntCodes> read(mlir::ElementsAttr attr);

  int64_t size() const { return storage.size; }
  /// Calls `body` with the codes as a typed pointer.
  template <typename Body> auto visit(Body &&body) const {
    switch (storage.bits) {
    case 8:
      return body(static_cast<const int8_t *>(storage.data));
    case 16:
      return body(static_cast<const int16_t *>(storage.data));
    default:
      return body(static_cast<const int32_t *>(storage.data));
    }
  }

private:
  SignedIntStorage storage;
  std::shared_ptr<const std::vector<int32_t>> owned;
};

/// Bytes of every ElementsAttr attribute of the ops under `root` (weights,
/// codes, scales): what dominates the size of a printed program.
uint64_t constantBytes(mlir::Operation *root);

/// Frees the data of those `candidates` that no attribute under `root`
/// refers to any more (weights a pass replaced by copies of its own).
/// Blobs belong to the context, not to a module: only a caller that knows
/// no other module of the context reads them may release them.
void releaseUnreferencedBlobs(
    mlir::Operation *root,
    llvm::ArrayRef<mlir::DenseResourceElementsAttr> candidates);

/// dst[c * rows + r] = src[r * cols + c]: a row-major rows x cols matrix
/// transposed in cache-sized blocks (a plain loop strides through one of
/// the two and misses the cache on every element of a large layer).
void transposeMatrix(const float *src, int64_t rows, int64_t cols,
                     float *dst);

} // namespace nncc

#endif // NNCC_SUPPORT_ELEMENTS_H
