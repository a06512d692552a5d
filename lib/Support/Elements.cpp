//===- Elements.cpp - Build and read constant tensors in the IR -----------===//
#include "nncc/Support/Elements.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

using namespace mlir;

namespace {

/// Up to this many elements constants stay readable `dense` literals.
constexpr size_t kLiteralLimit = 16;

} // namespace

std::string nncc::sanitizeBlobName(StringRef name) {
  std::string out;
  for (char c : name)
    out += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (out.empty() || llvm::isDigit(out.front()))
    out.insert(out.begin(), '_');
  return out;
}

namespace {

template <typename T>
ElementsAttr makeElements(RankedTensorType type, ArrayRef<T> values,
                          StringRef blobName) {
  if (values.size() <= kLiteralLimit)
    return DenseElementsAttr::get(type, values);
  return DenseResourceElementsAttr::get(
      type, nncc::sanitizeBlobName(blobName),
      HeapAsmResourceBlob::allocateAndCopyInferAlign(values));
}

/// Like makeElements, but the blob takes `values`' buffer over: large
/// weight matrices are not copied again.
template <typename T>
ElementsAttr makeOwnedElements(RankedTensorType type, std::vector<T> &&values,
                               StringRef blobName) {
  if (values.size() <= kLiteralLimit)
    return DenseElementsAttr::get(type, ArrayRef<T>(values));
  auto *owned = new std::vector<T>(std::move(values));
  AsmResourceBlob blob(
      ArrayRef<char>(reinterpret_cast<const char *>(owned->data()),
                     owned->size() * sizeof(T)),
      alignof(T), [owned](void *, size_t, size_t) { delete owned; },
      /*dataIsMutable=*/true);
  return DenseResourceElementsAttr::get(type, nncc::sanitizeBlobName(blobName),
                                        std::move(blob));
}

/// The raw bytes behind `attr` and whether they are a splat; nullopt for a
/// resource whose blob is missing or does not hold what its type says (a
/// malformed program), which the readers below would otherwise overrun.
std::optional<std::pair<ArrayRef<char>, bool>> rawData(ElementsAttr attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return std::make_pair(dense.getRawData(), dense.isSplat());
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    if (nncc::resourceBlobFitsType(resource))
      return std::make_pair(resource.getRawHandle().getBlob()->getData(),
                            false);
  return std::nullopt;
}

template <typename T, typename Out>
void appendAs(ArrayRef<char> raw, bool splat, int64_t count,
              std::vector<Out> &out) {
  out.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, raw.data() + (splat ? 0 : i) * sizeof(T), sizeof(T));
    out[i] = static_cast<Out>(v);
  }
}

} // namespace

ElementsAttr nncc::makeF32Elements(MLIRContext *context,
                                   ArrayRef<int64_t> shape,
                                   ArrayRef<float> values, StringRef blobName) {
  return makeElements(RankedTensorType::get(shape, Float32Type::get(context)),
                      values, blobName);
}

ElementsAttr nncc::makeI32Elements(MLIRContext *context,
                                   ArrayRef<int64_t> shape,
                                   ArrayRef<int32_t> values,
                                   StringRef blobName) {
  return makeElements(
      RankedTensorType::get(shape, IntegerType::get(context, 32)), values,
      blobName);
}

ElementsAttr nncc::makeF32Elements(MLIRContext *context,
                                   ArrayRef<int64_t> shape,
                                   std::vector<float> &&values,
                                   StringRef blobName) {
  return makeOwnedElements(
      RankedTensorType::get(shape, Float32Type::get(context)),
      std::move(values), blobName);
}

template <typename T>
ElementsAttr nncc::makeIntElements(MLIRContext *context,
                                   ArrayRef<int64_t> shape,
                                   std::vector<T> &&values,
                                   StringRef blobName) {
  static_assert(std::is_integral_v<T> && std::is_signed_v<T>,
                "signless integers stored as signed");
  return makeOwnedElements(
      RankedTensorType::get(shape, IntegerType::get(context, 8 * sizeof(T))),
      std::move(values), blobName);
}
template ElementsAttr nncc::makeIntElements(MLIRContext *, ArrayRef<int64_t>,
                                            std::vector<int8_t> &&, StringRef);
