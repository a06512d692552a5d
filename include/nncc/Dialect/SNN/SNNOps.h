//===- SNNOps.h - Operations of the snn dialect -----------------*- C++ -*-===//
#ifndef NNCC_DIALECT_SNN_SNNOPS_H
#define NNCC_DIALECT_SNN_SNNOPS_H

#include "nncc/Dialect/SNN/SNNDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "snn/SNNOps.h.inc"

namespace nncc::snn {

/// Largest magnitude of a synapse code of `synapseBits` bits: 1 for binary
/// (+-1) and ternary codes, 2^(b-1) - 1 from 3 bits on.
int64_t maxSynapseCode(int64_t synapseBits);

/// Output extent of a window along one dim (ONNX's floor rule).
int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                         int64_t dilation, int64_t padBegin, int64_t padEnd);

} // namespace nncc::snn

#endif // NNCC_DIALECT_SNN_SNNOPS_H
