//===- CIMOps.td - Operations of the cim dialect -----------*- tablegen -*-===//
//
// A weight layer is one `cim.layer`.  The mapping passes refine it in place,
// and its `stage` says how far (pass -> stage it leaves the layer at):
//   lowering       lowered      float weights as a [G, K, N] matrix (conv
//                               unrolled im2col-style: K = C/group *
//                               prod(kernel), N = M/group)
//   quantize       quantized    integer weights q, scales, zero points;
//                               input bits/scale
//   differential   split        the signed-weight scheme and stored integers
//   bitslice       sliced       bits per cell, weight slices, DAC bits,
//                               input cycles
//   partition      partitioned  a body region: the datapath over physical
//                               arrays (replication and time multiplexing
//                               refine it without a stage of their own:
//                               both are optional)
//   place          placed       every tile's core
//
// Integer semantics of a quantized layer, for input vector x (quantized to
// integers xq with scale sx) and output column n of group g:
//   acc[g, p, n] = sum_k xq[g, p, k] * (q[g, k, n] - z[g*N + n])
//   y = sx * s[g*N + n] * acc + bias[g*N + n]
// The partitioned body computes `acc` on the arrays and must equal it
// bit-exactly with ideal devices and a wide enough ADC.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_OPS_TD
#define NNCC_DIALECT_CIM_OPS_TD

include "CIMDialect.td"
include "CIMInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class CIM_Op<string mnemonic, list<Trait> traits = []>
    : Op<CIM_Dialect, mnemonic, traits>;

def CIM_F32Tensor : RankedTensorOf<[F32]>;
def CIM_I32Tensor : RankedTensorOf<[I32]>;
def CIM_I64Tensor : RankedTensorOf<[I64]>;

def CIM_LayerOp : CIM_Op<"layer", [IsolatedFromAbove, Pure]> {
  let summary = "A weight layer (conv or gemm) resident in crossbar arrays";
  let description = [{
    The input is the float activation tensor; the result has the layer's
    float output shape (NCHW for conv, [M, N] for gemm).  After partitioning
    the body receives the quantized im2col input `tensor<G x P x K x i32>`
    (P input vectors per group) and yields the integer accumulators
    `tensor<G x P x N x i64>`.
  }];
  let arguments = (ins
    CIM_F32Tensor:$input,
    StrAttr:$layer_name,
    // Which passes have run; decides which of the optional attributes below
    // the layer must and must not carry (LayerOp::verify).
    CIM_LayerStageAttr:$stage,
    CIM_LayerKindAttr:$kind,
    ElementsAttr:$weights,
    OptionalAttr<ElementsAttr>:$bias,
    // Window geometry of a conv (explicit pads, begin and end).
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$kernel_shape,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$dilations,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads_begin,
    DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads_end,
    DefaultValuedAttr<I64Attr, "1">:$group,
    // Gemm: the input is transposed (A^T).
    DefaultValuedAttr<BoolAttr, "false">:$trans_input,
    // Set by --nncc-quantize.
    OptionalAttr<I64Attr>:$weight_bits,
    OptionalAttr<BoolAttr>:$weight_per_channel,
    OptionalAttr<BoolAttr>:$weight_symmetric,
    OptionalAttr<ElementsAttr>:$weight_scales,
    OptionalAttr<ElementsAttr>:$weight_zero_points,
    OptionalAttr<ElementsAttr>:$weight_ints,
    OptionalAttr<I64Attr>:$input_bits,
    OptionalAttr<F64Attr>:$input_scale,
    OptionalAttr<BoolAttr>:$input_signed,
    OptionalAttr<F64Attr>:$weight_error,
    OptionalAttr<F64Attr>:$input_clip_fraction,
    // Per bit b of the input code (b = 0 the least significant; two's
    // complement for signed inputs): the fraction of the calibration
    // inputs with that bit set.  The PPA model's input activity.
    OptionalAttr<DenseF64ArrayAttr>:$input_bit_density,
    // Set by --nncc-differential.
    OptionalAttr<CIM_SignedSchemeAttr>:$signed_scheme,
    OptionalAttr<I64Attr>:$stored_bits,
    OptionalAttr<ElementsAttr>:$weight_offsets,
    // Set by --nncc-bitslice.
    OptionalAttr<I64Attr>:$bits_per_cell,
    OptionalAttr<I64Attr>:$weight_slices,
    OptionalAttr<I64Attr>:$dac_bits,
    OptionalAttr<I64Attr>:$input_cycles,
    // Set by --nncc-partition.
    OptionalAttr<I64Attr>:$array_count,
    // How the periphery calibrates each column's ADC range: "percentile:P"
    // or "mse" (nncc/Dialect/CIM/AdcRangeMethod.h); absent: "max".
    OptionalAttr<StrAttr>:$adc_range,
    // Set by --nncc-replicate: copies of the layer's arrays that share its
    // input vectors (pipeline balancing).
    OptionalAttr<I64Attr>:$replicas
  );
  let results = (outs CIM_F32Tensor:$output);
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = [{
    $layer_name `` $stage $input attr-dict `:` functional-type(operands, results)
    ($body^)?
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// Dimensions of the layer's matrix problem.
    struct MatrixShape {
      int64_t groups, vectors, depth, columns; // G, P, K, N
    };
    MatrixShape getMatrixShape();
    bool isQuantized() { return getStage() >= LayerStage::Quantized; }
    bool isPartitioned() { return getStage() >= LayerStage::Partitioned; }
    /// The ADC range method's spelling, "max" without `adc_range`.
    ::llvm::StringRef getAdcRangeMethod() {
      return getAdcRange().value_or("max");
    }
    /// Records that a pass has taken the layer to `stage`; a pass re-run on
    /// a layer that is further along leaves its stage alone.
    void advanceStage(LayerStage stage) {
      if (stage > getStage())
        setStage(stage);
    }
  }];
}

