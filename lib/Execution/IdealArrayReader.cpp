//===- IdealArrayReader.cpp - The datapath's ideal array reads ------------===//
//
// Column sums of ideal cells: the tile's cell digits [physRows, physCols]
// are built once per run (G- rows of differential_rows negated in a
// one-phase read, the reference column all ones); a read is, per input
// cycle j and row group r, sum over the group's rows of inputDigit_j *
// cellDigit (a four-phase read's part: over the rows its cim::ReadPhase
// drives, of the digits' magnitudes; always on the integer path).  The
// sums of small integers are exact in f32 below 2^24, so where that bound
// holds a read is one SGEMM per row group (digits [cycles * vectors, rows]
// x cells [rows, columns]); elsewhere an int32 loop.
//
//===----------------------------------------------------------------------===//
#include "IdealArrayReader.h"
#include "CIMLayerImpl.h"

#include "nncc/Runtime/Parallel.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/KernelClones.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::grainFor;
using runtime::parallelChunks;
using runtime::Tensor;

namespace {

/// dst[i] = input digit of cycle `shift / dac` for row i of a vector whose
/// values are x[i / rowPolarities] (rowPolarities 1 or 2): (x >> shift) &
/// mask, or, for the last cycle of a signed input (`negate`), minus the
/// two's-complement value of that digit (see inputDigit).  shift < 31.
NNCC_KERNEL void fillDigits(const int32_t *x, int64_t rows,
                            int64_t rowPolarities, int32_t shift, int32_t mask,
                            bool negate, float *dst) {
  const int32_t half = mask >> 1;
  auto digit = [&](int32_t v) {
    int32_t t = (v >> shift) & mask;
    return negate ? (t > half ? mask + 1 - t : -t) : t;
  };
  if (rowPolarities == 1) {
    for (int64_t i = 0; i < rows; ++i)
      dst[i] = static_cast<float>(digit(x[i]));
  } else {
    for (int64_t i = 0; i < rows; ++i)
      dst[i] = static_cast<float>(digit(x[i >> 1]));
  }
}

NNCC_KERNEL void floatsToInts(const float *src, int32_t *dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = static_cast<int32_t>(src[i]);
}

NNCC_KERNEL void clampCodes(const int32_t *src, int32_t *dst, int64_t n,
                            int32_t lo, int32_t hi) {
  for (int64_t i = 0; i < n; ++i)
    dst[i] = std::min(std::max(src[i], lo), hi);
}

/// Rounds in / step half away from zero (exact integer arithmetic).
inline int64_t roundDiv(int64_t in, int64_t step) {
  if (step == 1)
    return in;
  int64_t mag = (2 * (in < 0 ? -in : in) + step) / (2 * step);
  return in < 0 ? -mag : mag;
}

/// Column sums of one input vector: for every cycle j, row group r and
/// phase q, out[(j * rowGroups * phases + r * phases + q) * outStride + c]
/// += sum over the group's physical rows of the phase's drive of
/// digit[j][k(row)] (the digit itself in a one-phase read) * cells[row][c].
void mvmVector(const int32_t *digits, int64_t weightRows, int64_t cycles,
               const int32_t *cells, int64_t physRows, int64_t physCols,
               int64_t rowPolarities, int64_t rowsInParallel, int64_t rowGroups,
               int64_t phases, int32_t *out, int64_t outStride) {
  for (int64_t j = 0; j < cycles; ++j) {
    const int32_t *dj = digits + j * weightRows;
    for (int64_t part = 0; part < rowGroups * phases; ++part) {
      const int64_t r = part / phases;
      const cim::ReadPhase phase = cim::ReadPhase::of(part, phases);
      int32_t *o = out + (j * rowGroups * phases + part) * outStride;
      const int64_t rowEnd = std::min(physRows, (r + 1) * rowsInParallel);
      for (int64_t row = r * rowsInParallel; row < rowEnd; ++row) {
        const int32_t d =
            phases == 1 ? dj[row / rowPolarities]
                        : static_cast<int32_t>(phase.drive(
                              row % rowPolarities, dj[row / rowPolarities]));
        if (d == 0)
          continue;
        const int32_t *cellRow = cells + row * physCols;
        if (d == 1) {
          for (int64_t c = 0; c < physCols; ++c)
            o[c] += cellRow[c];
        } else {
          for (int64_t c = 0; c < physCols; ++c)
            o[c] += d * cellRow[c];
        }
      }
    }
  }
}

} // namespace

