//===- InterruptCleanup.cpp - Output directories vs. SIGINT/SIGTERM -------===//
//
// Order on an interrupt signal (not deferred): our handler records the
// signal and calls LLVM's, which restores the default actions, unblocks
// signals, removes the RemoveFileOnSignal temporaries and calls its
// interrupt function, ours: rmdir the watched directory and raise the
// recorded signal again, now with its default action, so the exit status
// says which signal ended the process.
//
//===----------------------------------------------------------------------===//
#include "nncc/Support/InterruptCleanup.h"

#include "llvm/Support/Signals.h"

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <unistd.h>

using namespace nncc;

namespace {

// LLVM's "interrupt" signals (Unix/Signals.inc, IntSigs), all of which
// call its interrupt function, ours: so that function always knows which
// signal to die of.
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR2};
constexpr int kNumSignals = sizeof(kSignals) / sizeof(kSignals[0]);

// Read by the handler: fixed storage, written only while signals are
// deferred (DeferInterrupts), so the handler never sees a half-written path.
char watched[4096];
volatile std::sig_atomic_t watching = 0;
std::atomic<int> deferDepth{0};
std::atomic<int> pendingSignal{0};
std::atomic<bool> interrupting{false};
std::atomic<int> creating{0};
struct sigaction previous[kNumSignals];

int indexOf(int sig) {
  for (int i = 0; i < kNumSignals; ++i)
    if (kSignals[i] == sig)
      return i;
  return -1;
}

/// LLVM's interrupt function: the temporaries are gone by now.
void removeWatchedAndDie() {
  if (watching)
    ::rmdir(watched);
  int sig = pendingSignal.load();
  std::signal(sig ? sig : SIGTERM, SIG_DFL);
  std::raise(sig ? sig : SIGTERM);
}

void onSignal(int sig, siginfo_t *info, void *context) {
  int expected = 0;
  pendingSignal.compare_exchange_strong(expected, sig);
  if (deferDepth.load() > 0)
    return; // ~DeferInterrupts raises it again
  // No temporary is made from now on, and those being made are registered
  // before LLVM removes them (their threads block this signal, so this
  // never waits for itself).
  interrupting.store(true);
  while (creating.load() > 0) {
  }
  int i = indexOf(sig);
  const struct sigaction &next = previous[i];
  if ((next.sa_flags & SA_SIGINFO) && next.sa_sigaction) {
    next.sa_sigaction(sig, info, context); // LLVM's: does not return
  } else if (next.sa_handler != SIG_IGN && next.sa_handler != SIG_DFL) {
    next.sa_handler(sig);
  } else if (next.sa_handler == SIG_DFL) {
    // No LLVM handler in front of us (a program without InitLLVM): the
    // directory is only removed if nothing is left in it.
    removeWatchedAndDie();
  }
  // Only reached if the next handler returned (SIG_IGN, or a handler that
  // consumed the signal): carry on as it decided.
  pendingSignal.store(0);
}

void install() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Makes LLVM register its handlers now (if InitLLVM has not), so that
    // ours goes in front of them and not the other way round.
    llvm::sys::SetInterruptFunction(removeWatchedAndDie);
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_sigaction = onSignal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int sig : kSignals)
      sigaddset(&action.sa_mask, sig);
    for (int i = 0; i < kNumSignals; ++i)
      sigaction(kSignals[i], &action, &previous[i]);
  });
}

} // namespace

void nncc::watchCreatedDirectory(llvm::StringRef directory) {
  install();
  watching = 0;
  size_t n = std::min(directory.size(), sizeof(watched) - 1);
  std::memcpy(watched, directory.data(), n);
  watched[n] = '\0';
  // A path too long to keep is not removed on a signal (it would be the
  // wrong directory).
  watching = directory.size() < sizeof(watched);
}

void nncc::forgetCreatedDirectory() { watching = 0; }

void nncc::removeWatchedDirectory() {
  if (watching)
    ::rmdir(watched);
}

bool nncc::beginCreatingTemporary() {
  creating.fetch_add(1);
  if (!interrupting.load())
    return true;
  creating.fetch_sub(1);
  return false;
}

void nncc::endCreatingTemporary() { creating.fetch_sub(1); }

void nncc::blockInterruptsOnThisThread() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kSignals)
    sigaddset(&set, sig);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

DeferInterrupts::DeferInterrupts() {
  install();
  deferDepth.fetch_add(1);
}

DeferInterrupts::~DeferInterrupts() {
  if (deferDepth.fetch_sub(1) != 1)
    return;
  if (int sig = pendingSignal.exchange(0))
    std::raise(sig); // handled now, by onSignal, not deferred any more
}
