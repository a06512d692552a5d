//===- Pipeline.h - The mapping pipeline of `nncc compile` ------*- C++ -*-===//
//
// The passes that map an imported nn module onto a chip, in order
// (docs/architecture.md): lower to cim, quantize, differential split,
// bit-slice, partition, replicate or time-multiplex, place.  `nncc compile`
// runs exactly these; `nncc-opt --nncc-map-pipeline=...` runs them from the
// command line, so either produces the same mapped program.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_PIPELINE_H
#define NNCC_DRIVER_PIPELINE_H

#include "nncc/Driver/CompileOptions.h"

#include "mlir/Pass/PassManager.h"

#include <memory>

namespace nncc {
struct Dataset;

namespace driver {

/// Passes from nn layers to partitioned, replicated (or program-grouped)
/// cim layers; the module must carry its #cim.target.  `weightBits` is the
/// resolved bit width (resolveWeightBits).  `calibration`, when given,
/// holds the already loaded calibration samples (options.calibration then
/// only names them in messages).  `releaseImportedWeights`: the module is
/// the only one of its context, so the lowering may free the imported
/// weights its matrices replace (CompileHooks::moduleOwnsWeights).  With
/// `chip`, replication follows its core.one_layer_copy.
void populateArrayMappingPipeline(
    mlir::OpPassManager &pm, const CompileOptions &options, int64_t weightBits,
    std::shared_ptr<const Dataset> calibration = nullptr,
    bool releaseImportedWeights = false,
    const target::TargetChip *chip = nullptr);
/// The placement of the mapped tiles onto cores; with `chip`, the placer
/// also sees its cores' buffer ports (core.buffer_port x clock).
void populatePlacementPipeline(mlir::OpPassManager &pm,
                               const CompileOptions &options,
                               const target::TargetChip *chip);

/// Registers `--nncc-map-pipeline` (options: target, weight-bits,
/// calibration, ... as `nncc compile`'s flags) with MLIR's pass registry.
void registerMappingPipeline();

} // namespace driver
} // namespace nncc

#endif // NNCC_DRIVER_PIPELINE_H
