//===- PackedLevels.cpp - Cell levels at ceil(log2(levels)) bits each -----===//
#include "nncc/Schedule/PackedLevels.h"

#include <cassert>

using namespace nncc;

namespace {
/// Packs levels of `Bits` bits (8 % Bits == 0) into `bytes`, sized
/// ceil(levels * Bits / 8): level i at bits (i % per) * Bits of byte i / per.
template <int Bits>
void packWithinBytes(llvm::ArrayRef<uint16_t> levels,
                     std::vector<uint8_t> &bytes) {
  constexpr size_t perByte = 8 / Bits;
  const size_t whole = levels.size() / perByte;
  const uint16_t *in = levels.data();
  for (size_t byte = 0; byte < whole; ++byte, in += perByte) {
    uint32_t packed = 0;
    for (size_t k = 0; k < perByte; ++k) {
      assert(in[k] < (1u << Bits) && "level exceeds its bits");
      packed |= static_cast<uint32_t>(in[k]) << (k * Bits);
    }
    bytes[byte] = static_cast<uint8_t>(packed);
  }
  if (whole < bytes.size()) { // the last, partly filled byte
    uint32_t packed = 0;
    for (size_t k = 0; whole * perByte + k < levels.size(); ++k)
      packed |= static_cast<uint32_t>(in[k]) << (k * Bits);
    bytes[whole] = static_cast<uint8_t>(packed);
  }
}
} // namespace

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
  if (8 % bits == 0) {
    // 1, 2, 4 or 8 bits: no level crosses a byte, so each byte is built on
    // its own, in a loop unrolled for the width (one-bit cells are most of
    // a chip's levels: 113 M for VGG-8 on 128x128 arrays).
    switch (bits) {
    case 1:
      packWithinBytes<1>(levels, storage);
      return;
    case 2:
      packWithinBytes<2>(levels, storage);
      return;
    case 4:
      packWithinBytes<4>(levels, storage);
      return;
    default:
      packWithinBytes<8>(levels, storage);
      return;
    }
  }
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
