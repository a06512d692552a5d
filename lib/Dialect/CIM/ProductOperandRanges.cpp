//===- ProductOperandRanges.cpp - Calibrated ranges of MAC-array operands -===//
#include "nncc/Dialect/CIM/ProductOperandRanges.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

using namespace mlir;
using namespace nncc;

std::optional<cim::OperandRanges> cim::getOperandRanges(Operation *op) {
  auto attr = op->getAttrOfType<DenseF64ArrayAttr>(kOperandRangesAttrName);
  if (!attr || attr.size() != 2)
    return std::nullopt;
  for (double range : attr.asArrayRef())
    if (!(range >= 0) || !std::isfinite(range))
      return std::nullopt;
  return OperandRanges{attr[0], attr[1]};
}

void cim::setOperandRanges(Operation *op, OperandRanges ranges) {
  op->setAttr(kOperandRangesAttrName,
              Builder(op->getContext()).getDenseF64ArrayAttr({ranges.a, ranges.b}));
}
