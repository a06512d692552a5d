//===- Dataset.h - Samples and labels from tensor files ---------*- C++ -*-===//
//
// The one way nncc's commands read a dataset (run --images, compile
// --calibration and --simulate, simulate --dataset / --adc-calibration):
// a spec "SAMPLES[,LABELS][:N]" of tensor files (TensorFiles.h), samples
// along dimension 0 converted to f32 by one rule (pixelScale below), :N
// keeping the first N.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DATA_DATASET_H
#define NNCC_DATA_DATASET_H

#include "nncc/Runtime/Tensor.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace nncc {

/// Factor that turns 8-bit pixel codes (uint8 samples, as in IDX image
/// files) into the [0, 1] inputs the bundled models were trained on.  Every
/// other element type is taken as it is.
inline constexpr double kDefaultPixelScale = 1.0 / 255.0;

/// Samples along dim 0 (f32) and, for a labelled set, one label each.
struct Dataset {
  runtime::Tensor samples;
  std::vector<int64_t> labels;
  int64_t size() const { return samples.rank() ? samples.dim(0) : 0; }
};

/// A parsed "SAMPLES[,LABELS][:N]" (limit 0: all).
struct DatasetSpec {
  std::string samples, labels;
  int64_t limit = 0;
  static llvm::Expected<DatasetSpec> parse(llvm::StringRef spec);
};

struct DatasetOptions {
  bool needLabels = false;
  /// Keeps at most this many samples when the spec has no :N (0: all).
  int64_t defaultLimit = 0;
  double pixelScale = kDefaultPixelScale;
};

/// Reads a dataset; errors name the file and what is wrong with it.
llvm::Expected<Dataset> loadDataset(llvm::StringRef spec,
                                    const DatasetOptions &options = {});

/// Samples as `batch`-sized inputs of shape `inputShape` (dimension 0 the
/// batch): checks that each sample has the input's element count, and says
/// what shape it got if not.  `what` names the set in messages.
llvm::Error checkSampleShape(const Dataset &set, llvm::StringRef what,
                             llvm::ArrayRef<int64_t> inputShape);

/// Samples [begin, begin + count) of `set` (clipped to its size), with
/// their labels.
Dataset sampleRange(const Dataset &set, int64_t begin, int64_t count);
/// The first `count` samples of `set` (all of it if smaller), with their
/// labels.
inline Dataset firstSamples(const Dataset &set, int64_t count) {
  return sampleRange(set, 0, count);
}

/// `count` deterministic samples for an input of shape `inputShape` (dim 0
/// the batch), uniform in [0, 1) from std::mt19937_64 seeded by `seed` (the
/// engine is specified bit for bit by the standard; the conversion to
/// [0, 1) is done here, not by a distribution whose output the standard
/// leaves to the library).  The documented stand-in for calibration data
/// when none is given: an assumption that the model takes [0, 1] inputs,
/// as the bundled examples do; real samples give better ranges.
Dataset syntheticSamples(llvm::ArrayRef<int64_t> inputShape, int64_t count,
                         uint64_t seed);

/// Where calibration samples come from: the dataset `path` (at most
/// `limit` samples when its spec has no :N; 0: all), else `synthetic`
/// samples from syntheticSamples (0: none).
struct CalibrationSource {
  std::string path;
  int64_t limit = 0;
  double pixelScale = kDefaultPixelScale;
  int64_t synthetic = 0;
  uint64_t seed = 1;
};

/// The calibration samples of `source` for an input of shape
/// `inputShape`, their shape checked (checkSampleShape).  An error names
/// the file, or says that there is neither a file nor synthetic samples.
llvm::Expected<Dataset> loadCalibrationSamples(const CalibrationSource &source,
                                               llvm::ArrayRef<int64_t> inputShape);

} // namespace nncc

#endif // NNCC_DATA_DATASET_H
