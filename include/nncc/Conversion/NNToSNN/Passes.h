//===- Passes.h - Converting a ReLU network to spikes -----------*- C++ -*-===//
#ifndef NNCC_CONVERSION_NNTOSNN_PASSES_H
#define NNCC_CONVERSION_NNTOSNN_PASSES_H

#include "nncc/Data/Dataset.h"
#include "nncc/Dialect/SNN/SNNDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace nncc {

#define GEN_PASS_DECL
#include "nncc/Conversion/NNToSNN/Passes.h.inc"

/// The pass calibrating on samples the caller already read.
std::unique_ptr<mlir::Pass>
createConvertNNToSNN(const ConvertNNToSNNOptions &options,
                     std::shared_ptr<const Dataset> calibration);

#define GEN_PASS_REGISTRATION
#include "nncc/Conversion/NNToSNN/Passes.h.inc"

} // namespace nncc

#endif // NNCC_CONVERSION_NNTOSNN_PASSES_H
