//===- PhysicalArrayReader.cpp - Reads of a sampled chip's arrays ---------===//
#include "PhysicalArrayReader.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Runtime/Kernels.h"
#include "nncc/Simulation/AdcCalibration.h"
#include "nncc/Simulation/Sampling.h"
#include "nncc/Support/Errors.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

namespace {

/// std::clamp(std::round(x), low, high), bit for bit (the sign of a zero
/// included) for code ranges within int32, but without branches or libm's
/// round (which the compiler cannot inline for baseline x86-64 and which
/// cost an eighth of a simulation): half away from zero is the truncation
/// of x plus the largest double below one half, exact while |x| < 2^52.
/// Clamping to one step outside [low, high] first changes nothing
/// (rounding is monotonic) and keeps x within int32 for the truncation.
inline double roundToCode(double x, double low, double high) {
  x = std::clamp(x, low - 1.0, high + 1.0);
  const double t = static_cast<double>(
      static_cast<int32_t>(x + std::copysign(0.49999999999999994, x)));
  return std::clamp(std::copysign(t, x), low, high);
}

} // namespace

PhysicalArrayReader::PhysicalArrayReader(const PhysicalReadSetup &setup,
                                         int64_t firstVector)
    : setup(setup), firstVector(firstVector) {
  backgrounds.resize(setup.tiles.size());
  if (setup.calibrating)
    for (const AnalogLayer::Tile &tile : setup.tiles)
      columnMax.emplace_back(tile.physCols, 0.0f);
  if (setup.fitting) {
    ideals.resize(setup.tiles.size());
    for (const AnalogLayer::Tile &tile : setup.tiles)
      columnFit.emplace_back(tile.physCols * kColumnFitSums, 0.0);
  }
}

