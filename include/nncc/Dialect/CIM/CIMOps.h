//===- CIMOps.h - Operations of the cim dialect -----------------*- C++ -*-===//
#ifndef NNCC_DIALECT_CIM_CIMOPS_H
#define NNCC_DIALECT_CIM_CIMOPS_H

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/CIM/CIMInterfaces.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "cim/CIMOps.h.inc"

#endif // NNCC_DIALECT_CIM_CIMOPS_H
