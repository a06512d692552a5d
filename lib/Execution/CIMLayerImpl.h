//===- CIMLayerImpl.h - A cim.layer prepared for execution ------*- C++ -*-===//
//
// The state behind a CIMLayerRunner (include/nncc/Execution/
// CIMLayerExecution.h) and the declarations its files share.  One concern
// per file:
//   LayerAttributes.cpp   reading and checking the layer's attributes
//   FloatLayer.cpp        Float mode (runtime conv / gemm)
//   Quantization.cpp      input quantization, im2col, dequantization
//   IntegerReference.cpp  Integer mode: exact int64 accumulators
//   IdealArrayReader.cpp  the datapath's ideal cim.mvm / cim.adc reads
//   DatapathLayer.cpp     Datapath mode: the body on blocks of vectors
//   CIMLayerExecution.cpp the CIMLayerRunner facade
// The body ops themselves are evaluated by BodyInterpreter and
// lib/Dialect/CIM/BodyOpSemantics.cpp, shared with the simulator.
//
// Names: the layer is a matrix problem of `groups` (G) weight matrices,
// each multiplied with `vectors` (P) im2col rows of `depth` (K) entries,
// producing `columns` (N) outputs per group.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_EXECUTION_CIMLAYERIMPL_H
#define NNCC_LIB_EXECUTION_CIMLAYERIMPL_H

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Execution/BodyInterpreter.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Runtime/Kernels.h"

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace nncc {

/// Products and partial sums of small integers are exact in f32 while every
/// |partial sum| stays below 2^24, whatever the summation order (and with
/// FMA): the bound under which the integer paths may use the SGEMM.
constexpr int64_t kExactF32 = int64_t{1} << 24;

struct IdealTile;

struct CIMLayerRunner::Impl {
  CIMRunnerOptions options;
  mlir::Operation *op = nullptr;
  cim::LayerOp getLayer() const { return llvm::cast<cim::LayerOp>(op); }
  cim::LayerKind kind = cim::LayerKind::Conv;
  int64_t groups = 0, vectors = 0, depth = 0, columns = 0;
  llvm::SmallVector<int64_t> inShape, outShape;

  // Conv geometry with the spatial dims padded to three (depth, height,
  // width); unit dims have kernel 1, stride 1, dilation 1, no padding.
  int64_t batch = 1, channels = 0;
  std::array<int64_t, 3> inputSize{1, 1, 1}, outputSize{1, 1, 1},
      kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1}, padBegin{0, 0, 0};
  runtime::WindowParams window;
  bool transInput = false;

  runtime::Tensor bias; // f32 [groups * columns], empty without bias
  std::vector<double> biasValues;

  mlir::ElementsAttr weightsAttr;
  // ONNX-layout float weights, built by the first Float run.
  mutable std::once_flag floatOnce;
  mutable runtime::Tensor floatWeights;
  mutable std::string floatError;

  // Quantization (Integer and Datapath).
  bool quantized = false;
  int64_t inputBits = 0;
  double inputScale = 1;
  bool inputSigned = false;
  int32_t inputMin = 0, inputMax = 0;
  /// q - z, [groups, depth, columns].
  std::vector<int32_t> centeredWeights;
  int64_t maxAbsWeight = 0;
  // centeredWeights as f32 [kc, columns] matrices for the exact GEMM path,
  // one per group and chunk of gemmChunk() rows of the depth, built on
  // first use (a simulation runs the integer reference of every layer
  // for every image).
  mutable std::once_flag weightChunksOnce;
  mutable std::vector<runtime::Tensor> weightChunks;
  std::vector<double> weightScales;

  // Datapath.
  bool partitioned = false;
  cim::SignedScheme scheme = cim::SignedScheme::DifferentialColumns;
  int64_t bitsPerCell = 0, weightSlices = 0, dacBits = 0, inputCycles = 0;
  std::vector<int64_t> weightOffsets; // [groups * columns], offset scheme
  std::optional<BodyInterpreter> body;

  // LayerAttributes.cpp
  llvm::Error init(cim::LayerOp layer);
  llvm::Error initQuantization(cim::LayerOp layer);
  llvm::Error initDatapath(cim::LayerOp layer);
  llvm::Error checkInput(const runtime::Tensor &input) const;
  llvm::Error prepareOutput(runtime::Tensor &output) const;

  // FloatLayer.cpp
  llvm::Error prepareFloat() const;
  llvm::Error runFloat(const runtime::Tensor &input,
                       runtime::Tensor &output) const;

  // Quantization.cpp
  /// The input quantized, i32 of the input's shape.
  runtime::Tensor quantizeInput(const runtime::Tensor &input) const;
  /// Rows [pBegin, pEnd) of group g's im2col matrix from the quantized
  /// input, into dst [pEnd - pBegin, depth] (T = int32_t or float).
  template <typename T>
  void gather(const int32_t *xq, int64_t g, int64_t pBegin, int64_t pEnd,
              T *dst) const;
  /// The same rows transposed, each entry's vectors contiguous: dst
  /// [depth, pEnd - pBegin].
  void gatherLanes(const int32_t *xq, int64_t g, int64_t pBegin, int64_t pEnd,
                   int32_t *dst) const;
  struct Tap;
  /// A convolution's im2col entries (Quantization.cpp).
  std::vector<Tap> taps() const;
  runtime::Tensor quantizeIm2col(const runtime::Tensor &input) const;
  void dequantize(const runtime::Tensor &acc, runtime::Tensor &output) const;

  // IntegerReference.cpp
  /// Integer accumulators straight from the input (Integer mode).
  runtime::Tensor integerFromInput(const runtime::Tensor &input) const;
  runtime::Tensor integerAccumulators(const runtime::Tensor &xq) const;
  /// Whether the exact f32 GEMM path applies, and its chunk of depth.
  int64_t gemmChunk() const;
  /// centeredWeights[g, k0 : k0 + gemmChunk(), :] as an f32 [kc, columns]
  /// matrix (kc: what is left of the depth, at most gemmChunk()).
  const runtime::Tensor &weightChunk(int64_t g, int64_t k0) const;
  /// og [rows, columns] += a [rows, kc] x b [kc, columns] by exact SGEMM.
  void gemmAccumulate(const runtime::Tensor &a, const runtime::Tensor &b,
                      int64_t *og) const;

  // IdealArrayReader.cpp
  /// The cell digits of `mvm`'s tile, laid out for reads of blocks of
  /// `blockVectors` vectors.
  llvm::Error prepareTile(cim::MVMOp mvm, int64_t blockVectors,
                          IdealTile &tile) const;

  // DatapathLayer.cpp
  llvm::Expected<runtime::Tensor> datapath(const runtime::Tensor &xq,
                                           CIMBodyObserver observer) const;
};

} // namespace nncc

#endif // NNCC_LIB_EXECUTION_CIMLAYERIMPL_H
