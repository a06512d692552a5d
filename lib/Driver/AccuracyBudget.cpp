//===- AccuracyBudget.cpp - The cheapest mapping within an accuracy drop --===//
#include "nncc/Driver/AccuracyBudget.h"

#include "nncc/Data/Dataset.h"
#include "nncc/Driver/Compile.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/JsonNumbers.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace nncc;
using namespace nncc::driver;

namespace {

/// The schemes to try, the target's own first.
std::vector<std::string> candidateSchemes(const target::TargetChip &chip) {
  std::vector<std::string> schemes{
      toString(chip.array.signedWeights).str()};
  for (auto s : {target::SignedWeightScheme::OffsetReference,
                 target::SignedWeightScheme::DifferentialColumns,
                 target::SignedWeightScheme::DifferentialRows})
    if (s != chip.array.signedWeights)
      schemes.push_back(toString(s).str());
  return schemes;
}

/// The validation set in memory (`request.labelledSet`): the one given,
/// or, without one, calibration samples held back (`described` then says
/// which).  Without labels the float model's class of each sample is its
/// label and `agreement` is set.
llvm::Error labelValidationSet(mlir::ModuleOp module,
                               const CompileOptions &base,
                               SimulationRequest &request,
                               std::string &described, bool &agreement) {
  if (!request.dataset.empty()) {
    llvm::Expected<bool> unlabelled = loadValidationSet(module, request);
    if (!unlabelled)
      return unlabelled.takeError();
    agreement = *unlabelled;
    return llvm::Error::success();
  }
  {
    // The compile calibration samples after those that set the ranges.
    const std::string heldBack =
        "--accuracy-budget without --accuracy-set measures agreement with "
        "the float model on calibration samples held back from "
        "--calibration (those after --calibration-limit)";
    if (base.calibration.empty())
      return makeError(heldBack + "; give --calibration FILE, or "
                                  "--accuracy-set IMAGES[,LABELS][:N]");
    llvm::Expected<DatasetSpec> spec = DatasetSpec::parse(base.calibration);
    if (!spec)
      return spec.takeError();
    llvm::Expected<Dataset> set = loadDataset(spec->samples);
    if (!set)
      return set.takeError();
    const int64_t begin = base.calibrationLimit;
    Dataset samples = sampleRange(*set, begin, kHeldBackSamples);
    if (samples.size() == 0)
      return makeError(heldBack + "; '" + spec->samples + "' has only " +
                       std::to_string(set->size()) + " samples");
    described = llvm::formatv("{0} samples {1}..{2} (held back from "
                              "calibration)",
                              spec->samples, begin,
                              begin + samples.size() - 1)
                    .str();
    llvm::Expected<std::shared_ptr<const Dataset>> labelled =
        driver::labelWithFloatClasses(module, std::move(samples));
    if (!labelled)
      return labelled.takeError();
    request.labelledSet = std::move(*labelled);
    agreement = true;
    return llvm::Error::success();
  }
}

} // namespace

std::string CandidateOutcome::describe() const {
  std::string text = scheme;
  for (const LayerKnob &k : layerKnobs)
    text += ", " + k.layer + " " +
            (k.knob == "scheme" ? k.value : k.knob + "=" + k.value);
  return text;
}

llvm::Expected<CostObjective>
AccuracyBudget::parseObjective(llvm::StringRef name) {
  for (CostObjective objective :
       {CostObjective::Energy, CostObjective::Latency, CostObjective::Edp,
        CostObjective::Area})
    if (name == toString(objective))
      return objective;
  return makeError("objective '" + name +
                   "': expected energy, latency, edp or area");
}

