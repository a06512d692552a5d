//===- CheckOutputs.cpp - A compiled output directory, checked ------------===//
#include "nncc/Driver/CheckOutputs.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Driver/Compile.h"
#include "nncc/Dialect/CIM/Transforms/TargetAttrFromChip.h"
#include "nncc/Schedule/ProgrammingBinary.h"
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/ProgramFile.h"
#include "nncc/Target/TargetLoader.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace nncc;

llvm::Expected<driver::CheckedOutputs>
driver::checkCompileOutputs(llvm::StringRef directory,
                            mlir::MLIRContext &context) {
  auto file = [&](llvm::StringRef name) {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, name);
    return std::string(path);
  };
  llvm::Expected<target::TargetChip> chip =
      target::loadTargetFile(file("target.yaml"));
  if (!chip)
    return chip.takeError();
  // Parsing verifies the program, its placement included, against the
  // #cim.target it carries; a failure is reported through the context.
  std::string programPath = file("mapped.mlir");
  mlir::OwningOpRef<mlir::ModuleOp> program =
      parseProgramFile(programPath, context);
  if (!program)
    return llvm::make_error<ReportedError>();
  // The program was verified against the chip it carries; it must be the
  // chip target.yaml describes.
  if (cim::getTarget(*program) != makeTargetAttr(&context, *chip))
    return makeError(programPath + ": its #cim.target is not the chip " +
                     file("target.yaml") + " describes");
  llvm::Expected<ProgrammingSchedule> schedule =
      buildProgrammingSchedule(*program, *chip, readPlacement(*program));
  if (!schedule)
    return makeError(programPath + ": " + toString(schedule.takeError()));

  std::string binaryPath = file("programming.bin");
  auto stored = llvm::MemoryBuffer::getFile(binaryPath, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!stored)
    return makeError(binaryPath + ": cannot read file: " +
                     stored.getError().message());
  llvm::StringRef bytes = (*stored)->getBuffer();
  llvm::Expected<ProgrammingBinary> read = readProgrammingBinary(bytes);
  if (!read) {
    // The reader names the file by its base name; say where it is instead.
    std::string message = toString(read.takeError());
    llvm::StringRef reason(message);
    reason.consume_front("programming.bin: ");
    return makeError(binaryPath + ": " + reason);
  }
  std::string expected;
  llvm::raw_string_ostream os(expected);
  writeProgrammingBinary(*schedule, os);
  os.flush();
  if (bytes != expected) {
    size_t at = 0;
    while (at < bytes.size() && at < expected.size() &&
           bytes[at] == expected[at])
      ++at;
    return makeError(binaryPath + ": differs from what mapped.mlir programs, "
                     "first at byte " + std::to_string(at) + " (" +
                     std::to_string(bytes.size()) + " bytes, expected " +
                     std::to_string(expected.size()) + ")");
  }
  CheckedOutputs checked;
  checked.arrays = static_cast<int64_t>(read->arrays.size());
  for (const ProgrammingBinaryArray &array : read->arrays)
    if (array.replicaOf < 0)
      checked.cells += array.physicalRows * array.physicalCols;
  return checked;
}
