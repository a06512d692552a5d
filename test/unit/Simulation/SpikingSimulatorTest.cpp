//===- SpikingSimulatorTest.cpp - The spiking simulator against hand counts ===//
//
// Integrate-and-fire spike counts and synaptic events against a
// hand-stepped trace; a conv layer's fan-out lists against a direct
// integer convolution; a layer split into fan-in groups against the same
// layer whole (exact, spike for spike).
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/SNN/SNNDialect.h"
#include "nncc/Simulation/SpikingSimulator.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

using namespace nncc;

namespace {

mlir::OwningOpRef<mlir::ModuleOp> parse(mlir::MLIRContext &context,
                                        const std::string &text) {
  context.loadDialect<nn::NNDialect, snn::SNNDialect, mlir::func::FuncDialect>();
  return mlir::parseSourceString<mlir::ModuleOp>(text, &context);
}

std::string list(const std::vector<int> &values) {
  std::ostringstream os;
  for (size_t i = 0; i < values.size(); ++i)
    os << (i ? ", " : "") << values[i];
  return os.str();
}

/// `values` as MLIR's nested literal of `shape` ("[[1, 2], [3, 4]]").
std::string nested(const std::vector<int> &values,
                   llvm::ArrayRef<int64_t> shape, size_t &at) {
  if (shape.empty())
    return std::to_string(values[at++]);
  std::string out = "[";
  for (int64_t i = 0; i < shape.front(); ++i)
    out += (i ? ", " : "") + nested(values, shape.drop_front(), at);
  return out + "]";
}
std::string nested(const std::vector<int> &values,
                   llvm::ArrayRef<int64_t> shape) {
  size_t at = 0;
  return nested(values, shape, at);
}

runtime::Tensor input(std::vector<float> values,
                      llvm::ArrayRef<int64_t> shape) {
  runtime::Tensor t(runtime::DType::F32, shape);
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

/// Parses `text`, prepares its @main and runs the one sample `x` for
/// `timesteps`, also reading out at `checkpoints`.
llvm::Expected<SpikingResults> runText(const std::string &text,
                                       const runtime::Tensor &x,
                                       int64_t timesteps,
                                       std::vector<int64_t> checkpoints = {}) {
  mlir::MLIRContext context;
  auto module = parse(context, text);
  if (!module)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the test program does not parse");
  auto program = SpikingProgram::create(*module);
  if (!program)
    return program.takeError();
  SpikingOptions options;
  options.timesteps = timesteps;
  options.checkpoints = std::move(checkpoints);
  return program->run(x, 1, options);
}

// x = [0.5, 0.25] rate-encoded: input 0 spikes at t = 2, 4, 6, 8 and input 1
// at t = 4, 8.  Neuron 0 (weights 3, 4, threshold 5, no bias) integrates
// 0 3 3 10 | 5 0 3 3 10: it spikes at t = 4 (10 -> 5), t = 5 (5 -> 0) and
// t = 8: 3 spikes.  Neuron 1 (weights 1, 0, bias 1, threshold 3) reaches
// 3 at every even t: 4 spikes.  Synaptic events: input 0's 4 spikes reach
// 2 synapses, input 1's 2 spikes one (neuron 1's weight is 0, no synapse).
TEST(SpikingSimulator, IntegrateAndFireCountsByHand) {
  auto run = runText(R"mlir(
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %s = snn.encode rate %x {full_scale = 1.0 : f64} : tensor<1x2xf32> -> tensor<1x2xi1>
  %y = snn.layer "hand" dense %s {weights = dense<[[3, 4], [1, 0]]> : tensor<2x2xi8>,
      thresholds = dense<[5, 3]> : tensor<2xi32>, biases = dense<[0, 1]> : tensor<2xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 16 : i64, synapse_bits = 4 : i64} : tensor<1x2xi1> -> tensor<1x2xi1>
  %r = snn.readout %y {unit = 8.0 : f64} : tensor<1x2xi1> -> tensor<1x2xf32>
  return %r : tensor<1x2xf32>
}
)mlir",
                     input({0.5f, 0.25f}, {1, 2}), 8, {4});
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  ASSERT_EQ(run->checkpoints, (std::vector<int64_t>{4, 8}));
  // unit 8 / t: spike counts after 8 steps; after 4: neuron 0 spiked once
  // (t = 4), neuron 1 twice (t = 2, 4) -> 8 / 4 x count.
  EXPECT_EQ(run->outputs[1], (std::vector<float>{3.0f, 4.0f}));
  EXPECT_EQ(run->outputs[0], (std::vector<float>{2.0f, 4.0f}));
  EXPECT_EQ(run->inputSpikes, 6.0);
  ASSERT_EQ(run->layers.size(), 1u);
  EXPECT_EQ(run->layers[0].synapticOps, 10.0);
  EXPECT_EQ(run->layers[0].spikesOut, 7.0);
}

