//===- Elementwise.cpp - Broadcast binary and unary kernels ---------------===//
//
// Binary ops broadcast with numpy rules.  The operands' shapes are first
// right-aligned against the result, and adjacent dims that both operands
// traverse the same way are merged, so that the common cases (same shape,
// scalar operand, per-channel operand) collapse to one or two dims.  The
// innermost dim then runs as a tight loop over unit or zero strides that
// the compiler vectorizes.
//
// Integer arithmetic is carried out in the unsigned type so that overflow
// wraps instead of being undefined behaviour.
//
//===----------------------------------------------------------------------===//

#include "nncc/Runtime/Kernels.h"

#include "KernelSupport.h"

#include <cassert>
#include <cmath>
#include <limits>
#include <type_traits>

using namespace nncc::runtime;
using namespace nncc::runtime::detail;

namespace {

/// Elements per parallel task for cheap per-element work.
constexpr int64_t kElementGrain = int64_t(1) << 15;

/// Unsigned type in which T's wrapping arithmetic is computed; at least as
/// wide as `unsigned` so that integer promotion cannot turn it signed again
/// (uint16 * uint16 would otherwise overflow int).
template <typename T>
using WrapType = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned,
                                    std::make_unsigned_t<T>>;

template <typename T> T wrapAdd(T a, T b) {
  return static_cast<T>(static_cast<WrapType<T>>(a) +
                        static_cast<WrapType<T>>(b));
}
template <typename T> T wrapSub(T a, T b) {
  return static_cast<T>(static_cast<WrapType<T>>(a) -
                        static_cast<WrapType<T>>(b));
}
template <typename T> T wrapMul(T a, T b) {
  return static_cast<T>(static_cast<WrapType<T>>(a) *
                        static_cast<WrapType<T>>(b));
}
/// Truncating division, total over all inputs: x / 0 is 0 and, for signed
/// types, MIN / -1 wraps to MIN (the true quotient is unrepresentable).
template <typename T> T safeDiv(T a, T b) {
  if (b == 0)
    return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1)
      return wrapSub<T>(0, a);
  }
  return static_cast<T>(a / b);
}

/// Per-operand strides of the result's dims after broadcasting and merging.
struct BroadcastPlan {
  llvm::SmallVector<int64_t, 6> shape, aStrides, bStrides;
};

BroadcastPlan planBroadcast(llvm::ArrayRef<int64_t> aShape,
                            llvm::ArrayRef<int64_t> bShape,
                            llvm::ArrayRef<int64_t> outShape) {
  auto aStrides = broadcastStrides(aShape, outShape);
  auto bStrides = broadcastStrides(bShape, outShape);
  BroadcastPlan plan;
  for (size_t i = 0; i < outShape.size(); ++i) {
    // Unit dims contribute nothing to addressing.
    if (outShape[i] == 1)
      continue;
    // Merge into the previous dim when both operands step through the pair
    // as through one dim (contiguously, or broadcast in both).
    if (!plan.shape.empty() &&
        plan.aStrides.back() == aStrides[i] * outShape[i] &&
        plan.bStrides.back() == bStrides[i] * outShape[i]) {
      plan.shape.back() *= outShape[i];
      plan.aStrides.back() = aStrides[i];
      plan.bStrides.back() = bStrides[i];
      continue;
    }
    plan.shape.push_back(outShape[i]);
    plan.aStrides.push_back(aStrides[i]);
    plan.bStrides.push_back(bStrides[i]);
  }
  if (plan.shape.empty()) {
    plan.shape.push_back(1);
    plan.aStrides.push_back(0);
    plan.bStrides.push_back(0);
  }
  return plan;
}

/// Runs `op` over one innermost row.  Specialised on the operands' unit or
/// zero strides so that each loop is a plain vectorizable form.
template <typename T, typename R, typename Op>
void binaryRow(const T *a, int64_t sa, const T *b, int64_t sb, R *out,
               int64_t n, Op op) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a[i], b[i]);
  } else if (sa == 0 && sb == 1) {
    const T av = *a;
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(av, b[i]);
  } else if (sa == 1 && sb == 0) {
    const T bv = *b;
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a[i], bv);
  } else {
    for (int64_t i = 0; i < n; ++i)
      out[i] = op(a[i * sa], b[i * sb]);
  }
}

template <typename T, typename R, typename Op>
void broadcastBinary(const BroadcastPlan &plan, const T *a, const T *b, R *out,
                     Op op) {
  const int64_t rank = static_cast<int64_t>(plan.shape.size());
  const int64_t inner = plan.shape.back();
  const int64_t rows = numElementsOf(plan.shape) / std::max<int64_t>(inner, 1);
  const int64_t grain = std::max<int64_t>(1, kElementGrain / (inner + 1));
  parallelChunks(rows, grain, [&](int64_t begin, int64_t end) {
    // Odometer over the outer dims, started at row `begin`.
    llvm::SmallVector<int64_t, 6> index(rank, 0);
    int64_t aOffset = 0, bOffset = 0;
    for (int64_t d = rank - 2, rest = begin; d >= 0; --d) {
      index[d] = rest % plan.shape[d];
      rest /= plan.shape[d];
      aOffset += index[d] * plan.aStrides[d];
      bOffset += index[d] * plan.bStrides[d];
    }
    for (int64_t row = begin; row < end; ++row) {
      binaryRow(a + aOffset, plan.aStrides.back(), b + bOffset,
                plan.bStrides.back(), out + row * inner, inner, op);
      for (int64_t d = rank - 2; d >= 0; --d) {
        aOffset += plan.aStrides[d];
        bOffset += plan.bStrides[d];
        if (++index[d] < plan.shape[d])
          break;
        aOffset -= index[d] * plan.aStrides[d];
        bOffset -= index[d] * plan.bStrides[d];
        index[d] = 0;
      }
    }
  });
}

