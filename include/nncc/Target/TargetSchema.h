//===- TargetSchema.h - Every field of the chip description ----*- C++ -*-===//
//
// The single table of chip-description fields: path, type, unit, default and
// range.  The loader checks files against it, `nncc target schema` prints it
// as docs/target-format.md's field table, and a test keeps the two equal, so
// defaults are documented in exactly one place.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TARGET_TARGETSCHEMA_H
#define NNCC_TARGET_TARGETSCHEMA_H

#include "nncc/Target/Units.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

namespace nncc::target {

enum class FieldKind { Integer, Real, Quantity, Enum, Bool, String, RealList };

/// Whether a field must be given, has a default, or may be absent (then
/// another field or a rule in the loader supplies it).
enum class Presence { Required, Defaulted, Optional };

struct FieldSpec {
  llvm::StringLiteral path;
  FieldKind kind;
  Presence presence;
  /// Default in the file's own syntax ("1 GHz", "8", "sar"); empty unless
  /// Defaulted.
  llvm::StringLiteral defaultText;
  /// Inclusive range, in SI units for quantities (also applied to every
  /// element of a RealList).
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  /// `min` itself is not allowed (strictly positive quantities).
  bool minExclusive = false;
  Dimension dimension = Dimension::Length; ///< Quantity only
  llvm::StringLiteral enumValues = "";     ///< Enum only: "a|b|c"
  llvm::StringLiteral doc = "";
};

/// All fields, in documentation order.
llvm::ArrayRef<FieldSpec> getTargetSchema();
/// The field at `path` ("device.g_min"), or null.
const FieldSpec *lookupField(llvm::StringRef path);
/// Whether `path` names a section (a mapping of fields), e.g. "device".
bool isSection(llvm::StringRef path);
/// Human-readable type ("conductance", "integer", "one of sar|flash").
std::string describeKind(const FieldSpec &field);
/// Human-readable range ("[1, 65536]", "> 0 S"), or "" when unbounded.
std::string describeRange(const FieldSpec &field);

/// Prints the schema as the Markdown field table of docs/target-format.md.
void printSchemaMarkdown(llvm::raw_ostream &os);

} // namespace nncc::target

#endif // NNCC_TARGET_TARGETSCHEMA_H
