//===- Dataset.cpp - Samples and labels from tensor files -----------------===//
#include "nncc/Data/Dataset.h"

#include "nncc/Data/TensorFiles.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/NonFinite.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace nncc;
using runtime::DType;
using runtime::Tensor;

llvm::Expected<DatasetSpec> DatasetSpec::parse(llvm::StringRef spec) {
  DatasetSpec parsed;
  llvm::StringRef files = spec;
  size_t colon = spec.rfind(':');
  if (colon != llvm::StringRef::npos && colon + 1 < spec.size() &&
      llvm::all_of(spec.substr(colon + 1), llvm::isDigit)) {
    if (spec.substr(colon + 1).getAsInteger(10, parsed.limit) ||
        parsed.limit < 1)
      return makeError("dataset '" + spec + "': :N must be a positive count");
    files = spec.substr(0, colon);
  }
  auto [samples, labels] = files.split(',');
  if (samples.empty())
    return makeError("dataset '" + spec + "': no sample file");
  parsed.samples = samples.str();
  parsed.labels = labels.str();
  return parsed;
}

llvm::Expected<Dataset> nncc::loadDataset(llvm::StringRef text,
                                          const DatasetOptions &options) {
  llvm::Expected<DatasetSpec> spec = DatasetSpec::parse(text);
  if (!spec)
    return spec.takeError();
  if (options.needLabels && spec->labels.empty())
    return makeError("dataset '" + spec->samples +
                     "': accuracy needs labels (IMAGES,LABELS[:N])");
  int64_t limit = spec->limit ? spec->limit : options.defaultLimit;
  llvm::Expected<Tensor> raw = readTensorFile(spec->samples, limit);
  if (!raw)
    return raw.takeError();
  if (raw->rank() < 1 || raw->dim(0) < 1)
    return makeError("'" + spec->samples + "': no samples along dim 0");
  int64_t count = raw->dim(0);
  if (limit > 0)
    count = std::min(count, limit);
  llvm::SmallVector<int64_t> shape(raw->shape().begin(), raw->shape().end());
  shape[0] = count;
  Dataset set;
  set.samples = Tensor(DType::F32, shape);
  float *dst = set.samples.data<float>();
  const int64_t n = set.samples.numElements();
  const double scale = raw->dtype() == DType::U8 ? options.pixelScale : 1.0;
  for (int64_t i = 0; i < n; ++i)
    dst[i] = static_cast<float>(raw->getAsDouble(i) * scale);
  // An input the DACs cannot encode: a NaN, an infinity, or a float64
  // beyond float32's range.  Calibrating on it would make the layer's input
  // scale infinite (every code 0) without a word.
  if (std::optional<size_t> bad = findNonFinite(llvm::ArrayRef(dst, n))) {
    const int64_t perSample = n / count;
    const int64_t at = static_cast<int64_t>(*bad);
    const std::string index =
        formatElementIndex(at % perSample, llvm::ArrayRef(shape).drop_front());
    return makeError(
        llvm::formatv("'{0}': sample {1} has {2}{3}; dataset samples must "
                      "be finite",
                      spec->samples, at / perSample, nonFiniteName(dst[at]),
                      shape.size() > 1 ? " at [" + index + "]" : "")
            .str());
  }
  if (!spec->labels.empty()) {
    llvm::Expected<Tensor> labels = readTensorFile(spec->labels, limit);
    if (!labels)
      return labels.takeError();
    if (labels->numElements() < count)
      return makeError("'" + spec->labels +
                       "': " + std::to_string(labels->numElements()) +
                       " labels for " + std::to_string(count) + " samples");
    // Class indices: a float label file must hold whole numbers that an
    // int64_t represents (a NaN or 1e300 has no class).
    for (int64_t i = 0; i < count; ++i) {
      double label = labels->getAsDouble(i);
      if (!(label >= 0 && label < 0x1p63) || label != std::floor(label))
        return makeError(llvm::formatv("'{0}': label {1} is {2}, not a class "
                                       "index (a whole number >= 0)",
                                       spec->labels, i, label)
                             .str());
      set.labels.push_back(static_cast<int64_t>(label));
    }
  }
  return set;
}

llvm::Error nncc::checkSampleShape(const Dataset &set, llvm::StringRef what,
                                   llvm::ArrayRef<int64_t> inputShape) {
  int64_t batch = inputShape.empty() ? 1 : inputShape.front();
  int64_t perSample = runtime::numElementsOf(inputShape) / batch;
  int64_t count = set.size();
  if (count == 0 || set.samples.numElements() / count != perSample)
    return makeError(what + " " + formatShape(set.samples.shape()) +
                     " do not match the model input " +
                     formatShape(inputShape) + " (" +
                     std::to_string(perSample) + " values per sample)");
  return llvm::Error::success();
}

Dataset nncc::syntheticSamples(llvm::ArrayRef<int64_t> inputShape,
                               int64_t count, uint64_t seed) {
  llvm::SmallVector<int64_t> shape(inputShape.begin(), inputShape.end());
  if (shape.empty())
    shape.push_back(1);
  shape[0] = count;
  Dataset set;
  set.samples = Tensor(DType::F32, shape);
  std::mt19937_64 engine(seed);
  float *dst = set.samples.data<float>();
  for (int64_t i = 0, n = set.samples.numElements(); i < n; ++i)
    dst[i] = static_cast<float>(static_cast<double>(engine() >> 11) * 0x1.0p-53);
  return set;
}

Dataset nncc::sampleRange(const Dataset &set, int64_t begin, int64_t count) {
  begin = std::clamp<int64_t>(begin, 0, set.size());
  count = std::clamp<int64_t>(count, 0, set.size() - begin);
  Dataset range;
  if (!set.samples.rank())
    return range;
  std::vector<int64_t> shape(set.samples.shape().begin(),
                             set.samples.shape().end());
  const int64_t perSample =
      set.size() > 0 ? set.samples.numElements() / set.size() : 0;
  shape[0] = count;
  range.samples = runtime::Tensor(runtime::DType::F32, shape);
  std::copy_n(set.samples.data<float>() + begin * perSample,
              count * perSample, range.samples.data<float>());
  if (!set.labels.empty())
    range.labels.assign(set.labels.begin() + begin,
                        set.labels.begin() + begin + count);
  return range;
}

llvm::Expected<Dataset>
nncc::loadCalibrationSamples(const CalibrationSource &source,
                             llvm::ArrayRef<int64_t> inputShape) {
  if (source.path.empty()) {
    if (source.synthetic > 0)
      return syntheticSamples(inputShape, source.synthetic, source.seed);
    return makeError(
        "calibration needs samples (nncc compile --calibration FILE, pass "
        "option calibration=FILE: .npy/.pb with samples along dim 0, or IDX "
        "images; or synthetic-samples=N)");
  }
  DatasetOptions read;
  read.defaultLimit = source.limit;
  read.pixelScale = source.pixelScale;
  llvm::Expected<Dataset> set = loadDataset(source.path, read);
  if (!set)
    return set.takeError();
  if (llvm::Error e = checkSampleShape(
          *set, "calibration samples in '" + source.path + "'", inputShape))
    return std::move(e);
  return set;
}