def CIM_YieldOp : CIM_Op<"yield", [Pure, Terminator, HasParent<"LayerOp">]> {
  let summary = "Yields a layer body's integer accumulators";
  let arguments = (ins CIM_I64Tensor:$accumulators);
  let assemblyFormat = "$accumulators attr-dict `:` type($accumulators)";
}

def CIM_MVMOp : CIM_Op<"mvm", [Pure, HasParent<"LayerOp">,
    DeclareOpInterfaceMethods<CIM_BodyOpInterface>]> {
  let summary = "Analog MVM on one physical array, one input cycle at a time";
  let description = [{
    Array `array` holds rows [row_begin, row_end) of group `group`'s weight
    matrix and columns [col_begin, col_end), slices [slice_begin, slice_end)
    of it (layout: docs/cim-dialect.md).  For every input cycle j and row
    group r (rows_in_parallel rows read at once) the result holds each
    physical column's digit sum: sum over the group's rows of
    inputDigit_j * cellDigit.  Shape: [cycles, row groups, P, columns used].
    With read_phases = 4 (differential rows) each row group is read in four
    phases of one voltage polarity, positive inputs on G+, positive on G-,
    negative on G+, negative on G- (cim::ReadPhase): every sum is of
    magnitudes, and the row-group dimension holds row groups x 4 parts, row
    group r's phase q at r * 4 + q; cim.shift_add applies the signs.
  }];
  let arguments = (ins CIM_I32Tensor:$inputs,
                   I64Attr:$array, I64Attr:$group,
                   I64Attr:$row_begin, I64Attr:$row_end,
                   I64Attr:$col_begin, I64Attr:$col_end,
                   I64Attr:$slice_begin, I64Attr:$slice_end,
                   I64Attr:$rows_in_parallel,
                   DefaultValuedAttr<BoolAttr, "false">:$reference_column,
                   // Arrays holding copies of this tile (--nncc-replicate).
                   OptionalAttr<DenseI64ArrayAttr>:$replica_arrays,
                   // Cores of the array and of its copies (--nncc-place:
                   // present exactly on the tiles of a placed layer).
                   OptionalAttr<I64Attr>:$core,
                   OptionalAttr<DenseI64ArrayAttr>:$replica_cores,
                   // Time-multiplexed mappings: the group of arrays resident
                   // together (--nncc-time-multiplex).
                   OptionalAttr<I64Attr>:$program_group,
                   DefaultValuedAttr<I64Attr, "1">:$read_phases);
  let results = (outs CIM_I32Tensor:$column_sums);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Physical columns the tile occupies (including a reference column).
    int64_t getPhysicalColumns();
    /// Physical rows the tile occupies.
    int64_t getPhysicalRows();
    /// Reads per input cycle and phase (cim::rowGroups).
    int64_t getRowGroups();
    /// The array, core and program-group attributes against the layer's
    /// stage and the chip.
    ::mlir::LogicalResult verifyArraysAndCores(LayerOp layer);
  }];
}

