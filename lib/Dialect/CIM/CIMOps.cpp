//===- CIMOps.cpp - Verifiers of the cim dialect --------------------------===//
//
// Verifiers enforce what makes a mapping physical: tiles fit the target's
// arrays, ADC and cell resolution match the target, and the attributes each
// mapping pass adds are complete and consistent with the weight matrix.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/CIMOps.h"

#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Dialect/NN/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;
using namespace nncc::cim;

namespace {

int64_t product(ArrayRef<int64_t> v) {
  return std::accumulate(v.begin(), v.end(), int64_t{1}, std::multiplies<>());
}

/// Fails unless `attr` is a ranked integer or float ElementsAttr of `shape`.
LogicalResult checkElements(Operation *op, StringRef name, ElementsAttr attr,
                            ArrayRef<int64_t> shape, bool wantInteger) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || type.getShape() != shape)
    return op->emitOpError() << "'" << name << "' must have shape ["
                             << llvm::make_range(shape.begin(), shape.end())
                             << "]";
  if (wantInteger != isa<IntegerType>(type.getElementType()))
    return op->emitOpError() << "'" << name << "' must hold "
                             << (wantInteger ? "integers" : "floats");
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// LayerOp
//===----------------------------------------------------------------------===//

LayerOp::MatrixShape LayerOp::getMatrixShape() {
  auto w = cast<RankedTensorType>(getWeights().getType());
  auto out = cast<RankedTensorType>(getOutput().getType());
  MatrixShape shape{w.getDimSize(0), 0, w.getDimSize(1), w.getDimSize(2)};
  if (getKind() == LayerKind::Conv)
    shape.vectors = out.getDimSize(0) * product(out.getShape().drop_front(2));
  else
    shape.vectors = out.getDimSize(0);
  return shape;
}

