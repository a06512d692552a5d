//===- ProductRangeCalibration.h - MAC-array operand ranges -----*- C++ -*-===//
//
// Watches the calibration run of --nncc-quantize for the products the
// cores' MAC arrays compute (nn.matmul of two activations, which the
// lowering left; Analysis/DigitalOps.h) and records each operand's largest
// magnitude on its op (Dialect/CIM/ProductOperandRanges.h).  Kept apart
// from the crossbar layers' calibration: it changes no layer.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_DIALECT_CIM_TRANSFORMS_PRODUCTRANGECALIBRATION_H
#define NNCC_LIB_DIALECT_CIM_TRANSFORMS_PRODUCTRANGECALIBRATION_H

#include "nncc/Dialect/CIM/ProductOperandRanges.h"
#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/MapVector.h"

namespace nncc::cim {

class ProductRangeCalibration {
public:
  /// An op the calibration is about to run, with its operands: a MAC-array
  /// product's are folded into its ranges; other ops are ignored.
  void observe(mlir::Operation *op,
               llvm::ArrayRef<const runtime::Tensor *> operands);
  /// Sets the ranges seen on their ops (call once the run is over, with
  /// no other thread touching those ops).
  void record() const;

private:
  llvm::MapVector<mlir::Operation *, OperandRanges> ranges;
};

} // namespace nncc::cim

#endif // NNCC_LIB_DIALECT_CIM_TRANSFORMS_PRODUCTRANGECALIBRATION_H
