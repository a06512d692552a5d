//===- LayerOverrides.h - Per-layer values of a pass option -----*- C++ -*-===//
//
// The mapping passes take a whole-network value for each knob (the scheme,
// weight bits, rows read at once, copies) and, per layer, `NAME=VALUE`
// entries of a list option (`layer-scheme=/0/Conv=differential-rows,...`)
// that override it for the cim.layers whose layer_name is NAME (every one of
// them: an exporter may give several nodes one name).  One parser
// for all of them: a malformed entry, a name no layer has, a layer named
// twice or a value out of range is an error that names the option.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DIALECT_CIM_TRANSFORMS_LAYEROVERRIDES_H
#define NNCC_DIALECT_CIM_TRANSFORMS_LAYEROVERRIDES_H

#include "nncc/Dialect/CIM/CIMOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>
#include <vector>

namespace nncc::cim {

class LayerOverrides {
public:
  /// Parses `entries` of the pass option `option` against the layers of
  /// `module`; emits an error on the module and fails on a bad entry.
  static mlir::FailureOr<LayerOverrides>
  parse(mlir::ModuleOp module, llvm::ArrayRef<std::string> entries,
        llvm::StringRef option);

  /// The value given for `layer`, if any.
  std::optional<llvm::StringRef> lookup(LayerOp layer) const;
  /// The integer given for `layer`, or `fallback`; emits an error on the
  /// layer and fails when it is not an integer in [min, max].
  mlir::FailureOr<int64_t> lookupInteger(LayerOp layer, int64_t fallback,
                                         int64_t min, int64_t max) const;
  /// parse() and lookupInteger() for each of `layers`, in order: an
  /// integer knob's value per layer.
  static mlir::FailureOr<std::vector<int64_t>>
  integersPerLayer(mlir::ModuleOp module, llvm::ArrayRef<LayerOp> layers,
                   llvm::ArrayRef<std::string> entries, llvm::StringRef option,
                   int64_t fallback, int64_t min, int64_t max);

  bool empty() const { return values.empty(); }

private:
  std::string option;
  llvm::StringMap<std::string> values;
};

} // namespace nncc::cim

#endif // NNCC_DIALECT_CIM_TRANSFORMS_LAYEROVERRIDES_H
