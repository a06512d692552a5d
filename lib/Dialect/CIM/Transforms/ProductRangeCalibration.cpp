//===- ProductRangeCalibration.cpp - MAC-array operand ranges -------------===//
//
// The range of an operand is its largest magnitude over the calibration
// set (the max method, as the crossbar layers' inputs default to): the MAC
// array's symmetric integer codes then never saturate on the calibration
// samples, and a test input beyond it saturates as the hardware would.
//
//===----------------------------------------------------------------------===//
#include "ProductRangeCalibration.h"

#include "nncc/Analysis/DigitalOps.h"
#include "nncc/Dialect/NN/NNOps.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace nncc;
using runtime::Tensor;

namespace {

double largestMagnitude(const Tensor &t) {
  if (t.dtype() != runtime::DType::F32)
    return 0;
  const float *x = t.data<float>();
  float largest = 0;
  for (int64_t i = 0, n = t.numElements(); i < n; ++i)
    largest = std::max(largest, std::fabs(x[i])); // NaN leaves it unchanged
  return largest;
}

} // namespace

void cim::ProductRangeCalibration::observe(Operation *op,
                                           ArrayRef<const Tensor *> operands) {
  // The MatMuls the cores' MAC arrays run; a Gemm of two activations stays
  // the float model's (no exporter writes one for attention).
  if (!isa<nn::MatMulOp>(op) ||
      classifyDigitalOp(op) != DigitalOpClass::Product || operands.size() != 2)
    return;
  OperandRanges &seen = ranges[op];
  seen.a = std::max(seen.a, largestMagnitude(*operands[0]));
  seen.b = std::max(seen.b, largestMagnitude(*operands[1]));
}

void cim::ProductRangeCalibration::record() const {
  for (const auto &[op, seen] : ranges)
    setOperandRanges(op, seen);
}
