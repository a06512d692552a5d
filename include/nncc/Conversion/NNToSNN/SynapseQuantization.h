//===- SynapseQuantization.h - Float weights to synapse codes ---*- C++ -*-===//
//
// One neuron's real weights become signed synapse codes times a step (the
// real value of one code).  How depends on the precision: binary codes are
// the signs with the mean magnitude as step (XNOR-Net's scaling, Rastegari
// et al., ECCV 2016); ternary codes zero the weights below 0.7 of the mean
// magnitude and take the mean of the rest as step (ternary weight networks,
// Li et al., 2016); wider codes scale the largest magnitude to the largest
// code.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_CONVERSION_NNTOSNN_SYNAPSEQUANTIZATION_H
#define NNCC_CONVERSION_NNTOSNN_SYNAPSEQUANTIZATION_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace nncc {

/// The step that suits `weights` at `synapseBits` (> 0; 1 when every
/// weight is zero).
double synapseStep(llvm::ArrayRef<float> weights, int64_t synapseBits);

/// Codes of `weights` for `step`: round(w / step) clamped to the code range;
/// ternary codes use the 0.7 * mean threshold for their zeros; binary codes
/// are never 0.
void synapseCodes(llvm::ArrayRef<float> weights, int64_t synapseBits,
                  double step, llvm::MutableArrayRef<int32_t> codes);

} // namespace nncc

#endif // NNCC_CONVERSION_NNTOSNN_SYNAPSEQUANTIZATION_H
