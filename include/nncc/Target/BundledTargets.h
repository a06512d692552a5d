//===- BundledTargets.h - Chip descriptions that ship with nncc -*- C++ -*-===//
//
// `--target NAME` names a bundled description (targets/NAME.yaml) as well
// as a file: a file of that name wins, else the bundled directories are
// searched in order.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TARGET_BUNDLEDTARGETS_H
#define NNCC_TARGET_BUNDLEDTARGETS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace nncc::target {

/// Where a tool finds bundled targets: `<dir of executable>/../share/nncc/
/// targets`.  That is the installed tree's data directory; the build tree
/// mirrors it (a link to the checkout's targets/), so no path of the
/// checkout is compiled in and an installed tool needs no source tree.
std::vector<std::string> bundledTargetDirs(llvm::StringRef executable);

/// Names of the bundled targets (file stems, sorted, no duplicates).
std::vector<std::string> bundledTargetNames(llvm::ArrayRef<std::string> dirs);

/// `spec` if it is an existing file or a path (with a directory or an
/// extension, which the loader opens or reports), else the bundled target
/// of that name; the error names the bundled targets.
llvm::Expected<std::string> resolveTarget(llvm::StringRef spec,
                                          llvm::ArrayRef<std::string> dirs);

} // namespace nncc::target

#endif // NNCC_TARGET_BUNDLEDTARGETS_H
