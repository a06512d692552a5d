//===- ProgrammingSchedule.h - Writing weights into arrays ------*- C++ -*-===//
//
// After `nncc compile` every cim.mvm of a cim.layer body is one physical
// array.  The programming schedule says, for every array, which level each
// cell must be programmed to and what writing them costs under the target's
// write-verify model (docs/programming-schedule.md):
//
//   - cell targets: the level l = d * stride of the digit d each cell
//     stores (TileLayout.h: the offset scheme's reference column holds 1;
//     the stride is 1 unless the layer stores fewer bits per cell than the
//     device holds, levelStride; unused cells and digit-0 cells stay at the
//     reset level 0 and cost nothing), conductance
//     G(l) = g_min + l * (g_max - g_min) / (levels - 1);
//   - per level: the probability p_d that one write-verify pulse lands
//     within tolerance, the expected pulses per cell (a geometric
//     distribution truncated at max_iterations) and the probability that
//     the cell still fails after the last pulse;
//   - per array / core / program group / chip: expected pulses, expected
//     programming time (cells `parallel_cells` at a time; arrays of one
//     core in sequence, cores in parallel; program groups, which are
//     resident at different times, one after another), energy and expected
//     failing cells.
//
// Outputs: a versioned JSON summary (schema "nncc-programming-schedule",
// version 2) and a compact binary with every used cell's target level
// (programming.bin, nncc/Schedule/ProgrammingBinary.h); both byte-for-byte
// deterministic.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SCHEDULE_PROGRAMMINGSCHEDULE_H
#define NNCC_SCHEDULE_PROGRAMMINGSCHEDULE_H

#include "nncc/Dialect/CIM/CIMDialect.h"
#include "nncc/Schedule/PackedLevels.h"
#include "nncc/Support/Elements.h"
#include "nncc/Target/TargetChip.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nncc {

namespace cim {
class LayerOp;
class MVMOp;
} // namespace cim

//===----------------------------------------------------------------------===//
// Cell targets (shared with anyone who needs the stored digit of a cell)
//===----------------------------------------------------------------------===//

/// The stored values of one partitioned cim.layer, read once from its
/// attributes (weight_ints q, weight_zero_points z, signed_scheme,
/// weight_offsets, bits_per_cell, weight_slices, and the target's levels).
/// Gives the level every cell of a tile is programmed to: the digit the
/// executor's datapath builds for it
/// (lib/Execution/IdealArrayReader.cpp), except that a differential_rows
/// G- cell holds its digit as a positive level (the executor negates it in
/// a one-phase read, whose G- row is driven with the opposite polarity),
/// times the layer's level stride (cim::levelStride).
/// The ranges of one tile (a cim.mvm) and its used region, read from the
/// IR once so that the cells can be computed without it.
struct TileRange {
  int64_t array = 0, group = 0, rowBegin = 0, rowEnd = 0, colBegin = 0,
          colEnd = 0, sliceBegin = 0, sliceEnd = 0;
  bool referenceColumn = false;
  int64_t physicalRows = 0, physicalCols = 0; ///< not set by of()
  static TileRange of(cim::MVMOp mvm);
};

class LayerCellDigits {
public:
  /// Reads and checks the layer's attributes; fails if a stored value does
  /// not fit the slices.
  static llvm::Expected<LayerCellDigits> create(cim::LayerOp layer);

  /// What create() reads from a layer, captured so that the digits can be
  /// computed on another thread while passes rewrite other attributes.
  struct Source {
    std::string layerName;
    cim::SignedScheme scheme = cim::SignedScheme::DifferentialColumns;
    int64_t bits = 0, slices = 0, groups = 0, depth = 0, columns = 0;
    /// Device levels per digit step (1 without a cim.target).
    int64_t levelStride = 1;
    mlir::ElementsAttr weightInts, zeroPoints, offsets;
    /// Fails if the layer is not quantized and bit-sliced.
    static llvm::Expected<Source> of(cim::LayerOp layer);
  };
  static llvm::Expected<LayerCellDigits> create(const Source &source);

  /// Levels of `mvm`'s tile, row-major [physical rows, physical columns]
  /// (TileLayout: the tile occupies the top-left corner of its array).
  llvm::Expected<std::vector<uint16_t>> tileLevels(cim::MVMOp mvm) const;
  llvm::Expected<std::vector<uint16_t>> tileLevels(const TileRange &tile) const;

