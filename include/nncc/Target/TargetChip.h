//===- TargetChip.h - The typed description of a CIM chip -------*- C++ -*-===//
//
// The one description of the target that every stage reads: the compiler
// passes (array size, levels, signed-weight scheme), placement (cores,
// interconnect), the programming schedule (write-verify parameters), the
// accuracy simulator (device statistics) and the PPA model (technology,
// periphery, cost overrides).  All quantities are in SI base units.
// `TargetLoader.h` builds it from YAML; `TargetSchema.cpp` documents every
// field with its unit, default and range.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_TARGET_TARGETCHIP_H
#define NNCC_TARGET_TARGETCHIP_H

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nncc::target {

enum class DeviceKind { RRAM, PCM, FeFET, Flash, SRAM, MRAM, ECRAM };
enum class CellType { R1, T1R1, T2R2, T1, SRAM6T, SRAM8T };
enum class SignedWeightScheme { DifferentialColumns, DifferentialRows,
                                OffsetReference };
enum class ProgrammingScheme { WriteVerify, SinglePulse };
/// Converter architectures.  A current-sense converter (DNN+NeuroSim's
/// multi-level sense amplifier) compares the column current against
/// 2^bits - 1 reference currents at once; the column conducts only while it
/// is sensed.  The others integrate the column current over the read pulse;
/// a CCO converter (HERMES-Core's current-controlled oscillator) does so by
/// counting the oscillator's cycles, whose rate follows the current.
enum class AdcType { SAR, Flash, Integrating, CurrentSense, CCO };
/// How a column is read.  Current mode holds the bit line at its read
/// voltage and converts the current the selected cells draw; voltage mode
/// precharges the bit line to the read voltage, lets the selected cells
/// discharge it for the sensing window and senses the voltage left.
enum class ReadCircuit { Current, Voltage };
/// Where the shift-and-add keeps a partial sum across input cycles (and row
/// groups and read phases).  Column: a register per physical column, the
/// weight's slices and polarities combined after its last cycle.  Weight:
/// each conversion is shifted by its slice and cycle and added, with its
/// polarity, into one accumulator-wide register per weight (ISAAC's
/// shift-and-add units and output register).
enum class RunningSums { Column, Weight };
/// How a buffer stores its bits: an SRAM macro, or flip-flops read through
/// a multiplexer tree (a register file; DNN+NeuroSim's default buffers).
enum class MemoryKind { SRAM, RegisterFile };
enum class InputEncoding { BitSerial, PWM, Amplitude };
enum class Topology { Mesh, Bus };
/// The MAC array's arithmetic: bits-bit signed integer operands (quantized,
/// exact integer accumulation, rescaled) or IEEE single precision.
enum class MacNumberFormat { Int, Fp32 };

struct Technology {
  double node = 0;  ///< Feature size F, metres.
  double vdd = 0;   ///< Supply voltage, volts.
  double clock = 0; ///< Clock frequency, hertz.
};

struct WriteVerify {
  ProgrammingScheme scheme = ProgrammingScheme::WriteVerify;
  double amplitudeStart = 0, amplitudeStep = 0, amplitudeMax = 0; ///< volts
  double pulseWidth = 0;     ///< seconds
  int64_t maxIterations = 0; ///< pulses per cell before giving up
  /// Accepted |G - G_target| as a fraction of one level spacing.
  double tolerance = 0;
  double energyPerPulse = 0; ///< joules
  int64_t parallelCells = 0; ///< cells programmed at once per array
};

struct Drift {
  double nuMean = 0, nuSigma = 0; ///< power-law exponent G(t) = G0 (t/t0)^-nu
  double t0 = 0;                  ///< seconds
};

struct DeviceStatistics {
  /// Sigma of one programming pulse's conductance error: a fraction of
  /// (gMax - gMin), or of the target conductance when
  /// `programmingSigmaRelative`.  Write-verify truncates it to the tolerance.
  double programmingSigma = 0;
  bool programmingSigmaRelative = false;
  /// Optional per-level sigma (one entry per level) overriding the above.
  std::vector<double> programmingSigmaPerLevel;
  double deviceToDeviceSigma = 0; ///< fraction of (gMax - gMin)
  double readNoiseSigma = 0;      ///< fraction of the read conductance
  Drift drift;
  double stuckAtOn = 0, stuckAtOff = 0; ///< fault probabilities per cell
  double endurance = 0;                 ///< write cycles
  double retention = 0;                 ///< seconds
};

struct Device {
  DeviceKind kind = DeviceKind::RRAM;
  int64_t levels = 2;   ///< distinct conductance levels per cell
  double gMin = 0;      ///< siemens
  double gMax = 0;      ///< siemens
  double readVoltage = 0; ///< volts
  double readPulse = 0;   ///< seconds
  WriteVerify programming;
  DeviceStatistics statistics;

  /// Whole bits stored per cell: floor(log2(levels)).
  int64_t bitsPerCell() const;
};

struct Array {
  int64_t rows = 0, cols = 0;
  CellType cell = CellType::T1R1;
  double wireResistance = 0; ///< ohms per cell-to-cell segment
  int64_t rowsInParallel = 0;
  int64_t weightBits = 8; ///< stored weight precision
  SignedWeightScheme signedWeights = SignedWeightScheme::DifferentialColumns;
  /// Devices wired in parallel at each cell position (each with its access
  /// device), all programmed to the cell's level: a read sums their
  /// currents, so the cell conducts devicesPerCell x one device's
  /// conductance while each device's errors are its own.
  int64_t devicesPerCell = 1;
  /// Reads per row group and input cycle: 1 (one-phase: signed inputs and
  /// G+/G- subtract on the bit line, one bipolar conversion), or 4
  /// (four-phase, differential rows only: one voltage polarity, each input
  /// sign on each weight polarity read and converted on its own, the signs
  /// applied digitally; Le Gallo et al., Nature Electronics 2023).
  int64_t readPhases = 1;

  /// The device grid the mapper fills: `rows` x `cols` count cells, and a
  /// 2T2R cell is a differential pair whose two devices sit on two bit lines
  /// (differential columns) or two word lines (differential rows), so its
  /// array has twice the lines in that direction.  Every other cell holds
  /// one device.
  int64_t deviceRows() const {
    return cell == CellType::T2R2 &&
                   signedWeights == SignedWeightScheme::DifferentialRows
               ? 2 * rows
               : rows;
  }
  int64_t deviceCols() const {
    return cell == CellType::T2R2 &&
                   signedWeights == SignedWeightScheme::DifferentialColumns
               ? 2 * cols
               : cols;
  }
  /// `rows_in_parallel` counts cell rows; on the device grid a 2T2R pair
  /// of rows is read together.
  int64_t deviceRowsInParallel() const {
    return rowsInParallel * (deviceRows() / rows);
  }
  /// Row groups per input cycle: ceil(rows / rows_in_parallel).
  int64_t rowGroups() const {
    const int64_t perRead = std::max<int64_t>(rowsInParallel, 1);
    return (rows + perRead - 1) / perRead;
  }
  /// Reads (and conversions per column) per input cycle: each row group in
  /// each phase.
  int64_t readsPerCycle() const { return rowGroups() * readPhases; }
};

struct Periphery {
  AdcType adcType = AdcType::SAR;
  int64_t adcBits = 0;
  int64_t columnsPerAdc = 1;
  /// A digital gain and offset correction per column after the ADC.
  bool adcColumnCorrection = false;
  InputEncoding inputEncoding = InputEncoding::BitSerial;
  int64_t inputBits = 8;
  int64_t dacBits = 1;
  bool shiftAdd = true;
  bool senseAmplifiers = false;
  /// Each column's sample-and-hold latches the read, so the next read
  /// overlaps the conversions of the held values.
  bool sampleAndHold = false;
  ReadCircuit readCircuit = ReadCircuit::Current;
  RunningSums runningSums = RunningSums::Column;

  /// Input cycles per MVM: ceil(inputBits / dacBits) for bit-serial input,
  /// one for PWM and amplitude encoding.
  int64_t inputCycles() const;
};

struct Core {
  int64_t arrays = 0;
  double bufferBytes = 0;
  MemoryKind bufferKind = MemoryKind::SRAM;
  int64_t bufferPortBits = 128; ///< bits the buffer reads or writes per clock
  /// The core overlaps buffer traffic, array reads, SFU work and transfers
  /// (double-buffered); otherwise each stage waits for them in turn.
  bool doubleBuffered = true;
  /// A core holds the arrays of one copy of one layer only (DNN+NeuroSim's
  /// tiles); replication spends whole cores.
  bool oneLayerCopy = false;
  /// Arrays whose partial sums one adder tree adds in one pass: the core's
  /// arrays form ceil(arrays / N) groups along the input dimension, each
  /// with an N-input tree per ADC lane.  1: no tree; every partial sum of
  /// another array is added into the home array's accumulator in turn.
  int64_t adderTreeInputs = 1;
  bool sfuActivation = true, sfuPooling = true, sfuElementwise = true;
  int64_t sfuLanes = 32; ///< elements per clock cycle
  /// The digital MAC array that multiplies two activations (attention's
  /// Q K^T and weights x V): multiply-accumulates per clock cycle; 0 = the
  /// core has none and such products run on the host.
  int64_t macsPerClock = 0;
  int64_t macBits = 8; ///< operand bits of one multiplier
  MacNumberFormat macNumberFormat = MacNumberFormat::Int;
};

struct Interconnect {
  Topology topology = Topology::Mesh;
  int64_t width = 0, height = 0; ///< mesh dimensions (cores)
  double linkBandwidth = 0;      ///< bits per second
  double hopLatency = 0;         ///< seconds
  double energyPerBitHop = 0;    ///< joules
};

/// Chip-to-chip links (SerDes such as HyperTransport) on the die.  Their
/// transceivers stay clocked and terminated whether or not data flows, so
/// they draw their power at any activity (ISAAC: "a constant overhead").
struct OffChipLinks {
  int64_t count = 0;
  double power = 0; ///< watts, each link
  double area = 0;  ///< m^2, each link
};

struct Chip {
  int64_t cores = 0;
  double globalBufferBytes = 0;
  MemoryKind globalBufferKind = MemoryKind::SRAM;
  Interconnect interconnect;
  OffChipLinks offChipLinks;
};

/// Optional per-component figures that replace the PPA model's defaults.
struct CostOverrides {
  std::optional<double> cellAreaF2;     ///< cell area in units of F^2
  /// Cell width (along the word line) over height (along the bit line).
  std::optional<double> cellAspectRatio;
  std::optional<double> adcEnergy;      ///< joules per conversion
  std::optional<double> adcArea;        ///< square metres per ADC
  std::optional<double> adcLatency;     ///< seconds per conversion
  std::optional<double> dacEnergy;      ///< joules per driven row per cycle
  std::optional<double> bufferEnergyPerBit; ///< joules
  std::optional<double> sfuEnergyPerOp;     ///< joules
  std::optional<double> macEnergy;          ///< joules per digital MAC
  std::optional<double> routerArea;         ///< square metres per router
  /// Watts the whole chip draws when idle (leakage, bias currents).
  std::optional<double> staticPower;
  /// Seconds a read cell's current flows, for its energy (default: the
  /// device's read pulse).
  std::optional<double> cellCurrentTime;
};

/// How a neuron's potential returns after it spikes: by subtracting the
/// threshold (the charge above it is kept; what rate-coded conversion needs)
/// or to zero.
enum class NeuronReset { Subtract, Zero };
/// Where a neuron's constant input (a converted layer's bias) comes from: a
/// signed leak the neuron adds every timestep (TrueNorth's leak, Loihi's
/// bias), or an always-spiking axon whose synapses hold it (one axon of
/// each core and one synaptic event per neuron and timestep).
enum class BiasSource { Leak, Axon };

/// One neuromorphic core: a crossbar of `axons` inputs x `neurons`
/// integrate-and-fire neurons with integer state.
struct NeuromorphicCore {
  int64_t axons = 0;   ///< input lines (axons) per core
  int64_t neurons = 0; ///< neurons per core
  /// Signed weight code one synapse holds: 1 = +-1 (binary), b >= 2 =
  /// integers in +-(2^(b-1) - 1) (2 = ternary).
  int64_t synapseBits = 8;
  /// Axons one input needs: 2 where a synapse is a connection bit and the
  /// sign comes from the axon's type (TrueNorth: an excitatory and an
  /// inhibitory axon per input).
  int64_t axonsPerInput = 1;
  /// Bits of a per-neuron integer weight multiplier (TrueNorth's signed
  /// 9-bit weight per axon type: 8); 0 = none.
  int64_t gainBits = 0;
  /// Signed membrane potential register width; the potential saturates.
  int64_t potentialBits = 20;
  /// Fraction of the potential lost every timestep (leaky
  /// integrate-and-fire); 0: integrate-and-fire.
  double decay = 0;
  NeuronReset reset = NeuronReset::Subtract;
  BiasSource bias = BiasSource::Leak;
  /// A layer with more inputs than `axons` may be split over cores whose
  /// partial potentials the destination neuron adds in the same timestep
  /// (Loihi's multi-compartment dendritic join); otherwise such a layer is
  /// an error.
  bool partialSums = true;
};

/// Energy and area of a neuromorphic chip, per event.
struct SpikeCosts {
  double synapticEvent = 0; ///< joules per synaptic operation (one spike
                            ///< through one synapse)
  double spikeHop = 0;      ///< joules per spike per mesh hop
  double neuronUpdate = 0;  ///< joules per neuron per timestep
  double staticPower = 0;   ///< watts, whole chip
  double coreArea = 0;      ///< square metres per core
};

/// A spiking (neuromorphic) chip: `cores` cores on `chip.interconnect`'s
/// mesh, stepped every `timestep`.  The crossbar sections (array,
/// periphery, core) do not apply; `device` does when the synapses are
/// memristive (its kind is not sram), for their programming error,
/// faults and drift.
struct Neuromorphic {
  int64_t cores = 0;
  NeuromorphicCore core;
  double timestep = 0; ///< seconds per algorithmic timestep
  SpikeCosts costs;
  /// The description has a device section: the synapses are devices whose
  /// statistics (programming error, faults, drift) `TargetChip::device`
  /// holds.  Without one they are digital and ideal (device.kind reads
  /// sram).
  bool deviceSynapses = false;
};

struct TargetChip {
  int64_t formatVersion = 1;
  std::string name;
  std::string description;
  Technology technology;
  Device device;
  Array array;
  Periphery periphery;
  Core core;
  Chip chip;
  CostOverrides costs;
  /// Present for a spiking chip (the `neuromorphic:` section).
  std::optional<Neuromorphic> neuromorphic;
};

llvm::StringRef toString(DeviceKind kind);
llvm::StringRef toString(CellType cell);
llvm::StringRef toString(SignedWeightScheme scheme);
llvm::StringRef toString(ProgrammingScheme scheme);
llvm::StringRef toString(AdcType type);
llvm::StringRef toString(ReadCircuit circuit);
llvm::StringRef toString(RunningSums sums);
llvm::StringRef toString(InputEncoding encoding);
llvm::StringRef toString(Topology topology);
llvm::StringRef toString(NeuronReset reset);
llvm::StringRef toString(BiasSource source);

/// Width of a full-precision partial sum of `rows`-row arrays: 1 +
/// ceil(log2 rows) + weight bits + input bits (the adders and registers
/// that combine and accumulate hold it; a core writes results at it).
int64_t accumulatorBits(int64_t rows, int64_t weightBits, int64_t inputBits);
/// The same for the chip's own arrays (device rows) and precision.
int64_t accumulatorBits(const TargetChip &chip);
/// Seconds per ADC conversion: `costs.adc_latency`, else one clock period.
double conversionTime(const TargetChip &chip);
/// How a read and the conversions of its columns share time.
enum class ReadoutOverlap {
  /// The read pulse, then the converters work through the columns.
  Sequential,
  /// Sample-and-holds (periphery.sample_and_hold) latch the read, and the
  /// next read overlaps the conversions of the held values.
  SampleAndHold,
  /// The converters sense the column current while the rows are driven (a
  /// current-sense converter): the rows stay driven until the last column
  /// is sensed.
  SensedInRead,
};
ReadoutOverlap readoutOverlap(const TargetChip &chip);
/// Seconds one read takes in a stream of reads: its pulse, then the
/// `conversions` seconds its converters work through the columns; the
/// longer of the two when they overlap.
double readCycleTime(double readPulse, double conversions,
                     ReadoutOverlap overlap);
/// Seconds the last read's readout lags a stream of reads: with
/// sample-and-holds the pipeline's fill, the shorter of the two; else 0.
double readoutFill(double readPulse, double conversions,
                   ReadoutOverlap overlap);
/// Converters (ADCs or sense amplifiers) per array: one per
/// `columns_per_adc` bit lines of the device grid (a 2T2R cell has two).
int64_t adcsPerArray(const TargetChip &chip);

} // namespace nncc::target

#endif // NNCC_TARGET_TARGETCHIP_H
