//===- SpikingPPA.cpp - Energy, latency and area of a spiking chip --------===//
//
// Event counts times the target's per-event energies (SpikingPPA.h); the
// formulas and the constants' sources are in docs/ppa-model.md ("Spiking
// chips") and the bundled targets' comments.
//
//===----------------------------------------------------------------------===//
#include "nncc/PPA/SpikingPPA.h"

using namespace nncc;
using namespace nncc::ppa;

SpikingPPA ppa::spikingPPA(const target::TargetChip &chip,
                           const SpikingActivity &activity) {
  SpikingPPA r;
  if (!chip.neuromorphic)
    return r;
  const target::Neuromorphic &n = *chip.neuromorphic;
  const target::SpikeCosts &c = n.costs;
  const double timesteps = static_cast<double>(activity.timesteps);

  double synaptic = 0, routing = 0, neurons = 0;
  r.spikes = activity.inputSpikes;
  for (const SpikingLayerActivity &layer : activity.layers) {
    // A core updates the neurons it holds every timestep, spiking or not
    // (TrueNorth's and Loihi's neuron units step through them); the
    // neurons the program leaves unused are not counted.
    const double updates = static_cast<double>(layer.neurons) * timesteps;
    const double layerSynaptic = c.synapticEvent * layer.synapticOps;
    const double layerRouting = c.spikeHop * layer.spikeHops;
    const double layerNeurons = c.neuronUpdate * updates;
    r.layers.push_back(
        {layer.name, layerSynaptic + layerRouting + layerNeurons});
    synaptic += layerSynaptic;
    routing += layerRouting;
    neurons += layerNeurons;
    r.synapticOps += layer.synapticOps;
    r.spikes += layer.spikesOut;
    r.spikeHops += layer.spikeHops;
    r.neuronUpdates += updates;
    r.coresUsed += layer.cores;
  }
  r.latency = timesteps * n.timestep;
  // Every core leaks for the whole inference, used or not: a chip cannot
  // power-gate its idle cores (neither TrueNorth nor Loihi does per core).
  const double staticEnergy = c.staticPower * r.latency;
  r.energy = {{kSynapticEvents, synaptic},
              {kSpikeRouting, routing},
              {kNeuronUpdates, neurons},
              {kStatic, staticEnergy}};
  r.energyPerInference = synaptic + routing + neurons + staticEnergy;
  if (r.synapticOps > 0)
    r.energyPerSynapticOp = r.energyPerInference / r.synapticOps;
  if (r.energyPerInference > 0)
    r.sopsPerWatt = r.synapticOps / r.energyPerInference;
  if (r.latency > 0)
    r.averagePower = r.energyPerInference / r.latency;
  r.areaUsed = static_cast<double>(r.coresUsed) * c.coreArea;
  r.areaChip = static_cast<double>(n.cores) * c.coreArea;
  return r;
}
