//===- QuantizedLayer.h - Random quantized cim.layers for tests -*- C++ -*-===//
//
// Property and simulator tests build small quantized cim.layer ops with
// known integers: a gemm [m, k] x [k, n] or a grouped conv, scales 1 and
// integer inputs, so quantization is exact and xq is the input itself.
// This header holds the layer description, its MLIR text and the random
// draw of its shape and values, shared by those tests.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TEST_UNIT_QUANTIZEDLAYER_H
#define NNCC_TEST_UNIT_QUANTIZEDLAYER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace nncc::test {

struct QuantizedLayer {
  bool conv = false, inputSigned = false, symmetric = true;
  int64_t groups = 1, batch = 1, channels = 1, height = 1, width = 1;
  int64_t kh = 1, kw = 1, stride = 1, dilation = 1, padBegin = 0, padEnd = 0;
  int64_t k = 1, n = 1, m = 1; ///< gemm: [m, k] x [k, n]
  int64_t weightBits = 8, inputBits = 8;
  std::vector<int64_t> ints, zeros, inputs; ///< [G, K, N], [G * N], input
  std::vector<int64_t> outShape;

  std::vector<int64_t> inShape() const {
    return conv ? std::vector<int64_t>{batch, channels, height, width}
                : std::vector<int64_t>{m, k};
  }
};

inline int64_t uniformInt(std::mt19937_64 &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

inline std::string tensorType(llvm::ArrayRef<int64_t> shape,
                              llvm::StringRef element) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + element.str() + ">";
}

/// A dense i32 literal of any shape, in MLIR's hex form (little-endian).
inline std::string denseInts(const std::vector<int64_t> &values) {
  std::string s = "dense<\"0x";
  for (int64_t v : values) {
    uint32_t u = static_cast<uint32_t>(static_cast<int32_t>(v));
    for (int byte = 0; byte < 4; ++byte)
      s += llvm::formatv("{0:X-2}", (u >> (8 * byte)) & 0xFF).str();
  }
  return s + "\">";
}

/// `func.func @main` holding the layer as its only op (scales 1, input
/// scale 1).
inline std::string layerFunction(const QuantizedLayer &c) {
  std::string in = tensorType(c.inShape(), "f32");
  std::string out = tensorType(c.outShape, "f32");
  std::string attrs = llvm::formatv(
      "input_bits = {0} : i64, input_scale = 1.0 : f64, input_signed = {1}, "
      "weight_bits = {2} : i64, weight_symmetric = {3}, weight_ints = {4} : "
      "{5}, weight_scales = dense<1.0> : {6}, weight_zero_points = {7} : {8}, "
      "weights = dense<0.0> : {9}",
      c.inputBits, c.inputSigned ? "true" : "false", c.weightBits,
      c.symmetric ? "true" : "false", denseInts(c.ints),
      tensorType({c.groups, c.k, c.n}, "i32"),
      tensorType({c.groups * c.n}, "f32"), denseInts(c.zeros),
      tensorType({c.groups * c.n}, "i32"),
      tensorType({c.groups, c.k, c.n}, "f32"));
  if (c.conv)
    attrs += llvm::formatv(
        ", kind = #cim<kind conv>, group = {0} : i64, kernel_shape = "
        "array<i64: {1}, {2}>, strides = array<i64: {3}, {3}>, dilations = "
        "array<i64: {4}, {4}>, pads_begin = array<i64: {5}, {5}>, pads_end = "
        "array<i64: {6}, {6}>",
        c.groups, c.kh, c.kw, c.stride, c.dilation, c.padBegin, c.padEnd);
  else
    attrs += ", kind = #cim<kind gemm>";
  return llvm::formatv("func.func @main(%x: {0}) -> {1} {{\n"
                       "  %0 = cim.layer \"l\" quantized %x {{{2}} : ({0}) -> {1}\n"
                       "  return %0 : {1}\n}\n",
                       in, out, attrs);
}

/// Draws the layer's shape (conv or gemm, as `c.conv` says: groups, batch,
/// channels, kernel, stride, dilation, padding, a feature map the window
/// fits) and its values (weights in the range of `weightBits` and
/// `symmetric`, zero points, integer inputs in the range of `inputBits`
/// and `inputSigned`).
inline void drawLayerShapeAndValues(std::mt19937_64 &rng, QuantizedLayer &c) {
  if (c.conv) {
    c.groups = uniformInt(rng, 1, 2);
    c.channels = c.groups * uniformInt(rng, 1, 3);
    c.batch = uniformInt(rng, 1, 2);
    c.kh = uniformInt(rng, 1, 3);
    c.kw = uniformInt(rng, 1, 3);
    c.stride = uniformInt(rng, 1, 2);
    c.dilation = uniformInt(rng, 1, 2);
    c.padBegin = uniformInt(rng, 0, 1);
    c.padEnd = uniformInt(rng, 0, 1);
    int64_t spanH = (c.kh - 1) * c.dilation + 1;
    int64_t spanW = (c.kw - 1) * c.dilation + 1;
    c.height = uniformInt(
        rng, std::max<int64_t>(1, spanH - c.padBegin - c.padEnd), 6);
    c.width = uniformInt(
        rng, std::max<int64_t>(1, spanW - c.padBegin - c.padEnd), 6);
    c.n = uniformInt(rng, 1, 4);
    c.k = c.channels / c.groups * c.kh * c.kw;
    int64_t oh = (c.height + c.padBegin + c.padEnd - spanH) / c.stride + 1;
    int64_t ow = (c.width + c.padBegin + c.padEnd - spanW) / c.stride + 1;
    c.outShape = {c.batch, c.groups * c.n, oh, ow};
  } else {
    c.k = uniformInt(rng, 1, 40);
    c.n = uniformInt(rng, 1, 12);
    c.m = uniformInt(rng, 1, 4);
    c.outShape = {c.m, c.n};
  }
  int64_t qmax = c.symmetric ? (int64_t{1} << (c.weightBits - 1)) - 1
                             : (int64_t{1} << c.weightBits) - 1;
  for (int64_t i = 0; i < c.groups * c.k * c.n; ++i)
    c.ints.push_back(uniformInt(rng, c.symmetric ? -qmax : 0, qmax));
  for (int64_t i = 0; i < c.groups * c.n; ++i)
    c.zeros.push_back(c.symmetric ? 0 : uniformInt(rng, 0, qmax));
  int64_t lo = c.inputSigned ? -((int64_t{1} << (c.inputBits - 1)) - 1) : 0;
  int64_t hi = c.inputSigned ? (int64_t{1} << (c.inputBits - 1)) - 1
                             : (int64_t{1} << c.inputBits) - 1;
  int64_t count =
      c.conv ? c.batch * c.channels * c.height * c.width : c.m * c.k;
  for (int64_t i = 0; i < count; ++i)
    c.inputs.push_back(uniformInt(rng, lo, hi));
}

} // namespace nncc::test

#endif // NNCC_TEST_UNIT_QUANTIZEDLAYER_H
