//===- SpikingPlan.cpp - Preparing a spiking program for stepping ----------===//
#include "SpikingPlan.h"

#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/Utils/TensorElements.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace nncc;

namespace {

std::vector<int64_t> integers(ElementsAttr attr) {
  std::vector<int64_t> values;
  values.reserve(attr.getNumElements());
  for (APInt v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

int64_t elementsOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// Fan-out lists of a dense layer: input (n, i) reaches neuron (n, o).
void denseFanOut(snn::LayerOp op, const std::vector<int64_t> &w,
                 SpikingLayerPlan &plan) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  int64_t batch = in.getDimSize(0), inputs = in.getDimSize(1);
  int64_t outputs = op.getOutputChannels();
  int64_t chunk = (inputs + plan.fanInGroups - 1) / plan.fanInGroups;
  plan.begin.assign(1, 0);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t i = 0; i < inputs; ++i) {
      for (int64_t o = 0; o < outputs; ++o)
        if (int64_t c = w[o * inputs + i]) {
          plan.target.push_back(static_cast<int32_t>(n * outputs + o));
          plan.code.push_back(static_cast<int32_t>(c));
          plan.group.push_back(static_cast<int16_t>(i / chunk));
        }
      plan.begin.push_back(static_cast<int64_t>(plan.target.size()));
    }
}

/// Fan-out lists of a conv layer: input (n, c, y, x) reaches neuron
/// (n, o, oy, ox) through kernel tap (ky, kx) when oy * stride - pad +
/// ky * dilation = y (and likewise for x), for the filters o of c's group.
void convFanOut(snn::LayerOp op, const std::vector<int64_t> &w,
                SpikingLayerPlan &plan) {
  auto in = cast<RankedTensorType>(op.getInput().getType());
  auto out = cast<RankedTensorType>(op.getOutput().getType());
  auto wShape = cast<ShapedType>(op.getWeights().getType()).getShape();
  int64_t batch = in.getDimSize(0), channels = in.getDimSize(1);
  int64_t height = in.getDimSize(2), width = in.getDimSize(3);
  int64_t filters = wShape[0], perGroup = wShape[1], kh = wShape[2],
          kw = wShape[3];
  int64_t oh = out.getDimSize(2), ow = out.getDimSize(3);
  int64_t group = op.getGroup(), filtersPerGroup = filters / group;
  ArrayRef<int64_t> s = op.getStrides(), d = op.getDilations(),
                    p = op.getPadsBegin();
  int64_t fanIn = perGroup * kh * kw;
  int64_t chunk = (fanIn + plan.fanInGroups - 1) / plan.fanInGroups;
  plan.begin.assign(1, 0);
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      int64_t g = c / perGroup, cin = c % perGroup;
      for (int64_t y = 0; y < height; ++y)
        for (int64_t x = 0; x < width; ++x) {
          for (int64_t o = g * filtersPerGroup; o < (g + 1) * filtersPerGroup;
               ++o)
            for (int64_t ky = 0; ky < kh; ++ky) {
              int64_t ny = y + p[0] - ky * d[0];
              if (ny < 0 || ny % s[0] != 0 || ny / s[0] >= oh)
                continue;
              for (int64_t kx = 0; kx < kw; ++kx) {
                int64_t nx = x + p[1] - kx * d[1];
                if (nx < 0 || nx % s[1] != 0 || nx / s[1] >= ow)
                  continue;
                int64_t k = (cin * kh + ky) * kw + kx;
                int64_t code = w[o * fanIn + k];
                if (!code)
                  continue;
                plan.target.push_back(static_cast<int32_t>(
                    ((n * filters + o) * oh + ny / s[0]) * ow + nx / s[1]));
                plan.code.push_back(static_cast<int32_t>(code));
                plan.group.push_back(static_cast<int16_t>(k / chunk));
              }
            }
          plan.begin.push_back(static_cast<int64_t>(plan.target.size()));
        }
    }
}

