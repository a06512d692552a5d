//===- TensorFileFuzzer.cpp - Bytes as a tensor or dataset file -----------===//
//
// The first input byte picks the file name's extension (readTensorFile
// decides by content, except for ONNX TensorProto `.pb`) and the sample
// limit; the rest is the file.  Contract (TensorFiles.h, Dataset.h): a file
// is read into a tensor within the limit, or refused with a message naming
// the file; memory follows the file's size, not a size its header claims.
//
//===----------------------------------------------------------------------===//
#include "FuzzerSupport.h"

#include "nncc/Data/Dataset.h"
#include "nncc/Data/TensorFiles.h"

#include "llvm/Support/Error.h"

using namespace nncc;

namespace {

void checkRejected(llvm::Error error, llvm::StringRef path) {
  std::string message = llvm::toString(std::move(error));
  if (llvm::StringRef(message).find(path) == llvm::StringRef::npos)
    fuzz::contractBroken("an error does not name the file: " + message);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  static const char *const kSuffixes[] = {".npy", ".idx", ".pb", ".gz"};
  const char *suffix = kSuffixes[data[0] % 4];
  int64_t limit = data[0] / 4 % 8; // 0: no limit
  std::string path =
      fuzz::writeScratchFile(fuzz::bytesOf(data + 1, size - 1), suffix);

  llvm::Expected<runtime::Tensor> tensor = readTensorFile(path, limit);
  if (!tensor) {
    checkRejected(tensor.takeError(), path);
  } else {
    if (limit > 0 && tensor->rank() > 0 && tensor->dim(0) > limit)
      fuzz::contractBroken("a tensor holds more items than the limit");
  }

  // The same file as a dataset: samples, and samples with labels (which
  // must be integers, one per sample).
  std::string spec = path + ":" + std::to_string(limit > 0 ? limit : 4);
  for (const std::string &setSpec : {spec, path + "," + spec}) {
    DatasetOptions options;
    options.needLabels = setSpec != spec;
    llvm::Expected<Dataset> set = loadDataset(setSpec, options);
    if (!set) {
      checkRejected(set.takeError(), path);
      continue;
    }
    if (options.needLabels &&
        static_cast<int64_t>(set->labels.size()) != set->size())
      fuzz::contractBroken("a dataset has a label count unlike its samples");
  }
  return 0;
}