llvm::Expected<BudgetSearch>
driver::searchAccuracyBudget(mlir::ModuleOp module,
                             const target::TargetChip &chip,
                             const CompileOptions &base,
                             const AccuracyBudget &budget) {
  if (!(budget.points >= 0))
    return makeError("--accuracy-budget must be a non-negative number of "
                     "points");
  BudgetSearch search;
  search.budget = budget;
  // Each candidate at t0, without the ablation that says why a chip fails
  // (the search compares accuracies; it does not explain them).
  SimulationRequest validation = budget.validation;
  search.validationSet = validation.dataset;
  if (llvm::Error e = labelValidationSet(module, base, validation,
                                            search.validationSet,
                                            search.agreement))
    return std::move(e);
  validation.diagnose = false;
  validation.times.clear();
  search.instances = validation.instances;

  // One candidate compiled and simulated; the layers' names come from the
  // first that maps.
  std::vector<std::string> layerNames;
  auto evaluate = [&](const std::string &scheme,
                      const std::vector<LayerKnob> &knobs) {
    CandidateOutcome c;
    c.scheme = scheme;
    c.layerKnobs = knobs;
    CompileOptions options = base;
    options.scheme = scheme;
    llvm::append_range(options.layerKnobs, knobs);
    options.simulation = validation;
    MappingEvaluation evaluation = evaluateMapping(module, chip, options);
    if (!evaluation.failure.empty()) {
      c.failure = evaluation.failure;
      return c;
    }
    if (layerNames.empty())
      layerNames = evaluation.layerNames;
    search.images = evaluation.images;
    static_cast<MappingFigures &>(c) = evaluation.figures;
    c.cost = costOf(c, budget.objective);
    c.withinBudget =
        100 * (c.floatAccuracy - c.ciLow) <= budget.points + 1e-9;
    return c;
  };

  const std::vector<std::string> schemes = candidateSchemes(chip);
  for (const std::string &scheme : schemes)
    search.candidates.push_back(evaluate(scheme, {}));
  const size_t wholeNetwork = search.candidates.size();
  auto cheapestWithin = [&] {
    for (auto [i, c] : llvm::enumerate(search.candidates))
      if (c.failure.empty() && c.withinBudget &&
          (search.chosen < 0 ||
           c.cost < search.candidates[search.chosen].cost))
        search.chosen = static_cast<int>(i);
  };
  cheapestWithin();

  // One name for every layer: a layer's knob is the network's.
  if (layerNames.size() < 2)
    layerNames.clear();
  // One pass over the layers for one knob: from the chosen candidate, each
  // value in turn for the layer (replacing the search's earlier choice for
  // it); the first that `improves` on the current choice is kept.  With
  // `ordered` values (each a step further than the one before) the layer
  // goes on from the kept one and stops at the first that does not
  // improve.  Layers whose knob the user fixed (--layer) keep it.
  auto layerPass = [&](llvm::StringRef knob, bool ordered,
                       llvm::ArrayRef<std::string> values,
                       llvm::function_ref<bool(const CandidateOutcome &,
                                               const CandidateOutcome &)>
                           improves,
                       llvm::function_ref<bool()> done) {
    for (const std::string &layer : layerNames) {
      if (done())
        return;
      if (llvm::any_of(base.layerKnobs, [&](const LayerKnob &k) {
            return k.layer == layer && k.knob == knob;
          }))
        continue;
      for (const std::string &value : values) {
        const CandidateOutcome current = search.candidates[search.chosen];
        // The layer's value now: its own knob, else (for the scheme) the
        // network's.
        std::string now = knob == "scheme" ? current.scheme : "";
        std::vector<LayerKnob> knobs;
        for (const LayerKnob &k : current.layerKnobs)
          if (k.layer == layer && k.knob == knob)
            now = k.value;
          else
            knobs.push_back(k);
        if (value == now)
          continue;
        knobs.push_back({layer, knob.str(), value});
        CandidateOutcome c = evaluate(current.scheme, knobs);
        search.candidates.push_back(c);
        const bool better = c.failure.empty() && improves(c, current);
        if (better)
          search.chosen = static_cast<int>(search.candidates.size() - 1);
        if (better != ordered || done())
          break;
      }
    }
  };
  auto cheaperWithin = [](const CandidateOutcome &c,
                          const CandidateOutcome &current) {
    return c.withinBudget && c.cost < current.cost;
  };
  auto never = [] { return false; };

  std::string repair;
  if (search.chosen < 0) {
    // Nothing within the budget: from the most accurate mapping, per
    // layer, while each raises the accuracy's lower bound and until a
    // mapping is within the budget: ADC ranges calibrated for the least
    // conversion error (free in hardware), then fewer bits per cell where
    // cells hold several (halving; more arrays, digits on levels further
    // apart), then fewer rows read at once (halving down to 1/8 of the
    // target's rows_in_parallel; more conversions).
    for (auto [i, c] : llvm::enumerate(search.candidates))
      if (c.failure.empty() &&
          (search.chosen < 0 ||
           c.ciLow > search.candidates[search.chosen].ciLow))
        search.chosen = static_cast<int>(i);
    if (search.chosen < 0)
      return makeError("--accuracy-budget: no candidate mapping compiles: " +
                       search.candidates.front().failure);
    const size_t before = search.candidates.size();
    auto moreAccurate = [](const CandidateOutcome &c,
                           const CandidateOutcome &current) {
      return c.ciLow > current.ciLow;
    };
    auto within = [&] { return search.candidates[search.chosen].withinBudget; };
    const std::string leastError[] = {"mse"};
    layerPass("adc-range", /*ordered=*/false, leastError, moreAccurate, within);
    // Halving (rounded up) the bits per cell: 7 -> 4 -> 2 -> 1.  Each
    // about doubles the slices, and ceil(b / 2) is the fewest bits that
    // store a b-bit value in two slices, so the digits sit as far apart as
    // that many slices allow (7 -> 6 would add a slice whose top digit uses
    // 1/63 of the range).
    std::vector<std::string> fewerCellBits;
    for (int64_t bits = chip.device.bitsPerCell(); bits > 1;) {
      bits = (bits + 1) / 2;
      fewerCellBits.push_back(std::to_string(bits));
    }
    layerPass("bits-per-cell", /*ordered=*/true, fewerCellBits, moreAccurate,
              within);
    std::vector<std::string> fewerRows;
    for (int64_t rows = chip.array.rowsInParallel / 2;
         rows >= std::max<int64_t>(1, chip.array.rowsInParallel / 8);
         rows /= 2)
      fewerRows.push_back(std::to_string(rows));
    layerPass("rows-in-parallel", /*ordered=*/true, fewerRows, moreAccurate,
              within);
    repair = llvm::formatv("; none within {0} points, so layers tried "
                           "least-error ADC ranges, fewer bits per cell and "
                           "fewer rows at once ({1} more)",
                           budget.points, search.candidates.size() - before)
                 .str();
    if (!search.candidates[search.chosen].withinBudget) {
      search.stopReason =
          llvm::formatv("tried all {0} signed-weight schemes{1}; still none "
                        "within {2} points, the most accurate chosen",
                        wholeNetwork, repair, budget.points)
              .str();
      return search;
    }
  }

  // Within the budget: per layer, a cheaper signed-weight scheme, then
  // fewer weight bits (fewer slices per weight where cells hold fewer
  // bits), then fewer input bits (fewer input cycles), each kept while the
  // mapping stays within the budget.
  const size_t before = search.candidates.size();
  layerPass("scheme", /*ordered=*/false, schemes, cheaperWithin, never);
  const int64_t weightBits =
      base.weightBits > 0 ? base.weightBits : chip.array.weightBits;
  std::vector<std::string> fewerBits;
  for (int64_t bits = weightBits - 2; bits >= 2; bits -= 2)
    fewerBits.push_back(std::to_string(bits));
  layerPass("weight-bits", /*ordered=*/true, fewerBits, cheaperWithin, never);
  std::vector<std::string> fewerInputBits;
  for (int64_t bits = chip.periphery.inputBits - 2; bits >= 2; bits -= 2)
    fewerInputBits.push_back(std::to_string(bits));
  layerPass("input-bits", /*ordered=*/true, fewerInputBits, cheaperWithin,
            never);
  search.stopReason =
      llvm::formatv("tried all {0} signed-weight schemes{1}, then each "
                    "layer's other schemes, fewer weight bits and fewer "
                    "input bits ({2} more); the cheapest by {3} within {4} "
                    "points",
                    wholeNetwork, repair, search.candidates.size() - before,
                    toString(budget.objective), budget.points)
          .str();
  return search;
}

