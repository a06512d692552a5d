//===- ExportCommand.cpp - nncc export ------------------------------------===//
#include "Commands.h"

#include "nncc/Data/Dataset.h"
#include "nncc/Data/TensorFiles.h"
#include "nncc/Export/SpiceNetlist.h"
#include "nncc/Export/VerificationVectors.h"
#include "nncc/Runtime/Tensor.h"
#include "nncc/Support/OutputDirectory.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;

namespace {

cl::list<std::string> exportArgs(cl::Positional,
                                 cl::desc("spice|vectors <out/>"),
                                 cl::sub(exportCmd), cl::cat(category));
cl::opt<std::string> exportLayer(
    "layer",
    cl::desc("The layer whose array is exported (required by spice; "
             "vectors: default the first mapped layer)"),
    cl::value_desc("name"), cl::sub(exportCmd), cl::cat(category));
cl::opt<int64_t> exportArray(
    "array",
    cl::desc("Which of the layer's arrays, in program order from 0 "
             "(spice: default 0; vectors: default all)"),
    cl::init(0), cl::sub(exportCmd), cl::cat(category));
cl::opt<std::string> exportInputs(
    "inputs",
    cl::desc("One input digit per physical row of the tile (.npy or .pb, "
             "integers; default: every row at 1)"),
    cl::value_desc("digits.npy"), cl::sub(exportCmd), cl::cat(category));
cl::opt<int64_t> exportInstance(
    "instance",
    cl::desc("Cells as chip instance N of `nncc simulate --seed S` samples "
             "them after programming (default: the programmed levels' "
             "nominal conductances)"),
    cl::init(-1), cl::value_desc("N"), cl::sub(exportCmd), cl::cat(category));
cl::opt<uint64_t> exportSeed(
    "seed", cl::desc("With --instance: the simulation seed (default 1)"),
    cl::init(1), cl::sub(exportCmd), cl::cat(category));
cl::opt<std::string> exportOutput(
    "o",
    cl::desc("spice: the netlist (default stdout); vectors: the directory "
             "(default <out/>/vectors)"),
    cl::value_desc("path"),
    cl::init("-"), cl::sub(exportCmd), cl::cat(category));
cl::opt<std::string> exportIrDrop(
    "ir-drop",
    cl::desc("The IR-drop model --model-currents uses: first-order "
             "(default, the simulator's default) or nodal"),
    cl::init("first-order"), cl::value_desc("model"), cl::sub(exportCmd),
    cl::cat(category));
cl::opt<std::string> modelCurrents(
    "model-currents",
    cl::desc("Also write the column currents nncc's array model gives for "
             "the same read (JSON)"),
    cl::value_desc("file.json"), cl::sub(exportCmd), cl::cat(category));

cl::opt<std::string> exportImages(
    "images",
    cl::desc("vectors: the images to run, IMAGES[:N] (required; without "
             ":N the first)"),
    cl::value_desc("spec"), cl::sub(exportCmd), cl::cat(category));

/// The digits of `path`: a 1-D tensor of integers.
Expected<std::vector<int64_t>> readDigits(StringRef path) {
  Expected<runtime::Tensor> tensor = readTensorFile(path);
  if (!tensor)
    return tensor.takeError();
  if (tensor->rank() != 1)
    return createStringError(path + ": the input digits must be a 1-D "
                                    "tensor (one digit per physical row)");
  std::vector<int64_t> digits;
  for (int64_t i = 0; i < tensor->numElements(); ++i) {
    const double value = tensor->getAsDouble(i);
    if (value != std::round(value) || std::abs(value) > 65535)
      return createStringError(
          path + ": input digit " + Twine(i) + " is " +
          formatv("{0}", value).str() +
          "; digits are integers of at most 16 bits");
    digits.push_back(static_cast<int64_t>(value));
  }
  return digits;
}

/// `nncc export vectors`: checks everything, then writes the directory
/// all at once (nothing on an error).
int exportVectors(StringRef dir, mlir::MLIRContext &context) {
  if (exportImages.empty())
    return fail(dir, "export vectors needs --images IMAGES[:N]");
  for (const cl::Option *spiceOnly :
       std::initializer_list<const cl::Option *>{
           &exportInputs, &exportInstance, &exportSeed, &exportIrDrop,
           &modelCurrents})
    if (spiceOnly->getNumOccurrences())
      return fail(dir, "--" + spiceOnly->ArgStr +
                           " applies to export spice, not vectors");
  std::optional<driver::CompiledOutput> compiled =
      readCompiledOutput(dir, context);
  if (!compiled)
    return 1;
  // The files grow by hundreds of kilobytes per image: without :N, one.
  DatasetOptions read;
  read.defaultLimit = 1;
  Expected<Dataset> images = loadDataset(exportImages, read);
  if (!images)
    return fail(images.takeError());
  vectors::VectorOptions options;
  options.layer = exportLayer;
  if (exportArray.getNumOccurrences())
    options.array = exportArray;
  Expected<vectors::LayerVectors> captured = vectors::captureVectors(
      *compiled->program, compiled->chip, images->samples, exportImages,
      options);
  if (!captured)
    return fail(compiled->programPath, toString(captured.takeError()));
  const std::string outputDir = exportOutput == "-"
                                    ? (dir + "/vectors").str()
                                    : exportOutput.getValue();
  auto writer = OutputDirectoryWriter::create(outputDir);
  if (!writer)
    return fail(writer.takeError());
  vectors::addVectorFiles(*captured, **writer);
  if (Error e = (*writer)->commit())
    return fail(std::move(e));
  outs() << "wrote " << outputDir << "/{" << join((*writer)->names(), ",")
         << "}\n";
  return 0;
}

} // namespace

