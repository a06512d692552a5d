//===- SNNDialect.h - The spiking snn dialect -------------------*- C++ -*-===//
#ifndef NNCC_DIALECT_SNN_SNNDIALECT_H
#define NNCC_DIALECT_SNN_SNNDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "snn/SNNDialect.h.inc"
#include "snn/SNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "snn/SNNAttrs.h.inc"

#endif // NNCC_DIALECT_SNN_SNNDIALECT_H