template <typename T>
void binaryTyped(BinaryOpKind kind, const BroadcastPlan &plan, const T *a,
                 const T *b, T *out) {
  auto run = [&](auto op) { broadcastBinary<T, T>(plan, a, b, out, op); };
  if constexpr (std::is_floating_point_v<T>) {
    switch (kind) {
    case BinaryOpKind::Add:
      return run([](T x, T y) { return x + y; });
    case BinaryOpKind::Sub:
      return run([](T x, T y) { return x - y; });
    case BinaryOpKind::Mul:
      return run([](T x, T y) { return x * y; });
    case BinaryOpKind::Div:
      return run([](T x, T y) { return x / y; });
    // A NaN on either side is the result, as in numpy.
    case BinaryOpKind::Min:
      return run([](T x, T y) { return x != x || x < y ? x : y; });
    case BinaryOpKind::Max:
      return run([](T x, T y) { return x != x || x > y ? x : y; });
    }
  } else {
    switch (kind) {
    // Lambdas rather than function pointers, so the ops inline and vectorize.
    case BinaryOpKind::Add:
      return run([](T x, T y) { return wrapAdd(x, y); });
    case BinaryOpKind::Sub:
      return run([](T x, T y) { return wrapSub(x, y); });
    case BinaryOpKind::Mul:
      return run([](T x, T y) { return wrapMul(x, y); });
    case BinaryOpKind::Div:
      return run([](T x, T y) { return safeDiv(x, y); });
    case BinaryOpKind::Min:
      return run([](T x, T y) { return x < y ? x : y; });
    case BinaryOpKind::Max:
      return run([](T x, T y) { return x > y ? x : y; });
    }
  }
}

/// Applies `fn` to every element of `x`, in parallel for large tensors.
template <typename T, typename Fn>
void mapElements(const Tensor &x, Tensor &out, Fn fn) {
  assert(x.numElements() == out.numElements() && x.dtype() == out.dtype() &&
         "elementwise result must match the input");
  const T *src = static_cast<const T *>(x.raw());
  T *dst = static_cast<T *>(out.raw());
  parallelChunks(x.numElements(), kElementGrain,
                 [&](int64_t begin, int64_t end) {
                   for (int64_t i = begin; i < end; ++i)
                     dst[i] = fn(src[i]);
                 });
}

/// One element converted as cast() defines it.
template <typename To, typename From> To convertElement(From v, bool toBool) {
  if (toBool)
    return static_cast<To>(v != From(0));
  if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>)
    return saturatingCast<To>(static_cast<double>(v));
  else
    return static_cast<To>(v);
}

template <typename T> T sigmoid(T v) {
  // Never exponentiate a large positive number: exp(-|v|) cannot overflow.
  if (v >= 0)
    return T(1) / (T(1) + std::exp(-v));
  const T e = std::exp(v);
  return e / (T(1) + e);
}

} // namespace

void nncc::runtime::binary(BinaryOpKind kind, const Tensor &a, const Tensor &b,
                           Tensor &out) {
  assert(a.dtype() == b.dtype() && a.dtype() == out.dtype() &&
         "binary operands and result share one dtype");
  const BroadcastPlan plan = planBroadcast(a.shape(), b.shape(), out.shape());
  if (out.numElements() == 0)
    return;
  dispatchDType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    binaryTyped<T>(kind, plan, static_cast<const T *>(a.raw()),
                   static_cast<const T *>(b.raw()),
                   static_cast<T *>(out.raw()));
  });
}

void nncc::runtime::unary(UnaryOpKind kind, const Tensor &x, Tensor &out) {
  if (kind != UnaryOpKind::Relu) {
    assert(isFloatingPoint(x.dtype()) && "float unary ops take f32 or f64");
    auto run = [&](auto tag) {
      using T = decltype(tag);
      switch (kind) {
      case UnaryOpKind::Sigmoid:
        return mapElements<T>(x, out, [](T v) { return sigmoid(v); });
      case UnaryOpKind::Tanh:
        return mapElements<T>(x, out, [](T v) { return std::tanh(v); });
      case UnaryOpKind::Erf:
        return mapElements<T>(x, out, [](T v) { return std::erf(v); });
      case UnaryOpKind::Sqrt:
        return mapElements<T>(x, out, [](T v) { return std::sqrt(v); });
      case UnaryOpKind::Exp:
        return mapElements<T>(x, out, [](T v) { return std::exp(v); });
      // nearbyint under the default rounding mode: halves to even.
      case UnaryOpKind::Round:
        return mapElements<T>(x, out, [](T v) { return std::nearbyint(v); });
      case UnaryOpKind::Relu:
        break;
      }
    };
    if (x.dtype() == DType::F64)
      run(double{});
    else
      run(float{});
    return;
  }
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // `v < 0 ? 0 : v` rather than max(v, 0) so that NaN propagates, as in
    // the reference's np.maximum.
    if constexpr (std::is_unsigned_v<T>)
      mapElements<T>(x, out, [](T v) { return v; });
    else
      mapElements<T>(x, out, [](T v) { return v < T(0) ? T(0) : v; });
  });
}

