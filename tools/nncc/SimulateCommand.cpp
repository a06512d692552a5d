//===- SimulateCommand.cpp - nncc simulate (and compile --simulate) -------===//
#include "Commands.h"

#include "nncc/Driver/Compile.h"
#include "nncc/Driver/CompiledOutput.h"
#include "nncc/Simulation/Simulator.h"
#include "nncc/Support/Distributed.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace nncc;
using namespace nncc::tool;

namespace {

cl::opt<std::string> simulateDir(cl::Positional, cl::desc("<out/>"),
                                 cl::sub(simulateCmd), cl::cat(category));
cl::opt<std::string> dataset(
    "dataset",
    cl::desc("Test set, IMAGES,LABELS[:N] (IDX, .npy or .pb; :N keeps the "
             "first N; required)"),
    cl::value_desc("spec"), cl::sub(simulateCmd), cl::cat(category));
cl::opt<std::string> adcCalibration(
    "adc-calibration",
    cl::desc("Inputs that calibrate each column's ADC range, IMAGES[:N], "
             "not the test set (simulate: required; compile --simulate: "
             "default the first 64 --calibration samples)"),
    cl::value_desc("spec"), cl::sub(simulateCmd), cl::sub(compileCmd),
    cl::sub(exploreCmd), cl::cat(category));
cl::opt<int64_t> instances("instances",
                           cl::desc("Chip instances, Monte Carlo (default 5)"),
                           cl::init(5), cl::sub(simulateCmd),
                           cl::sub(compileCmd), cl::sub(exploreCmd),
                           cl::cat(category));
cl::opt<std::string> times(
    "time",
    cl::desc("Times after programming, e.g. 1s,1h,1d,1y (default: the "
             "target's drift t0)"),
    cl::sub(simulateCmd), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> effects(
    "effects",
    cl::desc("Non-idealities: all (default), none, a list (on_off, "
             "programming, variation, stuck_at, drift, drift_compensation, "
             "ir_drop, read_noise, adc) or -effect,... to drop some"),
    cl::init("all"), cl::sub(simulateCmd), cl::sub(compileCmd),
    cl::sub(exploreCmd), cl::cat(category));
cl::opt<std::string> irDrop(
    "ir-drop",
    cl::desc("How IR drop is computed: first-order (default; fast, folded "
             "into the cells once per tile) or nodal (each read's circuit "
             "solved exactly; slower)"),
    cl::init("first-order"), cl::value_desc("model"), cl::sub(simulateCmd),
    cl::sub(compileCmd), cl::sub(exploreCmd), cl::cat(category));
cl::opt<std::string> adcRange(
    "adc-range",
    cl::desc("How each column's ADC range is set from the calibration "
             "currents: max (nothing clips), percentile:P (the P-th "
             "percentile of |current|) or mse (least mean squared "
             "conversion error).  compile, explore: every layer's method, "
             "recorded in the program (default max; per layer: --layer "
             "NAME:adc-range=M).  simulate: recalibrate every layer with it "
             "instead of the program's methods"),
    cl::value_desc("method"), cl::sub(simulateCmd), cl::sub(compileCmd),
    cl::sub(exploreCmd), cl::cat(category));
cl::opt<bool> diagnose(
    "diagnose",
    cl::desc("When the chip loses the model's accuracy, find out why (each "
             "effect off in turn on 200 test images; default on; "
             "--diagnose=false skips it)"),
    cl::init(true), cl::sub(simulateCmd), cl::sub(compileCmd),
    cl::cat(category));
cl::opt<uint64_t> seed("seed", cl::desc("Simulation seed (default 1)"),
                       cl::init(1), cl::sub(simulateCmd), cl::cat(category));
cl::opt<std::string> chipPath(
    "chip", cl::desc("Chip description (default: <out>/target.yaml)"),
    cl::value_desc("chip.yaml"), cl::sub(simulateCmd), cl::cat(category));

} // namespace

driver::SimulationRequest nncc::tool::simulationRequest(StringRef testSet,
                                                        uint64_t seed) {
  driver::SimulationRequest request;
  request.dataset = testSet.str();
  request.adcCalibration = adcCalibration;
  request.instances = instances;
  request.times = times;
  request.effects = effects;
  request.irDrop = irDrop;
  request.seed = seed;
  request.diagnose = diagnose;
  return request;
}

std::string nncc::tool::mappingAdcRange() {
  return adcRange.empty() ? "max" : adcRange.getValue();
}

void nncc::tool::warnAboutAccuracy(const SimulationReport &report) {
  if (!report.diagnosis || report.points.empty())
    return;
  errs() << "warning: "
         << report.diagnosis->message(report.floatAccuracy,
                                      report.points.front().mean,
                                      report.quantizedAccuracy)
         << "\n";
}

int nncc::tool::runSimulate() {
  if (simulateDir.empty())
    return fail("simulate", "needs a compiled output directory (nncc "
                            "simulate out/ --dataset ...)");
  driver::SimulationRequest request = simulationRequest(dataset, seed);
  request.adcRange = adcRange;
  // Run by mpirun, the ranks share the instances out.
  request.splitAcrossRanks = true;
  std::function<void(int64_t, int64_t)> progress;
  if (distributed::rank() == 0)
    progress = [](int64_t done, int64_t total) {
      reportProgress("simulating", done, total);
    };
  Expected<SimulationReport> report = driver::simulateCompiledOutput(
      simulateDir, request, chipPath, progress);
  if (!report)
    return failLines(report.takeError());
  // Every rank has the whole report; one prints it (and wrote it).
  if (distributed::rank() != 0)
    return 0;
  printSimulationReport(*report, outs());
  warnAboutAccuracy(*report);
  SmallString<256> out(simulateDir);
  sys::path::append(out, "simulation.json");
  outs() << "wrote " << out << "\n";
  return 0;
}
