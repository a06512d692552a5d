//===- NNDialect.td - The nn graph dialect -----------------*- tablegen -*-===//
//
// `nn` is nncc's graph-level dialect: one op per ONNX operator that nncc
// supports, with ONNX's attribute names and semantics, static shapes and
// verified shape inference.  It is what the ONNX importer produces and what
// the float reference executor runs; the lowering to the memory-centric `cim`
// dialect starts from it.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_NN_DIALECT_TD
#define NNCC_DIALECT_NN_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::nncc::nn";
  let summary = "Neural-network graph dialect mirroring ONNX operator semantics";
  let description = [{
    Tensors are statically shaped; the batch dimension is fixed at import
    (`nncc import --batch N`).  Weights are `nn.constant` ops whose values are
    usually `dense_resource` blobs, so that large models neither print nor
    parse as decimal text.  Every op infers its result type and the verifier
    checks it, so a module that verifies is shape-consistent.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def NN_AutoPadEnum : I32EnumAttr<"AutoPad", "ONNX auto_pad mode", [
    I32EnumAttrCase<"NotSet", 0, "notset">,
    I32EnumAttrCase<"SameUpper", 1, "same_upper">,
    I32EnumAttrCase<"SameLower", 2, "same_lower">,
    I32EnumAttrCase<"Valid", 3, "valid">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::nn";
}
def NN_AutoPadAttr : EnumAttr<NN_Dialect, NN_AutoPadEnum, "auto_pad">;

def NN_PadModeEnum : I32EnumAttr<"PadMode", "ONNX Pad mode", [
    I32EnumAttrCase<"Constant", 0, "constant">,
    I32EnumAttrCase<"Reflect", 1, "reflect">,
    I32EnumAttrCase<"Edge", 2, "edge">]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::nncc::nn";
}
def NN_PadModeAttr : EnumAttr<NN_Dialect, NN_PadModeEnum, "pad_mode">;

#endif // NNCC_DIALECT_NN_DIALECT_TD
