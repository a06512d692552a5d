//===- CompileOptions.h - What `nncc compile` is asked to do ----*- C++ -*-===//
//
// Every choice of the compile flow, as plain data: the command line (or a
// test, or another tool) fills it; lib/Driver reads it.  Defaults here are
// the documented defaults of `nncc compile --help`.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_COMPILEOPTIONS_H
#define NNCC_DRIVER_COMPILEOPTIONS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nncc {
struct Dataset;
namespace target {
struct TargetChip;
} // namespace target

namespace driver {

enum class ProgramFormat { Auto, Text, Bytecode };
/// Where a bytecode program keeps the float weight matrices its model holds
/// (`--program-weights`, nncc/Dialect/CIM/ModelWeights.h): in the program,
/// or as references to the model file.
enum class ProgramWeights { Auto, Embed, Model };

/// An accuracy simulation after the compile (`--simulate`).
struct SimulationRequest {
  /// Test set, IMAGES,LABELS[:N].
  std::string dataset;
  /// The labelled set itself, when it is not a file (the float model's
  /// classes as labels, AccuracyBudget.h); used instead of `dataset`,
  /// which then only names it.
  std::shared_ptr<const Dataset> labelledSet;
  /// Inputs that calibrate the ADCs, IMAGES[:N] (empty: the first
  /// kAdcCalibrationSamples compile calibration samples).
  std::string adcCalibration;
  int64_t instances = 5;
  /// "1s,1h,..." (empty: the target's drift t0).
  std::string times;
  std::string effects = "all";
  /// How IR drop is computed: first-order or nodal (IrDrop.h).
  std::string irDrop = "first-order";
  /// Recalibrate every layer's column ADC ranges with this method (max,
  /// percentile:P or mse) instead of the program's (empty: the program's,
  /// CompileOptions::adcRange).
  std::string adcRange;
  uint64_t seed = 1;
  /// Say why, when the chip loses the accuracy (an ablation; Simulator.h).
  bool diagnose = true;
  /// Under mpirun, split the instances across the ranks (Simulator.h).
  bool splitAcrossRanks = false;
};

/// One layer's own value of a mapping knob (`--layer NAME:KNOB=VALUE`),
/// one of kLayerKnobNames; the passes check the layer name and the value
/// (LayerOverrides.h).
struct LayerKnob {
  std::string layer, knob, value;
};

struct CompileOptions {
  /// Weight bits; 0 takes the target's array.weight_bits.
  int64_t weightBits = 0;
  bool perChannel = true;
  bool symmetric = true;
  /// Calibration samples for activation ranges (a dataset spec, Dataset.h);
  /// empty: kSyntheticCalibrationSamples synthetic samples
  /// (syntheticSamples), announced on stderr.
  std::string calibration;
  int64_t calibrationLimit = 256;
  double percentile = 100.0;
  /// Signed-weight scheme; empty takes the target's.
  std::string scheme;
  /// How the periphery calibrates each column's ADC range (max,
  /// percentile:P or mse), recorded per layer in the program.
  std::string adcRange = "max";
  bool replicate = true;
  /// At most this many copies of a layer with replicate (0: no cap).  The
  /// default bounds replication as DNN+NeuroSim's speedUpDegree (8) does,
  /// so that a small network does not fill a large chip with copies whose
  /// throughput no input stream could feed.
  int64_t maxCopies = 8;
  /// Split a mapping larger than the chip into program groups instead of
  /// failing.
  bool timeMultiplex = false;
  /// Per-layer knobs, over the whole-network values above.
  std::vector<LayerKnob> layerKnobs;
  uint64_t placementSeed = 1;
  double placementTimeout = 30.0;
  ProgramFormat programFormat = ProgramFormat::Auto;
  ProgramWeights programWeights = ProgramWeights::Auto;
  std::optional<SimulationRequest> simulation;
};

/// Synthetic calibration: how many samples, and their seed.
inline constexpr int64_t kSyntheticCalibrationSamples = 64;
inline constexpr uint64_t kSyntheticCalibrationSeed = 1;
/// ADC calibration samples taken from --calibration when --simulate has no
/// --adc-calibration.
inline constexpr int64_t kAdcCalibrationSamples = 64;
/// Above this many bytes of constants the Auto program format writes
/// bytecode: the text form spells them in hex (twice the bytes), takes ten
/// times as long to print and to parse, and is not read by people anyway.
inline constexpr uint64_t kTextProgramConstantLimit = 16ull << 20;
/// Above this many bytes of constants Auto program weights refer to the
/// model's: the outputs of a 100 M-weight model then hold its weights once
/// (as codes and cell levels) rather than a copy of the model besides.
/// Smaller programs stay self-contained.
inline constexpr uint64_t kModelWeightsConstantLimit = 256ull << 20;

/// The knobs `--layer` takes.
inline constexpr const char *kLayerKnobNames[] = {
    "scheme",           "weight-bits", "input-bits", "bits-per-cell",
    "rows-in-parallel", "adc-range",   "max-copies"};

/// Parses `NAME:KNOB=VALUE[,KNOB=VALUE...]` (the layer name is everything
/// before the last ':' that a knob name and '=' follow) into `into`; the knob names are checked here, the
/// layer name and the values by the passes.
llvm::Error parseLayerKnobs(llvm::StringRef spec, std::vector<LayerKnob> &into);

/// The weight bits a compile uses on `chip`.
int64_t resolveWeightBits(const CompileOptions &options,
                          const target::TargetChip &chip);

} // namespace driver
} // namespace nncc

#endif // NNCC_DRIVER_COMPILEOPTIONS_H
