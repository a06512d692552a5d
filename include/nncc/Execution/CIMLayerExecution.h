//===- CIMLayerExecution.h - Host execution of cim.layer ops ----*- C++ -*-===//
//
// Runs one `cim.layer` (dialects/cim/CIMOps.td) on host tensors, in one of
// three modes:
//
//   Float     the float weights [G, K, N] as the conv / gemm they came from
//             (runtime::conv / runtime::gemm on an ONNX-layout copy);
//   Integer   the quantized layer's integer semantics: quantize the input,
//             im2col it per group into xq [G, P, K], accumulate
//             acc[g, p, n] = sum_k xq * (q - z) exactly in int64 and
//             dequantize y = input_scale * weight_scales[g*N+n] * acc + bias;
//   Datapath  the same xq fed to the partitioned body, whose cim.mvm / adc /
//             shift_add / combine / accumulate ops are interpreted as the
//             hardware computes them (BodyInterpreter.h, with ideal array
//             reads), then dequantized like Integer.  With ideal cells and
//             a wide enough ADC (step 1, range covering every column sum)
//             the accumulators equal Integer's bit-exactly.
//
// Quantization: xq = clamp(round_half_away_from_zero(x / input_scale), lo, hi)
// with [lo, hi] = [-(2^(B-1) - 1), 2^(B-1) - 1] for signed inputs and
// [0, 2^B - 1] otherwise (B = input_bits).  The im2col order is P = (batch,
// output spatial...) row-major and K = (channel in group, kernel...)
// row-major, zero padded; a gemm has P = M and xq = A (or A^T).
//
// A CIMLayerRunner converts the layer's attributes once (the Executor keeps
// one per layer); the layer's module must outlive it and stay unchanged.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_EXECUTION_CIMLAYEREXECUTION_H
#define NNCC_EXECUTION_CIMLAYEREXECUTION_H

#include "nncc/Execution/BodyInterpreter.h"
#include "nncc/Runtime/Tensor.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>

namespace mlir {
class Operation;
} // namespace mlir

namespace nncc {
namespace cim {
class LayerOp;
} // namespace cim

enum class CIMExecutionMode : uint8_t {
  /// Datapath if the layer has a body, else Integer if it is quantized,
  /// else Float.
  Auto,
  Float,
  Integer,
  Datapath,
};

llvm::StringRef stringifyCIMExecutionMode(CIMExecutionMode mode);

/// Digit that input cycle `cycle` (of `cycles`, `dacBits` each) drives onto a
/// row for the quantized input `xq`; shift_add weights cycle j by
/// 2^(j * dacBits), the last one negatively for signed inputs, so that
/// sum_j weight_j * digit_j == xq exactly:
///   - unsigned inputs: bits [j*dacBits, (j+1)*dacBits) of xq;
///   - signed inputs: the same bits of xq's two's complement for every cycle
///     but the last; the last cycle carries minus the two's-complement value
///     of the top digit.  When the lower cycles hold at least input_bits - 1
///     bits ((cycles - 1) * dacBits >= input_bits - 1, e.g. dacBits = 1 and
///     cycles = input_bits) that is just the sign bit, 0 or 1; otherwise it
///     can be negative (a bipolar last cycle).
inline int64_t inputDigit(int64_t xq, int64_t cycle, int64_t cycles,
                          int64_t dacBits, bool isSigned) {
  const int64_t mask = (int64_t{1} << dacBits) - 1;
  const int64_t shift = cycle * dacBits;
  const int64_t digit =
      shift >= 63 ? (xq < 0 ? mask : 0) : (xq >> shift) & mask;
  if (!isSigned || cycle != cycles - 1)
    return digit;
  return digit > (mask >> 1) ? mask + 1 - digit : -digit;
}

/// Implementation choices; the results do not depend on them.
struct CIMRunnerOptions {
  /// Compute integer products and column sums with the f32 SGEMM where that
  /// is provably exact (every partial sum below 2^24), else integer loops.
  bool useFloatGemm = true;
  /// Input vectors per block of the datapath (0: automatic).  Blocks run in
  /// parallel; an observer always sees one block of all P vectors.
  int64_t vectorsPerBlock = 0;
};

/// One cim.layer prepared for repeated execution.  Thread-safe: run() may be
/// called concurrently.
class CIMLayerRunner {
public:
  /// Reads and checks the layer's attributes (and, when it has one, that its
  /// body holds only executable ops and that every stored weight fits its
  /// slices).
  static llvm::Expected<CIMLayerRunner>
  create(cim::LayerOp layer, const CIMRunnerOptions &options = {});