// Reset to zero drops the charge above the threshold: neuron 0 of the
// trace above spikes at t = 4 (10 -> 0) and t = 8 only.
TEST(SpikingSimulator, ResetToZero) {
  auto run = runText(R"mlir(
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %s = snn.encode rate %x {full_scale = 1.0 : f64} : tensor<1x2xf32> -> tensor<1x2xi1>
  %y = snn.layer "hand" dense %s {weights = dense<[[3, 4]]> : tensor<1x2xi8>,
      thresholds = dense<[5]> : tensor<1xi32>, biases = dense<[0]> : tensor<1xi32>,
      reset = #snn<reset zero>, bias_source = #snn<bias_source leak>,
      potential_bits = 16 : i64, synapse_bits = 4 : i64} : tensor<1x2xi1> -> tensor<1x1xi1>
  %r = snn.readout %y {unit = 8.0 : f64} : tensor<1x1xi1> -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}
)mlir",
                     input({0.5f, 0.25f}, {1, 2}), 8);
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  EXPECT_EQ(run->outputs[0], (std::vector<float>{2.0f}));
}

// Average pooling as neurons: inputs at rates 1, 1/2, 1/4, 1/4 (rate
// coded) send 8 + 4 + 2 + 2 = 16 spikes in 8 timesteps; a neuron of
// threshold 4 behind code-1 synapses spikes 16 / 4 = 4 times, the mean
// rate 1/2 (readout unit 1: count / T).
TEST(SpikingSimulator, AveragePoolNeuronRateIsTheMean) {
  auto run = runText(R"mlir(
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32> {
  %s = snn.encode rate %x {full_scale = 1.0 : f64} : tensor<1x1x2x2xf32> -> tensor<1x1x2x2xi1>
  %y = snn.layer "avg" conv %s {weights = dense<1> : tensor<1x1x2x2xi8>,
      thresholds = dense<4> : tensor<1xi32>, biases = dense<0> : tensor<1xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 8 : i64, synapse_bits = 1 : i64, group = 1 : i64,
      strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>} : tensor<1x1x2x2xi1> -> tensor<1x1x1x1xi1>
  %r = snn.readout %y {unit = 1.0 : f64} : tensor<1x1x1x1xi1> -> tensor<1x1x1x1xf32>
  return %r : tensor<1x1x1x1xf32>
}
)mlir",
                     input({1.0f, 0.5f, 0.25f, 0.25f}, {1, 1, 2, 2}), 8);
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  EXPECT_EQ(run->outputs[0], (std::vector<float>{0.5f}));
  EXPECT_EQ(run->inputSpikes, 16.0);
  EXPECT_EQ(run->layers[0].synapticOps, 16.0);
  EXPECT_EQ(run->layers[0].spikesOut, 4.0);
}

// A leaky neuron keeps half its potential, truncated, before each input:
// an input spiking every timestep through weight 4 gives 4, 2 + 4 = 6,
// 3 + 4 = 7, trunc(3.5) + 4 = 7; read out after 4 timesteps: 7 / 4.
TEST(SpikingSimulator, LeakyNeuronDecaysBeforeIntegrating) {
  auto run = runText(R"mlir(
func.func @main(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %s = snn.encode rate %x {full_scale = 1.0 : f64} : tensor<1x1xf32> -> tensor<1x1xi1>
  %y = snn.layer "leaky" dense %s {weights = dense<4> : tensor<1x1xi8>,
      biases = dense<0> : tensor<1xi32>, decay = 0.5 : f64,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 16 : i64, synapse_bits = 4 : i64} : tensor<1x1xi1> -> tensor<1x1xi32>
  %r = snn.readout %y {unit = 1.0 : f64} : tensor<1x1xi32> -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}
)mlir",
                     input({1.0f}, {1, 1}), 4, {2});
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  EXPECT_EQ(run->outputs[0], (std::vector<float>{3.0f}));  // 6 / 2
  EXPECT_EQ(run->outputs[1], (std::vector<float>{1.75f})); // 7 / 4
}

