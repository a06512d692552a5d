//===- PhysicalArrayReader.h - Reads of a sampled chip's arrays -*- C++ -*-===//
//
// The accuracy simulator's cim::ArrayReader: a cim.mvm reads the sampled
// conductances of its tile (programming, variation, stuck cells, drift and
// the first-order IR drop are in the instance's cells; the nodal IR-drop
// model solves each read's circuit here instead) with read noise, in units
// of the level spacing; a cim.adc converts with the instance's calibrated column
// ranges.  The digital periphery, which knows the input digits, then
// removes the ideal g_min background, applies the global drift
// compensation and scales the levels' currents to digit sums (a layer
// storing fewer bits per cell than the device holds uses every
// levelStride-th level).  Everything after the read is the body's shared semantics
// (BodyInterpreter), so the simulator computes exactly the executor's
// digital steps on f64 values.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_SIMULATION_PHYSICALARRAYREADER_H
#define NNCC_LIB_SIMULATION_PHYSICALARRAYREADER_H

#include "nncc/Dialect/CIM/BodyEvaluation.h"
#include "nncc/Dialect/CIM/TileLayout.h"
#include "nncc/Simulation/AnalogLayer.h"
#include "ArrayRead.h"

#include "llvm/ADT/DenseMap.h"

#include <memory>
#include <mutex>
#include <vector>

namespace nncc {

/// One cim.mvm's tile on the chip.
struct AnalogLayer::Tile {
  int64_t group = 0, rowBegin = 0;
  int64_t physRows = 0, physCols = 0, rowsInParallel = 1;
  /// Reads per row group and cycle (cim.mvm read_phases, cim::ReadPhase).
  int64_t phases = 1;
  cim::TileLayout layout;
  /// Each cell's target level, digit * levelStride (LayerCellDigits),
  /// [physRows, physCols].
  std::vector<uint16_t> targetLevels;
  /// The target levels as f32, what an ideal array reads (a
  /// column-correction fit's reference), rows padded like the instance's
  /// readCells.
  std::vector<float> levels;
  int64_t cycles = 1, dacBits = 1;
  bool inputSigned = false;
  /// Whether a cim.adc converts the column sums; the periphery removes the
  /// background after it, else right after the read.
  bool converted = false;
  /// The converting ADC's steps above zero (0: not converted).
  int64_t adcMaxCode = 0;
};

/// What a block's reads share: the chip instance and how to read it.
struct PhysicalReadSetup {
  const std::vector<AnalogLayer::Tile> &tiles;
  const llvm::DenseMap<mlir::Operation *, int64_t> &tileOf;
  const AnalogLayer::Instance &instance;
  /// Relative read noise σ_read (0: none) and g_min / Δ (0: off).
  double readSigma = 0, background = 0;
  /// Device levels per digit step (cim::levelStride): the periphery divides
  /// the background-free currents by it to give digit sums.
  double levelsPerDigit = 1;
  /// Convert with the ADC ranges (else pass the currents through).
  bool useAdc = false;
  /// Record the largest |current| per column and the driven rows.
  bool calibrating = false;
  /// Calibrating, also count each column's |currents| in a histogram over
  /// [0, (*histogramTop)[tile][column]] (AdcCalibration.h), added into
  /// (*histogram)[tile] under `histogramLock` after each read.
  const std::vector<std::vector<float>> *histogramTop = nullptr;
  std::vector<std::vector<uint32_t>> *histogram = nullptr;
  std::mutex *histogramLock = nullptr;
  /// Fitting the column correction: convert (with useAdc) and sum ideal
  /// against converted currents per column into `columnFit` below.
  bool fitting = false;
  /// Read noise of vector p of the layer comes from stream
  /// mixSeed(noiseSeed, tile * vectors + p).
  uint64_t noiseSeed = 0;
  int64_t vectors = 0;
  /// Solve each read's circuit (IrDropModel::Nodal): ohms per wire segment
  /// times Δ, the instance's cells then being free of IR drop (0: the
  /// cells already hold the first-order IR drop, or none); and the rows of
  /// the array the bit lines run past.
  double nodalWire = 0;
  int64_t arrayRows = 0;
};

/// Reads one block of vectors [firstVector, firstVector + block size).
class PhysicalArrayReader final : public cim::ArrayReader {
public:
  /// `inputsInLanes`: the block's inputs come as [G, K, vectors].
  PhysicalArrayReader(const PhysicalReadSetup &setup, int64_t firstVector,
                      bool inputsInLanes);

  bool inputsInLanes() const override { return inLanes; }

  llvm::Error read(cim::MVMOp mvm, const runtime::Tensor &inputs,
                   runtime::Tensor &columnSums) override;
  llvm::Error convert(cim::ADCOp adc, const runtime::Tensor &columnSums,
                      bool reusable, runtime::Tensor &codes) override;

  /// Calibration: per tile, the largest |current| per physical column; and
  /// the driven rows out of all row reads.
  std::vector<std::vector<float>> columnMax;
  /// Fitting: per tile, kColumnFitSums sums per physical column (this
  /// block's; AnalogLayer adds the blocks in order).
  std::vector<std::vector<double>> columnFit;
  int64_t drivenRows = 0, rowReads = 0;

private:
  /// Fills `drive` (laid out as `layout`, whose data it is) with every
  /// vector's digits of input cycle `cycle` on the tile's physical rows
  /// (in a four-phase read, what phase `part` drives: cim::ReadPhase),
  /// and sums[rg * vectors + p] with vector p's drive sum over row group
  /// rg (exact: integer digits); returns the number of nonzero drives.
  /// Vector p's input on the tile's weight row k is x[p * vectorStride +
  /// k * rowStride].
  static int64_t buildDrives(const AnalogLayer::Tile &tile, const int32_t *x,
                             int64_t vectorStride, int64_t rowStride,
                             int64_t cycle, int64_t part, const Drives &layout,
                             float *drive, int32_t *sums);

  /// Overwrites each vector's `current` (as readArrayColumns lays them
  /// out) with its read's exact circuit solution (IrDropModel::Nodal):
  /// `cells` the row group's (padded like the instance's readCells),
  /// starting at the array's row `firstRow`.
  void solveReads(const Drives &drives, const float *cells, int64_t cols,
                  int64_t firstRow, float *current);

  /// A buffer that keeps its memory between reads and grows as needed;
  /// its contents are whatever the last read left.
  template <typename T> class Scratch {
  public:
    T *get(int64_t size) {
      if (static_cast<size_t>(size) > capacity) {
        memory.reset(new T[static_cast<size_t>(size)]);
        capacity = static_cast<size_t>(size);
      }
      return memory.get();
    }

  private:
    std::unique_ptr<T[]> memory;
    size_t capacity = 0;
  };
  /// The reads' working buffers (read()).
  struct {
    Scratch<float> drive, current, variance, idealCurrent;
    Scratch<double> normal, nodalCurrent;
    Scratch<int32_t> driveSums;
  } scratch;

  /// Solves the reads of the nodal IR-drop model.
  CrossbarReadSolver nodal;

  const PhysicalReadSetup &setup;
  int64_t firstVector;
  bool inLanes;
  /// Per tile whose read awaits conversion: the background per (cycle *
  /// vector, row group), g_min / Δ times the drive sum.
  std::vector<std::vector<double>> backgrounds;
  /// Fitting, per tile whose read awaits conversion: the ideal column
  /// currents (the digits' sums plus the background), laid out as the
  /// column sums.
  std::vector<std::vector<double>> ideals;
};

} // namespace nncc

#endif // NNCC_LIB_SIMULATION_PHYSICALARRAYREADER_H
