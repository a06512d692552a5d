//===- ModelSummary.cpp - Layers, shapes, parameters and MACs -------------===//
#include "nncc/Analysis/ModelSummary.h"

#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Support/Diagnostics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace nncc;

namespace {

int64_t elementsOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

} // namespace

int64_t nncc::macsOf(Operation *op) {
  // Every output element reads C/group * prod(kernel) weights.
  auto convMacs = [](auto conv) {
    auto w = cast<RankedTensorType>(conv.getW().getType());
    return elementsOf(conv.getY()) * (w.getNumElements() / w.getDimSize(0));
  };
  // numpy semantics: A's last dimension is the reduced one.
  auto matmulMacs = [](auto mm) {
    auto a = cast<RankedTensorType>(mm.getA().getType());
    return elementsOf(mm.getY()) *
           (a.getRank() > 0 ? a.getShape().back() : int64_t{1});
  };
  return llvm::TypeSwitch<Operation *, int64_t>(op)
      .Case<nn::ConvOp, nn::ConvIntegerOp, nn::QLinearConvOp>(convMacs)
      .Case<nn::MatMulOp, nn::MatMulIntegerOp, nn::QLinearMatMulOp>(
          matmulMacs)
      .Case([](nn::GemmOp gemm) {
        auto a = cast<RankedTensorType>(gemm.getA().getType());
        int64_t k = gemm.getTransA() ? a.getDimSize(0) : a.getDimSize(1);
        return elementsOf(gemm.getY()) * k;
      })
      .Default([](Operation *) { return int64_t{0}; });
}

ModelSummary nncc::summarizeModel(ModuleOp module) {
  ModelSummary summary;
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return summary;
  main.walk([&](Operation *op) {
    if (op->getDialect() == nullptr ||
        op->getDialect()->getNamespace() != "nn" || isa<nn::ConstantOp>(op))
      return;
    LayerSummary layer;
    layer.name = nodeNameOf(op->getLoc());
    layer.opName = op->getName().getStringRef().str();
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    layer.outputShape.assign(type.getShape().begin(), type.getShape().end());
    for (Value operand : op->getOperands())
      if (operand.getDefiningOp<nn::ConstantOp>())
        layer.parameters += elementsOf(operand);
    layer.macs = macsOf(op);
    summary.totalParameters += layer.parameters;
    summary.totalMacs += layer.macs;
    summary.layers.push_back(std::move(layer));
  });
  return summary;
}

void nncc::printModelSummary(const ModelSummary &summary,
                             llvm::raw_ostream &os) {
  size_t nameWidth = 4, opWidth = 2, shapeWidth = 5;
  std::vector<std::string> shapes;
  for (const LayerSummary &layer : summary.layers) {
    std::string shape = "[";
    llvm::raw_string_ostream s(shape);
    llvm::interleave(layer.outputShape, s, "x");
    s << ']';
    shapes.push_back(shape);
    nameWidth = std::max(nameWidth, layer.name.size());
    opWidth = std::max(opWidth, layer.opName.size());
    shapeWidth = std::max(shapeWidth, shape.size());
  }
  os << llvm::left_justify("#", 4) << llvm::left_justify("name", nameWidth + 2)
     << llvm::left_justify("op", opWidth + 2)
     << llvm::left_justify("output", shapeWidth + 2)
     << llvm::right_justify("params", 12) << llvm::right_justify("MACs", 14)
     << '\n';
  for (auto [i, layer] : llvm::enumerate(summary.layers)) {
    os << llvm::left_justify(std::to_string(i), 4)
       << llvm::left_justify(layer.name, nameWidth + 2)
       << llvm::left_justify(layer.opName, opWidth + 2)
       << llvm::left_justify(shapes[i], shapeWidth + 2)
       << llvm::right_justify(std::to_string(layer.parameters), 12)
       << llvm::right_justify(std::to_string(layer.macs), 14) << '\n';
  }
  os << "layers: " << summary.layers.size()
     << "  parameters: " << summary.totalParameters
     << "  MACs: " << summary.totalMacs << '\n';
}
