//===- VerificationVectors.h - Stimulus and expected values -----*- C++ -*-===//
//
// `nncc export vectors`: what a testbench of the digital periphery needs to
// replay the bit-exact datapath executor on real inputs
// (docs/verification-vectors.md).  For each exported tile (one cim.mvm of
// one layer): its programming image (cell levels in physical order), and
// per input vector, input cycle and row group the digit driven onto each
// physical row, the ADC code of each physical column, and per vector the
// tile's combined output (the cim.combine partial); per vector the layer's
// accumulators.  The values are the executor's own: the layer runs
// through CIMLayerRunner's datapath with a body observer that records the
// cim.adc codes and cim.combine partials of the chosen tiles; the digits
// are inputDigit of the quantized im2col rows, the one definition the
// ideal array reads from.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_EXPORT_VERIFICATIONVECTORS_H
#define NNCC_EXPORT_VERIFICATIONVECTORS_H

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Runtime/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nncc {
class OutputDirectoryWriter;
namespace target {
struct TargetChip;
} // namespace target
namespace vectors {

/// One exported tile, its digital schedule and what it read.
struct TileVectors {
  /// Among the layer's arrays (cim.mvm ops) in program order, and the
  /// chip array it is programmed into (programming.json's "array").
  int64_t index = 0, chipArray = 0;
  int64_t group = 0, rowBegin = 0, rowEnd = 0, colBegin = 0, colEnd = 0;
  int64_t physicalRows = 0, physicalColumns = 0;
  int64_t rowsInParallel = 0, rowGroups = 0;
  /// Reads per row group (cim.mvm read_phases): a line per (cycle, row
  /// group, phase), part r * readPhases + q (cim::ReadPhase).
  int64_t readPhases = 1;
  /// Cell levels [physicalRows, physicalColumns], row-major.
  std::vector<uint16_t> levels;

  // The ADC (cim.adc): code = clamp(round(sum / step), min, max) * step.
  int64_t adcBits = 0, adcStep = 1, minCode = 0, maxCode = 0;
  // The shift-add (cim.shift_add) and polarity combination (cim.combine).
  int64_t cycles = 1, dacBits = 1, bitsPerCell = 1, sliceBegin = 0,
          sliceEnd = 1, polarities = 1, weightColumns = 0;
  bool inputSigned = false, referenceColumn = false;
  cim::SignedScheme scheme = cim::SignedScheme::DifferentialColumns;
  /// The offsets cim.combine multiplies the reference column's sum by
  /// (empty when it subtracts nothing).
  std::vector<int64_t> offsets;

  /// Per line (run, vector, cycle, row group), in that order: the digit
  /// driven onto each physical row (0 for rows outside the row group; G-
  /// rows of differential rows negated in a one-phase read; in a
  /// four-phase read the magnitude of the digits of the phase's sign on
  /// the rows of its polarity, 0 elsewhere), [physicalRows] ...
  std::vector<int32_t> digits;
  /// ... and each physical column's ADC code, [physicalColumns].
  std::vector<int32_t> codes;
  /// Per (run, vector): the tile's combined output, [weightColumns].
  std::vector<int64_t> partials;

  int64_t lines() const {
    return physicalColumns ? static_cast<int64_t>(codes.size()) /
                                 physicalColumns
                           : 0;
  }
};

/// The vectors of one layer on a set of images.
struct LayerVectors {
  std::string layer, target, images;
  /// Executor runs, images in each (the program's batch), and the layer's
  /// input vectors per run (P).
  int64_t runs = 0, imagesPerRun = 1, vectorsPerRun = 0;
  int64_t groups = 0, columns = 0;
  /// Bits of a cell level (programming.bin's) and device levels per digit
  /// step (cim::levelStride).
  int64_t levelBits = 1, levelStride = 1;
  std::vector<TileVectors> tiles;
  /// Per run the layer's accumulators [G, P, N].
  std::vector<int64_t> accumulators;
};

struct VectorOptions {
  /// The layer (empty: the program's first mapped layer).
  std::string layer;
  /// One of its arrays (empty: all of them).
  std::optional<int64_t> array;
};

/// Runs `program` in the datapath executor on `images` (samples along
/// dimension 0, f32, a multiple of the program's batch) and records the
/// chosen tiles.  `imagesSpec` is recorded as given.
llvm::Expected<LayerVectors> captureVectors(mlir::ModuleOp program,
                                            const target::TargetChip &chip,
                                            const runtime::Tensor &images,
                                            llvm::StringRef imagesSpec,
                                            const VectorOptions &options);

/// Adds the vector files and manifest.json to `out`
/// (docs/verification-vectors.md).
void addVectorFiles(const LayerVectors &vectors, OutputDirectoryWriter &out);

} // namespace vectors
} // namespace nncc

#endif // NNCC_EXPORT_VERIFICATIONVECTORS_H
