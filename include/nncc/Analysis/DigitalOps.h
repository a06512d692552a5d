//===- DigitalOps.h - What the cores' digital units do ----------*- C++ -*-===//
//
// After lowering, every op that is not a cim.layer is digital.  Which unit
// of a core runs it, and how much work it is, are decided here once for the
// compile warnings, the execution schedule and the PPA model.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_ANALYSIS_DIGITALOPS_H
#define NNCC_ANALYSIS_DIGITALOPS_H

#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Operation.h"

#include <cstdint>
#include <string>

namespace nncc {

enum class DigitalOpClass {
  Activation,  ///< relu, sigmoid, tanh, clip, leaky_relu, softmax, erf,
               ///< exp, sqrt
  Pooling,     ///< max / average / global average pooling
  Elementwise, ///< add, sub, mul, div, pow, equal, where, batch and layer
               ///< normalization, reductions, (de)quantization
  Layout,      ///< reshapes, transposes, concat, pad, slice, expand, gather,
               ///< cast, constants: no arithmetic
  /// A matmul or gemm left after lowering: a product of two activations
  /// (no weights to store in the arrays), for the core's MAC array; also
  /// the integer products (matmul_integer, conv_integer, qlinear_*) the
  /// lowering leaves.
  Product,
  Other        ///< anything else
};

DigitalOpClass classifyDigitalOp(mlir::Operation *op);

/// Whether a core of `chip` can run ops of this class (Product: when it has
/// a MAC array; Other: never).
bool coreRuns(DigitalOpClass opClass, const target::TargetChip &chip);

/// The digital ops left after lowering that the cores of `chip` cannot run
/// (core.sfu.* false: on bare macros the host runs them), as one line
/// "nn.softmax x1, ..." in name order, or "" when the chip runs them all.
std::string hostRunOps(mlir::ModuleOp module, const target::TargetChip &chip);

/// Elementary operations of one inference: output elements per sample times
/// the work per element (the window size of a pooling, 3 for softmax (exp,
/// sum, divide), 2 for batch normalization (scale, shift), 6 for layer
/// normalization, the elements reduced into one for a reduction, the reduced
/// dimension's length for a Product (its multiply-accumulates; a filter's
/// size for a convolution), 3 to quantize, 2 to dequantize, 5 for dynamic
/// quantization, else 1).
/// The batch is dimension 0 of the result.  0 for Layout.
int64_t digitalOpsPerInference(mlir::Operation *op);

} // namespace nncc

#endif // NNCC_ANALYSIS_DIGITALOPS_H
