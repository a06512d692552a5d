//===- Passes.td - Mapping passes on the cim dialect -------*- tablegen -*-===//
//
// The compile pipeline, in order: attach the target, lower nn to cim
// (nncc/Conversion/NNToCIM), then these: quantize, split signed weights,
// bit-slice, partition onto arrays, and optionally replicate or
// time-multiplex, then place.  Each moves the layers to its stage
// (docs/cim-dialect.md).  Every pass is reachable from nncc-opt and has its
// own lit tests.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_TRANSFORMS_PASSES_TD
#define NNCC_DIALECT_CIM_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttachTarget : Pass<"nncc-attach-target", "mlir::ModuleOp"> {
  let summary = "Load a chip description and attach it as #cim.target";
  let description = [{
    Reads the YAML chip description (docs/target-format.md), validates it and
    stores the parameters the IR depends on as the module's `cim.target`.
  }];
  let options = [
    Option<"targetPath", "target", "std::string", "\"\"",
           "Chip description (YAML)">
  ];
  let dependentDialects = ["::nncc::cim::CIMDialect"];
}

def QuantizeLayers : Pass<"nncc-quantize", "mlir::ModuleOp"> {
  let summary = "Quantize layer weights and calibrate activation ranges";
  let description = [{
    Weights: per output channel or per tensor, symmetric or asymmetric, to
    `weight-bits`.  Activations: runs the float model on the calibration
    samples and sets each layer's input range from the min/max (or the given
    percentile of |x|) it saw.  Records the weight quantization error (relative
    RMS) and the fraction of calibration inputs that clip.
  }];
  let options = [
    Option<"weightBits", "weight-bits", "int64_t", "8", "Weight bits">,
    ListOption<"layerWeightBits", "layer-weight-bits", "std::string",
           "Per layer, LAYER=BITS: that layer's weight bits instead">,
    Option<"perChannel", "per-channel", "bool", "true",
           "One scale per output channel (else per tensor)">,
    Option<"symmetric", "symmetric", "bool", "true",
           "Symmetric weights (else asymmetric with zero points)">,
    Option<"inputBits", "input-bits", "int64_t", "0",
           "Activation bits (0: the target's input bits, else 8)">,
    ListOption<"layerInputBits", "layer-input-bits", "std::string",
           "Per layer, LAYER=BITS: that layer's input (activation) bits "
           "instead">,
    Option<"calibrationPath", "calibration", "std::string", "\"\"",
           "Calibration samples (.npy/.pb, first dim = samples, or IDX images)">,
    Option<"calibrationLimit", "calibration-limit", "int64_t", "0",
           "Use at most this many samples (0: all)">,
    Option<"pixelScale", "pixel-scale", "double", "::nncc::kDefaultPixelScale",
           "Factor applied to uint8 calibration samples">,
    Option<"percentile", "percentile", "double", "100.0",
           "Percentile of |x| that sets the activation range (100: max)">,
    Option<"syntheticSamples", "synthetic-samples", "int64_t", "0",
           "Without calibration=: calibrate on this many deterministic "
           "samples uniform in [0, 1) (nncc compile's default without "
           "--calibration: 64)">,
    Option<"syntheticSeed", "synthetic-seed", "uint64_t", "1",
           "Seed of the synthetic samples">
  ];
}

def DifferentialSplit : Pass<"nncc-differential", "mlir::ModuleOp"> {
  let summary = "Choose how signed weights are stored in unsigned cells";
  let description = [{
    differential-columns / differential-rows: w = G+ - G- with the positive
    and negative parts of (q - z) on paired columns or rows.
    offset-reference: stores (q - z) + offset and subtracts offset * sum(x)
    read from a reference column.  Default: the target's scheme.
  }];
  let options = [
    Option<"scheme", "scheme", "std::string", "\"\"",
           "differential-columns | differential-rows | offset-reference">,
    ListOption<"layerSchemes", "layer-scheme", "std::string",
           "Per layer, LAYER=SCHEME: that layer's scheme instead">
  ];
}

def BitSliceWeights : Pass<"nncc-bitslice", "mlir::ModuleOp"> {
  let summary = "Split stored weights over cells and inputs over DAC cycles";
  let description = [{
    Stored weights of `stored_bits` become ceil(stored_bits / bits_per_cell)
    slices of significance 2^(s * bits_per_cell); inputs become
    ceil(input_bits / dac_bits) bit-serial cycles.  Defaults come from the
    target.  A layer may store fewer bits per cell than the device holds
    (layer-bits-per-cell): more slices, each digit on levels further apart.
  }];
  let options = [
    Option<"bitsPerCell", "bits-per-cell", "int64_t", "0",
           "Bits per cell (0: the target's)">,
    ListOption<"layerBitsPerCell", "layer-bits-per-cell", "std::string",
           "Per layer, LAYER=BITS: that layer's bits per cell instead (at "
           "most the target's; fewer spread the digits over the device's "
           "levels, TileLayout.h levelStride)">,
    Option<"dacBits", "dac-bits", "int64_t", "0",
           "Input bits per cycle (0: the target's)">
  ];
}

