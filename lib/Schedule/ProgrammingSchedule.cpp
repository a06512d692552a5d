//===- ProgrammingSchedule.cpp - Writing the weights into the arrays ------===//
//
// Model and formats: docs/programming-schedule.md.  Cell digits follow
// nncc/Dialect/CIM/TileLayout.h exactly as the executor's datapath builds
// them (lib/Execution/IdealArrayReader.cpp, Impl::prepareTile).
//
// Determinism: arrays are computed in parallel, each into its own slot; all
// sums run afterwards in ascending array id order, and doubles print as the
// shortest decimal that reads back to the same value.
//
//===----------------------------------------------------------------------===//
#include "nncc/Schedule/ProgrammingSchedule.h"

#include "nncc/Support/JsonNumbers.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/Errors.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <utility>

using namespace mlir;
using namespace nncc;

//===----------------------------------------------------------------------===//
// LayerCellDigits
//===----------------------------------------------------------------------===//

llvm::Expected<LayerCellDigits::Source>
LayerCellDigits::Source::of(cim::LayerOp layer) {
  auto fail = [&](const llvm::Twine &message) {
    return makeError("cim.layer '" + layer.getLayerName() + "': " + message);
  };
  // The verifier guarantees the attributes of the stage.
  if (layer.getStage() < cim::LayerStage::Quantized)
    return fail("not quantized (--nncc-quantize)");
  if (layer.getStage() < cim::LayerStage::Sliced)
    return fail("not bit-sliced (--nncc-bitslice)");
  Source s;
  s.layerName = layer.getLayerName().str();
  s.scheme = *layer.getSignedScheme();
  s.bits = static_cast<int64_t>(*layer.getBitsPerCell());
  s.slices = static_cast<int64_t>(*layer.getWeightSlices());
  if (cim::TargetAttr target = cim::getTarget(layer))
    s.levelStride = cim::levelStride(target.getLevels(), s.bits);
  auto shape = layer.getMatrixShape();
  s.groups = shape.groups;
  s.depth = shape.depth;
  s.columns = shape.columns;
  s.weightInts = layer.getWeightIntsAttr();
  s.zeroPoints = layer.getWeightZeroPointsAttr();
  s.offsets = layer.getWeightOffsetsAttr();
  return s;
}

llvm::Expected<LayerCellDigits> LayerCellDigits::create(cim::LayerOp layer) {
  auto source = Source::of(layer);
  if (!source)
    return source.takeError();
  return create(*source);
}

llvm::Expected<LayerCellDigits>
LayerCellDigits::create(const Source &source) {
  auto fail = [&](const llvm::Twine &message) {
    return makeError("cim.layer '" + source.layerName + "': " + message);
  };
  LayerCellDigits d;
  d.scheme = source.scheme;
  d.bits = source.bits;
  d.slices = source.slices;
  d.stride = source.levelStride;
  if (d.bits < 1 || d.bits > 16 || d.slices < 1 || d.bits * d.slices > 62 ||
      d.stride < 1 || (((int64_t{1} << d.bits) - 1) * d.stride) > 65535)
    return fail("bad bit-slicing attributes");
  d.groups = source.groups;
  d.depth = source.depth;
  d.columns = source.columns;
  const int64_t G = d.groups, K = d.depth, N = d.columns;

  std::optional<SignedIntCodes> codes = SignedIntCodes::read(source.weightInts);
  if (!codes)
    return fail("weight codes exceed 32 bits");
  d.codes = std::move(*codes);
  d.zeroPoints = getIntValues(source.zeroPoints);
  if (d.codes.size() != G * K * N ||
      static_cast<int64_t>(d.zeroPoints.size()) != G * N)
    return fail("weight_ints must be [G, K, N] and weight_zero_points [G*N]");
  if (d.scheme == cim::SignedScheme::OffsetReference) {
    if (!source.offsets)
      return fail("the offset scheme needs weight_offsets");
    d.offsets = getIntValues(source.offsets);
    if (static_cast<int64_t>(d.offsets.size()) != G * N)
      return fail("weight_offsets must have G*N elements");
  }
  // Every stored value must fit the slices; the values themselves are
  // computed again per tile (v = q - z), not kept.
  const int64_t limit = int64_t{1} << (d.bits * d.slices);
  const std::vector<int64_t> &z = d.zeroPoints;
  std::optional<llvm::Error> error =
      d.codes.visit([&](const auto *q) -> std::optional<llvm::Error> {
        for (int64_t g = 0; g < G; ++g)
          for (int64_t k = 0; k < K; ++k)
            for (int64_t n = 0; n < N; ++n) {
              const int64_t i = (g * K + k) * N + n;
              const int64_t v = int64_t{q[i]} - z[g * N + n];
              const int64_t stored =
                  d.scheme == cim::SignedScheme::OffsetReference
                      ? v + d.offsets[g * N + n]
                      : (v < 0 ? -v : v);
              if (stored < 0 || stored >= limit)
                return fail(llvm::formatv(
                    "stored weight {0} (group {1}, row {2}, column {3}) "
                    "does not fit {4} slices of {5} bits",
                    stored, g, k, n, d.slices, d.bits));
              if (v < INT32_MIN || v > INT32_MAX)
                return fail(llvm::formatv("weight value {0} (group {1}, row "
                                          "{2}, column {3}) exceeds 32 bits",
                                          v, g, k, n));
            }
        return std::nullopt;
      });
  if (error)
    return std::move(*error);
  return d;
}

