//===- AnalogLayer.cpp - One mapped layer on a sampled chip ---------------===//
#include "nncc/Simulation/AnalogLayer.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Runtime/Kernels.h"
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Simulation/Sampling.h"
#include "nncc/Support/Errors.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <random>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

//===----------------------------------------------------------------------===//
// Effect switches
//===----------------------------------------------------------------------===//

namespace {
struct EffectName {
  const char *name;
  bool EffectSwitches::*flag;
};
constexpr EffectName kEffects[] = {
    {"on_off", &EffectSwitches::onOff},
    {"programming", &EffectSwitches::programming},
    {"variation", &EffectSwitches::variation},
    {"stuck_at", &EffectSwitches::stuckAt},
    {"drift", &EffectSwitches::drift},
    {"drift_compensation", &EffectSwitches::driftCompensation},
    {"ir_drop", &EffectSwitches::irDrop},
    {"read_noise", &EffectSwitches::readNoise},
    {"adc", &EffectSwitches::adc},
};
} // namespace

EffectSwitches EffectSwitches::none() {
  EffectSwitches e;
  for (const EffectName &n : kEffects)
    e.*n.flag = false;
  return e;
}

llvm::Expected<EffectSwitches> EffectSwitches::parse(llvm::StringRef spec) {
  spec = spec.trim();
  if (spec == "all")
    return EffectSwitches();
  if (spec == "none" || spec.empty())
    return none();
  SmallVector<llvm::StringRef> items;
  spec.split(items, ',');
  bool subtractive = llvm::all_of(
      items, [](llvm::StringRef s) { return s.trim().starts_with("-"); });
  EffectSwitches e = subtractive ? EffectSwitches() : none();
  for (llvm::StringRef item : items) {
    item = item.trim();
    bool off = item.consume_front("-");
    if (off != subtractive)
      return makeError("effects '" + spec +
                       "': list effects to switch on, or '-effect' to switch "
                       "off from all, not both");
    auto it = llvm::find_if(
        kEffects, [&](const EffectName &n) { return item == n.name; });
    if (it == std::end(kEffects)) {
      std::string known;
      for (const EffectName &n : kEffects)
        known += std::string(known.empty() ? "" : ", ") + n.name;
      return makeError("unknown effect '" + item + "' (known: all, none, " +
                       known + ")");
    }
    e.*it->flag = !off;
  }
  return e;
}

std::string EffectSwitches::str() const {
  std::string s;
  for (const EffectName &n : kEffects)
    if (this->*n.flag)
      s += std::string(s.empty() ? "" : ",") + n.name;
  return s.empty() ? "none" : s;
}

//===----------------------------------------------------------------------===//
// Layer data
//===----------------------------------------------------------------------===//

struct AnalogLayer::Tile {
  int64_t group = 0, rowBegin = 0, colBegin = 0;
  int64_t physRows = 0, physCols = 0, rowsInParallel = 1;
  cim::TileLayout layout;
  std::vector<uint16_t> digits; ///< [physRows, physCols]
  std::vector<double> cycleWeight, sliceWeight;
  int64_t dacBits = 1;
  bool inputSigned = false;
  bool hasAdc = false, bipolar = false;
  int64_t adcBits = 0;
  bool subtractReference = false;
  std::vector<int64_t> offsets; ///< per weight column (offset scheme)
};

struct AnalogLayer::Data {
  int64_t G = 0, P = 0, K = 0, N = 0;
  int64_t arrayRows = 0, levels = 2;
  double spacing = 1;   ///< Δ, siemens
  double gMinUnits = 0; ///< g_min / Δ
  ProgrammingModel programming;
  target::DeviceStatistics stats;
  double wireResistance = 0;
  std::vector<Tile> tiles;
};

AnalogLayer::AnalogLayer() : data(std::make_unique<Data>()) {}
AnalogLayer::~AnalogLayer() = default;
AnalogLayer::AnalogLayer(AnalogLayer &&) = default;
AnalogLayer &AnalogLayer::operator=(AnalogLayer &&) = default;
int64_t AnalogLayer::numTiles() const {
  return static_cast<int64_t>(data->tiles.size());
}
int64_t AnalogLayer::numCells() const {
  int64_t n = 0;
  for (const Tile &t : data->tiles)
    n += t.physRows * t.physCols;
  return n;
}

namespace {
template <typename OpT> OpT onlyUser(Value v) {
  if (!v || !v.hasOneUse())
    return nullptr;
  return dyn_cast<OpT>(*v.getUsers().begin());
}
} // namespace

