//===- SpikingRun.cpp - Stepping a spiking program through time ------------===//
//
// One sample at a time (samples in parallel), every timestep runs the steps
// in program order; a layer adds, for each input that spiked, its synapses'
// weights to the neurons they reach.  Potentials and weights are doubles
// holding integers (exact far beyond a 32-bit potential) unless device
// effects make the weights real.
//
//===----------------------------------------------------------------------===//
#include "SpikingPlan.h"

#include "nncc/Dialect/NN/NNEvaluation.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Runtime/Kernels.h"
#include "nncc/Runtime/Parallel.h"
#include "nncc/Target/TargetChip.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <random>

using namespace mlir;
using namespace nncc;
using runtime::Tensor;

namespace {

uint64_t mix(uint64_t x) {
  // splitmix64's finalizer: a counter-based stream needs no state.
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Uniform in [0, 1) for (seed, sample, element, timestep).
double uniformAt(uint64_t seed, uint64_t sample, uint64_t element,
                 uint64_t timestep) {
  uint64_t h = mix(mix(mix(mix(seed) ^ sample) ^ element) ^ timestep);
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

/// A device's conductance for a target fraction f in [0, 1] of the window.
double sampleDevice(double f, const SynapseDeviceEffects &d,
                    std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> n(0, 1);
  double range = d.gMax - d.gMin;
  double g = d.gMin + f * range;
  double fault = u(rng);
  if (fault < d.stuckAtOn)
    return d.gMax;
  if (fault < d.stuckAtOn + d.stuckAtOff)
    return d.gMin;
  double sigma = d.relative ? d.programmingSigma * g
                            : d.programmingSigma * range;
  g = std::clamp(g + sigma * n(rng), d.gMin, d.gMax);
  if (d.time > 0 && d.driftT0 > 0 && d.time > d.driftT0) {
    double nu = std::max(0.0, d.driftNuMean + d.driftNuSigma * n(rng));
    g *= std::pow(d.time / d.driftT0, -nu);
  }
  return g;
}

/// The weight each synapse adds: code x gain, or, with device effects, the
/// code the sampled differential pair realizes.
std::vector<std::vector<double>>
effectiveWeights(const SpikingProgram::Plan &plan,
                 const SpikingOptions &options) {
  std::vector<std::vector<double>> weights(plan.layers.size());
  for (size_t l = 0; l < plan.layers.size(); ++l) {
    const SpikingLayerPlan &layer = plan.layers[l];
    std::vector<double> &w = weights[l];
    w.resize(layer.code.size());
    // Chained, not xor-ed: (seed, instance) pairs never cancel.
    std::mt19937_64 rng(
        mix(mix(mix(options.seed) + uint64_t(options.instance)) + l));
    for (size_t e = 0; e < layer.code.size(); ++e) {
      double code = layer.code[e];
      if (options.device) {
        const SynapseDeviceEffects &d = *options.device;
        double fraction = std::fabs(code) / layer.maxCode;
        double plus = sampleDevice(code > 0 ? fraction : 0, d, rng);
        double minus = sampleDevice(code < 0 ? fraction : 0, d, rng);
        code = (plus - minus) / (d.gMax - d.gMin) * layer.maxCode;
      }
      w[e] = code * layer.gain[layer.target[e]];
    }
  }
  return weights;
}

/// Per-sample state of every stateful step.
struct SampleState {
  std::vector<std::vector<uint8_t>> spikes;     // per slot
  std::vector<std::vector<double>> probability; // per encoder
  std::vector<std::vector<double>> accumulator; // per encoder (rate)
  std::vector<std::vector<double>> potential, persistent, partial; // per layer
  std::vector<std::vector<double>> current;                        // per layer
  std::vector<std::vector<int32_t>> poolCounts;                    // per pool
  std::vector<std::vector<double>> readoutCounts; // per readout (spikes)
};

/// Events of one sample, per layer.
struct SampleCounts {
  std::vector<double> synapticOps, spikesOut;
  double inputSpikes = 0;
};

class SampleRunner {
public:
  SampleRunner(const SpikingProgram::Plan &plan, const SpikingOptions &options,
               const std::vector<std::vector<double>> &weights,
               const std::vector<int64_t> &checkpoints)
      : plan(plan), options(options), weights(weights),
        checkpoints(checkpoints) {}

  /// Runs sample `index` (`input` its tensor); writes its first result at
  /// each checkpoint into outputs[c][index * elements ...].
  llvm::Error run(int64_t index, const Tensor &input,
                  std::vector<std::vector<float>> &outputs, int64_t elements,
                  SampleCounts &counts);

private:
  llvm::Error evaluate(ArrayRef<Operation *> ops,
                       llvm::DenseMap<Value, Tensor> &values) const;
  void step(const SpikingStep &s, int64_t index, int64_t t, SampleState &st,
            SampleCounts &counts) const;

  const SpikingProgram::Plan &plan;
  const SpikingOptions &options;
  const std::vector<std::vector<double>> &weights;
  const std::vector<int64_t> &checkpoints;
};

llvm::Error SampleRunner::evaluate(ArrayRef<Operation *> ops,
                                   llvm::DenseMap<Value, Tensor> &values) const {
  for (Operation *op : ops) {
    std::vector<Tensor> results;
    for (Value r : op->getResults()) {
      auto type = cast<RankedTensorType>(r.getType());
      llvm::Expected<runtime::DType> dtype =
          dtypeForElementType(type.getElementType());
      if (!dtype)
        return dtype.takeError();
      results.emplace_back(*dtype, type.getShape());
    }
    auto operand = [&](Value v) -> const Tensor & {
      auto it = plan.constants.find(v);
      return it != plan.constants.end() ? it->second : values.find(v)->second;
    };
    if (!nn::evaluate(op, operand, results))
      return llvm::createStringError("cannot evaluate " +
                                     op->getName().getStringRef().str());
    for (auto [r, t] : llvm::zip(op->getResults(), results))
      values[r] = std::move(t);
  }
  return llvm::Error::success();
}

void SampleRunner::step(const SpikingStep &s, int64_t index, int64_t t,
                        SampleState &st, SampleCounts &counts) const {
  std::vector<uint8_t> &out = st.spikes[s.output];
  switch (s.kind) {
  case SpikingStepKind::Encode: {
    const SpikingEncoderPlan &e = plan.encoders[s.index];
    const std::vector<double> &p = st.probability[s.index];
    for (int64_t i = 0; i < e.elements; ++i) {
      uint8_t spike = 0;
      switch (e.encoding) {
      case snn::Encoding::Rate: {
        double &acc = st.accumulator[s.index][i];
        acc += p[i];
        if (acc >= 1.0) {
          acc -= 1.0;
          spike = 1;
        }
        break;
      }
      case snn::Encoding::Poisson:
        spike = uniformAt(options.seed, index, i, t) < p[i];
        break;
      case snn::Encoding::TimeToFirstSpike:
        spike = p[i] > 0 &&
                t == static_cast<int64_t>(
                         std::floor((1.0 - p[i]) * options.timesteps)) + 1 &&
                t <= options.timesteps;
        break;
      }
      out[i] = spike;
      counts.inputSpikes += spike;
    }
    return;
  }
  case SpikingStepKind::Layer: {
    const SpikingLayerPlan &layer = plan.layers[s.index];
    const std::vector<double> &w = weights[s.index];
    const std::vector<uint8_t> &in = st.spikes[s.input];
    std::vector<double> &current = st.current[s.index];
    std::vector<double> &v = st.potential[s.index];
    std::vector<double> &persistent = st.persistent[s.index];
    std::vector<double> &partial = st.partial[s.index];
    bool split = layer.fanInGroups > 1;
    std::fill(current.begin(), current.end(), 0.0);
    double events = static_cast<double>(layer.biasEvents);
    for (int64_t i = 0; i < layer.inputs; ++i) {
      if (!in[i])
        continue;
      int64_t b = layer.begin[i], e = layer.begin[i + 1];
      events += static_cast<double>(e - b);
      for (int64_t k = b; k < e; ++k) {
        double &sum = split ? partial[layer.group[k] * layer.neurons +
                                      layer.target[k]]
                            : current[layer.target[k]];
        sum += w[k];
        if (layer.persistentInput)
          persistent[layer.target[k]] += w[k];
      }
    }
    counts.synapticOps[s.index] += events;
    if (split) {
      // Each group of cores adds its partial potential, held in a register
      // as wide as the potential, into the neuron.
      for (int64_t g = 0; g < layer.fanInGroups; ++g)
        for (int64_t j = 0; j < layer.neurons; ++j) {
          double &p = partial[g * layer.neurons + j];
          current[j] += std::clamp(p, -layer.limit, layer.limit);
          p = 0;
        }
    }
    bool readout = layer.threshold.empty();
    double emitted = 0;
    for (int64_t j = 0; j < layer.neurons; ++j) {
      double drive = current[j] + layer.bias[j];
      if (layer.persistentInput)
        drive = drive - current[j] + persistent[j];
      // A leaky neuron keeps a fraction of its potential, truncated
      // towards zero as an integer register does.
      double kept = layer.decay > 0 ? std::trunc(v[j] * (1.0 - layer.decay))
                                    : v[j];
      double x = std::clamp(kept + drive, -layer.limit, layer.limit);
      uint8_t spike = 0;
      if (!readout && x >= layer.threshold[j]) {
        spike = 1;
        x = layer.subtractReset ? x - layer.threshold[j] : 0.0;
      }
      v[j] = x;
      out[j] = spike;
      emitted += spike;
    }
    counts.spikesOut[s.index] += emitted;
    return;
  }
  case SpikingStepKind::MaxPool: {
    const SpikingPoolPlan &pool = plan.pools[s.index];
    const std::vector<uint8_t> &in = st.spikes[s.input];
    std::vector<int32_t> &seen = st.poolCounts[s.index];
    for (int64_t i = 0; i < pool.inputs; ++i)
      seen[i] += in[i];
    int64_t outputs = static_cast<int64_t>(pool.windowBegin.size()) - 1;
    for (int64_t o = 0; o < outputs; ++o) {
      int32_t best = -1;
      uint8_t spike = 0;
      for (int64_t k = pool.windowBegin[o]; k < pool.windowBegin[o + 1]; ++k) {
        int32_t i = pool.windowInputs[k];
        if (seen[i] > best) {
          best = seen[i];
          spike = in[i];
        }
      }
      out[o] = spike;
    }
    return;
  }
  }
}

llvm::Error SampleRunner::run(int64_t index, const Tensor &input,
                              std::vector<std::vector<float>> &outputs,
                              int64_t elements, SampleCounts &counts) {
  llvm::DenseMap<Value, Tensor> values;
  values[plan.argument] = input.clone();
  if (llvm::Error e = evaluate(plan.before, values))
    return e;
  SampleState st;
  st.spikes.resize(plan.slotSizes.size());
  for (size_t i = 0; i < plan.slotSizes.size(); ++i)
    st.spikes[i].assign(plan.slotSizes[i], 0);
  for (const SpikingEncoderPlan &e : plan.encoders) {
    Tensor f(runtime::DType::F32,
             cast<RankedTensorType>(e.source.getType()).getShape());
    auto it = values.find(e.source);
    if (it == values.end())
      return llvm::createStringError("an encoder's input is not computed "
                                     "before the spiking steps");
    runtime::cast(it->second, f);
    std::vector<double> p(e.elements);
    for (int64_t i = 0; i < e.elements; ++i)
      p[i] = std::clamp(f.data<float>()[i] / e.fullScale, 0.0, 1.0);
    st.probability.push_back(std::move(p));
    st.accumulator.emplace_back(e.elements, 0.0);
  }
  for (const SpikingLayerPlan &l : plan.layers) {
    st.potential.emplace_back(l.neurons, 0.0);
    st.current.emplace_back(l.neurons, 0.0);
    st.persistent.emplace_back(l.persistentInput ? l.neurons : 0, 0.0);
    st.partial.emplace_back(l.fanInGroups > 1 ? l.fanInGroups * l.neurons : 0,
                            0.0);
  }
  for (const SpikingPoolPlan &p : plan.pools)
    st.poolCounts.emplace_back(p.inputs, 0);
  for (const SpikingReadoutPlan &r : plan.readouts)
    st.readoutCounts.emplace_back(r.potential ? 0 : plan.slotSizes[r.slot],
                                  0.0);
  counts.synapticOps.assign(plan.layers.size(), 0.0);
  counts.spikesOut.assign(plan.layers.size(), 0.0);

  size_t next = 0;
  for (int64_t t = 1; t <= options.timesteps; ++t) {
    for (const SpikingStep &s : plan.steps)
      step(s, index, t, st, counts);
    for (size_t r = 0; r < plan.readouts.size(); ++r)
      if (!plan.readouts[r].potential)
        for (size_t i = 0; i < st.readoutCounts[r].size(); ++i)
          st.readoutCounts[r][i] += st.spikes[plan.readouts[r].slot][i];
    if (next >= checkpoints.size() || checkpoints[next] != t)
      continue;
    for (size_t r = 0; r < plan.readouts.size(); ++r) {
      const SpikingReadoutPlan &readout = plan.readouts[r];
      const std::vector<double> &source =
          readout.potential ? st.potential[readout.layer]
                            : st.readoutCounts[r];
      Tensor out(runtime::DType::F32, readout.shape);
      for (size_t i = 0; i < source.size(); ++i)
        out.data<float>()[i] =
            static_cast<float>(readout.unit * source[i] / double(t));
      values[readout.result] = std::move(out);
    }
    if (llvm::Error e = evaluate(plan.after, values))
      return e;
    Tensor f(runtime::DType::F32,
             cast<RankedTensorType>(plan.result.getType()).getShape());
    runtime::cast(values.find(plan.result)->second, f);
    std::copy(f.data<float>(), f.data<float>() + elements,
              outputs[next].begin() + index * elements);
    ++next;
  }
  return llvm::Error::success();
}

} // namespace

std::optional<SynapseDeviceEffects>
SynapseDeviceEffects::fromTarget(const target::TargetChip &chip) {
  if (!chip.neuromorphic || !chip.neuromorphic->deviceSynapses ||
      !(chip.device.gMax > chip.device.gMin))
    return std::nullopt;
  const target::DeviceStatistics &s = chip.device.statistics;
  SynapseDeviceEffects d;
  d.programmingSigma = s.programmingSigma;
  d.relative = s.programmingSigmaRelative;
  d.stuckAtOn = s.stuckAtOn;
  d.stuckAtOff = s.stuckAtOff;
  d.driftNuMean = s.drift.nuMean;
  d.driftNuSigma = s.drift.nuSigma;
  d.driftT0 = s.drift.t0;
  d.gMin = chip.device.gMin;
  d.gMax = chip.device.gMax;
  return d;
}

llvm::Expected<SpikingResults>
SpikingProgram::run(const Tensor &samples, int64_t count,
                    const SpikingOptions &options) const {
  if (options.timesteps < 1)
    return llvm::createStringError("a spiking run needs at least 1 timestep");
  int64_t perSample = runtime::numElementsOf(plan->inputShape);
  if (count < 0 || count * perSample > samples.numElements())
    return llvm::createStringError("fewer samples than requested");
  SpikingResults results;
  results.samples = count;
  results.checkpoints = options.checkpoints;
  results.checkpoints.push_back(options.timesteps);
  for (int64_t c : results.checkpoints)
    if (c < 1 || c > options.timesteps)
      return llvm::createStringError(
          "readout timestep " + std::to_string(c) + " is outside [1, " +
          std::to_string(options.timesteps) + "]");
  llvm::sort(results.checkpoints);
  results.checkpoints.erase(
      std::unique(results.checkpoints.begin(), results.checkpoints.end()),
      results.checkpoints.end());
  results.outputElements =
      cast<RankedTensorType>(plan->result.getType()).getNumElements();
  results.outputs.assign(
      results.checkpoints.size(),
      std::vector<float>(count * results.outputElements, 0.0f));
  std::vector<std::vector<double>> weights = effectiveWeights(*plan, options);

  std::vector<SampleCounts> perSampleCounts(count);
  std::mutex errorLock;
  std::optional<std::string> firstError;
  // Samples not in f32 are converted once, here.
  Tensor converted;
  const Tensor *f32 = &samples;
  if (samples.dtype() != runtime::DType::F32) {
    converted = Tensor(runtime::DType::F32, samples.shape());
    runtime::cast(samples, converted);
    f32 = &converted;
  }
  runtime::parallelChunks(count, 1, [&](int64_t begin, int64_t end) {
    SampleRunner runner(*plan, options, weights, results.checkpoints);
    for (int64_t i = begin; i < end; ++i) {
      Tensor x(runtime::DType::F32, plan->inputShape);
      std::copy(f32->data<float>() + i * perSample,
                f32->data<float>() + (i + 1) * perSample, x.data<float>());
      if (llvm::Error e = runner.run(i, x, results.outputs,
                                     results.outputElements,
                                     perSampleCounts[i])) {
        std::lock_guard<std::mutex> lock(errorLock);
        if (!firstError)
          firstError = llvm::toString(std::move(e));
        return;
      }
    }
  });
  if (firstError)
    return llvm::createStringError(*firstError);
  for (const SpikingLayerPlan &l : plan->layers)
    results.layers.push_back({l.name, l.neurons, 0, 0});
  // Summed in sample order: the same totals for any thread count.
  for (const SampleCounts &c : perSampleCounts) {
    results.inputSpikes += c.inputSpikes;
    for (size_t l = 0; l < results.layers.size(); ++l) {
      results.layers[l].synapticOps += c.synapticOps[l];
      results.layers[l].spikesOut += c.spikesOut[l];
    }
  }
  return results;
}

std::vector<double> nncc::spikingAccuracy(const SpikingResults &results,
                                          llvm::ArrayRef<int64_t> labels) {
  std::vector<double> accuracy;
  int64_t n = std::min<int64_t>(results.samples, labels.size());
  int64_t e = results.outputElements;
  for (const std::vector<float> &out : results.outputs) {
    int64_t correct = 0;
    for (int64_t i = 0; i < n; ++i) {
      const float *row = out.data() + i * e;
      int64_t best = std::max_element(row, row + e) - row;
      correct += best == labels[i];
    }
    accuracy.push_back(n ? double(correct) / double(n) : 0.0);
  }
  return accuracy;
}
