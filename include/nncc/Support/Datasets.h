//===- Datasets.h - NumPy .npy and IDX tensor files -------------*- C++ -*-===//
//
// Readers for the tensor files nncc's tools take as inputs: NumPy `.npy`
// (format 1.0-3.0, C order) and IDX (MNIST-style, optionally gzip'ed, as in
// Debian's dataset-fashion-mnist).  ONNX TensorProto `.pb` files are in
// nncc/Import/TensorProto.h.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_DATASETS_H
#define NNCC_SUPPORT_DATASETS_H

#include "nncc/Runtime/Tensor.h"

#include "llvm/Support/Error.h"

namespace nncc {

llvm::Expected<runtime::Tensor> readNpyFile(llvm::StringRef path);
/// Writes `tensor` as a version 1.0 `.npy` file (atomically).
llvm::Error writeNpyFile(llvm::StringRef path, const runtime::Tensor &tensor);

/// Reads an IDX file (gzip'ed or not).  `limit` > 0 keeps only the first
/// `limit` items along dimension 0.
llvm::Expected<runtime::Tensor> readIdxFile(llvm::StringRef path,
                                            int64_t limit = 0);

} // namespace nncc

#endif // NNCC_SUPPORT_DATASETS_H
