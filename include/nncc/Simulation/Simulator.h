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

#include "nncc/Runtime/Tensor.h"
#include "nncc/Simulation/AnalogLayer.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <string>
#include <vector>

namespace nncc {

/// Samples along dim 0 (f32) and, for a labelled set, one label each.
struct Dataset {
  runtime::Tensor samples;
  std::vector<int64_t> labels;
  int64_t size() const { return samples.rank() ? samples.dim(0) : 0; }
};

/// Reads "IMAGES[,LABELS][:N]": IMAGES is IDX (uint8, scaled by
/// `pixelScale`), .npy or ONNX TensorProto .pb with samples along dim 0;
/// LABELS is IDX or .npy (integers); :N keeps the first N samples.
llvm::Expected<Dataset> loadDataset(llvm::StringRef spec, double pixelScale,
                                    bool needLabels);

struct SimulationOptions {
  std::vector<double> times; ///< seconds after programming (empty: t0)
  int64_t instances = 1;
  uint64_t seed = 1;
  EffectSwitches effects;
  /// Called with (done, total) work units while running (a progress bar).
  std::function<void(int64_t, int64_t)> progress;
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
  /// quantized layer on the same input, over images and instances.
  std::vector<double> layerError;
};

struct SimulationReport {
  std::string target, effects;
  int64_t images = 0, instances = 0, calibrationImages = 0;
  uint64_t seed = 0;
  double floatAccuracy = 0, quantizedAccuracy = 0;
  std::vector<std::string> layers;
  std::vector<TimePoint> points;
  double seconds = 0; ///< wall time of the chip runs (not deterministic)
};

llvm::Expected<SimulationReport> simulate(mlir::ModuleOp module,
                                          const target::TargetChip &chip,
                                          const Dataset &test,
                                          const Dataset &calibration,
                                          const SimulationOptions &options);

/// Human-readable report (wall time included).
void printSimulationReport(const SimulationReport &report,
                           llvm::raw_ostream &os);
/// simulation.json (schema "nncc-simulation", version 1): deterministic,
/// without the wall time.
void writeSimulationJson(const SimulationReport &report, llvm::raw_ostream &os);

/// "1s,1h,1d,1y" -> seconds (units s, m, h, d, y; a bare number is
/// seconds).
llvm::Expected<std::vector<double>> parseTimes(llvm::StringRef list);

} // namespace nncc

#endif // NNCC_SIMULATION_SIMULATOR_H
