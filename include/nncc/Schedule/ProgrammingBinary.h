//===- ProgrammingBinary.h - programming.bin, written and read --*- C++ -*-===//
//
// programming.bin holds every array's target levels for a programmer or a
// simulator (layout with offsets: docs/programming-schedule.md).  Version 2
// keeps it proportional to the weights, not to the chip: per array only the
// tile's used region, its levels bit-packed at ceil(log2(levels)) bits per
// cell, and no cells at all for a replica (it holds its source's cells).
//
// The magic stays "NNCCPRG1" across versions: it names the kind of file,
// the version field names the layout, so a reader can tell a newer layout
// ("unsupported version") from a foreign file ("bad magic").
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SCHEDULE_PROGRAMMINGBINARY_H
#define NNCC_SCHEDULE_PROGRAMMINGBINARY_H

#include "nncc/Schedule/ProgrammingSchedule.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace nncc {

inline constexpr char kProgrammingBinaryMagic[9] = "NNCCPRG1";
inline constexpr uint32_t kProgrammingBinaryVersion = 2;
/// Header bytes, and bytes of an array record before its cells.
inline constexpr uint64_t kProgrammingBinaryHeaderBytes = 32;
inline constexpr uint64_t kProgrammingBinaryRecordBytes = 16;
/// replica_of of an array that is not a replica.
inline constexpr uint32_t kProgrammingBinaryNoReplica = 0xffffffffu;

/// Writes programming.bin version 2 for `schedule`.
void writeProgrammingBinary(const ProgrammingSchedule &schedule,
                            llvm::raw_ostream &os);

/// One array record read back.
struct ProgrammingBinaryArray {
  int64_t id = 0;
  int64_t replicaOf = -1;                     ///< the source array, or -1
  int64_t physicalRows = 0, physicalCols = 0; ///< the used region
  /// Levels of the used cells, row-major; a replica shares its source's.
  std::shared_ptr<const std::vector<uint16_t>> cells;

  /// Level of cell (row, col) of the whole array: 0 outside the used region.
  uint16_t level(int64_t row, int64_t col) const {
    return row < physicalRows && col < physicalCols
               ? (*cells)[row * physicalCols + col]
               : 0;
  }
};

struct ProgrammingBinary {
  uint32_t version = 0;
  int64_t rows = 0, cols = 0, levels = 0, bitsPerCell = 0;
  std::vector<ProgrammingBinaryArray> arrays; ///< ascending id
};

/// Reads programming.bin version 2.  Fails, naming the offset or array, on a
/// truncated file, a bad magic, another version, or an inconsistent file
/// (bits per cell that do not match the levels, ids out of order, a region
/// larger than the array, a level beyond the levels, nonzero padding bits, a
/// replica of a missing array or of a replica, bytes after the last record).
llvm::Expected<ProgrammingBinary> readProgrammingBinary(llvm::StringRef bytes);

} // namespace nncc

#endif // NNCC_SCHEDULE_PROGRAMMINGBINARY_H
