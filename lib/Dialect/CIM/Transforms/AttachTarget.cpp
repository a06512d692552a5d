//===- AttachTarget.cpp - Attach the chip description to the module -------===//
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Target/TargetLoader.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace nncc {
#define GEN_PASS_DEF_ATTACHTARGET
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

cim::TargetAttr nncc::makeTargetAttr(MLIRContext *context,
                                     const target::TargetChip &chip) {
  context->getOrLoadDialect<cim::CIMDialect>();
  cim::SignedScheme scheme;
  switch (chip.array.signedWeights) {
  case target::SignedWeightScheme::DifferentialColumns:
    scheme = cim::SignedScheme::DifferentialColumns;
    break;
  case target::SignedWeightScheme::DifferentialRows:
    scheme = cim::SignedScheme::DifferentialRows;
    break;
  case target::SignedWeightScheme::OffsetReference:
    scheme = cim::SignedScheme::OffsetReference;
    break;
  }
  Builder b(context);
  return cim::TargetAttr::get(
      context, chip.name, chip.array.rows, chip.array.cols, chip.device.levels,
      chip.array.rowsInParallel, chip.periphery.adcBits,
      chip.periphery.columnsPerAdc, chip.periphery.inputBits,
      chip.periphery.dacBits, scheme, b.getF64FloatAttr(chip.device.gMin),
      b.getF64FloatAttr(chip.device.gMax), chip.chip.cores, chip.core.arrays,
      b.getF64FloatAttr(chip.device.readPulse),
      b.getF64FloatAttr(chip.costs.adcLatency ? *chip.costs.adcLatency
                                              : 1.0 / chip.technology.clock),
      chip.chip.interconnect.width, chip.chip.interconnect.height,
      chip.chip.interconnect.topology == target::Topology::Bus);
}

namespace {

/// Loads `target=` and sets the module's cim.target.
struct AttachTargetPass : nncc::impl::AttachTargetBase<AttachTargetPass> {
  using AttachTargetBase::AttachTargetBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (targetPath.empty()) {
      module.emitError("nncc-attach-target needs target=<chip.yaml>");
      return signalPassFailure();
    }
    llvm::Expected<target::TargetChip> chip =
        target::loadTargetFile(targetPath);
    if (!chip) {
      module.emitError() << llvm::toString(chip.takeError());
      return signalPassFailure();
    }
    module->setAttr(cim::kTargetAttrName,
                    makeTargetAttr(&getContext(), *chip));
  }
};

} // namespace
