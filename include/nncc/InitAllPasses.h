//===- InitAllPasses.h - Every nncc pass, for the tools ---------*- C++ -*-===//
//
// One place that knows all of nncc's passes: nncc-opt registers them all, and
// nncc includes this header for the passes' create functions.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_INITALLPASSES_H
#define NNCC_INITALLPASSES_H

#include "nncc/Conversion/NNToCIM/Passes.h"
#include "nncc/Conversion/NNToSNN/Passes.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"
#include "nncc/Dialect/SNN/Transforms/Passes.h"

namespace nncc {

/// Registers every nncc pass with the global registry (--nncc-... flags).
inline void registerAllPasses() {
  registerNNToCIMPasses();
  registerCIMTransformsPasses();
  registerNNToSNNPasses();
  registerSNNTransformsPasses();
}

} // namespace nncc

#endif // NNCC_INITALLPASSES_H
