//===- CheckOutputs.h - A compiled output directory, checked ----*- C++ -*-===//
//
// `nncc check out/`: a flow that hands out/ to a programmer must know that
// programming.bin is what mapped.mlir says to program.  The program is read
// and verified against its chip (out/target.yaml), its programming schedule
// is computed again, and programming.bin must be exactly those bytes (a
// malformed file is reported by the reader, naming the offset or array).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_CHECKOUTPUTS_H
#define NNCC_DRIVER_CHECKOUTPUTS_H

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace nncc::driver {

struct CheckedOutputs {
  int64_t arrays = 0, cells = 0; ///< in programming.bin
};

/// Checks the output directory of a compile.  Errors name the file; a
/// program that does not parse or verify is a ReportedError (Compile.h),
/// its diagnostics already sent through the context.
llvm::Expected<CheckedOutputs> checkCompileOutputs(llvm::StringRef directory,
                                                   mlir::MLIRContext &context);

} // namespace nncc::driver

#endif // NNCC_DRIVER_CHECKOUTPUTS_H