  /// The mode Auto resolves to.
  CIMExecutionMode getDefaultMode() const;
  /// Float always; Integer when quantized; Datapath when partitioned.
  bool supports(CIMExecutionMode mode) const;

  /// Matrix problem: groups G, vectors P, depth K, columns N.
  int64_t getGroups() const;
  int64_t getVectors() const;
  int64_t getDepth() const;
  int64_t getColumns() const;

  /// Runs the layer: `input` is f32 of the layer's input shape; `output` is
  /// allocated (f32, the layer's result shape) if empty, else must match.
  llvm::Error run(const runtime::Tensor &input, runtime::Tensor &output,
                  CIMExecutionMode mode = CIMExecutionMode::Auto) const;

  /// The int64 accumulators [G, P, N] in Integer or Datapath mode (Auto:
  /// Datapath when partitioned, else Integer).
  llvm::Expected<runtime::Tensor>
  computeAccumulators(const runtime::Tensor &input,
                      CIMExecutionMode mode = CIMExecutionMode::Auto) const;

  // Building blocks of the quantized modes.

  /// The quantized im2col input xq, i32 [G, P, K].
  llvm::Expected<runtime::Tensor>
  quantizeIm2col(const runtime::Tensor &input) const;
  /// The quantized input, i32 of the input's shape: what im2colBlock
  /// gathers from.
  llvm::Expected<runtime::Tensor>
  quantizeInput(const runtime::Tensor &input) const;
  /// Vectors [begin, begin + count) of every group of the im2col of
  /// `quantized` (from quantizeInput): i32 [G, count, K] like vectorBlock
  /// of quantizeIm2col's, or, when `inLanes`, [G, K, count] (each entry's
  /// vectors contiguous, for readers that hold vectors in vector lanes),
  /// without the whole im2col's memory and copies.
  runtime::Tensor im2colBlock(const runtime::Tensor &quantized, int64_t begin,
                              int64_t count, bool inLanes) const;
  /// Integer accumulators, i64 [G, P, N], of an xq [G, P, K].
  llvm::Expected<runtime::Tensor>
  integerAccumulators(const runtime::Tensor &im2col) const;
  /// Interprets the body on an xq [G, P, K]; returns what it yields.
  llvm::Expected<runtime::Tensor>
  datapathAccumulators(const runtime::Tensor &im2col,
                       CIMBodyObserver observer = nullptr) const;
  /// y = input_scale * weight_scales * acc + bias in the layer's output
  /// layout (allocated if `output` is empty); the accumulators are i64, or
  /// f64 holding integers (the simulator's rounded reads).
  llvm::Error dequantize(const runtime::Tensor &accumulators,
                         runtime::Tensor &output) const;

  struct Impl;

private:
  std::shared_ptr<const Impl> impl;
};

/// One-shot helpers (prepare the layer, run it once).
llvm::Error runCIMLayer(cim::LayerOp layer, const runtime::Tensor &input,
                        runtime::Tensor &output,
                        CIMExecutionMode mode = CIMExecutionMode::Auto);
llvm::Expected<runtime::Tensor>
computeCIMAccumulators(cim::LayerOp layer, const runtime::Tensor &input,
                       CIMExecutionMode mode = CIMExecutionMode::Auto);

} // namespace nncc

#endif // NNCC_EXECUTION_CIMLAYEREXECUTION_H
