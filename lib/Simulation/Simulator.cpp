//===- Simulator.cpp - Accuracy of a compiled program on sampled chips ----===//
#include "nncc/Simulation/Simulator.h"
#include "Diagnosis.h"

#include "nncc/Analysis/DigitalOps.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Simulation/Sampling.h"
#include "nncc/Support/Distributed.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/ExitStatus.h"
#include "nncc/Support/JsonNumbers.h"
#include "nncc/Support/KernelClones.h"
#include "nncc/Support/Rounding.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <optional>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

//===----------------------------------------------------------------------===//
// Times
//===----------------------------------------------------------------------===//

llvm::Error SimulationOptions::check() const {
  if (instances < 1)
    return makeError("--instances must be at least 1");
  return llvm::Error::success();
}

llvm::Expected<std::vector<double>> nncc::parseTimes(llvm::StringRef list) {
  std::vector<double> times;
  llvm::SmallVector<llvm::StringRef> items;
  list.split(items, ',');
  for (llvm::StringRef item : items) {
    item = item.trim();
    double unit = 1;
    if (item.consume_back("s"))
      unit = 1;
    else if (item.consume_back("m"))
      unit = 60;
    else if (item.consume_back("h"))
      unit = 3600;
    else if (item.consume_back("d"))
      unit = 86400;
    else if (item.consume_back("y"))
      unit = 365.25 * 86400;
    double value;
    if (item.empty() || item.getAsDouble(value) || !(value >= 0) ||
        !std::isfinite(value))
      return makeError("time '" + item +
                       "': expected a number with unit s, m, h, d or y "
                       "(e.g. 1s,1h,1d,1y)");
    times.push_back(value * unit);
  }
  return times;
}

//===----------------------------------------------------------------------===//
// Simulation
//===----------------------------------------------------------------------===//

namespace {

/// Two-sided 95 % Student t quantile for `df` degrees of freedom.
double tQuantile95(int64_t df) {
  static const double table[] = {
      12.706, 4.303, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201,
      2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
      2.074,  2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042, 2.042};
  if (df < 1)
    return 0;
  return df <= 30 ? table[df - 1] : 1.96;
}

} // namespace

std::pair<double, double> nncc::accuracyInterval95(ArrayRef<double> accuracies,
                                                   int64_t images) {
  const double k = static_cast<double>(accuracies.size());
  double mean = 0;
  for (double a : accuracies)
    mean += a;
  mean /= std::max(k, 1.0);
  const double n = static_cast<double>(std::max<int64_t>(images, 1));
  auto logit = [&](double accuracy) {
    const double p = (accuracy * n + 0.5) / (n + 1);
    return std::log(p / (1 - p));
  };
  double meanLogit = 0, var = 0;
  for (double a : accuracies)
    meanLogit += logit(a);
  meanLogit /= std::max(k, 1.0);
  for (double a : accuracies)
    var += (logit(a) - meanLogit) * (logit(a) - meanLogit);
  if (accuracies.size() < 2 || var == 0)
    return {mean, mean};
  const double half = tQuantile95(static_cast<int64_t>(accuracies.size()) - 1) *
                      std::sqrt(var / (k - 1)) / std::sqrt(k);
  const double centre = logit(mean);
  // Back from the logit and from the continuity correction, so that a
  // zero-width interval is the mean itself.
  auto back = [&](double x) {
    const double p = 1 / (1 + std::exp(-x));
    return std::clamp((p * (n + 1) - 0.5) / n, 0.0, 1.0);
  };
  return {back(centre - half), back(centre + half)};
}