llvm::Error CIMLayerRunner::Impl::prepareTile(cim::MVMOp mvm,
                                              int64_t blockVectors,
                                              IdealTile &tile) const {
  const int64_t g = mvm.getGroup(), rb = mvm.getRowBegin(),
                re = mvm.getRowEnd(), cb = mvm.getColBegin(),
                ce = mvm.getColEnd(), sb = mvm.getSliceBegin(),
                se = mvm.getSliceEnd(), R = mvm.getRowsInParallel();
  if (g < 0 || g >= groups || rb < 0 || re <= rb || re > depth || cb < 0 ||
      ce <= cb || ce > columns || sb < 0 || se <= sb || se > weightSlices ||
      R < 1)
    return makeError("cim.mvm tile ranges fall outside the weight matrix");
  cim::TileLayout layout{scheme, re - rb, ce - cb, se - sb,
                         mvm.getReferenceColumn()};
  // Offset-scheme tiles carry the reference column, except those that hold
  // only higher slices of a slice-split column (docs/cim-dialect.md).
  if (layout.referenceColumn && scheme != cim::SignedScheme::OffsetReference)
    return makeError("only the offset scheme's tiles have a reference column");
  tile.layout = layout;
  tile.group = g;
  tile.rowBegin = rb;
  tile.rowsInParallel = R;
  tile.physRows = layout.physicalRows();
  tile.physCols = layout.physicalColumns();
  tile.rowGroups = cim::rowGroups(tile.physRows, R);
  tile.phases = static_cast<int64_t>(mvm.getReadPhases());
  tile.depth = depth;
  tile.cycles = inputCycles;
  tile.dacBits = dacBits;
  tile.inputSigned = inputSigned;
  const int64_t cycles = inputCycles;
  if (mvm.getColumnSums().getType().getShape() !=
      ArrayRef<int64_t>{cycles, tile.rowGroups * tile.phases, vectors,
                        tile.physCols})
    return makeError("cim.mvm result must be [cycles, row groups x phases, P, "
                     "columns]");

  // Digits in the cells.
  const int64_t physCols = tile.physCols;
  std::vector<int32_t> &cells = tile.cells;
  cells.assign(static_cast<size_t>(tile.physRows * physCols), 0);
  auto at = [&](int64_t row, int64_t col) -> int32_t & {
    return cells[row * physCols + col];
  };
  cim::forEachTileDigit(
      layout, sb, bitsPerCell,
      [&](int64_t k, int64_t n) {
        return centeredWeights[(g * depth + rb + k) * columns + cb + n];
      },
      [&](int64_t n) { return weightOffsets[g * columns + cb + n]; },
      [&](int64_t row, int64_t col, int64_t digit, bool negativeRow) {
        // The G- row is driven with the opposite polarity, or read in its
        // own phases.
        at(row, col) = static_cast<int32_t>(
            negativeRow && tile.phases == 1 ? -digit : digit);
      });

  // The GEMM path pays off for enough vectors x cycles and is exact while
  // |column sums| < 2^24.
  const int64_t maxDigit = int64_t{1} << dacBits;
  const int64_t maxCell = int64_t{1} << bitsPerCell;
  const int64_t rowsAtOnce = std::min(R, tile.physRows);
  tile.gemm = options.useFloatGemm && tile.phases == 1 &&
              blockVectors * cycles >= 16 &&
              rowsAtOnce * maxDigit * maxCell < kExactF32;
  if (tile.gemm) {
    for (int64_t r = 0; r < tile.rowGroups; ++r) {
      const int64_t row0 = r * R,
                    rows = std::min(tile.physRows, row0 + R) - row0;
      Tensor group(DType::F32, {rows, physCols});
      std::copy_n(cells.data() + row0 * physCols, rows * physCols,
                  group.data<float>());
      tile.groupCells.push_back(std::move(group));
    }
    cells.clear();
    cells.shrink_to_fit();
  }
  return llvm::Error::success();
}