llvm::Error PhysicalArrayReader::read(cim::MVMOp mvm, const Tensor &inputs,
                                      Tensor &columnSums) {
  auto found = setup.tileOf.find(mvm);
  if (found == setup.tileOf.end())
    return makeError("cim.mvm without a tile on the chip");
  const int64_t ti = found->second;
  const AnalogLayer::Tile &tile = setup.tiles[ti];
  const std::vector<float> &cells = setup.instance.cells[ti];
  const int64_t vectors = inputs.dim(1), depth = inputs.dim(2);
  const int64_t rows = tile.physRows, cols = tile.physCols;
  const int64_t cycles = tile.cycles;
  const int64_t rowGroups =
      (rows + tile.rowsInParallel - 1) / tile.rowsInParallel;
  const int64_t m = cycles * vectors;
  const double readSigma = setup.readSigma;
  rowReads += m * rows;

  // Drives of every (cycle, vector) on every physical row: the G- row of a
  // differential pair is driven with the opposite sign.
  const int32_t *x = inputs.data<int32_t>();
  std::vector<float> drive(static_cast<size_t>(m * rows), 0.0f);
  for (int64_t p = 0; p < vectors; ++p) {
    const int32_t *xv = x + (tile.group * vectors + p) * depth + tile.rowBegin;
    for (int64_t j = 0; j < cycles; ++j) {
      float *dst = drive.data() + (j * vectors + p) * rows;
      for (int64_t k = 0; k < tile.layout.weightRows; ++k) {
        float digit = static_cast<float>(
            inputDigit(xv[k], j, cycles, tile.dacBits, tile.inputSigned));
        for (int64_t pol = 0; pol < tile.layout.rowPolarities(); ++pol)
          dst[tile.layout.row(k, pol)] = pol ? -digit : digit;
      }
    }
  }

  // Column currents (and read-noise variances) of each row group: one
  // matrix product [cycles * vectors, rows of the group] x [rows of the
  // group, columns].
  SmallVector<Tensor, 2> currents(rowGroups), variances(rowGroups);
  std::vector<double> background(static_cast<size_t>(m * rowGroups), 0.0);
  for (int64_t rg = 0; rg < rowGroups; ++rg) {
    const int64_t r0 = rg * tile.rowsInParallel;
    const int64_t n = std::min(rows, r0 + tile.rowsInParallel) - r0;
    Tensor a(DType::F32, {m, n}), w(DType::F32, {n, cols});
    float *ap = a.data<float>();
    for (int64_t i = 0; i < m; ++i) {
      double sum = 0;
      for (int64_t r = 0; r < n; ++r) {
        ap[i * n + r] = drive[i * rows + r0 + r];
        sum += ap[i * n + r];
      }
      background[i * rowGroups + rg] = setup.background * sum;
      if (setup.calibrating)
        for (int64_t r = 0; r < n; ++r)
          drivenRows += ap[i * n + r] != 0;
    }
    std::copy(cells.begin() + r0 * cols, cells.begin() + (r0 + n) * cols,
              w.data<float>());
    currents[rg] = Tensor(DType::F32, {m, cols});
    runtime::gemm(a, w, nullptr, 1.0f, 0.0f, false, false, currents[rg]);
    if (setup.fitting && tile.converted) {
      // What an ideal array reads: the digits themselves, plus the same
      // background; laid out as the column sums.
      Tensor digits(DType::F32, {n, cols}), ideal(DType::F32, {m, cols});
      std::transform(tile.digits.begin() + r0 * cols,
                     tile.digits.begin() + (r0 + n) * cols,
                     digits.data<float>(),
                     [](uint16_t d) { return static_cast<float>(d); });
      runtime::gemm(a, digits, nullptr, 1.0f, 0.0f, false, false, ideal);
      std::vector<double> &into = ideals[ti];
      into.resize(static_cast<size_t>(cycles * rowGroups * vectors * cols));
      const float *iv = ideal.data<float>();
      for (int64_t i = 0; i < m; ++i) {
        const int64_t j = i / vectors, p = i % vectors;
        double *dst = into.data() + ((j * rowGroups + rg) * vectors + p) * cols;
        for (int64_t c = 0; c < cols; ++c)
          dst[c] = static_cast<double>(iv[i * cols + c]) +
                   background[i * rowGroups + rg];
      }
    }
    if (readSigma > 0) {
      float *av = a.data<float>(), *wv = w.data<float>();
      for (int64_t i = 0; i < a.numElements(); ++i)
        av[i] *= av[i];
      for (int64_t i = 0; i < w.numElements(); ++i)
        wv[i] = static_cast<float>(wv[i] * wv[i] * readSigma * readSigma);
      variances[rg] = Tensor(DType::F32, {m, cols});
      runtime::gemm(a, w, nullptr, 1.0f, 0.0f, false, false, variances[rg]);
    }
  }

  // Per vector one noise stream, drawn cycle by cycle, row group by row
  // group, column by column.
  columnSums = Tensor(DType::F64, {cycles, rowGroups, vectors, cols});
  double *out = columnSums.data<double>();
  const double driftScale = setup.instance.driftScale;
  // This read's counts, one tile's worth (not the layer's: a block reader
  // would otherwise hold every tile's histogram), added to the instance's
  // under the lock below; integer sums come out alike in any order.
  std::vector<uint32_t> counts;
  if (setup.calibrating && setup.histogramTop)
    counts.assign(cols * kAdcHistogramBins, 0u);
  uint32_t *histogram = counts.empty() ? nullptr : counts.data();
  const std::vector<float> *top =
      histogram ? &(*setup.histogramTop)[ti] : nullptr;
  // Loop-invariant pointers: the compiler cannot hoist them past the
  // stores into `dst`, which might alias as far as it knows.
  float *colMax = setup.calibrating ? columnMax[ti].data() : nullptr;
  const float *topOf = top ? top->data() : nullptr;
  const bool removeBackground = !tile.converted;
  for (int64_t p = 0; p < vectors; ++p) {
    RandomStream rng(
        mixSeed(setup.noiseSeed, ti * setup.vectors + firstVector + p));
    NormalPairs normals(rng);
    for (int64_t j = 0; j < cycles; ++j)
      for (int64_t rg = 0; rg < rowGroups; ++rg) {
        const int64_t i = j * vectors + p;
        const float *cur = currents[rg].data<float>() + i * cols;
        const float *var =
            readSigma > 0 ? variances[rg].data<float>() + i * cols : nullptr;
        double *dst = out + ((j * rowGroups + rg) * vectors + p) * cols;
        const double bg =
            removeBackground ? background[i * rowGroups + rg] : 0.0;
        if (!var && !histogram) {
          // Noiseless: a copy, and the background removed when no ADC
          // converts; calibrating, the columns' largest |current| too.
          // Loops the compiler vectorizes.
          if (colMax)
            for (int64_t c = 0; c < cols; ++c)
              colMax[c] = std::max(colMax[c], std::abs(cur[c]));
          if (removeBackground)
            for (int64_t c = 0; c < cols; ++c)
              dst[c] = (static_cast<double>(cur[c]) - bg) * driftScale;
          else
            for (int64_t c = 0; c < cols; ++c)
              dst[c] = cur[c];
          continue;
        }
        for (int64_t c = 0; c < cols; ++c) {
          double value = cur[c];
          if (var)
            value += std::sqrt(std::max(0.0f, var[c])) * normals.next();
          if (colMax)
            colMax[c] = std::max(colMax[c], static_cast<float>(std::abs(value)));
          if (histogram)
            ++histogram[c * kAdcHistogramBins +
                        adcHistogramBin(std::abs(value), topOf[c])];
          if (removeBackground)
            value = (value - bg) * driftScale;
          dst[c] = value;
        }
      }
  }
  if (histogram) {
    std::lock_guard<std::mutex> guard(*setup.histogramLock);
    std::vector<uint32_t> &total = (*setup.histogram)[ti];
    for (size_t i = 0; i < counts.size(); ++i)
      total[i] += counts[i];
  }
  if (tile.converted)
    backgrounds[ti] = std::move(background);
  return llvm::Error::success();
}

