//===- Simulator.h - Accuracy of a compiled program on chips ---*- C++ -*-===//
//
// Runs the compiled cim program (out/mapped.mlir) on K sampled chip
// instances at several times after programming and reports the
// classification accuracy: float, quantized on an ideal chip, and on the
// chips (mean and 95 % confidence interval over instances), plus the
// per-layer output error that shows where accuracy is lost
// (docs/simulation.md).  Layers run on AnalogLayer (AnalogLayer.h); every
// digital op runs on the float executor.  Deterministic for a seed.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_SIMULATOR_H
#define NNCC_SIMULATION_SIMULATOR_H

#include "nncc/Data/Dataset.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Runtime/Tensor.h"
#include "nncc/Simulation/AdcCalibration.h"
#include "nncc/Simulation/AnalogLayer.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nncc {

struct SimulationOptions {
  std::vector<double> times; ///< seconds after programming (empty: t0)
  int64_t instances = 1;
  uint64_t seed = 1;
  EffectSwitches effects;
  /// How every layer's column ADC ranges are set from the calibration
  /// currents, instead of the program's methods (each layer's adc_range).
  std::optional<AdcRangeMethod> adcRange;
  /// When the chip loses the model's accuracy, find out why (an ablation
  /// on a sample; SimulationReport::diagnosis).
  bool diagnose = true;
  /// Under mpirun, split the instances across the job's ranks
  /// (Distributed.h); every rank calls simulate() with the same arguments
  /// and gets the same report.  Off where ranks run different simulations
  /// (nncc explore's points).
  bool splitAcrossRanks = false;
  /// Called with (done, total) work units while running (a progress bar).
  std::function<void(int64_t, int64_t)> progress;
  /// Fails on values no simulation can run with.
  llvm::Error check() const;
};

struct TimePoint {
  double seconds = 0;
  std::vector<double> accuracy; ///< per instance
  double mean = 0, ciLow = 0, ciHigh = 0;
  /// With drift on and its compensation off: the same chips with global
  /// drift compensation (mean over instances); else empty.
  std::vector<double> compensated;
  double compensatedMean = -1;
  /// Per layer: relative RMS error of the layer's output against the ideal
  /// quantized layer on the same input, over the first kLayerErrorImages
  /// test images and every instance.
  std::vector<double> layerError;
};

/// Test images per instance and time on which the layers' output errors
/// are measured (each needs every layer's integer reference).
constexpr int64_t kLayerErrorImages = 256;

/// Why a chip lost the model's accuracy: each non-ideality switched off in
/// turn on the first test images (one instance, the first time point), and
/// the layer whose output is furthest from the ideal quantized layer.
struct AccuracyDiagnosis {
  /// The ideal quantized chip itself is far below float or near chance:
  /// the precision, not the devices.
  bool quantization = false;
  int64_t images = 0;     ///< the sample's size
  double everyEffect = 0; ///< accuracy on the sample with every effect on
  struct Ablation {
    std::string effect;
    double accuracy = 0; ///< on the sample, with `effect` off
  };
  /// Most recovered first.
  std::vector<Ablation> withoutEach;
  std::string worstLayer;
  double worstLayerError = 0;
  int64_t minInputBits = 0, minWeightBits = 0; ///< over the layers
  /// One line: what was lost and what to blame.
  std::string message(double floatAccuracy, double chipAccuracy,
                      double quantizedAccuracy) const;
};

struct SimulationReport {
  std::string target, effects, irDropModel, adcRange;
  int64_t images = 0, instances = 0, calibrationImages = 0;
  uint64_t seed = 0;
  double floatAccuracy = 0, quantizedAccuracy = 0;
  std::vector<std::string> layers;
  std::vector<TimePoint> points;
  /// Set when the chip accuracy (first time point) is far below float or
  /// near chance.
  std::optional<AccuracyDiagnosis> diagnosis;
  double seconds = 0; ///< wall time of the chip runs (not deterministic)
  int ranks = 1;      ///< MPI ranks that shared the instances (not in JSON)
};

llvm::Expected<SimulationReport> simulate(mlir::ModuleOp module,
                                          const target::TargetChip &chip,
                                          const Dataset &test,
                                          const Dataset &calibration,
                                          const SimulationOptions &options);

/// How many samples of the labelled `set` the model classifies right (the
/// largest value of its first output, per sample), on the executor as it
/// is configured (e.g. its cim execution mode).  Batches run in parallel.
llvm::Expected<int64_t> countCorrect(const Executor &executor,
                                     const Dataset &set);

/// The class the model gives each sample of `set` (the largest value of
/// its first output), on the executor as it is configured.  Batches run in
/// parallel.
llvm::Expected<std::vector<int64_t>> predictClasses(const Executor &executor,
                                                    const Dataset &set);

/// Human-readable report (wall time included).
void printSimulationReport(const SimulationReport &report,
                           llvm::raw_ostream &os);
/// simulation.json (schema "nncc-simulation", version 1): deterministic,
/// without the wall time.
void writeSimulationJson(const SimulationReport &report, llvm::raw_ostream &os);

/// A 95 % confidence interval for the mean accuracy of chip instances that
/// each classified `images` samples right with the given fractions:
/// Student's t over the instances on the logit scale (each accuracy
/// continuity-corrected, (correct + 1/2) / (images + 1)), around the mean
/// accuracy's logit, mapped back (and the correction undone); so it stays
/// inside [0, 1] and widens
/// towards the side a proportion can still move to.  A point when the
/// instances agree (or there is one).
std::pair<double, double> accuracyInterval95(llvm::ArrayRef<double> accuracies,
                                             int64_t images);

/// Whether `accuracy` counts as lost against `reference`: more than 10
/// points below it, or within 1.5x chance (1 / classes) where the
/// reference is above that.
bool accuracyLost(double accuracy, double reference, int64_t classes);

/// "1s,1h,1d,1y" -> seconds (units s, m, h, d, y; a bare number is
/// seconds).
llvm::Expected<std::vector<double>> parseTimes(llvm::StringRef list);

} // namespace nncc

#endif // NNCC_SIMULATION_SIMULATOR_H
