//===- TileLayout.h - Where each weight digit sits in an array --*- C++ -*-===//
//
// The physical layout of one cim.mvm tile, shared by the partitioner, the
// executor, the programming schedule and the simulators so that they agree
// on every cell:
//   - weight row k (relative to row_begin) is physical row k, or rows 2k
//     (G+) and 2k + 1 (G-) with differential rows;
//   - weight column n, slice s and column polarity p (relative to the
//     tile's col_begin / slice_begin) is physical column (n * S + s) * P + p,
//     with P = 2 for differential columns and 1 otherwise;
//   - with the offset scheme the last used column is the reference column,
//     every cell of which holds digit 1 (it reads the input sum).
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
    return (n * slices + s) * columnPolarities() + p;
  }
  int64_t referenceColumnIndex() const {
    return weightCols * slices * columnPolarities();
  }
  int64_t row(int64_t k, int64_t p) const {
    return k * rowPolarities() + p;
  }
};

/// Digit of `value` (non-negative) in slice `s` of `bitsPerCell` bits.
inline int64_t sliceDigit(int64_t value, int64_t s, int64_t bitsPerCell) {
  return (value >> (s * bitsPerCell)) & ((int64_t{1} << bitsPerCell) - 1);
}

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_TILELAYOUT_H
