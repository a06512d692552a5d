//===- BodyEvaluation.h - What a cim body op evaluates against --*- C++ -*-===//
//
// The context of CIM_BodyOpInterface::evaluate (dialects/cim/CIMInterfaces.td):
// the block of input vectors being evaluated and the ArrayReader, the one
// part of a body's meaning that depends on the physical chip.
//
// Values are runtime::Tensor in one of two domains:
//   exact  the IR's element types: i32 column sums and codes, i64
//          magnitudes, partials and accumulators (the datapath executor);
//   real   f64 everywhere after the read (the accuracy simulator).
// An ArrayReader chooses the domain by what its read returns; every digital
// body op keeps the element type it is given (i32 codes become i64 sums).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_BODYEVALUATION_H
#define NNCC_DIALECT_CIM_BODYEVALUATION_H

#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace nncc::cim {
class MVMOp;
class ADCOp;

/// The physical read of a layer body: what a cim.mvm's array and a cim.adc's
/// converter produce.  The executor reads ideal cells and converts as
/// cim.adc's description says (exact i32); the simulator reads conductances
/// with noise and IR drop and converts with calibrated ranges (f64).  A
/// reader serves one block of vectors on one thread.
class ArrayReader {
public:
  virtual ~ArrayReader();
  /// Whether this reader takes the block's quantized inputs as i32
  /// [G, K, vectors], each input row's vectors contiguous (what a reader
  /// that holds vectors in vector lanes wants), rather than [G, vectors, K].
  virtual bool inputsInLanes() const { return false; }
  /// Column sums [cycles, row groups, vectors, columns] of `mvm` for the
  /// block's quantized inputs `inputs` (laid out as inputsInLanes says).
  virtual llvm::Error read(MVMOp mvm, const runtime::Tensor &inputs,
                           runtime::Tensor &columnSums) = 0;
  /// What `adc` hands the digital periphery for `columnSums` (same shape).
  /// When `reusable`, nothing reads `columnSums` afterwards and its buffer
  /// may hold the result.
  virtual llvm::Error convert(ADCOp adc, const runtime::Tensor &columnSums,
                              bool reusable, runtime::Tensor &codes) = 0;
};

/// What evaluating one body op sees besides its operands.
struct BodyEvaluation {
  ArrayReader &reader;
  /// Input vectors in the block (the IR's types count all P of the layer).
  int64_t vectors = 0;
  /// Operands of the op being evaluated that nothing reads after it (and
  /// nobody observes); their buffers may be reused.
  llvm::ArrayRef<mlir::Value> dyingOperands;

  bool isDying(mlir::Value value) const {
    return llvm::is_contained(dyingOperands, value);
  }
};

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_BODYEVALUATION_H
