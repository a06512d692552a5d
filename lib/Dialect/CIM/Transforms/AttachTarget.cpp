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
