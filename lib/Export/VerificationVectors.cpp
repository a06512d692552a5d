//===- VerificationVectors.cpp - Recording the datapath's tiles -----------===//
//
// Runs the program in the executor; at the chosen cim.layer the executor's
// layer hook runs the layer's datapath itself (the same CIMLayerRunner
// calls as Datapath mode) with a body observer that copies the chosen
// tiles' cim.adc codes and cim.combine partials, and derives the driven
// digits from the quantized im2col rows.
//
//===----------------------------------------------------------------------===//
#include "nncc/Export/VerificationVectors.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Execution/CIMLayerExecution.h"
#include "nncc/Execution/Executor.h"
#include "nncc/Schedule/ProgrammingSchedule.h"
#include "nncc/Support/Errors.h"
#include "nncc/Target/TargetChip.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace nncc;
using namespace nncc::vectors;
using runtime::DType;
using runtime::Tensor;

namespace {

/// The ops that turn one tile's read into its partial.
struct TileOps {
  cim::MVMOp mvm;
  cim::ADCOp adc;
  cim::ShiftAddOp shiftAdd;
  cim::CombineOp combine;
};

/// The single user of `value` of type OpTy, if that is its only use.
template <typename OpTy> OpTy soleUser(Value value) {
  if (!value || !value.hasOneUse())
    return nullptr;
  return dyn_cast<OpTy>(*value.getUsers().begin());
}

llvm::Expected<TileOps> tileOps(cim::MVMOp mvm) {
  TileOps ops{mvm, soleUser<cim::ADCOp>(mvm.getColumnSums()), nullptr,
              nullptr};
  if (ops.adc)
    ops.shiftAdd = soleUser<cim::ShiftAddOp>(ops.adc.getCodes());
  if (ops.shiftAdd)
    ops.combine = soleUser<cim::CombineOp>(ops.shiftAdd.getMagnitudes());
  if (!ops.combine)
    return makeError("a tile's read does not flow through one cim.adc, "
                     "cim.shift_add and cim.combine; its vectors cannot be "
                     "exported");
  return ops;
}

/// The tile's description: ranges, levels and digital schedule.
llvm::Expected<TileVectors> describeTile(TileOps ops, int64_t index,
                                         const LayerCellDigits &cells) {
  TileVectors tile;
  // Op handles are taken by value: their accessors are not const.
  cim::MVMOp mvm = ops.mvm;
  tile.index = index;
  tile.chipArray = mvm.getArray();
  tile.group = mvm.getGroup();
  tile.rowBegin = mvm.getRowBegin();
  tile.rowEnd = mvm.getRowEnd();
  tile.colBegin = mvm.getColBegin();
  tile.colEnd = mvm.getColEnd();
  tile.physicalRows = mvm.getPhysicalRows();
  tile.physicalColumns = mvm.getPhysicalColumns();
  tile.rowsInParallel = mvm.getRowsInParallel();
  ArrayRef<int64_t> sums = mvm.getColumnSums().getType().getShape();
  tile.cycles = sums[0];
  tile.readPhases = static_cast<int64_t>(mvm.getReadPhases());
  tile.rowGroups = mvm.getRowGroups();
  llvm::Expected<std::vector<uint16_t>> levels = cells.tileLevels(mvm);
  if (!levels)
    return levels.takeError();
  tile.levels = std::move(*levels);

  tile.adcBits = ops.adc.getBits();
  tile.adcStep = ops.adc.getStep();
  tile.minCode = ops.adc.getMinCode();
  tile.maxCode = ops.adc.getMaxCode();

  cim::ShiftAddOp shiftAdd = ops.shiftAdd;
  tile.dacBits = shiftAdd.getDacBits();
  tile.inputSigned = shiftAdd.getInputSigned();
  tile.bitsPerCell = shiftAdd.getBitsPerCell();
  tile.sliceBegin = shiftAdd.getSliceBegin();
  tile.sliceEnd = shiftAdd.getSliceEnd();
  tile.polarities = shiftAdd.getPolarities();
  tile.referenceColumn = shiftAdd.getReferenceColumn();
  tile.weightColumns =
      shiftAdd.getMagnitudes().getType().getShape()[1];
  tile.scheme = ops.combine.getScheme();
  if (ops.combine.getReference())
    if (std::optional<ArrayRef<int64_t>> offsets = ops.combine.getOffsets())
      tile.offsets.assign(offsets->begin(), offsets->end());
  return tile;
}

/// Appends the digits of one run's lines to `tile`: for every vector p,
/// cycle j and part r (row group r / phases, phase r % phases), the digit
/// inputDigit drives onto each physical row of the group (the G- row of
/// differential rows at the opposite polarity in a one-phase read, as the
/// hardware drives it; in a four-phase read what the phase drives,
/// cim::ReadPhase), 0 elsewhere.
void appendDigits(TileVectors &tile, const Tensor &xq) {
  const int64_t vectors = xq.dim(1), depth = xq.dim(2);
  const int64_t rowPolarities =
      tile.scheme == cim::SignedScheme::DifferentialRows ? 2 : 1;
  const int64_t phases = tile.readPhases, parts = tile.rowGroups * phases;
  const int32_t *x = xq.data<int32_t>() + tile.group * vectors * depth;
  for (int64_t p = 0; p < vectors; ++p)
    for (int64_t j = 0; j < tile.cycles; ++j)
      for (int64_t r = 0; r < parts; ++r) {
        const cim::ReadPhase phase = cim::ReadPhase::of(r, phases);
        for (int64_t row = 0; row < tile.physicalRows; ++row) {
          if (row / tile.rowsInParallel != r / phases) {
            tile.digits.push_back(0);
            continue;
          }
          const int64_t k = tile.rowBegin + row / rowPolarities;
          const int64_t digit = inputDigit(x[p * depth + k], j, tile.cycles,
                                           tile.dacBits, tile.inputSigned);
          tile.digits.push_back(
              static_cast<int32_t>(phase.drive(row % rowPolarities, digit)));
        }
      }
}

/// Appends one run's codes, [cycles, parts, P, columns], to `tile` in line
/// order (vector, cycle, part).
void appendCodes(TileVectors &tile, const Tensor &codes) {
  const int64_t vectors = codes.dim(2), columns = codes.dim(3);
  const int64_t parts = tile.rowGroups * tile.readPhases;
  const int32_t *c = codes.data<int32_t>();
  for (int64_t p = 0; p < vectors; ++p)
    for (int64_t j = 0; j < tile.cycles; ++j)
      for (int64_t r = 0; r < parts; ++r) {
        const int32_t *line = c + ((j * parts + r) * vectors + p) * columns;
        tile.codes.insert(tile.codes.end(), line, line + columns);
      }
}

} // namespace

