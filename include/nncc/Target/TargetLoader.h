//===- TargetLoader.h - Load and validate chip descriptions -----*- C++ -*-===//
#ifndef NNCC_TARGET_TARGETLOADER_H
#define NNCC_TARGET_TARGETLOADER_H

#include "nncc/Target/TargetChip.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <string>

namespace nncc::target {

/// A field given outside the file (`nncc explore --sweep`): `value` in the
/// file's own syntax ("6", "0.3 V") replaces the field at `path`
/// ("adc.bits"), or adds it where the file leaves it out.
struct FieldOverride {
  std::string path, value;
};

/// Loads the YAML description at `path` and validates every field (type,
/// unit, range), unknown keys and cross-field consistency.  On failure the
/// error holds one line per problem, `file:line:col: field.path: reason`,
/// in file order.
llvm::Expected<TargetChip> loadTargetFile(llvm::StringRef path);

/// Same, for text already in memory; `name` is used in messages.  With
/// `overrides`, their values stand in for the file's and are validated like
/// them (a field that is not in the schema, or a list, is an error); a
/// problem they cause is reported as `name: override 'path=value': ...`.
llvm::Expected<TargetChip>
loadTargetBuffer(llvm::StringRef text, llvm::StringRef name,
                 llvm::ArrayRef<FieldOverride> overrides = {});

/// Checks `override.value` alone against its field (known, one value, type,
/// unit, range), without a file: cross-field rules are left to the load.
/// The error is one line as loadTargetBuffer gives it, naming `name`.
llvm::Error checkFieldValue(const FieldOverride &override,
                            llvm::StringRef name);

} // namespace nncc::target

#endif // NNCC_TARGET_TARGETLOADER_H
