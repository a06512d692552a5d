//===- ModelSummary.h - Layers, shapes, parameters and MACs -----*- C++ -*-===//
#ifndef NNCC_ANALYSIS_MODELSUMMARY_H
#define NNCC_ANALYSIS_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace nncc {

/// One compute op of an nn module.
struct LayerSummary {
  std::string name;   ///< The ONNX node name (or "#index").
  std::string opName; ///< The nn op, e.g. "nn.conv".
  llvm::SmallVector<int64_t> outputShape;
  int64_t parameters = 0; ///< Elements of the constant operands it reads.
  int64_t macs = 0;       ///< Multiply-accumulates of one inference.
};

struct ModelSummary {
  std::vector<LayerSummary> layers;
  int64_t totalParameters = 0;
  int64_t totalMacs = 0;
};

/// Multiply-accumulates of one nn op over its whole result (0 for ops that
/// multiply neither by weights nor by activations): conv, gemm, matmul and
/// their integer and quantized forms.
int64_t macsOf(mlir::Operation *op);

/// Summarizes `@main` of an nn module: every op but constants.
ModelSummary summarizeModel(mlir::ModuleOp module);

/// Prints the summary as an aligned text table.
void printModelSummary(const ModelSummary &summary, llvm::raw_ostream &os);

} // namespace nncc

#endif // NNCC_ANALYSIS_MODELSUMMARY_H
