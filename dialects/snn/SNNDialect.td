//===- SNNDialect.td - The spiking snn dialect -------------*- tablegen -*-===//
//
// `snn` is the program of a spiking (neuromorphic) chip: a ReLU network
// converted to integrate-and-fire neurons with integer state
// (--nncc-convert-to-snn).  @main's body is ONE timestep: tensors of i1 are
// the spikes of that timestep, and every op that has state (an encoder's
// accumulators, a layer's membrane potentials, a max-pool's spike counts)
// keeps it from one timestep to the next.  A program runs for T timesteps;
// snn.readout turns what its operand accumulated into the float output.
// docs/snn-dialect.md describes the semantics and the conversion.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_SNN_DIALECT_TD
#define NNCC_DIALECT_SNN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def SNN_Dialect : Dialect {
  let name = "snn";
  let cppNamespace = "::nncc::snn";
  let summary = "Spiking programs: integer integrate-and-fire layers, one timestep per run of @main";
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::nncc::nn::NNDialect"];
}

def SNN_EncodingEnum : I32EnumAttr<"Encoding", "input spike encoding", [
    // Deterministic rate code: an integrate-and-fire accumulator per input
    // adds x / full_scale each timestep and spikes when it reaches 1.
    I32EnumAttrCase<"Rate", 0, "rate">,
    // Bernoulli spikes with probability x / full_scale each timestep,
    // from a counter-based generator keyed by (seed, sample, element,
    // timestep).
    I32EnumAttrCase<"Poisson", 1, "poisson">,
    // One spike per input, at timestep floor((1 - x / full_scale) * T),
    // none for x <= 0; the synapses it reaches keep its current for the
    // rest of the run (a current-based synapse without decay).
    I32EnumAttrCase<"TimeToFirstSpike", 2, "ttfs">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::snn";
}
def SNN_EncodingAttr : EnumAttr<SNN_Dialect, SNN_EncodingEnum, "encoding">;

def SNN_ResetEnum : I32EnumAttr<"Reset", "neuron reset after a spike", [
    I32EnumAttrCase<"Subtract", 0, "subtract">,
    I32EnumAttrCase<"Zero", 1, "zero">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::snn";
}
def SNN_ResetAttr : EnumAttr<SNN_Dialect, SNN_ResetEnum, "reset">;

def SNN_BiasSourceEnum : I32EnumAttr<"BiasSource", "where a neuron's bias comes from", [
    I32EnumAttrCase<"Leak", 0, "leak">,
    I32EnumAttrCase<"Axon", 1, "axon">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::snn";
}
def SNN_BiasSourceAttr : EnumAttr<SNN_Dialect, SNN_BiasSourceEnum, "bias_source">;

def SNN_LayerKindEnum : I32EnumAttr<"LayerKind", "synapse connectivity", [
    I32EnumAttrCase<"Conv", 0, "conv">,
    I32EnumAttrCase<"Dense", 1, "dense">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::snn";
}
def SNN_LayerKindAttr : EnumAttr<SNN_Dialect, SNN_LayerKindEnum, "kind">;

#endif // NNCC_DIALECT_SNN_DIALECT_TD
