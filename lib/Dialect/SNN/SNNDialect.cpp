//===- SNNDialect.cpp - The spiking snn dialect ---------------------------===//
#include "nncc/Dialect/SNN/SNNDialect.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/SNN/SNNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace nncc::snn;

#include "snn/SNNDialect.cpp.inc"
#include "snn/SNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "snn/SNNAttrs.cpp.inc"

void SNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "snn/SNNOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "snn/SNNAttrs.cpp.inc"
      >();
}