namespace {

/// Σ (y - r)² and Σ r² over two equal-shaped f32 tensors, in f64: four
/// interleaved partial sums each (a fixed order, so deterministic), which
/// keeps the adds' latency off the critical path.
std::pair<double, double> squaredErrorAndNorm(const Tensor &y,
                                              const Tensor &r) {
  const float *yv = y.data<float>(), *rv = r.data<float>();
  const int64_t n = r.numElements();
  double err[4] = {0, 0, 0, 0}, norm[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; ++k) {
      const double d = static_cast<double>(yv[i + k]) - rv[i + k];
      err[k] += d * d;
      norm[k] += static_cast<double>(rv[i + k]) * rv[i + k];
    }
  for (; i < n; ++i) {
    const double d = static_cast<double>(yv[i]) - rv[i];
    err[0] += d * d;
    norm[0] += static_cast<double>(rv[i]) * rv[i];
  }
  return {(err[0] + err[1]) + (err[2] + err[3]),
          (norm[0] + norm[1]) + (norm[2] + norm[3])};
}

/// Runs the test set in batches of the model's batch size.
class BatchRunner {
public:
  BatchRunner(const Executor &executor, const Dataset &data)
      : executor(executor), data(data) {
    const TensorSignature &in = executor.getInputs().front();
    batch = in.shape.empty() ? 1 : in.shape.front();
    perSample = runtime::numElementsOf(in.shape) / std::max<int64_t>(batch, 1);
  }
  llvm::Error check(llvm::StringRef what) const {
    if (data.samples.numElements() / std::max<int64_t>(data.size(), 1) !=
        perSample)
      return makeError(what + " samples have " +
                       std::to_string(data.samples.numElements() /
                                      std::max<int64_t>(data.size(), 1)) +
                       " values, the model input takes " +
                       std::to_string(perSample));
    return llvm::Error::success();
  }
  int64_t batches() const { return (data.size() + batch - 1) / batch; }
  /// The batches holding the first `images` samples.
  int64_t batchesCovering(int64_t images) const {
    return (std::min(images, data.size()) + batch - 1) / batch;
  }
  /// Runs batch `b`; returns the number of correct predictions (labels
  /// needed) of its first output.
  llvm::Expected<int64_t> run(int64_t b, CIMLayerHook hook) const {
    llvm::Expected<std::vector<int64_t>> best = predict(b, hook);
    if (!best)
      return best.takeError();
    if (data.labels.empty())
      return 0;
    int64_t correct = 0;
    for (auto [i, label] : llvm::enumerate(*best))
      correct += label == data.labels[b * batch + i];
    return correct;
  }
  /// Runs batch `b`; returns the class (the largest value of the first
  /// output) of each of its samples.
  llvm::Expected<std::vector<int64_t>> predict(int64_t b,
                                               CIMLayerHook hook) const {
    const TensorSignature &in = executor.getInputs().front();
    Tensor x(DType::F32, in.shape);
    int64_t first = b * batch, n = std::min(batch, data.size() - first);
    const float *src = data.samples.data<float>() + first * perSample;
    std::copy(src, src + n * perSample, x.data<float>());
    llvm::Expected<std::vector<Tensor>> outputs =
        executor.run({x}, nullptr, hook);
    if (!outputs)
      return outputs.takeError();
    const Tensor &logits = outputs->front();
    int64_t classes = logits.numElements() / batch;
    std::vector<int64_t> best(n);
    for (int64_t i = 0; i < n; ++i) {
      const float *row = logits.data<float>() + i * classes;
      best[i] = std::max_element(row, row + classes) - row;
    }
    return best;
  }

private:
  const Executor &executor;
  const Dataset &data;
  int64_t batch = 1, perSample = 0;
};

/// Runs fn(b) for every batch in parallel; the first error wins.
llvm::Error forEachBatch(int64_t batches,
                         llvm::function_ref<llvm::Error(int64_t)> fn) {
  std::mutex lock;
  std::string failure;
  llvm::parallelFor(0, static_cast<size_t>(batches), [&](size_t b) {
    if (llvm::Error err = fn(static_cast<int64_t>(b))) {
      std::lock_guard<std::mutex> guard(lock);
      if (failure.empty())
        failure = llvm::toString(std::move(err));
    }
  });
  return failure.empty() ? llvm::Error::success() : makeError(failure);
}

NNCC_KERNEL void roundAll(const double *acc, int64_t count, double *dst) {
  constexpr double kLimit = 4.6e18;
  for (int64_t i = 0; i < count; ++i)
    dst[i] = roundHalfAway(clampValue(acc[i], -kLimit, kLimit));
}

/// One layer on the chip: `input` quantized as the layer's runner does,
/// read on `state` (AnalogLayer::accumulate, its blocks of input vectors
/// gathered as the reads want them; calibrating `calibrate` when set), the
/// accumulators rounded to integers within what an i64 holds and
/// dequantized into `output`.  Returns the quantized input, for an ideal
/// reference on the same values.
llvm::Expected<Tensor>
readOnChip(const CIMLayerRunner &runner, const AnalogLayer &analog,
           const AnalogLayer::Instance &state, const Tensor &input,
           const EffectSwitches &effects, uint64_t noiseSeed,
           AnalogLayer::Instance *calibrate, Tensor &output) {
  llvm::Expected<Tensor> xq = runner.quantizeInput(input);
  if (!xq)
    return xq.takeError();
  const std::vector<double> acc = analog.accumulate(
      state, runner.getVectors(),
      [&](int64_t begin, int64_t count, bool inLanes) {
        return runner.im2colBlock(*xq, begin, count, inLanes);
      },
      effects, noiseSeed, calibrate);
  Tensor rounded = Tensor::uninitialized(
      DType::F64,
      {runner.getGroups(), runner.getVectors(), runner.getColumns()});
  roundAll(acc.data(), static_cast<int64_t>(acc.size()),
           rounded.data<double>());
  if (llvm::Error err = runner.dequantize(rounded, output))
    return std::move(err);
  return xq;
}

/// What one chip instance contributes to the report; sent whole between
/// the ranks of an MPI job, as the bytes of its doubles (exact).
struct InstanceOutcome {
  struct AtTime {
    double accuracy = 0, compensated = 0;
    /// Per (image batch, layer), batches outer: squared error and squared
    /// reference of the layer outputs.
    std::vector<double> error, reference;
  };
  std::vector<AtTime> times;

