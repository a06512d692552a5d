//===- Tensor.h - Dense host tensor of the reference executor ---*- C++ -*-===//
//
// A dense, row-major, 64-byte aligned host tensor with a runtime element type.
// Float32 is the type every compute kernel supports; the other element types
// exist so that ONNX's data-movement and elementwise semantics (uint8 Add,
// int64 shapes, bool masks, float64 inputs) can be executed faithfully.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_RUNTIME_TENSOR_H
#define NNCC_RUNTIME_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

namespace nncc::runtime {

/// F16 and BF16 are storage types: tensors hold them (ONNX Cast produces
/// and consumes them) and data movement copies them, but no kernel computes
/// in them and dispatchDType does not take them; convert them with
/// halfToDouble / doubleToHalf or runtime::cast.
enum class DType : uint8_t {
  F32, F64, I8, U8, I16, U16, I32, U32, I64, U64, Bool, F16, BF16
};

/// Size in bytes of one element of `type`.
size_t dtypeSize(DType type);
/// Short lowercase name such as "f32" or "u8", used in diagnostics.
llvm::StringRef dtypeName(DType type);
/// F32 and F64, the types kernels compute in (not the storage types F16 and
/// BF16).
bool isFloatingPoint(DType type);
/// F16 or BF16.
bool isHalfPrecision(DType type);
/// The value of the F16 or BF16 `bits`.
double halfToDouble(DType type, uint16_t bits);
/// `value` rounded to the nearest F16 or BF16 (ties to even, overflow to
/// infinity, NaN stays NaN), as numpy's astype rounds.
uint16_t doubleToHalf(DType type, double value);

/// Maps a C++ element type to its DType (static_assert on unsupported types).
template <typename T> constexpr DType dtypeOf();
template <> constexpr DType dtypeOf<float>() { return DType::F32; }
template <> constexpr DType dtypeOf<double>() { return DType::F64; }
template <> constexpr DType dtypeOf<int8_t>() { return DType::I8; }
template <> constexpr DType dtypeOf<uint8_t>() { return DType::U8; }
template <> constexpr DType dtypeOf<int16_t>() { return DType::I16; }
template <> constexpr DType dtypeOf<uint16_t>() { return DType::U16; }
template <> constexpr DType dtypeOf<int32_t>() { return DType::I32; }
template <> constexpr DType dtypeOf<uint32_t>() { return DType::U32; }
template <> constexpr DType dtypeOf<int64_t>() { return DType::I64; }
template <> constexpr DType dtypeOf<uint64_t>() { return DType::U64; }
template <> constexpr DType dtypeOf<bool>() { return DType::Bool; }

/// Product of the dimensions (1 for a scalar), saturated at INT64_MAX so
/// that a size check against a limit holds for any shape a file declares.
int64_t numElementsOf(llvm::ArrayRef<int64_t> shape);

class Tensor {
public:
  Tensor() = default;
  /// Allocates a zero-filled tensor.
  Tensor(DType type, llvm::ArrayRef<int64_t> shape);
  /// Allocates a tensor whose every element its producer writes before
  /// anything reads it: the simulator's per-read tensors, where the zero
  /// fill was a twentieth of the time.
  static Tensor uninitialized(DType type, llvm::ArrayRef<int64_t> shape);
  /// A tensor over `data`, which it does not own and must not outlive, and
  /// which nothing may write through it: a kernel reads a constant's
  /// buffer (a layer's weight matrix) where a copy would fault in as many
  /// fresh pages.
  static Tensor borrowing(DType type, llvm::ArrayRef<int64_t> shape,
                          const void *data);

  template <typename T>
  static Tensor fromValues(llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<T> values) {
    Tensor t(dtypeOf<T>(), shape);
    std::copy(values.begin(), values.end(), t.data<T>());
    return t;
  }

  DType dtype() const { return type; }
  llvm::ArrayRef<int64_t> shape() const { return dims; }
  int64_t rank() const { return static_cast<int64_t>(dims.size()); }
  int64_t dim(int64_t i) const { return dims[i]; }
  int64_t numElements() const { return count; }
  size_t byteSize() const { return static_cast<size_t>(count) * dtypeSize(type); }
  bool empty() const { return !storage; }

  void *raw() { return storage.get(); }
  const void *raw() const { return storage.get(); }
  template <typename T> T *data() {
    assertType<T>();
    return static_cast<T *>(raw());
  }
  template <typename T> const T *data() const {
    assertType<T>();
    return static_cast<const T *>(raw());
  }
  template <typename T> llvm::ArrayRef<T> values() const {
    return llvm::ArrayRef<T>(data<T>(), static_cast<size_t>(count));
  }

  /// A tensor sharing this one's storage with another shape of the same
  /// element count (Reshape, Flatten, Squeeze and Unsqueeze are free).
  Tensor reshaped(llvm::ArrayRef<int64_t> newShape) const;
  /// A deep copy.
  Tensor clone() const;

  /// Element `i` (flat index) converted to double, for any dtype.
  double getAsDouble(int64_t i) const;

private:
  template <typename T> void assertType() const;

  DType type = DType::F32;
  llvm::SmallVector<int64_t, 6> dims;
  int64_t count = 0;
  std::shared_ptr<std::byte> storage;
};

template <typename T> void Tensor::assertType() const {
#ifndef NDEBUG
  if (dtypeOf<T>() != type && !(std::is_same_v<T, uint8_t> && type == DType::Bool))
    __builtin_trap();
#endif
}

/// Calls `fn(T{})` with T the C++ type of `type` (bool is stored as uint8_t).
template <typename Fn> decltype(auto) dispatchDType(DType type, Fn &&fn) {
  switch (type) {
  case DType::F32: return fn(float{});
  case DType::F64: return fn(double{});
  case DType::I8: return fn(int8_t{});
  case DType::U8: return fn(uint8_t{});
  case DType::Bool: return fn(uint8_t{});
  case DType::I16: return fn(int16_t{});
  case DType::U16: return fn(uint16_t{});
  case DType::I32: return fn(int32_t{});
  case DType::U32: return fn(uint32_t{});
  case DType::I64: return fn(int64_t{});
  case DType::U64: return fn(uint64_t{});
  case DType::F16:
  case DType::BF16:
    break;
  }
  // Storage types reach no computing kernel (see DType).
  __builtin_trap();
}

} // namespace nncc::runtime

#endif // NNCC_RUNTIME_TENSOR_H
