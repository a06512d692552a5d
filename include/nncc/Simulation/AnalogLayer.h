//===- AnalogLayer.h - One mapped layer on a sampled chip -------*- C++ -*-===//
//
// The accuracy simulator's model of one partitioned cim.layer
// (docs/simulation.md): every tile (cim.mvm) holds its cell digits in the
// physical layout the compiler chose (TileLayout.h, via
// LayerCellDigits::tileDigits), and a chip instance turns each cell into a
// conductance, in units of the level spacing Δ = (g_max - g_min) /
// (levels - 1), through the target's non-idealities:
//
//   on_off       finite on/off: a cell at level d conducts g_min / Δ + d
//                (off: exactly d, as the integer reference assumes); the
//                digital periphery, which knows the input digits, subtracts
//                the ideal background g_min / Δ · Σ drive after the ADC, so
//                what remains is the range, noise and IR drop it costs;
//   programming  write-verify residual: each programmed cell's error is a
//                pulse error N(0, σ_d) truncated to ±tolerance·Δ when the
//                cell was accepted, and outside it when it failed after
//                max_iterations (probability F_d); single-pulse: N(0, σ_d);
//   variation    device-to-device: a static N(0, σ_d2d · (g_max - g_min))
//                offset per cell;
//   stuck_at     cells stuck at g_max or g_min with the target's
//                probabilities;
//   drift        g(t) = g(t0) · (t / t0)^-ν for t > t0, ν ~ N(ν_mean,
//                ν_sigma) per cell (clipped at 0);
//   ir_drop      by default first order in wire_resistance · g (IrDrop.h;
//                with IrDropModel::Nodal each read's circuit is solved
//                instead, exactly): a cell at row r,
//                column c of an R-row array sees its own series path, c + 1
//                word-line and R - r bit-line segments, exactly,
//                g / (1 + g · R_series), and the voltage the other cells'
//                currents drop on the segments it shares (word line fed at
//                column 0, every cell of a driven row conducting; bit line
//                sensed below row R-1, the other rows' currents scaled by
//                the mean fraction of driven rows, `rowActivity`, measured
//                on the calibration inputs);
//   read_noise   per read, each cell's current has relative noise σ_read:
//                one normal per column with variance Σ_k (x_k σ_read g_k)²;
//   adc          each column's ADC range is calibrated on calibration
//                inputs (per physical column, per instance, at t0: the
//                largest |current| seen, or a range chosen from their
//                histogram, AdcCalibration.h); codes are round(I / step),
//                clipped to the ADC's bits (unipolar or bipolar as in the
//                IR).
//
// The layer supplies only these physical reads (lib/Simulation/
// PhysicalArrayReader.cpp, a cim::ArrayReader); the digital steps after
// them — shift-and-add over input cycles and slices, polarity combination
// (G+ - G-, or minus offset × reference column), accumulation over row
// tiles, and any other body op — are the body ops' one definition
// (CIM_BodyOpInterface), run by the executor's BodyInterpreter on f64
// values.  With every effect off the result equals the layer's integer
// reference exactly.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_SIMULATION_ANALOGLAYER_H
#define NNCC_SIMULATION_ANALOGLAYER_H

#include "nncc/Execution/BodyInterpreter.h"
#include "nncc/Runtime/Tensor.h"
#include "nncc/Simulation/IrDrop.h"
#include "nncc/Target/TargetChip.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace nncc {
struct AdcRangeMethod;
namespace cim {
class LayerOp;
} // namespace cim

/// Which non-idealities a simulation applies (all on by default; each is a
/// no-op when the target's statistics make it ideal).
struct EffectSwitches {
  bool onOff = true, programming = true, variation = true, stuckAt = true,
       drift = true, driftCompensation = false, irDrop = true, readNoise = true,
       adc = true;
  /// How ir_drop is computed (not an effect of its own: str() and parse()
  /// leave it alone).
  IrDropModel irDropModel = IrDropModel::FirstOrder;
  static EffectSwitches none();
  /// "all", "none", or a comma-separated list of effect names (on_off,
  /// programming, variation, stuck_at, drift, drift_compensation, ir_drop,
  /// read_noise, adc) to switch on, each optionally prefixed with "-" to
  /// switch it off from "all".
  static llvm::Expected<EffectSwitches> parse(llvm::StringRef spec);
  std::string str() const;
  /// The names of the non-idealities switched on (drift_compensation, a
  /// correction, is not one).
  std::vector<std::string> nonIdealities() const;
  /// These switches with effect `name` off.
  EffectSwitches without(llvm::StringRef name) const;
};

