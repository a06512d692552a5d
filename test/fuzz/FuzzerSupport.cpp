//===- FuzzerSupport.cpp - What every nncc fuzz harness shares ------------===//
#include "FuzzerSupport.h"

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/NN/NNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <vector>

using namespace nncc;

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
// Debian's libMLIR is not instrumented, yet clang's ASan build makes LLVM's
// headers poison the unused tail of BumpPtrAllocator slabs that the library
// then hands out: false "use-after-poison" reports.  (The SANITIZE=1 gcc
// build hides the macro instead; clang detects ASan by __has_feature.)
// Real checking of nncc's own memory is unaffected.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}
#endif
#endif

namespace {

/// Scratch files made by this process, removed at exit.
std::vector<std::string> &scratchFiles() {
  static std::vector<std::string> files;
  return files;
}

void removeScratchFiles() {
  for (const std::string &path : scratchFiles())
    llvm::sys::fs::remove(path);
}

} // namespace

std::string fuzz::writeScratchFile(llvm::StringRef bytes,
                                   llvm::StringRef suffix) {
  llvm::SmallString<128> dir;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, dir);
  std::string path = (dir + "/nncc-fuzz-" +
                      llvm::Twine(llvm::sys::Process::getProcessId()) + suffix)
                         .str();
  if (!llvm::is_contained(scratchFiles(), path)) {
    if (scratchFiles().empty())
      std::atexit(removeScratchFiles);
    scratchFiles().push_back(path);
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    contractBroken("cannot write the scratch file " + path);
  os << bytes;
  os.close();
  if (os.has_error())
    contractBroken("cannot write the scratch file " + path);
  return path;
}

void fuzz::contractBroken(const llvm::Twine &what) {
  llvm::errs() << "nncc fuzz contract broken: " << what << "\n";
  llvm::errs().flush();
  std::abort();
}

namespace {

mlir::DialectRegistry programDialects() {
  mlir::DialectRegistry registry;
  registry.insert<nn::NNDialect, cim::CIMDialect, mlir::func::FuncDialect>();
  return registry;
}

} // namespace

fuzz::InputContext::InputContext()
    : context(programDialects(), mlir::MLIRContext::Threading::DISABLED),
      handler(&context, [this](mlir::Diagnostic &d) {
        if (d.getSeverity() == mlir::DiagnosticSeverity::Error)
          ++errorCount;
        return mlir::success();
      }) {}
