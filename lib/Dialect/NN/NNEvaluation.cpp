//===- NNEvaluation.cpp - The nn ops on host tensors ----------------------===//
//
// One case per op: resolve the attributes the kernel needs (through the same
// helpers shape inference uses) and call the kernel.  Kernels never allocate
// their result or decide shapes; the op's verified result type did.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/NN/NNEvaluation.h"

#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Runtime/Kernels.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

using namespace mlir;
using namespace nncc;
using runtime::Tensor;

namespace {

runtime::WindowParams toWindowParams(const nn::WindowGeometry &g) {
  runtime::WindowParams p;
  p.kernel = g.kernel;
  p.strides = g.strides;
  p.dilations = g.dilations;
  p.padsBegin = g.padsBegin;
  p.padsEnd = g.padsEnd;
  return p;
}

int64_t normalizedAxis(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// The reduced-dim flags of a verified reduce op.
template <typename ReduceOp> SmallVector<bool> reducedDims(ReduceOp op) {
  auto type = cast<RankedTensorType>(op.getData().getType());
  FailureOr<SmallVector<bool>> dims = nn::resolveReducedDims(
      std::nullopt, op.getAxes(), type.getRank(), op.getNoopWithEmptyAxes());
  assert(succeeded(dims) && "axes of a verified reduce op must resolve");
  return *dims;
}

} // namespace

bool nncc::nn::isReshapeLike(Operation *op) {
  return isa<nn::ReshapeOp, nn::FlattenOp, nn::SqueezeOp, nn::UnsqueezeOp>(op);
}

bool nncc::nn::evaluate(Operation *op,
                        llvm::function_ref<const Tensor &(Value)> get,
                        MutableArrayRef<Tensor> results) {
  assert(results.size() == op->getNumResults() && "one tensor per result");
  Tensor &out = results.front();
  auto optional = [&](Value v) { return v ? &get(v) : nullptr; };
  auto unary = [&](runtime::UnaryOpKind kind, Value x) {
    runtime::unary(kind, get(x), out);
    return true;
  };
  auto binary = [&](runtime::BinaryOpKind kind, Value a, Value b) {
    runtime::binary(kind, get(a), get(b), out);
    return true;
  };
  auto reduce = [&](runtime::ReduceKind kind, auto reduceOp) {
    runtime::reduce(kind, get(reduceOp.getData()), reducedDims(reduceOp), out);
    return true;
  };
  if (isReshapeLike(op)) {
    const Tensor &x = get(op->getOperand(0));
    if (x.byteSize() > 0)
      std::memcpy(out.raw(), x.raw(), x.byteSize());
    return true;
  }
  return llvm::TypeSwitch<Operation *, bool>(op)
      .Case([&](nn::ConvOp conv) {
        runtime::conv(get(conv.getX()), get(conv.getW()), optional(conv.getB()),
                      toWindowParams(nn::getWindowGeometry(conv)),
                      static_cast<int64_t>(conv.getGroup()), out);
        return true;
      })
      .Case([&](nn::GemmOp gemm) {
        runtime::gemm(get(gemm.getA()), get(gemm.getB()), optional(gemm.getC()),
                      gemm.getAlpha().convertToFloat(),
                      gemm.getBeta().convertToFloat(), gemm.getTransA(),
                      gemm.getTransB(), out);
        return true;
      })
      .Case([&](nn::MatMulOp mm) {
        runtime::matmul(get(mm.getA()), get(mm.getB()), out);
        return true;
      })
      .Case([&](nn::QuantizeLinearOp q) {
        const Tensor &x = get(q.getX());
        runtime::quantizeLinear(
            x, get(q.getYScale()), get(q.getYZeroPoint()),
            normalizedAxis(static_cast<int64_t>(q.getAxis()), x.rank()), out);
        return true;
      })
      .Case([&](nn::DequantizeLinearOp d) {
        const Tensor &x = get(d.getX());
        runtime::dequantizeLinear(
            x, get(d.getXScale()), get(d.getXZeroPoint()),
            normalizedAxis(static_cast<int64_t>(d.getAxis()), x.rank()), out);
        return true;
      })
      .Case([&](nn::DynamicQuantizeLinearOp d) {
        runtime::dynamicQuantizeLinear(get(d.getX()), results[0], results[1],
                                       results[2]);
        return true;
      })
      .Case([&](nn::MatMulIntegerOp mm) {
        runtime::matmulInteger(get(mm.getA()), get(mm.getB()),
                               get(mm.getAZeroPoint()),
                               get(mm.getBZeroPoint()), out);
        return true;
      })
      .Case([&](nn::ConvIntegerOp conv) {
        runtime::convInteger(get(conv.getX()), get(conv.getW()),
                             get(conv.getXZeroPoint()),
                             get(conv.getWZeroPoint()), /*bias=*/nullptr,
                             toWindowParams(nn::getWindowGeometry(conv)),
                             static_cast<int64_t>(conv.getGroup()), out);
        return true;
      })
      .Case([&](nn::QLinearConvOp conv) {
        // Integer convolution plus the int32 bias, then requantization
        // with x_scale * w_scale[filter] / y_scale (filters are dim 1).
        Tensor acc(runtime::DType::I32, out.shape());
        runtime::convInteger(get(conv.getX()), get(conv.getW()),
                             get(conv.getXZeroPoint()),
                             get(conv.getWZeroPoint()), optional(conv.getB()),
                             toWindowParams(nn::getWindowGeometry(conv)),
                             static_cast<int64_t>(conv.getGroup()), acc);
        runtime::requantize(acc, get(conv.getXScale()), /*axisA=*/1,
                            get(conv.getWScale()), /*axisB=*/1,
                            get(conv.getYScale()), get(conv.getYZeroPoint()),
                            out);
        return true;
      })
      .Case([&](nn::QLinearMatMulOp mm) {
        // A's scale is per row, the result's dim -2 (-1 when a 1-D B left
        // no column dim); B's per column, dim -1.  The scale of a 1-D
        // operand is a single number: its axis is never read.
        Tensor acc(runtime::DType::I32, out.shape());
        const Tensor &b = get(mm.getB());
        runtime::matmulInteger(get(mm.getA()), b, get(mm.getAZeroPoint()),
                               get(mm.getBZeroPoint()), acc);
        const int64_t rank = out.rank();
        runtime::requantize(
            acc, get(mm.getAScale()),
            std::max<int64_t>(rank - (b.rank() == 1 ? 1 : 2), 0),
            get(mm.getBScale()), std::max<int64_t>(rank - 1, 0),
            get(mm.getYScale()), get(mm.getYZeroPoint()), out);
        return true;
      })
      .Case([&](nn::ReluOp o) {
        return unary(runtime::UnaryOpKind::Relu, o.getX());
      })
      .Case([&](nn::SigmoidOp o) {
        return unary(runtime::UnaryOpKind::Sigmoid, o.getX());
      })
      .Case([&](nn::TanhOp o) {
        return unary(runtime::UnaryOpKind::Tanh, o.getX());
      })
      .Case([&](nn::ErfOp o) {
        return unary(runtime::UnaryOpKind::Erf, o.getX());
      })
      .Case([&](nn::SqrtOp o) {
        return unary(runtime::UnaryOpKind::Sqrt, o.getX());
      })
      .Case([&](nn::ExpOp o) {
        return unary(runtime::UnaryOpKind::Exp, o.getX());
      })
      .Case([&](nn::RoundOp o) {
        return unary(runtime::UnaryOpKind::Round, o.getX());
      })
      .Case([&](nn::LeakyReluOp l) {
        runtime::leakyRelu(get(l.getX()), l.getAlpha().convertToFloat(), out);
        return true;
      })
      .Case([&](nn::ClipOp c) {
        std::optional<double> lo, hi;
        if (auto v = c.getMin())
          lo = v->convertToDouble();
        if (auto v = c.getMax())
          hi = v->convertToDouble();
        runtime::clip(get(c.getInput()), lo, hi, out);
        return true;
      })
      .Case([&](nn::MaxPoolOp p) {
        runtime::maxPool(get(p.getX()),
                         toWindowParams(nn::getWindowGeometry(p)), out);
        return true;
      })
      .Case([&](nn::AveragePoolOp p) {
        runtime::averagePool(get(p.getX()),
                             toWindowParams(nn::getWindowGeometry(p)),
                             p.getCountIncludePad(), out);
        return true;
      })
      .Case([&](nn::GlobalAveragePoolOp p) {
        runtime::globalAveragePool(get(p.getX()), out);
        return true;
      })
      .Case([&](nn::BatchNormalizationOp bn) {
        runtime::batchNorm(get(bn.getX()), get(bn.getScale()), get(bn.getB()),
                           get(bn.getMean()), get(bn.getVar()),
                           bn.getEpsilon().convertToFloat(), out);
        return true;
      })
      .Case([&](nn::LayerNormalizationOp ln) {
        const Tensor &x = get(ln.getX());
        runtime::layerNorm(
            x, get(ln.getScale()), optional(ln.getB()),
            normalizedAxis(static_cast<int64_t>(ln.getAxis()), x.rank()),
            ln.getEpsilon().convertToFloat(), out);
        return true;
      })
      .Case([&](nn::SoftmaxOp s) {
        const Tensor &x = get(s.getInput());
        runtime::softmax(
            x, normalizedAxis(static_cast<int64_t>(s.getAxis()), x.rank()),
            out);
        return true;
      })
      .Case([&](nn::ReduceSumOp o) {
        return reduce(runtime::ReduceKind::Sum, o);
      })
      .Case([&](nn::ReduceMeanOp o) {
        return reduce(runtime::ReduceKind::Mean, o);
      })
      .Case([&](nn::ReduceMaxOp o) {
        return reduce(runtime::ReduceKind::Max, o);
      })
      .Case([&](nn::ReduceMinOp o) {
        return reduce(runtime::ReduceKind::Min, o);
      })
      .Case([&](nn::AddOp o) {
        return binary(runtime::BinaryOpKind::Add, o.getA(), o.getB());
      })
      .Case([&](nn::SubOp o) {
        return binary(runtime::BinaryOpKind::Sub, o.getA(), o.getB());
      })
      .Case([&](nn::MulOp o) {
        return binary(runtime::BinaryOpKind::Mul, o.getA(), o.getB());
      })
      .Case([&](nn::DivOp o) {
        return binary(runtime::BinaryOpKind::Div, o.getA(), o.getB());
      })
      .Case([&](nn::MinOp o) {
        return binary(runtime::BinaryOpKind::Min, o.getA(), o.getB());
      })
      .Case([&](nn::MaxOp o) {
        return binary(runtime::BinaryOpKind::Max, o.getA(), o.getB());
      })
      .Case([&](nn::PowOp o) {
        runtime::power(get(o.getX()), get(o.getY()), out);
        return true;
      })
      .Case([&](nn::EqualOp o) {
        runtime::equal(get(o.getA()), get(o.getB()), out);
        return true;
      })
      .Case([&](nn::WhereOp o) {
        runtime::where(get(o.getCondition()), get(o.getX()), get(o.getY()),
                       out);
        return true;
      })
      .Case([&](nn::CastOp o) {
        runtime::cast(get(o.getInput()), out);
        return true;
      })
      .Case([&](nn::ConcatOp c) {
        SmallVector<const Tensor *> ins;
        for (Value v : c.getInputs())
          ins.push_back(&get(v));
        runtime::concat(
            ins, normalizedAxis(static_cast<int64_t>(c.getAxis()), out.rank()),
            out);
        return true;
      })
      .Case([&](nn::GatherOp g) {
        const Tensor &data = get(g.getData());
        runtime::gather(
            data, get(g.getIndices()),
            normalizedAxis(static_cast<int64_t>(g.getAxis()), data.rank()),
            out);
        return true;
      })
      .Case([&](nn::SliceOp s) {
        nn::SliceGeometry geometry = nn::getSliceGeometry(s);
        runtime::slice(get(s.getData()), geometry.start, geometry.step, out);
        return true;
      })
      .Case([&](nn::ExpandOp e) {
        runtime::expand(get(e.getInput()), out);
        return true;
      })
      .Case([&](nn::TransposeOp t) {
        runtime::transpose(get(t.getData()), t.getPerm(), out);
        return true;
      })
      .Case([&](nn::PadOp p) {
        const Tensor &x = get(p.getData());
        ArrayRef<int64_t> pads = p.getPads();
        runtime::PadMode mode =
            p.getMode() == nn::PadMode::Reflect ? runtime::PadMode::Reflect
            : p.getMode() == nn::PadMode::Edge  ? runtime::PadMode::Edge
                                                : runtime::PadMode::Constant;
        runtime::pad(x, pads.take_front(x.rank()), pads.drop_front(x.rank()),
                     mode, p.getConstantValue().convertToDouble(), out);
        return true;
      })
      .Default([](Operation *) { return false; });
}
