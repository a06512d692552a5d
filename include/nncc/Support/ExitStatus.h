//===- ExitStatus.h - nncc's exit statuses and internal errors --*- C++ -*-===//
//
// The exit statuses of nncc and nncc-opt are an interface
// (docs/exit-codes.md): 0 success, 1 bad input or usage (one `error:`
// line), 2 an internal error (one `internal error:` line), whatever part
// of LLVM, MLIR or nncc hit it.  An internal error is one no input should
// cause: a broken invariant, or a message between MPI ranks that arrived
// damaged.  Scripts can then tell "fix your input" from "report a bug".
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_EXITSTATUS_H
#define NNCC_SUPPORT_EXITSTATUS_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <string>

namespace nncc {

enum ExitStatus : int {
  kExitSuccess = 0,
  kExitInputError = 1,
  kExitInternalError = 2,
};

/// An error that no input should cause; tools report it as
/// `internal error: <message>` and exit with kExitInternalError.
class InternalError : public llvm::ErrorInfo<InternalError> {
public:
  static char ID;
  explicit InternalError(const llvm::Twine &message) : text(message.str()) {}
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

private:
  std::string text;
};

inline llvm::Error makeInternalError(const llvm::Twine &message) {
  return llvm::make_error<InternalError>(message);
}

/// Makes llvm::report_fatal_error (LLVM's, MLIR's and nncc's own) print one
/// `internal error: <reason>` line, remove the output temporaries (and the
/// output directory this run made, if empty) and exit with
/// kExitInternalError, instead of LLVM's "LLVM ERROR:" and exit status 1,
/// which would read as bad input.  Call once, early in main.
void installInternalErrorHandler();

/// The test suite's way to reach the internal-error paths, which no input
/// reaches: with NNCC_TEST_INTERNAL_ERROR=fatal in the environment this
/// calls llvm::report_fatal_error; with =error it returns an InternalError
/// (for the tool to report as it reports any error); otherwise success.
/// Not in --help; documented in docs/exit-codes.md.
llvm::Error internalErrorForTesting();

} // namespace nncc

#endif // NNCC_SUPPORT_EXITSTATUS_H
