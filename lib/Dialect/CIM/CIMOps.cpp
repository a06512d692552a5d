//===- CIMOps.cpp - Verifiers of the cim dialect --------------------------===//
//
// Verifiers enforce what makes a mapping physical: tiles fit the target's
// arrays, ADC and cell resolution match the target, and the attributes each
// mapping pass adds are complete and consistent with the weight matrix.
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/CIMOps.h"

#include "LayerStage.h"
#include "nncc/Dialect/CIM/AdcRangeMethod.h"
#include "nncc/Dialect/CIM/ModelQuantization.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Dialect/NN/NNOps.h"
#include "nncc/Runtime/Tensor.h"
#include "nncc/Support/Elements.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace nncc::cim;
using nncc::runtime::numElementsOf;

namespace {

/// Largest |offset| of an offset-scheme column: a 16-bit weight's zero point.
constexpr int64_t kMaxWeightOffset = int64_t{1} << 16;

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
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    if (!nncc::resourceBlobFitsType(resource))
      return op->emitOpError()
             << "'" << name << "': resource blob '"
             << resource.getRawHandle().getKey()
             << "' is missing or does not hold the " << type.getNumElements()
             << " elements of its type";
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
    shape.vectors =
        out.getDimSize(0) * numElementsOf(out.getShape().drop_front(2));
  else
    shape.vectors = out.getDimSize(0);
  return shape;
}

LogicalResult LayerOp::verify() {
  auto w = dyn_cast<RankedTensorType>(getWeights().getType());
  if (!w || w.getRank() != 3 || !w.getElementType().isF32())
    return emitOpError("weights must be an f32 [G, K, N] matrix");
  int64_t g = w.getDimSize(0), k = w.getDimSize(1), n = w.getDimSize(2);
  if (failed(checkElements(*this, "weights", getWeights(), {g, k, n}, false)))
    return failure();
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
    if (llvm::any_of(getKernelShape(), [](int64_t d) { return d < 1; }))
      return emitOpError("kernel_shape entries must be positive");
    int64_t rows, groupRows;
    if (llvm::MulOverflow(in.getDimSize(1), numElementsOf(getKernelShape()),
                          rows) ||
        llvm::MulOverflow(g, k, groupRows) || rows != groupRows)
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

  if (failed(verifyModelQuantization(*this, g * n)))
    return failure();

  // Which attributes exist follows from the stage; what remains is to check
  // their values.
  if (failed(verifyStageAttributes(*this)))
    return failure();
  LayerStage stage = getStage();
  if (stage >= LayerStage::Quantized) {
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
    if (density->size() != *getInputBits())
      return emitOpError("input_bit_density needs one entry per input bit");
    for (double p : *density)
      if (!(p >= 0 && p <= 1))
        return emitOpError("input_bit_density entries must be in [0, 1]");
  }
  if (stage >= LayerStage::Split) {
    if (*getSignedScheme() != SignedScheme::OffsetReference) {
      if (getWeightOffsetsAttr())
        return emitOpError("weight_offsets belong to the offset scheme only");
    } else if (!getWeightOffsetsAttr()) {
      return emitOpError("the offset scheme needs weight_offsets [G*N]");
    } else if (failed(checkElements(*this, "weight_offsets",
                                    getWeightOffsetsAttr(), {g * n}, true))) {
      return failure();
    }
  }
  if (stage >= LayerStage::Sliced) {
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
    int64_t inputBits = static_cast<int64_t>(*getInputBits());
    // A DAC wider than the input has nothing to carry in its upper bits
    // (and the shift-and-add's weights 2^(j * dac_bits) would overflow).
    if (dac < 1 || dac > inputBits)
      return emitOpError() << "dac_bits " << dac << " must be in [1, "
                           << inputBits << "] (input_bits)";
    int64_t cycles = static_cast<int64_t>(*getInputCycles());
    if (cycles * dac < inputBits)
      return emitOpError() << cycles << " input cycles of " << dac
                           << " bits cannot carry " << inputBits
                           << "-bit inputs";
  }
  if (getReplicas() && static_cast<int64_t>(*getReplicas()) < 1)
    return emitOpError("replicas must be positive");
  if (llvm::Expected<AdcRangeMethod> method =
          AdcRangeMethod::parse(getAdcRangeMethod());
      !method)
    return emitOpError("adc_range: ") << llvm::toString(method.takeError());
  return success();
}

