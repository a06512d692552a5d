//===- NNOps.td - Operations of the nn graph dialect -------*- tablegen -*-===//
//
// One op per supported ONNX operator.  Attribute names follow ONNX; inputs
// that ONNX passes as tensors but that must be known at compile time (Reshape's
// shape, Pad's pads, Clip's bounds, Squeeze/Unsqueeze axes, Slice's bounds,
// Expand's shape, ReduceSum's axes) are attributes here, resolved by the
// importer from constants.
//
// Window attributes (kernel_shape, strides, dilations, pads) may be empty,
// meaning ONNX's default (kernel from the weight, strides and dilations 1,
// pads 0); `pads` uses ONNX's [x1_begin, x2_begin, ..., x1_end, x2_end] order.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_NN_OPS_TD
#define NNCC_DIALECT_NN_OPS_TD

include "NNDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def NN_F32Tensor : RankedTensorOf<[F32]>;
def NN_FloatTensor : RankedTensorOf<[F32, F64]>;
def NN_NumericTensor : RankedTensorOf<[F32, F64, AnyInteger]>;
def NN_IndexTensor : RankedTensorOf<[I32, I64]>;
def NN_BoolTensor : RankedTensorOf<[I1]>;
def NN_AnyTensor : RankedTensorOf<[AnyType]>;

//===----------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------===//

// Every nn op is pure and infers its result type from operands and
// attributes (`inferReturnTypes` in NNOps.cpp); the verifier then checks the
// declared result type against the inferred one.
class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

class NN_UnaryOp<string mnemonic, Type tensorType, list<Trait> traits = []>
    : NN_Op<mnemonic, traits> {
  let arguments = (ins tensorType:$X);
  let results = (outs tensorType:$Y);
}

