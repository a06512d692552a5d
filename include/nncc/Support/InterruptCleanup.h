//===- InterruptCleanup.h - Output directories vs. SIGINT/SIGTERM -*- C++ -*-===//
//
// The output-directory contract (docs/architecture.md): after `nncc
// compile`, however it ends, the directory is absent (or untouched if it
// existed) or complete.  LLVM's signal handler removes the temporaries
// registered with RemoveFileOnSignal, but not a directory the compile made,
// and a signal between two of commit()'s renames would leave a mix.  So:
//
//  * `watchCreatedDirectory`: on SIGINT, SIGTERM, SIGHUP (or SIGUSR2),
//    after LLVM has removed the temporaries, the directory is removed too
//    (rmdir: only if it is empty, so nothing a user put there is lost),
//    then the process dies of the signal as it would have;
//  * `DeferInterrupts`: while one is alive, those signals are only
//    recorded; the first is raised again when the last one ends, so the
//    renames of a commit (or the making of the directory) are never cut.
//
// The handler sits in front of LLVM's (installed by InitLLVM), chains to
// it and uses only async-signal-safe calls.  Not covered: SIGKILL, which no
// process can catch (temporaries stay behind then, and so may the
// directory).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SUPPORT_INTERRUPTCLEANUP_H
#define NNCC_SUPPORT_INTERRUPTCLEANUP_H

#include "llvm/ADT/StringRef.h"

namespace nncc {

/// Removes `directory` (if empty) when an interrupt signal kills the
/// process; one directory at a time.  Call inside a DeferInterrupts.
void watchCreatedDirectory(llvm::StringRef directory);
/// Stops watching (the directory is complete, or already removed).  Call
/// inside a DeferInterrupts.
void forgetCreatedDirectory();
/// Removes the watched directory now (if empty): for a process about to
/// exit on an internal error, after its temporaries are removed.
void removeWatchedDirectory();

/// Making a temporary that LLVM removes on a signal: between creating the
/// file and RemoveFileOnSignal a signal would miss it, and a file created
/// after LLVM's handler has run would stay.  Bracket the two calls with
/// these; once an interrupt has begun, begin returns false (make nothing).
/// The handler waits for brackets in flight, so call them only on a thread
/// that blocks the interrupt signals (blockInterruptsOnThisThread).
bool beginCreatingTemporary();
void endCreatingTemporary();
/// The calling thread never runs the interrupt handler (for writer threads).
void blockInterruptsOnThisThread();

/// Interrupt signals wait while one of these is alive (nesting allowed).
class DeferInterrupts {
public:
  DeferInterrupts();
  ~DeferInterrupts();
  DeferInterrupts(const DeferInterrupts &) = delete;
  DeferInterrupts &operator=(const DeferInterrupts &) = delete;
};

} // namespace nncc

#endif // NNCC_SUPPORT_INTERRUPTCLEANUP_H
