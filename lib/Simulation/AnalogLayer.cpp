//===- AnalogLayer.cpp - One mapped layer on a sampled chip ---------------===//
//
// The chip side of the accuracy simulator: the tiles' cell digits, sampling
// a chip instance, its conductances over time (drift, IR drop), and the
// layer's evaluation, which runs the body's shared semantics
// (BodyInterpreter) with the instance's physical reads
// (PhysicalArrayReader.cpp).
//
//===----------------------------------------------------------------------===//
#include "nncc/Simulation/AnalogLayer.h"
#include "ArrayRead.h"
#include "PhysicalArrayReader.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Execution/BodyInterpreter.h"
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Simulation/AdcCalibration.h"
#include "nncc/Simulation/IrDrop.h"
#include "nncc/Simulation/Sampling.h"
#include "nncc/Support/Errors.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
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
  // "all,-a,-b" reads as "-a,-b", every effect but those; otherwise "all"
  // and "none" stand alone.
  if (items.front().trim() == "all" &&
      llvm::all_of(llvm::drop_begin(items),
                   [](llvm::StringRef s) { return s.trim().starts_with("-"); }))
    items.erase(items.begin());
  for (llvm::StringRef item : items)
    if (item.trim() == "all" || item.trim() == "none")
      return makeError("effects '" + spec +
                       "': 'all' and 'none' stand alone; 'all,-effect,...' "
                       "or '-effect,...' switches effects off from all");
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

std::vector<std::string> EffectSwitches::nonIdealities() const {
  std::vector<std::string> names;
  for (const EffectName &n : kEffects)
    if (this->*n.flag && n.flag != &EffectSwitches::driftCompensation)
      names.push_back(n.name);
  return names;
}

EffectSwitches EffectSwitches::without(llvm::StringRef name) const {
  EffectSwitches e = *this;
  for (const EffectName &n : kEffects)
    if (name == n.name)
      e.*n.flag = false;
  return e;
}

//===----------------------------------------------------------------------===//
// Layer data
//===----------------------------------------------------------------------===//

struct AnalogLayer::Data {
  int64_t groups = 0, vectors = 0, depth = 0, columns = 0;
  int64_t arrayRows = 0, levels = 2;
  /// Device levels per digit step (cim::levelStride).
  int64_t levelStride = 1;
  double spacing = 1;   ///< Δ, siemens (of one device)
  double gMinUnits = 0; ///< g_min / Δ
  /// Devices in parallel per cell (array.devices_per_cell): each is sampled
  /// apart, and a cell reads as their mean in units of Δ while it conducts
  /// their sum, devices x the mean.
  int64_t devices = 1;
  ProgrammingModel programming;
  target::DeviceStatistics stats;
  double wireResistance = 0;
  std::vector<Tile> tiles;
  /// The tile of each cim.mvm.
  llvm::DenseMap<Operation *, int64_t> tileOf;
  /// The most column sums a tile reads per vector (cycles x row groups x
  /// columns).
  int64_t sumsPerVector = 1;
  std::optional<BodyInterpreter> body;
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
  d.groups = shape.groups;
  d.vectors = shape.vectors;
  d.depth = shape.depth;
  d.columns = shape.columns;
  d.arrayRows = chip.array.deviceRows();
  d.levels = model->levels;
  d.levelStride = cellDigits->levelStride();
  d.spacing = model->levelSpacing;
  d.gMinUnits = model->gMin / model->levelSpacing;
  d.devices = chip.array.devicesPerCell;
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
    t.physRows = mvm.getPhysicalRows();
    t.physCols = mvm.getPhysicalColumns();
    t.rowsInParallel = mvm.getRowsInParallel();
    t.phases = static_cast<int64_t>(mvm.getReadPhases());
    llvm::Expected<std::vector<uint16_t>> levels = cellDigits->tileLevels(mvm);
    if (!levels) {
      failure = llvm::toString(levels.takeError());
      return;
    }
    t.targetLevels = std::move(*levels);
    t.levels = padArrayColumns(t.targetLevels.data(), t.physRows, t.physCols);
    t.layout = cim::TileLayout{
        scheme, static_cast<int64_t>(mvm.getRowEnd() - mvm.getRowBegin()),
        static_cast<int64_t>(mvm.getColEnd() - mvm.getColBegin()),
        static_cast<int64_t>(mvm.getSliceEnd() - mvm.getSliceBegin()),
        mvm.getReferenceColumn()};
    t.cycles = cycles;
    t.dacBits = dac;
    t.inputSigned = inputSigned;
    if (cim::ADCOp adc = onlyUser<cim::ADCOp>(mvm.getColumnSums())) {
      t.converted = true;
      t.adcMaxCode = adc.getMaxCode();
    }
    d.sumsPerVector = std::max(
        d.sumsPerVector, cycles * cim::rowGroups(t.physRows, t.rowsInParallel) *
                             t.phases * t.physCols);
    d.tileOf[mvm] = static_cast<int64_t>(d.tiles.size());
    d.tiles.push_back(std::move(t));
  });
  if (!failure.empty())
    return makeError(failure);
  llvm::Expected<BodyInterpreter> body = BodyInterpreter::create(layer);
  if (!body)
    return body.takeError();
  d.body.emplace(std::move(*body));
  if (llvm::Error err = result.checkBody())
    return makeError("layer '" + layer.getLayerName() +
                     "': " + llvm::toString(std::move(err)));
  return std::move(result);
}

