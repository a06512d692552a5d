//===- TargetLoader.h - Load and validate chip descriptions -----*- C++ -*-===//
#ifndef NNCC_TARGET_TARGETLOADER_H
#define NNCC_TARGET_TARGETLOADER_H

#include "nncc/Target/TargetChip.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

namespace nncc::target {

/// Loads the YAML description at `path` and validates every field (type,
/// unit, range), unknown keys and cross-field consistency.  On failure the
/// error holds one line per problem, `file:line:col: field.path: reason`,
/// in file order.
llvm::Expected<TargetChip> loadTargetFile(llvm::StringRef path);

/// Same, for text already in memory; `name` is used in messages.
llvm::Expected<TargetChip> loadTargetBuffer(llvm::StringRef text,
                                            llvm::StringRef name);

} // namespace nncc::target

#endif // NNCC_TARGET_TARGETLOADER_H
