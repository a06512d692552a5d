//===- Executor.cpp - Float reference executor of the nn dialect ----------===//
#include "nncc/Execution/Executor.h"
#include "nncc/Support/Errors.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Runtime/Kernels.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace nncc;
using runtime::Tensor;

namespace {

llvm::Expected<TensorSignature> signatureOf(Type type, StringAttr name,
                                            StringRef fallback) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return makeError("@main must take and return statically shaped tensors");
  llvm::Expected<runtime::DType> dtype =
      dtypeForElementType(ranked.getElementType());
  if (!dtype)
    return dtype.takeError();
  return TensorSignature{name ? name.str() : fallback.str(), *dtype,
                         SmallVector<int64_t>(ranked.getShape())};
}

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

/// Runs one op: `get` maps operands to tensors, `out` is preallocated from
/// the op's result type.  Returns false for ops the executor does not know.
bool runOp(Operation *op, llvm::function_ref<const Tensor &(Value)> get,
           Tensor &out) {
  auto optional = [&](Value v) { return v ? &get(v) : nullptr; };
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
      .Case([&](nn::ReluOp relu) {
        runtime::unary(runtime::UnaryOpKind::Relu, get(relu.getX()), out);
        return true;
      })
      .Case([&](nn::SigmoidOp s) {
        runtime::unary(runtime::UnaryOpKind::Sigmoid, get(s.getX()), out);
        return true;
      })
      .Case([&](nn::TanhOp t) {
        runtime::unary(runtime::UnaryOpKind::Tanh, get(t.getX()), out);
        return true;
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
      .Case([&](nn::SoftmaxOp s) {
        const Tensor &x = get(s.getInput());
        runtime::softmax(x, normalizedAxis(static_cast<int64_t>(s.getAxis()),
                                           x.rank()),
                         out);
        return true;
      })
      .Case([&](nn::AddOp o) {
        runtime::binary(runtime::BinaryOpKind::Add, get(o.getA()), get(o.getB()), out);
        return true;
      })
      .Case([&](nn::SubOp o) {
        runtime::binary(runtime::BinaryOpKind::Sub, get(o.getA()), get(o.getB()), out);
        return true;
      })
      .Case([&](nn::MulOp o) {
        runtime::binary(runtime::BinaryOpKind::Mul, get(o.getA()), get(o.getB()), out);
        return true;
      })
      .Case([&](nn::DivOp o) {
        runtime::binary(runtime::BinaryOpKind::Div, get(o.getA()), get(o.getB()), out);
        return true;
      })
      .Case([&](nn::ConcatOp c) {
        SmallVector<const Tensor *> ins;
        for (Value v : c.getInputs())
          ins.push_back(&get(v));
        runtime::concat(ins, normalizedAxis(static_cast<int64_t>(c.getAxis()),
                                            out.rank()),
                        out);
        return true;
      })
      .Case([&](nn::TransposeOp t) {
        runtime::transpose(get(t.getData()), t.getPerm(), out);
        return true;
      })
      .Case([&](nn::PadOp p) {
        const Tensor &x = get(p.getData());
        ArrayRef<int64_t> pads = p.getPads();
        runtime::PadMode mode = p.getMode() == nn::PadMode::Reflect
                                    ? runtime::PadMode::Reflect
                                : p.getMode() == nn::PadMode::Edge
                                    ? runtime::PadMode::Edge
                                    : runtime::PadMode::Constant;
        runtime::pad(x, pads.take_front(x.rank()), pads.drop_front(x.rank()),
                     mode, p.getConstantValue().convertToDouble(), out);
        return true;
      })
      .Default([](Operation *) { return false; });
}

/// Ops that only reinterpret the shape: the result shares the operand's
/// storage.
bool isReshapeLike(Operation *op) {
  return isa<nn::ReshapeOp, nn::FlattenOp, nn::SqueezeOp, nn::UnsqueezeOp>(op);
}

} // namespace

llvm::Expected<Executor> Executor::create(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || main.getBody().empty())
    return makeError("the module has no function @main");
  Executor executor;
  executor.function = main;
  for (auto [i, type] : llvm::enumerate(main.getArgumentTypes())) {
    auto sig = signatureOf(type, main.getArgAttrOfType<StringAttr>(i, kOnnxNameAttr),
                           "arg" + std::to_string(i));
    if (!sig)
      return sig.takeError();
    executor.inputs.push_back(std::move(*sig));
  }
  for (auto [i, type] : llvm::enumerate(main.getResultTypes())) {
    auto sig = signatureOf(
        type, main.getResultAttrOfType<StringAttr>(i, kOnnxNameAttr),
        "result" + std::to_string(i));
    if (!sig)
      return sig.takeError();
    executor.outputs.push_back(std::move(*sig));
  }

  Block &body = main.getBody().front();
  llvm::DenseMap<Value, size_t> lastUse;
  size_t index = 0;
  for (Operation &op : body) {
    if (auto constant = dyn_cast<nn::ConstantOp>(op)) {
      llvm::Expected<Tensor> tensor = elementsToTensor(constant.getValue());
      if (!tensor)
        return tensor.takeError();
      executor.constants[&op] = std::move(*tensor);
    } else if (auto layer = dyn_cast<cim::LayerOp>(op)) {
      llvm::Expected<CIMLayerRunner> runner = CIMLayerRunner::create(layer);
      if (!runner)
        return runner.takeError();
      executor.cimLayers[&op] =
          std::make_shared<const CIMLayerRunner>(std::move(*runner));
    } else if (!isa<func::ReturnOp>(op) && !isReshapeLike(&op) &&
               op.getDialect() !=
                   module.getContext()->getLoadedDialect<nn::NNDialect>()) {
      return makeError("the executor cannot run '" +
                       op.getName().getStringRef() + "'");
    }
    for (Value operand : op.getOperands())
      lastUse[operand] = index;
    ++index;
  }
  executor.lastUses.resize(index);
  for (auto [value, at] : lastUse)
    executor.lastUses[at].push_back(value);
  return executor;
}

