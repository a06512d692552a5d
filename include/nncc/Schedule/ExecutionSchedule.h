//===- ExecutionSchedule.h - What every core does per inference -*- C++ -*-===//
//
// The execution schedule of a mapped module: for every core, the ordered
// operations of one inference, and for every layer its pipeline stage
// timing.  It is the one source of timing and operation counts for the
// simulators and the PPA model (docs/execution-schedule.md).
//
// Operations are listed per (layer, copy) block in program order; each is a
// record that repeats `count` times per inference, so a conv layer with
// thousands of input vectors is a handful of records, not millions:
//
//   load        the core's buffer feeds the input vectors to its arrays
//               (amount: bits read; rows shared by several arrays of the
//               core are read once)
//   drive       DACs drive the word lines, one input cycle at a time
//               (amount: row activations)
//   read        the arrays of this block integrate one row group for one
//               input cycle, all in parallel (each: the read pulse)
//   convert     the ADCs convert the columns, ceil(columns / ADCs) one after
//               another per array (each: the conversion time; amount: all
//               conversions)
//   shift_add   digital shift-and-add of every conversion (amount: adds)
//   combine     polarity combination: G+ - G-, or minus the reference
//               (amount: subtractions)
//   accumulate  partial sums of other row tiles and slice ranges added
//               into the column set's home array (amount: adds; each: the
//               busiest home ADC lane's clocks per vector, one per partial
//               sum or per adder-tree pass, core.adder_tree_inputs)
//   sfu         a digital op after the layer on its home core (amount:
//               elementary operations; each: one clock per `lanes`)
//   mac         a product of two activations (attention's Q K^T, weights
//               x V) on the home core's MAC array (amount: multiply-
//               accumulates; each: one clock per core.mac_array.macs_per_clock)
//   send        bits to another core over the interconnect (amount: bits,
//               peer, hops; each: bits / link bandwidth + hops * hop latency)
//   host        a digital op no core can run (core.sfu.* false, or a
//               product of two activations without a MAC array)
//
// Stage timing: a layer's arrays, its SFU and MAC-array work, its outgoing
// transfers and its buffer traffic (inputs read and full-width results
// written through the core buffer's port, core.buffer_port bits per clock)
// overlap on a double-buffered core (core.double_buffered), vector by
// vector, so a stage takes the longest of the five; otherwise it takes their sum (as
// DNN+NeuroSim adds buffer and interconnect latency to each layer's).  The
// array time is the pipeline model's (nncc/Analysis/PipelineModel.h), plus
// what the addition of other arrays' partial sums does not hide under the
// next vector's reads.  interval = max stage time, latency = sum of stage
// times and the last vectors' accumulation (its drain).  Transfers on different core pairs run in parallel; link
// contention is not modelled (the placement reports the busiest link).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SCHEDULE_EXECUTIONSCHEDULE_H
#define NNCC_SCHEDULE_EXECUTIONSCHEDULE_H

#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace nncc {

enum class ExecOpKind {
  Load,
  Drive,
  Read,
  Convert,
  ShiftAdd,
  Combine,
  Accumulate,
  Sfu,
  Mac,
  Send,
  Host
};
llvm::StringRef toString(ExecOpKind kind);

struct ExecOp {
  ExecOpKind kind = ExecOpKind::Load;
  int layer = -1;     ///< index into ExecutionSchedule::stages
  int64_t copy = 0;   ///< which copy of the layer (--nncc-replicate)
  int64_t count = 0;  ///< repetitions per inference
  double each = 0;    ///< seconds per repetition
  int64_t arrays = 0; ///< read / convert: arrays working in parallel
  int64_t amount = 0; ///< bits, activations, conversions, adds or ops
  int64_t peer = -1;  ///< send: destination core
  int64_t hops = 0;   ///< send
  std::string what;   ///< sfu / mac / host: the nn op ("nn.relu")
  double total() const { return static_cast<double>(count) * each; }
};

struct CoreExecution {
  int64_t core = 0; ///< -1: the host
  std::vector<ExecOp> ops;
};

