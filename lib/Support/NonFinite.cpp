//===- NonFinite.cpp - Finding NaNs and infinities in float data ----------===//
#include "nncc/Support/NonFinite.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <cstring>

std::optional<size_t> nncc::findNonFinite(llvm::ArrayRef<float> values) {
  constexpr size_t kBlock = 4096;
  for (size_t b = 0; b < values.size(); b += kBlock) {
    llvm::ArrayRef<float> block =
        values.slice(b, std::min(kBlock, values.size() - b));
    uint32_t nonFinite = 0;
    for (float v : block) {
      uint32_t bits;
      std::memcpy(&bits, &v, sizeof(bits));
      nonFinite |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
    }
    if (nonFinite)
      return b +
             (llvm::find_if(block, [](float v) { return !std::isfinite(v); }) -
              block.begin());
  }
  return std::nullopt;
}

llvm::StringRef nncc::nonFiniteName(float value) {
  return std::isnan(value) ? "NaN" : value > 0 ? "inf" : "-inf";
}

std::string nncc::formatElementIndex(int64_t flat,
                                     llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<std::string> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    const int64_t extent = std::max<int64_t>(shape[d], 1);
    index[d] = std::to_string(flat % extent);
    flat /= extent;
  }
  return llvm::join(index, ", ");
}
