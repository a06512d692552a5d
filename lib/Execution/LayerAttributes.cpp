//===- LayerAttributes.cpp - A cim.layer's attributes, read and checked ---===//
//
// Converts the layer's attributes once into CIMLayerRunner::Impl: the conv
// window, the bias, the quantization (centered integer weights q - z) and,
// for a partitioned layer, the bit-slicing and the body's interpreter.
//
//===----------------------------------------------------------------------===//
#include "CIMLayerImpl.h"

#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Support/Errors.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace nncc;
using runtime::DType;
using runtime::Tensor;

namespace {

/// An integer ElementsAttr as int64 values.
llvm::Expected<std::vector<int64_t>> readInts(ElementsAttr attr,
                                              StringRef name) {
  llvm::Expected<Tensor> t = elementsToTensor(attr);
  if (!t)
    return makeError("'" + name + "': " + llvm::toString(t.takeError()));
  if (runtime::isFloatingPoint(t->dtype()))
    return makeError("'" + name + "' must hold integers");
  std::vector<int64_t> out(static_cast<size_t>(t->numElements()));
  runtime::dispatchDType(t->dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *p = static_cast<const T *>(t->raw());
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<int64_t>(p[i]);
  });
  return out;
}

/// A numeric ElementsAttr as doubles.
llvm::Expected<std::vector<double>> readDoubles(ElementsAttr attr,
                                                StringRef name) {
  llvm::Expected<Tensor> t = elementsToTensor(attr);
  if (!t)
    return makeError("'" + name + "': " + llvm::toString(t.takeError()));
  std::vector<double> out(static_cast<size_t>(t->numElements()));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = t->getAsDouble(static_cast<int64_t>(i));
  return out;
}

} // namespace

