//===- Kernels.h - Reference kernels of the float executor ------*- C++ -*-===//
//
// Each kernel computes one ONNX operator with ONNX semantics.  The caller owns
// shape inference: `out` arrives allocated with the operator's result shape and
// dtype (the executor takes both from the verified `nn` IR), so kernels never
// decide shapes and never allocate their result.
//
// Layouts are ONNX's: activations [N, C, spatial...] with 1 to 3 spatial dims,
// convolution weights [M, C/group, kernel...].  Compute kernels take float32;
// elementwise and data-movement kernels take any DType noted below.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_RUNTIME_KERNELS_H
#define NNCC_RUNTIME_KERNELS_H

#include "nncc/Runtime/Tensor.h"

namespace nncc::runtime {

/// Spatial window parameters shared by convolution and pooling; every vector
/// has one entry per spatial dimension, except that empty `strides` or
/// `dilations` mean all ones (ONNX's defaults).  Pads are explicit (auto_pad
/// has been resolved by the caller).
struct WindowParams {
  llvm::SmallVector<int64_t, 3> kernel;
  llvm::SmallVector<int64_t, 3> strides;
  llvm::SmallVector<int64_t, 3> dilations;
  llvm::SmallVector<int64_t, 3> padsBegin;
  llvm::SmallVector<int64_t, 3> padsEnd;
};

/// Conv: x [N, C, s...], w [M, C/group, k...], optional bias [M].  f32.
void conv(const Tensor &x, const Tensor &w, const Tensor *bias,
          const WindowParams &window, int64_t group, Tensor &out);

/// MaxPool over the window; padded positions never win.  Any numeric dtype.
void maxPool(const Tensor &x, const WindowParams &window, Tensor &out);
/// AveragePool; with `countIncludePad` false the divisor counts only the
/// window elements inside the input.  Windows that ceil_mode lets run past
/// the end of the padded input count only up to the padded edge.  A window
/// with nothing to count (only padding, countIncludePad false) gives NaN,
/// as in the ONNX reference.  f32.
void averagePool(const Tensor &x, const WindowParams &window,
                 bool countIncludePad, Tensor &out);
/// GlobalAveragePool: mean over all spatial dims, out [N, C, 1...].  f32.
void globalAveragePool(const Tensor &x, Tensor &out);

/// Gemm: out = alpha * op(A) * op(B) + beta * C, with C unidirectionally
/// broadcast to [M, N] (C may be null).  f32.
void gemm(const Tensor &a, const Tensor &b, const Tensor *c, float alpha,
          float beta, bool transA, bool transB, Tensor &out);
/// MatMul with numpy semantics (1-D promotion, batch broadcasting).  f32.
void matmul(const Tensor &a, const Tensor &b, Tensor &out);

/// Inference BatchNormalization over channel dim 1.  f32.
void batchNorm(const Tensor &x, const Tensor &scale, const Tensor &bias,
               const Tensor &mean, const Tensor &var, float epsilon,
               Tensor &out);
/// Softmax along `axis` (already non-negative), numerically stable.  f32.
void softmax(const Tensor &x, int64_t axis, Tensor &out);

enum class BinaryOpKind { Add, Sub, Mul, Div, Min, Max };
/// Elementwise binary op with numpy multidirectional broadcasting.  Any
/// numeric dtype (a, b and out share it); Min and Max propagate a NaN
/// operand as numpy's minimum and maximum do; integer Div truncates toward zero
/// and integer arithmetic wraps as in C for unsigned types.  Cases ONNX
/// leaves undefined are made total instead of trapping: integer division by
/// zero yields 0, and signed overflow (including MIN / -1) wraps.
void binary(BinaryOpKind kind, const Tensor &a, const Tensor &b, Tensor &out);

/// Pow: x ** y with numpy broadcasting; x and y may have different dtypes.
/// The power is taken in f64 and converted to out's dtype (x's) as cast()
/// converts.
void power(const Tensor &x, const Tensor &y, Tensor &out);
/// Equal: a == b with numpy broadcasting; a and b share any numeric dtype,
/// out is Bool.
void equal(const Tensor &a, const Tensor &b, Tensor &out);
/// Where: condition ? x : y with the three broadcast together.  condition
/// is Bool; x, y and out share any dtype.
void where(const Tensor &condition, const Tensor &x, const Tensor &y,
           Tensor &out);
/// Cast every element of x to out's dtype: to Bool is `!= 0`, float to
/// integer truncates and saturates (NaN gives 0), integer to integer wraps
/// as numpy's astype does.
void cast(const Tensor &x, Tensor &out);

/// Round: to the nearest integer, halves to even.
enum class UnaryOpKind { Relu, Sigmoid, Tanh, Erf, Sqrt, Exp, Round };
/// Relu: any numeric dtype; the others: f32 and f64.
void unary(UnaryOpKind kind, const Tensor &x, Tensor &out);
/// LeakyRelu: x < 0 ? alpha * x : x.  f32.
void leakyRelu(const Tensor &x, float alpha, Tensor &out);
/// Clip to [lo, hi]; a missing bound is unbounded.  Any numeric dtype; the
/// bounds are converted to the dtype first.
void clip(const Tensor &x, std::optional<double> lo, std::optional<double> hi,
          Tensor &out);

enum class ReduceKind { Sum, Mean, Max, Min };
/// Reduces x over the dims flagged in `reducedDims` (one flag per dim of
/// x); out holds the kept dims in order (with or without unit dims for the
/// reduced ones).  Sums accumulate in f64 (integers in int64, wrapping);
/// Max and Min ignore nothing, so a NaN wins.  Any numeric dtype.
void reduce(ReduceKind kind, const Tensor &x, llvm::ArrayRef<bool> reducedDims,
            Tensor &out);
/// LayerNormalization over dims [axis, rank): (x - mean) / sqrt(var + eps)
/// * scale + bias, scale and the optional bias broadcast to those dims;
/// statistics in f64.  f32.
void layerNorm(const Tensor &x, const Tensor &scale, const Tensor *bias,
               int64_t axis, float epsilon, Tensor &out);

/// Transpose by `perm` (out dim i = in dim perm[i]).  Any dtype.
void transpose(const Tensor &x, llvm::ArrayRef<int64_t> perm, Tensor &out);
/// Concat along `axis` (non-negative).  Any dtype, all inputs share it.
void concat(llvm::ArrayRef<const Tensor *> inputs, int64_t axis, Tensor &out);

/// Gather along `axis` (non-negative): out = data[..., indices, ...].
/// indices are I32 or I64; negative ones count from the end and indices
/// outside [-n, n) give zeros.  Any dtype.
void gather(const Tensor &data, const Tensor &indices, int64_t axis,
            Tensor &out);
/// Strided slice: out dim d takes out.dim(d) elements of x's dim d from
/// start[d] in steps of step[d] (which may be negative).  Any dtype.
void slice(const Tensor &x, llvm::ArrayRef<int64_t> start,
           llvm::ArrayRef<int64_t> step, Tensor &out);
/// Broadcast x to out's shape with numpy rules (Expand).  Any dtype.
void expand(const Tensor &x, Tensor &out);

enum class PadMode { Constant, Reflect, Edge };
/// Pad every dim by padsBegin[i] / padsEnd[i] (non-negative; negative pads
/// crop).  Any dtype; `value` is converted to it for Constant mode.
void pad(const Tensor &x, llvm::ArrayRef<int64_t> padsBegin,
         llvm::ArrayRef<int64_t> padsEnd, PadMode mode, double value,
         Tensor &out);

// Quantization (ONNX's QDQ and integer operators).  Codes are I8, U8, I16
// or U16 (a dequantized bias also I32); scales are F32.  A scale or zero
// point holds one element for the whole tensor, or one per index of the
// dim it is taken along.  Rounding is half to even; out-of-range values
// saturate to the code type's range.

/// QuantizeLinear: out = saturate(round(x / scale) + zeroPoint), the
/// division in f32; NaN gives the zero point.  x is F32, out and zeroPoint
/// share the code type; scale and zeroPoint are per tensor or per index of
/// x's dim `axis` (non-negative).
void quantizeLinear(const Tensor &x, const Tensor &scale,
                    const Tensor &zeroPoint, int64_t axis, Tensor &out);
/// DequantizeLinear: out = f32(x - zeroPoint) * scale, the difference exact.
/// x and zeroPoint share the code type; out is F32.
void dequantizeLinear(const Tensor &x, const Tensor &scale,
                      const Tensor &zeroPoint, int64_t axis, Tensor &out);
/// DynamicQuantizeLinear, as ONNX's reference computes it: with lo =
/// min(x, 0) and hi = max(x, 0), scale = f32((hi - lo) / 255) (in f64),
/// zeroPoint = saturate(round(-lo / scale)) (in f64), y = QuantizeLinear(x,
/// scale, zeroPoint).  An all-zero x gives scale 0, zero point 0 and y 0.
/// x is F32; y (x's shape) and zeroPoint (rank 0) U8, scale F32 rank 0.
void dynamicQuantizeLinear(const Tensor &x, Tensor &y, Tensor &scale,
                           Tensor &zeroPoint);
/// MatMulInteger: out (I32) = (a - aZeroPoint) x (b - bZeroPoint) with
/// numpy matmul semantics (1-D promotion, batch broadcasting), accumulated
/// in int32 (wrapping).  aZeroPoint is per tensor or one per row of A,
/// bZeroPoint per tensor or one per column of B; each has its operand's
/// code type.
void matmulInteger(const Tensor &a, const Tensor &b, const Tensor &aZeroPoint,
                   const Tensor &bZeroPoint, Tensor &out);
/// ConvInteger: out (I32) = conv(x - xZeroPoint, w - wZeroPoint) + bias,
/// accumulated in int32 (wrapping); the padding contributes 0 (it holds the
/// zero point).  xZeroPoint is per tensor, wZeroPoint per tensor or one per
/// filter; the optional bias is I32 [M].
void convInteger(const Tensor &x, const Tensor &w, const Tensor &xZeroPoint,
                 const Tensor &wZeroPoint, const Tensor *bias,
                 const WindowParams &window, int64_t group, Tensor &out);
/// Requantizes int32 accumulators (QLinearConv, QLinearMatMul): out =
/// saturate(round(f32(acc) * m) + yZeroPoint) with m = (scaleA * scaleB) /
/// yScale, everything in f32 as onnxruntime computes it.  scaleA is per
/// tensor or per index of acc's dim `axisA`, likewise scaleB; yScale and
/// yZeroPoint are per tensor.
void requantize(const Tensor &acc, const Tensor &scaleA, int64_t axisA,
                const Tensor &scaleB, int64_t axisB, const Tensor &yScale,
                const Tensor &yZeroPoint, Tensor &out);

} // namespace nncc::runtime

#endif // NNCC_RUNTIME_KERNELS_H
