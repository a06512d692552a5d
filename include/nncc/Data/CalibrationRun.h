//===- CalibrationRun.h - The float model over calibration samples -*- C++ -*-===//
//
// The passes that set ranges from data (--nncc-quantize's activation
// ranges, --nncc-convert-to-snn's threshold balancing) run the float model
// over the calibration samples and observe its ops; this is that run,
// prepared once: the executor, the samples and how many whole batches.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DATA_CALIBRATIONRUN_H
#define NNCC_DATA_CALIBRATIONRUN_H

#include "nncc/Data/Dataset.h"
#include "nncc/Execution/Executor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace nncc {

struct CalibrationRun {
  Executor executor;
  std::shared_ptr<const Dataset> samples;
  int64_t count = 0; ///< samples run: whole batches, at most the limit
  int64_t batch = 1; ///< the model input's dim 0

  int64_t batches() const { return count / batch; }
  /// Runs the samples in order; `observer` sees every op (Executor::run).
  llvm::Error run(OpObserver observer) const {
    return executor.runSamples(samples->samples, count, observer);
  }
};

/// The calibration run of `module`'s one-input @main over `preloaded` (when
/// given, already read) or `source`'s samples, at most `source.limit` (> 0)
/// of them.  Errors: the executor's, the samples' (file, shape), a model
/// with several inputs, fewer samples than one batch.
llvm::Expected<CalibrationRun>
prepareCalibration(mlir::ModuleOp module, const CalibrationSource &source,
                   std::shared_ptr<const Dataset> preloaded);

} // namespace nncc

#endif // NNCC_DATA_CALIBRATIONRUN_H
