//===- IdealArrayReader.h - The datapath's ideal array reads ----*- C++ -*-===//
//
// The bit-exact executor's cim::ArrayReader: a cim.mvm reads ideal cells
// (each holds exactly its digit), so its column sums are exact integers;
// a cim.adc converts as its description in CIMOps.td says,
// clamp(round(sum / step), lo, hi) * step.  Everything after the read is
// the shared body semantics (BodyInterpreter).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_EXECUTION_IDEALARRAYREADER_H
#define NNCC_LIB_EXECUTION_IDEALARRAYREADER_H

#include "nncc/Dialect/CIM/BodyEvaluation.h"
#include "nncc/Dialect/CIM/TileLayout.h"

#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace nncc {

/// A cim.mvm's tile with its cell digits laid out for the read kernels.
struct IdealTile {
  cim::TileLayout layout;
  int64_t group = 0, rowBegin = 0, rowsInParallel = 1, rowGroups = 0;
  /// Reads per row group (cim.mvm read_phases): 1, or 4 parts each.
  int64_t phases = 1;
  int64_t physRows = 0, physCols = 0;
  /// The layer's input: depth of an im2col row, input cycles, DAC bits.
  int64_t depth = 0, cycles = 1, dacBits = 1;
  bool inputSigned = false;
  /// Integer path: digits [physRows, physCols], G- rows of differential
  /// rows negated in a one-phase read (they subtract in the column).
  std::vector<int32_t> cells;
  /// GEMM path: the same digits as f32, one [rows, physCols] matrix per
  /// row group.
  std::vector<runtime::Tensor> groupCells;
  bool gemm = false;
};

/// Exact column sums [cycles, row groups x phases, vectors, physCols] of
/// `tile` for the quantized inputs xq [G, vectors, K].
runtime::Tensor readIdealTile(const IdealTile &tile, const runtime::Tensor &xq);

class IdealArrayReader final : public cim::ArrayReader {
public:
  explicit IdealArrayReader(
      const llvm::DenseMap<mlir::Operation *, const IdealTile *> &tiles)
      : tiles(tiles) {}

  llvm::Error read(cim::MVMOp mvm, const runtime::Tensor &inputs,
                   runtime::Tensor &columnSums) override;
  llvm::Error convert(cim::ADCOp adc, const runtime::Tensor &columnSums,
                      bool reusable, runtime::Tensor &codes) override;

  /// Column sums computed ahead of the body (by tile, in parallel), which
  /// read() hands out instead of reading again.
  llvm::DenseMap<mlir::Operation *, runtime::Tensor> ready;

private:
  const llvm::DenseMap<mlir::Operation *, const IdealTile *> &tiles;
};

} // namespace nncc

#endif // NNCC_LIB_EXECUTION_IDEALARRAYREADER_H
