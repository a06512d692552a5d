//===- Executor.cpp - Float reference executor of the nn dialect ----------===//
#include "nncc/Execution/Executor.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Errors.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/ProductOperandRanges.h"
#include "nncc/Dialect/NN/NNEvaluation.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/Utils/TensorElements.h"
#include "nncc/Runtime/Kernels.h"
#include "nncc/Runtime/QuantizedMatMul.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
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

/// A product of two activations as a `bits`-bit integer MAC array computes
/// it, with the operand ranges the compile recorded on `matmul`.
llvm::Error runOnIntegerMacArray(nn::MatMulOp matmul, int64_t bits,
                                 const Tensor &a, const Tensor &b,
                                 Tensor &out) {
  std::string node = nodeNameOf(matmul.getLoc());
  std::string what = node.empty() ? "nn.matmul" : "nn.matmul '" + node + "'";
  std::optional<cim::OperandRanges> ranges = cim::getOperandRanges(matmul);
  if (!ranges)
    return makeError(
        what + ": the MAC array quantizes its operands with calibrated ranges, "
        "which the program does not record (" +
        cim::kOperandRangesAttrName.str() +
        "); compile the model again with this nncc");
  if (a.dtype() != runtime::DType::F32 || b.dtype() != runtime::DType::F32)
    return makeError(what + ": the MAC array takes f32 activations");
  runtime::quantizedMatMul(
      a, b, runtime::SymmetricQuantizer::forRange(ranges->a, bits),
      runtime::SymmetricQuantizer::forRange(ranges->b, bits), out);
  return llvm::Error::success();
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
    } else if (!isa<func::ReturnOp>(op) && !nn::isReshapeLike(&op) &&
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
      if (nn::isReshapeLike(&op)) {
        env[result] = get(op.getOperand(0))
                          .reshaped(cast<RankedTensorType>(result.getType())
                                        .getShape());
      } else {
        // One tensor per result (dynamic_quantize_linear has three).
        SmallVector<Tensor, 1> outs;
        for (Type type : op.getResultTypes()) {
          auto ranked = cast<RankedTensorType>(type);
          llvm::Expected<runtime::DType> dtype =
              dtypeForElementType(ranked.getElementType());
          if (!dtype)
            return dtype.takeError();
          outs.emplace_back(*dtype, ranked.getShape());
        }
        if (auto it = cimLayers.find(&op); it != cimLayers.end()) {
          if (llvm::Error err =
                  layerHook ? layerHook(&op, *it->second,
                                        get(op.getOperand(0)), outs.front())
                            : it->second->run(get(op.getOperand(0)),
                                              outs.front(), cimMode))
            return std::move(err);
        } else if (auto matmul = dyn_cast<nn::MatMulOp>(op);
                   matmul && macArrayBits) {
          if (llvm::Error err =
                  runOnIntegerMacArray(matmul, *macArrayBits,
                                       get(matmul.getA()), get(matmul.getB()),
                                       outs.front()))
            return std::move(err);
        } else if (!nn::evaluate(&op, get, outs))
          return makeError("the executor cannot run '" +
                           op.getName().getStringRef() + "'");
        for (auto [value, out] : llvm::zip(op.getResults(), outs))
          env[value] = std::move(out);
      }
    }
    for (Value dead : lastUses[index])
      env.erase(dead);
    ++index;
  }
  return results;
}

llvm::Error Executor::runSamples(const Tensor &samples, int64_t count,
                                 OpObserver observer) const {
  if (inputs.size() != 1)
    return makeError("the model must have one input");
  const TensorSignature &in = inputs.front();
  int64_t batch = in.shape.empty() ? 1 : in.shape.front();
  int64_t perSample = runtime::numElementsOf(in.shape) / batch;
  const float *src = samples.data<float>();
  for (int64_t first = 0; first + batch <= count; first += batch) {
    Tensor x(runtime::DType::F32, in.shape);
    std::copy(src + first * perSample, src + (first + batch) * perSample,
              x.data<float>());
    // Samples load as f32; a model that takes integers (token ids) gets
    // them converted, exactly for the integers an f32 holds (< 2^24).
    if (in.dtype != runtime::DType::F32) {
      Tensor typed(in.dtype, in.shape);
      runtime::cast(x, typed);
      x = std::move(typed);
    }
    llvm::Expected<std::vector<Tensor>> out = run({x}, observer);
    if (!out)
      return out.takeError();
  }
  return llvm::Error::success();
}