class NN_BinaryOp<string mnemonic> : NN_Op<mnemonic> {
  let description = [{
    Elementwise with numpy multidirectional broadcasting.  Both operands and
    the result share one element type.  Integer division truncates toward zero.
  }];
  let arguments = (ins NN_NumericTensor:$A, NN_NumericTensor:$B);
  let results = (outs NN_NumericTensor:$C);
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def NN_ConstantOp : NN_Op<"constant", [ConstantLike]> {
  let summary = "Constant tensor (ONNX Constant and initializers)";
  let description = [{
    Holds a weight or another constant.  Large values are `dense_resource`
    blobs (raw little-endian bytes), small ones `dense` literals.
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs NN_AnyTensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def NN_ConvOp : NN_Op<"conv"> {
  let summary = "N-d convolution (ONNX Conv), 1 to 3 spatial dimensions";
  let description = [{
    X is [N, C, D1, ...], W is [M, C/group, k1, ...], optional B is [M].
  }];
  let arguments = (ins NN_F32Tensor:$X, NN_F32Tensor:$W,
                   Optional<NN_F32Tensor>:$B,
                   DefaultValuedAttr<NN_AutoPadAttr, "AutoPad::NotSet">:$auto_pad,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$kernel_shape,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides);
  let results = (outs NN_F32Tensor:$Y);
}

def NN_GemmOp : NN_Op<"gemm"> {
  let summary = "General matrix multiply: alpha * op(A) * op(B) + beta * C";
  let arguments = (ins NN_F32Tensor:$A, NN_F32Tensor:$B,
                   Optional<NN_F32Tensor>:$C,
                   DefaultValuedAttr<F32Attr, "1.0f">:$alpha,
                   DefaultValuedAttr<F32Attr, "1.0f">:$beta,
                   DefaultValuedAttr<BoolAttr, "false">:$transA,
                   DefaultValuedAttr<BoolAttr, "false">:$transB);
  let results = (outs NN_F32Tensor:$Y);
}

def NN_MatMulOp : NN_Op<"matmul"> {
  let summary = "Matrix product with numpy semantics (ONNX MatMul)";
  let arguments = (ins NN_F32Tensor:$A, NN_F32Tensor:$B);
  let results = (outs NN_F32Tensor:$Y);
}

//===----------------------------------------------------------------------===//
// Quantization (ONNX QDQ and integer operators)
//===----------------------------------------------------------------------===//

// Codes are 8-bit (ONNX's QuantizeLinear before opset 19; 16-bit from 21),
// accumulators and quantized biases 32-bit.
def NN_QuantizedTensor : RankedTensorOf<[I8, UI8, I16, UI16]>;
def NN_DequantizableTensor : RankedTensorOf<[I8, UI8, I16, UI16, I32]>;
// A scale or zero point: a scalar (rank 0 or [1]) for the whole tensor, or
// 1-D along `axis` (per channel).
def NN_ScaleTensor : RankedTensorOf<[F32]>;

def NN_QuantizeLinearOp : NN_Op<"quantize_linear"> {
  let summary = "y = saturate(round(x / y_scale) + y_zero_point) (ONNX QuantizeLinear)";
  let description = [{
    Rounds half to even and saturates to the zero point's element type,
    which is the result's.  The importer materializes ONNX's optional zero
    point (uint8 0).  Scale and zero point are per tensor or 1-D along
    `axis`.
  }];
  let arguments = (ins NN_F32Tensor:$x, NN_ScaleTensor:$y_scale,
                   NN_QuantizedTensor:$y_zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs NN_QuantizedTensor:$y);
  let hasVerifier = 1;
}

def NN_DequantizeLinearOp : NN_Op<"dequantize_linear"> {
  let summary = "y = (x - x_zero_point) * x_scale (ONNX DequantizeLinear)";
  let description = [{
    The difference is taken exactly (in i64) and converted to f32 before
    the multiply, as ONNX's reference does.  x may be an int32 quantized
    bias, whose zero point is 0.
  }];
  let arguments = (ins NN_DequantizableTensor:$x, NN_ScaleTensor:$x_scale,
                   NN_DequantizableTensor:$x_zero_point,
                   DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs NN_F32Tensor:$y);
  let hasVerifier = 1;
}

def NN_DynamicQuantizeLinearOp : NN_Op<"dynamic_quantize_linear"> {
  let summary = "uint8 quantization with the scale and zero point of x's range";
  let description = [{
    ONNX DynamicQuantizeLinear: the range [min(x, 0), max(x, 0)] maps onto
    [0, 255]; y_scale = (max - min) / 255 and y_zero_point =
    saturate(round(-min / y_scale)), both rank 0.
  }];
  let arguments = (ins NN_F32Tensor:$x);
  let results = (outs RankedTensorOf<[UI8]>:$y, NN_ScaleTensor:$y_scale,
                 RankedTensorOf<[UI8]>:$y_zero_point);
}

def NN_MatMulIntegerOp : NN_Op<"matmul_integer"> {
  let summary = "(A - a_zero_point) x (B - b_zero_point) in int32 (ONNX MatMulInteger)";
  let description = [{
    Numpy matmul semantics.  a_zero_point is a scalar or one per row of A
    ([M]); b_zero_point a scalar or one per column of B ([N]).  The
    importer materializes absent zero points as 0.
  }];
  let arguments = (ins NN_QuantizedTensor:$A, NN_QuantizedTensor:$B,
                   NN_QuantizedTensor:$a_zero_point,
                   NN_QuantizedTensor:$b_zero_point);
  let results = (outs RankedTensorOf<[I32]>:$Y);
  let hasVerifier = 1;
}

def NN_ConvIntegerOp : NN_Op<"conv_integer"> {
  let summary = "Convolution of (X - x_zero_point) and (W - w_zero_point) in int32";
  let description = [{
    ONNX ConvInteger; the window attributes are Conv's.  x_zero_point is a
    scalar; w_zero_point a scalar or one per filter ([M]).  Padding is
    x_zero_point, i.e. zero after the subtraction.
  }];
  let arguments = (ins NN_QuantizedTensor:$X, NN_QuantizedTensor:$W,
                   NN_QuantizedTensor:$x_zero_point,
                   NN_QuantizedTensor:$w_zero_point,
                   DefaultValuedAttr<NN_AutoPadAttr, "AutoPad::NotSet">:$auto_pad,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$kernel_shape,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides);
  let results = (outs RankedTensorOf<[I32]>:$Y);
  let hasVerifier = 1;
}

def NN_QLinearConvOp : NN_Op<"qlinear_conv"> {
  let summary = "Quantized convolution with requantized output (ONNX QLinearConv)";
  let description = [{
    acc = conv(X - x_zero_point, W - w_zero_point) + B in int32; y =
    saturate(round(acc * (x_scale * w_scale / y_scale)) + y_zero_point),
    rounding half to even.  w_scale and w_zero_point may be per filter;
    B is int32 with scale x_scale * w_scale and zero point 0.
  }];
  let arguments = (ins NN_QuantizedTensor:$X, NN_ScaleTensor:$x_scale,
                   NN_QuantizedTensor:$x_zero_point,
                   NN_QuantizedTensor:$W, NN_ScaleTensor:$w_scale,
                   NN_QuantizedTensor:$w_zero_point,
                   NN_ScaleTensor:$y_scale, NN_QuantizedTensor:$y_zero_point,
                   Optional<RankedTensorOf<[I32]>>:$B,
                   DefaultValuedAttr<NN_AutoPadAttr, "AutoPad::NotSet">:$auto_pad,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$dilations,
                   DefaultValuedAttr<I64Attr, "1">:$group,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$kernel_shape,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides);
  let results = (outs NN_QuantizedTensor:$Y);
  let hasVerifier = 1;
}

def NN_QLinearMatMulOp : NN_Op<"qlinear_matmul"> {
  let summary = "Quantized matmul with requantized output (ONNX QLinearMatMul)";
  let description = [{
    acc = (A - a_zero_point) x (B - b_zero_point) in int32 with numpy matmul
    semantics; y = saturate(round(acc * (a_scale * b_scale / y_scale)) +
    y_zero_point), rounding half to even.  Scales and zero points per
    tensor, or per row of A / per column of B.
  }];
  let arguments = (ins NN_QuantizedTensor:$A, NN_ScaleTensor:$a_scale,
                   NN_QuantizedTensor:$a_zero_point,
                   NN_QuantizedTensor:$B, NN_ScaleTensor:$b_scale,
                   NN_QuantizedTensor:$b_zero_point,
                   NN_ScaleTensor:$y_scale, NN_QuantizedTensor:$y_zero_point);
  let results = (outs NN_QuantizedTensor:$Y);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

def NN_ReluOp : NN_UnaryOp<"relu", NN_NumericTensor> {
  let summary = "max(x, 0)";
}
def NN_SigmoidOp : NN_UnaryOp<"sigmoid", NN_F32Tensor> {
  let summary = "1 / (1 + exp(-x))";
}
def NN_TanhOp : NN_UnaryOp<"tanh", NN_F32Tensor> {
  let summary = "Hyperbolic tangent";
}

def NN_LeakyReluOp : NN_Op<"leaky_relu"> {
  let summary = "x < 0 ? alpha * x : x";
  let arguments = (ins NN_F32Tensor:$X,
                   DefaultValuedAttr<F32Attr, "0.01f">:$alpha);
  let results = (outs NN_F32Tensor:$Y);
}

def NN_ClipOp : NN_Op<"clip"> {
  let summary = "Clamp to [min, max]; an absent bound is unbounded";
  let arguments = (ins NN_NumericTensor:$input,
                   OptionalAttr<F64Attr>:$min,
                   OptionalAttr<F64Attr>:$max);
  let results = (outs NN_NumericTensor:$output);
}

// Transcendental functions of encoders: GELU is Div, Erf, Add, Mul as torch
// 1.13 exports it; the decomposed LayerNormalization uses Sqrt; softmax's
// decomposed form uses Exp.
def NN_ErfOp : NN_UnaryOp<"erf", NN_FloatTensor> {
  let summary = "Gauss error function";
}
def NN_SqrtOp : NN_UnaryOp<"sqrt", NN_FloatTensor> {
  let summary = "Square root (NaN below 0)";
}
def NN_ExpOp : NN_UnaryOp<"exp", NN_FloatTensor> {
  let summary = "Natural exponential";
}
// DynamicQuantizeLinear's function body rounds its zero point.
def NN_RoundOp : NN_UnaryOp<"round", NN_FloatTensor> {
  let summary = "Round to the nearest integer, halves to even (ONNX Round)";
}

//===----------------------------------------------------------------------===//
// Pooling and normalization
//===----------------------------------------------------------------------===//

def NN_MaxPoolOp : NN_Op<"max_pool"> {
  let summary = "N-d max pooling (ONNX MaxPool, single output)";
  let arguments = (ins NN_NumericTensor:$X,
                   DefaultValuedAttr<NN_AutoPadAttr, "AutoPad::NotSet">:$auto_pad,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$dilations,
                   DenseI64ArrayAttr:$kernel_shape,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides);
  let results = (outs NN_NumericTensor:$Y);
}

def NN_AveragePoolOp : NN_Op<"average_pool"> {
  let summary = "N-d average pooling (ONNX AveragePool)";
  let arguments = (ins NN_F32Tensor:$X,
                   DefaultValuedAttr<NN_AutoPadAttr, "AutoPad::NotSet">:$auto_pad,
                   DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                   DefaultValuedAttr<BoolAttr, "false">:$count_include_pad,
                   DenseI64ArrayAttr:$kernel_shape,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$pads,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$strides);
  let results = (outs NN_F32Tensor:$Y);
}

def NN_GlobalAveragePoolOp : NN_UnaryOp<"global_average_pool", NN_F32Tensor> {
  let summary = "Mean over all spatial dimensions; keeps them as size 1";
}

def NN_BatchNormalizationOp : NN_Op<"batch_normalization"> {
  let summary = "Inference-mode batch normalization over channel dim 1";
  let arguments = (ins NN_F32Tensor:$X, NN_F32Tensor:$scale, NN_F32Tensor:$B,
                   NN_F32Tensor:$mean, NN_F32Tensor:$var,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs NN_F32Tensor:$Y);
  // Folds into a preceding conv or gemm with constant weights
  // (lib/Dialect/NN/FoldBatchNorm.cpp).
  let hasCanonicalizer = 1;
}

def NN_SoftmaxOp : NN_Op<"softmax"> {
  let summary = "Softmax along one axis (ONNX opset-13 semantics)";
  let arguments = (ins NN_F32Tensor:$input,
                   DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs NN_F32Tensor:$output);
}

def NN_LayerNormalizationOp : NN_Op<"layer_normalization"> {
  let summary = "Layer normalization over the dims from `axis` on (ONNX opset 17)";
  let description = [{
    Y = (X - mean) / sqrt(var + epsilon) * Scale + B, the mean and variance
    taken over dims [axis, rank); Scale and the optional B broadcast
    unidirectionally to those dims.  Statistics are computed in f32
    (stash_type 1, the only one ONNX defines); the optional Mean and
    InvStdDev outputs are not modelled.
  }];
  let arguments = (ins NN_F32Tensor:$X, NN_F32Tensor:$Scale,
                   Optional<NN_F32Tensor>:$B,
                   DefaultValuedAttr<I64Attr, "-1">:$axis,
                   DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs NN_F32Tensor:$Y);
}

class NN_ReduceOp<string mnemonic, string what> : NN_Op<mnemonic> {
  let summary = what # " over `axes` (all dims when empty, unless noop_with_empty_axes)";
  let description = [{
    Axes may be negative and must not repeat.  With `keepdims` the reduced
    dims stay as size 1.  With `noop_with_empty_axes` and no axes the op is
    the identity.
  }];
  let arguments = (ins NN_NumericTensor:$data,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                   DefaultValuedAttr<BoolAttr, "true">:$keepdims,
                   DefaultValuedAttr<BoolAttr, "false">:$noop_with_empty_axes);
  let results = (outs NN_NumericTensor:$reduced);
}
def NN_ReduceMeanOp : NN_ReduceOp<"reduce_mean", "Mean">;
def NN_ReduceSumOp : NN_ReduceOp<"reduce_sum", "Sum">;
def NN_ReduceMaxOp : NN_ReduceOp<"reduce_max", "Maximum">;
def NN_ReduceMinOp : NN_ReduceOp<"reduce_min", "Minimum">;

//===----------------------------------------------------------------------===//
// Elementwise arithmetic
//===----------------------------------------------------------------------===//

def NN_AddOp : NN_BinaryOp<"add"> { let summary = "A + B"; }
def NN_SubOp : NN_BinaryOp<"sub"> { let summary = "A - B"; }
def NN_MulOp : NN_BinaryOp<"mul"> { let summary = "A * B"; }
def NN_DivOp : NN_BinaryOp<"div"> { let summary = "A / B"; }
// ONNX's variadic Min and Max are chains of these; a NaN operand wins, as in
// numpy's minimum and maximum.
def NN_MinOp : NN_BinaryOp<"min"> { let summary = "min(A, B)"; }
def NN_MaxOp : NN_BinaryOp<"max"> { let summary = "max(A, B)"; }

def NN_PowOp : NN_Op<"pow"> {
  let summary = "X raised to Y, with the element type of X";
  let description = [{
    Numpy broadcasting.  X and Y may have different numeric element types
    (ONNX Pow since opset 12); the power is taken in f64 and converted to
    X's type (integer results truncate toward zero).
  }];
  let arguments = (ins NN_NumericTensor:$X, NN_NumericTensor:$Y);
  let results = (outs NN_NumericTensor:$Z);
}

def NN_EqualOp : NN_Op<"equal"> {
  let summary = "A == B elementwise, with numpy broadcasting; an i1 result";
  let arguments = (ins RankedTensorOf<[F32, F64, AnyInteger]>:$A,
                   RankedTensorOf<[F32, F64, AnyInteger]>:$B);
  let results = (outs NN_BoolTensor:$C);
}

def NN_WhereOp : NN_Op<"where"> {
  let summary = "condition ? X : Y elementwise, all three broadcast together";
  let arguments = (ins NN_BoolTensor:$condition, NN_AnyTensor:$X,
                   NN_AnyTensor:$Y);
  let results = (outs NN_AnyTensor:$output);
}

def NN_CastOp : NN_Op<"cast"> {
  let summary = "Convert every element to the element type `to`";
  let description = [{
    Float to integer truncates toward zero and saturates at the type's
    range (NaN becomes 0), as numpy's astype does for in-range values;
    anything non-zero converts to true.
  }];
  let arguments = (ins NN_AnyTensor:$input, TypeAttr:$to);
  let results = (outs NN_AnyTensor:$output);
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def NN_ConcatOp : NN_Op<"concat"> {
  let summary = "Concatenate along an axis";
  let arguments = (ins Variadic<NN_AnyTensor>:$inputs, I64Attr:$axis);
  let results = (outs NN_AnyTensor:$concat_result);
}

def NN_GatherOp : NN_Op<"gather"> {
  let summary = "Take entries of `data` along `axis` at `indices` (ONNX Gather)";
  let description = [{
    The result's shape is data.shape[:axis] + indices.shape +
    data.shape[axis+1:].  Negative indices count from the end.  An index
    outside [-n, n) selects zeros (ONNX leaves it undefined; the importer
    rejects constant out-of-range indices).
  }];
  let arguments = (ins NN_AnyTensor:$data, NN_IndexTensor:$indices,
                   DefaultValuedAttr<I64Attr, "0">:$axis);
  let results = (outs NN_AnyTensor:$output);
}

def NN_SliceOp : NN_Op<"slice"> {
  let summary = "Strided slice with ONNX Slice semantics (clamped bounds)";
  let description = [{
    For each entry i, dim axes[i] runs from starts[i] towards ends[i] in
    steps of steps[i]; negative starts/ends count from the end, bounds are
    clamped to the dim (see `resolveSlice`).  Empty `axes` means 0..n-1 and
    empty `steps` means all ones.
  }];
  let arguments = (ins NN_AnyTensor:$data, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$ends,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$steps);
  let results = (outs NN_AnyTensor:$output);
}

def NN_ExpandOp : NN_Op<"expand"> {
  let summary = "Broadcast to `shape` with numpy rules (ONNX Expand)";
  let description = [{
    The result's shape is the broadcast of the input's shape and `shape`, so
    it may have more dims than `shape` asks for, and 1s in `shape` keep the
    input's dims.
  }];
  let arguments = (ins NN_AnyTensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs NN_AnyTensor:$output);
}

def NN_FlattenOp : NN_Op<"flatten"> {
  let summary = "Collapse to 2-D at `axis`";
  let arguments = (ins NN_AnyTensor:$input, DefaultValuedAttr<I64Attr, "1">:$axis);
  let results = (outs NN_AnyTensor:$output);
}

def NN_ReshapeOp : NN_Op<"reshape"> {
  let summary = "Reshape; `shape` may hold one -1 and, unless allowzero, 0 = copy";
  let arguments = (ins NN_AnyTensor:$data, DenseI64ArrayAttr:$shape,
                   DefaultValuedAttr<BoolAttr, "false">:$allowzero);
  let results = (outs NN_AnyTensor:$reshaped);
}

def NN_TransposeOp : NN_Op<"transpose"> {
  let summary = "Permute dimensions (output dim i = input dim perm[i])";
  let arguments = (ins NN_AnyTensor:$data, DenseI64ArrayAttr:$perm);
  let results = (outs NN_AnyTensor:$transposed);
}

def NN_PadOp : NN_Op<"pad"> {
  let summary = "Pad (or crop with negative pads) every dimension";
  let arguments = (ins NN_AnyTensor:$data,
                   DefaultValuedAttr<NN_PadModeAttr, "PadMode::Constant">:$mode,
                   DenseI64ArrayAttr:$pads,
                   DefaultValuedAttr<F64Attr, "0.0">:$constant_value);
  let results = (outs NN_AnyTensor:$output);
}

def NN_SqueezeOp : NN_Op<"squeeze"> {
  let summary = "Remove size-1 dims listed in `axes` (all size-1 dims if empty)";
  let arguments = (ins NN_AnyTensor:$data,
                   DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$axes);
  let results = (outs NN_AnyTensor:$squeezed);
}

def NN_UnsqueezeOp : NN_Op<"unsqueeze"> {
  let summary = "Insert size-1 dims at `axes` (indices into the result)";
  let arguments = (ins NN_AnyTensor:$data, DenseI64ArrayAttr:$axes);
  let results = (outs NN_AnyTensor:$expanded);
}

#endif // NNCC_DIALECT_NN_OPS_TD
