//===- TargetCommand.cpp - nncc target ------------------------------------===//
#include "Commands.h"

#include "nncc/Target/BundledTargets.h"
#include "nncc/Target/TargetLoader.h"
#include "nncc/Target/TargetSchema.h"
#include "nncc/Target/TargetSummary.h"

#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;

namespace {
cl::list<std::string> targetArgs(cl::Positional,
                                 cl::desc("<validate|show|schema|list> "
                                          "[files or bundled names]"),
                                 cl::sub(targetCmd), cl::cat(category));
} // namespace

std::vector<std::string> nncc::tool::targetDirs(const char *argv0) {
  return target::bundledTargetDirs(argv0);
}

int nncc::tool::runTarget(const char *argv0) {
  if (targetArgs.empty()) {
    errs() << "error: `nncc target` needs an action: validate, show, schema "
              "or list\n";
    return 1;
  }
  StringRef action = targetArgs.front();
  ArrayRef<std::string> files = ArrayRef<std::string>(targetArgs).drop_front();
  std::vector<std::string> dirs = targetDirs(argv0);
  if (action == "schema") {
    target::printSchemaMarkdown(outs());
    return 0;
  }
  if (action == "list") {
    for (const std::string &name : target::bundledTargetNames(dirs))
      outs() << name << '\n';
    return 0;
  }
  if (action != "validate" && action != "show") {
    errs() << "error: unknown target action '" << action
           << "' (expected validate, show, schema or list)\n";
    return 1;
  }
  if (files.empty()) {
    errs() << "error: `nncc target " << action << "` needs a file\n";
    return 1;
  }
  int status = 0;
  for (const std::string &file : files) {
    Expected<std::string> path = target::resolveTarget(file, dirs);
    if (!path) {
      status = fail(path.takeError());
      continue;
    }
    Expected<target::TargetChip> chip = target::loadTargetFile(*path);
    if (!chip) {
      status = failTarget(chip.takeError());
      continue;
    }
    if (action == "validate")
      outs() << file << ": ok (" << chip->name << ")\n";
    else
      target::printTarget(*chip, outs());
  }
  return status;
}
