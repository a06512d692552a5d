//===- FloatLayer.cpp - Float mode: the layer as its conv or gemm ---------===//
//
// Float mode reuses the runtime's conv / gemm kernels on the float weights
// [G, K, N]: a gemm reads them in place, a conv from an ONNX-layout copy
// built by the first Float run.
//
//===----------------------------------------------------------------------===//
#include "CIMLayerImpl.h"

#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/Errors.h"

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

llvm::Error CIMLayerRunner::Impl::prepareFloat() const {
  std::call_once(floatOnce, [&] {
    // The weights in place where the attribute has a plain f32 buffer (a
    // copy of VGG-8's would fault in 52 MB), else a copy.
    Tensor copy;
    const float *src = nullptr;
    if (std::optional<ArrayRef<float>> view = getF32Storage(weightsAttr)) {
      if (static_cast<int64_t>(view->size()) == groups * depth * columns)
        src = view->data();
    } else if (llvm::Expected<Tensor> w = elementsToTensor(weightsAttr)) {
      if (w->dtype() == DType::F32 &&
          w->numElements() == groups * depth * columns) {
        copy = std::move(*w);
        src = copy.data<float>();
      }
    } else {
      floatError = llvm::toString(w.takeError());
      return;
    }
    if (!src) {
      floatError = "weights must be f32 [G, K, N]";
      return;
    }
    if (kind == cim::LayerKind::Gemm) {
      floatWeights = copy.empty()
                         ? Tensor::borrowing(DType::F32, {depth, columns}, src)
                         : copy.reshaped({depth, columns});
      return;
    }
    // [G, K, N] -> [G*N, C/G, kernel...]: output channel g*N + n, flattened
    // (channel, kernel...) index k.
    SmallVector<int64_t> shape{groups * columns, channels / groups};
    shape.append(window.kernel.begin(), window.kernel.end());
    Tensor onnx = Tensor::uninitialized(DType::F32, shape);
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