llvm::Expected<LayerVectors>
vectors::captureVectors(ModuleOp program, const target::TargetChip &chip,
                        const Tensor &images, StringRef imagesSpec,
                        const VectorOptions &options) {
  // The layer and its tiles.
  cim::LayerOp layer;
  std::vector<std::string> names;
  program.walk([&](cim::LayerOp op) {
    if (!op.isPartitioned())
      return;
    names.push_back(op.getLayerName().str());
    if (!layer && (options.layer.empty() || op.getLayerName() == options.layer))
      layer = op;
  });
  if (!layer)
    return makeError(names.empty()
                         ? std::string("the program has no layer mapped "
                                       "onto arrays")
                         : "no mapped layer is named '" + options.layer +
                               "' (layers: " + llvm::join(names, ", ") + ")");
  std::vector<cim::MVMOp> mvms;
  layer.walk([&](cim::MVMOp mvm) { mvms.push_back(mvm); });
  const int64_t arrays = static_cast<int64_t>(mvms.size());
  if (options.array && (*options.array < 0 || *options.array >= arrays))
    return makeError(llvm::formatv("layer '{0}' has {1} arrays (0..{2}); "
                                   "there is no array {3}",
                                   layer.getLayerName(), arrays, arrays - 1,
                                   *options.array));

  llvm::Expected<LayerCellDigits> cells = LayerCellDigits::create(layer);
  if (!cells)
    return cells.takeError();
  LayerVectors result;
  result.layer = layer.getLayerName().str();
  result.target = chip.name;
  result.images = imagesSpec.str();
  result.levelBits = std::max<int64_t>(
      1, llvm::Log2_64_Ceil(static_cast<uint64_t>(chip.device.levels)));
  result.levelStride = cells->levelStride();
  // Which tile each recorded op belongs to.
  llvm::DenseMap<Operation *, size_t> adcTile, combineTile;
  for (auto [i, mvm] : llvm::enumerate(mvms)) {
    if (options.array && static_cast<int64_t>(i) != *options.array)
      continue;
    llvm::Expected<TileOps> ops = tileOps(mvm);
    if (!ops)
      return ops.takeError();
    llvm::Expected<TileVectors> tile =
        describeTile(*ops, static_cast<int64_t>(i), *cells);
    if (!tile)
      return tile.takeError();
    adcTile[ops->adc] = result.tiles.size();
    combineTile[ops->combine] = result.tiles.size();
    result.tiles.push_back(std::move(*tile));
  }

  // The images in runs of the program's batch.
  llvm::Expected<Executor> executor = Executor::create(program);
  if (!executor)
    return executor.takeError();
  if (executor->getInputs().size() != 1)
    return makeError("export vectors runs programs of one input");
  const TensorSignature &input = executor->getInputs().front();
  if (input.dtype != DType::F32 || input.shape.empty() || input.shape[0] < 1)
    return makeError("the program's input is not an f32 batch of samples");
  const int64_t batch = input.shape[0];
  int64_t perImage = 1;
  for (int64_t extent : ArrayRef<int64_t>(input.shape).drop_front())
    perImage *= extent;
  const int64_t count = images.rank() ? images.dim(0) : 0;
  if (count == 0 || images.numElements() != count * perImage ||
      images.dtype() != DType::F32)
    return makeError(llvm::formatv("the images must be samples of {0} "
                                   "values each",
                                   perImage));
  if (count % batch != 0)
    return makeError(llvm::formatv("{0} images given; the program runs "
                                   "batches of {1}: give a multiple of {1}",
                                   count, batch));
  result.imagesPerRun = batch;
  result.runs = count / batch;

  Operation *target = layer;
  for (int64_t run = 0; run < result.runs; ++run) {
    Tensor args(DType::F32, input.shape);
    std::copy_n(images.data<float>() + run * batch * perImage,
                batch * perImage, args.data<float>());
    auto hook = [&](Operation *op, const CIMLayerRunner &runner,
                    const Tensor &in, Tensor &out) -> llvm::Error {
      // Every other layer runs as the executor would run it.
      if (op != target)
        return runner.run(in, out);
      llvm::Expected<Tensor> xq = runner.quantizeIm2col(in);
      if (!xq)
        return xq.takeError();
      result.vectorsPerRun = xq->dim(1);
      for (TileVectors &tile : result.tiles)
        appendDigits(tile, *xq);
      auto observe = [&](Operation *bodyOp, ArrayRef<const Tensor *> values) {
        if (auto it = adcTile.find(bodyOp); it != adcTile.end())
          appendCodes(result.tiles[it->second], *values[0]);
        if (auto it = combineTile.find(bodyOp); it != combineTile.end()) {
          llvm::ArrayRef<int64_t> partial = values[0]->values<int64_t>();
          std::vector<int64_t> &partials = result.tiles[it->second].partials;
          partials.insert(partials.end(), partial.begin(), partial.end());
        }
      };
      llvm::Expected<Tensor> acc = runner.datapathAccumulators(*xq, observe);
      if (!acc)
        return acc.takeError();
      result.groups = acc->dim(0);
      result.columns = acc->dim(2);
      llvm::ArrayRef<int64_t> values = acc->values<int64_t>();
      result.accumulators.insert(result.accumulators.end(), values.begin(),
                                 values.end());
      return runner.dequantize(*acc, out);
    };
    llvm::Expected<std::vector<Tensor>> outputs =
        executor->run(args, nullptr, hook);
    if (!outputs)
      return outputs.takeError();
  }
  return result;
}
