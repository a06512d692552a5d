//===- CompileOptions.cpp - What `nncc compile` is asked to do ------------===//
#include "nncc/Driver/CompileOptions.h"

#include "nncc/Support/Errors.h"
#include "nncc/Target/TargetChip.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace nncc;

int64_t nncc::driver::resolveWeightBits(const CompileOptions &options,
                                        const target::TargetChip &chip) {
  return options.weightBits > 0 ? options.weightBits : chip.array.weightBits;
}

llvm::Error nncc::driver::parseLayerKnobs(llvm::StringRef spec,
                                          std::vector<LayerKnob> &into) {
  // The name ends at the last ':' that a knob name and '=' follow: names
  // may hold ':' ("conv1:0"), and so may values ("percentile:99.9").
  size_t colon = llvm::StringRef::npos;
  for (size_t at = spec.find(':'); at != llvm::StringRef::npos;
       at = spec.find(':', at + 1))
    if (llvm::any_of(kLayerKnobNames, [&](llvm::StringRef knob) {
          return spec.drop_front(at + 1).ltrim().starts_with(knob.str() + "=");
        }))
      colon = at;
  // Without a knob name, the last ':' (the entry is then reported).
  if (colon == llvm::StringRef::npos)
    colon = spec.rfind(':');
  llvm::StringRef layer =
      colon == llvm::StringRef::npos ? "" : spec.take_front(colon);
  llvm::StringRef knobs =
      colon == llvm::StringRef::npos ? "" : spec.drop_front(colon + 1);
  if (layer.empty() || knobs.empty())
    return makeError("--layer '" + spec +
                     "': expected NAME:KNOB=VALUE[,KNOB=VALUE...]");
  llvm::SmallVector<llvm::StringRef> entries;
  knobs.split(entries, ',');
  for (llvm::StringRef entry : entries) {
    auto [knob, value] = entry.split('=');
    knob = knob.trim();
    value = value.trim();
    if (!llvm::is_contained(kLayerKnobNames, knob) || value.empty())
      return makeError("--layer '" + spec + "': '" + entry +
                       "': expected KNOB=VALUE with KNOB one of " +
                       llvm::join(std::begin(kLayerKnobNames),
                                  std::end(kLayerKnobNames), ", "));
    for (const LayerKnob &known : into)
      if (known.layer == layer && known.knob == knob)
        return makeError("--layer: " + knob + " of layer '" + layer +
                         "' is given twice");
    into.push_back({layer.str(), knob.str(), value.str()});
  }
  return llvm::Error::success();
}
