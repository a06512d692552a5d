//===- TileLayout.h - Where each weight digit sits in an array --*- C++ -*-===//
//
// The physical layout of one cim.mvm tile, shared by the partitioner, the
// executor, the programming schedule and the simulators so that they agree
// on every cell:
//   - weight row k (relative to row_begin) is physical row k, or rows 2k
//     (G+) and 2k + 1 (G-) with differential rows;
//   - with the offset scheme physical column 0 is the reference column,
//     every cell of which holds digit 1 (it reads the input sum): the
//     column nearest the word-line drivers, so that the IR drop it suffers,
//     which the offset subtraction multiplies by up to 2^(bits-1), is the
//     smallest of the tile's;
//   - weight column n, slice s and column polarity p (relative to the
//     tile's col_begin / slice_begin) is physical column
//     R + (n * S + s) * P + p, with P = 2 for differential columns and 1
//     otherwise and R = 1 with a reference column, else 0.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_TILELAYOUT_H
#define NNCC_DIALECT_CIM_TILELAYOUT_H

#include "nncc/Dialect/CIM/CIMDialect.h"

#include <cstdint>

namespace nncc::cim {

struct TileLayout {
  SignedScheme scheme = SignedScheme::DifferentialColumns;
  int64_t weightRows = 0, weightCols = 0, slices = 0;
  bool referenceColumn = false;

  int64_t columnPolarities() const {
    return scheme == SignedScheme::DifferentialColumns ? 2 : 1;
  }
  int64_t rowPolarities() const {
    return scheme == SignedScheme::DifferentialRows ? 2 : 1;
  }
  int64_t physicalRows() const { return weightRows * rowPolarities(); }
  int64_t physicalColumns() const {
    return weightCols * slices * columnPolarities() + (referenceColumn ? 1 : 0);
  }
  int64_t column(int64_t n, int64_t s, int64_t p) const {
    return (referenceColumn ? 1 : 0) + (n * slices + s) * columnPolarities() +
           p;
  }
  int64_t referenceColumnIndex() const { return 0; }
  int64_t row(int64_t k, int64_t p) const {
    return k * rowPolarities() + p;
  }
};

/// Row groups of a tile: the reads of one input cycle and phase, each of
/// at most `rowsInParallel` of its `physicalRows` rows (the last group may
/// be partial).
inline int64_t rowGroups(int64_t physicalRows, int64_t rowsInParallel) {
  return (physicalRows + rowsInParallel - 1) / rowsInParallel;
}

/// A four-phase read (cim.mvm read_phases = 4) reads each row group four
/// times with one voltage polarity: phase q drives the rows of weight
/// polarity q & 1 (0: G+, 1: G-) whose input digit has sign q >> 1 (0:
/// positive, 1: negative) with the digit's magnitude, and its sum joins
/// the result with the sign of input x weight.  A one-phase read has the
/// single phase of sign +1 that drives every row, a G- row with the
/// opposite polarity.  Result part r * phases + q is row group r's phase q.
struct ReadPhase {
  bool onePhase;       ///< the one phase of a one-phase read
  int64_t rowPolarity; ///< four phases: the physical rows it drives (0 G+)
  bool negativeInputs; ///< four phases: the input digits it takes
  int64_t sign;        ///< +1 or -1: the sign its sum joins the result with

  static ReadPhase of(int64_t part, int64_t phases) {
    if (phases == 1)
      return {true, 0, false, 1};
    const int64_t q = part % phases;
    const bool negativeInputs = (q >> 1) != 0;
    return {false, q & 1, negativeInputs,
            ((q & 1) != 0) != negativeInputs ? -1 : 1};
  }
  /// What this phase drives a physical row of weight polarity `polarity`
  /// (0 G+, 1 G-) with when its input digit is `digit`: in one phase the
  /// digit, negated on a G- row; in four the digit's magnitude on the rows
  /// of the phase's polarity and input sign, 0 elsewhere.
  int64_t drive(int64_t polarity, int64_t digit) const {
    if (onePhase)
      return polarity != 0 ? -digit : digit;
    if (polarity != rowPolarity || digit == 0 || (digit < 0) != negativeInputs)
      return 0;
    return digit < 0 ? -digit : digit;
  }
};

/// The device level a cell holding digit d is programmed to is
/// d * levelStride: a layer that stores fewer bits per cell than the device
/// holds (bits_per_cell below the target's) spreads its 2^bits digits over
/// the device's whole conductance range, so that programming error,
/// variation and read noise (fractions of that range) are smaller against
/// one digit step.  The stride is floor((levels - 1) / (2^bits - 1)), 1
/// when the layer uses every level; the digital periphery divides the
/// column currents by it again (the simulator) and the programming schedule
/// writes the levels.
inline int64_t levelStride(int64_t deviceLevels, int64_t bitsPerCell) {
  const int64_t topDigit = (int64_t{1} << bitsPerCell) - 1;
  return topDigit > 0 && deviceLevels - 1 >= topDigit
             ? (deviceLevels - 1) / topDigit
             : 1;
}

/// Digit of `value` (non-negative) in slice `s` of `bitsPerCell` bits.
inline int64_t sliceDigit(int64_t value, int64_t s, int64_t bitsPerCell) {
  return (value >> (s * bitsPerCell)) & ((int64_t{1} << bitsPerCell) - 1);
}

/// Visits every cell of a tile that holds a digit: calls
/// `store(row, col, digit, negativeRow)` with physical coordinates and the
/// non-negative digit.  `storedValue(k, n)` is v = q - z of tile-relative
/// weight row k and column n, `offset(n)` the offset scheme's offset of
/// column n.  `negativeRow` marks the G- row of differential rows, which the
/// hardware drives with the opposite polarity.  The reference column's cells
/// hold digit 1.  The one definition of which digit sits where, shared by
/// the executor and the programming schedule.
template <typename ValueFn, typename OffsetFn, typename StoreFn>
void forEachTileDigit(const TileLayout &layout, int64_t sliceBegin,
                      int64_t bitsPerCell, ValueFn storedValue,
                      OffsetFn offset, StoreFn store) {
  for (int64_t k = 0; k < layout.weightRows; ++k)
    for (int64_t n = 0; n < layout.weightCols; ++n) {
      const int64_t value = storedValue(k, n);
      const int64_t pos = value > 0 ? value : 0;
      const int64_t neg = value < 0 ? -value : 0;
      for (int64_t s = 0; s < layout.slices; ++s) {
        auto digit = [&](int64_t stored) {
          return sliceDigit(stored, sliceBegin + s, bitsPerCell);
        };
        switch (layout.scheme) {
        case SignedScheme::DifferentialColumns:
          store(layout.row(k, 0), layout.column(n, s, 0), digit(pos), false);
          store(layout.row(k, 0), layout.column(n, s, 1), digit(neg), false);
          break;
        case SignedScheme::DifferentialRows:
          store(layout.row(k, 0), layout.column(n, s, 0), digit(pos), false);
          store(layout.row(k, 1), layout.column(n, s, 0), digit(neg), true);
          break;
        case SignedScheme::OffsetReference:
          store(layout.row(k, 0), layout.column(n, s, 0),
                digit(value + offset(n)), false);
          break;
        }
      }
    }
  if (layout.referenceColumn)
    for (int64_t row = 0; row < layout.physicalRows(); ++row)
      store(row, layout.referenceColumnIndex(), int64_t{1}, false);
}

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_TILELAYOUT_H