llvm::Expected<AnalogLayer>
AnalogLayer::create(cim::LayerOp layer, const target::TargetChip &chip) {
  if (!layer.isPartitioned())
    return makeError("layer '" + layer.getLayerName() + "' is not partitioned");
  llvm::Expected<LayerCellDigits> cellDigits = LayerCellDigits::create(layer);
  if (!cellDigits)
    return cellDigits.takeError();
  llvm::Expected<ProgrammingModel> model = makeProgrammingModel(chip);
  if (!model)
    return model.takeError();
  AnalogLayer result;
  Data &d = *result.data;
  auto shape = layer.getMatrixShape();
  d.G = shape.groups;
  d.P = shape.vectors;
  d.K = shape.depth;
  d.N = shape.columns;
  d.arrayRows = chip.array.rows;
  d.levels = model->levels;
  d.spacing = model->levelSpacing;
  d.gMinUnits = model->gMin / model->levelSpacing;
  d.programming = std::move(*model);
  d.stats = chip.device.statistics;
  d.wireResistance = chip.array.wireResistance;
  const int64_t cycles = layer.getInputCycles().value_or(1);
  const int64_t dac = layer.getDacBits().value_or(1);
  const bool inputSigned = layer.getInputSigned().value_or(false);
  cim::SignedScheme scheme =
      layer.getSignedScheme().value_or(cim::SignedScheme::DifferentialColumns);

  std::string failure;
  layer.walk([&](cim::MVMOp mvm) {
    if (!failure.empty())
      return;
    Tile t;
    t.group = mvm.getGroup();
    t.rowBegin = mvm.getRowBegin();
    t.colBegin = mvm.getColBegin();
    t.physRows = mvm.getPhysicalRows();
    t.physCols = mvm.getPhysicalColumns();
    t.rowsInParallel = mvm.getRowsInParallel();
    llvm::Expected<std::vector<uint16_t>> digits = cellDigits->tileDigits(mvm);
    if (!digits) {
      failure = llvm::toString(digits.takeError());
      return;
    }
    t.digits = std::move(*digits);
    Value codes = mvm.getColumnSums();
    if (auto adc = onlyUser<cim::ADCOp>(codes)) {
      t.hasAdc = true;
      t.adcBits = adc.getBits();
      t.bipolar = adc.getBipolar();
      codes = adc.getCodes();
    }
    auto shiftAdd = onlyUser<cim::ShiftAddOp>(codes);
    if (!shiftAdd) {
      failure = "a cim.mvm of layer '" + layer.getLayerName().str() +
                "' does not feed a cim.shift_add";
      return;
    }
    int64_t slices = shiftAdd.getSliceEnd() - shiftAdd.getSliceBegin();
    bool reference = shiftAdd.getReferenceColumn();
    int64_t polarities = shiftAdd.getPolarities();
    int64_t dataCols = t.physCols - (reference ? 1 : 0);
    t.layout = cim::TileLayout{
        scheme, static_cast<int64_t>(mvm.getRowEnd() - mvm.getRowBegin()),
        dataCols / (slices * polarities), slices, reference};
    t.dacBits = dac;
    t.inputSigned = inputSigned;
    for (int64_t j = 0; j < cycles; ++j)
      t.cycleWeight.push_back(std::ldexp(1.0, static_cast<int>(j * dac)));
    if (inputSigned)
      t.cycleWeight.back() = -t.cycleWeight.back();
    for (int64_t s = 0; s < slices; ++s)
      t.sliceWeight.push_back(
          std::ldexp(1.0, static_cast<int>((shiftAdd.getSliceBegin() + s) *
                                           shiftAdd.getBitsPerCell())));
    if (auto combine = onlyUser<cim::CombineOp>(shiftAdd.getMagnitudes())) {
      if (auto offsets = combine.getOffsets()) {
        t.subtractReference = reference;
        t.offsets.assign(offsets->begin(), offsets->end());
      }
    }
    result.data->tiles.push_back(std::move(t));
  });
  if (!failure.empty())
    return makeError(failure);
  return std::move(result);
}

//===----------------------------------------------------------------------===//
// Sampling a chip instance
//===----------------------------------------------------------------------===//

