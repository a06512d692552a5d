//===- CIMInterfaces.h - Interfaces of the cim dialect ----------*- C++ -*-===//
#ifndef NNCC_DIALECT_CIM_CIMINTERFACES_H
#define NNCC_DIALECT_CIM_CIMINTERFACES_H

#include "nncc/Dialect/CIM/BodyEvaluation.h"

#include "mlir/IR/OpDefinition.h"

#include "cim/CIMInterfaces.h.inc"

#endif // NNCC_DIALECT_CIM_CIMINTERFACES_H