struct StageExecution {
  std::string layer;
  int64_t replicas = 1, vectorsPerCopy = 0, arrays = 0; ///< arrays: all copies
  double compute = 0;  ///< seconds: the arrays (pipeline model)
  /// Seconds the addition of other arrays' partial sums adds to the
  /// arrays' time: it overlaps the reads of the next vector, so only its
  /// excess over them shows (docs/execution-schedule.md).
  double accumulate = 0;
  /// Seconds the last vector's accumulation (and its adder-tree stages)
  /// adds to the latency after the stage time: in a stream of inferences
  /// the next one's reads hide it, so it does not add to the interval.
  double accumulateDrain = 0;
  /// Seconds the last read's conversions lag the stream of reads behind
  /// the columns' sample-and-holds (the pipeline's fill); latency only.
  double readoutDrain = 0;
  double sfu = 0;      ///< seconds: the busiest core's SFU work
  /// Seconds: the busiest core's MAC-array work (products of two
  /// activations).
  double mac = 0;
  double transfer = 0; ///< seconds: the slowest outgoing core pair
  /// Seconds: the busiest core's buffer traffic (its inputs read, its
  /// full-width results written) through the buffer's port.
  double buffer = 0;
  /// Double-buffered cores overlap the five (the slowest sets the stage);
  /// otherwise they follow one another.
  bool overlapped = true;
  double start = 0;    ///< seconds after the inference starts
  /// The arrays with the accumulation of their partial sums.
  double arrayTime() const { return compute + accumulate; }
  double time() const {
    return overlapped ? std::max({arrayTime(), sfu, mac, transfer, buffer})
                      : arrayTime() + sfu + mac + transfer + buffer;
  }
  /// Seconds from the stage's start to its last result.
  double latency() const { return time() + readoutDrain + accumulateDrain; }
  llvm::StringRef bound() const {
    const double most = std::max({arrayTime(), sfu, mac, transfer, buffer});
    return arrayTime() >= most ? "arrays"
           : sfu >= most      ? "sfu"
           : mac >= most      ? "mac"
           : transfer >= most ? "transfer"
                              : "buffer";
  }
};

/// One program group of a time-multiplexed mapping (--nncc-time-multiplex):
/// the stages with tiles in it run while its arrays are resident.
struct GroupExecution {
  int64_t group = 0, arrays = 0;
  std::vector<size_t> stages; ///< indices into ExecutionSchedule::stages
  double latency = 0;         ///< sum of its stages' times
  double interval = 0;        ///< its slowest stage
};

struct ExecutionSchedule {
  std::string target;
  std::vector<StageExecution> stages; ///< program order
  std::vector<CoreExecution> cores;   ///< cores with work, ascending; host last
  double interval = 0, latency = 0;   ///< seconds
  size_t bottleneck = 0;              ///< index into stages
  /// One entry per program group (one group when not time-multiplexed).
  std::vector<GroupExecution> groups;
  /// Totals per inference over all cores (for energy models).
  int64_t rowActivations = 0, conversions = 0, digitalAdds = 0, bufferBits = 0,
          sfuOps = 0, macs = 0, hostOps = 0, bitHops = 0, transferBits = 0;
  /// Bits stored to and reloaded from the global buffer between program
  /// groups (flows whose ends are in different groups), each way.
  int64_t groupSpillBits = 0;

  /// Time between inferences at a large batch: the interval, or for
  /// program groups, which run one after the other, the sum of theirs
  /// (reprogramming excluded: it amortizes over the batch).
  double intervalPerInference() const;
};

/// Builds the schedule of a partitioned module (every cim.layer has its
/// arrays); cores come from --nncc-place (`core`, `replica_cores`), or are
/// array / arrays_per_core without placement.  `chip` supplies what the
/// #cim.target does not carry (SFU lanes and capabilities, clock,
/// interconnect).
llvm::Expected<ExecutionSchedule>
buildExecutionSchedule(mlir::ModuleOp module, const target::TargetChip &chip);

/// execution.json (schema "nncc-execution-schedule", version 4), with a
/// trailing newline; byte-for-byte deterministic.
void writeExecutionJson(const ExecutionSchedule &schedule,
                        llvm::raw_ostream &os);
/// A few lines for the compile report: interval, latency, what bounds the
/// slowest stage, per-inference totals.
void printExecutionSummary(const ExecutionSchedule &schedule,
                           llvm::raw_ostream &os);

inline constexpr uint32_t kExecutionJsonVersion = 4;

} // namespace nncc

#endif // NNCC_SCHEDULE_EXECUTIONSCHEDULE_H