llvm::Expected<std::vector<Tensor>>
Executor::run(ArrayRef<Tensor> args, OpObserver observer,
              CIMLayerHook layerHook) const {
  auto main = cast<func::FuncOp>(function);
  if (args.size() != inputs.size())
    return makeError(llvm::formatv("the model takes {0} inputs, got {1}",
                                   inputs.size(), args.size()));
  llvm::DenseMap<Value, Tensor> env;
  for (auto [i, sig] : llvm::enumerate(inputs)) {
    if (args[i].dtype() != sig.dtype ||
        args[i].shape() != ArrayRef<int64_t>(sig.shape))
      return makeError(llvm::formatv(
          "input '{0}' is {1} {2}, the model expects {3} {4}", sig.name,
          runtime::dtypeName(args[i].dtype()), formatShape(args[i].shape()),
          runtime::dtypeName(sig.dtype), formatShape(sig.shape)));
    env[main.getArgument(i)] = args[i];
  }
  auto get = [&](Value v) -> const Tensor & {
    auto it = env.find(v);
    if (it != env.end())
      return it->second;
    return constants.find(v.getDefiningOp())->second;
  };

  std::vector<Tensor> results;
  size_t index = 0;
  for (Operation &op : main.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands())
        results.push_back(get(v));
      break;
    }
    if (!isa<nn::ConstantOp>(op)) {
      if (observer) {
        SmallVector<const Tensor *, 4> operands;
        for (Value v : op.getOperands())
          operands.push_back(&get(v));
        observer(&op, operands);
      }
      Value result = op.getResult(0);
      auto type = cast<RankedTensorType>(result.getType());
      if (isReshapeLike(&op)) {
        env[result] = get(op.getOperand(0)).reshaped(type.getShape());
      } else {
        llvm::Expected<runtime::DType> dtype =
            dtypeForElementType(type.getElementType());
        if (!dtype)
          return dtype.takeError();
        Tensor out(*dtype, type.getShape());
        if (auto it = cimLayers.find(&op); it != cimLayers.end()) {
          if (llvm::Error err =
                  layerHook
                      ? layerHook(&op, *it->second, get(op.getOperand(0)), out)
                      : it->second->run(get(op.getOperand(0)), out, cimMode))
            return std::move(err);
        } else if (!runOp(&op, get, out))
          return makeError("the executor cannot run '" +
                           op.getName().getStringRef() + "'");
        env[result] = std::move(out);
      }
    }
    for (Value dead : lastUses[index])
      env.erase(dead);
    ++index;
  }
  return results;
}