SpikingLayerPlan layerPlan(snn::LayerOp op, bool persistentInput) {
  SpikingLayerPlan plan;
  plan.name = op.getLayerName().str();
  plan.inputs = elementsOf(op.getInput());
  plan.neurons = elementsOf(op.getOutput());
  plan.fanInGroups = op.getFanInGroups() ? int64_t(*op.getFanInGroups()) : 1;
  plan.maxCode = snn::maxSynapseCode(op.getSynapseBits());
  plan.limit = static_cast<double>((int64_t(1) << (op.getPotentialBits() - 1)) - 1);
  plan.subtractReset = op.getReset() == snn::Reset::Subtract;
  if (auto decay = op.getDecay())
    plan.decay = decay->convertToDouble();
  plan.persistentInput = persistentInput;
  std::vector<int64_t> w = integers(op.getWeights());
  if (op.getKind() == snn::LayerKind::Dense)
    denseFanOut(op, w, plan);
  else
    convFanOut(op, w, plan);
  // Per-channel parameters, spread over each channel's neurons.
  int64_t channels = op.getOutputChannels();
  int64_t perChannel =
      op.getKind() == snn::LayerKind::Dense ? 1
      : cast<RankedTensorType>(op.getOutput().getType()).getDimSize(2) *
            cast<RankedTensorType>(op.getOutput().getType()).getDimSize(3);
  auto spread = [&](const std::vector<int64_t> &perCh) {
    std::vector<double> out(plan.neurons);
    for (int64_t j = 0; j < plan.neurons; ++j)
      out[j] = static_cast<double>(perCh[(j / perChannel) % channels]);
    return out;
  };
  std::vector<int64_t> ones(channels, 1);
  plan.gain = spread(op.getGains() ? integers(*op.getGains()) : ones);
  if (auto thresholds = op.getThresholds())
    plan.threshold = spread(integers(*thresholds));
  plan.bias = spread(integers(op.getBiases()));
  if (op.getBiasSource() == snn::BiasSource::Axon)
    for (int64_t j = 0; j < plan.neurons; ++j)
      if (plan.bias[j] != 0)
        plan.biasEvents += static_cast<int64_t>(
            std::ceil(std::fabs(plan.bias[j]) / (plan.gain[j] * plan.maxCode)));
  return plan;
}

SpikingPoolPlan poolPlan(snn::MaxPoolOp op) {
  SpikingPoolPlan plan;
  auto in = cast<RankedTensorType>(op.getInput().getType());
  auto out = cast<RankedTensorType>(op.getOutput().getType());
  int64_t planes = in.getDimSize(0) * in.getDimSize(1);
  int64_t h = in.getDimSize(2), w = in.getDimSize(3);
  int64_t oh = out.getDimSize(2), ow = out.getDimSize(3);
  ArrayRef<int64_t> k = op.getKernelShape(), s = op.getStrides(),
                    p = op.getPadsBegin();
  plan.inputs = planes * h * w;
  plan.windowBegin.assign(1, 0);
  for (int64_t pl = 0; pl < planes; ++pl)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        for (int64_t ky = 0; ky < k[0]; ++ky)
          for (int64_t kx = 0; kx < k[1]; ++kx) {
            int64_t y = oy * s[0] - p[0] + ky, x = ox * s[1] - p[1] + kx;
            if (y >= 0 && y < h && x >= 0 && x < w)
              plan.windowInputs.push_back(
                  static_cast<int32_t>((pl * h + y) * w + x));
          }
        plan.windowBegin.push_back(
            static_cast<int64_t>(plan.windowInputs.size()));
      }
  return plan;
}

} // namespace