def PartitionOntoArrays : Pass<"nncc-partition", "mlir::ModuleOp"> {
  let summary = "Tile every layer's matrix onto the target's arrays";
  let description = [{
    Cuts each group's K x N matrix into tiles that fit rows x cols (with
    slices and polarities laid out per docs/cim-dialect.md), numbers the
    arrays, and writes the layer body: per tile an MVM (reading
    rows_in_parallel rows at a time), ADC readout, shift-and-add and
    polarity combination; partial sums of row tiles accumulate digitally.
    A layer may read fewer rows at once than the target allows
    (layer-rows-in-parallel): more reads, each with a smaller current for
    its ADC.  Records how the layer's ADC ranges are calibrated
    (`adc_range`, absent for the default max).
  }];
  let options = [
    ListOption<"layerRowsInParallel", "layer-rows-in-parallel", "std::string",
           "Per layer, LAYER=ROWS: rows read at once (at most the target's)">,
    Option<"adcRange", "adc-range", "std::string", "\"max\"",
           "How the periphery calibrates each column's ADC range: max, "
           "percentile:P or mse (the layers' adc_range)">,
    ListOption<"layerAdcRange", "layer-adc-range", "std::string",
           "Per layer, LAYER=METHOD: that layer's ADC range method instead">
  ];
}

def ReplicateLayers : Pass<"nncc-replicate", "mlir::ModuleOp"> {
  let summary = "Copy bottleneck layers onto free arrays to balance the pipeline";
  let description = [{
    With the pipeline model of nncc/Analysis/PipelineModel.h (a copy takes
    whole input vectors: layer time = ceil(vectors / copies) * vector time),
    repeatedly gives the slowest layer the fewest extra copies that take one
    vector fewer per copy, while they fit the free arrays.  This greedy
    choice is exact: the interval is the slowest layer's time, so reaching an
    interval T needs, for every layer, at least the fewest copies with
    ceil(vectors / copies) * vector time <= T; the greedy sequence passes
    through exactly those minimal allocations for every interval it reaches
    and stops when the bottleneck's next step does not fit (or it already
    has one vector per copy), where no other allocation can lower the
    interval.  Sets `replicas` on each layer and `replica_arrays` on each
    tile, and records the interval before and after
    and the arrays spent in the module attribute `cim.replication`.
  }];
  let options = [
    Option<"maxArrays", "max-arrays", "int64_t", "0",
           "Arrays available (0: the whole chip)">,
    Option<"maxCopies", "max-copies", "int64_t", "0",
           "Most copies of one layer, the original included (0: no limit; "
           "NeuroSim's speed-up degree is 8).  The greedy stays exact: "
           "when the bottleneck reaches its limit, no allocation lowers "
           "the interval">,
    ListOption<"layerMaxCopies", "layer-max-copies", "std::string",
           "Per layer, LAYER=N: that layer's most copies instead (1: never "
           "copied)">,
    Option<"wholeCores", "whole-cores", "bool", "false",
           "Every copy of a layer takes whole cores (core.one_layer_copy): "
           "a copy of A arrays costs ceil(A / arrays_per_core) cores' "
           "arrays, and the originals are counted the same way">
  ];
}

def TimeMultiplex : Pass<"nncc-time-multiplex", "mlir::ModuleOp"> {
  let summary = "Split a mapping larger than the chip into program groups";
  let description = [{
    For a mapping that needs more arrays than the chip has: cuts the tiles,
    in program order, into program groups of at most `capacity` arrays that
    are resident one after another (the chip is reprogrammed between
    groups, and a batch of inputs runs through each group in turn, its
    activations and any unfinished partial sums waiting in the global
    buffer).  A group ends at a layer boundary when the next layer fits an
    empty group but not the rest of this one; a layer larger than a whole
    group fills the rest of the current group and goes on in new ones, cut
    between tiles.  Without such oversized layers this next-fit in program
    order gives the fewest groups of whole, consecutive layers.  With
    `whole-cores` the same holds in cores: a layer's tiles in a group take
    ceil(tiles / arrays_per_core) cores.  Sets `program_group` on every
    cim.mvm and the module attribute
    `cim.time_multiplex` (groups, arrays per group).  Fails on replicated
    layers (replication spends free arrays, which a mapping that does not
    fit has none of).
  }];
  let options = [
    Option<"capacity", "capacity", "int64_t", "0",
           "Arrays per group (0: the whole chip)">,
    Option<"onlyBeyondChip", "only-beyond-chip", "bool", "false",
           "Leave a mapping that fits the chip as it is (nncc compile "
           "--time-multiplex)">,
    Option<"wholeCores", "whole-cores", "bool", "false",
           "A layer's tiles in a group take whole cores (core.one_layer_copy): "
           "groups are sized in cores of arrays_per_core arrays, and a "
           "layer cut between groups is cut at a core boundary">
  ];
}

