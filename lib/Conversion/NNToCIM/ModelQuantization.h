//===- ModelQuantization.h - What a QDQ model says of a layer ---*- C++ -*-===//
//
// A pre-quantized model gives its weights as DequantizeLinear(int8 codes,
// scales, zero points) and its layers' inputs as DequantizeLinear(
// QuantizeLinear(x)).  These helpers read that form for the lowering: the
// weights' float values (what the model computes with) and the model's own
// quantization, which the layer then records (cim::ModelQuantization) for
// --nncc-quantize.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_CONVERSION_NNTOCIM_MODELQUANTIZATION_H
#define NNCC_CONVERSION_NNTOCIM_MODELQUANTIZATION_H

#include "nncc/Dialect/CIM/ModelQuantization.h"

#include "mlir/IR/Value.h"

#include <optional>
#include <vector>

namespace nncc {

/// The quantization of a dequantized constant, in the constant's terms.
struct QuantizedConstant {
  int64_t bits = 8;
  bool isSigned = true;
  /// One per tensor (size 1) or one per index of `axis`.
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = 0; ///< normalized; meaningless for one scale
};

/// The float values of a weight operand: a float constant (in place when
/// it is a plain buffer), or DequantizeLinear of constant codes, scales and
/// zero points (computed as the op computes them), with that quantization.
struct WeightOperand {
  std::vector<float> copy;
  llvm::ArrayRef<float> values;
  std::optional<QuantizedConstant> quantization;
};
std::optional<WeightOperand> readWeightOperand(mlir::Value v);

/// Whether `v` is a weight: a constant or a dequantized constant.
bool isWeightOperand(mlir::Value v);

/// The model's quantization of a layer's input: the value the layer reads
/// (x itself when the chip's input quantizer reproduces the model's
/// QuantizeLinear, else the dequantized codes) and the codes' grid.
struct LayerInputFromModel {
  mlir::Value input;
  cim::ModelInputGrid grid;
};
std::optional<LayerInputFromModel> readModelInputQuantization(mlir::Value x);

/// The model's weight grid per column of the layer's [G, K, N] matrix:
/// `channelAxis` is the constant's axis that indexes the columns (the
/// filters of a conv, N of a gemm), `scaleFactor` a factor folded into the
/// weights (Gemm's alpha).  nullopt when the model's scales run along
/// another axis (per row), which no column-wise periphery can apply; the
/// layer is then quantized by nncc.
std::optional<cim::ModelWeightGrid>
modelWeightGrid(const QuantizedConstant &q, int64_t channelAxis,
                int64_t columns, float scaleFactor);

} // namespace nncc

#endif // NNCC_CONVERSION_NNTOCIM_MODELQUANTIZATION_H
