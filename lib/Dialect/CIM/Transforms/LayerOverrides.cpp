//===- LayerOverrides.cpp - Per-layer values of a pass option -------------===//
#include "nncc/Dialect/CIM/Transforms/LayerOverrides.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace nncc;
using namespace nncc::cim;

FailureOr<LayerOverrides>
LayerOverrides::parse(ModuleOp module, ArrayRef<std::string> entries,
                      StringRef option) {
  LayerOverrides overrides;
  overrides.option = option.str();
  if (entries.empty())
    return overrides;
  llvm::StringMap<bool> names;
  SmallVector<std::string> ordered;
  module.walk([&](LayerOp layer) {
    if (names.try_emplace(layer.getLayerName(), true).second)
      ordered.push_back(layer.getLayerName().str());
  });
  for (const std::string &entry : entries) {
    // The name may itself hold '=' ("/a=b/Conv"): the value follows the
    // last one.
    size_t eq = StringRef(entry).rfind('=');
    StringRef name = eq == StringRef::npos ? StringRef() : StringRef(entry).take_front(eq);
    StringRef value = eq == StringRef::npos ? StringRef() : StringRef(entry).drop_front(eq + 1);
    if (name.empty() || value.empty()) {
      module.emitError() << option << ": '" << entry
                         << "': expected LAYER=VALUE";
      return failure();
    }
    if (!names.count(name)) {
      module.emitError() << option << ": no layer is named '" << name
                         << "' (layers: " << llvm::join(ordered, ", ") << ")";
      return failure();
    }
    if (!overrides.values.try_emplace(name, value.str()).second) {
      module.emitError() << option << ": layer '" << name
                         << "' is given twice";
      return failure();
    }
  }
  return overrides;
}

std::optional<StringRef> LayerOverrides::lookup(LayerOp layer) const {
  auto it = values.find(layer.getLayerName());
  if (it == values.end())
    return std::nullopt;
  return StringRef(it->second);
}

FailureOr<int64_t> LayerOverrides::lookupInteger(LayerOp layer,
                                                 int64_t fallback, int64_t min,
                                                 int64_t max) const {
  std::optional<StringRef> text = lookup(layer);
  if (!text)
    return fallback;
  int64_t value;
  if (text->getAsInteger(10, value) || value < min || value > max) {
    layer.emitError() << option << ": layer '" << layer.getLayerName()
                      << "': '" << *text << "' is not an integer in [" << min
                      << ", " << max << "]";
    return failure();
  }
  return value;
}

FailureOr<std::vector<int64_t>> LayerOverrides::integersPerLayer(
    ModuleOp module, ArrayRef<LayerOp> layers, ArrayRef<std::string> entries,
    StringRef option, int64_t fallback, int64_t min, int64_t max) {
  FailureOr<LayerOverrides> overrides = parse(module, entries, option);
  if (failed(overrides))
    return failure();
  std::vector<int64_t> values;
  for (LayerOp layer : layers) {
    FailureOr<int64_t> value =
        overrides->lookupInteger(layer, fallback, min, max);
    if (failed(value))
      return failure();
    values.push_back(*value);
  }
  return values;
}