def PlaceTiles : Pass<"nncc-place", "mlir::ModuleOp"> {
  let summary = "Assign arrays to cores minimizing NoC traffic x hops";
  let description = [{
    Every physical array (replicas included) is a tile; cores hold
    `arrays_per_core` tiles and sit on the target's mesh.  Traffic per
    inference (bits; lib/Analysis/TileGraph.cpp), sparse and per copy of a
    layer:
    * Column sets: the tiles holding the same weight columns (same group
      and column range; other row tiles and slice ranges) send their
      partial sums (vectors x columns x 32 bits: shift-added digital
      integers, one accumulator word) to the set's home tile (lowest
      row_begin, then lowest slice_begin).
    * The home alone sends the finished outputs (vectors x columns x the
      consumer's input bits) to the consumer tiles whose weight rows read
      those channels, each value once per receiving tile (broadcast).
      Output channel c is traced through the nn ops in between
      (elementwise ops and pools keep it, a pool shrinks the values;
      concat, transpose, flatten and reshape move it) to the consumer's
      rows: a conv reads input channel i on rows
      (i % (C/group)) * prod(kernel) .. + prod(kernel) of group
      i / (C/group), a gemm reads feature i on row i (Flatten of C x H x W:
      channel c = features c H W .. (c+1) H W - 1).  Where no mapping can
      be derived (e.g. a softmax over channels), the outputs go to every
      tile of the consumer copy in proportion to its rows, and the link is
      counted in `fallback_links`.
    * Replicas split the vectors evenly and in order; producer copy i sends
      consumer copy j the overlap of their shares.
    The edge count is O(tiles x the consumer tiles per row range).  The
    placer (lib/Placement: greedy, simulated annealing, Z3 for small
    instances, each with a deterministic work budget) minimizes
    sum(bits x hops); the objective, a proven lower bound, the gap, the
    most loaded link and the traffic (`traffic_bits`, `traffic_edges`) go
    to the module attribute `cim.placement`, each tile's core to its
    `core` / `replica_cores`.  Deterministic for a seed.

    With `port-bits-per-second` (the driver passes core.buffer_port x
    clock) the placer also sees each core's buffer port: per stage, a core
    reads the rows of every copy it holds tiles of (row ranges shared by
    its tiles once), and the bits beyond what the port moves while the
    stage's arrays compute (pipeline model) are the port excess, weighted
    as carrying them across the mesh's diameter
    (PlacementProblem::tilePortItem).  Copies of a layer then spread over
    cores instead of queuing at one port.  `port_excess_bits` in
    `cim.placement` reports what is left.
  }];
  let options = [
    Option<"seed", "seed", "uint64_t", "1", "Placement seed">,
    Option<"timeout", "timeout", "double", "30.0",
           "Wall-clock limit in seconds (a safety net; work limits are "
           "deterministic)">,
    Option<"annealMovesPerTile", "anneal-moves-per-tile", "double", "500.0",
           "Annealing moves per tile: a deterministic work budget (more "
           "moves, slightly better placements)">,
    Option<"oneLayerCopy", "one-layer-copy", "bool", "false",
           "A core holds the arrays of one copy of one layer only "
           "(core.one_layer_copy)">,
    Option<"portBitsPerSecond", "port-bits-per-second", "double", "0.0",
           "A core buffer's port rate (core.buffer_port x clock; 0: the "
           "port is not modelled): per stage, the input rows a core's "
           "tiles read and the results its column-set homes write beyond "
           "what the port moves while the arrays compute are penalised "
           "before bit-hops">,
    Option<"dumpProblem", "dump-problem", "std::string", "\"\"",
           "Also write the placement problem to this file (for "
           "nncc-place-bench --problem)">
  ];
}

#endif // NNCC_DIALECT_CIM_TRANSFORMS_PASSES_TD