namespace {
/// Reads every tile as zeros: runs a body for its shape and attribute
/// checks alone.
class ZeroArrayReader final : public cim::ArrayReader {
public:
  llvm::Error read(cim::MVMOp mvm, const Tensor &inputs,
                   Tensor &columnSums) override {
    SmallVector<int64_t, 4> shape(mvm.getColumnSums().getType().getShape());
    shape[2] = inputs.dim(1);
    columnSums = Tensor(DType::F64, shape);
    return llvm::Error::success();
  }
  llvm::Error convert(cim::ADCOp, const Tensor &columnSums, bool,
                      Tensor &codes) override {
    codes = Tensor(DType::F64, columnSums.shape());
    return llvm::Error::success();
  }
};
} // namespace

llvm::Error AnalogLayer::checkBody() const {
  // Every check of the body ops depends on shapes and attributes only, so
  // one vector of zeros finds any body that accumulate() could not run.
  const Data &d = *data;
  ZeroArrayReader reader;
  llvm::Expected<Tensor> acc =
      d.body->run(Tensor(DType::I32, {d.groups, 1, d.depth}), reader);
  if (!acc)
    return acc.takeError();
  return llvm::Error::success();
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
    const size_t devices = static_cast<size_t>(d.devices);
    g.resize(tile.targetLevels.size() * devices);
    nu.resize(tile.targetLevels.size() * devices);
    instance.adcRange[ti].assign(tile.physCols, 0.0f);
    // Device k of cell c is entry c x devices + k; each device draws its
    // own errors, in cell order and device order within a cell.
    for (size_t i = 0; i < g.size(); ++i) {
      double u1 = uniform01(rng), u2 = uniform01(rng), u3 = uniform01(rng),
             z1 = standardNormal(rng), z2 = standardNormal(rng);
      int64_t target = tile.targetLevels[i / devices];
      double value = static_cast<double>(target);
      if (effects.onOff)
        value += d.gMinUnits;
      if (effects.programming && target > 0) {
        const LevelProgramming &level = d.programming.perLevel[target];
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

std::vector<double> AnalogLayer::sumDevices(const std::vector<float> &perDevice,
                                            int64_t devices) {
  const size_t n = static_cast<size_t>(devices);
  std::vector<double> sums(perDevice.size() / n, 0.0);
  for (size_t i = 0; i < perDevice.size(); ++i)
    sums[i / n] += perDevice[i];
  return sums;
}

void AnalogLayer::setTime(Instance &instance, double seconds,
                          const EffectSwitches &effects) const {
  const Data &d = *data;
  const double t0 = d.stats.drift.t0 > 0 ? d.stats.drift.t0 : 1.0;
  const double ratio = seconds > t0 ? seconds / t0 : 1.0;
  // The nodal model solves each read's circuit from the cells as they are
  // (PhysicalArrayReader); the first-order one folds the wires into them.
  const bool ir = effects.irDrop && d.wireResistance > 0 &&
                  effects.irDropModel == IrDropModel::FirstOrder;
  double sumAtT0 = 0, sumNow = 0;
  instance.cells.resize(d.tiles.size());
  instance.readCells.resize(d.tiles.size());
  instance.readSquares.resize(d.tiles.size());
  for (auto [ti, tile] : llvm::enumerate(d.tiles)) {
    const std::vector<float> &g0 = instance.programmed[ti];
    const std::vector<float> &nu = instance.nu[ti];
    // A cell reads as the mean of its devices, each drifting with its own
    // exponent.
    const size_t devices = static_cast<size_t>(d.devices);
    std::vector<double> initial = sumDevices(g0, d.devices);
    const size_t cells = initial.size();
    std::vector<double> drifted(cells, 0.0);
    for (size_t i = 0; i < g0.size(); ++i)
      drifted[i / devices] +=
          ratio > 1 && nu[i] > 0
              ? g0[i] * std::pow(ratio, -static_cast<double>(nu[i]))
              : g0[i];
    if (devices > 1)
      for (size_t c = 0; c < cells; ++c) {
        initial[c] /= static_cast<double>(devices);
        drifted[c] /= static_cast<double>(devices);
      }
    // The wires see the cell's whole conductance.
    const double cellSpacing = d.spacing * static_cast<double>(d.devices);
    if (ir) {
      std::vector<float> atT0 = irDropConductances(
          initial, tile.physRows, tile.physCols, d.arrayRows, d.wireResistance,
          cellSpacing, instance.rowActivity);
      instance.cells[ti] = irDropConductances(
          drifted, tile.physRows, tile.physCols, d.arrayRows, d.wireResistance,
          cellSpacing, instance.rowActivity);
      for (float v : atT0)
        sumAtT0 += v;
    } else {
      instance.cells[ti].assign(drifted.begin(), drifted.end());
      for (double v : initial)
        sumAtT0 += v;
    }
    for (float v : instance.cells[ti])
      sumNow += v;
    instance.readCells[ti] = padArrayColumns(instance.cells[ti].data(),
                                             tile.physRows, tile.physCols);
    instance.readSquares[ti] = instance.readCells[ti];
    for (float &g : instance.readSquares[ti])
      g *= g;
  }
  // Global drift compensation: the read of an all-ones input (every row
  // driven, every column summed) at t0 against now.
  instance.driftScale =
      effects.driftCompensation && sumNow > 0 ? sumAtT0 / sumNow : 1.0;
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

void AnalogLayer::startAdcHistograms(Instance &instance) const {
  instance.adcHistogram.assign(data->tiles.size(), {});
  for (auto [ti, tile] : llvm::enumerate(data->tiles))
    instance.adcHistogram[ti].assign(tile.physCols * kAdcHistogramBins, 0u);
}

void AnalogLayer::chooseAdcRanges(Instance &instance,
                                  const AdcRangeMethod &method) const {
  if (instance.adcHistogram.empty())
    return;
  for (auto [ti, tile] : llvm::enumerate(data->tiles))
    for (int64_t c = 0; c < tile.physCols; ++c)
      instance.adcRange[ti][c] = static_cast<float>(chooseAdcRange(
          method,
          llvm::ArrayRef(instance.adcHistogram[ti])
              .slice(c * kAdcHistogramBins, kAdcHistogramBins),
          instance.adcRange[ti][c], tile.adcMaxCode));
  instance.adcHistogram.clear();
  instance.adcHistogram.shrink_to_fit();
}

void AnalogLayer::startColumnFit(Instance &instance) const {
  // Gains from an earlier fit stay in force: they correct what this layer
  // passes on while the fit records its converted currents before them.
  instance.columnFit.assign(data->tiles.size(), {});
  for (auto [ti, tile] : llvm::enumerate(data->tiles))
    instance.columnFit[ti].assign(tile.physCols * kColumnFitSums, 0.0);
}

void AnalogLayer::finishColumnFit(Instance &instance) const {
  instance.columnGain.assign(data->tiles.size(), {});
  instance.columnOffset.assign(data->tiles.size(), {});
  for (auto [ti, tile] : llvm::enumerate(data->tiles))
    for (int64_t c = 0; c < tile.physCols; ++c) {
      auto [gain, offset] = columnCorrectionFit(
          instance.columnFit[ti].data() + c * kColumnFitSums);
      instance.columnGain[ti].push_back(gain);
      instance.columnOffset[ti].push_back(offset);
    }
  instance.columnFit.clear();
  instance.columnFit.shrink_to_fit();
  // The fit took in the drift until now: global drift compensation then
  // makes up for the drift since.
  instance.driftScaleAtFit = instance.driftScale;
}

std::vector<double> AnalogLayer::accumulate(const Instance &instance,
                                            const Tensor &xq,
                                            const EffectSwitches &effects,
                                            uint64_t noiseSeed,
                                            Instance *calibrate) const {
  return accumulate(
      instance, xq.dim(1),
      [&](int64_t begin, int64_t count, bool inLanes) {
        return vectorBlock(xq, begin, count, inLanes);
      },
      effects, noiseSeed, calibrate);
}

std::vector<double>
AnalogLayer::accumulate(const Instance &instance, int64_t vectors,
                        VectorBlocks blockOf, const EffectSwitches &effects,
                        uint64_t noiseSeed, Instance *calibrate) const {
  const Data &d = *data;
  const int64_t groups = d.groups, columns = d.columns;
  std::vector<double> acc(static_cast<size_t>(groups * vectors * columns), 0.0);
  // Calibration maxima per block of vectors, merged afterwards; histogram
  // counts per read.
  std::mutex calibrationLock, histogramLock;
  const bool binning = calibrate && !calibrate->adcHistogram.empty();
  // A fitting pass reads as the chip will (its ranges set) and sums ideal
  // against converted currents instead of calibrating ranges.
  const bool fitting = calibrate && !calibrate->columnFit.empty();
  const bool ranging = calibrate && !fitting;
  const PhysicalReadSetup setup{
      d.tiles, d.tileOf, instance,
      // A cell's devices' read noise is independent: the mean of n equal
      // devices has 1/sqrt(n) of one device's relative sigma.
      /*readSigma=*/effects.readNoise
          ? d.stats.readNoiseSigma / std::sqrt(static_cast<double>(d.devices))
          : 0.0,
      /*background=*/effects.onOff ? d.gMinUnits : 0.0,
      /*levelsPerDigit=*/static_cast<double>(d.levelStride),
      /*useAdc=*/effects.adc && !ranging,
      /*calibrating=*/ranging,
      /*histogramTop=*/binning ? &calibrate->adcRange : nullptr,
      /*histogram=*/binning ? &calibrate->adcHistogram : nullptr,
      /*histogramLock=*/binning ? &histogramLock : nullptr, fitting, noiseSeed,
      vectors,
      /*nodalWire=*/effects.irDrop && effects.irDropModel == IrDropModel::Nodal
          ? d.wireResistance * d.spacing * static_cast<double>(d.devices)
          : 0.0,
      d.arrayRows};

  // Blocks of vectors run in parallel; every draw is per vector, so the
  // results do not depend on the block size.  A block's f64 column sums
  // (cycles x row groups x columns per vector, the largest tile's) should
  // stay in cache between the body ops that read them; at least 16 vectors
  // amortize the ops' per-block work.
  constexpr int64_t kBlockValues = int64_t{1} << 15; // 256 KiB of f64
  const int64_t kBlock =
      std::clamp<int64_t>(kBlockValues / d.sumsPerVector, 16, 128);
  const int64_t blocks = (vectors + kBlock - 1) / kBlock;
  // Fit sums per block, added in block order afterwards (f64 sums in any
  // other order would differ in their last bits between runs).
  std::vector<std::vector<std::vector<double>>> blockFits(fitting ? blocks
                                                                  : 0);
  llvm::parallelFor(0, static_cast<size_t>(blocks), [&](size_t b) {
    const int64_t begin = static_cast<int64_t>(b) * kBlock;
    const int64_t count = std::min(kBlock, vectors - begin);
    // The reads hold a block's vectors in lanes when they fill them
    // (Drives::fastestFor), and then want each input row's vectors
    // contiguous.
    const bool inLanes = Drives::fastestFor(count, 1).vectorsInLanes;
    Tensor block = blockOf(begin, count, inLanes);
    PhysicalArrayReader reader(setup, begin, inLanes);
    llvm::Expected<Tensor> result = d.body->run(block, reader);
    // create() ran the body's checks, which depend on nothing a run
    // changes.
    if (!result)
      llvm::report_fatal_error(llvm::Twine("cim.layer body on the chip: ") +
                               llvm::toString(result.takeError()));
    const double *values = result->data<double>();
    for (int64_t g = 0; g < groups; ++g)
      std::copy_n(values + g * count * columns, count * columns,
                  acc.data() + (g * vectors + begin) * columns);
    if (fitting) {
      blockFits[b] = std::move(reader.columnFit);
      return;
    }
    if (calibrate) {
      std::lock_guard<std::mutex> lock(calibrationLock);
      calibrate->drivenRows += reader.drivenRows;
      calibrate->rowReads += reader.rowReads;
      // A histogram pass keeps the ranges it bins against (the reads added
      // their counts already).
      if (!binning)
        for (size_t ti = 0; ti < reader.columnMax.size(); ++ti)
          for (size_t c = 0; c < reader.columnMax[ti].size(); ++c)
            calibrate->adcRange[ti][c] =
                std::max(calibrate->adcRange[ti][c], reader.columnMax[ti][c]);
    }
  });
  for (const std::vector<std::vector<double>> &block : blockFits)
    for (size_t ti = 0; ti < block.size(); ++ti)
      for (size_t k = 0; k < block[ti].size(); ++k)
        calibrate->columnFit[ti][k] += block[ti][k];
  return acc;
}