void AnalogLayer::sample(Instance &instance, uint64_t seed,
                         const EffectSwitches &effects) const {
  const Data &d = *data;
  const double top = static_cast<double>(d.levels - 1);
  instance.programmed.assign(d.tiles.size(), {});
  instance.nu.assign(d.tiles.size(), {});
  instance.adcRange.assign(d.tiles.size(), {});
  for (auto [ti, tile] : llvm::enumerate(d.tiles)) {
    // One stream per tile and a fixed number of draws per cell, so that
    // switching one effect leaves every other effect's samples unchanged.
    RandomStream rng(mixSeed(seed, ti));
    std::vector<float> &g = instance.programmed[ti];
    std::vector<float> &nu = instance.nu[ti];
    g.resize(tile.digits.size());
    nu.resize(tile.digits.size());
    instance.adcRange[ti].assign(tile.physCols, 0.0f);
    for (size_t i = 0; i < tile.digits.size(); ++i) {
      double u1 = uniform01(rng), u2 = uniform01(rng), u3 = uniform01(rng),
             z1 = standardNormal(rng), z2 = standardNormal(rng);
      int64_t digit = tile.digits[i];
      double value = static_cast<double>(digit);
      if (effects.onOff)
        value += d.gMinUnits;
      if (effects.programming && digit > 0) {
        const LevelProgramming &level = d.programming.perLevel[digit];
        double sigma = level.sigma / d.spacing;
        double bound = d.programming.tolerance;
        bool writeVerify =
            d.programming.scheme == target::ProgrammingScheme::WriteVerify;
        value += writeVerify
                     ? writeVerifyError(sigma, bound, level.failureProbability,
                                        u1, u2)
                     : sigma * z1;
      }
      if (effects.variation)
        value += d.stats.deviceToDeviceSigma * top * z2;
      if (effects.stuckAt) {
        if (u3 < d.stats.stuckAtOn)
          value = top + (effects.onOff ? d.gMinUnits : 0);
        else if (u3 < d.stats.stuckAtOn + d.stats.stuckAtOff)
          value = effects.onOff ? d.gMinUnits : 0;
      }
      g[i] = static_cast<float>(std::max(value, 0.0));
      double exponent =
          d.stats.drift.nuMean + d.stats.drift.nuSigma * standardNormal(rng);
      nu[i] = effects.drift ? static_cast<float>(std::max(exponent, 0.0)) : 0;
    }
  }
  setTime(instance, d.stats.drift.t0, effects);
}