  std::string serialize(int64_t instance) const {
    std::string bytes;
    auto put = [&](const auto &value) {
      bytes.append(reinterpret_cast<const char *>(&value), sizeof value);
    };
    put(instance);
    put(static_cast<int64_t>(times.size()));
    for (const AtTime &at : times) {
      put(at.accuracy);
      put(at.compensated);
      put(static_cast<int64_t>(at.error.size()));
      for (size_t k = 0; k < at.error.size(); ++k) {
        put(at.error[k]);
        put(at.reference[k]);
      }
    }
    return bytes;
  }

  /// Reads the outcomes in `bytes` (several, one after another) into
  /// `into`; false if they do not parse.
  static bool deserialize(llvm::StringRef bytes,
                          std::vector<std::optional<InstanceOutcome>> &into) {
    auto get = [&](auto &value) {
      if (bytes.size() < sizeof value)
        return false;
      std::memcpy(&value, bytes.data(), sizeof value);
      bytes = bytes.drop_front(sizeof value);
      return true;
    };
    while (!bytes.empty()) {
      int64_t instance = 0, count = 0;
      if (!get(instance) || !get(count) || instance < 0 ||
          instance >= static_cast<int64_t>(into.size()) || count < 0 ||
          count > 1 << 20)
        return false;
      InstanceOutcome outcome;
      outcome.times.resize(count);
      for (AtTime &at : outcome.times) {
        int64_t n = 0;
        if (!get(at.accuracy) || !get(at.compensated) || !get(n) || n < 0 ||
            n > static_cast<int64_t>(bytes.size()))
          return false;
        at.error.resize(n);
        at.reference.resize(n);
        for (int64_t k = 0; k < n; ++k)
          if (!get(at.error[k]) || !get(at.reference[k]))
            return false;
      }
      into[instance] = std::move(outcome);
    }
    return true;
  }
};

/// The report's ADC range: the one method every layer uses, else each
/// layer's.
std::string describeAdcRanges(llvm::ArrayRef<std::string> layers,
                              llvm::ArrayRef<AdcRangeMethod> methods) {
  if (llvm::all_equal(methods))
    return methods.empty() ? AdcRangeMethod().str() : methods.front().str();
  std::string text = "per layer:";
  for (auto [name, method] : llvm::zip_equal(layers, methods))
    text += " " + name + " " + method.str() + ",";
  text.pop_back();
  return text;
}

/// The operand bits of the cores' integer MAC array, which runs the
/// products of two activations on the chip; nullopt where those products
/// are exact: an fp32 MAC array, or none (the host runs them in f32).
std::optional<int64_t> macArrayIntegerBits(const target::TargetChip &chip) {
  if (!coreRuns(DigitalOpClass::Product, chip) ||
      chip.core.macNumberFormat != target::MacNumberFormat::Int)
    return std::nullopt;
  return chip.core.macBits;
}

} // namespace

