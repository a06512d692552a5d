//===- BodyOpSemantics.cpp - What each cim.layer body op computes ---------===//
//
// The one definition of the body ops' meaning (CIM_BodyOpInterface): the
// datapath executor and the accuracy simulator both evaluate a body through
// these functions, one per op.  cim.mvm and cim.adc ask the evaluation's
// ArrayReader, which is where the executor's ideal read and the simulator's
// physical one differ; the digital periphery after them (shift_add,
// combine, accumulate) is computed here, on exact integers or on f64 values
// alike (BodyEvaluation.h).
//
// Layouts (row-major; the IR's P is the block's `vectors`):
//   column sums, codes  [cycles, row groups (x read phases), vectors, columns]
//   magnitudes          [vectors, weight columns, polarities]
//   reference           [vectors]
//   partial             [vectors, weight columns]
//   accumulators        [G, vectors, N]
//
//===----------------------------------------------------------------------===//
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Runtime/Parallel.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/KernelClones.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

using namespace mlir;
using namespace nncc;
using namespace nncc::cim;
using runtime::DType;
using runtime::Tensor;

#include "cim/CIMInterfaces.cpp.inc"

ArrayReader::~ArrayReader() = default;

namespace {

/// acc[i] +=/-= row[i] << shift (two's-complement wrap-free by the caller's
/// bound).
NNCC_KERNEL void addShifted(int32_t *acc, const int32_t *row, int64_t n,
                            int32_t shift, bool negative) {
  if (negative) {
    for (int64_t i = 0; i < n; ++i)
      acc[i] -= static_cast<int32_t>(static_cast<uint32_t>(row[i]) << shift);
  } else {
    for (int64_t i = 0; i < n; ++i)
      acc[i] += static_cast<int32_t>(static_cast<uint32_t>(row[i]) << shift);
  }
}

/// The element type of the digital values that follow `codes` in the
/// body: i64 after exact i32 reads, f64 after real ones.
DType sumType(const Tensor &codes) {
  return codes.dtype() == DType::F64 ? DType::F64 : DType::I64;
}

/// Visits T = int64_t for exact values and double for real ones.
template <typename Fn> void dispatchDomain(DType type, Fn &&fn) {
  if (type == DType::F64)
    fn(double{});
  else
    fn(int64_t{});
}

/// Whether the cycle-weighted column sums of exact codes fit int32: max|code|
/// (from the ADC that produced them, or a scan) times the row groups times
/// sum_j |cycle weight j|.
bool narrowShiftAdd(ShiftAddOp op, const Tensor &codes, int64_t rowGroups,
                    ArrayRef<int64_t> cycleWeight) {
  int64_t maxCode = 0;
  if (auto adc = op.getCodes().getDefiningOp<ADCOp>()) {
    maxCode =
        (int64_t{1} << adc.getBits()) * static_cast<int64_t>(adc.getStep());
  } else {
    for (int32_t code : codes.values<int32_t>())
      maxCode = std::max<int64_t>(maxCode, std::abs(int64_t{code}));
  }
  int64_t weightSum = 0;
  for (int64_t w : cycleWeight)
    weightSum += std::abs(w);
  return maxCode < (int64_t{1} << 31) &&
         maxCode * rowGroups * weightSum < (int64_t{1} << 31);
}

} // namespace

//===----------------------------------------------------------------------===//
// cim.mvm and cim.adc: the array reader's
//===----------------------------------------------------------------------===//

llvm::Error MVMOp::evaluate(BodyEvaluation &evaluation,
                            ArrayRef<const Tensor *> operands,
                            MutableArrayRef<Tensor> results) {
  const Tensor &inputs = *operands[0];
  LayerOp::MatrixShape shape =
      (*this)->getParentOfType<LayerOp>().getMatrixShape();
  const bool inLanes = evaluation.reader.inputsInLanes();
  const SmallVector<int64_t, 3> expected =
      inLanes ? SmallVector<int64_t, 3>{shape.groups, shape.depth,
                                        evaluation.vectors}
              : SmallVector<int64_t, 3>{shape.groups, evaluation.vectors,
                                        shape.depth};
  if (inputs.dtype() != DType::I32 || inputs.shape() != ArrayRef(expected))
    return makeError(inLanes ? "cim.mvm expects the i32 [G, K, P] input"
                             : "cim.mvm expects the i32 [G, P, K] input");
  return evaluation.reader.read(*this, inputs, results[0]);
}

