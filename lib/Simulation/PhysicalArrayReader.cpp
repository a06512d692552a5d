//===- PhysicalArrayReader.cpp - Reads of a sampled chip's arrays ---------===//
#include "PhysicalArrayReader.h"
#include "ArrayRead.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Simulation/AdcCalibration.h"
#include "nncc/Simulation/Sampling.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/KernelClones.h"
#include "nncc/Support/Rounding.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <type_traits>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

namespace {

/// How a tile's columns convert: by the ADC when inverseStep is set
/// (step[c] = range[c] / maxCode, codes in [low, high]), then the column's
/// digital gain and offset when set, and the drift scale.
struct ColumnConversion {
  const double *inverseStep, *step;
  double low, high;
  const double *gain, *offset;
  double scale;
};

/// One (cycle, part, vector)'s conversions of `cols` columns, less
/// its background; with `Fit`, also each column's fit sums of the ideal
/// against the converted current.  The flags say which of k's steps apply
/// (constants, so that each combination is a loop without branches).
/// `in` may be `out` (converting in place).
template <bool Adc, bool Fit, bool Corrected>
__attribute__((always_inline)) inline void
convertColumns(const ColumnConversion &k, const double *in, double *out,
               int64_t cols, double background, const double *ideal,
               double *fit) {
  for (int64_t c = 0; c < cols; ++c) {
    double value = in[c];
    if constexpr (Adc)
      value = roundToCode(value * k.inverseStep[c], k.low, k.high) * k.step[c];
    // The fit predicts the ideal current from the converted one (the other
    // way round, inverted, would amplify the scatter).
    if constexpr (Fit)
      addColumnFitPoint(fit + c * kColumnFitSums, value, ideal[c]);
    // The column's digital gain and offset correction (before the
    // background, which the fit included on both sides).
    if constexpr (Corrected)
      value = value * k.gain[c] + k.offset[c];
    // The periphery knows the drive digitally and removes the ideal g_min
    // background after conversion; what it cannot remove is the ADC range,
    // noise and IR drop the background costs.  (x 1 is exact.)
    out[c] = (value - background) * k.scale;
  }
}

/// convertColumns with the flags k and `ideal` set.
__attribute__((always_inline)) inline void
convertColumnsAsSet(const ColumnConversion &k, const double *in, double *out,
                    int64_t cols, double background, const double *ideal,
                    double *fit) {
  auto run = [&](auto adc, auto fitting, auto corrected) {
    convertColumns<decltype(adc)::value, decltype(fitting)::value,
                   decltype(corrected)::value>(k, in, out, cols, background,
                                               ideal, fit);
  };
  using Yes = std::true_type;
  using No = std::false_type;
  if (ideal)
    k.inverseStep
        ? (k.gain ? run(Yes(), Yes(), Yes()) : run(Yes(), Yes(), No()))
        : (k.gain ? run(No(), Yes(), Yes()) : run(No(), Yes(), No()));
  else
    k.inverseStep ? (k.gain ? run(Yes(), No(), Yes()) : run(Yes(), No(), No()))
                  : (k.gain ? run(No(), No(), Yes()) : run(No(), No(), No()));
}

/// The conversions as cloned kernels (the file is compiled with
/// -ffp-contract=off, so no clone contracts), in place or from a separate
/// buffer: two functions, so that the compiler knows how loads and stores
/// overlap.
NNCC_KERNEL void convertRow(const ColumnConversion &k,
                            const double *__restrict in, double *__restrict out,
                            int64_t cols, double background,
                            const double *ideal, double *fit) {
  convertColumnsAsSet(k, in, out, cols, background, ideal, fit);
}
NNCC_KERNEL void convertRowInPlace(const ColumnConversion &k, double *values,
                                   int64_t cols, double background,
                                   const double *ideal, double *fit) {
  convertColumnsAsSet(k, values, values, cols, background, ideal, fit);
}

/// Column values in units of the level spacing to digit sums: a layer
/// whose digits sit every levelsPerDigit-th level (cim::levelStride)
/// divides by it, exactly for the exact sums of an ideal chip (a multiply
/// by the inverse would not be); one with a digit per level leaves them.
inline void levelsToDigitSums(double *values, int64_t cols,
                              double levelsPerDigit) {
  if (levelsPerDigit != 1)
    for (int64_t c = 0; c < cols; ++c)
      values[c] /= levelsPerDigit;
}

} // namespace

