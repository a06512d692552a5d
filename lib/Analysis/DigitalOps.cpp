//===- DigitalOps.cpp - What the cores' digital units do ------------------===//
#include "nncc/Analysis/DigitalOps.h"

#include "nncc/Analysis/ModelSummary.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <map>

using namespace mlir;
using namespace nncc;

DigitalOpClass nncc::classifyDigitalOp(Operation *op) {
  return llvm::TypeSwitch<Operation *, DigitalOpClass>(op)
      .Case<nn::ReluOp, nn::SigmoidOp, nn::TanhOp, nn::LeakyReluOp, nn::ClipOp,
            nn::SoftmaxOp, nn::ErfOp, nn::ExpOp, nn::SqrtOp>(
          [](auto) { return DigitalOpClass::Activation; })
      .Case<nn::MaxPoolOp, nn::AveragePoolOp, nn::GlobalAveragePoolOp>(
          [](auto) { return DigitalOpClass::Pooling; })
      .Case<nn::AddOp, nn::SubOp, nn::MulOp, nn::DivOp, nn::PowOp,
            nn::EqualOp, nn::WhereOp, nn::BatchNormalizationOp,
            nn::LayerNormalizationOp, nn::ReduceMeanOp, nn::ReduceSumOp,
            nn::ReduceMaxOp, nn::ReduceMinOp, nn::MinOp, nn::MaxOp,
            nn::RoundOp, nn::QuantizeLinearOp, nn::DequantizeLinearOp,
            nn::DynamicQuantizeLinearOp>(
          [](auto) { return DigitalOpClass::Elementwise; })
      // A gather is an indexed read (an embedding lookup): data movement,
      // no arithmetic; a cast reinterprets codes the cores already hold.
      .Case<nn::ConstantOp, nn::ConcatOp, nn::FlattenOp, nn::ReshapeOp,
            nn::TransposeOp, nn::PadOp, nn::SqueezeOp, nn::UnsqueezeOp,
            nn::SliceOp, nn::ExpandOp, nn::GatherOp, nn::CastOp>(
          [](auto) { return DigitalOpClass::Layout; })
      // Lowering turns every product with constant weights into a
      // cim.layer; what is left multiplies two activations.
      // The integer products stand for what the lowering has not
      // rewritten onto the arrays: multiply-accumulates like the others.
      .Case<nn::MatMulOp, nn::GemmOp, nn::MatMulIntegerOp, nn::QLinearMatMulOp,
            nn::ConvIntegerOp, nn::QLinearConvOp>(
          [](auto) { return DigitalOpClass::Product; })
      .Default([](Operation *) { return DigitalOpClass::Other; });
}

bool nncc::coreRuns(DigitalOpClass opClass, const target::TargetChip &chip) {
  switch (opClass) {
  case DigitalOpClass::Activation:
    return chip.core.sfuActivation;
  case DigitalOpClass::Pooling:
    return chip.core.sfuPooling;
  case DigitalOpClass::Elementwise:
    return chip.core.sfuElementwise;
  case DigitalOpClass::Layout:
    return true;
  case DigitalOpClass::Product:
    return chip.core.macsPerClock > 0;
  case DigitalOpClass::Other:
    return false;
  }
  return false;
}

int64_t nncc::digitalOpsPerInference(Operation *op) {
  DigitalOpClass opClass = classifyDigitalOp(op);
  if (opClass == DigitalOpClass::Layout || op->getNumResults() == 0)
    return 0;
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape())
    return 0;
  // Per inference: the batch is dimension 0 of the function's first input
  // (--batch), not of the op's result, which exporters reshape (attention
  // folds the heads into dimension 0).
  int64_t batch = 1;
  if (auto func = op->getParentOfType<func::FuncOp>();
      func && func.getNumArguments() > 0)
    if (auto in = dyn_cast<RankedTensorType>(func.getArgument(0).getType());
        in && in.getRank() > 0 && in.getDimSize(0) > 0)
      batch = in.getDimSize(0);
  if (opClass == DigitalOpClass::Product)
    return std::max<int64_t>(macsOf(op) / batch, 1);
  int64_t elements =
      std::max<int64_t>(ShapedType::getNumElements(type.getShape()) / batch, 1);
  int64_t perElement =
      llvm::TypeSwitch<Operation *, int64_t>(op)
          .Case<nn::MaxPoolOp, nn::AveragePoolOp>([](auto pool) {
            return ShapedType::getNumElements(pool.getKernelShape());
          })
          .Case([](nn::GlobalAveragePoolOp pool) {
            auto in = cast<RankedTensorType>(pool.getX().getType());
            return in.getRank() > 2
                       ? ShapedType::getNumElements(in.getShape().drop_front(2))
                       : int64_t{1};
          })
          .Case([](nn::SoftmaxOp) { return int64_t{3}; })
          // Divide, round, add the zero point and saturate.
          .Case([](nn::QuantizeLinearOp) { return int64_t{3}; })
          // Subtract the zero point and scale.
          .Case([](nn::DequantizeLinearOp) { return int64_t{2}; })
          // The range (a min and a max) and the quantization.
          .Case([](nn::DynamicQuantizeLinearOp) { return int64_t{5}; })
          .Case([](nn::BatchNormalizationOp) { return int64_t{2}; })
          // Per element: add into the mean, subtract it, square-accumulate
          // the variance, scale by the reciprocal deviation, then Scale
          // and B (the reciprocal square root per normalized row is
          // negligible beside them).
          .Case([](nn::LayerNormalizationOp) { return int64_t{6}; })
          // One add (compare) per input element, per output element the
          // reduced elements it covers.
          .Case<nn::ReduceMeanOp, nn::ReduceSumOp, nn::ReduceMaxOp,
                nn::ReduceMinOp>(
              [](auto reduce) -> int64_t {
                auto in = cast<RankedTensorType>(reduce.getData().getType());
                auto out = cast<RankedTensorType>(reduce.getType());
                int64_t outElements = std::max<int64_t>(
                    ShapedType::getNumElements(out.getShape()), 1);
                return std::max<int64_t>(
                    ShapedType::getNumElements(in.getShape()) / outElements,
                    1);
              })
          .Default([](Operation *) { return int64_t{1}; });
  return elements * perElement;
}

std::string nncc::hostRunOps(mlir::ModuleOp module,
                             const target::TargetChip &chip) {
  std::map<std::string, int> counts;
  module.walk([&](mlir::Operation *op) {
    if (!op->getDialect() || op->getDialect()->getNamespace() != "nn" ||
        op->getParentOfType<cim::LayerOp>())
      return;
    if (!coreRuns(classifyDigitalOp(op), chip))
      ++counts[op->getName().getStringRef().str()];
  });
  std::string line;
  for (const auto &[name, count] : counts)
    line += (line.empty() ? "" : ", ") + name + " x" + std::to_string(count);
  return line;
}
