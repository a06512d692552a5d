//===- SpikingSimulator.h - Time-stepped simulation of snn programs -*- C++ -*-===//
//
// Runs a spiking program (the snn dialect, docs/snn-dialect.md) sample by
// sample for T timesteps, event-driven: each input spike adds its synapses'
// weights to the neurons it reaches, so the work follows the spike count.
// Without device effects every state is an integer and the run is the
// chip's integer arithmetic exactly; memristive synapses' programming
// error, stuck devices and drift make the weights real for one sampled chip
// instance.  The readouts are taken at every checkpoint timestep of the
// same run, which gives accuracy against timesteps in one pass.
//
// Determinism: samples run in parallel but each depends only on its own
// index and the seed; results are the same for any thread count.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_SPIKINGSIMULATOR_H
#define NNCC_SIMULATION_SPIKINGSIMULATOR_H

#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nncc {
namespace target {
struct TargetChip;
} // namespace target

/// Non-idealities of memristive synapses.  A synapse code c of a layer
/// whose codes reach +-maxCode is the difference of two devices' conductances
/// (G+ - G-) / (gMax - gMin) * maxCode, each device at gMin or stepped
/// towards gMax (the differential pair of a 2T2R or two-1T1R synapse).
struct SynapseDeviceEffects {
  /// Sigma of a device's programmed conductance, as a fraction of
  /// (gMax - gMin) (`relative`: of its target conductance).
  double programmingSigma = 0;
  bool relative = false;
  double stuckAtOn = 0, stuckAtOff = 0; ///< probability per device
  /// Power-law drift G(t) = G0 (t / t0)^-nu, nu ~ N(mean, sigma) per device,
  /// read `time` seconds after programming (0: no drift).
  double driftNuMean = 0, driftNuSigma = 0, driftT0 = 1, time = 0;
  double gMin = 0, gMax = 1; ///< siemens

  /// The target's device statistics, for memristive synapses (nullopt for
  /// a spiking chip without a device section, whose synapses are digital
  /// and exact, and for a crossbar chip).
  static std::optional<SynapseDeviceEffects>
  fromTarget(const target::TargetChip &chip);
};

struct SpikingOptions {
  int64_t timesteps = 128;
  /// Further timesteps to read the outputs at (each in [1, timesteps]);
  /// the run's end is always one.
  std::vector<int64_t> checkpoints;
  uint64_t seed = 1; ///< Poisson encoders and the sampled chip instance
  /// Device effects of one sampled chip instance (`instance` picks it).
  std::optional<SynapseDeviceEffects> device;
  int64_t instance = 0;
};

/// Events of one layer over a run, summed over its samples.
struct SpikingLayerCounts {
  std::string name;
  int64_t neurons = 0;
  double synapticOps = 0; ///< spikes x the synapses each reached
  double spikesOut = 0;   ///< spikes the layer's neurons emitted
};

struct SpikingResults {
  std::vector<int64_t> checkpoints; ///< ascending; the last is `timesteps`
  /// Per checkpoint, @main's first result for every sample, back to back
  /// (samples x elements of one result).
  std::vector<std::vector<float>> outputs;
  int64_t outputElements = 0; ///< elements of one sample's result
  std::vector<SpikingLayerCounts> layers;
  double inputSpikes = 0; ///< spikes the encoders sent
  int64_t samples = 0;
};

class SpikingProgram {
public:
  /// Prepares @main of `module` (which must outlive the program, unchanged):
  /// every synapse's fan-out list, pooling windows and host ops.
  static llvm::Expected<SpikingProgram> create(mlir::ModuleOp module);
  SpikingProgram(SpikingProgram &&);
  SpikingProgram &operator=(SpikingProgram &&);
  ~SpikingProgram();

  /// Shape of one sample (@main's argument).
  llvm::ArrayRef<int64_t> inputShape() const;

  /// Runs samples [0, count) of `samples` (dim 0 counts samples, each of
  /// inputShape()'s size).
  llvm::Expected<SpikingResults> run(const runtime::Tensor &samples,
                                     int64_t count,
                                     const SpikingOptions &options) const;

  struct Plan;

private:
  explicit SpikingProgram(std::unique_ptr<Plan> plan);
  std::unique_ptr<Plan> plan;
};

/// Fraction of samples whose first result's argmax is their label, per
/// checkpoint of `results`.
std::vector<double> spikingAccuracy(const SpikingResults &results,
                                    llvm::ArrayRef<int64_t> labels);

} // namespace nncc

#endif // NNCC_SIMULATION_SPIKINGSIMULATOR_H
