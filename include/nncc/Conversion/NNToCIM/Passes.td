//===- Passes.td - Lowering nn to cim ----------------------*- tablegen -*-===//
//
// The first mapping pass: weight layers become cim.layer ops.  The passes
// after it work on the cim dialect (nncc/Dialect/CIM/Transforms/Passes.td).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_CONVERSION_NNTOCIM_PASSES_TD
#define NNCC_CONVERSION_NNTOCIM_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerNNToCIM : Pass<"nncc-lower-nn-to-cim", "mlir::ModuleOp"> {
  let summary = "Turn weight layers into cim.layer ops (im2col matrices)";
  let description = [{
    Folds inference BatchNormalization into the preceding conv/gemm (the nn
    dialect's canonicalization pattern), then replaces every nn.conv, nn.gemm
    and nn.matmul with a constant right-hand side by a cim.layer at stage
    `lowered` holding its [G, K, N] weight matrix (conv unrolled
    im2col-style, K = C/group * prod(kernel)).  Activations, pooling and
    elementwise ops stay nn ops: the cores' special-function units run them.
    A MatMul of two activations cannot live in a crossbar and is an error.

    Blobs belong to the MLIR context, so the imported weights outlive their
    constants; with `release-replaced-weights` the pass frees those no
    attribute refers to any more, which holds a large model's memory to
    about one copy of its weights (docs/performance.md, "Large models").
  }];
  let options = [
    Option<"releaseReplacedWeights", "release-replaced-weights", "bool",
           /*default=*/"false",
           "Free the imported weights the layers' matrices replace (only "
           "when no other module of the context reads them: `nncc "
           "compile`, not a copy compiled beside its original)">
  ];
  let dependentDialects = ["::nncc::cim::CIMDialect"];
}

#endif // NNCC_CONVERSION_NNTOCIM_PASSES_TD