TileRange TileRange::of(cim::MVMOp mvm) {
  TileRange t;
  t.array = mvm.getArray();
  t.group = mvm.getGroup();
  t.rowBegin = mvm.getRowBegin();
  t.rowEnd = mvm.getRowEnd();
  t.colBegin = mvm.getColBegin();
  t.colEnd = mvm.getColEnd();
  t.sliceBegin = mvm.getSliceBegin();
  t.sliceEnd = mvm.getSliceEnd();
  t.referenceColumn = mvm.getReferenceColumn();
  return t;
}

llvm::Expected<std::vector<uint16_t>>
LayerCellDigits::tileLevels(cim::MVMOp mvm) const {
  return tileLevels(TileRange::of(mvm));
}

llvm::Expected<std::vector<uint16_t>>
LayerCellDigits::tileLevels(const TileRange &tile) const {
  const int64_t g = tile.group, rb = tile.rowBegin, re = tile.rowEnd,
                cb = tile.colBegin, ce = tile.colEnd, sb = tile.sliceBegin,
                se = tile.sliceEnd;
  if (g < 0 || g >= groups || rb < 0 || re <= rb || re > depth || cb < 0 ||
      ce <= cb || ce > columns || sb < 0 || se <= sb || se > slices)
    return makeError(llvm::formatv(
        "cim.mvm of array {0}: tile ranges fall outside the weight matrix",
        tile.array));
  if (tile.referenceColumn && scheme != cim::SignedScheme::OffsetReference)
    return makeError(llvm::formatv(
        "cim.mvm of array {0}: only the offset scheme has reference columns",
        tile.array));
  const cim::TileLayout layout{scheme, re - rb, ce - cb, se - sb,
                               tile.referenceColumn};
  const int64_t physCols = layout.physicalColumns();
  std::vector<uint16_t> cells(
      static_cast<size_t>(layout.physicalRows() * physCols), 0);
  auto at = [&](int64_t row, int64_t col) -> uint16_t & {
    return cells[row * physCols + col];
  };
  // Level = digit * stride; the G- row of differential rows holds its digit
  // as a positive level too.
  codes.visit([&](const auto *q) {
    cim::forEachTileDigit(
        layout, sb, bits,
        [&](int64_t k, int64_t n) {
          return static_cast<int32_t>(
              q[(g * depth + rb + k) * columns + cb + n] -
              zeroPoints[g * columns + cb + n]);
        },
        [&](int64_t n) { return offsets[g * columns + cb + n]; },
        [&](int64_t row, int64_t col, int64_t digit, bool) {
          at(row, col) = static_cast<uint16_t>(digit * stride);
        });
  });
  return cells;
}

//===----------------------------------------------------------------------===//
// Write-verify model
//===----------------------------------------------------------------------===//

