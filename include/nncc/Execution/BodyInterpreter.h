//===- BodyInterpreter.h - Runs a cim.layer body op by op -------*- C++ -*-===//
//
// The one evaluator of a partitioned cim.layer's body, shared by the
// bit-exact datapath executor (CIMLayerRunner, Datapath mode) and the
// accuracy simulator (AnalogLayer).  It runs the body's ops in order on one
// block of quantized input vectors, each through its CIM_BodyOpInterface
// implementation (lib/Dialect/CIM/BodyOpSemantics.cpp); the caller's
// cim::ArrayReader supplies what depends on the chip, the cim.mvm reads and
// cim.adc conversions.  Whatever the reader returns (exact i32 sums or f64
// currents) flows through the same digital ops, so the executor and the
// simulator share every step after the read.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_EXECUTION_BODYINTERPRETER_H
#define NNCC_EXECUTION_BODYINTERPRETER_H

#include "nncc/Dialect/CIM/CIMInterfaces.h"
#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace nncc {
namespace cim {
class LayerOp;
} // namespace cim

/// Called after each body op with the op and its results (i32 / i64 tensors
/// in the executor, f64 after the simulator's reads); the tensors are only
/// valid during the call.
using CIMBodyObserver = llvm::function_ref<void(
    mlir::Operation *, llvm::ArrayRef<const runtime::Tensor *> results)>;

/// Vectors [begin, begin + count) of every group of `xq`, i32 [G, P, K]:
/// the block a body run takes (executor and simulator alike run a layer's
/// vectors in blocks, in parallel), [G, count, K] or, `inLanes`, [G, K,
/// count] (cim::ArrayReader::inputsInLanes).
runtime::Tensor vectorBlock(const runtime::Tensor &xq, int64_t begin,
                            int64_t count, bool inLanes = false);

/// A layer's blocks of quantized input vectors made on demand, as
/// vectorBlock makes them (CIMLayerRunner::im2colBlock makes them straight
/// from the layer's quantized input); called from several threads at once.
using VectorBlocks = llvm::function_ref<runtime::Tensor(
    int64_t begin, int64_t count, bool inLanes)>;

class BodyInterpreter {
public:
  /// Checks that the body takes one argument and holds only ops with
  /// regionless CIM_BodyOpInterface implementations and the cim.yield.
  static llvm::Expected<BodyInterpreter> create(cim::LayerOp layer);

  /// Runs the body on `inputs`, i32 [G, vectors, K] (a block of the layer's
  /// quantized im2col rows), and returns what it yields: [G, vectors, N],
  /// i64 with exact reads, f64 with real ones.
  llvm::Expected<runtime::Tensor> run(const runtime::Tensor &inputs,
                                      cim::ArrayReader &reader,
                                      CIMBodyObserver observer = nullptr) const;

  /// The body's ops in order, the cim.yield last.
  llvm::ArrayRef<mlir::Operation *> getOps() const { return ops; }

private:
  BodyInterpreter() = default;
  int64_t groups = 0, columns = 0;
  /// The body compiled to value slots once (slot 0: the block argument, then
  /// each op's results), so that a run indexes instead of hashing values.
  struct Step {
    mlir::Operation *op;
    /// The op's evaluation (null for the cim.yield), looked up once.
    cim::BodyOpInterface body;
    llvm::SmallVector<unsigned, 2> operands;
    unsigned firstResult;
    /// Slots whose last use is this op, freed after it.
    llvm::SmallVector<unsigned, 2> lastUses;
    /// The values among them that are not the block argument: an op may
    /// reuse their buffers.
    llvm::SmallVector<mlir::Value, 2> dying;
  };
  std::vector<Step> steps;
  std::vector<mlir::Operation *> ops;
  unsigned numSlots = 0;
};

} // namespace nncc

#endif // NNCC_EXECUTION_BODYINTERPRETER_H