template ElementsAttr nncc::makeIntElements(MLIRContext *, ArrayRef<int64_t>,
                                            std::vector<int16_t> &&,
                                            StringRef);
template ElementsAttr nncc::makeIntElements(MLIRContext *, ArrayRef<int64_t>,
                                            std::vector<int32_t> &&,
                                            StringRef);

bool nncc::resourceBlobFitsType(DenseResourceElementsAttr attr) {
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return false;
  auto type = attr.getType();
  Type element = type.getElementType();
  if (!element.isIntOrFloat())
    return false;
  // MLIR stores each element in whole bytes (an i1 in one).
  const uint64_t bytes = (element.getIntOrFloatBitWidth() + 7) / 8;
  return blob->getData().size() ==
         static_cast<uint64_t>(type.getNumElements()) * bytes;
}

std::optional<ArrayRef<float>> nncc::getF32Storage(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  auto raw = rawData(attr);
  if (!type.getElementType().isF32() || !raw || raw->second ||
      raw->first.size() !=
          static_cast<size_t>(type.getNumElements()) * sizeof(float) ||
      reinterpret_cast<uintptr_t>(raw->first.data()) % alignof(float) != 0)
    return std::nullopt;
  return ArrayRef<float>(reinterpret_cast<const float *>(raw->first.data()),
                         static_cast<size_t>(type.getNumElements()));
}

std::vector<float> nncc::getF32Values(ElementsAttr attr) {
  std::vector<float> out;
  auto type = cast<ShapedType>(attr.getType());
  auto raw = rawData(attr);
  if (!raw)
    return out;
  Type element = type.getElementType();
  if (element.isF32())
    appendAs<float>(raw->first, raw->second, type.getNumElements(), out);
  else if (element.isF64())
    appendAs<double>(raw->first, raw->second, type.getNumElements(), out);
  return out;
}

std::vector<int64_t> nncc::getIntValues(ElementsAttr attr) {
  std::vector<int64_t> out;
  auto type = cast<ShapedType>(attr.getType());
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!integer)
    return out;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (const APInt &v : dense.getValues<APInt>())
      out.push_back(integer.isUnsigned() ? static_cast<int64_t>(v.getZExtValue())
                                         : v.getSExtValue());
    return out;
  }
  auto raw = rawData(attr);
  if (!raw)
    return out;
  int64_t n = type.getNumElements();
  bool u = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 8: u ? appendAs<uint8_t>(raw->first, false, n, out)
            : appendAs<int8_t>(raw->first, false, n, out); break;
  case 16: u ? appendAs<uint16_t>(raw->first, false, n, out)
             : appendAs<int16_t>(raw->first, false, n, out); break;
  case 32: u ? appendAs<uint32_t>(raw->first, false, n, out)
             : appendAs<int32_t>(raw->first, false, n, out); break;
  case 64: appendAs<int64_t>(raw->first, false, n, out); break;
  default: break;
  }
  return out;
}

std::optional<std::vector<int32_t>> nncc::getI32Values(ElementsAttr attr) {
  std::vector<int32_t> out;
  auto type = cast<ShapedType>(attr.getType());
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!integer)
    return out;
  auto raw = rawData(attr);
  if (!raw || integer.getWidth() > 32 ||
      (integer.getWidth() == 32 && integer.isUnsigned())) {
    // Wide or unusual storage: through the 64-bit reader, checked.
    std::vector<int64_t> wide = getIntValues(attr);
    out.reserve(wide.size());
    for (int64_t v : wide) {
      if (v < INT32_MIN || v > INT32_MAX)
        return std::nullopt;
      out.push_back(static_cast<int32_t>(v));
    }
    return out;
  }
  const int64_t n = type.getNumElements();
  const bool u = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 8: u ? appendAs<uint8_t>(raw->first, raw->second, n, out)
            : appendAs<int8_t>(raw->first, raw->second, n, out); break;
  case 16: u ? appendAs<uint16_t>(raw->first, raw->second, n, out)
             : appendAs<int16_t>(raw->first, raw->second, n, out); break;
  case 32: appendAs<int32_t>(raw->first, raw->second, n, out); break;
  default: {
    // i1 .. i31 of a dense literal: through APInt.
    std::vector<int64_t> wide = getIntValues(attr);
    out.assign(wide.begin(), wide.end());
  }
  }
  return out;
}