void driver::printBudgetSearch(const BudgetSearch &search,
                               llvm::raw_ostream &os) {
  os << llvm::formatv("accuracy budget: drop <= {0} points (at the 95 % "
                      "lower bound), cheapest by {1}, on {2} validation "
                      "images x {3} instance(s)",
                      search.budget.points,
                      toString(search.budget.objective), search.images,
                      search.instances);
  if (search.agreement)
    os << "; no labels: accuracy is agreement with the float model's class, "
          "on "
       << search.validationSet;
  os << "\n";
  size_t width = 22;
  for (const CandidateOutcome &c : search.candidates)
    width = std::max(width, c.describe().size() + 2);
  os << llvm::left_justify("scheme", width)
     << llvm::formatv("{0,10}{1,9}{2,12}{3,12}{4,11}\n", "accuracy", "drop",
                      "energy", "latency", "area");
  for (auto [i, c] : llvm::enumerate(search.candidates)) {
    os << llvm::left_justify(c.describe(), width);
    if (!c.failure.empty()) {
      os << "not mapped: " << c.failure << "\n";
      continue;
    }
    os << llvm::format("%8.2f %%%9.2f%9.4g uJ%9.4g us%7.4g mm2", 100 * c.accuracy,
                       100 * (c.floatAccuracy - c.accuracy), 1e6 * c.energy,
                       1e6 * c.latency, 1e6 * c.area);
    os << (static_cast<int>(i) == search.chosen
               ? "  chosen"
               : (c.withinBudget ? "" : "  over budget"))
       << "\n";
  }
  const CandidateOutcome &chosen = search.candidates[search.chosen];
  const CandidateOutcome &naive = search.candidates.front();
  os << "chose " << chosen.describe() << ": " << search.stopReason;
  if (search.chosen != 0 && naive.failure.empty() && naive.energy > 0)
    os << llvm::format("; against the target's own mapping (%s): %+.1f %% "
                       "energy, %+.1f %% latency, %+.1f %% area, %+.2f "
                       "points accuracy",
                       naive.scheme.c_str(),
                       100 * (chosen.energy / naive.energy - 1),
                       100 * (chosen.latency / naive.latency - 1),
                       100 * (chosen.area / naive.area - 1),
                       100 * (chosen.accuracy - naive.accuracy));
  os << "\n";
}

