//===- SynapseQuantization.cpp - Float weights to synapse codes -----------===//
#include "nncc/Conversion/NNToSNN/SynapseQuantization.h"
#include "nncc/Dialect/SNN/SNNOps.h"

#include <algorithm>
#include <cmath>

using namespace nncc;

namespace {

double meanMagnitude(llvm::ArrayRef<float> weights) {
  double sum = 0;
  for (float w : weights)
    sum += std::fabs(w);
  return weights.empty() ? 0 : sum / weights.size();
}

/// Ternary networks' zero threshold: 0.7 of the mean magnitude (Li et al.,
/// "Ternary weight networks", 2016, eq. 7's approximation).
constexpr double kTernaryThreshold = 0.7;

} // namespace

double nncc::synapseStep(llvm::ArrayRef<float> weights, int64_t synapseBits) {
  double step = 0;
  if (synapseBits == 1) {
    step = meanMagnitude(weights);
  } else if (synapseBits == 2) {
    double cut = kTernaryThreshold * meanMagnitude(weights);
    double sum = 0;
    int64_t kept = 0;
    for (float w : weights)
      if (std::fabs(w) > cut) {
        sum += std::fabs(w);
        ++kept;
      }
    step = kept ? sum / kept : 0;
  } else {
    double largest = 0;
    for (float w : weights)
      largest = std::max<double>(largest, std::fabs(w));
    step = largest / snn::maxSynapseCode(synapseBits);
  }
  return step > 0 ? step : 1.0;
}

void nncc::synapseCodes(llvm::ArrayRef<float> weights, int64_t synapseBits,
                        double step, llvm::MutableArrayRef<int32_t> codes) {
  int64_t limit = snn::maxSynapseCode(synapseBits);
  // Ternary zeros follow the weights' own spread, not the step: a layer
  // read with a shared step keeps each neuron's sparsity.
  double cut = synapseBits == 2 ? kTernaryThreshold * meanMagnitude(weights)
                                : 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double w = weights[i];
    if (synapseBits == 1) {
      codes[i] = w < 0 ? -1 : 1;
      continue;
    }
    if (synapseBits == 2) {
      codes[i] = std::fabs(w) > cut ? (w < 0 ? -1 : 1) : 0;
      continue;
    }
    double q = std::nearbyint(w / step);
    codes[i] = static_cast<int32_t>(std::clamp<double>(q, -limit, limit));
  }
}
