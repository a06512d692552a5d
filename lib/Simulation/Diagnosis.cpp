//===- Diagnosis.cpp - Why a chip lost the model's accuracy ---------------===//
//
// A chip at chance says nothing about why.  When the simulated accuracy is
// far below float, the same program runs again on the first test images
// with each non-ideality switched off in turn: the effect whose absence
// recovers the most is the one to blame, and the per-layer output error
// says where.  When even the ideal quantized chip has lost it, the
// precision the program quantizes to is to blame, before any device.
//
//===----------------------------------------------------------------------===//
#include "Diagnosis.h"

#include "nncc/Dialect/CIM/CIMOps.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace nncc;

namespace {

/// Points below the reference that count as lost.
constexpr double kLostFraction = 0.10;

std::string percent(double fraction) {
  return llvm::formatv("{0:F2} %", 100 * fraction).str();
}

} // namespace

int64_t nncc::classCount(const Dataset &set) {
  int64_t largest = -1;
  for (int64_t label : set.labels)
    largest = std::max(largest, label);
  return largest + 1;
}

bool nncc::accuracyLost(double accuracy, double reference, int64_t classes) {
  const double chance = classes > 0 ? 1.0 / static_cast<double>(classes) : 0;
  // Near chance counts only where the reference itself is above it (an
  // untrained model loses nothing on the chip).
  return accuracy < reference - kLostFraction ||
         (reference > 1.5 * chance && accuracy <= 1.5 * chance);
}

llvm::Expected<AccuracyDiagnosis>
nncc::diagnoseAccuracyLoss(mlir::ModuleOp module,
                           const target::TargetChip &chip, const Dataset &test,
                           const Dataset &calibration,
                           const SimulationOptions &options,
                           const SimulationReport &report) {
  AccuracyDiagnosis d;
  d.quantization = accuracyLost(report.quantizedAccuracy, report.floatAccuracy,
                                classCount(test));
  module.walk([&](cim::LayerOp layer) {
    auto keepSmaller = [](int64_t &into, std::optional<int64_t> bits) {
      if (bits && (into == 0 || *bits < into))
        into = *bits;
    };
    keepSmaller(d.minInputBits, layer.getInputBits());
    keepSmaller(d.minWeightBits, layer.getWeightBits());
  });
  if (!report.points.empty()) {
    const std::vector<double> &errors = report.points.front().layerError;
    for (size_t l = 0; l < errors.size() && l < report.layers.size(); ++l)
      if (errors[l] > d.worstLayerError) {
        d.worstLayerError = errors[l];
        d.worstLayer = report.layers[l];
      }
  }

  const Dataset sample = firstSamples(test, kDiagnosisImages);
  d.images = sample.size();
  SimulationOptions ablation = options;
  ablation.instances = 1;
  ablation.diagnose = false;
  ablation.progress = nullptr;
  if (!options.times.empty())
    ablation.times = {options.times.front()};
  auto accuracyWith = [&](const EffectSwitches &effects)
      -> llvm::Expected<double> {
    ablation.effects = effects;
    llvm::Expected<SimulationReport> r =
        simulate(module, chip, sample, calibration, ablation);
    if (!r)
      return r.takeError();
    return r->points.front().mean;
  };
  llvm::Expected<double> every = accuracyWith(options.effects);
  if (!every)
    return every.takeError();
  d.everyEffect = *every;
  for (const std::string &name : options.effects.nonIdealities()) {
    llvm::Expected<double> without =
        accuracyWith(options.effects.without(name));
    if (!without)
      return without.takeError();
    d.withoutEach.push_back({name, *without});
  }
  std::stable_sort(d.withoutEach.begin(), d.withoutEach.end(),
                   [](const AccuracyDiagnosis::Ablation &a,
                      const AccuracyDiagnosis::Ablation &b) {
                     return a.accuracy > b.accuracy;
                   });
  return d;
}

std::string AccuracyDiagnosis::message(double floatAccuracy,
                                       double chipAccuracy,
                                       double quantizedAccuracy) const {
  std::string m;
  if (quantization)
    m += "the ideal quantized chip reaches only " +
         percent(quantizedAccuracy) + " against float " +
         percent(floatAccuracy) + ": the precision loses it before any "
         "device effect (" + std::to_string(minInputBits) +
         "-bit inputs and " + std::to_string(minWeightBits) +
         "-bit weights at the least); ";
  m += "chip accuracy " + percent(chipAccuracy) + ", " +
       llvm::formatv("{0:F2}", 100 * (floatAccuracy - chipAccuracy)).str() +
       " points below float";
  // The effects whose absence recovers accuracy, most first (at most 3).
  std::vector<const Ablation *> helping;
  for (const Ablation &a : withoutEach)
    if (a.accuracy > everyEffect && helping.size() < 3)
      helping.push_back(&a);
  if (!withoutEach.empty()) {
    m += "; on the first " + std::to_string(images) + " test images (" +
         percent(everyEffect) + " with every effect) ";
    if (helping.empty())
      m += "no single effect switched off recovers it";
    else
      m += "it recovers most without ";
    for (size_t i = 0; i < helping.size(); ++i)
      m += (i ? ", " : "") + helping[i]->effect + " (" +
           percent(helping[i]->accuracy) + ")";
  }
  if (!worstLayer.empty())
    m += llvm::formatv("; the largest output error is layer {0}'s (relative "
                       "RMS {1:F2})",
                       worstLayer, worstLayerError)
             .str();
  return m;
}
