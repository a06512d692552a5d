//===- CIMDialect.cpp - The memory-centric cim dialect --------------------===//
#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/ModelWeights.h"
#include "nncc/Dialect/NN/NNOps.h"

#include "mlir/Bytecode/BytecodeImplementation.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace nncc::cim;

#include "cim/CIMDialect.cpp.inc"
#include "cim/CIMEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "cim/CIMAttrs.cpp.inc"

namespace {

/// The cim dialect's group in MLIR bytecode holds only references to float
/// weights in the model file (ModelWeights.h), written by the compile's
/// attribute callback; the dialect's own attributes keep MLIR's textual
/// fallback encoding.
struct CIMBytecodeInterface : public BytecodeDialectInterface {
  explicit CIMBytecodeInterface(Dialect *dialect)
      : BytecodeDialectInterface(dialect) {}

  Attribute readAttribute(DialectBytecodeReader &reader) const override {
    return readModelWeightsRef(reader);
  }
};

} // namespace

void CIMDialect::initialize() {
  addInterfaces<CIMBytecodeInterface>();
  addOperations<
#define GET_OP_LIST
#include "cim/CIMOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "cim/CIMAttrs.cpp.inc"
      >();
}

LogicalResult TargetAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, StringRef name, int64_t rows,
    int64_t cols, int64_t levels, int64_t rowsInParallel, int64_t adcBits,
    int64_t columnsPerAdc, int64_t inputBits, int64_t dacBits,
    SignedScheme signedWeights, FloatAttr gMin, FloatAttr gMax, int64_t cores,
    int64_t arraysPerCore, FloatAttr readPulse, FloatAttr conversionTime,
    int64_t meshWidth, int64_t meshHeight, bool, bool sampleAndHold,
    bool sensedInRead, int64_t readPhases) {
  // Input codes go through 64-bit shift-and-add weights 2^(j * dac_bits).
  if (rows < 1 || cols < 1 || levels < 2 || rowsInParallel < 1 ||
      rowsInParallel > rows || adcBits < 1 || columnsPerAdc < 1 ||
      inputBits < 1 || inputBits > 63 || dacBits < 1 || dacBits > inputBits ||
      cores < 1 || arraysPerCore < 1)
    return emitError() << "inconsistent target parameters (check with "
                          "`nncc target validate`)";
  if (!gMin || !gMax || gMax.getValueAsDouble() <= gMin.getValueAsDouble())
    return emitError() << "g_max must exceed g_min";
  if (readPhases != 1 && readPhases != 4)
    return emitError() << "read_phases must be 1 or 4";
  if (readPhases != 1 && signedWeights != SignedScheme::DifferentialRows)
    return emitError() << "four-phase reads need signed_weights = "
                          "differential_rows";
  if ((readPulse && readPulse.getValueAsDouble() < 0) ||
      (conversionTime && conversionTime.getValueAsDouble() < 0))
    return emitError() << "read_pulse and conversion_time must be >= 0";
  if (sampleAndHold && sensedInRead)
    return emitError() << "sample_and_hold and sensed_in_read exclude each "
                          "other: a held value is converted after the read";
  if (meshWidth < 0 || meshHeight < 0 ||
      (meshWidth > 0 && meshHeight > 0 && meshWidth * meshHeight < cores))
    return emitError() << "a " << meshWidth << "x" << meshHeight
                       << " mesh cannot hold " << cores << " cores";
  return success();
}

int64_t TargetAttr::getBitsPerCell() const {
  int64_t bits = 0;
  while ((int64_t{2} << bits) <= getLevels())
    ++bits;
  return bits;
}

TargetAttr nncc::cim::getTarget(Operation *op) {
  auto module = isa<ModuleOp>(op) ? cast<ModuleOp>(op)
                                  : op->getParentOfType<ModuleOp>();
  return module ? module->getAttrOfType<TargetAttr>(kTargetAttrName)
                : TargetAttr();
}