/// A random conv layer read out (no thresholds) on inputs that spike at
/// every timestep or never: after T steps each potential is T x (the
/// integer convolution of the mask + bias), which readout unit 1 divides
/// by T.
TEST(SpikingSimulator, ConvFanOutMatchesDirectConvolution) {
  const int c = 3, h = 7, w = 6, o = 4, k = 3, stride = 2, pad = 1;
  const int oh = (h + 2 * pad - k) / stride + 1,
            ow = (w + 2 * pad - k) / stride + 1;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> code(-7, 7), bit(0, 1);
  std::vector<int> weights(o * c * k * k), bias(o);
  for (int &v : weights)
    v = code(rng);
  for (int &v : bias)
    v = code(rng);
  std::vector<float> mask(c * h * w);
  for (float &v : mask)
    v = static_cast<float>(bit(rng));
  std::string text = llvm::formatv(R"mlir(
func.func @main(%x: tensor<1x{0}x{1}x{2}xf32>) -> tensor<1x{3}x{4}x{5}xf32> {
  %s = snn.encode rate %x {{full_scale = 1.0 : f64} : tensor<1x{0}x{1}x{2}xf32> -> tensor<1x{0}x{1}x{2}xi1>
  %y = snn.layer "conv" conv %s {{weights = dense<{6}> : tensor<{3}x{0}x3x3xi8>,
      biases = dense<[{7}]> : tensor<{3}xi32>, reset = #snn<reset subtract>,
      bias_source = #snn<bias_source leak>, potential_bits = 24 : i64, synapse_bits = 4 : i64,
      strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      pads_begin = array<i64: 1, 1>, pads_end = array<i64: 1, 1>} : tensor<1x{0}x{1}x{2}xi1> -> tensor<1x{3}x{4}x{5}xi32>
  %r = snn.readout %y {{unit = 1.0 : f64} : tensor<1x{3}x{4}x{5}xi32> -> tensor<1x{3}x{4}x{5}xf32>
  return %r : tensor<1x{3}x{4}x{5}xf32>
}
)mlir", c, h, w, o, oh, ow, nested(weights, {o, c, k, k}),
                                   list(bias))
                         .str();
  auto run = runText(text, input(mask, {1, c, h, w}), 5);
  ASSERT_TRUE(bool(run)) << llvm::toString(run.takeError());
  for (int f = 0; f < o; ++f)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        int sum = bias[f];
        for (int ch = 0; ch < c; ++ch)
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
              int iy = y * stride - pad + ky, ix = x * stride - pad + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                continue;
              sum += weights[((f * c + ch) * k + ky) * k + kx] *
                     static_cast<int>(mask[(ch * h + iy) * w + ix]);
            }
        EXPECT_EQ(run->outputs[0][(f * oh + y) * ow + x],
                  static_cast<float>(sum))
            << "filter " << f << " at " << y << "," << x;
      }
}

/// The same random spiking layer, whole and split into fan-in groups
/// whose partial potentials the neurons add: the same spikes at every
/// timestep (the outputs and the event counts agree exactly).
TEST(SpikingSimulator, FanInSplitIsExact) {
  const int inputs = 300, outputs = 12;
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> code(-1, 1), threshold(20, 200),
      bias(-5, 5);
  std::vector<int> weights(outputs * inputs), thresholds(outputs),
      biases(outputs);
  for (int &v : weights)
    v = code(rng); // ternary codes, gain 97
  for (int &v : thresholds)
    v = threshold(rng) * 97 / 10;
  for (int &v : biases)
    v = bias(rng);
  std::uniform_real_distribution<float> pixel(0, 1);
  std::vector<float> x(inputs);
  for (float &v : x)
    v = pixel(rng);
  auto program = [&](mlir::MLIRContext &context, const char *groups) {
    std::string text = llvm::formatv(R"mlir(
func.func @main(%x: tensor<1x{0}xf32>) -> tensor<1x{1}xf32> {
  %s = snn.encode poisson %x {{full_scale = 1.0 : f64} : tensor<1x{0}xf32> -> tensor<1x{0}xi1>
  %y = snn.layer "split" dense %s {{weights = dense<{2}> : tensor<{1}x{0}xi8>,
      gains = dense<97> : tensor<{1}xi32>,
      thresholds = dense<[{3}]> : tensor<{1}xi32>, biases = dense<[{4}]> : tensor<{1}xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 20 : i64, synapse_bits = 2 : i64 {5}} : tensor<1x{0}xi1> -> tensor<1x{1}xi1>
  %r = snn.readout %y {{unit = 1.0 : f64} : tensor<1x{1}xi1> -> tensor<1x{1}xf32>
  return %r : tensor<1x{1}xf32>
}
)mlir", inputs, outputs, nested(weights, {outputs, inputs}),
                                     list(thresholds), list(biases),
                                     groups)
                           .str();
    return parse(context, text);
  };
  mlir::MLIRContext wholeContext, splitContext;
  auto whole = program(wholeContext, "");
  auto split = program(splitContext, ", fan_in_groups = 3 : i64");
  ASSERT_TRUE(whole && split);
  auto wholeProgram = SpikingProgram::create(*whole);
  auto splitProgram = SpikingProgram::create(*split);
  ASSERT_TRUE(bool(wholeProgram) && bool(splitProgram));
  SpikingOptions options;
  options.timesteps = 64;
  options.checkpoints = {1, 2, 3, 5, 8, 13, 21, 34};
  auto a = wholeProgram->run(input(x, {1, inputs}), 1, options);
  auto b = splitProgram->run(input(x, {1, inputs}), 1, options);
  ASSERT_TRUE(bool(a) && bool(b));
  EXPECT_EQ(a->outputs, b->outputs);
  EXPECT_EQ(a->layers[0].synapticOps, b->layers[0].synapticOps);
  EXPECT_EQ(a->layers[0].spikesOut, b->layers[0].spikesOut);
  EXPECT_GT(a->layers[0].spikesOut, 0.0);
}

} // namespace
