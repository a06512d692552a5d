//===- PartitionOntoArrays.cpp - Tile layer matrices onto arrays ----------===//
//
// Each group's K x N matrix is cut into tiles of at most rows (rows / 2 with
// differential rows) weight rows and as many weight columns as fit the
// array's columns once every column is expanded into its slices and
// polarities (layout: nncc/Dialect/CIM/TileLayout.h).  A column whose slices
// alone exceed an array is split by slices.  Every tile gets an array number
// (placement onto cores comes later) and the datapath ops that read it.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/Transforms/LayerOverrides.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "nncc/Dialect/CIM/AdcRangeMethod.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Support/Elements.h"
#include "nncc/Support/Limits.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace nncc {
#define GEN_PASS_DEF_PARTITIONONTOARRAYS
#include "nncc/Dialect/CIM/Transforms/Passes.h.inc"
} // namespace nncc

using namespace mlir;
using namespace nncc;

namespace {

struct Tile {
  int64_t group, rowBegin, rowEnd, colBegin, colEnd, sliceBegin, sliceEnd;
};

struct PartitionOntoArraysPass
    : nncc::impl::PartitionOntoArraysBase<PartitionOntoArraysPass> {
  using PartitionOntoArraysBase::PartitionOntoArraysBase;
  void runOnOperation() override;

private:
  LogicalResult partition(cim::LayerOp layer, cim::TargetAttr target,
                          int64_t rowsInParallel, int64_t &nextArray);
};

LogicalResult PartitionOntoArraysPass::partition(cim::LayerOp layer,
                                                 cim::TargetAttr target,
                                                 int64_t rowsInParallel,
                                                 int64_t &nextArray) {
  if (layer.getStage() < cim::LayerStage::Sliced)
    return layer.emitError("layer '")
           << layer.getLayerName() << "' must be bit-sliced first (--nncc-bitslice)";
  cim::SignedScheme scheme = *layer.getSignedScheme();
  cim::TileLayout unit{scheme, 1, 1, 1, false};
  bool offset = scheme == cim::SignedScheme::OffsetReference;
  int64_t rowsPerTile = target.getRows() / unit.rowPolarities();
  int64_t usable = target.getCols() - (offset ? 1 : 0);
  int64_t pol = unit.columnPolarities();
  int64_t slices = static_cast<int64_t>(*layer.getWeightSlices());
  if (rowsPerTile < 1 || usable < pol)
    return layer.emitError("arrays of ")
           << target.getRows() << "x" << target.getCols()
           << " cannot hold one weight under this signed-weight scheme";
  int64_t colsPerTile, slicesPerTile;
  if (slices * pol <= usable) {
    colsPerTile = usable / (slices * pol);
    slicesPerTile = slices;
  } else {
    colsPerTile = 1;
    slicesPerTile = usable / pol;
  }

  auto shape = layer.getMatrixShape();
  // Counted before anything is built: a tiny array (e.g. 2x2) would
  // otherwise make millions of ops first.
  auto ceilDiv = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  const int64_t tileCount = shape.groups * ceilDiv(shape.depth, rowsPerTile) *
                            ceilDiv(shape.columns, colsPerTile) *
                            ceilDiv(slices, slicesPerTile);
  if (nextArray + tileCount > kMaxMappedArrays)
    return layer.emitError("the mapping needs more than ")
           << kMaxMappedArrays << " arrays (" << nextArray + tileCount
           << " up to this layer on " << target.getRows() << "x"
           << target.getCols()
           << " arrays), the most one compile maps; use larger arrays";
  std::vector<Tile> tiles;
  for (int64_t g = 0; g < shape.groups; ++g)
    for (int64_t r = 0; r < shape.depth; r += rowsPerTile)
      for (int64_t c = 0; c < shape.columns; c += colsPerTile)
        for (int64_t s = 0; s < slices; s += slicesPerTile)
          tiles.push_back({g, r, std::min(r + rowsPerTile, shape.depth), c,
                           std::min(c + colsPerTile, shape.columns), s,
                           std::min(s + slicesPerTile, slices)});

  // Rebuild the body from scratch (the pass may run again after changes).
  Region &body = layer.getBody();
  body.getBlocks().clear();
  MLIRContext *ctx = &getContext();
  auto i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
  Block *block = new Block();
  body.push_back(block);
  Value input = block->addArgument(
      RankedTensorType::get({shape.groups, shape.vectors, shape.depth}, i32),
      layer.getLoc());
  OpBuilder b = OpBuilder::atBlockEnd(block);
  Location loc = layer.getLoc();

  std::vector<int64_t> offsets;
  if (offset)
    offsets = getIntValues(layer.getWeightOffsetsAttr());
  int64_t cycles = static_cast<int64_t>(*layer.getInputCycles());
  // A four-phase target reads each row group of differential rows in four
  // unipolar parts (cim::ReadPhase).
  const int64_t phases = target.getReadPhasesOf(scheme);
  // Set only where it is not the default: one-phase programs stay as they
  // were.
  const IntegerAttr readPhases =
      phases == 1 ? IntegerAttr() : b.getI64IntegerAttr(phases);
  SmallVector<Value> partials;
  SmallVector<int64_t> groups, colBegins;
  for (const Tile &t : tiles) {
    bool reference = offset && t.sliceBegin == 0;
    cim::TileLayout layout{scheme, t.rowEnd - t.rowBegin, t.colEnd - t.colBegin,
                           t.sliceEnd - t.sliceBegin, reference};
    int64_t rowGroups = cim::rowGroups(layout.physicalRows(), rowsInParallel);
    auto sumsType = RankedTensorType::get(
        {cycles, rowGroups * phases, shape.vectors, layout.physicalColumns()},
        i32);
    Value sums = b.create<cim::MVMOp>(
        loc, sumsType, input, b.getI64IntegerAttr(nextArray++),
        b.getI64IntegerAttr(t.group), b.getI64IntegerAttr(t.rowBegin),
        b.getI64IntegerAttr(t.rowEnd), b.getI64IntegerAttr(t.colBegin),
        b.getI64IntegerAttr(t.colEnd), b.getI64IntegerAttr(t.sliceBegin),
        b.getI64IntegerAttr(t.sliceEnd), b.getI64IntegerAttr(rowsInParallel),
        b.getBoolAttr(reference), DenseI64ArrayAttr(), IntegerAttr(),
        DenseI64ArrayAttr(), IntegerAttr(), readPhases);
    // Column sums go negative when the G- row subtracts in the column or a
    // signed input drives its sign cycle with negative voltages: then the
    // ADC must be bipolar.  A four-phase read's parts are magnitudes.
    bool bipolar =
        phases == 1 && (scheme == cim::SignedScheme::DifferentialRows ||
                        *layer.getInputSigned());
    Value codes = b.create<cim::ADCOp>(
        loc, sumsType, sums, b.getI64IntegerAttr(target.getAdcBits()),
        b.getI64IntegerAttr(1), b.getBoolAttr(bipolar));
    auto magType = RankedTensorType::get(
        {shape.vectors, layout.weightCols, pol}, i64);
    Type refType = reference ? RankedTensorType::get({shape.vectors}, i64)
                             : Type();
    auto shiftAdd = b.create<cim::ShiftAddOp>(
        loc, magType, refType, codes, b.getI64IntegerAttr(*layer.getDacBits()),
        b.getBoolAttr(*layer.getInputSigned()),
        b.getI64IntegerAttr(*layer.getBitsPerCell()),
        b.getI64IntegerAttr(t.sliceBegin), b.getI64IntegerAttr(t.sliceEnd),
        b.getI64IntegerAttr(pol), b.getBoolAttr(reference), readPhases);
    DenseI64ArrayAttr tileOffsets;
    if (reference) {
      SmallVector<int64_t> o;
      for (int64_t n = t.colBegin; n < t.colEnd; ++n)
        o.push_back(offsets[t.group * shape.columns + n]);
      tileOffsets = b.getDenseI64ArrayAttr(o);
    }
    Value partial = b.create<cim::CombineOp>(
        loc, RankedTensorType::get({shape.vectors, layout.weightCols}, i64),
        shiftAdd.getMagnitudes(), shiftAdd.getReference(),
        cim::SignedSchemeAttr::get(ctx, scheme), tileOffsets);
    partials.push_back(partial);
    groups.push_back(t.group);
    colBegins.push_back(t.colBegin);
  }
  Value acc = b.create<cim::AccumulateOp>(
      loc,
      RankedTensorType::get({shape.groups, shape.vectors, shape.columns}, i64),
      partials, b.getDenseI64ArrayAttr(groups),
      b.getDenseI64ArrayAttr(colBegins));
  b.create<cim::YieldOp>(loc, acc);
  layer.setArrayCountAttr(
      b.getI64IntegerAttr(static_cast<int64_t>(tiles.size())));
  // Set, not advanced: the new tiles have no cores, so a placed layer that
  // is partitioned again is placed no more; nor has it copies any more.
  layer.setStage(cim::LayerStage::Partitioned);
  layer.removeReplicasAttr();
  return success();
}

void PartitionOntoArraysPass::runOnOperation() {
  ModuleOp module = getOperation();
  cim::TargetAttr target = cim::getTarget(module);
  if (!target) {
    module.emitError("nncc-partition needs a cim.target (--nncc-attach-target)");
    return signalPassFailure();
  }
  FailureOr<cim::LayerOverrides> perLayer = cim::LayerOverrides::parse(
      module, layerRowsInParallel, "layer-rows-in-parallel");
  FailureOr<cim::LayerOverrides> adcPerLayer =
      cim::LayerOverrides::parse(module, layerAdcRange, "layer-adc-range");
  if (failed(perLayer) || failed(adcPerLayer))
    return signalPassFailure();
  llvm::Expected<AdcRangeMethod> networkAdcRange =
      AdcRangeMethod::parse(adcRange);
  if (!networkAdcRange) {
    module.emitError("adc-range: ")
        << llvm::toString(networkAdcRange.takeError());
    return signalPassFailure();
  }
  int64_t nextArray = 0;
  WalkResult result = module.walk([&](cim::LayerOp layer) {
    // Fewer rows at once than the target reads is always possible (the
    // row decoder drives a subset); more is not.
    FailureOr<int64_t> rows = perLayer->lookupInteger(
        layer, target.getRowsInParallel(), 1, target.getRowsInParallel());
    if (failed(rows) || failed(partition(layer, target, *rows, nextArray)))
      return WalkResult::interrupt();
    AdcRangeMethod method = *networkAdcRange;
    if (std::optional<StringRef> own = adcPerLayer->lookup(layer)) {
      llvm::Expected<AdcRangeMethod> parsed = AdcRangeMethod::parse(*own);
      if (!parsed) {
        layer.emitError("layer-adc-range: layer '")
            << layer.getLayerName()
            << "': " << llvm::toString(parsed.takeError());
        return WalkResult::interrupt();
      }
      method = *parsed;
    }
    // The default (max) is the attribute's absence.
    if (method == AdcRangeMethod())
      layer.removeAdcRangeAttr();
    else
      layer.setAdcRange(method.str());
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    signalPassFailure();
}

} // namespace