void driver::writeBudgetSearchJson(const BudgetSearch &search,
                                   llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema", "nncc-accuracy-budget");
    j.attribute("version", 1);
    jsonNumber(j, "budget_points", search.budget.points);
    j.attribute("objective", toString(search.budget.objective));
    j.attribute("validation_set", search.validationSet);
    j.attribute("measure", search.agreement ? "float_class_agreement"
                                            : "labels");
    j.attribute("images", search.images);
    j.attribute("instances", search.instances);
    j.attribute("chosen", search.candidates[search.chosen].scheme);
    j.attributeArray("chosen_layers", [&] {
      for (const LayerKnob &k : search.candidates[search.chosen].layerKnobs)
        j.object([&] {
          j.attribute("layer", k.layer);
          j.attribute(k.knob, k.value);
        });
    });
    j.attribute("stop_reason", search.stopReason);
    j.attributeArray("candidates", [&] {
      for (const CandidateOutcome &c : search.candidates)
        j.object([&] {
          j.attribute("scheme", c.scheme);
          j.attributeArray("layers", [&] {
            for (const LayerKnob &k : c.layerKnobs)
              j.object([&] {
                j.attribute("layer", k.layer);
                j.attribute(k.knob, k.value);
              });
          });
          if (!c.failure.empty()) {
            j.attribute("failure", c.failure);
            return;
          }
          writeMappingFigures(j, c);
          j.attribute("within_budget", c.withinBudget);
        });
    });
  });
  os << '\n';
}
