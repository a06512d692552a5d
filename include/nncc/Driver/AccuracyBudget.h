//===- AccuracyBudget.h - The cheapest mapping within an accuracy drop -*- C++ -*-===//
//
// `nncc compile --accuracy-budget X` (docs/accuracy-budget.md): the mapping
// choices the target leaves open are tried one after another, each compiled
// (its PPA) and simulated on a labelled validation set with every effect;
// of those whose accuracy drop against float stays within X points (at the
// lower end of the 95 % interval over chip instances), the cheapest by the
// chosen objective wins.  The caller then compiles the winner for real.
//
// The knobs searched: the signed-weight scheme (offset-reference,
// differential-columns, differential-rows) of the whole network, the
// target's own first; then, from the cheapest within the budget, each
// layer in turn tries the other schemes and keeps one that is cheaper and
// still within (coordinate descent: a layer that tolerates the cheaper
// offset code gets it where the others need G+/G-).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_ACCURACYBUDGET_H
#define NNCC_DRIVER_ACCURACYBUDGET_H

#include "nncc/Driver/CompileOptions.h"
#include "nncc/Driver/MappingEvaluation.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace nncc {
namespace target {
struct TargetChip;
} // namespace target

namespace driver {


struct AccuracyBudget {
  /// Largest accepted drop against float, in percentage points.
  double points = 0;
  /// How each candidate is simulated: `dataset` is the validation set (not
  /// the test set); instances, effects, ADC range and calibration as
  /// `--simulate` takes them.  IMAGES,LABELS[:N] measures accuracy against
  /// the labels; IMAGES[:N] without labels, or no set at all (then the
  /// compile calibration samples after its --calibration-limit, at most
  /// kHeldBackSamples), measures agreement with the float model's class:
  /// the float model's classes are the labels.
  SimulationRequest validation;
  CostObjective objective = CostObjective::Energy;
  /// "energy", "latency", "edp" or "area".
  static llvm::Expected<CostObjective> parseObjective(llvm::StringRef name);
};

struct CandidateOutcome : MappingFigures {
  /// The knobs: the signed-weight scheme of the network, and the layers
  /// that store theirs otherwise (the search's own, not the user's).
  std::string scheme;
  std::vector<LayerKnob> layerKnobs;
  /// "differential-rows", "differential-rows, /7/Gemm offset-reference".
  std::string describe() const;
  /// Why the candidate could not be compiled (empty: it was).
  std::string failure;
  double cost = 0; ///< by the objective
  bool withinBudget = false;
};

/// Calibration samples held back for an unlabelled budget search.
inline constexpr int64_t kHeldBackSamples = 500;

struct BudgetSearch {
  AccuracyBudget budget;
  int64_t images = 0, instances = 0;
  /// What the samples were: the validation set as given, or the held-back
  /// calibration samples ("FILE samples 256..755").
  std::string validationSet;
  /// Accuracies are agreement with the float model's class (no labels).
  bool agreement = false;
  /// The target's own mapping first (the naive one).
  std::vector<CandidateOutcome> candidates;
  int chosen = -1;
  std::string stopReason;
};

/// Tries every candidate mapping of `module` (not changed) on `chip`, the
/// other options as `base` has them, and chooses one.
llvm::Expected<BudgetSearch>
searchAccuracyBudget(mlir::ModuleOp module, const target::TargetChip &chip,
                     const CompileOptions &base, const AccuracyBudget &budget);

/// The candidates, the choice and its cost against the naive mapping.
void printBudgetSearch(const BudgetSearch &search, llvm::raw_ostream &os);
/// `accuracy_budget.json` (schema nncc-accuracy-budget, version 1).
void writeBudgetSearchJson(const BudgetSearch &search, llvm::raw_ostream &os);

} // namespace driver
} // namespace nncc

#endif // NNCC_DRIVER_ACCURACYBUDGET_H
