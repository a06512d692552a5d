//===- Passes.td - Mapping spiking layers onto cores -------*- tablegen -*-===//
#ifndef NNCC_DIALECT_SNN_TRANSFORMS_PASSES_TD
#define NNCC_DIALECT_SNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MapSpikingLayers : Pass<"nncc-snn-map", "mlir::ModuleOp"> {
  let summary = "Split spiking layers onto neuromorphic cores and place them";
  let description = [{
    A core connects `axons` inputs to `neurons` neurons.  A dense layer's
    neurons fill cores that all read its whole input; a conv layer's cores
    each take a block of output channels over a spatial tile, sized for the
    most neurons whose receptive field (input channels x window rows x
    window columns, times `axons-per-input`, plus the bias axons of
    bias_source axon) fits the axons.  A neuron whose fan-in alone exceeds
    the axons is split into `fan_in_groups` groups of inputs whose partial
    potentials it adds (`partial-sums`; else an error).  The cores are
    then placed on the `mesh-width` x `mesh-height` mesh with nncc's placer
    (lib/Placement), on the spike traffic between consecutive layers: each
    core of a layer sends its neurons' spikes to every core of the next.
    Sets `fan_in_groups`, `cores` and `core_ids` on every snn.layer.
  }];
  let options = [
    Option<"axons", "axons", "int64_t", "256", "Axons (inputs) per core">,
    Option<"neurons", "neurons", "int64_t", "256", "Neurons per core">,
    Option<"axonsPerInput", "axons-per-input", "int64_t", "1",
           "Axons one input needs (2 where the sign is the axon's type)">,
    Option<"partialSums", "partial-sums", "bool", "true",
           "Neurons may add partial potentials of split fan-ins">,
    Option<"cores", "cores", "int64_t", "4096", "Cores on the chip">,
    Option<"meshWidth", "mesh-width", "int64_t", "0",
           "Mesh columns (0: ceil(sqrt(cores)))">,
    Option<"meshHeight", "mesh-height", "int64_t", "0",
           "Mesh rows (0: ceil(cores / width))">,
    Option<"seed", "seed", "uint64_t", "1", "Placement seed">
  ];
}

#endif // NNCC_DIALECT_SNN_TRANSFORMS_PASSES_TD
