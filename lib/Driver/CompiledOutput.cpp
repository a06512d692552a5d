//===- CompiledOutput.cpp - Read and simulate a compiled directory --------===//
#include "nncc/Driver/CompiledOutput.h"

#include "nncc/Data/Dataset.h"
#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/CIM/Transforms/TargetAttrFromChip.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Driver/Compile.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/Distributed.h"
#include "nncc/Support/ProgramFile.h"
#include "nncc/Target/TargetLoader.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::driver;

Expected<CompiledOutput>
nncc::driver::readCompiledOutput(StringRef dir, mlir::MLIRContext &context,
                                 StringRef chipPath) {
  SmallString<256> program(dir), chipFile(dir);
  sys::path::append(program, "mapped.mlir");
  if (chipPath.empty())
    sys::path::append(chipFile, "target.yaml");
  else
    chipFile = chipPath;
  Expected<target::TargetChip> chip = target::loadTargetFile(chipFile);
  if (!chip)
    return chip.takeError();
  if (chip->neuromorphic)
    return createStringError(
        inconvertibleErrorCode(),
        dir + ": holds a spiking program (target '" + chip->name +
            "'); simulate it with nncc compile --simulate, or nncc run " +
            program + " --images ... --labels ... (docs/snn-dialect.md)");
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseProgramFile(program, context);
  if (!module)
    return make_error<ReportedError>();
  // The program fixed the array shape, conductance window, converters and
  // rows read at once when it was compiled; a chip that differs in those
  // needs its own compile, not a reading that silently keeps them.
  SmallVector<std::string> differences = targetAttrDifferences(
      cim::getTarget(*module), makeTargetAttr(&context, *chip));
  if (!differences.empty())
    return createStringError(
        inconvertibleErrorCode(),
        chipFile + ": differs from the chip " + program +
            " was compiled for (compiled vs this chip): " +
            join(differences, ", ") +
            "; compile for it with nncc compile --target " + chipFile);
  return CompiledOutput{std::move(module), std::move(*chip),
                        program.str().str(), chipFile.str().str()};
}

Expected<SimulationReport>
nncc::driver::simulateCompiledOutput(
    StringRef dir, const SimulationRequest &request, StringRef chipPath,
    std::function<void(int64_t, int64_t)> progress) {
  auto fail = [&](const Twine &message) {
    return createStringError(inconvertibleErrorCode(), dir + ": " + message);
  };
  if (request.dataset.empty())
    return fail("simulate needs --dataset IMAGES,LABELS[:N]");
  if (request.adcCalibration.empty())
    return fail("simulate needs --adc-calibration IMAGES[:N] (inputs that "
                "set the ADC ranges; not the test set)");
  Expected<SimulationOptions> options = toSimulationOptions(request);
  if (!options)
    return options.takeError();
  options->progress = std::move(progress);
  DatasetOptions labelled;
  labelled.needLabels = true;
  Expected<Dataset> test = loadDataset(request.dataset, labelled);
  if (!test)
    return test.takeError();
  Expected<Dataset> adcInputs = loadDataset(request.adcCalibration);
  if (!adcInputs)
    return adcInputs.takeError();

  mlir::DialectRegistry registry;
  registry.insert<nn::NNDialect, cim::CIMDialect, mlir::func::FuncDialect>();
  mlir::MLIRContext context(registry);
  std::vector<std::string> errors;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Error) {
      std::string line = formatOneLine(diag);
      errors.push_back(StringRef(line).drop_front(strlen("error: ")).str());
    }
    return mlir::success();
  });
  Expected<CompiledOutput> compiled = readCompiledOutput(dir, context, chipPath);
  if (!compiled)
    return handleErrors(compiled.takeError(), [&](const ReportedError &) {
      return createStringError(inconvertibleErrorCode(), join(errors, "\n"));
    });
  Expected<SimulationReport> report =
      simulate(*compiled->program, compiled->chip, *test, *adcInputs,
               *options);
  if (!report)
    return report.takeError();
  // Every rank has the whole report; one writes it.
  if (distributed::rank() != 0)
    return report;
  SmallString<256> out(dir);
  sys::path::append(out, "simulation.json");
  if (Error e = writeToOutput(out, [&](raw_ostream &os) {
        writeSimulationJson(*report, os);
        return Error::success();
      }))
    return std::move(e);
  return report;
}
