//===- Passes.h - Lowering nn to cim ----------------------------*- C++ -*-===//
//
// --nncc-lower-nn-to-cim (Passes.td) and its rewrite patterns, for passes
// that lower nn weight layers as part of a larger conversion.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_CONVERSION_NNTOCIM_PASSES_H
#define NNCC_CONVERSION_NNTOCIM_PASSES_H

#include "nncc/Dialect/CIM/CIMDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace nncc {

/// Patterns replacing nn.conv, nn.gemm and nn.matmul (with constant weights)
/// by cim.layer ops at stage `lowered`.
void populateNNToCIMPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_DECL
#include "nncc/Conversion/NNToCIM/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "nncc/Conversion/NNToCIM/Passes.h.inc"

} // namespace nncc

#endif // NNCC_CONVERSION_NNTOCIM_PASSES_H