llvm::Error PhysicalArrayReader::convert(cim::ADCOp adc, const Tensor &sums,
                                         bool reusable, Tensor &codes) {
  auto mvm = adc.getColumnSums().getDefiningOp<cim::MVMOp>();
  auto found = mvm ? setup.tileOf.find(mvm) : setup.tileOf.end();
  if (found == setup.tileOf.end() || backgrounds[found->second].empty() ||
      sums.dtype() != DType::F64 || sums.rank() != 4)
    return makeError("a cim.adc on the chip converts the f64 reads of a "
                     "cim.mvm");
  const int64_t ti = found->second;
  const int64_t cycles = sums.dim(0), rowGroups = sums.dim(1),
                vectors = sums.dim(2), cols = sums.dim(3);
  const int64_t maxCode = adc.getMaxCode(), minCode = adc.getMinCode();
  // Per column: the ADC's step and its inverse (a multiply per conversion
  // instead of a divide).
  SmallVector<double, 256> step(cols, 0.0), inverseStep(cols, 0.0);
  if (setup.useAdc)
    for (int64_t c = 0; c < cols; ++c) {
      double range = setup.instance.adcRange[ti][c];
      step[c] = range / static_cast<double>(maxCode);
      inverseStep[c] = range > 0 ? 1.0 / step[c] : 0.0;
    }
  const double low = static_cast<double>(minCode),
               high = static_cast<double>(maxCode);
  assert(high < (1 << 30) && -low < (1 << 30) && "codes fit roundToCode");
  codes = reusable ? sums : Tensor(DType::F64, sums.shape());
  const double *src = sums.data<double>();
  double *dst = codes.data<double>();
  const double driftScale = setup.instance.driftScale;
  const std::vector<double> &bg = backgrounds[ti];
  // A corrected column's fit already took in the drift until it was made.
  const double scale =
      setup.instance.columnGain.empty()
          ? driftScale
          : driftScale / setup.instance.driftScaleAtFit;
  const double *ideal = setup.fitting ? ideals[ti].data() : nullptr;
  double *fit = setup.fitting ? columnFit[ti].data() : nullptr;
  const bool correct = !setup.instance.columnGain.empty();
  const double *gain = correct ? setup.instance.columnGain[ti].data() : nullptr;
  const double *offset =
      correct ? setup.instance.columnOffset[ti].data() : nullptr;
  for (int64_t j = 0; j < cycles; ++j)
    for (int64_t rg = 0; rg < rowGroups; ++rg)
      for (int64_t p = 0; p < vectors; ++p) {
        const int64_t at = ((j * rowGroups + rg) * vectors + p) * cols;
        // The periphery knows the drive digitally and removes the ideal
        // g_min background after conversion; what it cannot remove is the
        // ADC range, noise and IR drop the background costs.
        const double backgroundCurrent = bg[(j * vectors + p) * rowGroups + rg];
        for (int64_t c = 0; c < cols; ++c) {
          double value = src[at + c];
          if (setup.useAdc)
            value = roundToCode(value * inverseStep[c], low, high) * step[c];
          // The fit predicts the ideal current from the converted one (the
          // other way round, inverted, would amplify the scatter).
          if (fit)
            addColumnFitPoint(fit + c * kColumnFitSums, value, ideal[at + c]);
          // The column's digital gain and offset correction (before the
          // background, which the fit included on both sides).
          if (correct)
            value = value * gain[c] + offset[c];
          value -= backgroundCurrent;
          if (scale != 1.0)
            value *= scale;
          dst[at + c] = value;
        }
      }
  backgrounds[ti] = {};
  if (setup.fitting)
    ideals[ti] = {};
  return llvm::Error::success();
}
