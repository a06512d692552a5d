//===- ProgrammingBinaryTest.cpp - programming.bin v2 written and read ----===//
//
// Hand-built schedules (no mapping needed: the binary only sees ids,
// replicas, used regions and levels) are written and read back; packed
// bytes are checked by hand, and each malformed input is rejected with its
// own message (layout: docs/programming-schedule.md).
//
//===----------------------------------------------------------------------===//
#include "nncc/Schedule/ProgrammingBinary.h"

#include "gtest/gtest.h"

#include <random>

using namespace nncc;

namespace {

std::string binaryOf(const ProgrammingSchedule &s) {
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  writeProgrammingBinary(s, os);
  return bytes;
}

ProgrammingSchedule emptySchedule(int64_t rows, int64_t cols, int64_t levels) {
  ProgrammingSchedule s;
  s.rows = rows;
  s.cols = cols;
  s.model.levels = levels;
  return s;
}

void addArray(ProgrammingSchedule &s, int64_t id, int64_t rows, int64_t cols,
              std::vector<uint16_t> levels) {
  ArrayProgramming a;
  a.id = id;
  a.physicalRows = rows;
  a.physicalCols = cols;
  a.cells = std::make_shared<const PackedLevels>(
      levels, programmingBitsPerCell(s.model.levels));
  s.arrays.push_back(std::move(a));
}

/// A replica of the array with id `source` (already added).
void addReplica(ProgrammingSchedule &s, int64_t id, int64_t source) {
  for (const ArrayProgramming &a : s.arrays)
    if (a.id == source) {
      ArrayProgramming copy = a;
      copy.id = id;
      copy.replicaOf = source;
      s.arrays.push_back(std::move(copy));
      return;
    }
  FAIL() << "no array " << source;
}

/// The file size by the documented formula.
uint64_t expectedSize(const ProgrammingSchedule &s) {
  const uint64_t bits = programmingBitsPerCell(s.model.levels);
  uint64_t size = 32;
  for (const ArrayProgramming &a : s.arrays)
    size += 16 + (a.replicaOf >= 0
                      ? 0
                      : (a.physicalRows * a.physicalCols * bits + 7) / 8);
  return size;
}

void putU32(std::string &bytes, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    bytes[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string errorOf(llvm::StringRef bytes) {
  llvm::Expected<ProgrammingBinary> file = readProgrammingBinary(bytes);
  if (file)
    return "<no error>";
  return llvm::toString(file.takeError());
}

TEST(ProgrammingBinary, BitsPerCell) {
  EXPECT_EQ(programmingBitsPerCell(2), 1);
  EXPECT_EQ(programmingBitsPerCell(3), 2);
  EXPECT_EQ(programmingBitsPerCell(4), 2);
  EXPECT_EQ(programmingBitsPerCell(5), 3);
  EXPECT_EQ(programmingBitsPerCell(16), 4);
  EXPECT_EQ(programmingBitsPerCell(17), 5);
  EXPECT_EQ(programmingBitsPerCell(256), 8);
  EXPECT_EQ(programmingBitsPerCell(257), 9);
  EXPECT_EQ(programmingBitsPerCell(300), 9);
  EXPECT_EQ(programmingBitsPerCell(65536), 16);
}

// Every byte of a small file, by hand.  4 levels = 2 bits per cell; 2x8
// arrays.  Array 2 uses 1x5 cells 1 2 3 0 1: bits 01 | 10 | 11 | 00 from
// bit 0 up -> byte 0 = 0b00'11'10'01 = 0x39, then 01 and six padding zeros
// -> byte 1 = 0x01.  Array 4 is a replica of array 2: no cells.
TEST(ProgrammingBinary, PackedBytesByHand) {
  ProgrammingSchedule s = emptySchedule(2, 8, 4);
  addArray(s, 2, 1, 5, {1, 2, 3, 0, 1});
  addReplica(s, 4, 2);
  std::string bytes = binaryOf(s);
  const unsigned char expected[] = {
      'N',  'N',  'C',  'C',  'P', 'R', 'G', '1', //
      2,    0,    0,    0,                        // version
      2,    0,    0,    0,                        // arrays
      2,    0,    0,    0,                        // rows
      8,    0,    0,    0,                        // cols
      4,    0,    0,    0,                        // levels
      2,    0,    0,    0,                        // bits per cell
      2,    0,    0,    0,                        // array 2
      0xff, 0xff, 0xff, 0xff,                     //   not a replica
      1,    0,    0,    0,                        //   1 row
      5,    0,    0,    0,                        //   5 columns
      0x39, 0x01,                                 //   cells
      4,    0,    0,    0,                        // array 4
      2,    0,    0,    0,                        //   replica of 2
      1,    0,    0,    0,    5,   0,   0,   0,   //   1x5, no cells
  };
  ASSERT_EQ(bytes.size(), sizeof expected);
  EXPECT_EQ(bytes, std::string(reinterpret_cast<const char *>(expected),
                               sizeof expected));
  EXPECT_EQ(bytes.size(), expectedSize(s));

  llvm::Expected<ProgrammingBinary> file = readProgrammingBinary(bytes);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  EXPECT_EQ(file->version, 2u);
  EXPECT_EQ(file->bitsPerCell, 2);
  ASSERT_EQ(file->arrays.size(), 2u);
  EXPECT_EQ(*file->arrays[0].cells, (std::vector<uint16_t>{1, 2, 3, 0, 1}));
  EXPECT_EQ(file->arrays[1].replicaOf, 2);
  EXPECT_EQ(file->arrays[1].cells, file->arrays[0].cells);
  // Outside the used region the array is at level 0.
  EXPECT_EQ(file->arrays[1].level(0, 2), 3);
  EXPECT_EQ(file->arrays[1].level(0, 5), 0);
  EXPECT_EQ(file->arrays[1].level(1, 0), 0);
}

// 16 levels (4 bits): 0xA, 0x3, 0xF -> 0x3A, 0x0F.  300 levels (9 bits):
// 299 = 0b1'0010'1011, then 1: byte 0 = 0x2B, byte 1 = bit 8 of 299 (1) |
// 1 << 1 = 0x03, byte 2 = 0 (the rest of the second cell and padding).
TEST(ProgrammingBinary, WideLevelsByHand) {
  ProgrammingSchedule s = emptySchedule(1, 4, 16);
  addArray(s, 0, 1, 3, {0xA, 0x3, 0xF});
  std::string bytes = binaryOf(s);
  ASSERT_EQ(bytes.size(), 32u + 16u + 2u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[48]), 0x3A);
  EXPECT_EQ(static_cast<unsigned char>(bytes[49]), 0x0F);

  s = emptySchedule(1, 4, 300);
  addArray(s, 0, 1, 2, {299, 1});
  bytes = binaryOf(s);
  ASSERT_EQ(bytes.size(), 32u + 16u + 3u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[28]), 9);
  EXPECT_EQ(static_cast<unsigned char>(bytes[48]), 0x2B);
  EXPECT_EQ(static_cast<unsigned char>(bytes[49]), 0x03);
  EXPECT_EQ(static_cast<unsigned char>(bytes[50]), 0x00);
  llvm::Expected<ProgrammingBinary> file = readProgrammingBinary(bytes);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  EXPECT_EQ(*file->arrays[0].cells, (std::vector<uint16_t>{299, 1}));
}

// Random layouts: array sizes, used regions, id gaps, replicas (whose
// source may come before or after them) and levels from 0 to levels - 1,
// for 2, 3, 4, 16, 300 (> 256) and 65536 levels.
TEST(ProgrammingBinary, RandomRoundTrip) {
  std::mt19937_64 rng(11);
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const int64_t levelCounts[] = {2, 3, 4, 16, 300, 65536};
  int replicas = 0, replicasBeforeSource = 0;
  for (int trial = 0; trial < 120; ++trial) {
    const int64_t levels = levelCounts[trial % 6];
    ProgrammingSchedule s =
        emptySchedule(uniform(1, 12), uniform(1, 12), levels);
    const int64_t count = uniform(0, 10);
    std::vector<int64_t> ids;
    for (int64_t i = 0, id = uniform(0, 3); i < count; ++i, id += uniform(1, 4))
      ids.push_back(id);
    // Primaries first (replicas copy them), then sort by id.
    std::vector<bool> isReplica(ids.size());
    for (size_t i = 0; i < ids.size(); ++i)
      isReplica[i] = i > 0 && uniform(0, 2) == 0;
    std::vector<int64_t> primaries;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (isReplica[i])
        continue;
      const int64_t rows = uniform(1, s.rows), cols = uniform(1, s.cols);
      std::vector<uint16_t> cells(rows * cols);
      for (uint16_t &c : cells) {
        // Extremes often, so every bit of a level is exercised.
        const int64_t pick = uniform(0, 3);
        c = static_cast<uint16_t>(pick == 0   ? 0
                                  : pick == 1 ? levels - 1
                                              : uniform(0, levels - 1));
      }
      addArray(s, ids[i], rows, cols, std::move(cells));
      primaries.push_back(ids[i]);
    }
    for (size_t i = 0; i < ids.size(); ++i)
      if (isReplica[i]) {
        const int64_t source =
            primaries[uniform(0, static_cast<int64_t>(primaries.size()) - 1)];
        addReplica(s, ids[i], source);
        ++replicas;
        replicasBeforeSource += ids[i] < source;
      }
    std::sort(s.arrays.begin(), s.arrays.end(),
              [](const ArrayProgramming &a, const ArrayProgramming &b) {
                return a.id < b.id;
              });

    const std::string bytes = binaryOf(s);
    EXPECT_EQ(bytes, binaryOf(s)) << "deterministic";
    ASSERT_EQ(bytes.size(), expectedSize(s)) << "trial " << trial;
    llvm::Expected<ProgrammingBinary> file = readProgrammingBinary(bytes);
    ASSERT_TRUE(static_cast<bool>(file))
        << "trial " << trial << ": " << llvm::toString(file.takeError());
    EXPECT_EQ(file->rows, s.rows);
    EXPECT_EQ(file->cols, s.cols);
    EXPECT_EQ(file->levels, levels);
    EXPECT_EQ(file->bitsPerCell, programmingBitsPerCell(levels));
    ASSERT_EQ(file->arrays.size(), s.arrays.size());
    for (size_t i = 0; i < s.arrays.size(); ++i) {
      const ArrayProgramming &want = s.arrays[i];
      const ProgrammingBinaryArray &got = file->arrays[i];
      EXPECT_EQ(got.id, want.id);
      EXPECT_EQ(got.replicaOf, want.replicaOf);
      EXPECT_EQ(got.physicalRows, want.physicalRows);
      EXPECT_EQ(got.physicalCols, want.physicalCols);
      ASSERT_TRUE(got.cells);
      ASSERT_EQ(*got.cells, want.cellLevels()) << "trial " << trial;
      for (int64_t r = 0; r < s.rows; ++r)
        for (int64_t c = 0; c < s.cols; ++c)
          ASSERT_EQ(got.level(r, c),
                    r < want.physicalRows && c < want.physicalCols
                        ? want.cellLevels()[r * want.physicalCols + c]
                        : 0);
    }
  }
  EXPECT_GT(replicas, 30);
  EXPECT_GT(replicasBeforeSource, 5);
}

