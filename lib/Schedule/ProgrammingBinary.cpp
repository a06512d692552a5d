//===- ProgrammingBinary.cpp - programming.bin, written and read ----------===//
//
// Layout: docs/programming-schedule.md.  All integers are little-endian;
// cell levels are packed LSB-first: level i of a record occupies bits
// [i * B, (i + 1) * B) of its cell data, bit j being bit j % 8 of byte j / 8.
//
//===----------------------------------------------------------------------===//
#include "nncc/Schedule/ProgrammingBinary.h"

#include "nncc/Support/Errors.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cassert>
#include <map>

using namespace nncc;

//===----------------------------------------------------------------------===//
// Writer
//===----------------------------------------------------------------------===//

void nncc::writeProgrammingBinary(const ProgrammingSchedule &s,
                                  llvm::raw_ostream &os) {
  using llvm::support::endian::write;
  constexpr auto le = llvm::endianness::little;
  const int64_t bits = programmingBitsPerCell(s.model.levels);
  os.write(kProgrammingBinaryMagic, 8);
  write<uint32_t>(os, kProgrammingBinaryVersion, le);
  write<uint32_t>(os, static_cast<uint32_t>(s.arrays.size()), le);
  write<uint32_t>(os, static_cast<uint32_t>(s.rows), le);
  write<uint32_t>(os, static_cast<uint32_t>(s.cols), le);
  write<uint32_t>(os, static_cast<uint32_t>(s.model.levels), le);
  write<uint32_t>(os, static_cast<uint32_t>(bits), le);
  for (const ArrayProgramming &a : s.arrays) {
    const bool replica = a.replicaOf >= 0;
    write<uint32_t>(os, static_cast<uint32_t>(a.id), le);
    write<uint32_t>(os,
                    replica ? static_cast<uint32_t>(a.replicaOf)
                            : kProgrammingBinaryNoReplica,
                    le);
    write<uint32_t>(os, static_cast<uint32_t>(a.physicalRows), le);
    write<uint32_t>(os, static_cast<uint32_t>(a.physicalCols), le);
    if (replica)
      continue;
    // The schedule holds the levels in this file's packing.
    assert(a.cells->bitsPerCell() == bits &&
           a.cells->size() == a.physicalRows * a.physicalCols);
    llvm::ArrayRef<uint8_t> packed = a.cells->bytes();
    os.write(reinterpret_cast<const char *>(packed.data()), packed.size());
  }
}

//===----------------------------------------------------------------------===//
// Reader
//===----------------------------------------------------------------------===//

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return makeError("programming.bin: " + message);
}

uint32_t readU32(llvm::StringRef bytes, uint64_t at) {
  return llvm::support::endian::read32le(bytes.data() + at);
}

} // namespace