  int64_t bitsPerCell() const { return bits; }
  /// Device levels per digit step.
  int64_t levelStride() const { return stride; }

private:
  cim::SignedScheme scheme = cim::SignedScheme::DifferentialColumns;
  int64_t groups = 0, depth = 0, columns = 0; // G, K, N
  int64_t bits = 0, slices = 0, stride = 1;
  /// The codes q, [G, K, N], read in place from `weight_ints` (a layer of
  /// VGG-16 holds 100 M of them: an int32 copy of v = q - z per layer took
  /// 4 bytes a weight).
  SignedIntCodes codes;
  std::vector<int64_t> zeroPoints; // [G * N]
  std::vector<int64_t> offsets;    // offset scheme, [G * N]
};

//===----------------------------------------------------------------------===//
// Write-verify model
//===----------------------------------------------------------------------===//

/// How one level programs (docs/programming-schedule.md).
struct LevelProgramming {
  int64_t level = 0;
  double conductance = 0;        ///< G(d), siemens
  double sigma = 0;              ///< sigma_d of one pulse's error, siemens
  double acceptProbability = 1;  ///< p_d: one pulse lands within tolerance
  double expectedPulses = 0;     ///< E_d per cell (0 for level 0)
  double failureProbability = 0; ///< cell out of tolerance after the last pulse
};

enum class SigmaMode { FractionOfRange, RelativeToTarget };

/// The target's programming parameters and the per-level table derived
/// from them.
struct ProgrammingModel {
  target::ProgrammingScheme scheme = target::ProgrammingScheme::WriteVerify;
  int64_t levels = 2;
  double gMin = 0, gMax = 0, levelSpacing = 0; ///< siemens
  double tolerance = 0;                        ///< fraction of levelSpacing
  int64_t maxIterations = 1;
  double pulseWidth = 0, readPulse = 0; ///< seconds
  /// Time of one pulse slot: pulseWidth + readPulse with write-verify,
  /// pulseWidth alone with a single pulse.
  double pulseTime = 0;
  double energyPerPulse = 0; ///< joules (verify reads are not costed)
  int64_t parallelCells = 1;
  /// Devices per cell (array.devices_per_cell), each written and verified
  /// on its own: an array's devices are programmed in this many passes,
  /// pass k the k-th device of every cell, grouped as parallelCells cells.
  int64_t devicesPerCell = 1;
  double amplitudeStart = 0, amplitudeStep = 0, amplitudeMax = 0; ///< volts
  /// Distinct amplitudes of the ramp: floor((max - start) / step) + 1 (1
  /// when step is 0).  Reported only: p_d does not depend on the amplitude.
  int64_t amplitudeSteps = 1;
  SigmaMode sigmaMode = SigmaMode::FractionOfRange;
  bool sigmaPerLevel = false;
  double clock = 0;                       ///< hertz (for times in cycles)
  std::vector<LevelProgramming> perLevel; ///< one entry per level
};

/// The model for `chip`; fails on parameters it cannot use (levels outside
/// [2, 65536], g_max <= g_min, max_iterations or parallel_cells < 1, a
/// per-level sigma list of the wrong length, negative sigmas).
llvm::Expected<ProgrammingModel>
makeProgrammingModel(const target::TargetChip &chip);

//===----------------------------------------------------------------------===//
// The schedule
//===----------------------------------------------------------------------===//

/// One physical array (one cim.mvm).
struct ArrayProgramming {
  int64_t id = 0, core = 0;
  std::string layer;
  /// The array whose tile this one copies (`replica_arrays`, placed by
  /// --nncc-replicate), or -1 for the tile's own array.
  int64_t replicaOf = -1;
  /// `group` is the tile's group of the layer's [G, K, N] weight matrix
  /// (grouped convolutions), not its program group.
  int64_t group = 0, rowBegin = 0, rowEnd = 0, colBegin = 0, colEnd = 0,
          sliceBegin = 0, sliceEnd = 0;
  /// The program group the array is resident in (ProgrammingOptions).
  int64_t programGroup = 0;
  bool referenceColumn = false;
  int64_t physicalRows = 0, physicalCols = 0; ///< the tile's used cells
  /// Target level of every used cell, row-major [physicalRows,
  /// physicalCols], packed (PackedLevels.h); the rest of the array stays at
  /// level 0.  Replicas share their tile's levels.
  std::shared_ptr<const PackedLevels> cells;
  /// The levels unpacked, one per used cell.
  std::vector<uint16_t> cellLevels() const { return cells->unpack(); }
  /// Used cells per level (size levels); unused cells are not counted.
  std::vector<int64_t> cellsPerLevel;
  int64_t unusedCells = 0;
  int64_t programmedCells = 0; ///< used cells with level > 0
  /// Groups of parallel cells with work, over every device pass.
  int64_t parallelGroups = 0;
  /// Over every device (a cell of n devices takes n x its level's pulses
  /// and fails n times as often).
  double expectedPulses = 0, expectedFailingCells = 0;
  double time = 0;   ///< expected, seconds
  double energy = 0; ///< expected, joules
};

