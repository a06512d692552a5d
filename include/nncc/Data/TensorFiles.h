//===- TensorFiles.h - Tensors read from and written to files ---*- C++ -*-===//
//
// The tensor files nncc's tools take and write: NumPy `.npy` (format
// 1.0-3.0, C order), IDX (MNIST-style, optionally gzip'ed, as in Debian's
// dataset-fashion-mnist) and serialized ONNX TensorProto `.pb`.
// readTensorFile recognizes the format from the file's first bytes (the
// extension decides only for `.pb`, which has no magic number).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DATA_TENSORFILES_H
#define NNCC_DATA_TENSORFILES_H

#include "nncc/Runtime/Tensor.h"

#include "llvm/Support/Error.h"

namespace nncc {

/// Reads a `.npy`, IDX (gzip'ed or not) or `.pb` tensor.  `limit` > 0 keeps
/// at most `limit` items along dimension 0 (IDX files are only read that
/// far: a training set is far larger than most uses need).
llvm::Expected<runtime::Tensor> readTensorFile(llvm::StringRef path,
                                               int64_t limit = 0);
/// Writes `tensor` as `.npy`, or as an ONNX TensorProto named `name` when
/// the path ends in `.pb` (atomically).
llvm::Error writeTensorFile(llvm::StringRef path, const runtime::Tensor &tensor,
                            llvm::StringRef name = "");

llvm::Expected<runtime::Tensor> readNpyFile(llvm::StringRef path);
/// Writes `tensor` as a version 1.0 `.npy` file (atomically).
llvm::Error writeNpyFile(llvm::StringRef path, const runtime::Tensor &tensor);

/// Reads an IDX file (gzip'ed or not).  `limit` > 0 keeps only the first
/// `limit` items along dimension 0.
llvm::Expected<runtime::Tensor> readIdxFile(llvm::StringRef path,
                                            int64_t limit = 0);

} // namespace nncc

#endif // NNCC_DATA_TENSORFILES_H