void nncc::runtime::leakyRelu(const Tensor &x, float alpha, Tensor &out) {
  assert(x.dtype() == DType::F32 && "LeakyRelu takes f32");
  mapElements<float>(x, out,
                     [alpha](float v) { return v < 0 ? alpha * v : v; });
}

void nncc::runtime::clip(const Tensor &x, std::optional<double> lo,
                         std::optional<double> hi, Tensor &out) {
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // A missing bound is the type's extreme, which for floats is infinity
    // (the largest finite value would clip infinities).
    using Limits = std::numeric_limits<T>;
    const T low = lo                     ? saturatingCast<T>(*lo)
                  : Limits::has_infinity ? -Limits::infinity()
                                         : Limits::lowest();
    const T high = hi                     ? saturatingCast<T>(*hi)
                   : Limits::has_infinity ? Limits::infinity()
                                          : Limits::max();
    // min(max(v, low), high) as in np.clip: with low > high everything becomes
    // high, and a NaN input stays NaN because both comparisons are false.
    mapElements<T>(x, out, [low, high](T v) {
      T r = v < low ? low : v;
      return r > high ? high : r;
    });
  });
}

void nncc::runtime::cast(const Tensor &x, Tensor &out) {
  assert(x.numElements() == out.numElements() && "Cast keeps the shape");
  // The storage types go through f64, which holds every F16 and BF16
  // value exactly; rounding to them happens once, from the source value
  // (numpy's float64 -> float16 rounds once too).
  if (isHalfPrecision(x.dtype())) {
    Tensor wide(DType::F64, x.shape());
    const uint16_t *src = static_cast<const uint16_t *>(x.raw());
    for (int64_t i = 0; i < x.numElements(); ++i)
      wide.data<double>()[i] = halfToDouble(x.dtype(), src[i]);
    return cast(wide, out);
  }
  if (isHalfPrecision(out.dtype())) {
    uint16_t *dst = static_cast<uint16_t *>(out.raw());
    for (int64_t i = 0; i < x.numElements(); ++i)
      dst[i] = doubleToHalf(out.dtype(), x.getAsDouble(i));
    return;
  }
  const bool toBool = out.dtype() == DType::Bool;
  dispatchDType(x.dtype(), [&](auto fromTag) {
    using From = decltype(fromTag);
    dispatchDType(out.dtype(), [&](auto toTag) {
      using To = decltype(toTag);
      const From *src = static_cast<const From *>(x.raw());
      To *dst = static_cast<To *>(out.raw());
      parallelChunks(x.numElements(), kElementGrain,
                     [&](int64_t begin, int64_t end) {
                       for (int64_t i = begin; i < end; ++i)
                         dst[i] = convertElement<To>(src[i], toBool);
                     });
    });
  });
}

void nncc::runtime::power(const Tensor &x, const Tensor &y, Tensor &out) {
  assert(out.dtype() == x.dtype() && "Pow keeps the base's dtype");
  // In f64 whatever the operand types (ONNX lets them differ); the
  // conversions are cast()'s.
  auto toF64 = [](const Tensor &t) {
    Tensor d(DType::F64, t.shape());
    cast(t, d);
    return d;
  };
  const Tensor xd = toF64(x), yd = toF64(y);
  Tensor result(DType::F64, out.shape());
  const BroadcastPlan plan = planBroadcast(x.shape(), y.shape(), out.shape());
  if (out.numElements() == 0)
    return;
  broadcastBinary<double, double>(plan, xd.data<double>(), yd.data<double>(),
                                  result.data<double>(),
                                  [](double a, double b) { return std::pow(a, b); });
  cast(result, out);
}

void nncc::runtime::equal(const Tensor &a, const Tensor &b, Tensor &out) {
  assert(a.dtype() == b.dtype() && out.dtype() == DType::Bool &&
         "Equal compares one dtype into Bool");
  const BroadcastPlan plan = planBroadcast(a.shape(), b.shape(), out.shape());
  if (out.numElements() == 0)
    return;
  dispatchDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    broadcastBinary<T, uint8_t>(plan, static_cast<const T *>(a.raw()),
                                static_cast<const T *>(b.raw()),
                                static_cast<uint8_t *>(out.raw()),
                                [](T u, T v) { return uint8_t(u == v); });
  });
}
