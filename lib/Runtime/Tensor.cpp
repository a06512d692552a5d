//===- Tensor.cpp - Dense host tensor of the reference executor -----------===//
//
// Storage is a 64-byte aligned, zero-filled (unless asked otherwise) block
// shared between a tensor and its reshaped views.  The alignment matches a
// cache line and the widest vector registers, so kernels never straddle lines
// at the start of a tensor.
//
//===----------------------------------------------------------------------===//
#include "nncc/Runtime/Tensor.h"

#include "llvm/ADT/APFloat.h"

#include "llvm/Support/MathExtras.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>

using namespace nncc::runtime;

namespace {
constexpr size_t kStorageAlignment = 64;

/// Allocates `bytes` (rounded up to a whole number of cache lines, and at
/// least one so that even zero-element tensors are non-empty) of zeroed,
/// aligned memory owned by the returned pointer.  The block comes from plain
/// operator new, one cache line larger, aligned by hand: the aligned
/// operator new (memalign) is several times slower and fragments the heap,
/// which shows when the layer body evaluation allocates a few tensors per
/// tile and vector.
std::shared_ptr<std::byte> allocateStorage(size_t bytes, bool zeroed = true) {
  size_t rounded = std::max<size_t>(kStorageAlignment,
                                    (bytes + kStorageAlignment - 1) /
                                        kStorageAlignment * kStorageAlignment);
  auto *raw = static_cast<std::byte *>(::operator new(rounded +
                                                      kStorageAlignment));
  auto address = reinterpret_cast<std::uintptr_t>(raw);
  std::byte *memory =
      raw + (kStorageAlignment - address % kStorageAlignment) %
                kStorageAlignment;
  if (zeroed)
    std::memset(memory, 0, rounded);
  return std::shared_ptr<std::byte>(
      memory, [raw](std::byte *) { ::operator delete(raw); });
}
} // namespace

size_t nncc::runtime::dtypeSize(DType type) {
  switch (type) {
  case DType::F32:
    return 4;
  case DType::F64:
    return 8;
  case DType::I8:
    return 1;
  case DType::U8:
    return 1;
  case DType::I16:
    return 2;
  case DType::U16:
    return 2;
  case DType::I32:
    return 4;
  case DType::U32:
    return 4;
  case DType::I64:
    return 8;
  case DType::U64:
    return 8;
  case DType::Bool:
    return 1;
  case DType::F16:
  case DType::BF16:
    return 2;
  }
  __builtin_unreachable();
}

llvm::StringRef nncc::runtime::dtypeName(DType type) {
  switch (type) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I8:
    return "i8";
  case DType::U8:
    return "u8";
  case DType::I16:
    return "i16";
  case DType::U16:
    return "u16";
  case DType::I32:
    return "i32";
  case DType::U32:
    return "u32";
  case DType::I64:
    return "i64";
  case DType::U64:
    return "u64";
  case DType::Bool:
    return "bool";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  }
  __builtin_unreachable();
}

bool nncc::runtime::isFloatingPoint(DType type) {
  return type == DType::F32 || type == DType::F64;
}

bool nncc::runtime::isHalfPrecision(DType type) {
  return type == DType::F16 || type == DType::BF16;
}

static const llvm::fltSemantics &halfSemantics(DType type) {
  assert(isHalfPrecision(type) && "F16 or BF16");
  return type == DType::F16 ? llvm::APFloat::IEEEhalf()
                            : llvm::APFloat::BFloat();
}

double nncc::runtime::halfToDouble(DType type, uint16_t bits) {
  llvm::APFloat value(halfSemantics(type), llvm::APInt(16, bits));
  bool losesInfo = false;
  value.convert(llvm::APFloat::IEEEdouble(),
                llvm::APFloat::rmNearestTiesToEven, &losesInfo);
  return value.convertToDouble();
}

uint16_t nncc::runtime::doubleToHalf(DType type, double value) {
  llvm::APFloat half(value);
  bool losesInfo = false;
  half.convert(halfSemantics(type), llvm::APFloat::rmNearestTiesToEven,
               &losesInfo);
  return static_cast<uint16_t>(half.bitcastToAPInt().getZExtValue());
}

int64_t nncc::runtime::numElementsOf(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  bool overflow = false;
  for (int64_t d : shape) {
    assert(d >= 0 && "negative dimension");
    if (d == 0)
      return 0;
    int64_t product;
    overflow |= llvm::MulOverflow(n, d, product);
    n = product;
  }
  return overflow ? std::numeric_limits<int64_t>::max() : n;
}

Tensor::Tensor(DType type, llvm::ArrayRef<int64_t> shape)
    : type(type), dims(shape.begin(), shape.end()), count(numElementsOf(shape)),
      storage(allocateStorage(static_cast<size_t>(count) * dtypeSize(type))) {}

Tensor Tensor::uninitialized(DType type, llvm::ArrayRef<int64_t> shape) {
  Tensor t;
  t.type = type;
  t.dims.assign(shape.begin(), shape.end());
  t.count = numElementsOf(shape);
  t.storage = allocateStorage(static_cast<size_t>(t.count) * dtypeSize(type),
                              /*zeroed=*/false);
  return t;
}

Tensor Tensor::borrowing(DType type, llvm::ArrayRef<int64_t> shape,
                         const void *data) {
  Tensor t;
  t.type = type;
  t.dims.assign(shape.begin(), shape.end());
  t.count = numElementsOf(shape);
  t.storage = std::shared_ptr<std::byte>(
      static_cast<std::byte *>(const_cast<void *>(data)), [](std::byte *) {});
  return t;
}

Tensor Tensor::reshaped(llvm::ArrayRef<int64_t> newShape) const {
  assert(numElementsOf(newShape) == count &&
         "reshape must preserve the element count");
  Tensor view = *this;
  view.dims.assign(newShape.begin(), newShape.end());
  return view;
}

Tensor Tensor::clone() const {
  if (empty())
    return Tensor();
  Tensor copy(type, dims);
  std::memcpy(copy.raw(), raw(), byteSize());
  return copy;
}

double Tensor::getAsDouble(int64_t i) const {
  assert(!empty() && i >= 0 && i < count && "element index out of range");
  if (type == DType::Bool)
    return static_cast<const uint8_t *>(raw())[i] != 0 ? 1.0 : 0.0;
  if (isHalfPrecision(type))
    return halfToDouble(type, static_cast<const uint16_t *>(raw())[i]);
  return dispatchDType(type, [&](auto tag) {
    using T = decltype(tag);
    return static_cast<double>(static_cast<const T *>(raw())[i]);
  });
}
