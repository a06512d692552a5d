//===- MappingEvaluation.h - One candidate mapping, compiled and simulated -*- C++ -*-===//
//
// What `--accuracy-budget` (a candidate) and `nncc explore` (a point) both
// do: compile a copy of the model with some options, simulate it, and keep
// its accuracy and cost, or why it could not be mapped.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_MAPPINGEVALUATION_H
#define NNCC_DRIVER_MAPPINGEVALUATION_H

#include "nncc/Driver/CompileOptions.h"

#include "nncc/Data/Dataset.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <memory>

#include <string>
#include <vector>

namespace nncc {
namespace target {
struct TargetChip;
} // namespace target

namespace driver {

/// A compiled and simulated mapping's accuracies on the simulation set
/// (the chip's: the first time point's mean and 95 % interval over
/// instances) and its cost per inference.
struct MappingFigures {
  double floatAccuracy = 0, quantizedAccuracy = 0;
  double accuracy = 0, ciLow = 0, ciHigh = 0;
  double area = 0, energy = 0, latency = 0; ///< m^2, J and s per inference
  double tops = 0, topsPerWatt = 0;
};

/// What a mapping's cost is measured by: energy or latency per inference,
/// their product, or placed area.
enum class CostObjective { Energy, Latency, Edp, Area };
/// "energy", "latency", "edp", "area" (command lines and JSON).
llvm::StringRef toString(CostObjective objective);
/// `figures`' cost by `objective`.
double costOf(const MappingFigures &figures, CostObjective objective);

struct MappingEvaluation {
  /// Why the mapping has no figures (the passes' first error, kept rather
  /// than printed); empty when it has.
  std::string failure;
  MappingFigures figures;
  /// The mapped layers' distinct names, in network order.
  std::vector<std::string> layerNames;
  int64_t images = 0; ///< simulated
};

/// Writes `figures` into the JSON object `j` is in (float_accuracy,
/// quantized_accuracy, accuracy_mean, accuracy_ci95_low/high, area_m2,
/// energy_j, latency_s, tops, tops_per_w): one spelling wherever a
/// mapping's figures are written.
void writeMappingFigures(llvm::json::OStream &j, const MappingFigures &figures);

/// `samples` labelled with the class the float model (`module`, the
/// imported network) gives each: simulated against these labels, a chip's
/// "accuracy" is its agreement with the float model, for data without
/// labels.
llvm::Expected<std::shared_ptr<const Dataset>>
labelWithFloatClasses(mlir::ModuleOp module, Dataset samples);

/// Loads the validation set `request.dataset` once into
/// `request.labelledSet`, so that the candidates it serves simulate from
/// memory rather than each reading the file again.  A set without labels
/// takes the float model's classes (labelWithFloatClasses); then the
/// result is true and accuracy means agreement with the float model.
llvm::Expected<bool> loadValidationSet(mlir::ModuleOp module,
                                       SimulationRequest &request);

/// Compiles a copy of `module` (not changed) for `chip` with `options`,
/// which must ask for a simulation.
MappingEvaluation evaluateMapping(mlir::ModuleOp module,
                                  const target::TargetChip &chip,
                                  const CompileOptions &options);

} // namespace driver
} // namespace nncc

#endif // NNCC_DRIVER_MAPPINGEVALUATION_H
