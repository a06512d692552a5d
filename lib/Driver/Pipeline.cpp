//===- Pipeline.cpp - The mapping pipeline of `nncc compile` --------------===//
#include "nncc/Driver/Pipeline.h"

#include "nncc/Data/Dataset.h"
#include "nncc/Conversion/NNToCIM/Passes.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"
#include "nncc/Target/TargetLoader.h"

#include "mlir/Pass/PassRegistry.h"

#include <optional>

using namespace mlir;
using namespace nncc;
using namespace nncc::driver;

namespace {

/// The `--layer` entries of one knob as a pass's LAYER=VALUE list.
std::vector<std::string> layerValues(const CompileOptions &options,
                                     llvm::StringRef knob) {
  std::vector<std::string> values;
  for (const LayerKnob &k : options.layerKnobs)
    if (k.knob == knob)
      values.push_back(k.layer + "=" + k.value);
  return values;
}

} // namespace

void driver::populateArrayMappingPipeline(
    OpPassManager &pm, const CompileOptions &options, int64_t weightBits,
    std::shared_ptr<const Dataset> calibration, bool releaseImportedWeights,
    const target::TargetChip *chip) {
  // A target with core.one_layer_copy: copies and program groups take
  // whole cores.
  const bool oneLayerCopy = chip && chip->core.oneLayerCopy;
  LowerNNToCIMOptions lowering;
  lowering.releaseReplacedWeights = releaseImportedWeights;
  pm.addPass(createLowerNNToCIM(lowering));
  // The passes' list options are ArrayRefs: the lists live until the
  // passes (which copy them) are made.
  const std::vector<std::string> layerBits =
                                     layerValues(options, "weight-bits"),
                                 layerInputBits =
                                     layerValues(options, "input-bits"),
                                 layerSchemes = layerValues(options, "scheme"),
                                 layerRows =
                                     layerValues(options, "rows-in-parallel"),
                                 layerCellBits =
                                     layerValues(options, "bits-per-cell"),
                                 layerAdcRange =
                                     layerValues(options, "adc-range"),
                                 layerCopies =
                                     layerValues(options, "max-copies");
  QuantizeLayersOptions quantize;
  quantize.weightBits = weightBits;
  quantize.perChannel = options.perChannel;
  quantize.symmetric = options.symmetric;
  quantize.calibrationPath = options.calibration;
  quantize.calibrationLimit = options.calibrationLimit;
  quantize.percentile = options.percentile;
  quantize.layerWeightBits = layerBits;
  quantize.layerInputBits = layerInputBits;
  if (options.calibration.empty())
    quantize.syntheticSamples = kSyntheticCalibrationSamples;
  pm.addPass(createQuantizeLayers(quantize, std::move(calibration)));
  DifferentialSplitOptions differential;
  differential.scheme = options.scheme;
  differential.layerSchemes = layerSchemes;
  pm.addPass(createDifferentialSplit(differential));
  BitSliceWeightsOptions slicing;
  slicing.layerBitsPerCell = layerCellBits;
  pm.addPass(createBitSliceWeights(slicing));
  PartitionOntoArraysOptions partition;
  partition.layerRowsInParallel = layerRows;
  partition.adcRange = options.adcRange;
  partition.layerAdcRange = layerAdcRange;
  pm.addPass(createPartitionOntoArrays(partition));
  if (options.replicate) {
    ReplicateLayersOptions replication;
    replication.maxCopies = options.maxCopies;
    replication.layerMaxCopies = layerCopies;
    replication.wholeCores = oneLayerCopy;
    pm.addPass(createReplicateLayers(replication));
  }
  if (options.timeMultiplex) {
    TimeMultiplexOptions grouping;
    grouping.onlyBeyondChip = true;
    grouping.wholeCores = oneLayerCopy;
    pm.addPass(createTimeMultiplex(grouping));
  }
}

void driver::populatePlacementPipeline(OpPassManager &pm,
                                       const CompileOptions &options,
                                       const target::TargetChip *chip) {
  PlaceTilesOptions place;
  place.seed = options.placementSeed;
  place.timeout = options.placementTimeout;
  if (chip) {
    place.oneLayerCopy = chip->core.oneLayerCopy;
    place.portBitsPerSecond =
        static_cast<double>(chip->core.bufferPortBits) *
        chip->technology.clock;
  }
  pm.addPass(createPlaceTiles(place));
}

