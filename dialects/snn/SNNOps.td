//===- SNNOps.td - Operations of the snn dialect -----------*- tablegen -*-===//
//
// Integer semantics of one snn.layer at timestep t, for neuron j with input
// spikes s_i(t) in {0, 1}:
//   V_j = trunc(V_j * (1 - decay))                       (leaky; decay 0: IF)
//   V_j += gain_j * sum_i w_ij s_i(t) + bias_j          (saturating at
//                                                       +-(2^(potential_bits-1) - 1))
//   spike_j(t) = V_j >= threshold_j;  if it spikes:  V_j -= threshold_j
//                                     (reset subtract) or V_j = 0 (zero)
// A layer without thresholds is a readout: its neurons only integrate, and
// its result is the potential V_j after the timestep.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_SNN_OPS_TD
#define NNCC_DIALECT_SNN_OPS_TD

include "SNNDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class SNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<SNN_Dialect, mnemonic, traits>;

def SNN_F32Tensor : RankedTensorOf<[F32]>;
def SNN_SpikeTensor : RankedTensorOf<[I1]>;
def SNN_PotentialTensor : RankedTensorOf<[I32]>;

def SNN_EncodeOp : SNN_Op<"encode", [Pure, SameOperandsAndResultShape]> {
  let summary = "Float input to input spikes";
  let description = [{
    `full_scale` is the input value that spikes every timestep (the
    calibrated input range); inputs are clipped to [0, full_scale].
  }];
  let arguments = (ins SNN_F32Tensor:$input, SNN_EncodingAttr:$encoding,
                   F64Attr:$full_scale);
  let results = (outs SNN_SpikeTensor:$spikes);
  let assemblyFormat = "$encoding $input attr-dict `:` type($input) `->` type($spikes)";
  let hasVerifier = 1;
}

def SNN_LayerOp : SNN_Op<"layer", [Pure]> {
  let summary = "Integrate-and-fire neurons behind integer synapses (conv or dense)";
  let description = [{
    Dense: input [N, I] spikes, weights [O, I], result [N, O].  Conv:
    input [N, C, H, W], weights [O, C/group, kh, kw], result [N, O, Ho, Wo]
    with ONNX's window (explicit pads, begin and end); the neurons of output
    channel o share gains[o], thresholds[o] and biases[o].  Weights are the
    synapses' signed codes; `gains` (absent: 1) the per-neuron multiplier.

    Set by --nncc-snn-map: `fan_in_groups` (the layer's inputs split over
    that many groups of cores, each adding its partial potential),
    `cores` (cores the layer occupies) and, after placement, `core_ids`.
  }];
  let arguments = (ins
    SNN_SpikeTensor:$input,
    StrAttr:$layer_name,
    SNN_LayerKindAttr:$kind,
    ElementsAttr:$weights,
    OptionalAttr<ElementsAttr>:$gains,
    OptionalAttr<ElementsAttr>:$thresholds,
    ElementsAttr:$biases,
    SNN_ResetAttr:$reset,
    SNN_BiasSourceAttr:$bias_source,
    I64Attr:$potential_bits,
    I64Attr:$synapse_bits,
    // Fraction of the potential lost every timestep (absent: 0).
    OptionalAttr<F64Attr>:$decay,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$dilations,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads_begin,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads_end,
    DefaultValuedAttr<I64Attr, "1">:$group,
    OptionalAttr<I64Attr>:$fan_in_groups,
    OptionalAttr<I64Attr>:$cores,
    OptionalAttr<DenseI64ArrayAttr>:$core_ids
  );
  let results = (outs AnyTypeOf<[SNN_SpikeTensor, SNN_PotentialTensor]>:$output);
  let assemblyFormat = "$layer_name $kind $input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// A readout layer integrates without spiking (no thresholds).
    bool isReadout() { return !getThresholds().has_value(); }
    int64_t getOutputChannels();
    /// Synapses one neuron has (I for dense, C/group * kh * kw for conv).
    int64_t getFanIn();
  }];
}

def SNN_MaxPoolOp : SNN_Op<"max_pool", [Pure]> {
  let summary = "Max pooling of spike trains by spike-count gating";
  let description = [{
    Each window passes this timestep's spike of the input that has spiked
    most often so far (its count including this timestep; ties go to the
    first in row-major order): the pooled rate follows the largest input
    rate, as max pooling of the float activations does (Rueckauer et al.,
    Front. Neurosci. 2017).  Padding never spikes.
  }];
  let arguments = (ins SNN_SpikeTensor:$input, DenseI64ArrayAttr:$kernel_shape,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads_begin,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads_end);
  let results = (outs SNN_SpikeTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def SNN_ReadoutOp : SNN_Op<"readout", [Pure, SameOperandsAndResultShape]> {
  let summary = "What a layer accumulated over the run, as float output";
  let description = [{
    After T timesteps: unit * V / T for a readout layer's potentials V
    (i32 operand), unit * spikes / T for spike counts (i1 operand).
  }];
  let arguments = (ins AnyTypeOf<[SNN_SpikeTensor, SNN_PotentialTensor]>:$input,
                   F64Attr:$unit);
  let results = (outs SNN_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

#endif // NNCC_DIALECT_SNN_OPS_TD