PhysicalArrayReader::PhysicalArrayReader(const PhysicalReadSetup &setup,
                                         int64_t firstVector,
                                         bool inputsInLanes)
    : setup(setup), firstVector(firstVector), inLanes(inputsInLanes) {
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

namespace {
/// One physical row's drives of `count` vectors: digit (in >> shift) &
/// mask of each input (strided by inStride), negated on a G- row, into
/// out (strided by outStride) as f32 and added into its vector's row-group
/// sum (strided like the inputs: sums are per vector); returns the nonzero
/// drives.  The negation as (d ^ m) - m: SSE2 has no 32-bit multiply.
NNCC_KERNEL int64_t driveRow(const int32_t *in, int64_t inStride, int shift,
                             int32_t mask, bool negate, float *out,
                             int64_t outStride, int32_t *sum, int64_t count) {
  const int32_t m = negate ? -1 : 0;
  int64_t driven = 0;
  for (int64_t p = 0; p < count; ++p) {
    const int32_t digit = (in[p * inStride] >> shift) & mask;
    const int32_t drive = (digit ^ m) - m;
    driven += digit != 0;
    out[p * outStride] = static_cast<float>(drive);
    sum[p] += drive;
  }
  return driven;
}
} // namespace

int64_t PhysicalArrayReader::buildDrives(const AnalogLayer::Tile &tile,
                                         const int32_t *x, int64_t vectorStride,
                                         int64_t rowStride, int64_t cycle,
                                         int64_t part, const Drives &layout,
                                         float *drive, int32_t *sums) {
  const int64_t vectors = layout.count, rows = layout.rows;
  const int64_t rowGroups = cim::rowGroups(rows, tile.rowsInParallel);
  const int64_t weightRows = tile.layout.weightRows;
  const int64_t polarities = tile.layout.rowPolarities();
  // inputDigit, with the shift and the sign handling of this cycle hoisted:
  // an i32 shift and mask for every cycle but a signed input's last.
  const bool exact = tile.inputSigned && cycle == tile.cycles - 1;
  const int64_t shift = cycle * tile.dacBits;
  const int32_t mask = static_cast<int32_t>((int64_t{1} << tile.dacBits) - 1);
  const bool plain = !exact && shift < 31 && tile.phases == 1;
  const cim::ReadPhase phase = cim::ReadPhase::of(part, tile.phases);
  std::fill_n(drive, layout.size(), 0.0f);
  // Each row group's drive sum per vector, in integers (exact in any
  // order).
  std::fill_n(sums, rowGroups * vectors, 0);
  int64_t driven = 0;
  // Row k's digits (the G- row of a differential pair driven with the
  // opposite sign), vector by vector: contiguous loads and stores when the
  // inputs and the drives both hold a row's vectors side by side (a loop
  // the compiler vectorizes), else strided on one side.
  for (int64_t k = 0; k < weightRows; ++k)
    for (int64_t pol = 0; pol < polarities; ++pol) {
      const int64_t row = tile.layout.row(k, pol);
      const int32_t *in = x + k * rowStride;
      float *out = drive + row * layout.rowStride;
      int32_t *sum = sums + row / tile.rowsInParallel * vectors;
      if (plain) {
        driven += driveRow(in, vectorStride, static_cast<int>(shift), mask,
                           pol != 0, out, layout.vectorStride, sum, vectors);
        continue;
      }
      for (int64_t p = 0; p < vectors; ++p) {
        const int32_t digit = static_cast<int32_t>(
            inputDigit(in[p * vectorStride], cycle, tile.cycles, tile.dacBits,
                       tile.inputSigned));
        const int32_t value = static_cast<int32_t>(phase.drive(pol, digit));
        driven += value != 0;
        out[p * layout.vectorStride] = static_cast<float>(value);
        sum[p] += value;
      }
    }
  return driven;
}

void PhysicalArrayReader::solveReads(const Drives &drives, const float *cells,
                                     int64_t cols, int64_t firstRow,
                                     float *current) {
  const int64_t stride = paddedArrayColumns(cols);
  double *solved = scratch.nodalCurrent.get(cols);
  for (int64_t p = 0; p < drives.count; ++p) {
    nodal.begin(cols, setup.arrayRows, setup.nodalWire);
    for (int64_t r = 0; r < drives.rows; ++r) {
      const float drive =
          drives.data[p * drives.vectorStride + r * drives.rowStride];
      if (drive != 0)
        nodal.addRow(firstRow + r, static_cast<double>(drive),
                     cells + r * stride);
    }
    nodal.solve(solved);
    for (int64_t c = 0; c < cols; ++c)
      current[p * cols + c] = static_cast<float>(solved[c]);
  }
}

llvm::Error PhysicalArrayReader::read(cim::MVMOp mvm, const Tensor &inputs,
                                      Tensor &columnSums) {
  auto found = setup.tileOf.find(mvm);
  if (found == setup.tileOf.end())
    return makeError("cim.mvm without a tile on the chip");
  const int64_t ti = found->second;
  const AnalogLayer::Tile &tile = setup.tiles[ti];
  const double readSigma = setup.readSigma;
  const int64_t vectors = inputs.dim(inLanes ? 2 : 1),
                depth = inputs.dim(inLanes ? 1 : 2);
  const int64_t rows = tile.physRows, cols = tile.physCols;
  const int64_t stride = paddedArrayColumns(cols);
  const float *cells = setup.instance.readCells[ti].data();
  const float *squares =
      readSigma > 0 ? setup.instance.readSquares[ti].data() : nullptr;
  const int64_t cycles = tile.cycles;
  const int64_t rowGroups = cim::rowGroups(rows, tile.rowsInParallel);
  // A four-phase read's row groups are read once per phase: part rg *
  // phases + q of the result.
  const int64_t phases = tile.phases, parts = rowGroups * phases;
  rowReads += cycles * vectors * rows * phases;

  columnSums =
      Tensor::uninitialized(DType::F64, {cycles, parts, vectors, cols});
  double *out = columnSums.data<double>();
  // The background of each (cycle * vector, part): g_min / Δ times the
  // part's drive sum (a row group's, in one phase; a phase's, in four).
  std::vector<double> background(static_cast<size_t>(cycles * vectors * parts),
                                 0.0);
  const bool ideal = setup.fitting && tile.converted;
  if (ideal)
    ideals[ti].assign(static_cast<size_t>(cycles * parts * vectors * cols),
                      0.0);
  const double driftScale = setup.instance.driftScale;
  // This read's counts, one tile's worth (not the layer's: a block reader
  // would otherwise hold every tile's histogram), added to the instance's
  // under the lock below; integer sums come out alike in any order.
  std::vector<uint32_t> counts;
  if (setup.calibrating && setup.histogramTop)
    counts.assign(cols * kAdcHistogramBins, 0u);
  uint32_t *histogram = counts.empty() ? nullptr : counts.data();
  const float *topOf = histogram ? (*setup.histogramTop)[ti].data() : nullptr;
  float *colMax = setup.calibrating ? columnMax[ti].data() : nullptr;
  const bool removeBackground = !tile.converted;

  // Per vector one noise stream, drawn cycle by cycle (phase by phase),
  // row group by row group, column by column; kLanes vectors' streams side
  // by side.
  constexpr int64_t kLanes = ZigguratLanes::kLanes;
  std::vector<ZigguratLanes> streams;
  if (squares) {
    streams.reserve((vectors + kLanes - 1) / kLanes);
    for (int64_t p0 = 0; p0 < vectors; p0 += kLanes) {
      uint64_t seeds[kLanes];
      const int64_t n = std::min(kLanes, vectors - p0);
      for (int64_t l = 0; l < n; ++l)
        seeds[l] =
            mixSeed(setup.noiseSeed, ti * setup.vectors + firstVector + p0 + l);
      streams.emplace_back(seeds, static_cast<int>(n));
    }
  }
  // One cycle's drives of every vector on every physical row (the G- row
  // of a differential pair is driven with the opposite sign), laid out as
  // the read kernel prefers, and one row group's currents and variances of
  // every vector.
  Drives all = Drives::fastestFor(vectors, rows);
  // (Buffers kept from the block's previous reads: the producers write
  // every element they read back, and buildDrives zeroes the drives.)
  float *drive = scratch.drive.get(all.size());
  float *current = scratch.current.get(vectors * cols);
  float *variance = squares ? scratch.variance.get(vectors * cols) : nullptr;
  float *idealCurrent =
      ideal ? scratch.idealCurrent.get(vectors * cols) : nullptr;
  double *normal = squares ? scratch.normal.get(vectors * cols) : nullptr;
  // Per row group and vector, the drive's sum for the background.
  int32_t *driveSums = scratch.driveSums.get(rowGroups * vectors);
  // Vector p's input on the tile's weight row k (the layer's row rowBegin
  // + k), as the block lays them out.
  const int64_t vectorStride = inLanes ? 1 : depth,
                rowStride = inLanes ? vectors : 1;
  const int32_t *x = inputs.data<int32_t>() + tile.group * vectors * depth +
                     tile.rowBegin * rowStride;
  all.data = drive;
  for (int64_t j = 0; j < cycles; ++j)
    for (int64_t q = 0; q < phases; ++q) {
      const int64_t driven = buildDrives(tile, x, vectorStride, rowStride, j, q,
                                         all, drive, driveSums);
      if (setup.calibrating)
        drivenRows += driven;
      for (int64_t rg = 0; rg < rowGroups; ++rg) {
        const int64_t part = rg * phases + q;
        const int64_t r0 = rg * tile.rowsInParallel;
        const int64_t n = std::min(rows, r0 + tile.rowsInParallel) - r0;
        const Drives drives = all.rowRange(r0, n);
        readArrayColumns(drives, cells + r0 * stride,
                         squares ? squares + r0 * stride : nullptr, cols,
                         current, variance);
        if (setup.nodalWire > 0)
          solveReads(drives, cells + r0 * stride, cols, r0, current);
        if (ideal)
          // What an ideal array reads: the digits themselves (plus the same
          // background below).
          readArrayColumns(drives, tile.levels.data() + r0 * stride, nullptr,
                           cols, idealCurrent, nullptr);
        // Every vector's values of this row group, in place in the column
        // sums: the currents with their read noise (each vector's normals
        // drawn from its own stream, kLanes streams side by side).
        double *values = out + (j * parts + part) * vectors * cols;
        if (squares) {
          for (int64_t p0 = 0; p0 < vectors; p0 += kLanes)
            streams[p0 / kLanes].next(cols, normal + p0 * cols, cols);
          addReadNoise(current, variance, normal, readSigma, vectors * cols,
                       values);
        } else {
          std::copy_n(current, vectors * cols, values);
        }
        for (int64_t p = 0; p < vectors; ++p) {
          const double bg = setup.background *
                            static_cast<double>(driveSums[rg * vectors + p]);
          background[(j * vectors + p) * parts + part] = bg;
          const int64_t at = ((j * parts + part) * vectors + p) * cols;
          if (ideal)
            for (int64_t c = 0; c < cols; ++c)
              ideals[ti][at + c] =
                  static_cast<double>(idealCurrent[p * cols + c]) + bg;
          double *value = out + at;
          if (colMax)
            for (int64_t c = 0; c < cols; ++c)
              colMax[c] =
                  std::max(colMax[c], static_cast<float>(std::abs(value[c])));
          if (histogram)
            for (int64_t c = 0; c < cols; ++c)
              ++histogram[c * kAdcHistogramBins +
                          adcHistogramBin(std::abs(value[c]), topOf[c])];
          // The background is removed here when no ADC converts, else after
          // the conversion (convert()).
          if (removeBackground) {
            for (int64_t c = 0; c < cols; ++c)
              value[c] = (value[c] - bg) * driftScale;
            levelsToDigitSums(value, cols, setup.levelsPerDigit);
          }
        }
      }
    }
  if (histogram) {
    std::lock_guard<std::mutex> guard(*setup.histogramLock);
    std::vector<uint32_t> &total = (*setup.histogram)[ti];
    for (size_t k = 0; k < counts.size(); ++k)
      total[k] += counts[k];
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
  codes = reusable ? sums : Tensor::uninitialized(DType::F64, sums.shape());
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
  const ColumnConversion conversion{setup.useAdc ? inverseStep.data() : nullptr,
                                    step.data(),
                                    low,
                                    high,
                                    gain,
                                    offset,
                                    scale};
  for (int64_t j = 0; j < cycles; ++j)
    for (int64_t rg = 0; rg < rowGroups; ++rg)
      for (int64_t p = 0; p < vectors; ++p) {
        const int64_t at = ((j * rowGroups + rg) * vectors + p) * cols;
        const double background = bg[(j * vectors + p) * rowGroups + rg];
        const double *idealAt = fit ? ideal + at : nullptr;
        if (src == dst)
          convertRowInPlace(conversion, dst + at, cols, background, idealAt,
                            fit);
        else
          convertRow(conversion, src + at, dst + at, cols, background, idealAt,
                     fit);
        levelsToDigitSums(dst + at, cols, setup.levelsPerDigit);
      }
  backgrounds[ti] = {};
  if (setup.fitting)
    ideals[ti] = {};
  return llvm::Error::success();
}