namespace {

/// `--nncc-map-pipeline`'s options: `nncc compile`'s mapping flags, with
/// the same names and defaults.
struct MappingPipelineOptions
    : public PassPipelineOptions<MappingPipelineOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Chip description (YAML) to attach; empty: the "
                     "module's own #cim.target")};
  Option<int64_t> weightBits{
      *this, "weight-bits",
      llvm::cl::desc("Weight bits (0: the target's array.weight_bits; 8 "
                     "without target=)"),
      llvm::cl::init(0)};
  Option<bool> perChannel{*this, "per-channel",
                          llvm::cl::desc("Per-output-channel weight scales"),
                          llvm::cl::init(true)};
  Option<bool> symmetric{*this, "symmetric",
                         llvm::cl::desc("Symmetric weights"),
                         llvm::cl::init(true)};
  Option<std::string> calibration{
      *this, "calibration",
      llvm::cl::desc("Calibration samples (empty: 64 synthetic samples "
                     "uniform in [0, 1))")};
  Option<int64_t> calibrationLimit{
      *this, "calibration-limit",
      llvm::cl::desc("Use at most N calibration samples"),
      llvm::cl::init(256)};
  Option<double> percentile{
      *this, "percentile",
      llvm::cl::desc("Percentile of |x| setting activation ranges"),
      llvm::cl::init(100.0)};
  Option<std::string> scheme{
      *this, "scheme",
      llvm::cl::desc("Signed-weight scheme (empty: the target's)")};
  Option<std::string> adcRange{
      *this, "adc-range",
      llvm::cl::desc("How each column's ADC range is calibrated: max, "
                     "percentile:P or mse"),
      llvm::cl::init("max")};
  Option<bool> replicate{*this, "replicate",
                         llvm::cl::desc("Copy bottleneck layers onto free "
                                        "arrays"),
                         llvm::cl::init(true)};
  Option<int64_t> maxCopies{
      *this, "max-copies",
      llvm::cl::desc("At most N copies of a layer (default 8, as nncc "
                     "compile; 0: no cap)"),
      llvm::cl::init(8)};
  Option<bool> timeMultiplex{
      *this, "time-multiplex",
      llvm::cl::desc("Program groups when the mapping exceeds the chip"),
      llvm::cl::init(false)};
  Option<uint64_t> seed{*this, "seed", llvm::cl::desc("Placement seed"),
                        llvm::cl::init(1)};
  Option<double> placeTimeout{
      *this, "place-timeout",
      llvm::cl::desc("Placement wall-clock limit in seconds"),
      llvm::cl::init(30.0)};

  CompileOptions toCompileOptions() const {
    CompileOptions options;
    options.weightBits = weightBits;
    options.perChannel = perChannel;
    options.symmetric = symmetric;
    options.calibration = calibration;
    options.calibrationLimit = calibrationLimit;
    options.percentile = percentile;
    options.scheme = scheme;
    options.adcRange = adcRange;
    options.replicate = replicate;
    options.maxCopies = maxCopies;
    options.timeMultiplex = timeMultiplex;
    options.placementSeed = seed;
    options.placementTimeout = placeTimeout;
    return options;
  }
};

void buildMappingPipeline(OpPassManager &pm,
                          const MappingPipelineOptions &pipelineOptions) {
  CompileOptions options = pipelineOptions.toCompileOptions();
  int64_t weightBits = options.weightBits > 0 ? options.weightBits : 8;
  std::optional<target::TargetChip> loaded;
  if (!pipelineOptions.target.empty()) {
    AttachTargetOptions attach;
    attach.targetPath = pipelineOptions.target;
    pm.addPass(createAttachTarget(attach));
    // The target's own weight bits; a file that does not load is reported
    // by the attach pass when the pipeline runs.
    llvm::Expected<target::TargetChip> chip =
        target::loadTargetFile(pipelineOptions.target);
    if (chip) {
      weightBits = resolveWeightBits(options, *chip);
      loaded = std::move(*chip);
    } else {
      llvm::consumeError(chip.takeError());
    }
  }
  populateArrayMappingPipeline(pm, options, weightBits, nullptr, false,
                               loaded ? &*loaded : nullptr);
  populatePlacementPipeline(pm, options, loaded ? &*loaded : nullptr);
}

} // namespace

void driver::registerMappingPipeline() {
  PassPipelineRegistration<MappingPipelineOptions>(
      "nncc-map-pipeline",
      "Map an imported nn module onto a chip as `nncc compile` does: lower, "
      "quantize, differential split, bit-slice, partition, replicate or "
      "time-multiplex, place",
      buildMappingPipeline);
}