struct CoreProgramming {
  int64_t id = 0;
  int64_t arrays = 0;
  int64_t programmedCells = 0;
  double expectedPulses = 0, expectedFailingCells = 0;
  double time = 0, energy = 0; ///< expected: seconds, joules
};

/// Arrays resident at the same time (one program group): the chip is
/// programmed with them, used, then reprogrammed with the next group.
struct GroupProgramming {
  int64_t id = 0;
  int64_t arrays = 0;
  /// Expected seconds: max over cores of the sum of the group's arrays'
  /// times on the core.
  double time = 0;
  double energy = 0;         ///< expected, joules
  int64_t criticalCore = -1; ///< the first core reaching `time`
};

struct ProgrammingSchedule {
  std::string target;
  int64_t rows = 0, cols = 0; ///< array size
  int64_t arraysPerCore = 0, chipCores = 0;
  ProgrammingModel model;
  std::vector<ArrayProgramming> arrays; ///< ascending id
  std::vector<CoreProgramming> cores;   ///< cores holding arrays, ascending
  std::vector<GroupProgramming> groups; ///< groups holding arrays, ascending
  // Chip totals.
  std::vector<int64_t> cellsPerLevel;
  int64_t unusedCells = 0, programmedCells = 0;
  double expectedPulses = 0, expectedFailingCells = 0;
  double time = 0; ///< expected, seconds: sum over groups of their times
  /// The critical core of the longest group (the first such group; -1: no
  /// arrays); with one group, the core that takes longest.
  int64_t criticalCore = -1;
  double energy = 0; ///< expected, joules
};

struct ProgrammingOptions {
  /// Core of an array id; arrays not listed go to core array /
  /// arrays_per_core (until placement provides a map).
  std::map<int64_t, int64_t> coreOfArray;
  /// Program group of an array id (absent: group 0).  Arrays of different
  /// groups are resident at different times: a time-multiplexed mapping
  /// reprograms the chip between groups, so group times add up.
  std::map<int64_t, int64_t> programGroupOfArray;
};

/// The part of the schedule that does not depend on where the arrays are
/// placed: every array's cell levels and write-verify cost, most of the
/// work.  collect() reads the module; run() touches no IR, so `nncc
/// compile` runs it on other threads while the placement pass rewrites the
/// tiles' core attributes.
class ArrayProgrammingJob {
public:
  /// Reads the target's programming model, every layer's stored values
  /// and every tile's ranges; fails as buildProgrammingSchedule does on
  /// the model, the target and unpartitioned or inconsistent layers.
  static llvm::Expected<ArrayProgrammingJob>
  collect(mlir::ModuleOp module, const target::TargetChip &chip);
  ArrayProgrammingJob(ArrayProgrammingJob &&);
  ArrayProgrammingJob &operator=(ArrayProgrammingJob &&);
  ~ArrayProgrammingJob();

  /// Every array (replicas included, ascending id) in a schedule without
  /// cores, program groups or totals: completeProgrammingSchedule adds
  /// them.  Fails on a tile beyond the array, a digit beyond the levels or
  /// an array id used twice.  `parallel`: over the arrays on every core;
  /// else on the calling thread only (beside a placement that needs the
  /// other core).
  llvm::Expected<ProgrammingSchedule> run(bool parallel = true);

private:
  struct Impl;
  explicit ArrayProgrammingJob(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// The cores and program groups a placed module gives its arrays (replicas
/// included), as the cim.mvm ops record them.
ProgrammingOptions readPlacement(mlir::ModuleOp module);

/// Assigns the arrays of `schedule` (from ArrayProgrammingJob::run) to
/// cores and program groups and fills the per-core, per-group and chip
/// totals.
void completeProgrammingSchedule(ProgrammingSchedule &schedule,
                                 const ProgrammingOptions &options);

/// The schedule for a mapped module (every cim.layer partitioned).  Fails
/// if a layer has no body, an array id repeats, a tile exceeds the array,
/// a digit exceeds the levels or the module's #cim.target disagrees with
/// `chip` on rows, columns or levels.
llvm::Expected<ProgrammingSchedule>
buildProgrammingSchedule(mlir::ModuleOp module, const target::TargetChip &chip,
                         const ProgrammingOptions &options = {});

/// The JSON summary (schema "nncc-programming-schedule", version 2), with
/// a trailing newline.
void writeProgrammingJson(const ProgrammingSchedule &schedule,
                          llvm::raw_ostream &os);

/// Version 2 renamed the arrays' "program_groups" to "parallel_groups" (a
/// program group is now a set of co-resident arrays) and added "groups".
inline constexpr uint32_t kProgrammingJsonVersion = 2;

} // namespace nncc

#endif // NNCC_SCHEDULE_PROGRAMMINGSCHEDULE_H