LogicalResult LayerOp::verifyRegions() {
  // verify() has tied the body to stage partitioned and its attributes.
  if (getBody().empty())
    return success();
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
  auto tiles = static_cast<int64_t>(
      llvm::range_size(getBody().getOps<MVMOp>()));
  if (static_cast<int64_t>(*getArrayCount()) != tiles)
    return emitOpError() << "array_count " << *getArrayCount()
                         << " does not match the body's " << tiles << " tiles";
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

int64_t MVMOp::getRowGroups() {
  return rowGroups(getPhysicalRows(), getRowsInParallel());
}

LogicalResult MVMOp::verify() {
  // The layer's verifier ran first: its stage is at least partitioned and
  // its bit-slicing attributes are there.
  auto layer = (*this)->getParentOfType<LayerOp>();
  LayerOp::MatrixShape shape = layer.getMatrixShape();
  int64_t rb = getRowBegin(), re = getRowEnd(), cb = getColBegin(),
          ce = getColEnd(), sb = getSliceBegin(), se = getSliceEnd();
  int64_t group = getGroup();
  if (group < 0 || group >= shape.groups || rb < 0 || re <= rb ||
      re > shape.depth || cb < 0 || ce <= cb || ce > shape.columns || sb < 0 ||
      se <= sb || se > static_cast<int64_t>(*layer.getWeightSlices()))
    return emitOpError("tile ranges fall outside the layer's weight matrix");
  if (static_cast<int64_t>(getRowsInParallel()) < 1)
    return emitOpError("rows_in_parallel must be positive");
  const int64_t phases = static_cast<int64_t>(getReadPhases());
  if (phases != 1 && phases != 4)
    return emitOpError("read_phases must be 1 or 4");
  if (phases == 4 && *layer.getSignedScheme() != SignedScheme::DifferentialRows)
    return emitOpError("four-phase reads need differential rows");
  bool offset = *layer.getSignedScheme() == SignedScheme::OffsetReference;
  // The offset scheme reads the input sum once per row tile: in the tile
  // holding slice 0.
  if (getReferenceColumn() != (offset && sb == 0))
    return emitOpError("offset-scheme tiles holding slice 0, and only they, "
                       "have a reference column");
  if (failed(verifyArraysAndCores(layer)))
    return failure();
  if (TargetAttr target = getTarget(*this)) {
    if (getPhysicalRows() > target.getRows() ||
        getPhysicalColumns() > target.getCols())
      return emitOpError() << "tile needs " << getPhysicalRows() << "x"
                           << getPhysicalColumns() << " cells, arrays are "
                           << target.getRows() << "x" << target.getCols();
    if (static_cast<int64_t>(getRowsInParallel()) > target.getRowsInParallel())
      return emitOpError("reads more rows in parallel than the target can");
    const int64_t targetPhases =
        target.getReadPhasesOf(*layer.getSignedScheme());
    if (phases != targetPhases)
      return emitOpError() << "reads in " << phases
                           << " phases where the target reads this scheme in "
                           << targetPhases;
  }
  SmallVector<int64_t> want{static_cast<int64_t>(*layer.getInputCycles()),
                            getRowGroups() * phases, shape.vectors,
                            getPhysicalColumns()};
  if (getColumnSums().getType().getShape() != ArrayRef<int64_t>(want))
    return emitOpError(phases == 1 ? "result must be [cycles, row groups, P, "
                                     "columns]"
                                   : "result must be [cycles, row groups x "
                                     "read_phases, P, columns]");
  return success();
}

LogicalResult MVMOp::verifyArraysAndCores(LayerOp layer) {
  SmallVector<int64_t> arrays{static_cast<int64_t>(getArray())};
  if (auto copies = getReplicaArrays())
    arrays.append(copies->begin(), copies->end());
  if (llvm::any_of(arrays, [](int64_t a) { return a < 0; }))
    return emitOpError("array numbers must not be negative");
  if (getProgramGroup() && static_cast<int64_t>(*getProgramGroup()) < 0)
    return emitOpError("program_group must not be negative");
  // --nncc-replicate gives every tile of the layer one array per copy.
  int64_t copies = layer.getReplicas().value_or(1);
  if (static_cast<int64_t>(arrays.size()) != copies)
    return emitOpError() << "a layer of " << copies << " replicas needs "
                         << copies - 1 << " replica_arrays per tile";

  // --nncc-place gives every tile of the layer, and only those, cores.
  if (layer.getStage() < LayerStage::Placed) {
    if (getCoreAttr())
      return emitStageTooEarly(*this, "'core'", LayerStage::Placed);
    if (getReplicaCoresAttr())
      return emitStageTooEarly(*this, "'replica_cores'", LayerStage::Placed);
    return success();
  }
  if (!getCoreAttr())
    return emitOpError("the tiles of a placed layer need a 'core'");
  SmallVector<int64_t> cores{static_cast<int64_t>(*getCore())};
  if (auto copies = getReplicaCores())
    cores.append(copies->begin(), copies->end());
  if (cores.size() != arrays.size())
    return emitOpError("one replica core per replica array");
  TargetAttr target = getTarget(*this);
  for (int64_t core : cores)
    if (core < 0 || (target && core >= target.getCores())) {
      InFlightDiagnostic diag = emitOpError()
                                << "core " << core << " is not on the chip";
      if (target)
        diag << " (" << target.getCores() << " cores)";
      return diag;
    }
  // A placed mapping fits the chip, unless it is time-multiplexed: then the
  // arrays are numbered across all program groups.
  if (target && !getProgramGroup())
    for (int64_t array : arrays)
      if (array >= target.getTotalArrays())
        return emitOpError() << "array " << array << " is not on the chip ("
                             << target.getTotalArrays() << " arrays)";
  return success();
}

int64_t ADCOp::getMinCode() {
  return getBipolar() ? -(int64_t{1} << (getBits() - 1)) : 0;
}

int64_t ADCOp::getMaxCode() {
  return getBipolar() ? (int64_t{1} << (getBits() - 1)) - 1
                      : (int64_t{1} << getBits()) - 1;
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
  const int64_t phases = static_cast<int64_t>(getReadPhases());
  if ((phases != 1 && phases != 4) ||
      (!codes.isDynamicDim(1) && codes.getDimSize(1) % phases != 0))
    return emitOpError("read_phases must be 1 or 4 and divide the row-group "
                       "dimension");
  if (auto adc = getCodes().getDefiningOp<ADCOp>())
    if (auto mvm = adc.getColumnSums().getDefiningOp<MVMOp>())
      if (static_cast<int64_t>(mvm.getReadPhases()) != phases)
        return emitOpError("read_phases must be its cim.mvm's");
  // Cycle j weighs 2^(j * dac_bits), slice s 2^(s * bits_per_cell): both
  // shifts stay within the 64-bit accumulators only for small widths.
  if (getDacBits() < 1 || getDacBits() > 63 || getBitsPerCell() < 1 ||
      getBitsPerCell() > 63)
    return emitOpError("dac_bits and bits_per_cell must be in [1, 63]");
  if (auto layer = (*this)->getParentOfType<LayerOp>())
    if (getDacBits() != *layer.getDacBits() ||
        getBitsPerCell() != *layer.getBitsPerCell())
      return emitOpError("dac_bits and bits_per_cell must be the layer's");
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
  // An offset is a weight's zero point, at most 16 bits (weight_bits <= 16):
  // the bound keeps offset x reference (an input sum) inside int64.
  if (hasReference && llvm::any_of(*getOffsets(), [](int64_t offset) {
        return offset < -kMaxWeightOffset || offset > kMaxWeightOffset;
      }))
    return emitOpError() << "offsets must lie in [-" << kMaxWeightOffset
                         << ", " << kMaxWeightOffset << "]";
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
