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
  }];
  let dependentDialects = ["::nncc::cim::CIMDialect"];
}

#endif // NNCC_CONVERSION_NNTOCIM_PASSES_TD
