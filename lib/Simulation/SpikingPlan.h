//===- SpikingPlan.h - A spiking program prepared for stepping --*- C++ -*-===//
//
// What SpikingProgram::create derives once from the IR (SpikingPlan.cpp) and
// every run reads (SpikingRun.cpp): the ops as steps over numbered slots,
// each layer's synapses as fan-out lists (input -> the neurons it reaches,
// with the synapse code), each pooling window's inputs.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_SIMULATION_SPIKINGPLAN_H
#define NNCC_LIB_SIMULATION_SPIKINGPLAN_H

#include "nncc/Dialect/SNN/SNNOps.h"
#include "nncc/Runtime/Tensor.h"
#include "nncc/Simulation/SpikingSimulator.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"

#include <cstdint>
#include <vector>

namespace nncc {

struct SpikingLayerPlan {
  std::string name;
  int64_t inputs = 0, neurons = 0;
  /// Fan-out lists: synapses [begin[i], begin[i+1]) belong to input i; each
  /// reaches neuron `target` with `code`, counted in fan-in group `group`.
  std::vector<int64_t> begin;
  std::vector<int32_t> target, code;
  std::vector<int16_t> group;
  int64_t fanInGroups = 1;
  int64_t maxCode = 1; ///< largest code magnitude the synapses can hold
  std::vector<double> gain, threshold, bias; ///< per neuron; no threshold:
                                             ///< a readout layer
  double limit = 0; ///< potentials saturate at +-limit
  double decay = 0; ///< fraction of the potential lost every timestep
  bool subtractReset = true;
  /// The input comes from a time-to-first-spike encoder: a spike's current
  /// persists for the rest of the run.
  bool persistentInput = false;
  /// Synaptic events per timestep of bias axons (bias_source axon).
  int64_t biasEvents = 0;
};

struct SpikingPoolPlan {
  /// Inputs of output o's window: windowInputs[windowBegin[o] ..
  /// windowBegin[o+1]).
  std::vector<int64_t> windowBegin;
  std::vector<int32_t> windowInputs;
  int64_t inputs = 0;
};

enum class SpikingStepKind { Encode, Layer, MaxPool };

/// One per-timestep op: reads slot `input`, writes slot `output`.
struct SpikingStep {
  SpikingStepKind kind;
  int input = -1, output = -1;
  int index = -1; ///< into layers / pools / encoders
};

struct SpikingEncoderPlan {
  snn::Encoding encoding = snn::Encoding::Rate;
  double fullScale = 1;
  mlir::Value source; ///< the float value it encodes
  int64_t elements = 0;
};

struct SpikingReadoutPlan {
  int slot = -1;         ///< the spike or potential slot it reads
  bool potential = false; ///< reads a readout layer's potentials
  int layer = -1;        ///< that layer (potential)
  double unit = 1;
  mlir::Value result;    ///< its float result
  llvm::SmallVector<int64_t> shape;
};

struct SpikingProgram::Plan {
  mlir::Value argument;
  llvm::SmallVector<int64_t> inputShape;
  /// Host float ops before the encoders and after the readouts, in order.
  std::vector<mlir::Operation *> before, after;
  llvm::DenseMap<mlir::Value, runtime::Tensor> constants;
  std::vector<SpikingStep> steps;
  std::vector<int64_t> slotSizes; ///< elements of each spike slot
  std::vector<SpikingEncoderPlan> encoders;
  std::vector<SpikingLayerPlan> layers;
  std::vector<SpikingPoolPlan> pools;
  std::vector<SpikingReadoutPlan> readouts;
  mlir::Value result; ///< @main's first result
};

} // namespace nncc

#endif // NNCC_LIB_SIMULATION_SPIKINGPLAN_H
