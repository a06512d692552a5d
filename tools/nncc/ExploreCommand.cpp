//===- ExploreCommand.cpp - nncc explore ----------------------------------===//
//
// Parses the sweeps and the options every point shares, runs the sweep
// (lib/Driver/Explore.cpp) and writes explore.{json,csv,html} into the
// output directory, where points/ keeps the finished points for a resumed
// run.  Under mpirun every rank computes its share and rank 0 writes.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"

#include "nncc/Driver/Explore.h"
#include "nncc/Driver/ExploreReport.h"
#include "nncc/Support/Distributed.h"
#include "nncc/Support/OutputDirectory.h"
#include "nncc/Target/BundledTargets.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;

namespace {

cl::opt<std::string> targetSpec(
    "target",
    cl::desc("Chip description: a YAML file or a bundled target's name "
             "(required); every point starts from it"),
    cl::value_desc("chip.yaml|NAME"), cl::sub(exploreCmd), cl::cat(category));
cl::list<std::string> sweeps(
    "sweep",
    cl::desc("A swept parameter, KEY=V1,V2,... or KEY=A..B: a target field "
             "(`nncc target schema`, e.g. periphery.adc.bits) or a mapping "
             "knob (scheme, weight-bits, adc-range, max-copies, replicate, "
             "percentile) or one layer's knob, layer:NAME:KNOB (as "
             "compile's --layer); repeat for more; one value fixes it"),
    cl::value_desc("KEY=VALUES"), cl::sub(exploreCmd), cl::cat(category));
cl::opt<std::string> accuracySet(
    "accuracy-set",
    cl::desc("Validation set every point is simulated on (required): "
             "IMAGES,LABELS[:N] measures accuracy, IMAGES[:N] agreement "
             "with the float model's class"),
    cl::value_desc("spec"), cl::sub(exploreCmd), cl::cat(category));
cl::opt<uint64_t> seed(
    "seed",
    cl::desc("Simulation seed, the same for every point (default 1)"),
    cl::init(1), cl::sub(exploreCmd), cl::cat(category));

/// SHA-256 of a file's bytes, hex ("" when it cannot be read: the import
/// has failed already).
std::string fileDigest(StringRef path) {
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  return toHex(SHA256::hash(arrayRefFromStringRef((*buffer)->getBuffer())),
               /*LowerCase=*/true);
}

} // namespace

int nncc::tool::runExplore(mlir::MLIRContext &context, const char *argv0) {
  if (!requireModel("explore"))
    return 1;
  if (targetSpec.empty())
    return fail(modelPath, "explore needs --target chip.yaml (a file, or a "
                           "bundled target's name)");
  if (accuracySet.empty())
    return fail(modelPath, "explore needs --accuracy-set IMAGES[,LABELS][:N] "
                           "(a validation set)");
  driver::ExploreRequest request;
  for (const std::string &spec : sweeps) {
    Expected<driver::SweepAxis> axis = driver::parseSweepAxis(spec);
    if (!axis)
      return fail(axis.takeError());
    request.axes.push_back(std::move(*axis));
  }
  Expected<std::string> targetPath =
      target::resolveTarget(targetSpec, targetDirs(argv0));
  if (!targetPath)
    return fail(targetPath.takeError());
  auto targetText = MemoryBuffer::getFile(*targetPath);
  if (!targetText)
    return fail(*targetPath,
                "cannot read file: " + targetText.getError().message());
  request.targetText = (*targetText)->getBuffer().str();
  request.targetName = *targetPath;

  std::string outputDir = outputPath.empty() ? "out" : outputPath.getValue();
  // points/ is made here, not by the writer: an interrupted run keeps the
  // points it finished (that is what resuming reads).
  SmallString<128> pointsDir(outputDir);
  sys::path::append(pointsDir, "points");
  if (std::error_code ec = sys::fs::create_directories(pointsDir))
    return fail(pointsDir, "cannot create directory: " + ec.message());
  request.pointsDirectory = std::string(pointsDir);

  mlir::OwningOpRef<mlir::ModuleOp> module = importModel(context, 0);
  if (!module)
    return 1;
  // Another nncc may compute a point differently: its points are not
  // resumed.
  request.fingerprint = "nncc " NNCC_VERSION " model " +
                        fileDigest(modelPath) + " batch " +
                        std::to_string(batchSize.getValue());
  request.base.calibration = calibration;
  request.base.calibrationLimit = calibrationLimit;
  request.base.adcRange = mappingAdcRange();
  request.base.simulation = simulationRequest(accuracySet, seed);
  // The sweep compares points; why one loses accuracy is compile's
  // question.
  request.base.simulation->diagnose = false;
  // The ranks share out the points; each point's instances stay on its
  // rank (splitAcrossRanks stays off).

  const bool writes = distributed::rank() == 0;
  Expected<driver::ExploreResult> result = driver::explore(
      *module, request, [&](int64_t done, int64_t total) {
        if (writes)
          reportProgress("exploring", done, total);
      });
  if (!result)
    return fail(result.takeError());
  if (!writes)
    return 0;
  auto writer = OutputDirectoryWriter::create(outputDir);
  if (!writer)
    return fail(writer.takeError());
  (*writer)->add("explore.json", [&](raw_ostream &os) {
    driver::writeExploreJson(*result, os);
    return Error::success();
  });
  (*writer)->add("explore.csv", [&](raw_ostream &os) {
    driver::writeExploreCsv(*result, os);
    return Error::success();
  });
  (*writer)->add("explore.html", [&](raw_ostream &os) {
    driver::writeExploreHtml(*result, os);
    return Error::success();
  });
  if (Error e = (*writer)->commit())
    return fail(std::move(e));
  driver::printExploreSummary(*result, outs());
  outs() << "wrote " << outputDir << "/{" << join((*writer)->names(), ",")
         << "} (finished points kept in " << pointsDir << ")\n";
  return 0;
}
