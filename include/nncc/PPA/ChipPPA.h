//===- ChipPPA.h - Chip area, energy and performance ------------*- C++ -*-===//
//
// The chip-level roll-up: component figures (Components.h) times the
// execution schedule's operation counts per layer, the chip's instantiated
// components for area, the schedule's stage timing for latency and
// throughput, and the programming schedule's time and energy
// (docs/ppa-model.md).
//
//   area    = sum over instantiated components (placed area: no white
//             space); the bounding box adds each array macro's white space
//             (its pitch-matched periphery strips, Components.h) and the
//             mesh's empty slots, reported apart as the overhead.
//   energy  = per inference, per layer and per component; the chip leaks
//             for one interval per inference (static power x interval),
//             shared among the layers by the arrays they hold.
//   ops     = 2 x MACs of one inference (NeuroSim's convention).
//   TOPS    = ops / interval (pipelined), TOPS/W = ops / energy,
//   TOPS/mm^2 = TOPS / placed area.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_PPA_CHIPPPA_H
#define NNCC_PPA_CHIPPPA_H

#include "nncc/Analysis/MappingSummary.h"
#include "nncc/PPA/Components.h"
#include "nncc/Schedule/ExecutionSchedule.h"
#include "nncc/Schedule/ProgrammingSchedule.h"

#include <array>
#include <string>
#include <vector>

namespace nncc::ppa {

enum class EnergyComponent {
  CellReads,    ///< current through the cells during the read pulse, or
                ///< (voltage sensing) the bit lines' recharge after it
  Drivers,      ///< word-line drivers / DACs and the word lines
  Adcs,         ///< conversions (or sense amplifiers)
  DigitalAdds,  ///< shift-and-add, polarity combination, accumulation
  Buffers,      ///< core buffer reads feeding the arrays
  Sfu,          ///< special-function units
  MacArray,     ///< the cores' MAC arrays (products of two activations)
  Interconnect, ///< bits times hops
  Static,       ///< leakage of the periphery and digital blocks, per interval
  OffChipLinks  ///< chip-to-chip links' constant power, per interval
};
inline constexpr size_t kNumEnergyComponents = 10;
llvm::StringRef toString(EnergyComponent c);

/// Where energy goes, coarsely: the analog arrays with their drivers and
/// converters, digital compute (adds, SFU, MAC arrays), data movement
/// (buffers, interconnect) and static power (leakage and the off-chip
/// links' constant draw: both follow time, not operations).
enum class EnergyDomain { Analog, Digital, DataMovement, Static };
inline constexpr size_t kNumEnergyDomains = 4;
llvm::StringRef toString(EnergyDomain d);
EnergyDomain domainOf(EnergyComponent c);
/// Sums `energyBy` per domain.
std::array<double, kNumEnergyDomains>
energyByDomain(const std::array<double, kNumEnergyComponents> &energyBy);

enum class AreaComponent {
  Arrays,         ///< the cells
  Adcs,           ///< converters or sense amplifiers
  Drivers,        ///< word-line drivers / DACs
  ColumnMux,      ///< column multiplexers in front of shared ADCs
  Accumulators,   ///< shift-and-add units and partial-sum accumulators
  AdderTrees,     ///< the cores' trees that sum other arrays' partial sums
  WritePeriphery, ///< NVM write switch matrices and level shifters
  Buffers,        ///< core buffers
  Sfu,            ///< special-function units
  MacArray,       ///< the cores' MAC arrays
  Routers,        ///< the interconnect's routers
  Links,          ///< the interconnect's wires between cores
  GlobalBuffer,   ///< the chip's global buffer
  OffChipLinks    ///< chip-to-chip link transceivers and pads
};
inline constexpr size_t kNumAreaComponents = 14;
llvm::StringRef toString(AreaComponent c);

struct LayerPPA {
  std::string name;
  int64_t arrays = 0, replicas = 1; ///< arrays of all copies
  double start = 0, time = 0;       ///< stage start and time, seconds
  std::string bound;                ///< what sets the stage time
  /// The stage time's parts (seconds): arrays, the accumulation of their
  /// partial sums beyond them, SFU, MAC array, transfers, buffer traffic
  /// (overlapped or summed as the core is double-buffered or not).
  double compute = 0, accumulate = 0, sfu = 0, mac = 0, transfer = 0,
         buffer = 0;
  double ops = 0;                   ///< 2 x MACs of the layer
  double energy = 0;                ///< joules per inference
  std::array<double, kNumEnergyComponents> energyBy{};
  /// Mean drive of a row per input cycle (fraction of full scale): measured
  /// on the calibration set, or the default when the layer has none.
  double inputActivity = 0;
  bool inputActivityMeasured = false;
};

/// A layer's input activity: from the bit densities p_b of its input codes,
/// input cycle j of a d-bit DAC carries bits [j d, (j + 1) d) with weights
/// 2^(b - j d), so its mean digit is sum p_b 2^(b - j d) and its mean drive
/// that over 2^d - 1; the activity is the mean over the cycles.  With a
/// 1-bit DAC, the mean density.  `fallback` without a measurement.
double inputActivity(const LayerMapping &layer, double fallback);

struct ChipPPA {
  std::string target;
  ComponentModel components;