llvm::Expected<ProgrammingModel>
nncc::makeProgrammingModel(const target::TargetChip &chip) {
  const target::Device &dev = chip.device;
  const target::WriteVerify &wv = dev.programming;
  const target::DeviceStatistics &st = dev.statistics;
  ProgrammingModel m;
  m.scheme = wv.scheme;
  m.levels = dev.levels;
  m.gMin = dev.gMin;
  m.gMax = dev.gMax;
  m.tolerance = wv.tolerance;
  m.maxIterations = wv.maxIterations;
  m.pulseWidth = wv.pulseWidth;
  m.readPulse = dev.readPulse;
  m.energyPerPulse = wv.energyPerPulse;
  m.parallelCells = wv.parallelCells;
  m.devicesPerCell = chip.array.devicesPerCell;
  m.amplitudeStart = wv.amplitudeStart;
  m.amplitudeStep = wv.amplitudeStep;
  m.amplitudeMax = wv.amplitudeMax;
  m.sigmaMode = st.programmingSigmaRelative ? SigmaMode::RelativeToTarget
                                            : SigmaMode::FractionOfRange;
  m.sigmaPerLevel = !st.programmingSigmaPerLevel.empty();
  m.clock = chip.technology.clock;

  // Levels are held as uint16 (cells, programming.bin).
  if (m.levels < 2 || m.levels > 65536)
    return makeError(llvm::formatv("programming: the device has {0} levels, "
                                   "needs 2 to 65536",
                                   m.levels));
  if (!(m.gMax > m.gMin) || !(m.gMin >= 0) || !std::isfinite(m.gMax))
    return makeError("programming: needs 0 <= g_min < g_max");
  if (m.maxIterations < 1 || m.parallelCells < 1)
    return makeError(
        "programming: max_iterations and parallel_cells must be at least 1");
  if (!(m.tolerance >= 0) || !(m.pulseWidth >= 0) || !(m.readPulse >= 0) ||
      !(m.energyPerPulse >= 0))
    return makeError("programming: tolerance, pulse width, read pulse and "
                     "energy per pulse must not be negative");
  if (m.sigmaPerLevel &&
      static_cast<int64_t>(st.programmingSigmaPerLevel.size()) != m.levels)
    return makeError(llvm::formatv(
        "programming: programming_sigma_per_level has {0} entries, the "
        "device has {1} levels",
        st.programmingSigmaPerLevel.size(), m.levels));

  const double range = m.gMax - m.gMin;
  m.levelSpacing = range / static_cast<double>(m.levels - 1);
  const bool verify = m.scheme == target::ProgrammingScheme::WriteVerify;
  m.pulseTime = verify ? m.pulseWidth + m.readPulse : m.pulseWidth;
  m.amplitudeSteps = 1;
  if (m.amplitudeStep > 0 && m.amplitudeMax > m.amplitudeStart)
    m.amplitudeSteps =
        static_cast<int64_t>(std::floor(
            (m.amplitudeMax - m.amplitudeStart) / m.amplitudeStep + 1e-9)) +
        1;

  const double accepted = m.tolerance * m.levelSpacing;
  const double M = static_cast<double>(m.maxIterations);
  for (int64_t d = 0; d < m.levels; ++d) {
    LevelProgramming l;
    l.level = d;
    l.conductance = m.gMin + static_cast<double>(d) * m.levelSpacing;
    const double s =
        m.sigmaPerLevel ? st.programmingSigmaPerLevel[d] : st.programmingSigma;
    if (!(s >= 0) || !std::isfinite(s))
      return makeError(llvm::formatv(
          "programming: the sigma of level {0} must not be negative", d));
    l.sigma = m.sigmaMode == SigmaMode::RelativeToTarget ? s * l.conductance
                                                         : s * range;
    l.acceptProbability =
        l.sigma > 0 ? std::erf(accepted / (l.sigma * std::sqrt(2.0))) : 1.0;
    const double p = l.acceptProbability;
    if (d == 0) {
      // The reset state: nothing to program.
      l.expectedPulses = 0;
      l.failureProbability = 0;
    } else if (!verify) {
      l.expectedPulses = 1;
      l.failureProbability = 1 - p;
    } else if (p >= 1) {
      l.expectedPulses = 1;
      l.failureProbability = 0;
    } else if (p <= 0) {
      l.expectedPulses = M;
      l.failureProbability = 1;
    } else {
      // E = sum_{k=0}^{M-1} (1 - p)^k = (1 - (1 - p)^M) / p, evaluated
      // without cancellation for small p.
      const double logMiss = std::log1p(-p);
      l.expectedPulses = -std::expm1(M * logMiss) / p;
      l.failureProbability = std::exp(M * logMiss);
    }
    m.perLevel.push_back(l);
  }
  return m;
}

//===----------------------------------------------------------------------===//
// The schedule
//===----------------------------------------------------------------------===//

