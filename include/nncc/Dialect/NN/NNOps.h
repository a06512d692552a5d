//===- NNOps.h - Operations of the nn graph dialect -------------*- C++ -*-===//
#ifndef NNCC_DIALECT_NN_NNOPS_H
#define NNCC_DIALECT_NN_NNOPS_H

#include "nncc/Dialect/NN/NNDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>
#include <vector>

#define GET_OP_CLASSES
#include "nn/NNOps.h.inc"

namespace nncc::nn {

/// Explicit window geometry of a conv or pooling op: ONNX defaults filled in
/// and auto_pad resolved against the input's spatial dims.
struct WindowGeometry {
  llvm::SmallVector<int64_t, 3> kernel, strides, dilations, padsBegin, padsEnd;
  llvm::SmallVector<int64_t, 3> outputSpatial;
};

/// Resolves the window of ConvOp, MaxPoolOp or AveragePoolOp.  Fails (and
/// emits through `loc` when given) if the attributes are inconsistent with
/// the input.  Shared by shape inference, the executor and later lowerings
/// so that every consumer agrees on the padding.
mlir::FailureOr<WindowGeometry>
resolveWindow(std::optional<mlir::Location> loc, llvm::StringRef opName,
              llvm::ArrayRef<int64_t> inputSpatial,
              llvm::ArrayRef<int64_t> kernelShape,
              llvm::ArrayRef<int64_t> strides, llvm::ArrayRef<int64_t> dilations,
              llvm::ArrayRef<int64_t> pads, AutoPad autoPad, bool ceilMode);

/// The resolved window of a conv/pool op whose operand types are known.
WindowGeometry getWindowGeometry(ConvOp op);
WindowGeometry getWindowGeometry(ConvIntegerOp op);
WindowGeometry getWindowGeometry(QLinearConvOp op);
WindowGeometry getWindowGeometry(MaxPoolOp op);
WindowGeometry getWindowGeometry(AveragePoolOp op);

/// The elements a Slice takes along each dim of its input: `start`, then
/// every `step`-th, `size` of them (steps may be negative).  Dims the slice
/// does not name take everything.
struct SliceGeometry {
  llvm::SmallVector<int64_t, 6> start, step, size;
};

/// Resolves ONNX Slice's starts/ends/axes/steps against `inputShape`
/// (negative values count from the end, bounds are clamped, empty axes and
/// steps take ONNX's defaults).  Fails, emitting through `loc` when given,
/// on a zero step, a repeated or out-of-range axis or lists of different
/// lengths.  Shared by shape inference, the executor and import folding.
mlir::FailureOr<SliceGeometry>
resolveSlice(std::optional<mlir::Location> loc,
             llvm::ArrayRef<int64_t> inputShape, llvm::ArrayRef<int64_t> starts,
             llvm::ArrayRef<int64_t> ends, llvm::ArrayRef<int64_t> axes,
             llvm::ArrayRef<int64_t> steps);
SliceGeometry getSliceGeometry(SliceOp op);

/// Which dims of a rank-`rank` input a reduce op with `axes` reduces (all
/// for empty axes, none when `noopWithEmptyAxes`).  Fails, emitting
/// through `loc` when given, on an out-of-range or repeated axis.
mlir::FailureOr<llvm::SmallVector<bool>>
resolveReducedDims(std::optional<mlir::Location> loc,
                   llvm::ArrayRef<int64_t> axes, int64_t rank,
                   bool noopWithEmptyAxes);

/// Erases every nn.constant below `root` that has no use left.
void eraseUnusedConstants(mlir::Operation *root);

/// The values of `v` when an f32 nn.constant defines it, else nullopt.
std::optional<std::vector<float>> getConstantF32Values(mlir::Value v);

} // namespace nncc::nn

#endif // NNCC_DIALECT_NN_NNOPS_H
