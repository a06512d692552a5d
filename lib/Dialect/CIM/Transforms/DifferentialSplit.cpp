//===- DifferentialSplit.cpp - Signed weights in unsigned cells -----------===//
//
// Cells store non-negative conductances.  With v = q - z the signed integer
// weight, the differential schemes store max(v, 0) and max(-v, 0) on a G+/G-
// pair; the offset scheme stores v + offset (offset = z for asymmetric
// weights, 2^(W-1) for symmetric ones) and subtracts offset * sum(x), read
// from a reference column (NeuroSim/TCAD18 eq. 7).
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/Transforms/LayerOverrides.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/Elements.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace nncc {
#define GEN_PASS_DEF_DIFFERENTIALSPLIT
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

/// "differential-columns" -> SignedScheme::DifferentialColumns, ...
std::optional<cim::SignedScheme> parseScheme(StringRef text) {
  std::string name = text.str();
  for (char &c : name)
    if (c == '-')
      c = '_';
  return cim::symbolizeSignedScheme(name);
}

struct DifferentialSplitPass
    : nncc::impl::DifferentialSplitBase<DifferentialSplitPass> {
  using DifferentialSplitBase::DifferentialSplitBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<cim::SignedScheme> chosen;
    if (!scheme.empty()) {
      chosen = parseScheme(scheme);
      if (!chosen) {
        module.emitError() << "unknown scheme '" << scheme
                           << "' (differential-columns, differential-rows or "
                              "offset-reference)";
        return signalPassFailure();
      }
    } else if (cim::TargetAttr target = cim::getTarget(module)) {
      chosen = target.getSignedWeights();
    } else {
      module.emitError("nncc-differential needs scheme=... or a cim.target");
      return signalPassFailure();
    }
    FailureOr<cim::LayerOverrides> perLayer =
        cim::LayerOverrides::parse(module, layerSchemes, "layer-scheme");
    if (failed(perLayer))
      return signalPassFailure();
    const cim::SignedScheme whole = *chosen;
    OpBuilder b(&getContext());
    WalkResult result = module.walk([&](cim::LayerOp layer) {
      chosen = whole;
      if (std::optional<StringRef> name = perLayer->lookup(layer)) {
        chosen = parseScheme(*name);
        if (!chosen) {
          layer.emitError() << "layer-scheme: layer '" << layer.getLayerName()
                            << "': unknown scheme '" << *name
                            << "' (differential-columns, differential-rows or "
                               "offset-reference)";
          return WalkResult::interrupt();
        }
      }
      if (!layer.isQuantized()) {
        layer.emitError("layer '") << layer.getLayerName()
                                   << "' must be quantized first (--nncc-quantize)";
        return WalkResult::interrupt();
      }
      int64_t bits = static_cast<int64_t>(*layer.getWeightBits());
      bool symmetric = layer.getWeightSymmetric().value_or(true);
      std::optional<SignedIntCodes> q =
          SignedIntCodes::read(layer.getWeightIntsAttr());
      if (!q) {
        layer.emitError("layer '")
            << layer.getLayerName() << "': weight codes exceed 32 bits";
        return WalkResult::interrupt();
      }
      std::vector<int64_t> z = getIntValues(layer.getWeightZeroPointsAttr());
      auto shape = layer.getMatrixShape();
      // Bits of the largest stored value, from the data: a layer whose
      // weights never reach the full range needs fewer slices.
      int64_t largest = 0;
      std::vector<int32_t> offsets(z.size(), 0);
      bool offset = *chosen == cim::SignedScheme::OffsetReference;
      for (size_t c = 0; c < z.size(); ++c)
        offsets[c] = static_cast<int32_t>(
            symmetric ? (int64_t{1} << (bits - 1)) : z[c]);
      // Per column the extreme codes (a row-major pass), then the largest
      // stored value: v + offset is largest at the largest code, |v| at
      // one of the two extremes.
      const int64_t columns = shape.groups * shape.columns;
      std::vector<int32_t> lo(columns, INT32_MAX), hi(columns, INT32_MIN);
      q->visit([&](const auto *codes) {
        for (int64_t g = 0; g < shape.groups; ++g)
          for (int64_t k = 0; k < shape.depth; ++k) {
            const auto *row = codes + (g * shape.depth + k) * shape.columns;
            int32_t *l = &lo[g * shape.columns], *h = &hi[g * shape.columns];
            for (int64_t n = 0; n < shape.columns; ++n) {
              l[n] = std::min<int32_t>(l[n], row[n]);
              h[n] = std::max<int32_t>(h[n], row[n]);
            }
          }
      });
      if (shape.depth > 0)
        for (int64_t c = 0; c < columns; ++c) {
          int64_t low = int64_t{lo[c]} - z[c], high = int64_t{hi[c]} - z[c];
          int64_t stored = offset ? high + offsets[c]
                                  : std::max(std::abs(low), std::abs(high));
          largest = std::max(largest, stored);
        }
      int64_t storedBits = 1;
      while ((int64_t{1} << storedBits) <= largest)
        ++storedBits;
      layer.setSignedSchemeAttr(cim::SignedSchemeAttr::get(&getContext(), *chosen));
      layer.setStoredBitsAttr(b.getI64IntegerAttr(storedBits));
      if (offset)
        layer.setWeightOffsetsAttr(makeI32Elements(
            &getContext(), {static_cast<int64_t>(offsets.size())}, offsets,
            layer.getLayerName().str() + ".offsets"));
      else
        layer.removeWeightOffsetsAttr();
      layer.advanceStage(cim::LayerStage::Split);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
