//===- ModelQuantization.h - A pre-quantized model's grid on a layer -*- C++ -*-===//
//
// A model quantized elsewhere (QDQ: DequantizeLinear of int8 weights,
// QuantizeLinear -> DequantizeLinear on activations) brings its own weight
// and input grids.  The lowering records them on the cim.layer it makes and
// --nncc-quantize keeps them instead of choosing its own
// (docs/quantized-models.md).  The record is a discardable attribute, so
// that layers without it, and the bytecode of their programs, are what they
// were.  One definition of the attribute for its writer and its readers.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_MODELQUANTIZATION_H
#define NNCC_DIALECT_CIM_MODELQUANTIZATION_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <vector>

namespace nncc::cim {

/// `cim.model_quantization = {input_bits, input_signed, input_scale,
/// weight_bits, weight_signed, weight_scales, weight_zero_points}`: the
/// input entries together or none, the weight entries together or none.
inline constexpr llvm::StringLiteral kModelQuantizationAttrName =
    "cim.model_quantization";

/// The model's weight grid: one scale and zero point per column of the
/// layer's [G, K, N] matrix (G * N), or one for all.
struct ModelWeightGrid {
  int64_t bits = 8;
  bool isSigned = true;
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
};

/// The model's input codes: bits, signedness, one scale (no zero point: the
/// arrays' input quantizer has none).
struct ModelInputGrid {
  int64_t bits = 8;
  bool isSigned = false;
  double scale = 1.0;
};

struct ModelQuantization {
  std::optional<ModelWeightGrid> weights;
  std::optional<ModelInputGrid> input;
};

/// Records `q` on `op` (removes the attribute when `q` holds nothing).
void setModelQuantization(mlir::Operation *op, const ModelQuantization &q);

/// What `op` records; an empty ModelQuantization without the attribute.
/// Assumes a verified layer (verifyModelQuantization).
ModelQuantization getModelQuantization(mlir::Operation *op);

/// Checks the attribute of a layer with `columns` (G * N) columns: entries
/// complete, of the right kinds and shapes, bits in range, the scale
/// positive and finite.  Errors are emitted at `op`.
mlir::LogicalResult verifyModelQuantization(mlir::Operation *op,
                                            int64_t columns);

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_MODELQUANTIZATION_H
