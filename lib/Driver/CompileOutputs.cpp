//===- CompileOutputs.cpp - The files and summary of a compile ------------===//
#include "nncc/Driver/CompileOutputs.h"

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Driver/ModelWeightReferences.h"
#include "nncc/Schedule/BatchTime.h"
#include "nncc/Schedule/ProgrammingBinary.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/Errors.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/Bytecode/BytecodeImplementation.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>

using namespace mlir;
using namespace nncc;
using namespace nncc::driver;

namespace {

/// Adds a file whose printing is timed as "write <name>".
void addTimed(OutputDirectoryWriter &writer, llvm::StringRef name,
              TimingScope *timing,
              std::function<llvm::Error(llvm::raw_ostream &)> print) {
  writer.add(name, [timing, name = name.str(),
                    print = std::move(print)](llvm::raw_ostream &os) {
    TimingScope fileTimer = timing ? timing->nest("write " + name)
                                   : TimingScope();
    return print(os);
  });
}

void addText(OutputDirectoryWriter &writer, llvm::StringRef name,
             TimingScope *timing,
             std::function<void(llvm::raw_ostream &)> print) {
  addTimed(writer, name, timing,
           [print = std::move(print)](llvm::raw_ostream &os) {
             print(os);
             return llvm::Error::success();
           });
}

/// Program groups listed one per line in mapping.txt.
constexpr size_t kGroupsListed = 8;

/// For a time-multiplexed mapping: each program group's arrays,
/// programming cost and run time, and the time per inference for a few
/// batch sizes (docs/execution-schedule.md, "Time-multiplexed mappings").
void printTimeMultiplexing(const ExecutionSchedule &execution,
                           const ProgrammingSchedule &programming,
                           double endurance, llvm::raw_ostream &os) {
  if (execution.groups.size() < 2)
    return;
  os << "time-multiplexed: " << execution.groups.size()
     << " program groups, reprogrammed for every batch; "
     << execution.groupSpillBits
     << " bits per inference wait in the global buffer\n";
  std::map<int64_t, const GroupProgramming *> programmingOf;
  for (const GroupProgramming &g : programming.groups)
    programmingOf[g.id] = &g;
  const size_t groups = execution.groups.size();
  for (const auto &[index, g] : llvm::enumerate(execution.groups)) {
    // A few groups in full, then one line for the rest (a one-array macro
    // has a group per array): every group is in execution.json and
    // programming.json.
    if (index < kGroupsListed || groups == kGroupsListed + 1) {
      const GroupProgramming *p = programmingOf[g.group];
      os << llvm::format("  group %lld: %lld arrays, %zu layers, programming "
                         "%.4g s (%.4g J), latency %.3f us, interval %.3f "
                         "us\n",
                         static_cast<long long>(g.group),
                         static_cast<long long>(g.arrays), g.stages.size(),
                         p ? p->time : 0, p ? p->energy : 0, g.latency * 1e6,
                         g.interval * 1e6);
    } else if (index == kGroupsListed) {
      os << "  ... " << groups - kGroupsListed
         << " more groups (every group in execution.json and "
            "programming.json)\n";
    }
  }
  os << "  time per inference:";
  for (double batch : kReportedBatches)
    os << llvm::format(" batch %.0f: %.4g s;", batch,
                       timePerInference(execution, programming, batch));
  os << llvm::format(" programming energy per batch %.4g J\n",
                     programmingPerBatch(execution, programming).energy);
  // Every cell is rewritten once per batch.
  if (endurance > 0)
    os << llvm::format("  endurance: %.4g write cycles per cell = %.4g "
                       "batches\n",
                       endurance, endurance);
}

} // namespace