LogicalResult LayerOp::verify() {
  auto w = dyn_cast<RankedTensorType>(getWeights().getType());
  if (!w || w.getRank() != 3 || !w.getElementType().isF32())
    return emitOpError("weights must be an f32 [G, K, N] matrix");
  int64_t g = w.getDimSize(0), k = w.getDimSize(1), n = w.getDimSize(2);
  if (g != static_cast<int64_t>(getGroup()))
    return emitOpError() << "weights have " << g << " groups, group is "
                         << getGroup();
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (getKind() == LayerKind::Conv) {
    int64_t spatial = in.getRank() - 2;
    if (spatial < 1 || static_cast<int64_t>(getKernelShape().size()) != spatial)
      return emitOpError("conv needs kernel_shape with one entry per "
                         "spatial dim");
    if (in.getDimSize(1) * product(getKernelShape()) != g * k)
      return emitOpError() << "K = " << k << " does not match C/group * "
                           << "prod(kernel_shape)";
    SmallVector<int64_t> pads(getPadsBegin());
    pads.append(getPadsEnd().begin(), getPadsEnd().end());
    FailureOr<nncc::nn::WindowGeometry> geom = nncc::nn::resolveWindow(
        getLoc(), "cim.layer", in.getShape().drop_front(2), getKernelShape(),
        getStrides(), getDilations(), pads, nncc::nn::AutoPad::NotSet, false);
    if (failed(geom))
      return failure();
    SmallVector<int64_t> want{in.getDimSize(0), g * n};
    want.append(geom->outputSpatial.begin(), geom->outputSpatial.end());
    if (out.getShape() != ArrayRef<int64_t>(want))
      return emitOpError("result shape does not match the conv geometry");
  } else {
    if (in.getRank() != 2 || out.getRank() != 2 || g != 1)
      return emitOpError("gemm layers take [M, K] inputs and one group");
    int64_t inK = getTransInput() ? in.getDimSize(0) : in.getDimSize(1);
    int64_t m = getTransInput() ? in.getDimSize(1) : in.getDimSize(0);
    if (inK != k || out.getDimSize(0) != m || out.getDimSize(1) != n)
      return emitOpError("gemm shapes do not match the weight matrix");
  }
  if (auto bias = getBiasAttr())
    if (failed(checkElements(*this, "bias", bias, {g * n}, false)))
      return failure();

  // --nncc-quantize adds these together.
  bool quantized = getWeightIntsAttr() != nullptr;
  bool anyQuant = getWeightBitsAttr() || getWeightScalesAttr() ||
                  getWeightZeroPointsAttr() || getWeightIntsAttr() ||
                  getInputBitsAttr() || getInputScaleAttr() ||
                  getInputSignedAttr();
  if (anyQuant) {
    if (!getWeightBitsAttr() || !getWeightScalesAttr() ||
        !getWeightZeroPointsAttr() || !quantized || !getInputBitsAttr() ||
        !getInputScaleAttr() || !getInputSignedAttr())
      return emitOpError("quantization attributes are incomplete");
    if (failed(checkElements(*this, "weight_ints", getWeightIntsAttr(),
                             {g, k, n}, true)) ||
        failed(checkElements(*this, "weight_scales", getWeightScalesAttr(),
                             {g * n}, false)) ||
        failed(checkElements(*this, "weight_zero_points",
                             getWeightZeroPointsAttr(), {g * n}, true)))
      return failure();
    int64_t bits = static_cast<int64_t>(*getWeightBits());
    if (bits < 2 || bits > 16 || *getInputBits() < 1 || *getInputBits() > 16)
      return emitOpError("weight_bits must be in [2, 16] and input_bits in "
                         "[1, 16]");
  }
  if (auto density = getInputBitDensity()) {
    if (!getInputBits() ||
        static_cast<int64_t>(density->size()) != *getInputBits())
      return emitOpError("input_bit_density needs one entry per input bit");
    for (double p : *density)
      if (!(p >= 0 && p <= 1))
        return emitOpError("input_bit_density entries must be in [0, 1]");
  }
  // --nncc-differential.
  if (getSignedSchemeAttr() || getStoredBitsAttr()) {
    if (!quantized)
      return emitOpError("the signed-weight scheme needs quantized weights");
    if (!getSignedSchemeAttr() || !getStoredBitsAttr())
      return emitOpError("signed_scheme and stored_bits go together");
    if (*getSignedScheme() == SignedScheme::OffsetReference) {
      if (!getWeightOffsetsAttr() ||
          failed(checkElements(*this, "weight_offsets", getWeightOffsetsAttr(),
                               {g * n}, true)))
        return emitOpError("the offset scheme needs weight_offsets [G*N]");
    }
  }
  // --nncc-bitslice.
  if (getBitsPerCellAttr() || getWeightSlicesAttr() || getDacBitsAttr() ||
      getInputCyclesAttr()) {
    if (!getSignedSchemeAttr())
      return emitOpError("bit-slicing needs the signed-weight scheme first "
                         "(--nncc-differential)");
    if (!getBitsPerCellAttr() || !getWeightSlicesAttr() || !getDacBitsAttr() ||
        !getInputCyclesAttr())
      return emitOpError("bit-slicing attributes are incomplete");
    int64_t b = static_cast<int64_t>(*getBitsPerCell());
    int64_t slices = static_cast<int64_t>(*getWeightSlices());
    if (b < 1 || slices * b < static_cast<int64_t>(*getStoredBits()))
      return emitOpError() << slices << " slices of " << b
                           << " bits cannot hold " << *getStoredBits()
                           << "-bit stored weights";
    if (TargetAttr target = getTarget(*this))
      if (b > target.getBitsPerCell())
        return emitOpError() << "bits_per_cell " << b << " exceeds the "
                             << "target's " << target.getBitsPerCell();
    int64_t dac = static_cast<int64_t>(*getDacBits());
    int64_t cycles = static_cast<int64_t>(*getInputCycles());
    if (dac < 1 || cycles * dac < static_cast<int64_t>(*getInputBits()))
      return emitOpError() << cycles << " input cycles of " << dac
                           << " bits cannot carry " << *getInputBits()
                           << "-bit inputs";
  }
  return success();
}

