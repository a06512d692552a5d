//===- ImportCommand.cpp - nncc import ------------------------------------===//
#include "Commands.h"

#include "nncc/Analysis/ModelSummary.h"
#include "nncc/Support/Errors.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;

namespace {
cl::opt<bool> printSummary("summary",
                           cl::desc("Print layers, shapes, parameters and "
                                    "MACs instead of the IR"),
                           cl::sub(importCmd), cl::cat(category));
cl::opt<bool> printLocations(
    "locations",
    cl::desc("Print each op's location (its ONNX node), so that nncc-opt "
             "keeps the layer names `nncc compile` gives"),
    cl::sub(importCmd), cl::cat(category));
cl::opt<bool> elideWeights("elide-weights",
                           cl::desc("Print weight blobs elided"),
                           cl::sub(importCmd), cl::cat(category));
} // namespace

int nncc::tool::runImport(mlir::MLIRContext &context) {
  if (!requireModel("import"))
    return 1;
  auto module = importModel(context, 0);
  if (!module)
    return 1;
  std::string out = outputPath.empty() ? "-" : outputPath.getValue();
  Error written = writeToOutput(out, [&](raw_ostream &os) {
    if (printSummary) {
      printModelSummary(summarizeModel(*module), os);
    } else {
      mlir::OpPrintingFlags flags;
      if (elideWeights)
        flags.elideLargeElementsAttrs(16).elideLargeResourceString(64);
      if (printLocations)
        flags.enableDebugInfo();
      module->print(os, flags);
    }
    return Error::success();
  });
  return written ? fail(std::move(written)) : 0;
}
