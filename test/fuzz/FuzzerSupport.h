//===- FuzzerSupport.h - What every nncc fuzz harness shares ----*- C++ -*-===//
//
// A harness feeds one input to one reader and checks the reader's contract
// beyond "no crash": a rejected input is reported with a message, and an
// accepted one satisfies what the next stage relies on.  A broken contract
// aborts, which libFuzzer (or the replay driver) reports like a crash.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TEST_FUZZ_FUZZERSUPPORT_H
#define NNCC_TEST_FUZZ_FUZZERSUPPORT_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace nncc::fuzz {

/// The input as a string (it may hold NUL bytes).
inline llvm::StringRef bytesOf(const uint8_t *data, size_t size) {
  return {reinterpret_cast<const char *>(data), size};
}

/// Writes `bytes` to this process's scratch file ending in `suffix` and
/// returns its path: the readers under test take paths, as the tools do.
/// The file is reused across inputs and removed at exit.
std::string writeScratchFile(llvm::StringRef bytes, llvm::StringRef suffix);

/// Reports a broken contract on stderr and aborts.
[[noreturn]] void contractBroken(const llvm::Twine &what);

/// A context for one input: the dialects of a compiled program (as
/// nncc-opt registers them), no threads, and a count of the errors
/// reported to it (which are not printed).  One per input, because uniqued
/// attributes and resource blobs would otherwise pile up over millions.
class InputContext {
public:
  InputContext();
  mlir::MLIRContext &get() { return context; }
  int errors() const { return errorCount; }

private:
  mlir::MLIRContext context;
  int errorCount = 0;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace nncc::fuzz

#endif // NNCC_TEST_FUZZ_FUZZERSUPPORT_H
