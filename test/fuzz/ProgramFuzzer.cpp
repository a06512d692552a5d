//===- ProgramFuzzer.cpp - Bytes as a compiled program (mapped.mlir) ------===//
//
// `nncc-opt`, `nncc run` and `nncc simulate` read compiled programs, text or
// bytecode.  Contract: the parser with its verifier (the cim dialect checks
// placement against the program's #cim.target) either refuses a program
// with an error or accepts one that the executor can prepare and, when its
// tensors are small, run to the end without crashing.
//
//===----------------------------------------------------------------------===//
#include "FuzzerSupport.h"

#include "nncc/Execution/Executor.h"
#include "nncc/Support/ProgramFile.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace nncc;

namespace {

/// Above this many elements in any tensor of @main the program is only
/// prepared, not run: the harness looks for crashes, not for the time a
/// large (valid) program takes.
constexpr int64_t kRunElementLimit = 1 << 14;

bool smallEnoughToRun(mlir::ModuleOp module) {
  bool small = true;
  module.walk([&](mlir::Operation *op) {
    for (mlir::Type type : op->getResultTypes())
      if (auto shaped = mlir::dyn_cast<mlir::ShapedType>(type))
        if (!shaped.hasStaticShape() ||
            shaped.getNumElements() > kRunElementLimit)
          small = false;
  });
  return small;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz::InputContext input;
  mlir::MLIRContext &context = input.get();
  // As the tools read a file: a null-terminated buffer (MLIR's lexer
  // relies on the terminator), text or bytecode told apart by the magic.
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(fuzz::bytesOf(data, size),
                                                     "fuzz.mlir");
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseProgram(std::move(buffer), context);
  if (!module) {
    if (input.errors() == 0)
      fuzz::contractBroken("a program was refused without an error");
    return 0;
  }
  llvm::Expected<Executor> executor = Executor::create(*module);
  if (!executor) {
    llvm::consumeError(executor.takeError());
    return 0;
  }
  if (!smallEnoughToRun(*module))
    return 0;
  std::vector<runtime::Tensor> args;
  for (const TensorSignature &input : executor->getInputs())
    args.emplace_back(input.dtype, input.shape);
  for (CIMExecutionMode mode :
       {CIMExecutionMode::Auto, CIMExecutionMode::Datapath}) {
    executor->setCIMExecutionMode(mode);
    llvm::Expected<std::vector<runtime::Tensor>> outputs = executor->run(args);
    if (!outputs)
      llvm::consumeError(outputs.takeError());
  }
  return 0;
}
