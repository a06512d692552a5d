//===- MappingEvaluation.cpp - One candidate mapping, compiled and simulated ===//
#include "nncc/Driver/MappingEvaluation.h"

#include "nncc/Driver/Compile.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Simulation/Simulator.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/JsonNumbers.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace nncc;
using namespace nncc::driver;

MappingEvaluation driver::evaluateMapping(mlir::ModuleOp module,
                                          const target::TargetChip &chip,
                                          const CompileOptions &options) {
  MappingEvaluation evaluation;
  // The passes' diagnostics belong to this candidate: kept, not printed.
  std::string diagnostic;
  mlir::ScopedDiagnosticHandler keep(
      module.getContext(), [&](mlir::Diagnostic &d) {
        if (d.getSeverity() == mlir::DiagnosticSeverity::Error &&
            diagnostic.empty())
          diagnostic = llvm::StringRef(formatOneLine(d))
                           .drop_front(llvm::StringRef("error: ").size())
                           .str();
        return mlir::success();
      });
  mlir::OwningOpRef<mlir::ModuleOp> copy = module.clone();
  llvm::Expected<CompileResult> result = compile(*copy, chip, options, {});
  if (!result) {
    // A pass's own diagnostic says more than "compile failed".
    std::string message = llvm::toString(result.takeError());
    evaluation.failure = diagnostic.empty() ? message : diagnostic;
    return evaluation;
  }
  for (const LayerMapping &layer : result->mapping.layers)
    if (!llvm::is_contained(evaluation.layerNames, layer.name))
      evaluation.layerNames.push_back(layer.name);
  const SimulationReport &sim = *result->simulation;
  MappingFigures &f = evaluation.figures;
  evaluation.images = sim.images;
  f.floatAccuracy = sim.floatAccuracy;
  f.quantizedAccuracy = sim.quantizedAccuracy;
  f.accuracy = sim.points.front().mean;
  f.ciLow = sim.points.front().ciLow;
  f.ciHigh = sim.points.front().ciHigh;
  const ppa::ChipPPA &ppa = result->report.ppa;
  f.area = ppa.area;
  f.energy = ppa.energy;
  f.latency = ppa.latency;
  f.tops = ppa.tops();
  f.topsPerWatt = ppa.topsPerWatt();
  return evaluation;
}

llvm::Expected<std::shared_ptr<const Dataset>>
driver::labelWithFloatClasses(mlir::ModuleOp module, Dataset samples) {
  llvm::Expected<Executor> executor = Executor::create(module);
  if (!executor)
    return executor.takeError();
  llvm::Expected<std::vector<int64_t>> classes =
      predictClasses(*executor, samples);
  if (!classes)
    return classes.takeError();
  samples.labels = std::move(*classes);
  return std::make_shared<const Dataset>(std::move(samples));
}

void driver::writeMappingFigures(llvm::json::OStream &j,
                                 const MappingFigures &f) {
  jsonNumber(j, "float_accuracy", f.floatAccuracy);
  jsonNumber(j, "quantized_accuracy", f.quantizedAccuracy);
  jsonNumber(j, "accuracy_mean", f.accuracy);
  jsonNumber(j, "accuracy_ci95_low", f.ciLow);
  jsonNumber(j, "accuracy_ci95_high", f.ciHigh);
  jsonNumber(j, "area_m2", f.area);
  jsonNumber(j, "energy_j", f.energy);
  jsonNumber(j, "latency_s", f.latency);
  jsonNumber(j, "tops", f.tops);
  jsonNumber(j, "tops_per_w", f.topsPerWatt);
}

llvm::Expected<bool> driver::loadValidationSet(mlir::ModuleOp module,
                                               SimulationRequest &request) {
  llvm::Expected<DatasetSpec> spec = DatasetSpec::parse(request.dataset);
  if (!spec)
    return spec.takeError();
  llvm::Expected<Dataset> set = loadDataset(request.dataset);
  if (!set)
    return set.takeError();
  if (!spec->labels.empty()) {
    request.labelledSet = std::make_shared<const Dataset>(std::move(*set));
    return false;
  }
  llvm::Expected<std::shared_ptr<const Dataset>> labelled =
      labelWithFloatClasses(module, std::move(*set));
  if (!labelled)
    return labelled.takeError();
  request.labelledSet = std::move(*labelled);
  return true;
}

llvm::StringRef driver::toString(CostObjective objective) {
  switch (objective) {
  case CostObjective::Energy:
    return "energy";
  case CostObjective::Latency:
    return "latency";
  case CostObjective::Edp:
    return "edp";
  case CostObjective::Area:
    return "area";
  }
  return "energy";
}

double driver::costOf(const MappingFigures &f, CostObjective objective) {
  switch (objective) {
  case CostObjective::Energy:
    return f.energy;
  case CostObjective::Latency:
    return f.latency;
  case CostObjective::Edp:
    return f.energy * f.latency;
  case CostObjective::Area:
    return f.area;
  }
  return f.energy;
}