  // Area (square metres).
  std::array<double, kNumAreaComponents> areaBy{};
  double area = 0;            ///< placed: the sum of areaBy
  double coreArea = 0;        ///< one core with its arrays
  int64_t cores = 0, usedCores = 0, meshSlots = 0;
  /// Array macros as bounding boxes, mesh slots x core box + global buffer.
  double boundingBoxArea = 0;
  double corePitch = 0; ///< m, side of one core's (square) bounding box
  double boundingBoxOverhead = 0; ///< boundingBoxArea - area
  double usedArea = 0;        ///< cores holding arrays + global buffer

  // Energy per inference (joules).
  std::array<double, kNumEnergyComponents> energyBy{};
  double groupSpillEnergy = 0; ///< global-buffer traffic between groups
  double staticPower = 0;      ///< watts, the whole chip, always on
  double offChipLinkPower = 0; ///< watts, the off-chip links, always on
  double energy = 0;
  std::vector<LayerPPA> layers; ///< program order
  int64_t hostOps = 0;          ///< not costed: off-chip

  // Performance.
  double ops = 0;      ///< 2 x MACs per inference
  double latency = 0;  ///< seconds, one inference alone
  double interval = 0; ///< seconds between inferences, pipelined
  int64_t programGroups = 1;
  /// A time-multiplexed mapping reprograms every group for each batch.
  double reprogrammingPerBatch = 0;
  double throughput() const { return interval > 0 ? 1 / interval : 0; }
  /// Inferences per second when every input is its own batch, the chip
  /// reprogrammed for each (the same as throughput() with one group).
  double throughputWithReprogramming() const {
    if (programGroups <= 1)
      return throughput(); // programmed once: inputs stream through
    return timePerInferenceByBatch.empty() ||
                   timePerInferenceByBatch.front().second <= 0
               ? 0
               : 1 / timePerInferenceByBatch.front().second;
  }
  double tops() const { return interval > 0 ? ops / interval / 1e12 : 0; }
  double topsPerWatt() const { return energy > 0 ? ops / energy / 1e12 : 0; }
  double topsPerMm2() const { return area > 0 ? tops() / (area * 1e6) : 0; }
  double power() const { return interval > 0 ? energy / interval : 0; }

  // Programming (from the programming schedule).
  double programmingTime = 0, programmingEnergy = 0;
  /// Seconds per inference for each of kReportedBatches (BatchTime.h: a
  /// time-multiplexed mapping reprograms the chip for every batch).
  std::vector<std::pair<double, double>> timePerInferenceByBatch;
};

/// The estimate for one mapped model.  `ops` is 2 x the model's MACs.
ChipPPA estimateChipPPA(const target::TargetChip &chip,
                        const ExecutionSchedule &execution,
                        const ProgrammingSchedule &programming,
                        const MappingSummary &mapping, double ops);

} // namespace nncc::ppa

#endif // NNCC_PPA_CHIPPPA_H
