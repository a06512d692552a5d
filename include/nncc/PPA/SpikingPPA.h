//===- SpikingPPA.h - Energy, latency and area of a spiking chip -*- C++ -*-===//
//
// The cost of one inference of a spiking program on a neuromorphic target
// (TargetChip::neuromorphic), from the spiking simulator's event counts
// (docs/ppa-model.md, "Spiking chips"):
//
//   energy  = synaptic_event x SOPs            (every spike x synapse)
//           + spike_hop x hops                 (every spike x mesh hops)
//           + neuron_update x neurons x T      (the layers' neurons, every
//                                               timestep)
//           + static_power x T x timestep      (the whole chip leaks)
//   latency = T x timestep                     (T timesteps per inference)
//
// The per-event constants are marginal energies: what one more event
// adds.  A chip's published "energy per synaptic event" is its total
// energy over its events at one activity, which this model reproduces at
// that activity (the bundled targets' comments derive their constants from
// those operating points).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_PPA_SPIKINGPPA_H
#define NNCC_PPA_SPIKINGPPA_H

#include "nncc/Target/TargetChip.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nncc::ppa {

/// What one inference of a spiking program did, per layer (the spiking
/// simulator's counts, averaged over inputs).
struct SpikingLayerActivity {
  std::string name;       ///< the layer's name (its ONNX node)
  double synapticOps = 0; ///< synaptic events per inference (spike x
                          ///< synapse), a bias axon's included
  double spikesOut = 0;   ///< spikes the layer's neurons emit per inference
  /// Sum over emitted spikes of mesh hops to their destination cores (0 if
  /// not placed).
  double spikeHops = 0;
  int64_t neurons = 0; ///< neurons the layer occupies
  int64_t cores = 0;   ///< cores it occupies
};

struct SpikingActivity {
  std::vector<SpikingLayerActivity> layers;
  int64_t timesteps = 0;  ///< timesteps per inference
  double inputSpikes = 0; ///< spikes the input encoder sends per inference
};

struct SpikingComponentCost {
  std::string component;
  double energy = 0; ///< J per inference
};

/// The components of `SpikingPPA::energy`, in this order.
inline constexpr const char *kSynapticEvents = "synaptic events";
inline constexpr const char *kSpikeRouting = "spike routing";
inline constexpr const char *kNeuronUpdates = "neuron updates";
inline constexpr const char *kStatic = "static";

/// One layer's share of the energy (the chip's static energy is not
/// shared out).
struct SpikingLayerCost {
  std::string name;
  double energy = 0; ///< J per inference
};

struct SpikingPPA {
  /// Synaptic events, spike routing, neuron updates, static.
  std::vector<SpikingComponentCost> energy;
  std::vector<SpikingLayerCost> layers; ///< dynamic energy per layer
  double energyPerInference = 0;  ///< J
  double latency = 0;             ///< s per inference (timesteps x timestep)
  double synapticOps = 0;         ///< per inference
  double spikes = 0;              ///< input spikes + every layer's, per
                                  ///< inference
  double spikeHops = 0;           ///< per inference
  double neuronUpdates = 0;       ///< neurons x timesteps, per inference
  double energyPerSynapticOp = 0; ///< J/SOP, all energy / SOPs
  double sopsPerWatt = 0;         ///< SOPS/W (= 1 / energyPerSynapticOp)
  double averagePower = 0;        ///< W
  /// m^2: cores used x core area; all cores x core area.
  double areaUsed = 0, areaChip = 0;
  int64_t coresUsed = 0;
};

/// The cost of one inference on `chip`, whose `neuromorphic` section must
/// be present (an empty result otherwise).
SpikingPPA spikingPPA(const target::TargetChip &chip,
                      const SpikingActivity &activity);

} // namespace nncc::ppa

#endif // NNCC_PPA_SPIKINGPPA_H