std::optional<nncc::SignedIntStorage>
nncc::getSignedIntStorage(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  auto integer = dyn_cast<IntegerType>(type.getElementType());
  if (!integer || integer.isUnsigned() ||
      (integer.getWidth() != 8 && integer.getWidth() != 16 &&
       integer.getWidth() != 32))
    return std::nullopt;
  auto raw = rawData(attr);
  const int64_t n = type.getNumElements();
  if (!raw || raw->second ||
      raw->first.size() != static_cast<size_t>(n) * integer.getWidth() / 8)
    return std::nullopt;
  return SignedIntStorage{raw->first.data(), integer.getWidth(), n};
}

std::optional<nncc::SignedIntCodes>
nncc::SignedIntCodes::read(ElementsAttr attr) {
  SignedIntCodes codes;
  if (std::optional<SignedIntStorage> storage = getSignedIntStorage(attr)) {
    codes.storage = *storage;
    return codes;
  }
  std::optional<std::vector<int32_t>> copy = getI32Values(attr);
  if (!copy)
    return std::nullopt;
  codes.owned = std::make_shared<const std::vector<int32_t>>(std::move(*copy));
  codes.storage = {codes.owned->data(), 32,
                   static_cast<int64_t>(codes.owned->size())};
  return codes;
}

uint64_t nncc::constantBytes(Operation *root) {
  uint64_t bytes = 0;
  root->walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs()) {
      // The two storage kinds first: a cheap type check, where the cast to
      // the ElementsAttr interface looks the interface up for every
      // attribute of every op.
      if (!isa<DenseElementsAttr, DenseResourceElementsAttr>(attr.getValue()))
        continue;
      if (auto elements = dyn_cast<ElementsAttr>(attr.getValue())) {
        Type element = elements.getShapedType().getElementType();
        uint64_t bits =
            element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
        bytes += static_cast<uint64_t>(elements.getNumElements()) *
                 ((bits + 7) / 8);
      }
    }
  });
  return bytes;
}

void nncc::releaseUnreferencedBlobs(
    Operation *root, ArrayRef<DenseResourceElementsAttr> candidates) {
  using BlobEntry = DialectResourceBlobManager::BlobEntry;
  llvm::DenseSet<BlobEntry *> referenced;
  root->walk([&](Operation *op) {
    op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      referenced.insert(attr.getRawHandle().getResource());
    });
  });
  for (DenseResourceElementsAttr candidate : candidates) {
    BlobEntry *entry = candidate.getRawHandle().getResource();
    if (entry && entry->getBlob() && !referenced.contains(entry))
      entry->setBlob(AsmResourceBlob());
  }
}

void nncc::transposeMatrix(const float *src, int64_t rows, int64_t cols,
                           float *dst) {
  constexpr int64_t kBlock = 32;
  auto band = [&](size_t band) {
    const int64_t r0 = static_cast<int64_t>(band) * kBlock;
    const int64_t r1 = std::min(rows, r0 + kBlock);
    for (int64_t c0 = 0; c0 < cols; c0 += kBlock) {
      const int64_t c1 = std::min(cols, c0 + kBlock);
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c)
          dst[c * rows + r] = src[r * cols + c];
    }
  };
  // Bands of 32 source rows write disjoint destination columns: large
  // layers are transposed on every core.
  const size_t bands = static_cast<size_t>((rows + kBlock - 1) / kBlock);
  if (rows * cols >= (int64_t{1} << 20))
    llvm::parallelFor(0, bands, band);
  else
    for (size_t b = 0; b < bands; ++b)
      band(b);
}