llvm::Error ADCOp::evaluate(BodyEvaluation &evaluation,
                            ArrayRef<const Tensor *> operands,
                            MutableArrayRef<Tensor> results) {
  const Tensor &sums = *operands[0];
  if (sums.dtype() != DType::I32 && sums.dtype() != DType::F64)
    return makeError("cim.adc expects i32 or f64 column sums");
  return evaluation.reader.convert(
      *this, sums, evaluation.isDying(getColumnSums()), results[0]);
}

//===----------------------------------------------------------------------===//
// cim.shift_add
//===----------------------------------------------------------------------===//

llvm::Error ShiftAddOp::evaluate(BodyEvaluation &evaluation,
                                 ArrayRef<const Tensor *> operands,
                                 MutableArrayRef<Tensor> results) {
  const Tensor &codes = *operands[0];
  if ((codes.dtype() != DType::I32 && codes.dtype() != DType::F64) ||
      codes.rank() != 4)
    return makeError("cim.shift_add expects [cycles, row groups, P, "
                     "columns] codes");
  const int64_t cycles = codes.dim(0), rowGroups = codes.dim(1),
                vectors = codes.dim(2), columns = codes.dim(3);
  const int64_t sliceBegin = getSliceBegin(),
                slices = getSliceEnd() - sliceBegin;
  const int64_t polarities = getPolarities();
  const bool hasReference = getReferenceColumn();
  const int64_t dacBits = getDacBits(), bitsPerCell = getBitsPerCell();
  const int64_t dataColumns = columns - (hasReference ? 1 : 0);
  if (slices < 1 || polarities < 1 || polarities > 2 ||
      dataColumns % (slices * polarities) != 0 || dacBits < 1 ||
      bitsPerCell < 1 || (cycles - 1) * dacBits > 62 ||
      (sliceBegin + slices - 1) * bitsPerCell > 62)
    return makeError("cim.shift_add: bad slices, polarities or bit widths");
  std::optional<SignedScheme> scheme =
      (*this)->getParentOfType<LayerOp>().getSignedScheme();
  TileLayout layout{scheme.value_or(SignedScheme::DifferentialColumns), 0,
                    dataColumns / (slices * polarities), slices, hasReference};
  if (!scheme || layout.columnPolarities() != polarities)
    return makeError("cim.shift_add polarities do not match the layer's "
                     "signed-weight scheme");
  const int64_t weightColumns = layout.weightCols;
  if (results.size() != (hasReference ? 2u : 1u))
    return makeError("cim.shift_add returns the reference column iff it "
                     "reads one");

  // Small, per evaluation: on the stack, since a body of many tiles runs
  // one op per tile for every block of vectors.
  SmallVector<int64_t, 16> cycleWeight(cycles), sliceWeight(slices);
  for (int64_t j = 0; j < cycles; ++j)
    cycleWeight[j] = int64_t{1} << (j * dacBits);
  if (getInputSigned())
    cycleWeight[cycles - 1] = -cycleWeight[cycles - 1];
  for (int64_t s = 0; s < slices; ++s)
    sliceWeight[s] = int64_t{1} << ((sliceBegin + s) * bitsPerCell);
  // A four-phase read's parts join with their phase's sign.
  const int64_t phases = getReadPhases();
  SmallVector<int64_t, 64> partSign(rowGroups);
  for (int64_t r = 0; r < rowGroups; ++r)
    partSign[r] = ReadPhase::of(r, phases).sign;

  const DType type = sumType(codes);
  Tensor &magnitudes = results[0];
  magnitudes =
      Tensor::uninitialized(type, {vectors, weightColumns, polarities});
  if (hasReference)
    results[1] = Tensor::uninitialized(type, {vectors});
  const bool narrow = type == DType::I64 &&
                      narrowShiftAdd(*this, codes, rowGroups, cycleWeight);

  // The physical column of every (weight column, polarity, slice), in the
  // order the slice sums read them.
  SmallVector<int64_t, 256> columnOf;
  columnOf.reserve(weightColumns * polarities * slices);
  for (int64_t n = 0; n < weightColumns; ++n)
    for (int64_t q = 0; q < polarities; ++q)
      for (int64_t s = 0; s < slices; ++s)
        columnOf.push_back(layout.column(n, s, q));
  // Whether the slice sums read consecutive physical columns from the
  // first (one slice, columns laid out by weight column and polarity, after
  // any reference column): a loop without the indirection, which
  // vectorizes.
  bool inOrder = slices == 1 && !columnOf.empty();
  for (auto [i, column] : llvm::enumerate(columnOf))
    inOrder &= column == columnOf.front() + static_cast<int64_t>(i);

  dispatchDomain(type, [&](auto tag) {
    using T = decltype(tag);
    using Code = std::conditional_t<std::is_same_v<T, double>, double, int32_t>;
    const Code *c = codes.data<Code>();
    T *mag = magnitudes.data<T>();
    T *reference = hasReference ? results[1].data<T>() : nullptr;
    const SmallVector<T, 16> cycleWeightT(cycleWeight.begin(),
                                          cycleWeight.end());
    const SmallVector<T, 16> sliceWeightT(sliceWeight.begin(),
                                          sliceWeight.end());
    runtime::parallelChunks(
        vectors, runtime::grainFor(cycles * rowGroups * columns),
        [&](int64_t begin, int64_t end) {
          SmallVector<int32_t, 256> sum32(narrow ? columns : 0);
          SmallVector<T, 256> sum(columns);
          for (int64_t p = begin; p < end; ++p) {
            // Cycle-weighted column sums over the row groups.
            if constexpr (std::is_same_v<T, int64_t>) {
              if (narrow) {
                // Shift-and-add in int32 (weights are +-2^(j*dac)).
                std::fill(sum32.begin(), sum32.end(), 0);
                for (int64_t j = 0; j < cycles; ++j)
                  for (int64_t r = 0; r < rowGroups; ++r)
                    addShifted(sum32.data(),
                               c + ((j * rowGroups + r) * vectors + p) *
                                       columns,
                               columns, static_cast<int32_t>(j * dacBits),
                               (cycleWeight[j] < 0) != (partSign[r] < 0));
                std::copy(sum32.begin(), sum32.end(), sum.begin());
              }
            }
            // One read of weight 1 (f64 codes): the sums are the codes
            // themselves (0 + 1 * x is x but for a zero's sign, which the
            // slice sums below drop alike).
            const T *sums = sum.data();
            if constexpr (std::is_same_v<T, Code>)
              if (cycles * rowGroups == 1 && cycleWeightT[0] == T(1))
                sums = c + p * columns;
            if (!narrow && sums == sum.data()) {
              std::fill(sum.begin(), sum.end(), T(0));
              for (int64_t j = 0; j < cycles; ++j)
                for (int64_t r = 0; r < rowGroups; ++r) {
                  const Code *row =
                      c + ((j * rowGroups + r) * vectors + p) * columns;
                  const T w = cycleWeightT[j] * T(partSign[r]);
                  for (int64_t col = 0; col < columns; ++col)
                    sum[col] += w * row[col];
                }
            }
            // Slice weights, per weight column and polarity.
            T *m = mag + p * weightColumns * polarities;
            const int64_t *column = columnOf.data();
            if (inOrder) {
              const T w = sliceWeightT[0];
              const T *first = sums + columnOf.front();
              for (int64_t i = 0; i < weightColumns * polarities; ++i)
                m[i] = w * first[i] + T(0);
            } else if (slices == 1) {
              // The loop below with one slice, which the compiler does not
              // see (0 + w x is w x + 0, a zero's sign dropped alike).
              const T w = sliceWeightT[0];
              for (int64_t i = 0; i < weightColumns * polarities; ++i)
                m[i] = w * sums[column[i]] + T(0);
            } else {
              for (int64_t i = 0; i < weightColumns * polarities; ++i) {
                T total = 0;
                for (int64_t s = 0; s < slices; ++s)
                  total += sliceWeightT[s] * sums[*column++];
                m[i] = total;
              }
            }
            if (reference)
              reference[p] = sums[layout.referenceColumnIndex()] + T(0);
          }
        });
  });
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// cim.combine
//===----------------------------------------------------------------------===//

llvm::Error CombineOp::evaluate(BodyEvaluation &,
                                ArrayRef<const Tensor *> operands,
                                MutableArrayRef<Tensor> results) {
  const Tensor &magnitudes = *operands[0];
  const Tensor *reference = operands.size() > 1 ? operands[1] : nullptr;
  if ((magnitudes.dtype() != DType::I64 && magnitudes.dtype() != DType::F64) ||
      magnitudes.rank() != 3)
    return makeError("cim.combine expects [P, columns, polarities] "
                     "magnitudes");
  const int64_t vectors = magnitudes.dim(0), columns = magnitudes.dim(1),
                polarities = magnitudes.dim(2);
  const SignedScheme scheme = getScheme();
  const int64_t wantPolarities =
      scheme == SignedScheme::DifferentialColumns ? 2 : 1;
  const bool offset = scheme == SignedScheme::OffsetReference;
  // An offset-scheme tile without a reference column (higher slices of a
  // slice-split column) has nothing to subtract.
  const bool subtract = reference != nullptr;
  if (polarities != wantPolarities || (subtract && !offset) ||
      subtract != getOffsets().has_value() ||
      (subtract && (static_cast<int64_t>(getOffsets()->size()) != columns ||
                    reference->numElements() != vectors ||
                    reference->dtype() != magnitudes.dtype())))
    return makeError("cim.combine: operands do not match its scheme");
  Tensor &partial = results[0];
  partial = Tensor(magnitudes.dtype(), {vectors, columns});
  const ArrayRef<int64_t> offsets =
      subtract ? *getOffsets() : ArrayRef<int64_t>();
  dispatchDomain(magnitudes.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T *m = magnitudes.data<T>();
    T *o = partial.data<T>();
    const int64_t values = vectors * columns;
    switch (scheme) {
    case SignedScheme::DifferentialColumns:
      for (int64_t i = 0; i < values; ++i)
        o[i] = m[2 * i] - m[2 * i + 1];
      break;
    case SignedScheme::DifferentialRows:
      std::copy_n(m, values, o);
      break;
    case SignedScheme::OffsetReference:
      if (!subtract) {
        std::copy_n(m, values, o);
        break;
      }
      const T *r = reference->data<T>();
      for (int64_t p = 0; p < vectors; ++p)
        for (int64_t n = 0; n < columns; ++n)
          o[p * columns + n] =
              m[p * columns + n] - static_cast<T>(offsets[n]) * r[p];
      break;
    }
  });
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// cim.accumulate
//===----------------------------------------------------------------------===//

llvm::Error AccumulateOp::evaluate(BodyEvaluation &evaluation,
                                   ArrayRef<const Tensor *> partials,
                                   MutableArrayRef<Tensor> results) {
  auto type = getAccumulators().getType();
  if (type.getRank() != 3)
    return makeError("cim.accumulate result must be [G, P, N]");
  const int64_t vectors = evaluation.vectors;
  const DType element = partials.empty() ? DType::I64 : partials[0]->dtype();
  Tensor &out = results[0];
  out = Tensor(element, {type.getDimSize(0), vectors, type.getDimSize(2)});
  const int64_t groups = out.dim(0), columns = out.dim(2);
  ArrayRef<int64_t> groupOf = getGroups(), colBegin = getColBegins();
  if (groupOf.size() != partials.size() || colBegin.size() != partials.size())
    return makeError("cim.accumulate: one group and column per partial");
  int64_t misfit = -1;
  dispatchDomain(element, [&](auto tag) {
    using T = decltype(tag);
    T *o = out.data<T>();
    for (auto [i, partial] : llvm::enumerate(partials)) {
      const int64_t g = groupOf[i], cb = colBegin[i];
      if (partial->dtype() != element || partial->rank() != 2 ||
          partial->dim(0) != vectors || g < 0 || g >= groups || cb < 0 ||
          cb + partial->dim(1) > columns) {
        misfit = static_cast<int64_t>(i);
        return;
      }
      const int64_t width = partial->dim(1);
      const T *src = partial->template data<T>();
      for (int64_t p = 0; p < vectors; ++p) {
        T *dst = o + (g * vectors + p) * columns + cb;
        for (int64_t n = 0; n < width; ++n)
          dst[n] += src[p * width + n];
      }
    }
  });
  if (misfit >= 0)
    return makeError(llvm::formatv(
        "cim.accumulate: partial {0} does not fit the result", misfit));
  return llvm::Error::success();
}