namespace {

/// IR drop of one tile (conductances in Δ units, row-major [rows, cols]),
/// first order in wire_resistance · g, with every word line driven at the
/// unit input (a static model: the actual drive pattern changes per read).
/// A cell's own current sees its series path exactly, g / (1 + g R_series)
/// with R_series = r_w (c + 1 + R - r); the other cells sharing its wires
/// lower its voltage by r_w times the currents they push through the
/// shared segments:
///   word line r, fed at column 0: segment k carries sum_{c' >= k} g(r, c');
///   bit line c, sensed below row R - 1: segment i (below row i) carries
///   sum_{r' <= i} g(r', c).
std::vector<float> applyIrDrop(const std::vector<double> &g, int64_t rows,
                               int64_t cols, int64_t arrayRows, double wireOhms,
                               double spacing, double rowActivity) {
  std::vector<float> out(g.size());
  std::vector<double> suffix(cols + 1), wordLine(cols), bitLine(rows);
  // Bit-line sums: below[c][r] = sum_{i=r}^{R-1} P(c, i), P the prefix
  // column sum (constant past the tile's last row).
  std::vector<double> below(static_cast<size_t>(rows * cols));
  for (int64_t c = 0; c < cols; ++c) {
    double prefix = 0;
    std::vector<double> partial(rows);
    for (int64_t r = 0; r < rows; ++r) {
      prefix += g[r * cols + c];
      partial[r] = prefix;
    }
    double tail = prefix * static_cast<double>(arrayRows - rows);
    for (int64_t r = rows - 1; r >= 0; --r) {
      tail += partial[r];
      below[r * cols + c] = tail;
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    const double *row = g.data() + r * cols;
    suffix[cols] = 0;
    for (int64_t c = cols - 1; c >= 0; --c)
      suffix[c] = suffix[c + 1] + row[c];
    double cumulative = 0; // sum_{k <= c} suffix[k]
    for (int64_t c = 0; c < cols; ++c) {
      cumulative += suffix[c];
      double own = row[c];
      // A word line only carries current when its row is driven, and then
      // every cell of it conducts; of the other rows' currents on a bit
      // line, only the driven rows' flow: the mean fraction of driven rows
      // (measured on the calibration inputs) scales them.
      double others = (cumulative - static_cast<double>(c + 1) * own) +
                      rowActivity * (below[r * cols + c] -
                                     static_cast<double>(arrayRows - r) * own);
      double series = wireOhms * static_cast<double>((c + 1) + (arrayRows - r));
      // 1 / (1 + x) rather than 1 - x for the shared-wire term: the same to
      // first order, and it stays positive where the wires drop more than
      // the drive (the model is then only a warning sign, see
      // docs/simulation.md).
      double value = own / ((1.0 + own * spacing * series) *
                            (1.0 + wireOhms * spacing * others));
      out[r * cols + c] = static_cast<float>(value);
    }
  }
  return out;
}

} // namespace

void AnalogLayer::setTime(Instance &instance, double seconds,
                          const EffectSwitches &effects) const {
  const Data &d = *data;
  const double t0 = d.stats.drift.t0 > 0 ? d.stats.drift.t0 : 1.0;
  const double ratio = seconds > t0 ? seconds / t0 : 1.0;
  const bool ir = effects.irDrop && d.wireResistance > 0;
  double sumAtT0 = 0, sumNow = 0;
  instance.cells.resize(d.tiles.size());
  for (auto [ti, tile] : llvm::enumerate(d.tiles)) {
    const std::vector<float> &g0 = instance.programmed[ti];
    const std::vector<float> &nu = instance.nu[ti];
    std::vector<double> drifted(g0.size()), initial(g0.begin(), g0.end());
    for (size_t i = 0; i < g0.size(); ++i)
      drifted[i] = ratio > 1 && nu[i] > 0
                       ? g0[i] * std::pow(ratio, -static_cast<double>(nu[i]))
                       : g0[i];
    if (ir) {
      std::vector<float> atT0 =
          applyIrDrop(initial, tile.physRows, tile.physCols, d.arrayRows,
                      d.wireResistance, d.spacing, instance.rowActivity);
      instance.cells[ti] =
          applyIrDrop(drifted, tile.physRows, tile.physCols, d.arrayRows,
                      d.wireResistance, d.spacing, instance.rowActivity);
      for (float v : atT0)
        sumAtT0 += v;
    } else {
      instance.cells[ti].assign(drifted.begin(), drifted.end());
      for (float v : g0)
        sumAtT0 += v;
    }
    for (float v : instance.cells[ti])
      sumNow += v;
  }
  // Global drift compensation: the read of an all-ones input (every row
  // driven, every column summed) at t0 against now.
  instance.driftScale =
      effects.driftCompensation && sumNow > 0 ? sumAtT0 / sumNow : 1.0;
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

std::vector<double> AnalogLayer::accumulate(const Instance &instance,
                                            const Tensor &xq,
                                            const EffectSwitches &effects,
                                            uint64_t noiseSeed,
                                            Instance *calibrate) const {
  const Data &d = *data;
  const int64_t G = d.G, P = xq.dim(1), K = d.K, N = d.N;
  std::vector<double> acc(static_cast<size_t>(G * P * N), 0.0);
  const int32_t *x = xq.data<int32_t>();
  const double readSigma = effects.readNoise ? d.stats.readNoiseSigma : 0.0;
  const bool useAdc = effects.adc && !calibrate;
  const double background = effects.onOff ? d.gMinUnits : 0.0;
  // Calibration maxima per block of vectors, merged afterwards.
  std::mutex calibrationLock;

  auto runVectors = [&](int64_t pBegin, int64_t pEnd) {
    const int64_t bp = pEnd - pBegin;
    std::vector<double> columnAcc, driveSum;
    int64_t driven = 0, rowReads = 0;
    std::vector<std::vector<float>> localMax;
    if (calibrate)
      for (const Tile &tile : d.tiles)
        localMax.emplace_back(tile.physCols, 0.0f);
    for (auto [ti, tile] : llvm::enumerate(d.tiles)) {
      const std::vector<float> &cells = instance.cells[ti];
      const int64_t rows = tile.physRows, cols = tile.physCols;
      const int64_t cycles = static_cast<int64_t>(tile.cycleWeight.size());
      const int64_t rowGroups =
          (rows + tile.rowsInParallel - 1) / tile.rowsInParallel;
      const int64_t m = cycles * bp;
      rowReads += m * rows;
      // Drives of every (cycle, vector) on every physical row: the G- row of
      // a differential pair is driven with the opposite sign.
      std::vector<float> drive(static_cast<size_t>(m * rows), 0.0f);
      for (int64_t p = 0; p < bp; ++p) {
        const int32_t *xv =
            x + (tile.group * P + pBegin + p) * K + tile.rowBegin;
        for (int64_t j = 0; j < cycles; ++j) {
          float *dst = drive.data() + (j * bp + p) * rows;
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
      std::vector<Tensor> currents(rowGroups), variances(rowGroups);
      driveSum.assign(static_cast<size_t>(m * rowGroups), 0.0);
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
          driveSum[i * rowGroups + rg] = sum;
          if (calibrate)
            for (int64_t r = 0; r < n; ++r)
              driven += ap[i * n + r] != 0;
        }
        std::copy(cells.begin() + r0 * cols, cells.begin() + (r0 + n) * cols,
                  w.data<float>());
        currents[rg] = Tensor(DType::F32, {m, cols});
        runtime::gemm(a, w, nullptr, 1.0f, 0.0f, false, false, currents[rg]);
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
      const int64_t maxCode = tile.bipolar
                                  ? (int64_t{1} << (tile.adcBits - 1)) - 1
                                  : (int64_t{1} << tile.adcBits) - 1;
      const int64_t minCode = tile.bipolar ? -maxCode - 1 : 0;
      // Per column: the ADC's step and its inverse (a multiply per
      // conversion instead of a divide).
      std::vector<double> step(cols, 0.0), inverseStep(cols, 0.0);
      if (useAdc && tile.hasAdc)
        for (int64_t c = 0; c < cols; ++c) {
          double range = instance.adcRange[ti][c];
          step[c] = range / static_cast<double>(maxCode);
          inverseStep[c] = range > 0 ? 1.0 / step[c] : 0.0;
        }
      for (int64_t p = 0; p < bp; ++p) {
        RandomStream rng(mixSeed(noiseSeed, ti * P + pBegin + p));
        NormalPairs normals(rng);
        columnAcc.assign(cols, 0.0);
        for (int64_t j = 0; j < cycles; ++j)
          for (int64_t rg = 0; rg < rowGroups; ++rg) {
            const int64_t i = j * bp + p;
            const float *cur = currents[rg].data<float>() + i * cols;
            const float *var = readSigma > 0
                                   ? variances[rg].data<float>() + i * cols
                                   : nullptr;
            const double backgroundCurrent =
                background * driveSum[i * rowGroups + rg];
            for (int64_t c = 0; c < cols; ++c) {
              double value = cur[c];
              if (var)
                value += std::sqrt(std::max(0.0f, var[c])) * normals.next();
              if (calibrate) {
                localMax[ti][c] = std::max(localMax[ti][c],
                                           static_cast<float>(std::abs(value)));
              } else if (useAdc && tile.hasAdc) {
                double code = std::clamp(std::round(value * inverseStep[c]),
                                         static_cast<double>(minCode),
                                         static_cast<double>(maxCode));
                value = code * step[c];
              }
              // The periphery knows the drive digitally and removes the
              // ideal g_min background after conversion; what it cannot
              // remove is the ADC range, noise and IR drop the background
              // costs.
              value -= backgroundCurrent;
              columnAcc[c] += tile.cycleWeight[j] * value;
            }
          }
        // Slices, polarities and the reference column, as shift_add and
        // combine do; then accumulation into the layer's columns.
        double reference = tile.layout.referenceColumn
                               ? columnAcc[tile.layout.referenceColumnIndex()]
                               : 0.0;
        double *out =
            acc.data() + (tile.group * P + pBegin + p) * N + tile.colBegin;
        for (int64_t n = 0; n < tile.layout.weightCols; ++n) {
          double value = 0;
          for (int64_t s = 0; s < tile.layout.slices; ++s)
            for (int64_t pol = 0; pol < tile.layout.columnPolarities(); ++pol)
              value += (pol ? -1.0 : 1.0) * tile.sliceWeight[s] *
                       columnAcc[tile.layout.column(n, s, pol)];
          if (tile.subtractReference)
            value -= static_cast<double>(tile.offsets[n]) * reference;
          out[n] += value * instance.driftScale;
        }
      }
    }
    if (calibrate) {
      std::lock_guard<std::mutex> lock(calibrationLock);
      calibrate->drivenRows += driven;
      calibrate->rowReads += rowReads;
      for (size_t ti = 0; ti < localMax.size(); ++ti)
        for (size_t c = 0; c < localMax[ti].size(); ++c)
          calibrate->adcRange[ti][c] =
              std::max(calibrate->adcRange[ti][c], localMax[ti][c]);
    }
  };
  constexpr int64_t kBlock = 64;
  const int64_t blocks = (P + kBlock - 1) / kBlock;
  llvm::parallelFor(0, static_cast<size_t>(blocks), [&](size_t b) {
    int64_t begin = static_cast<int64_t>(b) * kBlock;
    runVectors(begin, std::min(P, begin + kBlock));
  });
  return acc;
}