llvm::Error CIMLayerRunner::Impl::init(cim::LayerOp layer) {
  op = layer;
  kind = layer.getKind();
  cim::LayerOp::MatrixShape shape = layer.getMatrixShape();
  groups = shape.groups;
  vectors = shape.vectors;
  depth = shape.depth;
  columns = shape.columns;
  auto inType = layer.getInput().getType();
  auto outType = layer.getOutput().getType();
  if (!inType.hasStaticShape() || !outType.hasStaticShape())
    return makeError("cim.layer '" + layer.getLayerName() +
                     "' must have static shapes");
  inShape.assign(inType.getShape().begin(), inType.getShape().end());
  outShape.assign(outType.getShape().begin(), outType.getShape().end());
  transInput = layer.getTransInput();
  weightsAttr = layer.getWeights();

  if (kind == cim::LayerKind::Conv) {
    int64_t spatial = static_cast<int64_t>(inShape.size()) - 2;
    if (spatial < 1 || spatial > 3)
      return makeError("conv layers have 1 to 3 spatial dims");
    batch = inShape[0];
    channels = inShape[1];
    // Empty strides, dilations or pads keep the defaults (1, 1, 0).
    auto fill = [&](ArrayRef<int64_t> src, std::array<int64_t, 3> &dst) {
      if (src.empty())
        return true;
      if (static_cast<int64_t>(src.size()) != spatial)
        return false;
      for (int64_t i = 0; i < spatial; ++i)
        dst[3 - spatial + i] = src[i];
      return true;
    };
    if (!fill(ArrayRef<int64_t>(inShape).drop_front(2), inputSize) ||
        !fill(ArrayRef<int64_t>(outShape).drop_front(2), outputSize) ||
        !fill(layer.getKernelShape(), kernel) ||
        !fill(layer.getStrides(), stride) ||
        !fill(layer.getDilations(), dilation) ||
        !fill(layer.getPadsBegin(), padBegin))
      return makeError("conv window attributes need one entry per spatial "
                       "dim");
    window.kernel.assign(layer.getKernelShape().begin(),
                         layer.getKernelShape().end());
    window.strides.assign(layer.getStrides().begin(), layer.getStrides().end());
    window.dilations.assign(layer.getDilations().begin(),
                            layer.getDilations().end());
    window.padsBegin.assign(layer.getPadsBegin().begin(),
                            layer.getPadsBegin().end());
    window.padsEnd.assign(layer.getPadsEnd().begin(), layer.getPadsEnd().end());
    if (window.padsBegin.empty())
      window.padsBegin.assign(spatial, 0);
    if (window.padsEnd.empty())
      window.padsEnd.assign(spatial, 0);
    if (channels % groups != 0 ||
        (channels / groups) * runtime::numElementsOf(kernel) != depth)
      return makeError("conv weights do not match C/group * prod(kernel)");
  }

  const int64_t outputs = groups * columns;
  if (auto b = layer.getBiasAttr()) {
    auto values = readDoubles(b, "bias");
    if (!values)
      return values.takeError();
    if (static_cast<int64_t>(values->size()) != outputs)
      return makeError("bias must have G*N elements");
    biasValues = std::move(*values);
    bias = Tensor(DType::F32, {outputs});
    float *bp = bias.data<float>();
    for (int64_t i = 0; i < outputs; ++i) {
      bp[i] = static_cast<float>(biasValues[i]);
      biasValues[i] = bp[i]; // exactly the f32 bias
    }
  } else {
    biasValues.assign(static_cast<size_t>(outputs), 0.0);
  }

  if (layer.isQuantized())
    if (llvm::Error err = initQuantization(layer))
      return err;
  if (layer.isPartitioned())
    if (llvm::Error err = initDatapath(layer))
      return err;
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::initQuantization(cim::LayerOp layer) {
  if (!layer.getInputBits() || !layer.getInputScale() ||
      !layer.getWeightScalesAttr() || !layer.getWeightZeroPointsAttr())
    return makeError("quantization attributes are incomplete");
  quantized = true;
  inputBits = static_cast<int64_t>(*layer.getInputBits());
  inputScale = layer.getInputScale()->convertToDouble();
  inputSigned = layer.getInputSigned().value_or(false);
  if (inputBits < 1 || inputBits > 16)
    return makeError("input_bits must be in [1, 16]");
  if (!(inputScale > 0) || !std::isfinite(inputScale))
    return makeError("input_scale must be positive and finite");
  if (inputSigned) {
    inputMax = static_cast<int32_t>((int64_t{1} << (inputBits - 1)) - 1);
    inputMin = -inputMax;
  } else {
    inputMin = 0;
    inputMax = static_cast<int32_t>((int64_t{1} << inputBits) - 1);
  }

  auto q = readInts(layer.getWeightIntsAttr(), "weight_ints");
  if (!q)
    return q.takeError();
  auto z = readInts(layer.getWeightZeroPointsAttr(), "weight_zero_points");
  if (!z)
    return z.takeError();
  auto s = readDoubles(layer.getWeightScalesAttr(), "weight_scales");
  if (!s)
    return s.takeError();
  if (static_cast<int64_t>(q->size()) != groups * depth * columns ||
      static_cast<int64_t>(z->size()) != groups * columns ||
      static_cast<int64_t>(s->size()) != groups * columns)
    return makeError("weight_ints must be [G, K, N], weight_zero_points and "
                     "weight_scales [G*N]");
  weightScales = std::move(*s);
  centeredWeights.resize(q->size());
  maxAbsWeight = 0;
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t n = 0; n < columns; ++n) {
        int64_t i = (g * depth + k) * columns + n;
        int64_t value = (*q)[i] - (*z)[g * columns + n];
        if (value < std::numeric_limits<int32_t>::min() / 2 ||
            value > std::numeric_limits<int32_t>::max() / 2)
          return makeError("weight_ints - weight_zero_points out of range");
        centeredWeights[i] = static_cast<int32_t>(value);
        maxAbsWeight =
            std::max<int64_t>(maxAbsWeight, value < 0 ? -value : value);
      }
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::initDatapath(cim::LayerOp layer) {
  if (!quantized)
    return makeError("a partitioned layer must be quantized");
  if (!layer.getSignedScheme() || !layer.getBitsPerCell() ||
      !layer.getWeightSlices() || !layer.getDacBits() ||
      !layer.getInputCycles())
    return makeError("a partitioned layer needs signed_scheme, bits_per_cell, "
                     "weight_slices, dac_bits and input_cycles");
  partitioned = true;
  scheme = *layer.getSignedScheme();
  bitsPerCell = static_cast<int64_t>(*layer.getBitsPerCell());
  weightSlices = static_cast<int64_t>(*layer.getWeightSlices());
  dacBits = static_cast<int64_t>(*layer.getDacBits());
  inputCycles = static_cast<int64_t>(*layer.getInputCycles());
  if (bitsPerCell < 1 || bitsPerCell > 16 || weightSlices < 1 ||
      bitsPerCell * weightSlices > 40 || dacBits < 1 || dacBits > 16 ||
      inputCycles < 1 || inputCycles * dacBits < inputBits ||
      inputCycles * dacBits > 62)
    return makeError("bad bit-slicing attributes");
  if (scheme == cim::SignedScheme::OffsetReference) {
    if (!layer.getWeightOffsetsAttr())
      return makeError("the offset scheme needs weight_offsets");
    auto o = readInts(layer.getWeightOffsetsAttr(), "weight_offsets");
    if (!o)
      return o.takeError();
    if (static_cast<int64_t>(o->size()) != groups * columns)
      return makeError("weight_offsets must have G*N elements");
    weightOffsets = std::move(*o);
  }
  // Every stored value must fit the slices, or no datapath can reproduce
  // the integer semantics.
  const int64_t limit = int64_t{1} << (bitsPerCell * weightSlices);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t n = 0; n < columns; ++n) {
        int64_t value = centeredWeights[(g * depth + k) * columns + n];
        int64_t stored = scheme == cim::SignedScheme::OffsetReference
                             ? value + weightOffsets[g * columns + n]
                             : (value < 0 ? -value : value);
        if (stored < 0 || stored >= limit)
          return makeError(llvm::formatv(
              "cim.layer '{0}': stored weight {1} (group {2}, row {3}, "
              "column {4}) does not fit {5} slices of {6} bits",
              layer.getLayerName(), stored, g, k, n, weightSlices,
              bitsPerCell));
      }

  llvm::Expected<BodyInterpreter> interpreter = BodyInterpreter::create(layer);
  if (!interpreter)
    return interpreter.takeError();
  body.emplace(std::move(*interpreter));
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::checkInput(const Tensor &input) const {
  if (input.dtype() != DType::F32 ||
      input.shape() != ArrayRef<int64_t>(inShape))
    return makeError(llvm::formatv(
        "cim.layer '{0}' takes f32 {1}, got {2} {3}", getLayer().getLayerName(),
        formatShape(inShape), runtime::dtypeName(input.dtype()),
        formatShape(input.shape())));
  return llvm::Error::success();
}

llvm::Error CIMLayerRunner::Impl::prepareOutput(Tensor &output) const {
  if (output.empty()) {
    output = Tensor(DType::F32, outShape);
    return llvm::Error::success();
  }
  if (output.dtype() != DType::F32 ||
      output.shape() != ArrayRef<int64_t>(outShape))
    return makeError(llvm::formatv(
        "cim.layer '{0}' produces f32 {1}, the "
        "output is {2} {3}",
        getLayer().getLayerName(), formatShape(outShape),
        runtime::dtypeName(output.dtype()), formatShape(output.shape())));
  return llvm::Error::success();
}