/// A valid file to break: 4 levels, 2x4 arrays.
///   offset 32: array 0, 2x3 cells (12 bits: 2 bytes)     -> 18 bytes
///   offset 50: array 3, replica of 0                     -> 16 bytes
///   offset 66: array 5, 1x1 cell (2 bits: 1 byte)        -> 17 bytes
///   offset 83: array 7, replica of 0                     -> 16 bytes
///   99 bytes.
std::string validFile() {
  ProgrammingSchedule s = emptySchedule(2, 4, 4);
  addArray(s, 0, 2, 3, {3, 0, 1, 2, 0, 3});
  addReplica(s, 3, 0);
  addArray(s, 5, 1, 1, {2});
  addReplica(s, 7, 0);
  return binaryOf(s);
}

TEST(ProgrammingBinary, MalformedInputs) {
  const std::string valid = validFile();
  ASSERT_EQ(valid.size(), 99u);
  ASSERT_EQ(errorOf(valid), "<no error>");

  EXPECT_EQ(errorOf(""),
            "programming.bin: truncated: 0 bytes, the header needs 32");
  EXPECT_EQ(errorOf(valid.substr(0, 31)),
            "programming.bin: truncated: 31 bytes, the header needs 32");

  std::string bad = valid;
  bad[7] = '2';
  EXPECT_EQ(errorOf(bad), "programming.bin: bad magic: not a programming "
                          "file (expected 'NNCCPRG1')");

  for (uint32_t version : {1u, 3u}) {
    bad = valid;
    putU32(bad, 8, version);
    EXPECT_EQ(errorOf(bad), "programming.bin: unsupported version " +
                                std::to_string(version) +
                                " (this reader reads version 2)");
  }

  bad = valid;
  putU32(bad, 16, 0);
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent header: 0x4 arrays");
  bad = valid;
  putU32(bad, 24, 1);
  EXPECT_EQ(errorOf(bad),
            "programming.bin: inconsistent header: 1 levels (2 to 65536)");
  bad = valid;
  putU32(bad, 28, 3);
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent header: 3 bits per "
                          "cell for 4 levels (needs 2)");

  // Cut inside a record header, inside cell data; more records announced
  // than the file holds; a byte too many.
  EXPECT_EQ(errorOf(valid.substr(0, 60)),
            "programming.bin: truncated: array record 1 of 4 at offset 50 "
            "needs 16 bytes, 10 left");
  EXPECT_EQ(errorOf(valid.substr(0, 49)),
            "programming.bin: truncated: array 0 at offset 48 needs 6 cells "
            "of 2 bits, 1 bytes left");
  bad = valid;
  putU32(bad, 12, 5);
  EXPECT_EQ(errorOf(bad), "programming.bin: truncated: array record 4 of 5 "
                          "at offset 99 needs 16 bytes, 0 left");
  EXPECT_EQ(errorOf(valid + '\0'), "programming.bin: inconsistent: 1 bytes "
                                   "after the last of 4 array records");

  bad = valid;
  putU32(bad, 66, 3); // array 5 -> 3, after array 3
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent: array 3 follows "
                          "array 3 (ids must ascend)");
  bad = valid;
  putU32(bad, 32 + 8, 3); // array 0 uses 3 of 2 rows
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent: array 0 uses 3x3 "
                          "cells of a 2x4 array");

  // Array 0's first cell holds level 3: a level of a 4-level file, beyond
  // a 3-level one (3 levels take 2 bits too, so only the levels change).
  bad = valid;
  putU32(bad, 24, 3);
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent: array 0, cell (0, "
                          "0) holds level 3, the file has 3 levels");
  // Array 0's 12 bits end in the middle of byte 49.
  bad = valid;
  bad[49] = static_cast<char>(bad[49] | 0x40);
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent: array 0 has nonzero "
                          "padding bits after its last cell");

  bad = valid;
  putU32(bad, 50 + 4, 3);
  EXPECT_EQ(errorOf(bad),
            "programming.bin: inconsistent: array 3 is a replica of itself");
  bad = valid;
  putU32(bad, 50 + 4, 4);
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent: array 3 is a "
                          "replica of array 4, which the file does not hold");
  bad = valid;
  putU32(bad, 83 + 4, 3);
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent: array 7 is a "
                          "replica of array 3, itself a replica");
  bad = valid;
  putU32(bad, 50 + 12, 2);
  EXPECT_EQ(errorOf(bad), "programming.bin: inconsistent: array 3 (2x2 "
                          "cells) is a replica of array 0 (2x3)");
}

} // namespace
