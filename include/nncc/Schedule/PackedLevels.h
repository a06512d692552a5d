//===- PackedLevels.h - Cell levels at ceil(log2(levels)) bits each -*- C++ -*-===//
//
// The programming schedule keeps every used cell's target level.  Held as
// one uint16 per cell that is 2 bytes for what is often 1 bit (VGG-8 on a
// 1-bit RRAM chip: 113 M cells, 226 MB); packed it is 14 MB.  The packing
// is programming.bin's own (docs/programming-schedule.md): level i occupies
// bits [i * B, (i + 1) * B), bit j being bit j % 8 of byte j / 8, the last
// byte padded with zeros, so writing the file is a copy.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SCHEDULE_PACKEDLEVELS_H
#define NNCC_SCHEDULE_PACKEDLEVELS_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace nncc {

/// Bits that hold one of `levels` levels: ceil(log2(levels)) (levels >= 2).
int64_t programmingBitsPerCell(int64_t levels);

class PackedLevels {
public:
  PackedLevels() = default;
  /// Packs `levels` at `bits` (1 to 16) bits each; every level must be
  /// below 2^bits.
  PackedLevels(llvm::ArrayRef<uint16_t> levels, int64_t bits);

  int64_t size() const { return count; }
  int64_t bitsPerCell() const { return bits; }
  uint16_t operator[](int64_t i) const {
    return read(storage.data(), storage.size(), bits, i);
  }
  std::vector<uint16_t> unpack() const;
  /// The packed bytes: ceil(size * bits / 8) of them.
  llvm::ArrayRef<uint8_t> bytes() const { return storage; }

  /// Level `i` of `bytes` (`size` of them) packed at `bits` bits per level;
  /// bytes past the end read as 0.
  static uint16_t read(const uint8_t *bytes, uint64_t size, int64_t bits,
                       uint64_t i) {
    auto byteAt = [&](uint64_t at) -> uint32_t {
      return at < size ? bytes[at] : 0;
    };
    // A level of at most 16 bits starting at bit `first % 8` lies within
    // three bytes.
    const uint64_t first = i * static_cast<uint64_t>(bits);
    const uint32_t window = byteAt(first / 8) | byteAt(first / 8 + 1) << 8 |
                            byteAt(first / 8 + 2) << 16;
    return static_cast<uint16_t>((window >> (first % 8)) &
                                 ((uint32_t{1} << bits) - 1));
  }

  friend bool operator==(const PackedLevels &a, const PackedLevels &b) {
    return a.count == b.count && a.bits == b.bits && a.storage == b.storage;
  }

private:
  int64_t count = 0;
  int64_t bits = 1;
  std::vector<uint8_t> storage;
};

} // namespace nncc

#endif // NNCC_SCHEDULE_PACKEDLEVELS_H
