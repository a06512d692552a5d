//===- CIMDialect.td - The memory-centric cim dialect ------*- tablegen -*-===//
//
// `cim` is nncc's memory-centric IR (the "mem-IR" of the Nature Electronics
// 2020 tool chain, ../shared/reference/seed-notes-001-002.md §6): every
// weight has a physical home -- array, row, column, bit slice and polarity --
// and the analog datapath of a crossbar MVM (DAC input cycles, column sums,
// ADC readout, shift-and-add, polarity combination, partial-sum accumulation)
// is explicit, so the simulators, the placer and the programming schedule all
// read the same program.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_DIALECT_TD
#define NNCC_DIALECT_CIM_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def CIM_Dialect : Dialect {
  let name = "cim";
  let cppNamespace = "::nncc::cim";
  let summary = "Memory-centric IR: weights resident in crossbar arrays";
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = ["::nncc::nn::NNDialect"];
}

def CIM_LayerKindEnum : I32EnumAttr<"LayerKind", "weight layer kind", [
    I32EnumAttrCase<"Conv", 0, "conv">,
    I32EnumAttrCase<"Gemm", 1, "gemm">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::cim";
}
def CIM_LayerKindAttr : EnumAttr<CIM_Dialect, CIM_LayerKindEnum, "kind">;

def CIM_SignedSchemeEnum : I32EnumAttr<"SignedScheme", "signed-weight scheme", [
    I32EnumAttrCase<"DifferentialColumns", 0, "differential_columns">,
    I32EnumAttrCase<"DifferentialRows", 1, "differential_rows">,
    I32EnumAttrCase<"OffsetReference", 2, "offset_reference">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::cim";
}
def CIM_SignedSchemeAttr : EnumAttr<CIM_Dialect, CIM_SignedSchemeEnum, "scheme">;

/// How far the mapping passes have taken a cim.layer.  Each stage adds the
/// attributes of one pass (docs/cim-dialect.md); the verifier checks that a
/// layer carries exactly the attributes of the stages it has passed, so that
/// readers ask the stage instead of guessing it from which attributes exist.
def CIM_LayerStageEnum : I32EnumAttr<"LayerStage", "mapping stage of a layer", [
    I32EnumAttrCase<"Lowered", 0, "lowered">,
    I32EnumAttrCase<"Quantized", 1, "quantized">,
    I32EnumAttrCase<"Split", 2, "split">,
    I32EnumAttrCase<"Sliced", 3, "sliced">,
    I32EnumAttrCase<"Partitioned", 4, "partitioned">,
    I32EnumAttrCase<"Placed", 5, "placed">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::cim";
}
def CIM_LayerStageAttr : EnumAttr<CIM_Dialect, CIM_LayerStageEnum, "stage"> {
  // Printed bare in cim.layer's assembly: `cim.layer "fc" quantized %x`.
  let assemblyFormat = "$value";
}

/// The parameters of the target chip that the IR itself depends on; attached
/// to the module as `cim.target` so verifiers and passes agree on them.
def CIM_TargetAttr : AttrDef<CIM_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "The chip parameters the cim IR is verified against";
  let parameters = (ins
    StringRefParameter<"target name">:$name,
    "int64_t":$rows,
    "int64_t":$cols,
    "int64_t":$levels,
    "int64_t":$rows_in_parallel,
    "int64_t":$adc_bits,
    "int64_t":$columns_per_adc,
    "int64_t":$input_bits,
    "int64_t":$dac_bits,
    "SignedScheme":$signed_weights,
    "::mlir::FloatAttr":$g_min,
    "::mlir::FloatAttr":$g_max,
    "int64_t":$cores,
    "int64_t":$arrays_per_core,
    // Timing of one input cycle: a read pulse, then the ADC converts its
    // multiplexed columns one after another (absent: no timing model).
    OptionalParameter<"::mlir::FloatAttr">:$read_pulse,
    OptionalParameter<"::mlir::FloatAttr">:$conversion_time,
    // Where the cores sit: a mesh of mesh_width x mesh_height (absent: the
    // nearest square that holds them), or one shared bus.  The placement
    // minimizes hops on this geometry, the execution schedule counts them
    // on the same one.
    OptionalParameter<"int64_t">:$mesh_width,
    OptionalParameter<"int64_t">:$mesh_height,
    OptionalParameter<"bool">:$bus,
    // Each column's sample-and-hold latches the read: the next read
    // overlaps the conversions, and an input cycle takes the longer of the
    // two (absent: they follow one another).
    OptionalParameter<"bool">:$sample_and_hold,
    // The converters sense the column current while the rows are driven (a
    // current-sense converter: the sensing is the read), so an input cycle
    // takes the longer of the read pulse and the conversions, with no fill
    // (absent: they follow one another).  Excludes sample_and_hold.
    OptionalParameter<"bool">:$sensed_in_read,
    // Reads per row group and input cycle: 1, or 4 for a four-phase read of
    // differential rows (each input sign on each weight polarity, one
    // voltage polarity; cim.mvm read_phases).
    DefaultValuedParameter<"int64_t", "1">:$read_phases
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// floor(log2(levels)): whole bits one cell stores.
    int64_t getBitsPerCell() const;
    /// Arrays on the chip.
    int64_t getTotalArrays() const { return getCores() * getArraysPerCore(); }
    /// The read phases of a layer storing its weights with `scheme`: the
    /// target's read mode applies to differential rows; other schemes (a
    /// layer's override) read in one phase.
    int64_t getReadPhasesOf(SignedScheme scheme) const {
      return scheme == SignedScheme::DifferentialRows ? getReadPhases() : 1;
    }
  }];
}

#endif // NNCC_DIALECT_CIM_DIALECT_TD