LogicalResult LayerOp::verifyRegions() {
  if (getBody().empty())
    return success();
  if (!getInputCyclesAttr())
    return emitOpError("a partitioned layer must be bit-sliced");
  MatrixShape shape = getMatrixShape();
  Block &block = getBody().front();
  auto argType = block.getNumArguments() == 1
                     ? dyn_cast<RankedTensorType>(block.getArgument(0).getType())
                     : RankedTensorType();
  SmallVector<int64_t> inShape{shape.groups, shape.vectors, shape.depth};
  if (!argType || argType.getShape() != ArrayRef<int64_t>(inShape) ||
      !argType.getElementType().isInteger(32))
    return emitOpError("the body takes the quantized im2col input "
                       "tensor<G x P x K x i32>");
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  SmallVector<int64_t> outShape{shape.groups, shape.vectors, shape.columns};
  if (!yield ||
      yield.getAccumulators().getType().getShape() != ArrayRef<int64_t>(outShape))
    return emitOpError("the body must yield tensor<G x P x N x i64>");
  return success();
}

//===----------------------------------------------------------------------===//
// Datapath ops
//===----------------------------------------------------------------------===//

int64_t MVMOp::getPhysicalColumns() {
  auto layer = (*this)->getParentOfType<LayerOp>();
  TileLayout layout{*layer.getSignedScheme(),
                    static_cast<int64_t>(getRowEnd() - getRowBegin()),
                    static_cast<int64_t>(getColEnd() - getColBegin()),
                    static_cast<int64_t>(getSliceEnd() - getSliceBegin()),
                    getReferenceColumn()};
  return layout.physicalColumns();
}

int64_t MVMOp::getPhysicalRows() {
  auto layer = (*this)->getParentOfType<LayerOp>();
  TileLayout layout{*layer.getSignedScheme(),
                    static_cast<int64_t>(getRowEnd() - getRowBegin()), 0, 0,
                    false};
  return layout.physicalRows();
}

LogicalResult MVMOp::verify() {
  auto layer = (*this)->getParentOfType<LayerOp>();
  if (!layer.getInputCycles())
    return emitOpError("the enclosing layer is not bit-sliced");
  LayerOp::MatrixShape shape = layer.getMatrixShape();
  int64_t rb = getRowBegin(), re = getRowEnd(), cb = getColBegin(),
          ce = getColEnd(), sb = getSliceBegin(), se = getSliceEnd();
  int64_t group = getGroup();
  if (group < 0 || group >= shape.groups || rb < 0 || re <= rb ||
      re > shape.depth || cb < 0 || ce <= cb || ce > shape.columns || sb < 0 ||
      se <= sb || se > static_cast<int64_t>(*layer.getWeightSlices()))
    return emitOpError("tile ranges fall outside the layer's weight matrix");
  bool offset = *layer.getSignedScheme() == SignedScheme::OffsetReference;
  // The offset scheme reads the input sum once per row tile: in the tile
  // holding slice 0.
  if (getReferenceColumn() != (offset && sb == 0))
    return emitOpError("offset-scheme tiles holding slice 0, and only they, "
                       "have a reference column");
  if (TargetAttr target = getTarget(*this)) {
    if (getPhysicalRows() > target.getRows() ||
        getPhysicalColumns() > target.getCols())
      return emitOpError() << "tile needs " << getPhysicalRows() << "x"
                           << getPhysicalColumns() << " cells, arrays are "
                           << target.getRows() << "x" << target.getCols();
    if (static_cast<int64_t>(getRowsInParallel()) > target.getRowsInParallel())
      return emitOpError("reads more rows in parallel than the target can");
  }
  int64_t rowGroups =
      (getPhysicalRows() + getRowsInParallel() - 1) / getRowsInParallel();
  SmallVector<int64_t> want{static_cast<int64_t>(*layer.getInputCycles()),
                            rowGroups, shape.vectors, getPhysicalColumns()};
  if (getColumnSums().getType().getShape() != ArrayRef<int64_t>(want))
    return emitOpError("result must be [cycles, row groups, P, columns]");
  return success();
}