void driver::addProgramOutput(OutputDirectoryWriter &writer, ModuleOp module,
                              ProgramFormat format, ProgramWeights weights,
                              TimingScope *timing) {
  const uint64_t constants = format == ProgramFormat::Text &&
                                     weights != ProgramWeights::Model
                                 ? 0
                                 : constantBytes(module.getOperation());
  const bool bytecode =
      format == ProgramFormat::Bytecode ||
      (format == ProgramFormat::Auto && constants > kTextProgramConstantLimit);
  const bool referToModel =
      weights == ProgramWeights::Model ||
      (weights == ProgramWeights::Auto && bytecode &&
       constants > kModelWeightsConstantLimit);
  addTimed(writer, "mapped.mlir", timing,
           [module, bytecode, referToModel,
            explicitReferences = weights == ProgramWeights::Model](
               llvm::raw_ostream &os) -> llvm::Error {
             if (!bytecode) {
               if (explicitReferences)
                 return makeError("--program-weights=model needs the "
                                  "bytecode program format (references to "
                                  "the model have no MLIR text form)");
               // The pass manager verified the module after every pass.
               // Verifying it again here would compute dominance, which
               // caches operation order in the blocks: a write while other
               // threads read the module.
               module->print(os, OpPrintingFlags().assumeVerified());
               return llvm::Error::success();
             }
             BytecodeWriterConfig config("nncc");
             ModelWeightReferences references;
             if (referToModel) {
               llvm::Expected<ModelWeightReferences> found =
                   findModelWeightReferences(module, modelFileOf(module));
               if (found)
                 references = std::move(*found);
               else if (explicitReferences)
                 return found.takeError();
               else
                 llvm::consumeError(found.takeError()); // then embedded
             }
             config.attachAttributeCallback(
                 [&references](Attribute attr,
                               std::optional<llvm::StringRef> &group,
                               DialectBytecodeWriter &out) -> LogicalResult {
                   auto it = references.find(attr);
                   if (it == references.end())
                     return failure();
                   group = cim::CIMDialect::getDialectNamespace();
                   cim::writeModelWeightsRef(
                       out, cast<RankedTensorType>(
                                cast<TypedAttr>(attr).getType()),
                       it->second);
                   return success();
                 });
             if (failed(writeBytecodeToFile(module, os, config)))
               return makeError("cannot encode the program as MLIR bytecode");
             return llvm::Error::success();
           });
}

void driver::addResultOutputs(OutputDirectoryWriter &writer,
                              const CompileResult &result,
                              llvm::StringRef targetText,
                              TimingScope *timing) {
  const CompileResult &r = result;
  addText(writer, "programming.bin", timing, [&r](llvm::raw_ostream &os) {
    writeProgrammingBinary(r.programming, os);
  });
  addText(writer, "programming.json", timing, [&r](llvm::raw_ostream &os) {
    writeProgrammingJson(r.programming, os);
  });
  addText(writer, "execution.json", timing, [&r](llvm::raw_ostream &os) {
    writeExecutionJson(r.execution, os);
  });
  addText(writer, "mapping.txt", timing, [&r](llvm::raw_ostream &os) {
    printMappingText(r, os);
  });
  addText(writer, "mapping.json", timing, [&r](llvm::raw_ostream &os) {
    printMappingSummaryJson(r.mapping, os);
  });
  addText(writer, "summary.txt", timing, [&r](llvm::raw_ostream &os) {
    printModelSummary(r.model, os);
  });
  addText(writer, "target.yaml", timing,
          [targetText](llvm::raw_ostream &os) { os << targetText; });
  addText(writer, "report.txt", timing, [&r](llvm::raw_ostream &os) {
    ppa::writeReportText(r.report, os);
  });
  addText(writer, "report.json", timing, [&r](llvm::raw_ostream &os) {
    ppa::writeReportJson(r.report, os);
  });
  addText(writer, "report.html", timing, [&r](llvm::raw_ostream &os) {
    ppa::writeReportHtml(r.report, os);
  });
  if (r.simulation)
    addText(writer, "simulation.json", timing, [&r](llvm::raw_ostream &os) {
      writeSimulationJson(*r.simulation, os);
    });
}

void driver::printMappingText(const CompileResult &result,
                              llvm::raw_ostream &os) {
  printMappingSummary(result.mapping, os);
  printExecutionSummary(result.execution, os);
  printTimeMultiplexing(result.execution, result.programming,
                        result.endurance, os);
}

void driver::printCompileSummary(const CompileResult &result,
                                 llvm::raw_ostream &os) {
  os << "model: " << result.report.model << " (" << result.model.layers.size()
     << " layers, " << result.model.totalParameters << " parameters, "
     << result.model.totalMacs << " MACs)\n";
  printMappingText(result, os);
  const ppa::ChipPPA &ppa = result.report.ppa;
  os << llvm::formatv("ppa: {0:g4} TOPS, {1:g4} TOPS/W, {2:g4} TOPS/mm2, "
                      "{3:g4} mm2 placed, {4:g4} uJ per inference\n",
                      ppa.tops(), ppa.topsPerWatt(), ppa.topsPerMm2(),
                      ppa.area * 1e6, ppa.energy * 1e6);
  if (result.simulation)
    printSimulationReport(*result.simulation, os);
}
