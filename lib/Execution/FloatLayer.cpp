//===- FloatLayer.cpp - Float mode: the layer as its conv or gemm ---------===//
//
// Float mode reuses the runtime's conv / gemm kernels on an ONNX-layout copy
// of the float weights [G, K, N], built by the first Float run.
//
//===----------------------------------------------------------------------===//
#include "CIMLayerImpl.h"

#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Support/Errors.h"

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

llvm::Error CIMLayerRunner::Impl::prepareFloat() const {
  std::call_once(floatOnce, [&] {
    llvm::Expected<Tensor> w = elementsToTensor(weightsAttr);
    if (!w) {
      floatError = llvm::toString(w.takeError());
      return;
    }
    if (w->dtype() != DType::F32 ||
        w->numElements() != groups * depth * columns) {
      floatError = "weights must be f32 [G, K, N]";
      return;
    }
    if (kind == cim::LayerKind::Gemm) {
      floatWeights = w->reshaped({depth, columns});
      return;
    }
    // [G, K, N] -> [G*N, C/G, kernel...]: output channel g*N + n, flattened
    // (channel, kernel...) index k.
    SmallVector<int64_t> shape{groups * columns, channels / groups};
    shape.append(window.kernel.begin(), window.kernel.end());
    Tensor onnx(DType::F32, shape);
    const float *src = w->data<float>();
    float *dst = onnx.data<float>();
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t k = 0; k < depth; ++k)
        for (int64_t n = 0; n < columns; ++n)
          dst[(g * columns + n) * depth + k] =
              src[(g * depth + k) * columns + n];
    floatWeights = std::move(onnx);
  });
  if (!floatError.empty())
    return makeError(floatError);
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::runFloat(const Tensor &input,
                                           Tensor &output) const {
  if (llvm::Error err = prepareFloat())
    return err;
  const Tensor *b = bias.empty() ? nullptr : &bias;
  if (kind == cim::LayerKind::Conv)
    runtime::conv(input, floatWeights, b, window, groups, output);
  else
    runtime::gemm(input, floatWeights, b, 1.0f, 1.0f, transInput, false,
                  output);
  return llvm::Error::success();
}
