//===- CompileModel.h - Compile a model file into a directory ---*- C++ -*-===//
//
// The entry point for programs that embed nncc (docs/embedding.md) and for
// the Python module: `nncc compile MODEL --target T -o DIR`'s flow from
// files to an output directory in one call, without the tool's extras
// (--accuracy-budget, --timing, progress).  It makes its own MLIRContext,
// so calls on different threads are independent.
//
// Errors carry the lines `nncc compile` prints for the same mistake, each
// without its `error: ` prefix, joined by newlines: one line in most cases
// (a chip description can have one per problem).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_COMPILEMODEL_H
#define NNCC_DRIVER_COMPILEMODEL_H

#include "nncc/Driver/Compile.h"
#include "nncc/Driver/CompileOptions.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace nncc::driver {

struct CompiledModel {
  CompileResult result;
  /// The chip description compiled for (a bundled target's file, when a
  /// name was given).
  std::string targetPath;
  /// The files written into the output directory, in order.
  std::vector<std::string> files;
  /// What the tool prints as `warning:` lines (the diagnostics' and the
  /// host ops'), without the prefix; result.assumptions are its `note:`s.
  std::vector<std::string> warnings;
};

/// Imports the ONNX model at `modelPath` (dimension 0 of its inputs set to
/// `batch` when given), loads the chip `targetSpec` (a file, or a bundled
/// target's name looked up in `targetDirs`, BundledTargets.h), compiles
/// and writes every file of `nncc compile` into `outputDir`, all or
/// nothing (OutputDirectory.h).
llvm::Expected<CompiledModel>
compileModel(llvm::StringRef modelPath, llvm::StringRef targetSpec,
             llvm::ArrayRef<std::string> targetDirs, llvm::StringRef outputDir,
             const CompileOptions &options = {},
             std::optional<int64_t> batch = std::nullopt);

} // namespace nncc::driver

#endif // NNCC_DRIVER_COMPILEMODEL_H