llvm::Expected<ProgrammingBinary>
nncc::readProgrammingBinary(llvm::StringRef bytes) {
  const uint64_t size = bytes.size();
  if (size < kProgrammingBinaryHeaderBytes)
    return fail(llvm::formatv("truncated: {0} bytes, the header needs {1}",
                              size, kProgrammingBinaryHeaderBytes));
  if (bytes.substr(0, 8) != llvm::StringRef(kProgrammingBinaryMagic, 8))
    return fail(llvm::formatv("bad magic: not a programming file (expected "
                              "'{0}')",
                              kProgrammingBinaryMagic));
  ProgrammingBinary file;
  file.version = readU32(bytes, 8);
  if (file.version != kProgrammingBinaryVersion)
    return fail(llvm::formatv("unsupported version {0} (this reader reads "
                              "version {1})",
                              file.version, kProgrammingBinaryVersion));
  const uint32_t count = readU32(bytes, 12);
  file.rows = readU32(bytes, 16);
  file.cols = readU32(bytes, 20);
  file.levels = readU32(bytes, 24);
  file.bitsPerCell = readU32(bytes, 28);
  if (file.rows < 1 || file.cols < 1)
    return fail(llvm::formatv("inconsistent header: {0}x{1} arrays", file.rows,
                              file.cols));
  // Levels are held as uint16.
  if (file.levels < 2 || file.levels > 65536)
    return fail(llvm::formatv("inconsistent header: {0} levels (2 to 65536)",
                              file.levels));
  const int64_t bits = programmingBitsPerCell(file.levels);
  if (file.bitsPerCell != bits)
    return fail(llvm::formatv("inconsistent header: {0} bits per cell for {1} "
                              "levels (needs {2})",
                              file.bitsPerCell, file.levels, bits));

  // A record is at least 16 bytes: never reserve more than the file holds.
  file.arrays.reserve(
      std::min<uint64_t>(count, (size - kProgrammingBinaryHeaderBytes) /
                                    kProgrammingBinaryRecordBytes));
  uint64_t at = kProgrammingBinaryHeaderBytes;
  for (uint32_t i = 0; i < count; ++i) {
    if (size - at < kProgrammingBinaryRecordBytes)
      return fail(llvm::formatv("truncated: array record {0} of {1} at "
                                "offset {2} needs {3} bytes, {4} left",
                                i, count, at, kProgrammingBinaryRecordBytes,
                                size - at));
    ProgrammingBinaryArray a;
    a.id = readU32(bytes, at);
    const uint32_t replicaOf = readU32(bytes, at + 4);
    a.replicaOf = replicaOf == kProgrammingBinaryNoReplica
                      ? int64_t{-1}
                      : static_cast<int64_t>(replicaOf);
    a.physicalRows = readU32(bytes, at + 8);
    a.physicalCols = readU32(bytes, at + 12);
    at += kProgrammingBinaryRecordBytes;
    if (!file.arrays.empty() && a.id <= file.arrays.back().id)
      return fail(llvm::formatv("inconsistent: array {0} follows array {1} "
                                "(ids must ascend)",
                                a.id, file.arrays.back().id));
    if (a.physicalRows > file.rows || a.physicalCols > file.cols)
      return fail(llvm::formatv("inconsistent: array {0} uses {1}x{2} cells "
                                "of a {3}x{4} array",
                                a.id, a.physicalRows, a.physicalCols, file.rows,
                                file.cols));
    if (a.replicaOf == a.id)
      return fail(llvm::formatv("inconsistent: array {0} is a replica of "
                                "itself",
                                a.id));
    if (a.replicaOf < 0) {
      // Both factors are below 2^32, so `cells` does not overflow; the
      // check against the bytes left comes before any allocation.
      const uint64_t cells = static_cast<uint64_t>(a.physicalRows) *
                             static_cast<uint64_t>(a.physicalCols);
      const uint64_t left = size - at;
      if (cells > left * 8 / static_cast<uint64_t>(bits))
        return fail(llvm::formatv("truncated: array {0} at offset {1} needs "
                                  "{2} cells of {3} bits, {4} bytes left",
                                  a.id, at, cells, bits, left));
      // Now cells * bits <= 8 * left: no overflow below.
      const uint64_t dataBytes = (cells * bits + 7) / 8;
      const auto *data = reinterpret_cast<const uint8_t *>(bytes.data() + at);
      auto levels = std::make_shared<std::vector<uint16_t>>(cells);
      for (uint64_t c = 0; c < cells; ++c) {
        const uint32_t value = PackedLevels::read(data, dataBytes, bits, c);
        if (value >= static_cast<uint64_t>(file.levels))
          return fail(llvm::formatv("inconsistent: array {0}, cell ({1}, {2}) "
                                    "holds level {3}, the file has {4} levels",
                                    a.id, c / a.physicalCols,
                                    c % a.physicalCols, value, file.levels));
        (*levels)[c] = static_cast<uint16_t>(value);
      }
      const uint64_t usedBits = cells * bits;
      if (usedBits % 8 != 0 && (data[dataBytes - 1] >> (usedBits % 8)) != 0)
        return fail(llvm::formatv("inconsistent: array {0} has nonzero "
                                  "padding bits after its last cell",
                                  a.id));
      a.cells = std::move(levels);
      at += dataBytes;
    }
    file.arrays.push_back(std::move(a));
  }
  if (at != size)
    return fail(llvm::formatv("inconsistent: {0} bytes after the last of {1} "
                              "array records",
                              size - at, count));

  // Replicas share their source's cells (sources may come later: ids are
  // assigned by layer, not by source).
  std::map<int64_t, const ProgrammingBinaryArray *> byId;
  for (const ProgrammingBinaryArray &a : file.arrays)
    byId[a.id] = &a;
  for (ProgrammingBinaryArray &a : file.arrays) {
    if (a.replicaOf < 0)
      continue;
    auto it = byId.find(a.replicaOf);
    if (it == byId.end())
      return fail(llvm::formatv("inconsistent: array {0} is a replica of "
                                "array {1}, which the file does not hold",
                                a.id, a.replicaOf));
    const ProgrammingBinaryArray &source = *it->second;
    if (source.replicaOf >= 0)
      return fail(llvm::formatv("inconsistent: array {0} is a replica of "
                                "array {1}, itself a replica",
                                a.id, a.replicaOf));
    if (source.physicalRows != a.physicalRows ||
        source.physicalCols != a.physicalCols)
      return fail(llvm::formatv("inconsistent: array {0} ({1}x{2} cells) is a "
                                "replica of array {3} ({4}x{5})",
                                a.id, a.physicalRows, a.physicalCols, source.id,
                                source.physicalRows, source.physicalCols));
    a.cells = source.cells;
  }
  return file;
}
