//===- PackedLevels.cpp - Cell levels at ceil(log2(levels)) bits each -----===//
#include "nncc/Schedule/PackedLevels.h"

#include <cassert>

using namespace nncc;

int64_t nncc::programmingBitsPerCell(int64_t levels) {
  int64_t bits = 0;
  while ((int64_t{1} << bits) < levels)
    ++bits;
  return bits;
}

PackedLevels::PackedLevels(llvm::ArrayRef<uint16_t> levels, int64_t bits)
    : count(static_cast<int64_t>(levels.size())), bits(bits) {
  assert(bits >= 1 && bits <= 16 && "1 to 16 bits per level");
  storage.resize((levels.size() * static_cast<uint64_t>(bits) + 7) / 8);
  // A 64-bit accumulator, emptied 32 bits at a time: at most 31 bits wait
  // plus one level of at most 16 bits.
  uint64_t pending = 0;
  int64_t pendingBits = 0;
  uint8_t *out = storage.data();
  for (uint16_t level : levels) {
    assert((bits == 16 || level < (1u << bits)) && "level exceeds its bits");
    pending |= static_cast<uint64_t>(level) << pendingBits;
    pendingBits += bits;
    if (pendingBits >= 32) {
      for (int b = 0; b < 4; ++b)
        *out++ = static_cast<uint8_t>(pending >> (8 * b));
      pending >>= 32;
      pendingBits -= 32;
    }
  }
  for (; pendingBits > 0; pendingBits -= 8, pending >>= 8)
    *out++ = static_cast<uint8_t>(pending);
  assert(out == storage.data() + storage.size());
}

std::vector<uint16_t> PackedLevels::unpack() const {
  std::vector<uint16_t> levels(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    levels[i] = (*this)[i];
  return levels;
}