LogicalResult ADCOp::verify() {
  if (getBits() < 1 || getBits() > 24 || getStep() < 1)
    return emitOpError("bits must be in [1, 24] and step positive");
  if (TargetAttr target = getTarget(*this))
    if (static_cast<int64_t>(getBits()) != target.getAdcBits())
      return emitOpError() << "the target's ADCs have " << target.getAdcBits()
                           << " bits, not " << getBits();
  return success();
}

LogicalResult ShiftAddOp::verify() {
  auto codes = getCodes().getType();
  if (codes.getRank() != 4)
    return emitOpError("codes must be [cycles, row groups, P, columns]");
  int64_t slices = getSliceEnd() - getSliceBegin();
  int64_t pol = getPolarities();
  if (slices < 1 || pol < 1 || pol > 2)
    return emitOpError("bad slice range or polarity count");
  int64_t dataCols = codes.getDimSize(3) - (getReferenceColumn() ? 1 : 0);
  if (dataCols % (slices * pol) != 0)
    return emitOpError("columns are not a whole number of weight columns");
  auto mags = getMagnitudes().getType();
  SmallVector<int64_t> want{codes.getDimSize(2), dataCols / (slices * pol),
                            pol};
  if (mags.getShape() != ArrayRef<int64_t>(want))
    return emitOpError("magnitudes must be [P, weight columns, polarities]");
  if (static_cast<bool>(getReference()) != getReferenceColumn())
    return emitOpError("the reference result exists exactly with a "
                       "reference column");
  return success();
}

LogicalResult CombineOp::verify() {
  auto mags = getMagnitudes().getType();
  auto out = getPartial().getType();
  if (mags.getRank() != 3 || out.getRank() != 2 ||
      out.getDimSize(0) != mags.getDimSize(0) ||
      out.getDimSize(1) != mags.getDimSize(1))
    return emitOpError("partial must be [P, weight columns]");
  bool offset = getScheme() == SignedScheme::OffsetReference;
  bool hasReference = static_cast<bool>(getReference());
  // Offset-scheme tiles without slice 0 have nothing to subtract.
  if (hasReference != static_cast<bool>(getOffsets()) ||
      (hasReference && !offset))
    return emitOpError("a reference and offsets go together, with the "
                       "offset scheme only");
  if (hasReference &&
      static_cast<int64_t>(getOffsets()->size()) != mags.getDimSize(1))
    return emitOpError("one offset per weight column");
  int64_t pol = getScheme() == SignedScheme::DifferentialColumns ? 2 : 1;
  if (mags.getDimSize(2) != pol)
    return emitOpError() << "expected " << pol << " polarities";
  return success();
}

LogicalResult AccumulateOp::verify() {
  auto out = getAccumulators().getType();
  if (out.getRank() != 3)
    return emitOpError("accumulators must be [G, P, N]");
  if (getGroups().size() != getPartials().size() ||
      getColBegins().size() != getPartials().size())
    return emitOpError("one group and column offset per partial");
  for (auto [i, v] : llvm::enumerate(getPartials())) {
    auto t = cast<RankedTensorType>(v.getType());
    int64_t g = getGroups()[i], c = getColBegins()[i];
    if (t.getRank() != 2 || t.getDimSize(0) != out.getDimSize(1) || g < 0 ||
        g >= out.getDimSize(0) || c < 0 ||
        c + t.getDimSize(1) > out.getDimSize(2))
      return emitOpError() << "partial " << i << " does not fit the result";
  }
  return success();
}

#define GET_OP_CLASSES
#include "cim/CIMOps.cpp.inc"