int nncc::tool::runExport(mlir::MLIRContext &context) {
  if (exportArgs.size() != 2 ||
      (exportArgs[0] != "spice" && exportArgs[0] != "vectors"))
    return fail("export", "expected `nncc export spice <out/> --layer NAME "
                          "[--array K]` or `nncc export vectors <out/> "
                          "--images IMAGES[:N] [--layer NAME] [--array K]`");
  StringRef dir = exportArgs[1];
  if (exportArgs[0] == "vectors")
    return exportVectors(dir, context);
  if (exportImages.getNumOccurrences())
    return fail(dir, "--images applies to export vectors, not spice");
  if (exportLayer.empty())
    return fail(dir, "export spice needs --layer NAME");
  std::vector<int64_t> drive;
  if (!exportInputs.empty()) {
    Expected<std::vector<int64_t>> digits = readDigits(exportInputs);
    if (!digits)
      return fail(digits.takeError());
    drive = std::move(*digits);
  }
  Expected<IrDropModel> irDrop = parseIrDropModel(exportIrDrop);
  if (!irDrop)
    return fail("--ir-drop", toString(irDrop.takeError()));
  std::optional<driver::CompiledOutput> compiled =
      readCompiledOutput(dir, context);
  if (!compiled)
    return 1;
  std::optional<spice::SampledInstance> instance;
  if (exportInstance >= 0)
    instance = spice::SampledInstance{exportSeed, exportInstance};
  Expected<spice::ArrayRead> read = spice::programmedRead(
      *compiled->program, compiled->chip, exportLayer, exportArray, drive,
      instance);
  if (!read)
    return fail(compiled->programPath, toString(read.takeError()));
  if (!modelCurrents.empty())
    if (Error e = writeToOutput(modelCurrents, [&](raw_ostream &os) {
          json::OStream j(os, 2);
          j.object([&] {
            j.attribute("schema", "nncc-model-currents");
            j.attribute("version", 1);
            j.attribute("title", read->title);
            j.attribute("ir_drop_model", irDropModelName(*irDrop));
            j.attributeArray("column_currents_a", [&] {
              for (double current :
                   spice::modelColumnCurrents(*read, *irDrop))
                j.value(current);
            });
          });
          os << "\n";
          return Error::success();
        }))
      return fail(std::move(e));
  if (Error e = writeToOutput(exportOutput, [&](raw_ostream &os) {
        spice::writeNetlist(*read, os);
        return Error::success();
      }))
    return fail(std::move(e));
  return 0;
}
