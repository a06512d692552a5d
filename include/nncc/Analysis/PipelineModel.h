//===- PipelineModel.h - Layer-pipelined timing of a mapping ----*- C++ -*-===//
//
// The timing model that replication balances and the schedules and PPA use:
// every layer is a pipeline stage; its arrays work in parallel on one input
// vector at a time; replicas split the layer's input vectors.
//
//   tile time per vector  = row groups * input cycles *
//                           (read pulse + conversions * conversion time),
//                           with sample-and-holds (a read overlaps the
//                           previous read's conversions) the max of the two
//   conversions           = ceil(columns used / ADCs per array),
//                           ADCs per array = ceil(cols / columns_per_adc)
//   layer time            = ceil(vectors per inference / replicas) *
//                           max tile time   (a copy takes whole vectors)
//   drain                 = with sample-and-holds, the min of the two: the
//                           last read's readout after the stream
//   interval              = max layer time   (throughput = 1 / interval)
//   latency               = sum of layer times + drains
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_ANALYSIS_PIPELINEMODEL_H
#define NNCC_ANALYSIS_PIPELINEMODEL_H

#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace nncc {

namespace cim {
class LayerOp;
class MVMOp;
class TargetAttr;
} // namespace cim

/// How one tile is read out for one input vector.
struct TileReadout {
  int64_t rowGroups = 0;   ///< ceil(physical rows / rows_in_parallel)
  int64_t phases = 1;      ///< reads per row group (cim.mvm read_phases)
  int64_t columns = 0;     ///< physical columns converted
  int64_t sequential = 0;  ///< ceil(columns / ADCs per array): conversions
                           ///< one ADC makes per read
  int64_t cycles = 0;      ///< input cycles
  double readPulse = 0, conversionTime = 0; ///< seconds
  /// How reads and conversions overlap (#cim.target sample_and_hold,
  /// sensed_in_read).
  target::ReadoutOverlap overlap = target::ReadoutOverlap::Sequential;
  /// Reads per input cycle: every row group in each of its phases.
  int64_t reads() const { return rowGroups * phases; }
  /// Seconds per input vector in a stream of them: each of the reads() x
  /// cycles reads takes its pulse and its conversions one after the other,
  /// or the longer of the two when they overlap (target::readCycleTime).
  double vectorTime() const {
    return static_cast<double>(reads() * cycles) *
           target::readCycleTime(readPulse, conversions(), overlap);
  }
  /// Seconds the last read's readout lags the stream: with sample-and-holds
  /// the pipeline's fill, the shorter of the pulse and the conversions.
  double drain() const {
    return target::readoutFill(readPulse, conversions(), overlap);
  }
  /// Seconds one ADC takes for its columns of one read.
  double conversions() const {
    return static_cast<double>(sequential) * conversionTime;
  }
};
/// The readout of `mvm` (its layer's input_cycles, the target's timing).
/// The target must have read_pulse and conversion_time.
TileReadout tileReadout(cim::MVMOp mvm, cim::TargetAttr target);

/// Bits of one result (one output of one weight column) that a quantized
/// layer's home tiles write to their core's buffer: its full-precision
/// partial sum, target::accumulatorBits(rows, weight bits, input bits).
int64_t layerResultBits(cim::LayerOp layer, cim::TargetAttr target);

struct LayerTiming {
  std::string name;
  int64_t arrays = 0;          ///< arrays of one copy
  int64_t replicas = 1;
  int64_t vectorsPerInference = 0;
  double vectorTime = 0;       ///< seconds per input vector (slowest tile)
  /// Seconds the layer's last readout lags its time (sample-and-holds: the
  /// tile whose vectors plus pipeline fill end last).
  double drain = 0;
  /// Input vectors the busiest copy processes per inference.
  int64_t vectorsPerCopy() const {
    return (vectorsPerInference + replicas - 1) / replicas;
  }
  double time() const {
    return static_cast<double>(vectorsPerCopy()) * vectorTime;
  }
};

struct PipelineTiming {
  std::vector<LayerTiming> layers;
  double interval = 0; ///< seconds between inferences (slowest stage)
  double latency = 0;  ///< seconds of one inference through all stages
  size_t bottleneck = 0;
  int64_t arrays = 0;  ///< arrays used, replicas included
};

/// Times the partitioned cim.layer ops of `module` with the #cim.target's
/// read pulse and conversion time.
llvm::Expected<PipelineTiming> computePipeline(mlir::ModuleOp module);

} // namespace nncc

#endif // NNCC_ANALYSIS_PIPELINEMODEL_H
