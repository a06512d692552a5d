//===- CheckCommand.cpp - nncc check --------------------------------------===//
#include "Commands.h"

#include "nncc/Driver/CheckOutputs.h"

#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;

namespace {
cl::opt<std::string> checkDir(cl::Positional, cl::desc("<out/>"),
                              cl::sub(checkCmd), cl::cat(category));
} // namespace

int nncc::tool::runCheck(mlir::MLIRContext &context) {
  if (checkDir.empty())
    return fail("check", "needs a compiled output directory (nncc check "
                         "out/)");
  Expected<driver::CheckedOutputs> checked =
      driver::checkCompileOutputs(checkDir, context);
  if (!checked)
    return fail(checked.takeError());
  outs() << checkDir << ": ok (mapped.mlir verified; programming.bin holds "
         << checked->arrays << " arrays, " << checked->cells
         << " cells, as the program says)\n";
  return 0;
}
