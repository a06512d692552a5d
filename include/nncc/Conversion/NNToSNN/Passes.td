//===- Passes.td - Converting a ReLU network to spikes -----*- tablegen -*-===//
#ifndef NNCC_CONVERSION_NNTOSNN_PASSES_TD
#define NNCC_CONVERSION_NNTOSNN_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertNNToSNN : Pass<"nncc-convert-to-snn", "mlir::ModuleOp"> {
  let summary = "Convert a ReLU network to integer integrate-and-fire layers";
  let description = [{
    Rate-coded ANN-to-SNN conversion with data-based threshold balancing
    (Diehl et al., IJCNN 2015; Rueckauer et al., Front. Neurosci. 2017):
    the float model runs on the calibration samples, and the `percentile`
    of each ReLU's positive outputs becomes that layer's full-scale
    activation lambda_l, the value a neuron spiking at every timestep
    stands for.  A weight layer (conv, gemm, matmul with constant weights)
    followed by a ReLU becomes a spiking snn.layer whose neuron j, with
    effective weights w~ = W * lambda_(l-1), integrates
    gain * code(w~)_j . spikes + round(gain * b_j / step_j) and spikes at
    round(gain * lambda_l / step_j) (step_j: the real value of one synapse
    code, chosen per neuron by the synapse precision); reset is by
    subtraction.  The last weight layer (no ReLU) becomes a readout layer
    that integrates without spiking, followed by snn.readout.  Max pooling
    becomes spike-count-gated snn.max_pool; flatten and reshape carry
    spikes; the first weight layer's input gets an snn.encode.  Ops before
    the encoder and after the readout stay float nn ops (the host's).
  }];
  let options = [
    Option<"calibrationPath", "calibration", "std::string", "\"\"",
           "Calibration samples (.npy/.pb, first dim = samples, or IDX images)">,
    Option<"calibrationLimit", "calibration-limit", "int64_t", "0",
           "Use at most this many samples (0: all)">,
    Option<"pixelScale", "pixel-scale", "double", "::nncc::kDefaultPixelScale",
           "Factor applied to uint8 calibration samples">,
    Option<"syntheticSamples", "synthetic-samples", "int64_t", "0",
           "Without calibration=: this many deterministic samples uniform in [0, 1)">,
    Option<"syntheticSeed", "synthetic-seed", "uint64_t", "1",
           "Seed of the synthetic samples">,
    Option<"percentile", "percentile", "double", "99.9",
           "Percentile of a ReLU's positive outputs that sets its full-scale "
           "activation (100: the maximum)">,
    Option<"encoding", "encoding", "std::string", "\"rate\"",
           "Input encoding: rate | poisson | ttfs">,
    Option<"synapseBits", "synapse-bits", "int64_t", "8",
           "Synapse code bits: 1 = +-1, 2 = ternary, b = +-(2^(b-1)-1)">,
    Option<"gainBits", "gain-bits", "int64_t", "0",
           "Bits of the per-neuron weight multiplier (0: none)">,
    Option<"potentialBits", "potential-bits", "int64_t", "24",
           "Signed membrane potential register width">,
    Option<"decay", "decay", "double", "0.0",
           "Fraction of the potential a neuron loses every timestep (leaky "
           "integrate-and-fire; 0: integrate-and-fire)">,
    Option<"reset", "reset", "std::string", "\"subtract\"",
           "Reset after a spike: subtract | zero">,
    Option<"biasSource", "bias-source", "std::string", "\"leak\"",
           "Where biases come from: leak | axon">
  ];
  let dependentDialects = ["::nncc::snn::SNNDialect"];
}

#endif // NNCC_CONVERSION_NNTOSNN_PASSES_TD