llvm::Expected<SpikingProgram> SpikingProgram::create(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.getNumArguments() != 1 || main.getNumResults() < 1)
    return llvm::createStringError(
        "a spiking program needs func.func @main with one argument");
  auto plan = std::make_unique<Plan>();
  plan->argument = main.getArgument(0);
  auto argType = cast<RankedTensorType>(plan->argument.getType());
  plan->inputShape.assign(argType.getShape().begin(),
                          argType.getShape().end());
  llvm::DenseMap<Value, int> slots; // spike (and potential) values
  llvm::DenseMap<Value, snn::Encoding> encodedBy;
  llvm::DenseSet<Value> afterReadout; // float values computed from outputs
  auto slotOf = [&](Value v) {
    auto [it, added] = slots.try_emplace(v, int(plan->slotSizes.size()));
    if (added)
      plan->slotSizes.push_back(elementsOf(v));
    return it->second;
  };
  for (Operation &op : main.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      plan->result = ret.getOperand(0);
      continue;
    }
    if (auto constant = dyn_cast<nn::ConstantOp>(op)) {
      llvm::Expected<runtime::Tensor> value =
          elementsToTensor(constant.getValue());
      if (!value)
        return value.takeError();
      plan->constants.try_emplace(constant.getResult(), std::move(*value));
      continue;
    }
    if (auto encode = dyn_cast<snn::EncodeOp>(op)) {
      SpikingEncoderPlan e;
      e.encoding = encode.getEncoding();
      e.fullScale = encode.getFullScale().convertToDouble();
      e.source = encode.getInput();
      e.elements = elementsOf(encode.getInput());
      encodedBy[encode.getSpikes()] = e.encoding;
      plan->steps.push_back({SpikingStepKind::Encode, -1,
                             slotOf(encode.getSpikes()),
                             int(plan->encoders.size())});
      plan->encoders.push_back(e);
      continue;
    }
    if (auto layer = dyn_cast<snn::LayerOp>(op)) {
      auto it = encodedBy.find(layer.getInput());
      bool persistent = it != encodedBy.end() &&
                        it->second == snn::Encoding::TimeToFirstSpike;
      plan->steps.push_back({SpikingStepKind::Layer, slotOf(layer.getInput()),
                             slotOf(layer.getOutput()),
                             int(plan->layers.size())});
      plan->layers.push_back(layerPlan(layer, persistent));
      continue;
    }
    if (auto pool = dyn_cast<snn::MaxPoolOp>(op)) {
      plan->steps.push_back({SpikingStepKind::MaxPool, slotOf(pool.getInput()),
                             slotOf(pool.getOutput()),
                             int(plan->pools.size())});
      plan->pools.push_back(poolPlan(pool));
      continue;
    }
    if (auto readout = dyn_cast<snn::ReadoutOp>(op)) {
      SpikingReadoutPlan r;
      r.slot = slotOf(readout.getInput());
      r.potential = !cast<RankedTensorType>(readout.getInput().getType())
                         .getElementType()
                         .isInteger(1);
      if (r.potential) {
        auto layer = readout.getInput().getDefiningOp<snn::LayerOp>();
        if (!layer)
          return llvm::createStringError(
              "snn.readout of potentials must read an snn.layer");
        for (const SpikingStep &step : plan->steps)
          if (step.kind == SpikingStepKind::Layer &&
              step.output == slots[layer.getOutput()])
            r.layer = step.index;
      }
      r.unit = readout.getUnit().convertToDouble();
      r.result = readout.getOutput();
      auto type = cast<RankedTensorType>(r.result.getType());
      r.shape.assign(type.getShape().begin(), type.getShape().end());
      afterReadout.insert(r.result);
      plan->readouts.push_back(r);
      continue;
    }
    bool spikeOperand = llvm::any_of(op.getOperands(), [&](Value v) {
      return slots.count(v) != 0;
    });
    if (spikeOperand) {
      if (!isa<nn::FlattenOp, nn::ReshapeOp>(op))
        return llvm::createStringError(
            "a spiking program may carry spikes only through nn.flatten and "
            "nn.reshape, not " + op.getName().getStringRef().str());
      // Spikes are row-major, so a reshape reads the same slot.
      slots[op.getResult(0)] = slotOf(op.getOperand(0));
      continue;
    }
    if (op.getDialect() == nullptr ||
        op.getDialect()->getNamespace() != nn::NNDialect::getDialectNamespace())
      return llvm::createStringError("a spiking program cannot run " +
                                     op.getName().getStringRef().str());
    bool late = llvm::any_of(op.getOperands(), [&](Value v) {
      return afterReadout.contains(v);
    });
    if (late) {
      for (Value r : op.getResults())
        afterReadout.insert(r);
      plan->after.push_back(&op);
    } else {
      plan->before.push_back(&op);
    }
  }
  if (!afterReadout.contains(plan->result) &&
      !llvm::any_of(plan->readouts, [&](const SpikingReadoutPlan &r) {
        return r.result == plan->result;
      }))
    return llvm::createStringError(
        "@main's first result must come from an snn.readout");
  return SpikingProgram(std::move(plan));
}

SpikingProgram::SpikingProgram(std::unique_ptr<Plan> plan)
    : plan(std::move(plan)) {}
SpikingProgram::SpikingProgram(SpikingProgram &&) = default;
SpikingProgram &SpikingProgram::operator=(SpikingProgram &&) = default;
SpikingProgram::~SpikingProgram() = default;

llvm::ArrayRef<int64_t> SpikingProgram::inputShape() const {
  return plan->inputShape;
}