class AnalogLayer {
public:
  struct Tile;
  /// One sampled chip instance of this layer at one time.
  struct Instance {
    /// Per device (array.devices_per_cell per cell, a cell's devices
    /// adjacent): t0 conductances / Δ and drift exponents.
    std::vector<std::vector<float>> programmed;
    std::vector<std::vector<float>> nu;
    /// Per cell at the current time: the mean of its devices / Δ.
    std::vector<std::vector<float>> cells;
    /// What the reads multiply: the cells at the current time and their
    /// squares (a read's noise variance is Σ (drive · σ · g)²), each row
    /// padded with zeros to the read kernel's width
    /// (lib/Simulation/ArrayRead.h).
    std::vector<std::vector<float>> readCells, readSquares;
    std::vector<std::vector<float>> adcRange;   ///< per physical column
    /// While a histogram pass calibrates: per tile, kAdcHistogramBins
    /// counts of |current| per physical column over [0, adcRange].
    std::vector<std::vector<uint32_t>> adcHistogram;
    /// Per tile and physical column, the periphery's digital correction
    /// of a conversion, gain * converted + offset, fitted on the
    /// calibration inputs (periphery.adc.column_correction; empty: none).
    std::vector<std::vector<double>> columnGain, columnOffset;
    /// While a fitting pass runs: per tile, kColumnFitSums sums per
    /// physical column of converted (x) against ideal (y) currents: n, Σx,
    /// Σy, Σx², Σxy.
    std::vector<std::vector<double>> columnFit;
    /// The global drift compensation factor when the correction was fitted.
    double driftScaleAtFit = 1;
    double driftScale = 1; ///< global drift compensation factor
    /// Mean fraction of rows driven per read (IR drop's bit-line currents),
    /// and the counts a calibration run accumulates to measure it.
    double rowActivity = 1;
    int64_t drivenRows = 0, rowReads = 0;
  };

  /// Per cell, the sum of its `devices` adjacent entries of `perDevice`
  /// (Instance::programmed's layout): what the cell conducts, in the
  /// entries' units, its devices' currents adding.
  static std::vector<double> sumDevices(const std::vector<float> &perDevice,
                                        int64_t devices);

  static llvm::Expected<AnalogLayer> create(cim::LayerOp layer,
                                            const target::TargetChip &chip);
  ~AnalogLayer();
  AnalogLayer(AnalogLayer &&);
  AnalogLayer &operator=(AnalogLayer &&);

  /// Samples the instance's programmed cells and drift exponents.
  void sample(Instance &instance, uint64_t seed,
              const EffectSwitches &effects) const;
  /// Conductances at `seconds` after programming (drift, then IR drop) and
  /// the drift compensation factor.
  void setTime(Instance &instance, double seconds,
               const EffectSwitches &effects) const;
  /// Integer-unit accumulators [G, P, N] of the quantized im2col input xq
  /// [G, P, K] (i32).  `noiseSeed` seeds the read noise.  With `calibrate`,
  /// the ADC is bypassed and each column's largest |current| is recorded in
  /// calibrate->adcRange instead, and the driven rows are counted in
  /// calibrate->drivenRows / rowReads.
  /// Starts a histogram pass: calibrating accumulate() calls then count
  /// each column's |currents| over [0, its current adcRange] instead of
  /// raising the range.
  void startAdcHistograms(Instance &instance) const;
  /// Ends it: each column's range by `method` (AdcCalibration.h).
  void chooseAdcRanges(Instance &instance, const AdcRangeMethod &method) const;
  /// Starts a column-correction fitting pass: calibrating accumulate()
  /// calls then convert with the ranges set and sum, per column, ideal
  /// against converted currents.
  void startColumnFit(Instance &instance) const;
  /// Ends it: each column's gain and offset by least squares (a column
  /// that was never driven, or whose fit is degenerate, keeps gain 1 and
  /// offset 0).
  void finishColumnFit(Instance &instance) const;

  /// The layer's accumulators [G, P, N] read on `instance` from its
  /// `vectors` quantized input vectors, which `blockOf` supplies block by
  /// block (in the layout the chip's reads want).
  std::vector<double> accumulate(const Instance &instance, int64_t vectors,
                                 VectorBlocks blockOf,
                                 const EffectSwitches &effects,
                                 uint64_t noiseSeed,
                                 Instance *calibrate = nullptr) const;
  /// The same from a whole quantized im2col xq, i32 [G, P, K].
  std::vector<double> accumulate(const Instance &instance,
                                 const runtime::Tensor &xq,
                                 const EffectSwitches &effects,
                                 uint64_t noiseSeed,
                                 Instance *calibrate = nullptr) const;

  int64_t numTiles() const;
  int64_t numCells() const;

private:
  AnalogLayer();
  /// Runs the body once on zeros: its checks, at create().
  llvm::Error checkBody() const;
  struct Data;
  std::unique_ptr<Data> data;
};

} // namespace nncc

#endif // NNCC_SIMULATION_ANALOGLAYER_H
