//===- MappingSummary.h - What the mapping put where ------------*- C++ -*-===//
#ifndef NNCC_ANALYSIS_MAPPINGSUMMARY_H
#define NNCC_ANALYSIS_MAPPINGSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace nncc {

/// One mapped weight layer.
struct LayerMapping {
  std::string name, kind, scheme;
  /// How the periphery calibrates the layer's ADC ranges (`adc_range`).
  std::string adcRange;
  int64_t groups = 0, depth = 0, columns = 0; ///< G x K x N
  int64_t weightBits = 0, inputBits = 0, storedBits = 0, slices = 0;
  int64_t bitsPerCell = 0, inputCycles = 0;
  int64_t rowsInParallel = 0; ///< cell rows read at once (its tiles')
  int64_t arrays = 0;    ///< arrays of one copy
  int64_t replicas = 1;  ///< copies (--nncc-replicate)
  int64_t usedCells = 0; ///< cells of one copy holding digits or references
  double time = 0;       ///< seconds per inference (pipeline model), 0 if unknown
  double weightError = 0, inputClipFraction = 0;
  int64_t dacBits = 0;
  /// Per input bit, the fraction of calibration inputs with it set
  /// (`input_bit_density`); empty when the layer has no measurement.
  std::vector<double> inputBitDensity;
};

struct MappingSummary {
  std::string target;
  int64_t arrayRows = 0, arrayCols = 0, chipArrays = 0;
  std::vector<LayerMapping> layers;
  int64_t totalArrays = 0, totalUsedCells = 0; ///< replicas included
  /// Pipeline model (nncc/Analysis/PipelineModel.h); 0 when the target has
  /// no timing.
  double interval = 0, latency = 0, intervalBeforeReplication = 0;
  /// The replication's cap on copies per layer (0: none; -1: no
  /// replication ran).
  int64_t maxCopies = -1;
  /// Program groups (--nncc-time-multiplex): 1 when every layer is resident.
  int64_t programGroups = 1;
  /// Placement (--nncc-place), when it ran.
  bool placed = false, placementOptimal = false;
  int64_t placementObjective = 0, placementBound = 0, maxLinkBits = 0;
  /// Buffer-port bits the placement could not keep within the stages'
  /// array time (cim.placement's port_excess_bits).
  int64_t portExcessBits = 0;
  double placementGap = 0;
  std::string placementMethod;
  /// Used cells / cells of the arrays used.
  double utilization() const {
    return totalArrays ? static_cast<double>(totalUsedCells) /
                             (static_cast<double>(totalArrays) * arrayRows *
                              arrayCols)
                       : 0.0;
  }
};

/// Summarizes the cim layers of a mapped module.
MappingSummary summarizeMapping(mlir::ModuleOp module);
void printMappingSummary(const MappingSummary &summary, llvm::raw_ostream &os);
/// The same as JSON (schema "nncc-mapping-summary", version 1).
void printMappingSummaryJson(const MappingSummary &summary,
                             llvm::raw_ostream &os);

} // namespace nncc

#endif // NNCC_ANALYSIS_MAPPINGSUMMARY_H
