//===- ExpandQuantizedOps.h - QLinear and integer ops in QDQ form -*- C++ -*-===//
#ifndef NNCC_DIALECT_NN_EXPANDQUANTIZEDOPS_H
#define NNCC_DIALECT_NN_EXPANDQUANTIZEDOPS_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace nncc::nn {

/// Patterns rewriting nn.qlinear_conv, nn.qlinear_matmul, nn.conv_integer
/// and nn.matmul_integer into float conv/matmul between dequantize_linear
/// operands (then quantize_linear, or a cast to i32): the QDQ form the
/// lowering onto crossbars reads.
void populateExpandQuantizedOpsPatterns(mlir::RewritePatternSet &patterns);

} // namespace nncc::nn

#endif // NNCC_DIALECT_NN_EXPANDQUANTIZEDOPS_H
