//===- ReplayMain.cpp - Run a harness over files, without libFuzzer -------===//
//
// `nncc-fuzz-<name> PATH...` feeds every file under each PATH (a file or a
// directory, recursively, in sorted order) to the harness once.  ctest runs
// it over the committed corpus and crash reproducers in every build, so the
// inputs libFuzzer found keep being checked by compilers without libFuzzer.
//
//===----------------------------------------------------------------------===//
#include "FuzzerSupport.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace {

void collect(const std::string &path, std::vector<std::string> &files) {
  if (!llvm::sys::fs::is_directory(path)) {
    files.push_back(path);
    return;
  }
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(path, ec), end;
       it != end && !ec; it.increment(ec))
    if (!llvm::sys::fs::is_directory(it->path()))
      files.push_back(it->path());
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    if (!llvm::sys::fs::exists(argv[i])) {
      llvm::errs() << "error: " << argv[i] << ": no such file or directory\n";
      return 1;
    }
    collect(argv[i], files);
  }
  llvm::sort(files);
  for (const std::string &file : files) {
    auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      llvm::errs() << "error: " << file << ": cannot read\n";
      return 1;
    }
    llvm::StringRef bytes = (*buffer)->getBuffer();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()),
                           bytes.size());
  }
  llvm::outs() << "replayed " << files.size() << " inputs\n";
  return 0;
}
