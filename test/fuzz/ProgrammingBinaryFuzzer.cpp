//===- ProgrammingBinaryFuzzer.cpp - Bytes as programming.bin -------------===//
//
// The reader's contract (ProgrammingBinary.h): a file it accepts is one it
// could have been written from, so every record is consistent and every
// cell lookup inside the array stays in bounds.
//
//===----------------------------------------------------------------------===//
#include "FuzzerSupport.h"

#include "nncc/Schedule/ProgrammingBinary.h"

using namespace nncc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<ProgrammingBinary> read =
      readProgrammingBinary(fuzz::bytesOf(data, size));
  if (!read) {
    if (llvm::toString(read.takeError()).empty())
      fuzz::contractBroken("a file was rejected without a message");
    return 0;
  }
  int64_t previous = -1;
  for (const ProgrammingBinaryArray &array : read->arrays) {
    if (array.id <= previous)
      fuzz::contractBroken("array ids are not ascending");
    previous = array.id;
    if (array.physicalRows > read->rows || array.physicalCols > read->cols ||
        !array.cells ||
        static_cast<int64_t>(array.cells->size()) !=
            array.physicalRows * array.physicalCols)
      fuzz::contractBroken("an array's region does not match its cells");
    // Every cell of the whole array reads a level below `levels`; reading
    // the last row and column is enough to hit an out-of-range access.
    for (int64_t row : {int64_t{0}, read->rows - 1})
      for (int64_t col : {int64_t{0}, read->cols - 1})
        if (array.level(row, col) >= read->levels)
          fuzz::contractBroken("a cell holds a level beyond the levels");
  }
  return 0;
}
