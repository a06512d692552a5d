//===- BundledTargets.cpp - Chip descriptions that ship with nncc ---------===//
#include "nncc/Target/BundledTargets.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;

std::vector<std::string>
nncc::target::bundledTargetDirs(StringRef executable) {
  std::vector<std::string> dirs;
  std::string self = sys::fs::getMainExecutable(executable.str().c_str(),
                                                nullptr);
  if (!self.empty()) {
    SmallString<256> installed(sys::path::parent_path(self));
    sys::path::append(installed, "..", "share", "nncc", "targets");
    dirs.push_back(std::string(installed));
  }
  return dirs;
}

std::vector<std::string>
nncc::target::bundledTargetNames(ArrayRef<std::string> dirs) {
  std::vector<std::string> names;
  for (const std::string &dir : dirs) {
    std::error_code ec;
    for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      if (sys::path::extension(it->path()) == ".yaml")
        names.push_back(sys::path::stem(it->path()).str());
  }
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Expected<std::string> nncc::target::resolveTarget(StringRef spec,
                                                  ArrayRef<std::string> dirs) {
  // A path (a directory part or an extension) is the loader's to open or
  // to report; only a bare name is looked up.
  if (sys::fs::exists(spec) || sys::path::has_parent_path(spec) ||
      sys::path::has_extension(spec))
    return spec.str();
  for (const std::string &dir : dirs) {
    SmallString<256> path(dir);
    sys::path::append(path, spec + ".yaml");
    if (sys::fs::exists(path))
      return std::string(path);
  }
  return createStringError(
      inconvertibleErrorCode(),
      spec + ": no such file, nor a bundled target (" +
          join(bundledTargetNames(dirs), ", ") + ")");
}
