//===- CompileFuzzer.cpp - A small model compiled onto a fuzzed chip ------===//
//
// End to end, in memory: the input is a chip description; when the loader
// accepts it, tiny-cnn.onnx (models/make_tiny_cnn.py) is compiled onto it
// as `nncc compile` would (synthetic calibration, replication, placement,
// schedules, PPA) and every output is rendered.  Contract: a compile
// fails with an error, or its program verifies, its programming.bin reads
// back as written, its JSON files are valid JSON (no inf or nan) and its
// text report shows finite figures.  Odd-sized inputs also allow time
// multiplexing, so chips too small for the model are mapped, not refused.
//
//===----------------------------------------------------------------------===//
#include "FuzzerSupport.h"

#include "nncc/Driver/Compile.h"
#include "nncc/Driver/CompileOutputs.h"
#include "nncc/Import/OnnxImporter.h"
#include "nncc/Schedule/ProgrammingBinary.h"
#include "nncc/Target/TargetLoader.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

using namespace nncc;

namespace {

std::string render(const std::function<void(llvm::raw_ostream &)> &write) {
  std::string text;
  llvm::raw_string_ostream os(text);
  write(os);
  return text;
}

void checkJson(llvm::StringRef name, const std::string &text) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    fuzz::contractBroken(
        name + " is not valid JSON: " + llvm::toString(parsed.takeError()));
}

void checkFinite(llvm::StringRef name, const std::string &text) {
  // "inf" alone, not in a word nor a unit ("time/inf").
  static const llvm::Regex nonFinite("(^|[^A-Za-z_/])(inf|nan)([^A-Za-z_]|$)",
                                     llvm::Regex::IgnoreCase |
                                         llvm::Regex::Newline);
  llvm::SmallVector<llvm::StringRef> match;
  if (nonFinite.match(text, &match))
    fuzz::contractBroken(name + " shows a non-finite figure: " + match[0]);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::Expected<target::TargetChip> chip =
      target::loadTargetBuffer(fuzz::bytesOf(data, size), "fuzz.yaml");
  if (!chip) {
    llvm::consumeError(chip.takeError());
    return 0;
  }
  fuzz::InputContext input;
  mlir::MLIRContext &context = input.get();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      importOnnxFile(NNCC_FUZZ_MODEL, context);
  if (!module)
    fuzz::contractBroken("cannot import " NNCC_FUZZ_MODEL);

  driver::CompileOptions options;
  options.timeMultiplex = size % 2 == 1;
  // A bound on placement's search, not on its result: greedy placement
  // alone maps this model.
  options.placementTimeout = 1.0;
  llvm::Expected<driver::CompileResult> result =
      driver::compile(*module, *chip, options);
  if (!result) {
    bool reported = result.errorIsA<driver::ReportedError>();
    std::string message = llvm::toString(result.takeError());
    if (reported ? input.errors() == 0 : message.empty())
      fuzz::contractBroken("a compile failed without an error");
    return 0;
  }
  if (mlir::failed(mlir::verify(*module)))
    fuzz::contractBroken("the compiled program does not verify");

  std::string binary = render([&](llvm::raw_ostream &os) {
    writeProgrammingBinary(result->programming, os);
  });
  llvm::Expected<ProgrammingBinary> read = readProgrammingBinary(binary);
  if (!read)
    fuzz::contractBroken("programming.bin does not read back: " +
                         llvm::toString(read.takeError()));
  if (read->arrays.size() != result->programming.arrays.size())
    fuzz::contractBroken("programming.bin reads back other arrays");

  checkJson("report.json", render([&](llvm::raw_ostream &os) {
              ppa::writeReportJson(result->report, os);
            }));
  checkJson("mapping.json", render([&](llvm::raw_ostream &os) {
              printMappingSummaryJson(result->mapping, os);
            }));
  checkJson("execution.json", render([&](llvm::raw_ostream &os) {
              writeExecutionJson(result->execution, os);
            }));
  checkJson("programming.json", render([&](llvm::raw_ostream &os) {
              writeProgrammingJson(result->programming, os);
            }));
  checkFinite("report.txt", render([&](llvm::raw_ostream &os) {
                ppa::writeReportText(result->report, os);
              }));
  checkFinite("mapping.txt", render([&](llvm::raw_ostream &os) {
                driver::printMappingText(*result, os);
              }));
  checkFinite("the compile summary", render([&](llvm::raw_ostream &os) {
                driver::printCompileSummary(*result, os);
              }));
  render(
      [&](llvm::raw_ostream &os) { ppa::writeReportHtml(result->report, os); });
  return 0;
}