def CIM_ADCOp : CIM_Op<"adc", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<CIM_BodyOpInterface>]> {
  let summary = "ADC readout: quantize column sums to `bits` with step `step`";
  let description = [{
    out = clamp(round(in / step), lo, hi) * step with [lo, hi] = [0, 2^bits - 1],
    or [-2^(bits-1), 2^(bits-1) - 1] for a `bipolar` ADC (used when
    differential rows subtract in the column).  With step 1 and a range that
    holds every possible column sum the readout is exact; otherwise it
    saturates as the hardware would.
  }];
  let arguments = (ins CIM_I32Tensor:$column_sums, I64Attr:$bits,
                   DefaultValuedAttr<I64Attr, "1">:$step,
                   DefaultValuedAttr<BoolAttr, "false">:$bipolar);
  let results = (outs CIM_I32Tensor:$codes);
  let assemblyFormat = "$column_sums attr-dict `:` type($column_sums)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The code range [lo, hi] of the description above.
    int64_t getMinCode();
    int64_t getMaxCode();
  }];
}

def CIM_ShiftAddOp : CIM_Op<"shift_add", [Pure,
    DeclareOpInterfaceMethods<CIM_BodyOpInterface>]> {
  let summary = "Digital shift-and-add over input cycles, row groups and slices";
  let description = [{
    Sums row groups, weights input cycle j by 2^(j * dac_bits) (the last
    cycle negatively for signed inputs, two's complement) and slice s by
    2^(s * bits_per_cell), per weight column and polarity; with
    read_phases = 4 each row group's part q by its phase's sign
    (cim::ReadPhase: + - - +).  Result
    [P, weight columns, polarities]; a reference column, if present, comes
    back as the second result [P].
  }];
  let arguments = (ins CIM_I32Tensor:$codes, I64Attr:$dac_bits,
                   BoolAttr:$input_signed, I64Attr:$bits_per_cell,
                   I64Attr:$slice_begin, I64Attr:$slice_end,
                   I64Attr:$polarities,
                   DefaultValuedAttr<BoolAttr, "false">:$reference_column,
                   DefaultValuedAttr<I64Attr, "1">:$read_phases);
  let results = (outs CIM_I64Tensor:$magnitudes,
                 Optional<CIM_I64Tensor>:$reference);
  let assemblyFormat = "$codes attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def CIM_CombineOp : CIM_Op<"combine", [Pure,
    DeclareOpInterfaceMethods<CIM_BodyOpInterface>]> {
  let summary = "Polarity combination: G+ - G-, or offset minus reference";
  let description = [{
    Differential schemes: out = magnitudes[..., 0] - magnitudes[..., 1].
    Offset scheme: out = magnitudes[..., 0] - offsets[n] * reference, where
    the reference column reads the input sum (TCAD18 eq. 7).
  }];
  let arguments = (ins CIM_I64Tensor:$magnitudes,
                   Optional<CIM_I64Tensor>:$reference,
                   CIM_SignedSchemeAttr:$scheme,
                   OptionalAttr<DenseI64ArrayAttr>:$offsets);
  let results = (outs CIM_I64Tensor:$partial);
  let assemblyFormat = [{
    $magnitudes (`,` $reference^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def CIM_AccumulateOp : CIM_Op<"accumulate", [Pure,
    DeclareOpInterfaceMethods<CIM_BodyOpInterface>]> {
  let summary = "Accumulate tiles' partial sums into the layer's columns";
  let description = [{
    Partial i ([P, width_i]) is added into group groups[i], columns
    [col_begins[i], col_begins[i] + width_i) of the [G, P, N] result; row
    tiles of the same columns add up here (digital partial-sum merging).
  }];
  let arguments = (ins Variadic<CIM_I64Tensor>:$partials,
                   DenseI64ArrayAttr:$groups, DenseI64ArrayAttr:$col_begins);
  let results = (outs CIM_I64Tensor:$accumulators);
  let assemblyFormat = "$partials attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

#endif // NNCC_DIALECT_CIM_OPS_TD