Tensor nncc::readIdealTile(const IdealTile &tile, const Tensor &xq) {
  const int64_t vectors = xq.dim(1), depth = tile.depth;
  const int64_t cycles = tile.cycles, rows = tile.layout.weightRows;
  const int64_t physCols = tile.physCols, rowGroups = tile.rowGroups;
  const int64_t R = tile.rowsInParallel;
  const int64_t rowPolarities = tile.layout.rowPolarities();
  const int64_t dac = tile.dacBits;
  const bool isSigned = tile.inputSigned;
  Tensor result(DType::I32,
                {cycles, rowGroups * tile.phases, vectors, physCols});
  int32_t *out = result.data<int32_t>();
  const int32_t *x =
      xq.data<int32_t>() + tile.group * vectors * depth + tile.rowBegin;

  if (!tile.gemm) {
    parallelChunks(
        vectors, grainFor(cycles * tile.physRows * physCols),
        [&](int64_t begin, int64_t end) {
          std::vector<int32_t> digits(static_cast<size_t>(cycles * rows));
          for (int64_t p = begin; p < end; ++p) {
            const int32_t *xp = x + p * depth;
            for (int64_t j = 0; j < cycles; ++j)
              for (int64_t k = 0; k < rows; ++k)
                digits[j * rows + k] = static_cast<int32_t>(
                    inputDigit(xp[k], j, cycles, dac, isSigned));
            mvmVector(digits.data(), rows, cycles, tile.cells.data(),
                      tile.physRows, physCols, rowPolarities, R, rowGroups,
                      tile.phases, out + p * physCols, vectors * physCols);
          }
        });
    return result;
  }

  // Per row group r: digits [cycles * vectors, rows of r] x cells [rows of
  // r, columns] = sums [cycles * vectors, columns], i.e. out[:, r].
  for (int64_t r = 0; r < rowGroups; ++r) {
    const Tensor &cells = tile.groupCells[r];
    const int64_t row0 = r * R, groupRows = cells.dim(0);
    Tensor a(DType::F32, {cycles * vectors, groupRows});
    float *ap = a.data<float>();
    // Physical rows [row0, row0 + groupRows) start at an even row with
    // differential rows (R even) or read weight row row0 / 2 + i / 2.
    const bool aligned = rowPolarities == 1 || row0 % 2 == 0;
    for (int64_t p = 0; p < vectors; ++p)
      for (int64_t j = 0; j < cycles; ++j) {
        float *dst = ap + (j * vectors + p) * groupRows;
        const int64_t shift = j * dac;
        if (aligned && shift < 31) {
          fillDigits(x + p * depth + row0 / rowPolarities, groupRows,
                     rowPolarities, static_cast<int32_t>(shift),
                     static_cast<int32_t>((int64_t{1} << dac) - 1),
                     isSigned && j == cycles - 1, dst);
          continue;
        }
        for (int64_t i = 0; i < groupRows; ++i)
          dst[i] = static_cast<float>(
              inputDigit(x[p * depth + (row0 + i) / rowPolarities], j, cycles,
                         dac, isSigned));
      }
    const int64_t m = cycles * vectors;
    if (physCols >= 64 || physCols >= m) {
      Tensor c(DType::F32, {m, physCols});
      runtime::gemm(a, cells, nullptr, 1.0f, 0.0f, false, false, c);
      const float *cp = c.data<float>();
      for (int64_t j = 0; j < cycles; ++j)
        floatsToInts(cp + j * vectors * physCols,
                     out + (j * rowGroups + r) * vectors * physCols,
                     vectors * physCols);
    } else {
      // Narrow tiles: sums^T = cells^T x digits^T keeps the SGEMM's vector
      // dimension long.
      Tensor c(DType::F32, {physCols, m});
      runtime::gemm(cells, a, nullptr, 1.0f, 0.0f, true, true, c);
      const float *cp = c.data<float>();
      for (int64_t j = 0; j < cycles; ++j)
        for (int64_t p = 0; p < vectors; ++p) {
          int32_t *dst = out + ((j * rowGroups + r) * vectors + p) * physCols;
          for (int64_t col = 0; col < physCols; ++col)
            dst[col] = static_cast<int32_t>(cp[col * m + j * vectors + p]);
        }
    }
  }
  return result;
}

llvm::Error IdealArrayReader::read(cim::MVMOp mvm, const Tensor &inputs,
                                   Tensor &columnSums) {
  auto it = ready.find(mvm);
  if (it != ready.end()) {
    columnSums = std::move(it->second);
    ready.erase(it);
    return llvm::Error::success();
  }
  const IdealTile *tile = tiles.lookup(mvm);
  if (!tile)
    return makeError("cim.mvm without a prepared tile");
  columnSums = readIdealTile(*tile, inputs);
  return llvm::Error::success();
}

llvm::Error IdealArrayReader::convert(cim::ADCOp adc, const Tensor &sums,
                                      bool reusable, Tensor &codes) {
  if (sums.dtype() != DType::I32)
    return makeError("cim.adc expects i32 column sums");
  // In place when nothing reads the column sums afterwards.
  codes = reusable ? sums : Tensor(DType::I32, sums.shape());
  const int64_t step = adc.getStep();
  const int64_t lo = adc.getMinCode(), hi = adc.getMaxCode();
  const int32_t *src = sums.data<int32_t>();
  int32_t *dst = codes.data<int32_t>();
  const int64_t n = sums.numElements();
  constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
  constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();
  if (step == 1 && lo >= kI32Min && hi <= kI32Max) {
    const int32_t lo32 = static_cast<int32_t>(lo),
                  hi32 = static_cast<int32_t>(hi);
    parallelChunks(n, int64_t{1} << 16, [&](int64_t begin, int64_t end) {
      clampCodes(src + begin, dst + begin, end - begin, lo32, hi32);
    });
    return llvm::Error::success();
  }
  parallelChunks(n, int64_t{1} << 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      int64_t code = std::clamp(roundDiv(src[i], step), lo, hi) * step;
      dst[i] = static_cast<int32_t>(std::clamp(code, kI32Min, kI32Max));
    }
  });
  return llvm::Error::success();
}
