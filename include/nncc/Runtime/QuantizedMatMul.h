//===- QuantizedMatMul.h - A MatMul as an integer MAC array runs it -*- C++ -*-===//
//
// The cores' digital MAC array (core.mac_array) multiplies two activations
// (attention's Q K^T and its weights x V).  With integer operands it
// quantizes both to `bits`-bit signed codes, multiplies and accumulates the
// codes exactly (a wide accumulator: no rounding, no overflow) and rescales
// the sum to f32 once.  This is the host-side model of that arithmetic,
// deterministic for given operands and scales.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_RUNTIME_QUANTIZEDMATMUL_H
#define NNCC_RUNTIME_QUANTIZEDMATMUL_H

#include "nncc/Runtime/Tensor.h"

#include <cstdint>

namespace nncc::runtime {

/// Symmetric linear quantization of one MAC-array operand to a signed
/// `bits`-bit code: code = clamp(round(x / scale), -qmax, qmax), rounding
/// half away from zero, qmax = 2^(bits-1) - 1 (the narrow range keeps the
/// code set symmetric, so -x quantizes to -code), scale = range / qmax.
/// Values beyond +-range saturate.  A zero range (an operand that was
/// always 0) quantizes everything to 0.
struct SymmetricQuantizer {
  double scale = 0;
  int64_t qmax = 0;

  /// For operands within +-range; bits in [2, 32].
  static SymmetricQuantizer forRange(double range, int64_t bits);
  /// x's code (NaN quantizes to 0).
  int64_t code(float x) const;
};

/// MatMul with numpy semantics (as runtime::matmul: 1-D promotion, batch
/// broadcasting) of A and B quantized by `qa` and `qb`: out = (sum over k of
/// code(a) * code(b)) * qa.scale * qb.scale, the integer sum exact and the
/// product of the scales and the sum formed in f64, rounded to f32 once.
/// f32 operands and result.
void quantizedMatMul(const Tensor &a, const Tensor &b,
                     const SymmetricQuantizer &qa,
                     const SymmetricQuantizer &qb, Tensor &out);

} // namespace nncc::runtime

#endif // NNCC_RUNTIME_QUANTIZEDMATMUL_H
