//===- ModelWeightReferences.h - Which matrices the model holds -*- C++ -*-===//
//
// A large program's float weight matrices refer to the ONNX model instead of
// being copied into mapped.mlir (nncc/Dialect/CIM/ModelWeights.h).  This
// finds, for each cim.layer, the initializer its matrix equals bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_MODELWEIGHTREFERENCES_H
#define NNCC_DRIVER_MODELWEIGHTREFERENCES_H

#include "nncc/Dialect/CIM/ModelWeights.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

namespace nncc::driver {

/// A layer's `weights` attribute -> where the model file holds it.
using ModelWeightReferences =
    llvm::DenseMap<mlir::Attribute, cim::ModelWeightsRef>;

/// The cim.layers' f32 weight matrices that the ONNX model at `modelPath`
/// holds bit for bit, as stored ([K, N]: MatMul, Gemm) or transposed per
/// group ([G][N][K]: conv filters, Gemm with transB), each checked against
/// the whole initializer.  Matrices the lowering computed (a BatchNorm
/// folded in, Gemm's alpha) match nothing and stay out.
llvm::Expected<ModelWeightReferences>
findModelWeightReferences(mlir::ModuleOp module, llvm::StringRef modelPath);

} // namespace nncc::driver

#endif // NNCC_DRIVER_MODELWEIGHTREFERENCES_H
