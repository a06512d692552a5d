//===- AnalogLayerTest.cpp - Each chip effect alone against its closed form ===//
//
// Validation of the accuracy simulator's chip model (AnalogLayer.h): small
// layers are mapped with the real passes onto hand-made chips, one effect is
// switched on at a time, and what the model produces is compared with the
// closed form of that effect, written in a comment next to each check:
//
//   - every effect off: the accumulators equal the integer reference exactly;
//   - drift: g(t) = g(t0) (t/t0)^-nu, its lognormal mean over cells, and the
//     global compensation factor;
//   - write-verify programming: the truncated-normal residual and the
//     variance of a column current;
//   - read noise: the variance of the accumulator;
//   - ADC: the error bound inside the calibrated range and the top-code clip;
//   - stuck-at: the observed fault fractions;
//   - IR drop: the series model against a nodal solve of the same array.
//
// Statistical checks use 5-sigma bounds over at least ~10^4 samples drawn
// from fixed seeds, so they are deterministic and fail only if the model is
// wrong (a 5-sigma excursion has probability ~6e-7 per check).
//
//===----------------------------------------------------------------------===//
#include "nncc/Simulation/AnalogLayer.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"
#include "nncc/Simulation/AdcCalibration.h"
#include "nncc/Simulation/Sampling.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

#include "../IdealChip.h"
#include "DenseNodalSolve.h"
#include "../QuantizedLayer.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace mlir;
using namespace nncc;
using runtime::Tensor;

namespace {

constexpr double kFloatEps = 0x1.0p-23; // cells are stored as float

using test::uniformInt;

//===----------------------------------------------------------------------===//
// Layers and chips
//===----------------------------------------------------------------------===//

/// A quantized cim.layer (QuantizedLayer.h): gemm [m, k] x [k, n], or a
/// grouped conv; scales are 1 and inputs integers, so xq = input.
using LayerSpec = test::QuantizedLayer;

std::string moduleText(const LayerSpec &c) { return test::layerFunction(c); }

/// A gemm with the given weights [k, n] (symmetric, zero points 0) and
/// unsigned inputs [m, k].
LayerSpec gemm(int64_t k, int64_t n, int64_t m, int64_t weightBits,
               int64_t inputBits, std::vector<int64_t> ints,
               std::vector<int64_t> inputs) {
  LayerSpec c;
  c.k = k;
  c.n = n;
  c.m = m;
  c.weightBits = weightBits;
  c.inputBits = inputBits;
  c.ints = std::move(ints);
  c.zeros.assign(n, 0);
  c.inputs = std::move(inputs);
  c.outShape = {m, n};
  return c;
}

/// Everything a test needs of one mapped layer.
struct Mapped {
  OwningOpRef<ModuleOp> module;
  cim::LayerOp layer;
  std::optional<CIMLayerRunner> runner;
  std::optional<AnalogLayer> analog;
  Tensor xq, reference; ///< i32 [G, P, K], i64 [G, P, N]
};

EffectSwitches only(bool EffectSwitches::*flag) {
  EffectSwitches e = EffectSwitches::none();
  e.*flag = true;
  return e;
}

class SimulationTest : public ::testing::Test {
protected:
  SimulationTest() : context(registry()) {
    context.loadAllAvailableDialects();
    handler =
        std::make_unique<ScopedDiagnosticHandler>(&context, [&](Diagnostic &d) {
          diagnostics += d.str() + "\n";
          return success();
        });
  }

  static DialectRegistry registry() {
    DialectRegistry r;
    r.insert<nn::NNDialect, cim::CIMDialect, func::FuncDialect>();
    return r;
  }

  /// Maps `spec` onto `chip` (scheme, bits per cell and DAC width from the
  /// chip; `bitsPerCell` stores fewer bits per cell than the device holds)
  /// and prepares the runner, the analog layer, xq and the integer
  /// reference.  Returns false (after a gtest failure) on any error.
  bool map(const LayerSpec &spec, const target::TargetChip &chip,
           Mapped &out, int64_t bitsPerCell = 0) {
    std::string text = moduleText(spec);
    out.module = parseSourceString<ModuleOp>(text, &context);
    if (!out.module) {
      ADD_FAILURE() << diagnostics << "\n" << text;
      return false;
    }
    (*out.module)->setAttr(cim::kTargetAttrName,
                           makeTargetAttr(&context, chip));
    PassManager pm(&context);
    pm.addPass(createDifferentialSplit());
    BitSliceWeightsOptions slicing;
    slicing.bitsPerCell = bitsPerCell;
    pm.addPass(createBitSliceWeights(slicing));
    pm.addPass(createPartitionOntoArrays());
    if (failed(pm.run(*out.module))) {
      ADD_FAILURE() << diagnostics << "\n" << text;
      return false;
    }
    out.module->walk([&](cim::LayerOp op) { out.layer = op; });
    llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(out.layer);
    if (!runner) {
      ADD_FAILURE() << llvm::toString(runner.takeError());
      return false;
    }
    out.runner.emplace(std::move(*runner));
    Tensor input(runtime::DType::F32, spec.inShape());
    for (size_t i = 0; i < spec.inputs.size(); ++i)
      input.data<float>()[i] = static_cast<float>(spec.inputs[i]);
    llvm::Expected<Tensor> xq = out.runner->quantizeIm2col(input);
    if (!xq) {
      ADD_FAILURE() << llvm::toString(xq.takeError());
      return false;
    }
    out.xq = std::move(*xq);
    llvm::Expected<Tensor> ref = out.runner->integerAccumulators(out.xq);
    if (!ref) {
      ADD_FAILURE() << llvm::toString(ref.takeError());
      return false;
    }
    out.reference = std::move(*ref);
    llvm::Expected<AnalogLayer> analog = AnalogLayer::create(out.layer, chip);
    if (!analog) {
      ADD_FAILURE() << llvm::toString(analog.takeError());
      return false;
    }
    out.analog.emplace(std::move(*analog));
    return true;
  }

  /// Programming alone on a layer of +1 weights (its closed form at the
  /// definition), stored `bitsPerCell` bits per cell on `levels`-level
  /// cells whose level stride is `stride`.
  void checkProgrammingErrorVariance(int64_t levels, int64_t bitsPerCell,
                                     int64_t stride, int64_t devices = 1);
  /// Read noise alone (its closed form at the definition), each cell of
  /// `devices` devices.
  void checkReadNoiseVariance(int64_t devices);

