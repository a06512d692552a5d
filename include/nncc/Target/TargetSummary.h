//===- TargetSummary.h - Derived figures of a chip description --*- C++ -*-===//
#ifndef NNCC_TARGET_TARGETSUMMARY_H
#define NNCC_TARGET_TARGETSUMMARY_H

#include "nncc/Target/TargetChip.h"

#include "llvm/Support/raw_ostream.h"

namespace nncc::target {

/// Figures that follow from a description; the formulas are documented in
/// docs/target-format.md ("Derived figures").
struct TargetFigures {
  int64_t arrays = 0;         ///< cores x arrays per core
  int64_t cellsPerArray = 0;  ///< rows x cols
  int64_t totalCells = 0;
  int64_t weightBits = 0;     ///< weight precision the capacity assumes
  int64_t slicesPerWeight = 0;///< cells (columns) per weight per polarity
  /// Weights along an array's columns (its weight matrix's width).
  int64_t weightColumnsPerArray = 0;
  int64_t weightsPerArray = 0;
  int64_t weightCapacity = 0; ///< weights of `weightBits` the chip holds
  double mvmTime = 0;         ///< seconds for one full-array MVM alone
  /// Every array in a stream of MVMs (sample-and-holds: without the fill).
  double peakMacsPerSecond = 0;
};

/// Computes the figures for `weightBits`-bit signed weights.
TargetFigures computeFigures(const TargetChip &chip, int64_t weightBits);

/// Figures of a spiking chip (docs/target-format.md, "Derived figures").
struct SpikingFigures {
  int64_t neurons = 0;       ///< cores x neurons per core
  int64_t synapses = 0;      ///< cores x axons x neurons
  int64_t inputsPerCore = 0; ///< axons / axons per input
  /// Synaptic operations per second when every axon of every core receives
  /// one spike per timestep: the most the cores can take in.
  double peakSops = 0;
  /// The chip's power at that activity without routing: static power, every
  /// synaptic event and every neuron's update per timestep.
  double peakPower = 0;
  double energyPerSopAtPeak = 0; ///< peakPower / peakSops, J
  double area = 0;               ///< cores x core area, m^2
};

/// Computes the figures of `chip.neuromorphic`, which must be present.
SpikingFigures computeSpikingFigures(const TargetChip &chip);

/// Prints the description and its derived figures for `nncc target show`.
void printTarget(const TargetChip &chip, llvm::raw_ostream &os);

} // namespace nncc::target

#endif // NNCC_TARGET_TARGETSUMMARY_H
