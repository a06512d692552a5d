//===- CompileModel.cpp - Compile a model file into a directory -----------===//
//
// The steps of tools/nncc/CompileCommand.cpp in the same order, so that a
// mistake fails at the same step with the same message; the diagnostics
// the tool prints on stderr are collected into the error instead.
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/CompileModel.h"

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Driver/CompileOutputs.h"
#include "nncc/Import/OnnxImporter.h"
#include "nncc/Support/Diagnostics.h"
#include "nncc/Support/OutputDirectory.h"
#include "nncc/Target/BundledTargets.h"
#include "nncc/Target/TargetLoader.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::driver;

namespace {

/// An error's message as the tool's `error:` lines would carry it: every
/// line of a several-line error, joined.
Error lines(ArrayRef<std::string> messages) {
  return createStringError(inconvertibleErrorCode(), join(messages, "\n"));
}

/// A line of formatOneLine() without its severity prefix.
std::string withoutSeverity(StringRef line) {
  line.consume_front("error: ") || line.consume_front("warning: ");
  return line.str();
}

} // namespace

Expected<CompiledModel>
nncc::driver::compileModel(StringRef modelPath, StringRef targetSpec,
                           ArrayRef<std::string> targetDirs,
                           StringRef outputDir, const CompileOptions &options,
                           std::optional<int64_t> batch) {
  Expected<std::string> targetPath =
      target::resolveTarget(targetSpec, targetDirs);
  if (!targetPath)
    return targetPath.takeError();
  auto targetText = MemoryBuffer::getFile(*targetPath);
  if (!targetText)
    return lines({*targetPath + ": cannot read file: " +
                  targetText.getError().message()});
  Expected<target::TargetChip> chip =
      target::loadTargetBuffer((*targetText)->getBuffer(), *targetPath);
  if (!chip)
    return chip.takeError();

  mlir::DialectRegistry registry;
  registry.insert<nn::NNDialect, cim::CIMDialect, mlir::func::FuncDialect>();
  mlir::MLIRContext context(registry);
  std::vector<std::string> errors, warnings;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    if (diag.getSeverity() == mlir::DiagnosticSeverity::Error)
      errors.push_back(withoutSeverity(formatOneLine(diag)));
    else if (diag.getSeverity() == mlir::DiagnosticSeverity::Warning)
      warnings.push_back(withoutSeverity(formatOneLine(diag)));
    return mlir::success();
  });

  // Declared before the writer, which is destroyed first: a print of the
  // mapped program in flight reads the module until the writer is gone.
  mlir::OwningOpRef<mlir::ModuleOp> module;
  auto writer = OutputDirectoryWriter::create(outputDir);
  if (!writer)
    return writer.takeError();
  ImportOptions importOptions;
  importOptions.batch = batch;
  module = importOnnxFile(modelPath, context, importOptions);
  if (!module)
    return lines(errors);

  CompileHooks hooks;
  hooks.moduleOwnsWeights = true;
  hooks.programMapped = [&](mlir::ModuleOp mapped) {
    addProgramOutput(**writer, mapped, options.programFormat,
                     options.programWeights, nullptr);
  };
  Expected<CompileResult> result = compile(*module, *chip, options, hooks);
  if (!result) {
    // After a failed pass the diagnostics are the message.
    Error rest = handleErrors(result.takeError(),
                              [](const ReportedError &) {});
    if (rest)
      return rest;
    return lines(errors);
  }
  CompiledModel compiled{std::move(*result), *targetPath, {},
                         std::move(warnings)};
  if (std::string warning = hostOpsWarning(compiled.result, *targetPath);
      !warning.empty())
    compiled.warnings.push_back(std::move(warning));
  addResultOutputs(**writer, compiled.result, (*targetText)->getBuffer(),
                   nullptr);
  if (Error e = (*writer)->commit())
    return std::move(e);
  compiled.files = (*writer)->names();
  return compiled;
}
