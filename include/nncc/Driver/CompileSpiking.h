//===- CompileSpiking.h - The compile flow for neuromorphic chips -*- C++ -*-===//
//
// compileSpiking() is compile() for a target with a `neuromorphic:`
// section: the imported ReLU network is converted to integrate-and-fire
// layers (--nncc-convert-to-snn, with the target's synapse precision and
// neuron), split onto cores and placed (--nncc-snn-map), run by the spiking
// simulator for its event counts and accuracy against timesteps (on sampled
// chip instances when the synapses are devices), and costed by the spiking
// PPA model (PPA/SpikingPPA.h).  The module is rewritten in place into the
// mapped spiking program.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_COMPILESPIKING_H
#define NNCC_DRIVER_COMPILESPIKING_H

#include "nncc/Driver/CompileOptions.h"
#include "nncc/PPA/SpikingPPA.h"
#include "nncc/Support/OutputDirectory.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace nncc::driver {

struct SpikingCompileOptions {
  /// Calibration samples for threshold balancing (a dataset spec; empty:
  /// kSyntheticCalibrationSamples synthetic samples).
  std::string calibration;
  int64_t calibrationLimit = 256;
  /// Percentile of each ReLU's positive outputs that sets its full scale.
  double percentile = 99.99;
  std::string encoding = "rate";
  int64_t timesteps = 128;
  /// Further timesteps to report the accuracy at.
  std::vector<int64_t> readoutAt;
  /// Accuracy on a labelled set over chip instances (dataset, instances,
  /// seed); without it the activity comes from the calibration samples.
  std::optional<SimulationRequest> simulation;
  uint64_t placementSeed = 1;
};

/// Samples of the calibration set run for the event counts when no
/// simulation set is given.
inline constexpr int64_t kSpikingActivitySamples = 64;

struct SpikingLayerSummary {
  std::string name, kind;
  int64_t neurons = 0, fanIn = 0, fanInGroups = 1, cores = 0;
  int64_t synapseBits = 0;
  bool readout = false;
};

struct SpikingAccuracyPoint {
  int64_t timesteps = 0;
  double mean = 0, ciLow = 0, ciHigh = 0;
};

struct SpikingCompileResult {
  std::string model, target;
  std::vector<SpikingLayerSummary> layers;
  ppa::SpikingActivity activity;
  ppa::SpikingPPA ppa;
  /// Where the event counts come from ("N calibration samples" or the
  /// simulation set) and how many samples.
  std::string activitySource;
  /// With a simulation: the float model's accuracy and the spiking
  /// program's at each readout timestep over `instances` chip instances.
  std::optional<double> floatAccuracy;
  std::vector<SpikingAccuracyPoint> accuracy;
  int64_t instances = 0, samples = 0;
  std::vector<std::string> assumptions;
};

llvm::Expected<SpikingCompileResult>
compileSpiking(mlir::ModuleOp module, const target::TargetChip &chip,
               const SpikingCompileOptions &options);

/// report.txt, report.json (schema "nncc-spiking-report", version 1) and
/// report.html; the chip description as target.yaml.
void addSpikingOutputs(OutputDirectoryWriter &writer,
                       const SpikingCompileResult &result,
                       llvm::StringRef targetText);

/// report.txt's text, which `nncc compile` also prints.
void printSpikingReport(const SpikingCompileResult &result,
                        llvm::raw_ostream &os);

} // namespace nncc::driver

#endif // NNCC_DRIVER_COMPILESPIKING_H