  MLIRContext context;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

//===----------------------------------------------------------------------===//
// 1. Every effect off
//===----------------------------------------------------------------------===//

/// A random quantized layer and the chip it maps onto (the draw of
/// test/unit/Property/MappingPropertyTest.cpp): gemm or grouped conv, 2-8
/// weight bits, 1-8 input bits, signed or unsigned inputs, every signed
/// scheme, 1-4 bits per cell, any DAC width, 2-16 x 3-16 arrays and any
/// number of rows read at once.  The chip's statistics are all non-ideal,
/// so that only the switches keep them out.
void drawCase(uint64_t seed, LayerSpec &c, target::TargetChip &chip) {
  std::mt19937_64 rng(seed);
  c.conv = uniformInt(rng, 0, 1);
  c.weightBits = uniformInt(rng, 2, 8);
  c.symmetric = uniformInt(rng, 0, 1);
  c.inputBits = uniformInt(rng, 1, 8);
  c.inputSigned = c.inputBits >= 2 && uniformInt(rng, 0, 1);
  int64_t bitsPerCell = uniformInt(rng, 1, 4);
  int64_t rows = uniformInt(rng, 2, 16), cols = uniformInt(rng, 3, 16);
  chip = idealChip(rows, cols, int64_t{1} << bitsPerCell, c.inputBits);
  chip.periphery.dacBits = uniformInt(rng, 1, c.inputBits);
  chip.array.rowsInParallel = uniformInt(rng, 1, rows);
  chip.array.signedWeights =
      static_cast<target::SignedWeightScheme>(uniformInt(rng, 0, 2));
  chip.device.gMin = 0.5e-6;
  chip.device.gMax = chip.device.gMin + 1e-6 * ((1 << bitsPerCell) - 1);
  chip.array.wireResistance = 5;
  target::DeviceStatistics &st = chip.device.statistics;
  st.programmingSigma = 0.1;
  st.deviceToDeviceSigma = 0.05;
  st.readNoiseSigma = 0.05;
  st.stuckAtOn = st.stuckAtOff = 0.05;
  st.drift.nuMean = 0.05;
  st.drift.nuSigma = 0.01;
  chip.periphery.adcBits = 3;
  test::drawLayerShapeAndValues(rng, c);
}

// With every effect off a cell conducts exactly its level (its digit times
// the level stride, which the periphery divides out again), each read is
// the exact integer column sum and the digital steps are the IR's, so
// acc[g, p, n] = sum_k xq[g, p, k] (q[g, k, n] - z[g, n]) with no rounding
// (every partial sum is an integer below 2^53).  A third of the layers
// store fewer bits per cell than their device holds; half of those on
// differential rows are read in four phases (cim::ReadPhase).
TEST_F(SimulationTest, EffectsOffEqualIntegerReference) {
  constexpr int kCases = 300;
  int schemes[3] = {0, 0, 0}, multiTile = 0, rowGroups = 0, multiBit = 0,
      signedInputs = 0, multiCycle = 0, strided = 0, fourPhase = 0;
  const EffectSwitches none = EffectSwitches::none();
  for (int seed = 0; seed < kCases; ++seed) {
    LayerSpec c;
    target::TargetChip chip;
    drawCase(seed, c, chip);
    if (chip.array.signedWeights ==
            target::SignedWeightScheme::DifferentialRows &&
        seed % 2 == 1)
      chip.array.readPhases = 4;
    fourPhase += chip.array.readPhases == 4;
    const int64_t deviceBits = llvm::Log2_64(chip.device.levels);
    std::mt19937_64 rng(seed + 1000);
    const int64_t layerBits = deviceBits > 1 && seed % 3 == 0
                                  ? uniformInt(rng, 1, deviceBits - 1)
                                  : 0;
    Mapped m;
    ASSERT_TRUE(map(c, chip, m, layerBits)) << "case " << seed;
    strided += layerBits > 0;
    ++schemes[static_cast<int>(chip.array.signedWeights)];
    multiTile += m.analog->numTiles() > 1;
    rowGroups += chip.array.rowsInParallel < chip.array.rows;
    multiBit += chip.device.levels > 2;
    signedInputs += c.inputSigned;
    multiCycle += chip.periphery.dacBits < c.inputBits;

    AnalogLayer::Instance instance;
    m.analog->sample(instance, seed, none);
    // Long after programming: drift is off, so nothing may change.
    m.analog->setTime(instance, 3.15e7, none);
    std::vector<double> acc = m.analog->accumulate(instance, m.xq, none, 7);
    ASSERT_EQ(static_cast<int64_t>(acc.size()), m.reference.numElements());
    for (size_t i = 0; i < acc.size(); ++i)
      ASSERT_EQ(acc[i], static_cast<double>(m.reference.data<int64_t>()[i]))
          << "case " << seed << ", element " << i << "\n"
          << moduleText(c);
  }
  // The draw must cover what the test claims.
  for (int s : schemes)
    EXPECT_GT(s, kCases / 5);
  EXPECT_GT(multiTile, kCases / 2);
  EXPECT_GT(rowGroups, kCases / 2);
  EXPECT_GT(multiBit, kCases / 2);
  EXPECT_GT(signedInputs, kCases / 5);
  EXPECT_GT(multiCycle, kCases / 2);
  EXPECT_GT(strided, kCases / 6);
  EXPECT_GT(fourPhase, kCases / 15);
}

//===----------------------------------------------------------------------===//
// 2. Drift
//===----------------------------------------------------------------------===//

/// 512 x 128 weights of 5 bits (4 magnitude bits: two 2-bit slices on
/// 4-level cells), differential columns, on 256 x 256 arrays: 2 row tiles x
/// 2 column tiles of 65,536 cells.  Weights uniform in [-15, 15].
LayerSpec bigLayer(uint64_t seed, std::vector<int64_t> ints = {}) {
  std::mt19937_64 rng(seed);
  constexpr int64_t K = 512, N = 128;
  if (ints.empty())
    for (int64_t i = 0; i < K * N; ++i)
      ints.push_back(uniformInt(rng, -15, 15));
  std::vector<int64_t> inputs(K, 1);
  return gemm(K, N, 1, 5, 1, std::move(ints), std::move(inputs));
}

TEST_F(SimulationTest, DriftIsThePowerLaw) {
  target::TargetChip chip = idealChip(256, 256, 4, 1);
  const double nu = 0.06, t0 = chip.device.statistics.drift.t0;
  chip.device.statistics.drift.nuMean = nu;
  Mapped m;
  ASSERT_TRUE(map(bigLayer(1), chip, m));
  ASSERT_EQ(m.analog->numCells(), 4 * 65536);
  const EffectSwitches drift = only(&EffectSwitches::drift);
  AnalogLayer::Instance instance;
  m.analog->sample(instance, 3, drift);

  // At and before t0 nothing has drifted (the law holds for t > t0).
  for (double t : {t0 / 2, t0})
    for (size_t ti = 0; ti < instance.cells.size(); ++ti) {
      m.analog->setTime(instance, t, drift);
      ASSERT_EQ(instance.cells[ti], instance.programmed[ti]);
    }

  // g(t) = g(t0) (t / t0)^-nu for every cell (nu_sigma = 0: one exponent),
  // to the float rounding of the stored conductance.
  const double t = 86400 * 365.0, factor = std::pow(t / t0, -nu);
  m.analog->setTime(instance, t, drift);
  int64_t programmed = 0;
  for (size_t ti = 0; ti < instance.cells.size(); ++ti)
    for (size_t i = 0; i < instance.cells[ti].size(); ++i) {
      double g0 = instance.programmed[ti][i];
      programmed += g0 > 0;
      ASSERT_NEAR(instance.cells[ti][i], g0 * factor, 2 * kFloatEps * g0)
          << "tile " << ti << " cell " << i;
    }
  // 15 of 16 magnitudes have a nonzero digit in some slice: many cells.
  EXPECT_GT(programmed, 65536);

  // Compensation divides by the global read: with one exponent it restores
  // the t0 accumulators, driftScale = sum g(t0) / sum g(t) = (t/t0)^nu.
  EffectSwitches compensated = drift;
  compensated.driftCompensation = true;
  m.analog->setTime(instance, t, compensated);
  EXPECT_NEAR(instance.driftScale, 1 / factor, 1e-6 / factor);
  std::vector<double> acc = m.analog->accumulate(instance, m.xq, compensated, 1);
  for (size_t i = 0; i < acc.size(); ++i) {
    double ref = static_cast<double>(m.reference.data<int64_t>()[i]);
    // Relative to the largest possible |acc| = 512 * 15.
    ASSERT_NEAR(acc[i], ref, 1e-5 * 512 * 15) << "column " << i;
  }
  // Uncompensated (driftScale is the instance's, set by setTime), the
  // accumulators shrink by the factor itself.
  m.analog->setTime(instance, t, drift);
  EXPECT_EQ(instance.driftScale, 1);
  acc = m.analog->accumulate(instance, m.xq, drift, 1);
  for (size_t i = 0; i < acc.size(); ++i) {
    double ref = static_cast<double>(m.reference.data<int64_t>()[i]);
    ASSERT_NEAR(acc[i], ref * factor, 1e-5 * 512 * 15) << "column " << i;
  }
}

// With nu ~ N(mu, sigma) per cell, r = t / t0 and L = ln r, the drift
// factor r^-nu = exp(-nu L) is lognormal:
//   E[r^-nu]   = exp(-mu L + sigma^2 L^2 / 2),
//   Var[r^-nu] = exp(-2 mu L) (exp(2 sigma^2 L^2) - exp(sigma^2 L^2)).
// mu / sigma = 6 makes the clipping of nu at 0 negligible (P = 1e-9).  The
// sample mean over n cells must lie within 5 sqrt(Var / n) of E; with
// L = ln(1e6) = 13.8 the spread term exp(sigma^2 L^2 / 2) - 1 = 1.0 % is
// ~10 times that bound, so a model without the spread would fail.
TEST_F(SimulationTest, DriftMeanIsLognormal) {
  target::TargetChip chip = idealChip(256, 256, 4, 1);
  const double mu = 0.06, sigma = 0.01;
  chip.device.statistics.drift.nuMean = mu;
  chip.device.statistics.drift.nuSigma = sigma;
  const double t0 = chip.device.statistics.drift.t0, t = 1e6 * t0;
  Mapped m;
  ASSERT_TRUE(map(bigLayer(2), chip, m));
  EffectSwitches drift = only(&EffectSwitches::drift);
  drift.driftCompensation = true;
  double sum = 0, sumG0 = 0, sumGt = 0;
  int64_t n = 0;
  for (uint64_t seed = 0; seed < 2; ++seed) {
    AnalogLayer::Instance instance;
    m.analog->sample(instance, seed, drift);
    m.analog->setTime(instance, t, drift);
    double instanceG0 = 0, instanceGt = 0;
    for (size_t ti = 0; ti < instance.cells.size(); ++ti)
      for (size_t i = 0; i < instance.cells[ti].size(); ++i) {
        double g0 = instance.programmed[ti][i], g = instance.cells[ti][i];
        instanceG0 += g0;
        instanceGt += g;
        if (g0 > 0) {
          sum += g / g0;
          ++n;
        }
      }
    // Compensation: driftScale = sum g(t0) / sum g(t) over the instance.
    EXPECT_NEAR(instance.driftScale, instanceG0 / instanceGt,
                1e-6 * instance.driftScale);
    sumG0 += instanceG0;
    sumGt += instanceGt;
  }
  ASSERT_GT(n, 200000);
  const double L = std::log(t / t0);
  const double mean = std::exp(-mu * L + sigma * sigma * L * L / 2);
  const double var = std::exp(-2 * mu * L) * (std::exp(2 * sigma * sigma * L * L) -
                                               std::exp(sigma * sigma * L * L));
  const double bound = 5 * std::sqrt(var / static_cast<double>(n));
  EXPECT_NEAR(sum / static_cast<double>(n), mean, bound);
  ASSERT_GT(mean - std::exp(-mu * L), 5 * bound);
}

//===----------------------------------------------------------------------===//
// 3. Write-verify programming
//===----------------------------------------------------------------------===//

double normalPdf(double x) {
  return std::exp(-x * x / 2) / std::sqrt(2 * M_PI);
}

/// Var of N(0, sigma^2) truncated to [-tol, tol], a = tol / sigma:
///   sigma^2 [1 - 2 a phi(a) / (2 Phi(a) - 1)].
double truncatedVariance(double sigma, double tol) {
  double a = tol / sigma;
  return sigma * sigma *
         (1 - 2 * a * normalPdf(a) / (2 * normalCdf(a) - 1));
}

// writeVerifyError alone, sigma = 0.4, tolerance 0.5 (a = 1.25, one pulse
// lands with p = erf(a / sqrt 2) = 0.789), 3 pulses: F = (1 - p)^3 = 0.94 %.
//   - accepted cells (u1 >= F): |e| <= tolerance, variance as above;
//   - failed cells (u1 < F): |e| > tolerance, count within 5 binomial
//     sigmas of n F, half of them on each side.
// "all,-a,-b" is "-a,-b": every effect but those; "all" and "none" with
// anything else are an error, not a silent reading.
TEST(EffectSwitches, AllButSome) {
  llvm::Expected<EffectSwitches> allBut =
      EffectSwitches::parse("all,-ir_drop,-adc");
  llvm::Expected<EffectSwitches> but = EffectSwitches::parse("-ir_drop,-adc");
  ASSERT_TRUE(static_cast<bool>(allBut)) << llvm::toString(allBut.takeError());
  ASSERT_TRUE(static_cast<bool>(but)) << llvm::toString(but.takeError());
  EXPECT_EQ(allBut->str(), but->str());
  EXPECT_FALSE(allBut->irDrop);
  EXPECT_FALSE(allBut->adc);
  EXPECT_TRUE(allBut->readNoise);
  for (const char *spec : {"all,adc", "none,adc", "-adc,all", "adc,none"}) {
    llvm::Expected<EffectSwitches> bad = EffectSwitches::parse(spec);
    ASSERT_FALSE(static_cast<bool>(bad)) << spec;
    EXPECT_EQ(llvm::toString(bad.takeError()),
              std::string("effects '") + spec +
                  "': 'all' and 'none' stand alone; 'all,-effect,...' or "
                  "'-effect,...' switches effects off from all");
  }
}

TEST(WriteVerifyError, TruncatedResidualAndFailures) {
  const double sigma = 0.4, tol = 0.5;
  const double p = std::erf(tol / sigma / std::sqrt(2.0));
  const double failure = std::pow(1 - p, 3);
  std::mt19937_64 rng(11);
  constexpr int64_t n = 1000000;
  int64_t failed = 0, failedLow = 0, accepted = 0;
  double sum = 0, sum2 = 0;
  for (int64_t i = 0; i < n; ++i) {
    double u1 = uniform01(rng), u2 = uniform01(rng);
    double e = writeVerifyError(sigma, tol, failure, u1, u2);
    if (u1 < failure) {
      ++failed;
      failedLow += e < 0;
      ASSERT_GT(std::abs(e), tol) << "failed cell inside the window";
    } else {
      ++accepted;
      ASSERT_LE(std::abs(e), tol) << "accepted cell outside the window";
      sum += e;
      sum2 += e * e;
    }
  }
  const double nf = static_cast<double>(n);
  EXPECT_NEAR(failed, nf * failure, 5 * std::sqrt(nf * failure * (1 - failure)));
  EXPECT_NEAR(failedLow, failed / 2.0, 5 * std::sqrt(failed / 4.0));
  // The accepted residual: mean 0 and the truncated variance; the sample
  // variance of n normal-like draws has relative sd sqrt(2 / n).
  const double na = static_cast<double>(accepted);
  const double var = truncatedVariance(sigma, tol);
  EXPECT_NEAR(sum / na, 0, 5 * std::sqrt(var / na));
  EXPECT_NEAR(sum2 / na / var, 1, 5 * std::sqrt(2 / na));
  // Without verify the spread would be sigma^2 = 0.16, with it 0.067.
  EXPECT_LT(var, 0.5 * sigma * sigma);
  EXPECT_EQ(writeVerifyError(0, tol, failure, 0.3, 0.7), 0);
}

// Programming alone through the chip model: 32 x 64 weights all +1 (2-bit
// weights: magnitude digit 1) on cells of `levels` levels stored
// `bitsPerCell` bits per cell (0: the device's), differential columns (G+
// digit 1, G- digit 0, which is never programmed), sigma = 0.4 of the range,
// tolerance 0.5 level spacing, 1000 pulses (F = 0 to double precision).
// Digit 1 sits on level s (the level stride), where sigma is 0.4 (levels -
// 1) spacings; the periphery divides the currents by s, so the accumulator
// error of column n is sum_k x_k e_k / s with i.i.d. truncated-normal e_k:
//   Var = sum_k x_k^2 * truncatedVariance(0.4 (levels - 1), 0.5) / s^2.
// 64 columns x 300 instances = 19,200 samples; the sample mean is within
// 5 sigma of 0 and the sample variance of a (near-)normal sum within
// 5 sqrt(2 / (n - 1)) of Var relatively.  With `devices` devices per cell,
// each programmed on its own, a cell reads as their mean, whose error has
// 1 / devices of one device's variance: Var divides by devices.
void SimulationTest::checkProgrammingErrorVariance(int64_t levels,
                                                   int64_t bitsPerCell,
                                                   int64_t stride,
                                                   int64_t devices) {
  constexpr int64_t K = 32, N = 64;
  target::TargetChip chip = idealChip(K, 2 * N, levels, 4);
  chip.array.devicesPerCell = devices;
  chip.device.statistics.programmingSigma = 0.4;
  chip.device.programming.tolerance = 0.5;
  chip.device.programming.maxIterations = 1000;
  std::vector<int64_t> x(K);
  std::mt19937_64 rng(5);
  double sumX2 = 0;
  for (int64_t &v : x) {
    v = uniformInt(rng, 0, 15);
    sumX2 += static_cast<double>(v * v);
  }
  Mapped m;
  ASSERT_TRUE(map(gemm(K, N, 1, 2, 4, std::vector<int64_t>(K * N, 1), x),
                  chip, m, bitsPerCell));
  ASSERT_EQ(m.analog->numTiles(), 1);
  const EffectSwitches programming = only(&EffectSwitches::programming);
  const double sigma = 0.4 * static_cast<double>(levels - 1), tolerance = 0.5;
  double sum = 0, sum2 = 0;
  int64_t n = 0;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    AnalogLayer::Instance instance;
    m.analog->sample(instance, seed, programming);
    // Every programmed device sits within the tolerance of level s.
    if (seed == 0) {
      ASSERT_EQ(static_cast<int64_t>(instance.programmed[0].size()),
                K * 2 * N * devices);
      for (float g : instance.programmed[0]) {
        ASSERT_TRUE(g == 0 || std::abs(g - static_cast<double>(stride)) <=
                                  tolerance + 1e-6)
            << g;
      }
    }
    std::vector<double> acc =
        m.analog->accumulate(instance, m.xq, programming, 0);
    for (int64_t j = 0; j < N; ++j) {
      double e = acc[j] - static_cast<double>(m.reference.data<int64_t>()[j]);
      sum += e;
      sum2 += e * e;
      ++n;
    }
  }
  const double var = sumX2 * truncatedVariance(sigma, tolerance) /
                     static_cast<double>(stride * stride * devices);
  const double nd = static_cast<double>(n);
  const double mean = sum / nd;
  EXPECT_NEAR(mean, 0, 5 * std::sqrt(var / nd));
  EXPECT_NEAR((sum2 - nd * mean * mean) / (nd - 1) / var, 1,
              5 * std::sqrt(2 / (nd - 1)));
}

// 2-level cells: stride 1, sigma 0.4 spacing.
TEST_F(SimulationTest, ProgrammingColumnCurrentVariance) {
  checkProgrammingErrorVariance(/*levels=*/2, /*bitsPerCell=*/0,
                                /*stride=*/1);
}

// Four devices per cell (array.devices_per_cell): a quarter of the variance
// of one device (on 2-level cells as above), the averaging a multi-device
// cell buys (Boybat et al., Nature Communications 2018).
TEST_F(SimulationTest, ProgrammingErrorAveragesOverACellsDevices) {
  checkProgrammingErrorVariance(/*levels=*/2, /*bitsPerCell=*/0,
                                /*stride=*/1, /*devices=*/4);
}

// 1 bit per cell on 4-level cells (cim::levelStride = 3): digit 1 on level
// 3, sigma 1.2 spacings, the error in digits a third of the level error
// (what storing fewer bits per cell buys against a digit).
TEST_F(SimulationTest, ProgrammingErrorShrinksWithTheLevelStride) {
  checkProgrammingErrorVariance(/*levels=*/4, /*bitsPerCell=*/1,
                                /*stride=*/3);
}

//===----------------------------------------------------------------------===//
// 4. Read noise
//===----------------------------------------------------------------------===//

// Read noise alone on 16 x 4 weights in [-15, 15] (5 bits: two 2-bit slices
// of 4-level cells, differential columns), 4-bit inputs in two 2-bit DAC
// cycles, 4 rows read at a time.  Each read adds to column c a normal of
// variance sum_k (v_k sigma g_kc)^2, independently per read, so
//   Var acc_n = sigma^2 sum_j 4^(2j) sum_s 16^s sum_k digit_j(x_k)^2
//               (d_s(w+_kn)^2 + d_s(w-_kn)^2)
// with digit_j the j-th 2-bit input digit, d_s the s-th 2-bit slice of the
// positive / negative part of w (shift-add weights 2^(2j) and 4^s squared).
// 20,000 identical vectors have independent noise; per column the sample
// variance is within 5 sqrt(2 / (n - 1)) of it relatively (chi-square).
// With `devices` devices per cell, each with its own noise at the cell's
// level, the cell reads as their mean: Var divides by devices.
void SimulationTest::checkReadNoiseVariance(int64_t devices) {
  constexpr int64_t K = 16, N = 4, P = 20000;
  const double sigma = 0.03;
  target::TargetChip chip = idealChip(16, 16, 4, 4);
  chip.array.devicesPerCell = devices;
  chip.periphery.dacBits = 2;
  chip.array.rowsInParallel = 4;
  chip.device.statistics.readNoiseSigma = sigma;
  std::mt19937_64 rng(9);
  std::vector<int64_t> w(K * N), x(K);
  for (int64_t &v : w)
    v = uniformInt(rng, -15, 15);
  for (int64_t &v : x)
    v = uniformInt(rng, 0, 15);
  std::vector<int64_t> inputs;
  for (int64_t p = 0; p < P; ++p)
    inputs.insert(inputs.end(), x.begin(), x.end());
  Mapped m;
  ASSERT_TRUE(map(gemm(K, N, P, 5, 4, w, inputs), chip, m));
  const EffectSwitches noise = only(&EffectSwitches::readNoise);
  AnalogLayer::Instance instance;
  m.analog->sample(instance, 1, noise);
  std::vector<double> acc = m.analog->accumulate(instance, m.xq, noise, 77);
  for (int64_t j = 0; j < N; ++j) {
    double expected = 0;
    for (int64_t k = 0; k < K; ++k) {
      int64_t wk = w[k * N + j];
      int64_t pos = std::max<int64_t>(wk, 0), neg = std::max<int64_t>(-wk, 0);
      for (int64_t cycle = 0; cycle < 2; ++cycle) {
        double digit = static_cast<double>((x[k] >> (2 * cycle)) & 3);
        for (int64_t s = 0; s < 2; ++s) {
          double dp = static_cast<double>((pos >> (2 * s)) & 3);
          double dn = static_cast<double>((neg >> (2 * s)) & 3);
          expected += std::pow(16.0, cycle) * std::pow(16.0, s) * digit *
                      digit * (dp * dp + dn * dn);
        }
      }
    }
    expected *= sigma * sigma / static_cast<double>(devices);
    double ref = static_cast<double>(m.reference.data<int64_t>()[j]);
    double sum = 0, sum2 = 0;
    for (int64_t p = 0; p < P; ++p) {
      ASSERT_EQ(m.reference.data<int64_t>()[p * N + j],
                m.reference.data<int64_t>()[j]);
      double e = acc[p * N + j] - ref;
      sum += e;
      sum2 += e * e;
    }
    const double n = static_cast<double>(P), mean = sum / n;
    EXPECT_NEAR(mean, 0, 5 * std::sqrt(expected / n)) << "column " << j;
    EXPECT_NEAR((sum2 - n * mean * mean) / (n - 1) / expected, 1,
                5 * std::sqrt(2 / (n - 1)))
        << "column " << j;
  }
  // Another noise seed gives other reads; the same seed the same ones.
  EXPECT_EQ(m.analog->accumulate(instance, m.xq, noise, 77), acc);
  EXPECT_NE(m.analog->accumulate(instance, m.xq, noise, 78), acc);
}

TEST_F(SimulationTest, ReadNoiseVariance) { checkReadNoiseVariance(1); }

TEST_F(SimulationTest, ReadNoiseAveragesOverACellsDevices) {
  checkReadNoiseVariance(3);
}

//===----------------------------------------------------------------------===//
// 5. ADC
//===----------------------------------------------------------------------===//

// ADC alone: 8 x 1 weights +1 on 2-level cells (G+ column digits 1, G- 0),
// 4-bit inputs in one cycle, a 4-bit unipolar ADC: codes 0..15, step =
// range / 15, the G+ column current I = sum_k x_k, and acc = code * step with
// code = min(round(I / step), 15).
TEST_F(SimulationTest, AdcStepAndClipping) {
  constexpr int64_t K = 8, P = 500;
  target::TargetChip chip = idealChip(K, 2, 2, 4);
  chip.periphery.adcBits = 4;
  std::mt19937_64 rng(4);
  std::vector<int64_t> inputs = {3, 5, 2, 0, 0, 0, 0, 0};
  for (int64_t i = K; i < K * P; ++i)
    inputs.push_back(uniformInt(rng, 0, 15));
  Mapped m;
  ASSERT_TRUE(map(gemm(K, 1, P, 2, 4, std::vector<int64_t>(K, 1), inputs),
                  chip, m));
  const EffectSwitches adc = only(&EffectSwitches::adc);
  AnalogLayer::Instance instance;
  m.analog->sample(instance, 1, adc);
  ASSERT_EQ(instance.adcRange.size(), 1u);
  ASSERT_EQ(instance.adcRange[0].size(), 2u);

  // By hand, I = 3 + 5 + 2 = 10: range 13 -> step 13/15, 10 / step = 11.54
  // -> code 12 -> 10.4; range 6 -> 10 / 0.4 = 25 > 15 -> top code -> 6;
  // range 15 -> step 1 -> exactly 10.
  for (auto [range, expected] : {std::pair{13.0, 12 * 13.0 / 15},
                                 std::pair{6.0, 6.0}, std::pair{15.0, 10.0}}) {
    instance.adcRange[0] = {static_cast<float>(range), 1.0f};
    EXPECT_DOUBLE_EQ(m.analog->accumulate(instance, m.xq, adc, 0)[0], expected)
        << "range " << range;
  }

  // Random currents: |acc - I| <= step / 2 inside the range, the top code
  // (= range) above it.
  int inside = 0, clipped = 0;
  for (float range : {20.0f, 45.0f, 70.0f, 117.0f}) {
    instance.adcRange[0] = {range, 1.0f};
    const double step = range / 15.0;
    std::vector<double> acc = m.analog->accumulate(instance, m.xq, adc, 0);
    for (int64_t p = 0; p < P; ++p) {
      double current = static_cast<double>(m.reference.data<int64_t>()[p]);
      if (current <= range) {
        ++inside;
        ASSERT_LE(std::abs(acc[p] - current), step / 2 * (1 + 1e-12))
            << "vector " << p << " range " << range;
      } else {
        ++clipped;
        ASSERT_DOUBLE_EQ(acc[p], 15 * step) << "vector " << p;
      }
    }
  }
  EXPECT_GT(inside, 200);
  EXPECT_GT(clipped, 200);

  // Calibration records the largest column current (the G- column carries
  // none), and that current then converts to the top code without error.
  AnalogLayer::Instance calibrated;
  m.analog->sample(calibrated, 1, adc);
  m.analog->accumulate(calibrated, m.xq, adc, 0, &calibrated);
  int64_t largest = 0, argmax = 0;
  for (int64_t p = 0; p < P; ++p)
    if (m.reference.data<int64_t>()[p] > largest) {
      largest = m.reference.data<int64_t>()[p];
      argmax = p;
    }
  EXPECT_EQ(calibrated.adcRange[0][0], static_cast<float>(largest));
  EXPECT_EQ(calibrated.adcRange[0][1], 0.0f);
  EXPECT_DOUBLE_EQ(m.analog->accumulate(calibrated, m.xq, adc, 0)[argmax],
                   static_cast<double>(largest));
}

// A four-phase read (array.read_mode: four-phase): weights (+1, -1) on
// differential rows of 2-level cells, inputs (3, 5) in one 4-bit cycle, a
// 4-bit ADC.  One voltage polarity: phase (+in, G+) reads 3, (+in, G-)
// reads 5, the negative-input phases nothing; each converts unipolar,
// codes 0..15 with step = range / 15, and the signs combine them:
// acc = code(3) * step - code(5) * step.  Range 15: exactly 3 - 5 = -2;
// range 4.5 (step 0.3): 3 -> code 10, 5 -> code 16.7, clipped to 15 (4.5):
// 3 - 4.5 = -1.5.  Calibration takes the largest part, 5 (not the
// difference's 2): 3 -> code 9, 5 -> code 15, exactly -2.
TEST_F(SimulationTest, FourPhaseReadConvertsEachPartUnipolar) {
  target::TargetChip chip = idealChip(4, 1, 2, 4);
  chip.array.signedWeights = target::SignedWeightScheme::DifferentialRows;
  chip.array.readPhases = 4;
  chip.periphery.adcBits = 4;
  Mapped m;
  ASSERT_TRUE(map(gemm(2, 1, 1, 2, 4, {1, -1}, {3, 5}), chip, m));
  const EffectSwitches adc = only(&EffectSwitches::adc);
  AnalogLayer::Instance instance;
  m.analog->sample(instance, 1, adc);
  ASSERT_EQ(instance.adcRange.size(), 1u);
  ASSERT_EQ(instance.adcRange[0].size(), 1u);
  for (auto [range, expected] : {std::pair{15.0, -2.0}, std::pair{4.5, -1.5}}) {
    instance.adcRange[0] = {static_cast<float>(range)};
    EXPECT_NEAR(m.analog->accumulate(instance, m.xq, adc, 0)[0], expected,
                1e-12)
        << "range " << range;
  }
  AnalogLayer::Instance calibrated;
  m.analog->sample(calibrated, 1, adc);
  m.analog->accumulate(calibrated, m.xq, adc, 0, &calibrated);
  EXPECT_EQ(calibrated.adcRange[0][0], 5.0f);
  EXPECT_DOUBLE_EQ(m.analog->accumulate(calibrated, m.xq, adc, 0)[0], -2.0);
}

// The histogram pass (AdcCalibration.h) on the same layer: 4-bit inputs
// read bit-serially, so each vector makes 4 reads of column 0, each the
// number k of the 8 rows whose input bit is 1.  Calibration first finds the
// largest k (the max method's range); the histogram over [0, max] then has
// bins of width max / 64, and percentile:50 picks the upper edge of the bin
// of the median k (k sits at the bottom of bin 64 k / max).
TEST_F(SimulationTest, AdcRangeFromHistogram) {
  constexpr int64_t K = 8, P = 500, Bits = 4;
  target::TargetChip chip = idealChip(K, 2, 2, Bits);
  chip.periphery.adcBits = 4;
  chip.periphery.dacBits = 1;
  std::mt19937_64 rng(11);
  std::vector<int64_t> inputs;
  for (int64_t i = 0; i < K * P; ++i)
    inputs.push_back(uniformInt(rng, 0, 15));
  Mapped m;
  ASSERT_TRUE(map(gemm(K, 1, P, 2, Bits, std::vector<int64_t>(K, 1), inputs),
                  chip, m));
  std::vector<int64_t> reads;
  for (int64_t p = 0; p < P; ++p)
    for (int64_t j = 0; j < Bits; ++j) {
      int64_t k = 0;
      for (int64_t r = 0; r < K; ++r)
        k += (inputs[p * K + r] >> j) & 1;
      reads.push_back(k);
    }
  std::sort(reads.begin(), reads.end());
  const double largest = static_cast<double>(reads.back());
  const int64_t median = reads[(reads.size() + 1) / 2 - 1];

  const EffectSwitches adc = only(&EffectSwitches::adc);
  auto calibrate = [&](llvm::StringRef spec) {
    llvm::Expected<AdcRangeMethod> method = AdcRangeMethod::parse(spec);
    EXPECT_TRUE(static_cast<bool>(method));
    AnalogLayer::Instance chipInstance;
    m.analog->sample(chipInstance, 1, adc);
    m.analog->accumulate(chipInstance, m.xq, adc, 0, &chipInstance);
    EXPECT_EQ(chipInstance.adcRange[0][0], static_cast<float>(largest));
    m.analog->startAdcHistograms(chipInstance);
    m.analog->accumulate(chipInstance, m.xq, adc, 0, &chipInstance);
    uint64_t counted = 0;
    for (int64_t b = 0; b < kAdcHistogramBins; ++b)
      counted += chipInstance.adcHistogram[0][b];
    EXPECT_EQ(counted, static_cast<uint64_t>(P * Bits));
    m.analog->chooseAdcRanges(chipInstance, *method);
    EXPECT_TRUE(chipInstance.adcHistogram.empty());
    EXPECT_EQ(chipInstance.adcRange[0][1], 0.0f); // the G- column: no current
    return chipInstance.adcRange[0][0];
  };
  EXPECT_EQ(calibrate("percentile:100"), static_cast<float>(largest));
  const double width = largest / kAdcHistogramBins;
  const int64_t medianBin =
      static_cast<int64_t>(static_cast<double>(median) / width);
  EXPECT_FLOAT_EQ(calibrate("percentile:50"),
                  static_cast<float>((medianBin + 1) * width));
}

// Where the offset-reference code loses accuracy against G+/G- columns, by
// hand.  128 rows of 4-bit weights w in {-2..2}, 1-bit cells, 1-bit inputs
// (each row driven with probability 1/2), all rows read at once into 4-bit
// ADCs (15 steps) calibrated to each column's largest current; the ADC is
// the only effect.  Each column's conversion error is about uniform over
// one step s_c = range_c / 15 (variance s_c^2 / 12) and the columns' errors
// are independent (no two columns carry the same current), so the result's
// error variance is sum_c (a_c s_c)^2 / 12 with a_c the column's digital
// weight:
//   offset-reference: stored w + 8 (6, 7, 8, 9, 10), slices of weight 1,
//     2, 4, 8 and the reference column of weight -8.  The slice-3 column
//     holds w >= 0 (3/5 of the rows, ~38 driven) and the reference all
//     rows (~64 driven): both carry a common mode that has nothing to do
//     with the result, and both are weighted 8;
//   differential columns: slice 0 (w = +-1) and slice 1 (w = +-2) on G+
//     and G-, each ~13 driven rows, weights +-1 and +-2.
// The predicted and measured RMS errors agree within 15 %, and the two
// weight-8 columns are more than 90 % of the offset code's error variance.
TEST_F(SimulationTest, OffsetReferenceErrorComesFromTheCommonMode) {
  constexpr int64_t K = 128, P = 2000;
  std::mt19937_64 rng(5);
  std::vector<int64_t> weights, inputs;
  for (int64_t k = 0; k < K; ++k)
    weights.push_back(uniformInt(rng, -2, 2));
  for (int64_t i = 0; i < K * P; ++i)
    inputs.push_back(uniformInt(rng, 0, 1));
  double rms[2] = {0, 0};
  for (auto scheme : {target::SignedWeightScheme::OffsetReference,
                      target::SignedWeightScheme::DifferentialColumns}) {
    const bool offset = scheme == target::SignedWeightScheme::OffsetReference;
    target::TargetChip chip = idealChip(K, 16, 2, 1);
    chip.periphery.adcBits = 4;
    chip.array.signedWeights = scheme;
    Mapped m;
    ASSERT_TRUE(map(gemm(K, 1, P, 4, 1, weights, inputs), chip, m));
    const EffectSwitches adc = only(&EffectSwitches::adc);
    AnalogLayer::Instance instance;
    m.analog->sample(instance, 1, adc);
    m.analog->accumulate(instance, m.xq, adc, 0, &instance);
    const std::vector<float> &range = instance.adcRange[0];
    // The offset code: reference + 4 slices (differential: the 2 slices
    // |w| <= 2 needs).
    if (offset) {
      ASSERT_EQ(range.size(), 5u);
    }
    double predicted = 0, commonMode = 0;
    for (size_t c = 0; c < range.size(); ++c) {
      const double weight =
          offset ? (c == 0 ? -8.0 : std::ldexp(1.0, static_cast<int>(c) - 1))
                 : (c % 2 ? -1.0 : 1.0) *
                       std::ldexp(1.0, static_cast<int>(c / 2));
      const double term = std::pow(weight * range[c] / 15, 2) / 12;
      predicted += term;
      if (std::abs(weight) == 8)
        commonMode += term;
    }
    std::vector<double> acc = m.analog->accumulate(instance, m.xq, adc, 0);
    double squares = 0;
    for (int64_t p = 0; p < P; ++p) {
      const double e =
          acc[p] - static_cast<double>(m.reference.data<int64_t>()[p]);
      squares += e * e;
    }
    const double measured = std::sqrt(squares / P);
    rms[offset ? 0 : 1] = measured;
    EXPECT_NEAR(measured, std::sqrt(predicted), 0.15 * std::sqrt(predicted))
        << (offset ? "offset-reference" : "differential-columns");
    if (offset) {
      EXPECT_GT(commonMode, 0.9 * predicted);
    }
  }
  EXPECT_GT(rms[0], 4 * rms[1]);
}

//===----------------------------------------------------------------------===//
// 6. Stuck-at faults
//===----------------------------------------------------------------------===//

// Stuck-at alone on 256 x 128 weights +1 of 3 bits on 4-level cells
// (differential columns: G+ digit 1, G- digit 0, 65,536 cells) over 4
// instances.  A cell is stuck at g_max with p_on and at g_min with p_off:
//   - cells at the top level (no programmed digit is 3): n p_on;
//   - G+ cells at 0 (their digit is 1): n+ p_off;
// each within 5 binomial sigmas sqrt(n p (1 - p)).  With on/off also on,
// the stuck levels are g_max / delta and g_min / delta exactly.
TEST_F(SimulationTest, StuckAtFractions) {
  constexpr int64_t K = 256, N = 128;
  const double pOn = 0.01, pOff = 0.02;
  target::TargetChip chip = idealChip(256, 256, 4, 1);
  chip.device.gMin = 1e-6;
  chip.device.gMax = 4e-6; // delta = 1 uS, g_min / delta = 1, g_max / delta = 4
  chip.device.statistics.stuckAtOn = pOn;
  chip.device.statistics.stuckAtOff = pOff;
  Mapped m;
  ASSERT_TRUE(map(gemm(K, N, 1, 3, 1, std::vector<int64_t>(K * N, 1),
                       std::vector<int64_t>(K, 1)),
                  chip, m));
  ASSERT_EQ(m.analog->numCells(), 65536);
  AnalogLayer::Instance ideal;
  m.analog->sample(ideal, 0, EffectSwitches::none());
  for (bool onOff : {false, true}) {
    EffectSwitches stuck = only(&EffectSwitches::stuckAt);
    stuck.onOff = onOff;
    const float top = onOff ? 4.0f : 3.0f, bottom = onOff ? 1.0f : 0.0f;
    int64_t cells = 0, plus = 0, on = 0, off = 0;
    for (uint64_t seed = 0; seed < 4; ++seed) {
      AnalogLayer::Instance instance;
      m.analog->sample(instance, seed, stuck);
      const std::vector<float> &g = instance.programmed[0];
      const std::vector<float> &digits = ideal.programmed[0];
      for (size_t i = 0; i < g.size(); ++i) {
        ++cells;
        on += g[i] == top;
        if (digits[i] == 1) {
          ++plus;
          off += g[i] == bottom;
        } else {
          ASSERT_EQ(digits[i], 0);
        }
        // Every cell is either healthy (digit, plus g_min / delta) or stuck.
        ASSERT_TRUE(g[i] == digits[i] + bottom || g[i] == top ||
                    g[i] == bottom);
      }
    }
    ASSERT_EQ(plus, cells / 2);
    auto within = [](int64_t count, int64_t n, double p) {
      double nd = static_cast<double>(n);
      return std::abs(static_cast<double>(count) - nd * p) <=
             5 * std::sqrt(nd * p * (1 - p));
    };
    EXPECT_TRUE(within(on, cells, pOn))
        << on << " of " << cells << " stuck on, on/off " << onOff;
    EXPECT_TRUE(within(off, plus, pOff))
        << off << " of " << plus << " stuck off, on/off " << onOff;
  }
}

//===----------------------------------------------------------------------===//
// 7. IR drop
//===----------------------------------------------------------------------===//

// One conducting cell: the only current path is the driver, c + 1
// word-line segments, the cell and R - r bit-line segments in series, so
// I = V / (1 / g + (c + 1 + R - r) R_wire) exactly; the nodal solve must
// give it to solver precision (1e-9) at every position of an 8 x 8 array,
// here with a large g R_wire = 0.01 (up to 15 % drop).
TEST(IrDropNodal, SingleCellIsTheSeriesModel) {
  constexpr int64_t R = 8, C = 8;
  const double g = 1e-4, wire = 100, volts = 0.3;
  for (int64_t r = 0; r < R; ++r)
    for (int64_t c = 0; c < C; ++c) {
      std::vector<double> cells(R * C, 0.0), v(R, volts);
      cells[r * C + c] = g;
      std::vector<double> current = test::denseNodalColumnCurrents(R, C, cells, v, wire);
      double series = volts / (1 / g + static_cast<double>(c + 1 + R - r) * wire);
      for (int64_t col = 0; col < C; ++col)
        ASSERT_NEAR(current[col], col == c ? series : 0, 1e-9 * series)
            << "cell (" << r << ", " << c << ")";
    }
}

// IR drop alone through the chip model on 8 x 8 arrays (8 x 4 weights +-1
// on 2-level cells, differential columns, level spacing delta = 100 uS).
// A cell of two devices (array.devices_per_cell) conducts both: a single
// weight +1 at row 0, column 0 of an 8 x 8 array with Δ = 1e-4 S per
// device and 100 Ω segments is 2Δ on its wires, so its series path gives
// 1 / (1 + 2Δ R_w (c + 1 + R - r)) = 1 / 1.18 of its current (one device
// would lose 1 - 1 / 1.09); the cell reads as its devices' mean, the nodal
// current over 2Δ.
TEST_F(SimulationTest, IrDropSeesEveryDeviceOfACell) {
  constexpr int64_t R = 8, C = 8;
  target::TargetChip chip = idealChip(R, C, 2, 1);
  const double delta = 1e-4;
  chip.device.gMax = delta;
  chip.array.devicesPerCell = 2;
  chip.array.wireResistance = 100;
  Mapped m;
  ASSERT_TRUE(map(gemm(1, 1, 1, 2, 1, {1}, {1}), chip, m));
  AnalogLayer::Instance instance;
  m.analog->sample(instance, 0, only(&EffectSwitches::irDrop));
  // G+ and G-, two devices each, a cell's devices adjacent.
  ASSERT_EQ(instance.programmed[0],
            (std::vector<float>{1.0f, 1.0f, 0.0f, 0.0f}));
  ASSERT_EQ(instance.cells[0].size(), 2u);
  std::vector<double> cells(R * C, 0.0), v(R, 0.0);
  cells[0] = 2 * delta;
  v[0] = 1.0;
  double units =
      test::denseNodalColumnCurrents(R, C, cells, v, 100)[0] / (2 * delta);
  EXPECT_NEAR(units, 1 / 1.18, 1e-12);
  EXPECT_NEAR(instance.cells[0][0], units, kFloatEps * units);
  EXPECT_EQ(instance.cells[0][1], 0.0f);
}

TEST_F(SimulationTest, IrDropAgainstNodalSolve) {
  constexpr int64_t R = 8, C = 8, K = 8, N = 4;
  target::TargetChip chip = idealChip(R, C, 2, 1);
  const double delta = 1e-4;
  chip.device.gMax = delta;
  std::mt19937_64 rng(8);
  std::vector<int64_t> w(K * N);
  for (int64_t &v : w)
    v = uniformInt(rng, 0, 1) ? 1 : -1;
  const EffectSwitches ir = only(&EffectSwitches::irDrop);

  // (a) Large g R_wire = 0.01 and one conducting cell (a single weight +1:
  // its G+ cell at row 0, column 0 of the array): the chip model must
  // match the nodal solve to the float rounding of the stored conductance,
  // since with no other current on its wires the model is the exact series
  // path.
  {
    chip.array.wireResistance = 100;
    Mapped m;
    ASSERT_TRUE(map(gemm(1, 1, 1, 2, 1, {1}, {1}), chip, m));
    AnalogLayer::Instance instance;
    m.analog->sample(instance, 0, ir);
    ASSERT_EQ(instance.programmed[0].size(), 2u); // 1 row, G+ and G-
    ASSERT_EQ(instance.programmed[0][0], 1.0f);
    ASSERT_EQ(instance.programmed[0][1], 0.0f);
    std::vector<double> cells(R * C, 0.0), v(R, 0.0);
    cells[0] = delta;
    v[0] = 1.0;
    double units = test::denseNodalColumnCurrents(R, C, cells, v, 100)[0] / delta;
    EXPECT_NEAR(instance.cells[0][0], units, kFloatEps * units);
    // And the drop is real: 1 + g R (c + 1 + R - r) = 1 + 0.01 * 9.
    EXPECT_NEAR(units, 1 / 1.09, 1e-12);
    EXPECT_EQ(instance.cells[0][1], 0.0f);
  }

  // (b) All rows driven at once, with on/off on so that every cell conducts
  // (g_min = delta / 2: cells at 0.5 or 1.5 delta), small g R_wire = 1e-4.
  // Every word-line segment also carries the currents of the cells beyond
  // it and every bit-line segment those of the cells above it, which is of
  // the same (first) order in g R_wire as a cell's own series drop; the
  // model includes both, so it must capture the nodal IR drop of each
  // column to first order: checked, drop ratio model / nodal in [0.98,
  // 1.02] (a series-only model captured 20-24 % here), and the layer's
  // accumulators are the model's column currents combined (G+ - G-).
  {
    chip.array.wireResistance = 1;
    chip.device.gMin = delta / 2;
    chip.device.gMax = 1.5 * delta;
    Mapped m;
    ASSERT_TRUE(map(gemm(K, N, 1, 2, 1, w, std::vector<int64_t>(K, 1)), chip,
                    m));
    EffectSwitches irOnOff = ir;
    irOnOff.onOff = true;
    AnalogLayer::Instance instance;
    m.analog->sample(instance, 0, irOnOff);
    std::vector<double> cells(R * C), v(R, 1.0);
    for (int64_t i = 0; i < R * C; ++i)
      cells[i] = instance.programmed[0][i] * delta;
    std::vector<double> nodal = test::denseNodalColumnCurrents(R, C, cells, v, 1);
    std::vector<double> model(C, 0.0);
    for (int64_t col = 0; col < C; ++col) {
      double ideal = 0;
      for (int64_t r = 0; r < R; ++r) {
        ideal += cells[r * C + col] / delta;
        model[col] += instance.cells[0][r * C + col];
      }
      double exact = nodal[col] / delta;
      double ratio = (ideal - model[col]) / (ideal - exact);
      EXPECT_GT(ratio, 0.98) << "column " << col;
      EXPECT_LT(ratio, 1.02) << "column " << col;
      EXPECT_NEAR(model[col], exact, 5e-4 * exact) << "column " << col;
    }
    // Column currents come from a single-precision matrix product: each of
    // the 2R summed cells (about 1 in level units) contributes at most one
    // float rounding, 2^-24 relative.
    std::vector<double> acc = m.analog->accumulate(instance, m.xq, irOnOff, 0);
    for (int64_t j = 0; j < N; ++j)
      EXPECT_NEAR(acc[j], model[2 * j] - model[2 * j + 1],
                  2.0 * R * 0x1.0p-24 * 4)
          << "weight column " << j;
  }

  // (c) The nodal model solves each read's circuit: with strong wires
  // (g R_wire up to 0.015) and some rows not driven (their cells out of the
  // circuit), each accumulator is the dense nodal solve's G+ - G- column
  // currents to the float rounding of the cells and currents, and the
  // drop is far from what a model ignoring the wires would read.
  {
    chip.array.wireResistance = 100;
    chip.device.gMin = delta / 2;
    chip.device.gMax = 1.5 * delta;
    const std::vector<int64_t> x = {1, 0, 1, 1, 0, 1, 0, 1};
    Mapped m;
    ASSERT_TRUE(map(gemm(K, N, 1, 2, 1, w, x), chip, m));
    EffectSwitches nodal = ir;
    nodal.onOff = true;
    nodal.irDropModel = IrDropModel::Nodal;
    AnalogLayer::Instance instance;
    m.analog->sample(instance, 0, nodal);
    // The cells stay as programmed: the wires act per read.
    EXPECT_EQ(instance.cells[0], instance.programmed[0]);
    std::vector<double> cells(R * C), v(x.begin(), x.end());
    for (int64_t i = 0; i < R * C; ++i)
      cells[i] = instance.programmed[0][i] * delta;
    std::vector<double> exact =
        test::denseNodalColumnCurrents(R, C, cells, v, 100);
    std::vector<double> acc = m.analog->accumulate(instance, m.xq, nodal, 0);
    for (int64_t j = 0; j < N; ++j) {
      const double expected = (exact[2 * j] - exact[2 * j + 1]) / delta;
      EXPECT_NEAR(acc[j], expected, 2.0 * R * 0x1.0p-24 * 4)
          << "weight column " << j;
      double ideal = 0;
      for (int64_t r = 0; r < R; ++r)
        ideal += x[r] * (cells[r * C + 2 * j] - cells[r * C + 2 * j + 1]) /
                 delta;
      EXPECT_GT(std::abs(acc[j] - ideal), 1e-3) << "weight column " << j;
    }
  }
}

} // namespace