namespace {

struct WorkItem {
  size_t layer; // index into the layers' digits
  TileRange tile;
  std::string layerName;
  std::vector<int64_t> replicas; // `replica_arrays` of the tile
};

/// Adds the number of cells at each level to `counts` (every level below
/// `levels`).  One counter array per lane of four: a single one makes every
/// increment wait for the previous store to the same counter (two levels,
/// random digits), which dominated the schedule's time.
void countLevels(llvm::ArrayRef<uint16_t> cells, int64_t levels,
                 int64_t *counts) {
  const size_t n = cells.size();
  if (levels == 2) {
    uint64_t ones = 0; // a plain sum, vectorized
    for (uint16_t level : cells)
      ones += level;
    counts[1] += static_cast<int64_t>(ones);
    counts[0] += static_cast<int64_t>(n - ones);
    return;
  }
  if (levels > 1024) { // tables larger than the tiles they count
    for (uint16_t level : cells)
      ++counts[level];
    return;
  }
  std::vector<uint32_t> lanes(4 * static_cast<size_t>(levels), 0);
  uint32_t *l0 = lanes.data(), *l1 = l0 + levels, *l2 = l1 + levels,
           *l3 = l2 + levels;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++l0[cells[i]];
    ++l1[cells[i + 1]];
    ++l2[cells[i + 2]];
    ++l3[cells[i + 3]];
  }
  for (; i < n; ++i)
    ++l0[cells[i]];
  for (int64_t d = 0; d < levels; ++d)
    counts[d] += int64_t{l0[d]} + l1[d] + l2[d] + l3[d];
}

/// Fills `a` for `tile`: levels, per-level counts, expected pulses,
/// failures, time and energy.
llvm::Error scheduleArray(const LayerCellDigits &digits, const TileRange &tile,
                          const ProgrammingModel &model, int64_t rows,
                          int64_t cols, ArrayProgramming &a) {
  a.id = tile.array;
  a.group = tile.group;
  a.rowBegin = tile.rowBegin;
  a.rowEnd = tile.rowEnd;
  a.colBegin = tile.colBegin;
  a.colEnd = tile.colEnd;
  a.sliceBegin = tile.sliceBegin;
  a.sliceEnd = tile.sliceEnd;
  a.referenceColumn = tile.referenceColumn;
  auto cells = digits.tileLevels(tile);
  if (!cells)
    return cells.takeError();
  const std::vector<uint16_t> &levelOf = *cells;
  a.physicalRows = tile.physicalRows;
  a.physicalCols = tile.physicalCols;
  if (a.physicalRows * a.physicalCols != static_cast<int64_t>(levelOf.size()))
    return makeError(llvm::formatv("array {0}: inconsistent tile size", a.id));
  if (a.physicalRows > rows || a.physicalCols > cols)
    return makeError(llvm::formatv(
        "array {0}: the tile needs {1}x{2} cells, arrays are {3}x{4}", a.id,
        a.physicalRows, a.physicalCols, rows, cols));
  a.unusedCells = rows * cols - a.physicalRows * a.physicalCols;

  const int64_t levels = model.levels;
  a.cellsPerLevel.assign(static_cast<size_t>(levels), 0);
  // Groups are runs of parallelCells cells of the whole rows x cols array
  // in row-major order; a group costs its largest expected pulse count.
  const int64_t pc = model.parallelCells;
  std::vector<double> expected(static_cast<size_t>(levels));
  for (int64_t d = 0; d < levels; ++d)
    expected[d] = model.perLevel[d].expectedPulses;
  // Locals, not members of `a`: the counts below would otherwise make the
  // compiler reload them for every cell.
  const int64_t physRows = a.physicalRows, physCols = a.physicalCols;
  int64_t *perLevel = a.cellsPerLevel.data();
  const double *expectedOf = expected.data();
  // Every level must exist.  The OR of all levels bounds their maximum and
  // is one vector instruction per 8 cells (std::max_element is a compare
  // and a conditional move per cell); the exact search runs only when the
  // bound is not enough (levels not a power of two) or a level is bad.
  uint16_t anyBits = 0;
  for (uint16_t level : levelOf)
    anyBits |= level;
  if (anyBits >= levels) {
    const uint16_t most = *std::max_element(levelOf.begin(), levelOf.end());
    if (most >= levels) {
      const int64_t i = std::find_if(levelOf.begin(), levelOf.end(),
                                     [&](uint16_t l) { return l >= levels; }) -
                        levelOf.begin();
      return makeError(llvm::formatv(
          "array {0}: cell ({1}, {2}) needs level {3}, the device has {4}",
          a.id, i / physCols, i % physCols, levelOf[i], levels));
    }
  }
  countLevels(levelOf, levels, perLevel);

  // A group's cost is the largest E_d of its cells; E_0 = 0 and E_d >= 1
  // otherwise, so a group with any programmed cell has a positive cost and
  // counts as one parallel group.
  double slots = 0;
  int64_t parallelGroups = 0;
  if (pc == 1) {
    // Every programmed cell is a group of its own: the sum over cells is a
    // sum over levels.
    for (int64_t d = 1; d < levels; ++d) {
      slots += static_cast<double>(perLevel[d]) * expectedOf[d];
      parallelGroups += perLevel[d];
    }
  } else {
    // Both sums are branch-free: random digits make `level == 0`
    // unpredictable.
    int64_t currentGroup = -1;
    double groupMax = 0;
    auto closeGroup = [&] {
      slots += groupMax; // adding 0 leaves the sum unchanged
      parallelGroups += groupMax > 0;
    };
    for (int64_t r = 0; r < physRows && physCols > 0; ++r) {
      const uint16_t *rowLevels = &levelOf[r * physCols];
      // Cells (r, c) of one group are runs of c; the group index advances
      // run by run, without a division per cell.
      int64_t pos = r * cols;
      int64_t group = pos / pc;
      int64_t groupEnd = (group + 1) * pc;
      for (int64_t c = 0; c < physCols;) {
        const int64_t runEnd = std::min(physCols, c + (groupEnd - pos));
        double runMax = 0;
        for (; c < runEnd; ++c)
          runMax = std::max(runMax, expectedOf[rowLevels[c]]);
        if (group != currentGroup) {
          closeGroup();
          currentGroup = group;
          groupMax = runMax;
        } else {
          groupMax = std::max(groupMax, runMax);
        }
        pos = r * cols + c;
        if (pos == groupEnd) {
          ++group;
          groupEnd += pc;
        }
      }
    }
    closeGroup();
  }
  // A cell's devices are written one pass each, every pass grouped alike.
  const double passes = static_cast<double>(model.devicesPerCell);
  a.parallelGroups = parallelGroups * model.devicesPerCell;
  // Every level is below `levels` (checked above), so it fits the bits.
  a.cells = std::make_shared<const PackedLevels>(
      levelOf, programmingBitsPerCell(levels));
  for (int64_t d = 1; d < levels; ++d) {
    const double n = passes * static_cast<double>(a.cellsPerLevel[d]);
    a.programmedCells += a.cellsPerLevel[d];
    a.expectedPulses += n * model.perLevel[d].expectedPulses;
    a.expectedFailingCells += n * model.perLevel[d].failureProbability;
  }
  a.time = passes * slots * model.pulseTime;
  a.energy = a.expectedPulses * model.energyPerPulse;
  return llvm::Error::success();
}

} // namespace

