//===- TargetFuzzer.cpp - Bytes as a chip description ---------------------===//
//
// The loader's contract (TargetLoader.h): every rejected description gets
// `name:line:col: field: reason` lines, and every accepted one describes a
// chip whose derived figures are finite and positive, so no later stage
// divides by a zero or reports an infinity.
//
//===----------------------------------------------------------------------===//
#include "FuzzerSupport.h"

#include "nncc/Target/TargetLoader.h"
#include "nncc/Target/TargetSummary.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace nncc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<target::TargetChip> chip =
      target::loadTargetBuffer(fuzz::bytesOf(data, size), "fuzz.yaml");
  if (!chip) {
    std::string message = llvm::toString(chip.takeError());
    if (message.empty())
      fuzz::contractBroken("a description was rejected without a message");
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(message).split(lines, '\n', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef line : lines)
      if (!line.starts_with("fuzz.yaml:"))
        fuzz::contractBroken("an error line does not name the file: " + line);
    return 0;
  }
  if (chip->neuromorphic) {
    // A spiking chip has no arrays: its own figures must be finite.
    target::SpikingFigures figures = target::computeSpikingFigures(*chip);
    if (figures.neurons <= 0 || figures.synapses <= 0 ||
        figures.inputsPerCore <= 0)
      fuzz::contractBroken("an accepted spiking chip has no synapses");
    if (!std::isfinite(figures.peakSops) || figures.peakSops <= 0 ||
        !std::isfinite(figures.energyPerSopAtPeak) ||
        figures.energyPerSopAtPeak < 0 || !std::isfinite(figures.area))
      fuzz::contractBroken("an accepted spiking chip has non-finite figures");
    target::printTarget(*chip, llvm::nulls());
    return 0;
  }
  for (int64_t bits : {chip->array.weightBits, int64_t{2}, int64_t{16}}) {
    target::TargetFigures figures = target::computeFigures(*chip, bits);
    if (figures.arrays <= 0 || figures.cellsPerArray <= 0 ||
        figures.weightCapacity < 0 || figures.slicesPerWeight <= 0)
      fuzz::contractBroken("an accepted chip has no capacity");
    if (!std::isfinite(figures.mvmTime) || figures.mvmTime <= 0 ||
        !std::isfinite(figures.peakMacsPerSecond) ||
        figures.peakMacsPerSecond <= 0)
      fuzz::contractBroken("an accepted chip has a non-finite MVM time");
  }
  target::printTarget(*chip, llvm::nulls());
  return 0;
}