llvm::Expected<SimulationReport>
nncc::simulate(ModuleOp module, const target::TargetChip &chip,
               const Dataset &test, const Dataset &calibration,
               const SimulationOptions &options) {
  llvm::Expected<Executor> executorOr = Executor::create(module);
  if (!executorOr)
    return executorOr.takeError();
  // The chip's runs (calibration and test): its MAC arrays' arithmetic.
  executorOr->setMacArrayIntegerBits(macArrayIntegerBits(chip));
  const Executor &executor = *executorOr;
  if (executor.getInputs().size() != 1)
    return makeError("the simulator needs a model with exactly one input");
  if (test.labels.empty())
    return makeError("the test set has no labels");
  if (llvm::Error err = options.check())
    return std::move(err);
  BatchRunner testRunner(executor, test),
      calibrationRunner(executor, calibration);
  if (llvm::Error err = testRunner.check("test"))
    return std::move(err);
  if (llvm::Error err = calibrationRunner.check("calibration"))
    return std::move(err);

  SimulationReport report;
  report.target = chip.name;
  report.effects = options.effects.str();
  report.irDropModel = irDropModelName(options.effects.irDropModel).str();
  report.images = test.size();
  report.instances = options.instances;
  report.calibrationImages = calibration.size();
  report.seed = options.seed;

  // The layers, each with its chip model.
  llvm::DenseMap<Operation *, int> layerIndex;
  std::vector<AnalogLayer> layers;
  std::vector<cim::LayerOp> layerOps;
  std::vector<AdcRangeMethod> adcMethods;
  std::string failure;
  module.walk([&](cim::LayerOp layer) {
    if (!failure.empty())
      return;
    llvm::Expected<AnalogLayer> analog = AnalogLayer::create(layer, chip);
    if (!analog) {
      failure = llvm::toString(analog.takeError());
      return;
    }
    // The program's ADC range method of the layer, unless the options
    // recalibrate every layer with another.
    llvm::Expected<AdcRangeMethod> method =
        options.adcRange ? *options.adcRange
                         : AdcRangeMethod::parse(layer.getAdcRangeMethod());
    if (!method) {
      failure = "layer '" + layer.getLayerName().str() +
                "': " + llvm::toString(method.takeError());
      return;
    }
    layerIndex[layer] = static_cast<int>(layers.size());
    layers.push_back(std::move(*analog));
    layerOps.push_back(layer);
    adcMethods.push_back(*method);
    report.layers.push_back(layer.getLayerName().str());
  });
  if (!failure.empty())
    return makeError(failure);
  report.adcRange = describeAdcRanges(report.layers, adcMethods);
  if (layers.empty())
    return makeError("the module has no cim.layer to simulate (compile it "
                     "first: nncc compile)");
  const size_t L = layers.size();

  // Reference accuracies.
  auto accuracyOf = [&](CIMExecutionMode mode) -> llvm::Expected<double> {
    llvm::Expected<Executor> modeExecutor = Executor::create(module);
    if (!modeExecutor)
      return modeExecutor.takeError();
    modeExecutor->setCIMExecutionMode(mode);
    // The ideal quantized chip computes as the chip's MAC arrays do; the
    // float model, exactly.
    if (mode != CIMExecutionMode::Float)
      modeExecutor->setMacArrayIntegerBits(macArrayIntegerBits(chip));
    BatchRunner runner(*modeExecutor, test);
    std::vector<int64_t> correct(runner.batches());
    if (llvm::Error err =
            forEachBatch(runner.batches(), [&](int64_t b) -> llvm::Error {
              llvm::Expected<int64_t> c = runner.run(b, nullptr);
              if (!c)
                return c.takeError();
              correct[b] = *c;
              return llvm::Error::success();
            }))
      return std::move(err);
    int64_t total = 0;
    for (int64_t c : correct)
      total += c;
    return static_cast<double>(total) / static_cast<double>(test.size());
  };
  llvm::Expected<double> floatAccuracy = accuracyOf(CIMExecutionMode::Float);
  if (!floatAccuracy)
    return floatAccuracy.takeError();
  llvm::Expected<double> quantized = accuracyOf(CIMExecutionMode::Integer);
  if (!quantized)
    return quantized.takeError();
  report.floatAccuracy = *floatAccuracy;
  report.quantizedAccuracy = *quantized;

  std::vector<double> times = options.times;
  if (times.empty())
    times.push_back(chip.device.statistics.drift.t0);
  report.points.resize(times.size());
  for (auto [i, t] : llvm::enumerate(times))
    report.points[i].seconds = t;
  const bool compareCompensation = options.effects.drift &&
                                   !options.effects.driftCompensation &&
                                   chip.device.statistics.drift.nuMean > 0;
  EffectSwitches compensatedEffects = options.effects;
  compensatedEffects.driftCompensation = true;

  // The instances, across the ranks of an MPI job when asked (round-robin;
  // each rank sends its outcomes whole) or all here.
  const bool split = options.splitAcrossRanks && distributed::size() > 1;
  const int rank = split ? distributed::rank() : 0,
            ranks = split ? distributed::size() : 1;
  report.ranks = ranks;
  const int64_t myInstances = (options.instances - rank + ranks - 1) / ranks;
  const int64_t units =
      myInstances *
      (calibrationRunner.batches() + static_cast<int64_t>(times.size()) *
                                         testRunner.batches() *
                                         (compareCompensation ? 2 : 1));
  std::atomic<int64_t> done{0};
  std::mutex progressLock;
  auto advance = [&](int64_t count) {
    int64_t now = done += count;
    if (options.progress) {
      std::lock_guard<std::mutex> guard(progressLock);
      options.progress(now, units);
    }
  };
  auto tick = [&] { advance(1); };

  auto start = std::chrono::steady_clock::now();
  using Chip = std::vector<AnalogLayer::Instance>;
  // One chip instance sampled and its ADCs calibrated.
  auto prepareInstance = [&](int64_t instance) -> llvm::Expected<Chip> {
    const uint64_t instanceSeed = mixSeed(options.seed, instance);
    Chip chips(L);
    for (size_t l = 0; l < L; ++l)
      layers[l].sample(chips[l], mixSeed(instanceSeed, l), options.effects);

    // Calibration inputs through this chip at t0, one batch at a time (the
    // ranges are shared state): a first pass measures how many rows the
    // inputs drive (IR drop depends on it), a second, on the chip with that
    // IR drop, measures each column's largest current (the max method's
    // range), and for the other methods a third counts the same currents
    // in a histogram under it, from which the range is chosen.
    // One calibration batch through this chip, each layer's reads in its
    // calibrating state (ranging, binning or fitting, as set).
    auto calibrationBatch = [&](int64_t b) -> llvm::Error {
      auto hook = [&](Operation *op, const CIMLayerRunner &runner,
                      const Tensor &input, Tensor &output) -> llvm::Error {
        int l = layerIndex.lookup(op);
        llvm::Expected<Tensor> xq = readOnChip(
            runner, layers[l], chips[l], input, options.effects,
            mixSeed(instanceSeed, 1000003 * (b + 1) + l), &chips[l], output);
        return xq ? llvm::Error::success() : xq.takeError();
      };
      llvm::Expected<int64_t> ignored = calibrationRunner.run(b, hook);
      return ignored ? llvm::Error::success() : ignored.takeError();
    };
    // The ADC ranges; `last` counts its batches as done work.
    auto calibrateRanges = [&](bool last) -> llvm::Error {
      const bool binning = llvm::any_of(
          adcMethods, [](const AdcRangeMethod &m) { return m.needsHistogram(); });
      const int passes = binning && options.effects.adc ? 3 : 2;
      for (int pass = 0; pass < passes; ++pass) {
        // The driven-row counts of this round's first pass alone: a second
        // round (after the column correction) sees corrected upstream
        // layers, whose drives the first round's counts do not describe.
        if (pass == 0)
          for (size_t l = 0; l < L; ++l)
            chips[l].drivenRows = chips[l].rowReads = 0;
        if (pass == 1)
          for (size_t l = 0; l < L; ++l) {
            AnalogLayer::Instance &state = chips[l];
            if (state.rowReads > 0)
              state.rowActivity = static_cast<double>(state.drivenRows) /
                                  static_cast<double>(state.rowReads);
            for (std::vector<float> &range : state.adcRange)
              std::fill(range.begin(), range.end(), 0.0f);
            layers[l].setTime(state, chip.device.statistics.drift.t0,
                              options.effects);
          }
        if (pass == 2)
          for (size_t l = 0; l < L; ++l)
            layers[l].startAdcHistograms(chips[l]);
        for (int64_t b = 0; b < calibrationRunner.batches(); ++b) {
          if (llvm::Error e = calibrationBatch(b))
            return e;
          if (last && pass == passes - 1)
            tick();
        }
        if (pass == 2)
          for (size_t l = 0; l < L; ++l)
            layers[l].chooseAdcRanges(chips[l], adcMethods[l]);
      }
      return llvm::Error::success();
    };
    // A periphery that corrects each column fits its gain and offset on the
    // same inputs, converted as the chip will, once the ranges are set.  A
    // corrected layer passes larger (or smaller) currents downstream than
    // the uncorrected one the first ranges and fit saw, so both run again
    // with every layer corrected.
    auto fitCorrections = [&]() -> llvm::Error {
      for (size_t l = 0; l < L; ++l)
        layers[l].startColumnFit(chips[l]);
      for (int64_t b = 0; b < calibrationRunner.batches(); ++b)
        if (llvm::Error e = calibrationBatch(b))
          return e;
      for (size_t l = 0; l < L; ++l)
        layers[l].finishColumnFit(chips[l]);
      return llvm::Error::success();
    };
    const bool correcting = chip.periphery.adcColumnCorrection;
    if (llvm::Error e = calibrateRanges(/*last=*/!correcting))
      return std::move(e);
    if (correcting) {
      if (llvm::Error e = fitCorrections())
        return std::move(e);
      if (llvm::Error e = calibrateRanges(/*last=*/true))
        return std::move(e);
      if (llvm::Error e = fitCorrections())
        return std::move(e);
    }
    return chips;
  };
  // A prepared instance run at every time.
  auto evaluateInstance = [&](int64_t instance,
                              Chip &chips) -> llvm::Expected<InstanceOutcome> {
    InstanceOutcome outcome;
    outcome.times.resize(times.size());
    const uint64_t instanceSeed = mixSeed(options.seed, instance);
    for (auto [ti, seconds] : llvm::enumerate(times)) {
      for (size_t l = 0; l < L; ++l)
        layers[l].setTime(chips[l], seconds, options.effects);
      for (int pass = 0; pass < (compareCompensation ? 2 : 1); ++pass) {
        const bool compensated = pass == 1;
        std::vector<AnalogLayer::Instance> compensatedChips;
        if (compensated) {
          compensatedChips = chips;
          bool unchanged = true;
          for (size_t l = 0; l < L; ++l) {
            layers[l].setTime(compensatedChips[l], seconds, compensatedEffects);
            unchanged &= compensatedChips[l].driftScale == chips[l].driftScale;
          }
          // Before any drift (t <= t0) the compensation factor is exactly
          // 1 and the compensated chip reads bit for bit as the plain one
          // (same cells, same noise streams): its accuracy is the plain
          // pass's, not worth a second run.
          if (unchanged) {
            outcome.times[ti].compensated = outcome.times[ti].accuracy;
            advance(testRunner.batches());
            continue;
          }
        }
        const std::vector<AnalogLayer::Instance> &use =
            compensated ? compensatedChips : chips;
        const int64_t batches = testRunner.batches();
        // The layers' output errors need every layer's integer reference
        // on the chip's own inputs, about a sixth of a simulation's time:
        // measured on the first kLayerErrorImages test images.
        const int64_t errorBatches =
            testRunner.batchesCovering(kLayerErrorImages);
        std::vector<int64_t> correct(batches, 0);
        std::vector<std::vector<double>> err(batches, std::vector<double>(L)),
            ref(batches, std::vector<double>(L));
        llvm::Error runErr =
            forEachBatch(batches, [&](int64_t b) -> llvm::Error {
              auto hook = [&](Operation *op, const CIMLayerRunner &runner,
                              const Tensor &input,
                              Tensor &output) -> llvm::Error {
                int l = layerIndex.lookup(op);
                uint64_t noise = mixSeed(
                    instanceSeed,
                    ((ti + 1) * 1000003 + static_cast<uint64_t>(b)) * 131 + l);
                llvm::Expected<Tensor> xq =
                    readOnChip(runner, layers[l], use[l], input,
                               options.effects, noise, nullptr, output);
                if (!xq)
                  return xq.takeError();
                if (!compensated && b < errorBatches) {
                  // The ideal quantized layer on the same quantized input.
                  llvm::Expected<Tensor> exact = runner.integerAccumulators(
                      runner.im2colBlock(*xq, 0, runner.getVectors(),
                                         /*inLanes=*/false));
                  if (!exact)
                    return exact.takeError();
                  Tensor ideal;
                  if (llvm::Error e = runner.dequantize(*exact, ideal))
                    return e;
                  auto [e, r] = squaredErrorAndNorm(output, ideal);
                  err[b][l] += e;
                  ref[b][l] += r;
                }
                return llvm::Error::success();
              };
              llvm::Expected<int64_t> c = testRunner.run(b, hook);
              if (!c)
                return c.takeError();
              correct[b] = *c;
              tick();
              return llvm::Error::success();
            });
        if (runErr)
          return std::move(runErr);
        int64_t total = 0;
        for (int64_t c : correct)
          total += c;
        double accuracy =
            static_cast<double>(total) / static_cast<double>(test.size());
        InstanceOutcome::AtTime &at = outcome.times[ti];
        if (compensated) {
          at.compensated = accuracy;
        } else {
          at.accuracy = accuracy;
          for (int64_t b = 0; b < batches; ++b)
            for (size_t l = 0; l < L; ++l) {
              at.error.push_back(err[b][l]);
              at.reference.push_back(ref[b][l]);
            }
        }
      }
    }
    return outcome;
  };

  // This rank's instances in waves of one per thread: a wave's instances
  // are prepared side by side (calibration runs its batches one after the
  // other, which left all threads but one idle), then evaluated one by one
  // with their test batches in parallel.  Nothing an instance computes
  // depends on the others, so neither the wave size nor the order matters.
  std::vector<int64_t> instancesHere;
  for (int64_t instance = rank; instance < options.instances; instance += ranks)
    instancesHere.push_back(instance);
  const size_t wave = std::max<size_t>(1, llvm::parallel::getThreadCount());
  std::vector<std::optional<InstanceOutcome>> outcomes(options.instances);
  std::string mine, instanceFailure;
  for (size_t first = 0;
       first < instancesHere.size() && instanceFailure.empty(); first += wave) {
    const size_t count = std::min(wave, instancesHere.size() - first);
    std::vector<std::optional<Chip>> prepared(count);
    std::vector<std::string> failures(count);
    llvm::parallelFor(0, count, [&](size_t m) {
      llvm::Expected<Chip> chips = prepareInstance(instancesHere[first + m]);
      if (chips)
        prepared[m] = std::move(*chips);
      else
        failures[m] = llvm::toString(chips.takeError());
    });
    for (size_t m = 0; m < count; ++m) {
      const int64_t instance = instancesHere[first + m];
      llvm::Expected<InstanceOutcome> outcome =
          failures[m].empty()
              ? evaluateInstance(instance, *prepared[m])
              : llvm::Expected<InstanceOutcome>(makeError(failures[m]));
      prepared[m].reset();
      if (!outcome) {
        instanceFailure = llvm::toString(outcome.takeError());
        break;
      }
      if (split)
        mine += outcome->serialize(instance);
      else
        outcomes[instance] = std::move(*outcome);
    }
  }
  if (split) {
    // Every rank learns whether one failed, so that none waits for the
    // others' outcomes in vain.
    if (distributed::allMin(instanceFailure.empty() ? 1 : 0) == 0)
      return makeError(instanceFailure.empty()
                           ? "another rank's simulation failed"
                           : instanceFailure);
    for (const std::string &part : distributed::allGather(mine))
      if (!InstanceOutcome::deserialize(part, outcomes))
        return makeInternalError("simulate: a rank's results arrived "
                                 "damaged");
  } else if (!instanceFailure.empty()) {
    return makeError(instanceFailure);
  }

  // Folded in instance order, as one process does, so the report is the
  // same bytes however the instances were split: per (time, image batch,
  // layer) squared error and squared reference.
  std::vector<std::vector<double>> errorSum(times.size(),
                                            std::vector<double>(L, 0.0)),
      referenceSum(times.size(), std::vector<double>(L, 0.0));
  for (const std::optional<InstanceOutcome> &outcome : outcomes) {
    if (!outcome)
      return makeError("simulate: an instance's results are missing");
    for (auto [ti, at] : llvm::enumerate(outcome->times)) {
      TimePoint &point = report.points[ti];
      point.accuracy.push_back(at.accuracy);
      if (compareCompensation)
        point.compensated.push_back(at.compensated);
      for (size_t k = 0; k < at.error.size(); ++k) {
        errorSum[ti][k % L] += at.error[k];
        referenceSum[ti][k % L] += at.reference[k];
      }
    }
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  for (auto [ti, point] : llvm::enumerate(report.points)) {
    double mean = 0;
    for (double a : point.accuracy)
      mean += a;
    point.mean = mean / static_cast<double>(point.accuracy.size());
    std::tie(point.ciLow, point.ciHigh) =
        accuracyInterval95(point.accuracy, report.images);
    if (!point.compensated.empty()) {
      double sum = 0;
      for (double a : point.compensated)
        sum += a;
      point.compensatedMean =
          sum / static_cast<double>(point.compensated.size());
    }
    for (size_t l = 0; l < L; ++l)
      point.layerError.push_back(
          referenceSum[ti][l] > 0
              ? std::sqrt(errorSum[ti][l] / referenceSum[ti][l])
              : 0.0);
  }
  const int64_t classes = classCount(test);
  if (options.diagnose && !report.points.empty() &&
      (accuracyLost(report.points.front().mean, report.floatAccuracy,
                    classes) ||
       accuracyLost(report.quantizedAccuracy, report.floatAccuracy, classes))) {
    llvm::Expected<AccuracyDiagnosis> diagnosis = diagnoseAccuracyLoss(
        module, chip, test, calibration, options, report);
    if (!diagnosis)
      return diagnosis.takeError();
    report.diagnosis = std::move(*diagnosis);
  }
  return report;
}

//===----------------------------------------------------------------------===//
// Reports
//===----------------------------------------------------------------------===//

namespace {
std::string formatTime(double seconds) {
  struct Unit {
    double size;
    const char *name;
  };
  static const Unit units[] = {
      {365.25 * 86400, "y"}, {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  for (const Unit &u : units)
    if (seconds >= u.size)
      return llvm::formatv("{0}{1}", llvm::format("%.4g", seconds / u.size),
                           u.name)
          .str();
  return llvm::formatv("{0}s", llvm::format("%.4g", seconds)).str();
}
} // namespace

void nncc::printSimulationReport(const SimulationReport &r,
                                 llvm::raw_ostream &os) {
  os << "simulation on " << r.target << ": " << r.instances
     << " chip instance(s), " << r.images << " images, ADC calibrated on "
     << r.calibrationImages << ", seed " << r.seed << "\n";
  os << "effects: " << r.effects;
  // Which IR-drop model, only where IR drop is simulated at all.
  llvm::SmallVector<llvm::StringRef> effects;
  llvm::StringRef(r.effects).split(effects, ',');
  if (llvm::is_contained(effects, "ir_drop"))
    os << "; IR drop: " << r.irDropModel;
  os << "; ADC range: " << r.adcRange << "\n";
  os << llvm::format("float accuracy:            %6.2f %%\n",
                     100 * r.floatAccuracy);
  os << llvm::format("quantized, ideal chip:     %6.2f %%\n",
                     100 * r.quantizedAccuracy);
  bool compensated = llvm::any_of(
      r.points, [](const TimePoint &p) { return p.compensatedMean >= 0; });
  os << llvm::left_justify("time", 10)
     << "chip accuracy (mean, 95 % CI over instances)";
  if (compensated)
    os << "   drift-compensated";
  os << "\n";
  for (const TimePoint &p : r.points) {
    os << llvm::left_justify(formatTime(p.seconds), 10)
       << llvm::format("%6.2f %%  [%6.2f, %6.2f]  drop %+.2f", 100 * p.mean,
                       100 * p.ciLow, 100 * p.ciHigh,
                       100 * (p.mean - r.floatAccuracy));
    if (p.compensatedMean >= 0)
      os << llvm::format("      %6.2f %%", 100 * p.compensatedMean);
    os << "\n";
  }
  os << "per-layer output error (relative RMS vs the ideal quantized layer, "
        "same input):\n";
  os << llvm::left_justify("layer", 16);
  for (const TimePoint &p : r.points)
    os << llvm::right_justify(formatTime(p.seconds), 10);
  os << "\n";
  for (auto [l, name] : llvm::enumerate(r.layers)) {
    os << llvm::left_justify(name, 16);
    for (const TimePoint &p : r.points)
      os << llvm::format("%10.4f", p.layerError[l]);
    os << "\n";
  }
  if (r.diagnosis && !r.points.empty()) {
    const AccuracyDiagnosis &d = *r.diagnosis;
    os << "why (each effect off on the first " << d.images
       << " test images, one instance; every effect: "
       << llvm::format("%.2f %%", 100 * d.everyEffect) << "):\n";
    for (const AccuracyDiagnosis::Ablation &a : d.withoutEach)
      os << "  without " << llvm::left_justify(a.effect, 12)
         << llvm::format("%6.2f %%  %+.2f", 100 * a.accuracy,
                         100 * (a.accuracy - d.everyEffect))
         << "\n";
  }
  os << llvm::format("simulated in %.2f s", r.seconds);
  if (r.ranks > 1)
    os << " on " << r.ranks << " MPI ranks";
  os << "\n";
}

void nncc::writeSimulationJson(const SimulationReport &r,
                               llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema", "nncc-simulation");
    j.attribute("version", 1);
    j.attribute("target", r.target);
    j.attribute("effects", r.effects);
    j.attribute("ir_drop_model", r.irDropModel);
    j.attribute("adc_range", r.adcRange);
    j.attribute("images", r.images);
    j.attribute("instances", r.instances);
    j.attribute("calibration_images", r.calibrationImages);
    j.attribute("seed", static_cast<int64_t>(r.seed));
    jsonNumber(j, "float_accuracy", r.floatAccuracy);
    jsonNumber(j, "quantized_accuracy", r.quantizedAccuracy);
    j.attributeArray("layers", [&] {
      for (const std::string &name : r.layers)
        j.value(name);
    });
    j.attributeArray("times", [&] {
      for (const TimePoint &p : r.points)
        j.object([&] {
          jsonNumber(j, "time_s", p.seconds);
          jsonNumber(j, "accuracy_mean", p.mean);
          jsonNumber(j, "ci95_low", p.ciLow);
          jsonNumber(j, "ci95_high", p.ciHigh);
          j.attributeArray("accuracy", [&] {
            for (double a : p.accuracy)
              j.rawValue(formatJsonDouble(a));
          });
          if (p.compensatedMean >= 0)
            jsonNumber(j, "drift_compensated_mean", p.compensatedMean);
          else
            j.attribute("drift_compensated_mean", nullptr);
          j.attributeArray("layer_error", [&] {
            for (double e : p.layerError)
              j.rawValue(formatJsonDouble(e));
          });
        });
    });
    if (!r.diagnosis || r.points.empty()) {
      j.attribute("diagnosis", nullptr);
      return;
    }
    const AccuracyDiagnosis &d = *r.diagnosis;
    j.attributeObject("diagnosis", [&] {
      j.attribute("message",
                  d.message(r.floatAccuracy, r.points.front().mean,
                            r.quantizedAccuracy));
      j.attribute("quantization", d.quantization);
      j.attribute("images", d.images);
      jsonNumber(j, "every_effect_accuracy", d.everyEffect);
      j.attributeArray("without", [&] {
        for (const AccuracyDiagnosis::Ablation &a : d.withoutEach)
          j.object([&] {
            j.attribute("effect", a.effect);
            jsonNumber(j, "accuracy", a.accuracy);
          });
      });
      j.attribute("worst_layer", d.worstLayer);
      jsonNumber(j, "worst_layer_error", d.worstLayerError);
    });
  });
  os << '\n';
}

llvm::Expected<std::vector<int64_t>>
nncc::predictClasses(const Executor &executor, const Dataset &set) {
  if (executor.getInputs().size() != 1)
    return makeError("classification needs a model with exactly one input");
  if (executor.getInputs().front().dtype != DType::F32)
    return makeError("classification needs a float32 model input");
  BatchRunner runner(executor, set);
  if (llvm::Error e = runner.check("the"))
    return std::move(e);
  std::vector<std::vector<int64_t>> perBatch(runner.batches());
  if (llvm::Error e = forEachBatch(runner.batches(), [&](int64_t b) -> llvm::Error {
        llvm::Expected<std::vector<int64_t>> best = runner.predict(b, nullptr);
        if (!best)
          return best.takeError();
        perBatch[b] = std::move(*best);
        return llvm::Error::success();
      }))
    return std::move(e);
  std::vector<int64_t> classes;
  for (const std::vector<int64_t> &batch : perBatch)
    classes.insert(classes.end(), batch.begin(), batch.end());
  return classes;
}

llvm::Expected<int64_t> nncc::countCorrect(const Executor &executor,
                                           const Dataset &set) {
  if (executor.getInputs().size() != 1)
    return makeError("classification needs a model with exactly one input");
  if (executor.getInputs().front().dtype != DType::F32)
    return makeError("classification needs a float32 model input");
  BatchRunner runner(executor, set);
  if (llvm::Error e = runner.check("test"))
    return std::move(e);
  std::atomic<int64_t> correct{0};
  if (llvm::Error e = forEachBatch(runner.batches(), [&](int64_t b) -> llvm::Error {
        llvm::Expected<int64_t> right = runner.run(b, nullptr);
        if (!right)
          return right.takeError();
        correct += *right;
        return llvm::Error::success();
      }))
    return std::move(e);
  return correct.load();
}