struct ArrayProgrammingJob::Impl {
  ProgrammingSchedule schedule; // target, array size and model only
  std::vector<LayerCellDigits::Source> layers;
  std::vector<WorkItem> items;
};

ArrayProgrammingJob::ArrayProgrammingJob(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
ArrayProgrammingJob::ArrayProgrammingJob(ArrayProgrammingJob &&) = default;
ArrayProgrammingJob &
ArrayProgrammingJob::operator=(ArrayProgrammingJob &&) = default;
ArrayProgrammingJob::~ArrayProgrammingJob() = default;

llvm::Expected<ArrayProgrammingJob>
ArrayProgrammingJob::collect(ModuleOp module, const target::TargetChip &chip) {
  auto model = makeProgrammingModel(chip);
  if (!model)
    return model.takeError();
  auto impl = std::make_unique<Impl>();
  ProgrammingSchedule &s = impl->schedule;
  s.target = chip.name;
  s.rows = chip.array.deviceRows();
  s.cols = chip.array.deviceCols();
  s.arraysPerCore = chip.core.arrays;
  s.chipCores = chip.chip.cores;
  s.model = std::move(*model);
  if (s.rows < 1 || s.cols < 1 || s.arraysPerCore < 1)
    return makeError("programming: arrays need rows, columns and a positive "
                     "number of arrays per core");
  if (cim::TargetAttr attr = cim::getTarget(module))
    if (attr.getRows() != s.rows || attr.getCols() != s.cols ||
        attr.getLevels() != s.model.levels)
      return makeError(llvm::formatv(
          "programming: the module was mapped onto {0}x{1} arrays with {2} "
          "levels ('{3}'), the target '{4}' has {5}x{6} with {7}",
          attr.getRows(), attr.getCols(), attr.getLevels(), attr.getName(),
          s.target, s.rows, s.cols, s.model.levels));

  // Every layer's weight attributes and every tile's ranges: run() needs
  // nothing else from the IR (attributes are immutable; the passes that
  // run meanwhile replace other attributes, never these).
  std::optional<llvm::Error> walkError;
  module.walk([&](cim::LayerOp layer) {
    if (!layer.isPartitioned()) {
      walkError = makeError("cim.layer '" + layer.getLayerName() +
                            "' is not partitioned onto arrays");
      return WalkResult::interrupt();
    }
    auto source = LayerCellDigits::Source::of(layer);
    if (!source) {
      walkError = source.takeError();
      return WalkResult::interrupt();
    }
    impl->layers.push_back(std::move(*source));
    layer.getBody().walk([&](cim::MVMOp mvm) {
      WorkItem item{impl->layers.size() - 1, TileRange::of(mvm),
                    layer.getLayerName().str(),
                    {}};
      item.tile.physicalRows = mvm.getPhysicalRows();
      item.tile.physicalCols = mvm.getPhysicalColumns();
      // Replicas (--nncc-replicate: `replica_arrays` on a tile) hold the
      // same cells in arrays of their own.  Read by name so that tiles
      // without the attribute need nothing from it.
      if (auto replicas =
              mvm->getAttrOfType<DenseI64ArrayAttr>("replica_arrays"))
        item.replicas.assign(replicas.asArrayRef().begin(),
                             replicas.asArrayRef().end());
      impl->items.push_back(std::move(item));
    });
    return WalkResult::advance();
  });
  if (walkError)
    return std::move(*walkError);
  return ArrayProgrammingJob(std::move(impl));
}

llvm::Expected<ProgrammingSchedule> ArrayProgrammingJob::run(bool parallel) {
  ProgrammingSchedule s = impl->schedule;
  auto forEach = [parallel](size_t count,
                            llvm::function_ref<void(size_t)> body) {
    if (parallel)
      llvm::parallelFor(0, count, body);
    else
      for (size_t i = 0; i < count; ++i)
        body(i);
  };
  // Each layer's stored values (one pass over its codes), then the arrays.
  std::vector<std::optional<LayerCellDigits>> layers(impl->layers.size());
  std::vector<std::string> layerErrors(impl->layers.size());
  forEach(layers.size(), [&](size_t i) {
    auto digits = LayerCellDigits::create(impl->layers[i]);
    if (digits)
      layers[i] = std::move(*digits);
    else
      layerErrors[i] = llvm::toString(digits.takeError());
  });
  for (const std::string &error : layerErrors)
    if (!error.empty())
      return makeError(error);
  const std::vector<WorkItem> &items = impl->items;
  std::vector<ArrayProgramming> arrays(items.size());
  std::vector<std::string> errors(items.size());
  forEach(items.size(), [&](size_t i) {
    arrays[i].layer = items[i].layerName;
    if (llvm::Error err = scheduleArray(*layers[items[i].layer],
                                        items[i].tile, s.model, s.rows, s.cols,
                                        arrays[i]))
      errors[i] = llvm::toString(std::move(err));
  });
  for (const std::string &error : errors)
    if (!error.empty())
      return makeError("programming: " + error);

  const size_t primaries = arrays.size();
  for (size_t i = 0; i < primaries; ++i)
    for (int64_t id : items[i].replicas) {
      ArrayProgramming copy = arrays[i];
      copy.id = id;
      copy.replicaOf = arrays[i].id;
      arrays.push_back(std::move(copy));
    }

  std::stable_sort(arrays.begin(), arrays.end(),
                   [](const ArrayProgramming &a, const ArrayProgramming &b) {
                     return a.id < b.id;
                   });
  for (size_t i = 0; i < arrays.size(); ++i) {
    if (arrays[i].id < 0 ||
        arrays[i].id >
            static_cast<int64_t>(std::numeric_limits<uint32_t>::max()))
      return makeError(llvm::formatv("programming: array id {0} out of range",
                                     arrays[i].id));
    if (i > 0 && arrays[i].id == arrays[i - 1].id)
      return makeError(llvm::formatv(
          "programming: array {0} holds two tiles (layers '{1}' and '{2}')",
          arrays[i].id, arrays[i - 1].layer, arrays[i].layer));
  }
  s.arrays = std::move(arrays);
  return s;
}

void nncc::completeProgrammingSchedule(ProgrammingSchedule &s,
                                       const ProgrammingOptions &options) {
  // Cores: arrays of one core one after another, in ascending id order.
  // Program groups: one after another; within a group, cores in parallel.
  std::map<int64_t, CoreProgramming> cores;
  std::map<int64_t, GroupProgramming> groups;
  std::map<std::pair<int64_t, int64_t>, double> groupCoreTime;
  s.cores.clear();
  s.groups.clear();
  s.cellsPerLevel.assign(static_cast<size_t>(s.model.levels), 0);
  s.unusedCells = s.programmedCells = 0;
  s.expectedPulses = s.expectedFailingCells = s.energy = s.time = 0;
  s.criticalCore = -1;
  for (ArrayProgramming &a : s.arrays) {
    auto it = options.coreOfArray.find(a.id);
    a.core =
        it != options.coreOfArray.end() ? it->second : a.id / s.arraysPerCore;
    auto g = options.programGroupOfArray.find(a.id);
    a.programGroup = g != options.programGroupOfArray.end() ? g->second : 0;
    CoreProgramming &c = cores[a.core];
    c.id = a.core;
    ++c.arrays;
    c.programmedCells += a.programmedCells;
    c.expectedPulses += a.expectedPulses;
    c.expectedFailingCells += a.expectedFailingCells;
    c.time += a.time;
    c.energy += a.energy;
    GroupProgramming &group = groups[a.programGroup];
    group.id = a.programGroup;
    ++group.arrays;
    group.energy += a.energy;
    groupCoreTime[{a.programGroup, a.core}] += a.time;
    for (int64_t d = 0; d < s.model.levels; ++d)
      s.cellsPerLevel[d] += a.cellsPerLevel[d];
    s.unusedCells += a.unusedCells;
    s.programmedCells += a.programmedCells;
    s.expectedPulses += a.expectedPulses;
    s.expectedFailingCells += a.expectedFailingCells;
    s.energy += a.energy;
  }
  for (auto &[id, c] : cores)
    s.cores.push_back(c);
  // (group, core) pairs come in ascending order: the first core reaching a
  // group's maximum is its critical core.
  for (const auto &[key, time] : groupCoreTime) {
    GroupProgramming &group = groups[key.first];
    if (group.criticalCore < 0 || time > group.time) {
      group.criticalCore = key.second;
      group.time = time;
    }
  }
  double longestGroup = -1;
  for (auto &[id, group] : groups) {
    s.time += group.time;
    if (group.time > longestGroup) {
      longestGroup = group.time;
      s.criticalCore = group.criticalCore;
    }
    s.groups.push_back(group);
  }
}

llvm::Expected<ProgrammingSchedule>
nncc::buildProgrammingSchedule(ModuleOp module, const target::TargetChip &chip,
                               const ProgrammingOptions &options) {
  auto job = ArrayProgrammingJob::collect(module, chip);
  if (!job)
    return job.takeError();
  auto s = job->run();
  if (!s)
    return s.takeError();
  completeProgrammingSchedule(*s, options);
  return s;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

namespace {

/// A list of integers on one line: "[1, 2, 3]".
void integers(llvm::json::OStream &j, llvm::StringRef key,
              llvm::ArrayRef<int64_t> values) {
  j.attributeBegin(key);
  j.rawValue([&](llvm::raw_ostream &os) {
    os << '[';
    llvm::interleave(values, os, ", ");
    os << ']';
  });
  j.attributeEnd();
}

void range(llvm::json::OStream &j, llvm::StringRef key, int64_t begin,
           int64_t end) {
  integers(j, key, {begin, end});
}

llvm::StringRef schemeName(target::ProgrammingScheme scheme) {
  return scheme == target::ProgrammingScheme::WriteVerify ? "write-verify"
                                                          : "single-pulse";
}

} // namespace

void nncc::writeProgrammingJson(const ProgrammingSchedule &s,
                                llvm::raw_ostream &os) {
  const ProgrammingModel &m = s.model;
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema", "nncc-programming-schedule");
    j.attribute("version", static_cast<int64_t>(kProgrammingJsonVersion));
    j.attribute("target", s.target);
    j.attributeObject("model", [&] {
      j.attribute("scheme", schemeName(m.scheme));
      j.attribute("levels", m.levels);
      jsonNumber(j, "g_min_siemens", m.gMin);
      jsonNumber(j, "g_max_siemens", m.gMax);
      jsonNumber(j, "level_spacing_siemens", m.levelSpacing);
      jsonNumber(j, "tolerance", m.tolerance);
      j.attribute("max_iterations", m.maxIterations);
      jsonNumber(j, "pulse_width_s", m.pulseWidth);
      jsonNumber(j, "read_pulse_s", m.readPulse);
      jsonNumber(j, "pulse_time_s", m.pulseTime);
      jsonNumber(j, "energy_per_pulse_j", m.energyPerPulse);
      j.attribute("parallel_cells", m.parallelCells);
      j.attribute("devices_per_cell", m.devicesPerCell);
      jsonNumber(j, "amplitude_start_v", m.amplitudeStart);
      jsonNumber(j, "amplitude_step_v", m.amplitudeStep);
      jsonNumber(j, "amplitude_max_v", m.amplitudeMax);
      j.attribute("amplitude_steps", m.amplitudeSteps);
      j.attribute("sigma", m.sigmaMode == SigmaMode::RelativeToTarget
                               ? "relative-to-target"
                               : "fraction-of-range");
      j.attribute("sigma_per_level", m.sigmaPerLevel);
      jsonNumber(j, "clock_hz", m.clock);
      j.attribute("array_rows", s.rows);
      j.attribute("array_cols", s.cols);
      j.attribute("arrays_per_core", s.arraysPerCore);
      j.attribute("chip_cores", s.chipCores);
      j.attributeArray("per_level", [&] {
        for (const LevelProgramming &l : m.perLevel)
          j.object([&] {
            j.attribute("level", l.level);
            jsonNumber(j, "conductance_siemens", l.conductance);
            jsonNumber(j, "sigma_siemens", l.sigma);
            jsonNumber(j, "accept_probability", l.acceptProbability);
            jsonNumber(j, "expected_pulses", l.expectedPulses);
            jsonNumber(j, "failure_probability", l.failureProbability);
          });
      });
    });
    j.attributeObject("chip", [&] {
      j.attribute("arrays", static_cast<int64_t>(s.arrays.size()));
      j.attribute("cores_used", static_cast<int64_t>(s.cores.size()));
      int64_t beyond = 0;
      for (const CoreProgramming &c : s.cores)
        beyond += c.id >= s.chipCores ? 1 : 0;
      j.attribute("cores_beyond_chip", beyond);
      integers(j, "cells_per_level", s.cellsPerLevel);
      j.attribute("unused_cells", s.unusedCells);
      j.attribute("programmed_cells", s.programmedCells);
      jsonNumber(j, "expected_pulses", s.expectedPulses);
      jsonNumber(j, "expected_failing_cells", s.expectedFailingCells);
      jsonNumber(j, "expected_time_s", s.time);
      jsonNumber(j, "expected_time_cycles", s.time * m.clock);
      j.attribute("critical_core", s.criticalCore);
      jsonNumber(j, "expected_energy_j", s.energy);
    });
    j.attributeArray("groups", [&] {
      for (const GroupProgramming &g : s.groups)
        j.object([&] {
          j.attribute("group", g.id);
          j.attribute("arrays", g.arrays);
          jsonNumber(j, "expected_time_s", g.time);
          jsonNumber(j, "expected_energy_j", g.energy);
          j.attribute("critical_core", g.criticalCore);
        });
    });
    j.attributeArray("cores", [&] {
      for (const CoreProgramming &c : s.cores)
        j.object([&] {
          j.attribute("core", c.id);
          j.attribute("arrays", c.arrays);
          j.attribute("programmed_cells", c.programmedCells);
          jsonNumber(j, "expected_pulses", c.expectedPulses);
          jsonNumber(j, "expected_failing_cells", c.expectedFailingCells);
          jsonNumber(j, "expected_time_s", c.time);
          jsonNumber(j, "expected_energy_j", c.energy);
        });
    });
    j.attributeArray("arrays", [&] {
      for (const ArrayProgramming &a : s.arrays)
        j.object([&] {
          j.attribute("array", a.id);
          j.attribute("core", a.core);
          j.attribute("layer", a.layer);
          j.attribute("replica_of", a.replicaOf);
          j.attribute("group", a.group);
          j.attribute("program_group", a.programGroup);
          range(j, "weight_rows", a.rowBegin, a.rowEnd);
          range(j, "weight_cols", a.colBegin, a.colEnd);
          range(j, "slices", a.sliceBegin, a.sliceEnd);
          j.attribute("reference_column", a.referenceColumn);
          j.attribute("physical_rows", a.physicalRows);
          j.attribute("physical_cols", a.physicalCols);
          integers(j, "cells_per_level", a.cellsPerLevel);
          j.attribute("unused_cells", a.unusedCells);
          j.attribute("programmed_cells", a.programmedCells);
          j.attribute("parallel_groups", a.parallelGroups);
          jsonNumber(j, "expected_pulses", a.expectedPulses);
          jsonNumber(j, "expected_failing_cells", a.expectedFailingCells);
          jsonNumber(j, "expected_time_s", a.time);
          jsonNumber(j, "expected_energy_j", a.energy);
        });
    });
  });
  os << '\n';
}

ProgrammingOptions nncc::readPlacement(mlir::ModuleOp module) {
  ProgrammingOptions options;
  module.walk([&](cim::MVMOp mvm) {
    if (auto core = mvm.getCore())
      options.coreOfArray[mvm.getArray()] = *core;
    if (auto group = mvm.getProgramGroup())
      options.programGroupOfArray[mvm.getArray()] = *group;
    if (auto copies = mvm.getReplicaArrays())
      if (auto cores = mvm.getReplicaCores())
        for (auto [array, core] : llvm::zip(*copies, *cores))
          options.coreOfArray[array] = core;
  });
  return options;
}
