//===- Diagnosis.h - Why a chip lost the model's accuracy -------*- C++ -*-===//
#ifndef NNCC_LIB_SIMULATION_DIAGNOSIS_H
#define NNCC_LIB_SIMULATION_DIAGNOSIS_H

#include "nncc/Simulation/Simulator.h"

namespace nncc {

/// Test images the ablation runs on (the first ones of the test set).
constexpr int64_t kDiagnosisImages = 200;

/// The ablation behind SimulationReport::diagnosis: `report` is the full
/// simulation's, `options` its options.
llvm::Expected<AccuracyDiagnosis>
diagnoseAccuracyLoss(mlir::ModuleOp module, const target::TargetChip &chip,
                     const Dataset &test, const Dataset &calibration,
                     const SimulationOptions &options,
                     const SimulationReport &report);

/// Classes of the labelled `set`: its largest label + 1.
int64_t classCount(const Dataset &set);

} // namespace nncc

#endif // NNCC_LIB_SIMULATION_DIAGNOSIS_H
