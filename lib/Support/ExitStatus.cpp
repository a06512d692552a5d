//===- ExitStatus.cpp - nncc's exit statuses and internal errors ----------===//
#include "nncc/Support/ExitStatus.h"
#include "nncc/Support/InterruptCleanup.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <unistd.h>

using namespace nncc;

char InternalError::ID = 0;

void InternalError::log(llvm::raw_ostream &os) const { os << text; }

std::error_code InternalError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

namespace {

[[noreturn]] void onFatalError(void *, const char *reason, bool) {
  // One line, as every other error: a reason may span lines.
  std::string line(reason);
  for (char &c : line)
    if (c == '\n')
      c = ' ';
  llvm::errs() << "internal error: " << line << '\n';
  llvm::errs().flush();
  // What an interrupt would clean up, without dying of a signal: the
  // RemoveFileOnSignal temporaries, then the directory this run made.
  llvm::sys::RunInterruptHandlers();
  removeWatchedDirectory();
  // _exit: other threads may hold locks that exit handlers would need.
  ::_exit(kExitInternalError);
}

} // namespace

void nncc::installInternalErrorHandler() {
  llvm::install_fatal_error_handler(onFatalError);
}

llvm::Error nncc::internalErrorForTesting() {
  const char *hook = std::getenv("NNCC_TEST_INTERNAL_ERROR");
  if (!hook)
    return llvm::Error::success();
  llvm::StringRef kind(hook);
  if (kind == "fatal")
    llvm::report_fatal_error("NNCC_TEST_INTERNAL_ERROR=fatal: "
                             "llvm::report_fatal_error, as requested",
                             /*gen_crash_diag=*/false);
  if (kind == "error")
    return makeInternalError("NNCC_TEST_INTERNAL_ERROR=error: an internal "
                             "error, as requested");
  return llvm::Error::success();
}
