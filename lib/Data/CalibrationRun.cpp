//===- CalibrationRun.cpp - The float model over calibration samples ------===//
#include "nncc/Data/CalibrationRun.h"
#include "nncc/Support/Errors.h"

using namespace nncc;

llvm::Expected<CalibrationRun>
nncc::prepareCalibration(mlir::ModuleOp module,
                         const CalibrationSource &source,
                         std::shared_ptr<const Dataset> preloaded) {
  llvm::Expected<Executor> executor = Executor::create(module);
  if (!executor)
    return makeError("calibration: " + llvm::toString(executor.takeError()));
  if (executor->getInputs().size() != 1)
    return makeError("calibration needs a model with one input");
  const TensorSignature &in = executor->getInputs().front();
  std::shared_ptr<const Dataset> samples = std::move(preloaded);
  if (!samples) {
    llvm::Expected<Dataset> loaded = loadCalibrationSamples(source, in.shape);
    if (!loaded)
      return loaded.takeError();
    samples = std::make_shared<const Dataset>(std::move(*loaded));
  } else if (llvm::Error e = checkSampleShape(
                 *samples, "calibration samples in '" + source.path + "'",
                 in.shape)) {
    return std::move(e);
  }
  CalibrationRun run{std::move(*executor), std::move(samples)};
  run.batch = in.shape.empty() ? 1 : in.shape.front();
  run.count = run.samples->size();
  if (source.limit > 0)
    run.count = std::min<int64_t>(run.count, source.limit);
  if (run.count < run.batch)
    return makeError("calibration needs at least one batch of " +
                     std::to_string(run.batch) + " samples, got " +
                     std::to_string(run.count));
  return run;
}
