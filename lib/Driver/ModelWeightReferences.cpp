//===- ModelWeightReferences.cpp - Which matrices the model holds ---------===//
//
// Candidates are the model's f32 raw_data initializers of the matrix's
// size; each layout is tried against the file, whose first row rejects a
// wrong candidate, so a model with many same-shaped matrices (an encoder's
// 768 x 768 projections) costs a row per wrong pair, not a matrix.
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/ModelWeightReferences.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Import/InitializerIndex.h"
#include "nncc/Support/Elements.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/Support/FileSystem.h"

#include <map>

using namespace mlir;
using namespace nncc;
using namespace nncc::driver;

namespace {

/// onnx::TensorProto::FLOAT.
constexpr int32_t kOnnxFloat = 1;

} // namespace

llvm::Expected<ModelWeightReferences>
driver::findModelWeightReferences(ModuleOp module, llvm::StringRef modelPath) {
  llvm::SmallString<256> path;
  if (std::error_code ec = llvm::sys::fs::real_path(modelPath, path))
    return llvm::createStringError(ec, modelPath + ": " + ec.message());
  uint64_t fileSize = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize))
    return llvm::createStringError(ec, path + ": " + ec.message());
  llvm::Expected<std::vector<RawInitializer>> initializers =
      indexRawInitializers(path);
  if (!initializers)
    return initializers.takeError();
  std::multimap<uint64_t, const RawInitializer *> bySize;
  for (const RawInitializer &init : *initializers)
    if (init.dataType == kOnnxFloat)
      bySize.emplace(init.bytes, &init);

  ModelWeightReferences references;
  std::optional<llvm::Error> error;
  module.walk([&](cim::LayerOp layer) {
    auto weights = dyn_cast<DenseResourceElementsAttr>(layer.getWeights());
    if (!weights || references.count(weights))
      return WalkResult::advance();
    auto type = cast<RankedTensorType>(weights.getType());
    std::optional<llvm::ArrayRef<float>> values = getF32Storage(weights);
    if (!values || type.getRank() != 3)
      return WalkResult::advance();
    auto [first, last] = bySize.equal_range(values->size() * sizeof(float));
    for (auto it = first; it != last; ++it)
      for (bool transposed : {false, true}) {
        cim::ModelWeightsRef ref{path.str().str(), fileSize,
                                 it->second->offset, transposed,
                                 /*hash=*/0,
                                 weights.getRawHandle().getKey().str()};
        llvm::Expected<bool> same =
            cim::modelHoldsWeights(*values, type, ref);
        if (!same) {
          error = same.takeError();
          return WalkResult::interrupt();
        }
        if (*same) {
          ref.hash = cim::hashWeights(*values);
          references[weights] = std::move(ref);
          return WalkResult::advance();
        }
      }
    return WalkResult::advance();
  });
  if (error)
    return std::move(*error);
  return std::move(references);
}
