//===- TargetSchema.cpp - Every field of the chip description -------------===//
//
// Defaults that no paper fixes are assumptions; their doc strings say so and
// where the value comes from (see ../shared/reference/ notes and
// docs/target-format.md).
//
//===----------------------------------------------------------------------===//
#include "nncc/Target/TargetSchema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"

#include <cmath>

using namespace nncc::target;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

FieldSpec integer(llvm::StringLiteral path, Presence presence,
                  llvm::StringLiteral dflt, double min, double max,
                  llvm::StringLiteral doc) {
  return FieldSpec{path, FieldKind::Integer, presence, dflt, min, max, false,
                   Dimension::Length, "", doc};
}
FieldSpec real(llvm::StringLiteral path, Presence presence,
               llvm::StringLiteral dflt, double min, double max,
               llvm::StringLiteral doc, bool minExclusive = false) {
  return FieldSpec{path, FieldKind::Real, presence, dflt, min, max,
                   minExclusive, Dimension::Length, "", doc};
}
FieldSpec quantity(llvm::StringLiteral path, Dimension dimension,
                   Presence presence, llvm::StringLiteral dflt, double min,
                   double max, llvm::StringLiteral doc,
                   bool minExclusive = false) {
  return FieldSpec{path, FieldKind::Quantity, presence, dflt, min, max,
                   minExclusive, dimension, "", doc};
}
FieldSpec enumeration(llvm::StringLiteral path, llvm::StringLiteral values,
                      Presence presence, llvm::StringLiteral dflt,
                      llvm::StringLiteral doc) {
  return FieldSpec{path, FieldKind::Enum, presence, dflt, -kInf, kInf, false,
                   Dimension::Length, values, doc};
}
FieldSpec boolean(llvm::StringLiteral path, llvm::StringLiteral dflt,
                  llvm::StringLiteral doc) {
  return FieldSpec{path, FieldKind::Bool, Presence::Defaulted, dflt, -kInf,
                   kInf, false, Dimension::Length, "", doc};
}
FieldSpec string(llvm::StringLiteral path, Presence presence,
                 llvm::StringLiteral doc) {
  return FieldSpec{path, FieldKind::String, presence, "", -kInf, kInf, false,
                   Dimension::Length, "", doc};
}

constexpr Presence Req = Presence::Required;
constexpr Presence Def = Presence::Defaulted;
constexpr Presence Opt = Presence::Optional;

const std::vector<FieldSpec> &schema() {
  static const std::vector<FieldSpec> fields = {
      integer("nncc_target", Req, "", 1, 1,
              "Format version of this file; must be 1."),
      string("name", Req, "Short identifier of the target."),
      string("description", Opt, "Free text, e.g. the publication modelled."),

      quantity("technology.node", Dimension::Length, Req, "", 1e-9, 1e-6,
               "CMOS node: the feature size F."),
      quantity("technology.vdd", Dimension::Voltage, Req, "", 0.3, 5,
               "Supply voltage of the periphery."),
      quantity("technology.clock", Dimension::Frequency, Def, "1 GHz", 1e6,
               1e10, "Periphery clock; one ADC conversion per cycle."),

      enumeration("device.kind", "rram|pcm|fefet|flash|sram|mram|ecram", Req,
                  "", "Memory technology of the cells."),
      integer("device.levels", Opt, "", 2, 1024,
              "Conductance levels per cell. Give `levels` or "
              "`bits_per_cell`; neither means 2 (binary)."),
      integer("device.bits_per_cell", Opt, "", 1, 10,
              "Bits per cell; same as levels = 2^bits_per_cell."),
      quantity("device.g_min", Dimension::Conductance, Opt, "", 0, 1,
               "Lowest programmable conductance. The window is its top "
               "(g_max or r_on) and its bottom (g_min or on_off_ratio), one "
               "of each."),
      quantity("device.g_max", Dimension::Conductance, Opt, "", 0, 1,
               "Highest programmable conductance.", true),
      quantity("device.r_on", Dimension::Resistance, Opt, "", 1, 1e12,
               "On-state (lowest) resistance: g_max = 1 / r_on."),
      real("device.on_off_ratio", Opt, "", 1, 1e9,
           "g_max / g_min.", true),
      quantity("device.read_voltage", Dimension::Voltage, Def, "0.2 V", 0, 5,
               "Read voltage on a selected row (assumption: typical RRAM "
               "inference read).",
               true),
      quantity("device.read_pulse", Dimension::Time, Def, "10 ns", 1e-12, 1e-3,
               "Read pulse per input cycle ([ext:DNN-NS1.4]: 10 ns); the "
               "least time the rows are driven, longer while a "
               "current-sense converter senses its columns."),

      enumeration("device.programming.scheme", "write-verify|single-pulse",
                  Def, "write-verify", "How cells are programmed."),
      quantity("device.programming.amplitude_start", Dimension::Voltage, Def,
               "1 V", 0, 10, "First write-verify pulse amplitude."),
      quantity("device.programming.amplitude_step", Dimension::Voltage, Def,
               "0.05 V", 0, 5, "Amplitude increment per failed verify."),
      quantity("device.programming.amplitude_max", Dimension::Voltage, Def,
               "2 V", 0, 10,
               "Largest pulse amplitude ([ext:DNN-NS1.4]: 2 V write)."),
      quantity("device.programming.pulse_width", Dimension::Time, Def,
               "100 ns", 1e-12, 1e-3,
               "Write pulse width ([001]: ~100 ns typical).", true),
      integer("device.programming.max_iterations", Def, "20", 1, 10000,
              "Write-verify pulses per cell before the cell is reported "
              "as failing."),
      real("device.programming.tolerance", Def, "0.25", 0, 1,
           "Accepted |G - G_target| as a fraction of one level spacing.",
           true),
      quantity("device.programming.energy_per_pulse", Dimension::Energy, Def,
               "1 pJ", 0, 1e-6,
               "Energy of one write pulse ([001]: ~1 V x 10 uA x 100 ns = "
               "1 pJ)."),
      integer("device.programming.parallel_cells", Def, "1", 1, 1 << 20,
              "Cells one array programs at once (assumption: one)."),

      real("device.statistics.programming_sigma", Def, "0", 0, 1,
           "Sigma of the conductance error of one programming pulse, as a "
           "fraction of (g_max - g_min). Write-verify repeats pulses until "
           "the error is within tolerance, so the residual is this normal "
           "error truncated to the tolerance (docs/programming-schedule.md)."),
      boolean("device.statistics.programming_sigma_relative", "false",
              "Read programming_sigma as a fraction of the target "
              "conductance instead."),
      FieldSpec{"device.statistics.programming_sigma_per_level",
                FieldKind::RealList, Opt, "", 0, 1, false, Dimension::Length,
                "",
                "Per-level sigma (one entry per level, lowest first); "
                "overrides programming_sigma."},
      FieldSpec{"device.statistics.programming_sigma_polynomial",
                FieldKind::RealList, Opt, "", -1, 1, false, Dimension::Length,
                "",
                "Sigma as a polynomial in the target level's place in the "
                "window, [c0, c1, ...]: sigma = c0 + c1 x + c2 x^2 + ..., "
                "x = (G - g_min) / (g_max - g_min), read as programming_sigma "
                "is; gives one sigma per level in place of "
                "programming_sigma_per_level (aihwkit's PCM model writes its "
                "programming noise this way)."},
      real("device.statistics.device_to_device_sigma", Def, "0", 0, 1,
           "Device-to-device variation sigma, fraction of (g_max - g_min)."),
      real("device.statistics.read_noise_sigma", Def, "0", 0, 1,
           "Read-noise sigma per MVM, fraction of the read conductance."),
      real("device.statistics.drift.nu_mean", Def, "0", 0, 1,
           "Mean drift exponent: G(t) = G0 (t / t0)^-nu."),
      real("device.statistics.drift.nu_sigma", Def, "0", 0, 1,
           "Device-to-device sigma of nu."),
      quantity("device.statistics.drift.t0", Dimension::Time, Def, "1 s", 0,
               1e9, "Drift reference time after programming.", true),
      real("device.statistics.stuck_at_on", Def, "0", 0, 1,
           "Probability that a cell is stuck at g_max."),
      real("device.statistics.stuck_at_off", Def, "0", 0, 1,
           "Probability that a cell is stuck at g_min."),
      real("device.statistics.endurance", Def, "1e6", 1, 1e18,
           "Write cycles a cell survives."),
      quantity("device.statistics.retention", Dimension::Time, Def, "10 y", 0,
               1e12, "Data retention.", true),

      integer("array.rows", Req, "", 1, 65536,
              "Cell rows per array (word lines; a 2T2R cell with "
              "differential rows spans two)."),
      integer("array.cols", Req, "", 1, 65536,
              "Cell columns per array (bit lines; a 2T2R cell with "
              "differential columns spans two)."),
      enumeration("array.cell", "1R|1T1R|2T2R|1T|6T|8T", Req, "",
                  "Cell structure (1T: FeFET or flash transistor; 6T/8T: "
                  "SRAM)."),
      quantity("array.wire_resistance", Dimension::Resistance, Def, "0 Ohm",
               0, 1e6,
               "Wire resistance of one cell-to-cell segment; 0 disables IR "
               "drop."),
      integer("array.rows_in_parallel", Opt, "", 1, 65536,
              "Rows read at once (default: all rows)."),
      // Signed weights need a sign and at least one magnitude bit, as the
      // quantizer requires (--weight-bits in [2, 16]).
      integer("array.weight_bits", Def, "8", 2, 16,
              "Weight precision the chip is designed for; a weight spans "
              "ceil(weight_bits / bits_per_cell) cells (nncc compile "
              "--weight-bits overrides)."),
      enumeration("array.signed_weights",
                  "differential-columns|differential-rows|offset-reference",
                  Def, "differential-columns",
                  "How signed weights are stored: G+/G- column pairs, row "
                  "pairs, or an offset with a reference column."),
      enumeration("array.read_mode", "one-phase|four-phase", Def,
                  "one-phase",
                  "How differential rows are read: one-phase (signed inputs "
                  "on G+ and G- rows at once, the pair subtracting on the "
                  "bit line, one bipolar conversion per read) or "
                  "four-phase (one voltage polarity: positive inputs on G+, "
                  "positive on G-, negative on G+, negative on G-, each "
                  "converted over the ADC's full unipolar range and "
                  "combined with its sign digitally; four reads' time and "
                  "conversions for one more bit of each; IBM HERMES, Le "
                  "Gallo et al., Nature Electronics 2023). four-phase needs "
                  "signed_weights: differential-rows, periphery.shift_add "
                  "(the adder of the parts) and a current-mode "
                  "read_circuit."),
      integer("array.devices_per_cell", Def, "1", 1, 64,
              "Devices wired in parallel at each cell position (with their "
              "access devices), all programmed to the cell's level, so a "
              "read sums their currents and each device's programming "
              "error, drift, stuck-at fault and read noise is its own "
              "(multi-device cells: Boybat et al., Nature Communications "
              "2018; IBM's HERMES chip uses two PCM devices per polarity); "
              "the cell is that many devices wide. SRAM cells take 1."),

      enumeration("periphery.adc.type",
                  "sar|flash|integrating|current-sense|cco", Def, "sar",
                  "ADC architecture. sar, flash and integrating converters "
                  "take the column charge integrated over the read pulse; "
                  "current-sense (DNN+NeuroSim's multi-level sense "
                  "amplifier) compares the column current with 2^bits - 1 "
                  "references, and the column conducts only while it is "
                  "sensed (one conversion time); cco (HERMES-Core's "
                  "current-controlled oscillator) counts the cycles of an "
                  "oscillator the column current drives for the read pulse, "
                  "so its energy follows the count (docs/ppa-model.md)."),
      integer("periphery.adc.bits", Req, "", 1, 16, "ADC resolution."),
      integer("periphery.adc.columns_per_adc", Def, "1", 1, 65536,
              "Columns multiplexed onto one ADC."),
      boolean("periphery.adc.column_correction", "false",
              "Each column's conversions pass a digital gain and offset "
              "correction, fitted after programming on the calibration "
              "inputs (least squares of the ideal column currents on the "
              "converted ones); costs one digital multiply-add per "
              "conversion."),
      enumeration("periphery.input.encoding", "bit-serial|pwm|amplitude", Def,
                  "bit-serial", "How activations drive the word lines."),
      integer("periphery.input.bits", Def, "8", 1, 16,
              "Activation bits per input."),
      integer("periphery.input.dac_bits", Opt, "", 1, 16,
              "Bits applied per input cycle (default: 1 for bit-serial, "
              "input.bits otherwise)."),
      boolean("periphery.shift_add", "true",
              "Digital shift-and-add combines input cycles and weight "
              "slices."),
      boolean("periphery.sense_amplifiers", "false",
              "Columns are read by sense amplifiers (binary readout) "
              "instead of ADCs."),
      boolean("periphery.sample_and_hold", "false",
              "Each column's sample-and-hold latches its value at the end "
              "of the read pulse, and the array reads the next input cycle "
              "or row group while the converters work through the held "
              "values (ISAAC, ISCA 2016, Sec. V): an input cycle takes the "
              "longer of the read pulse and the conversions, not their "
              "sum. Needs a converter that takes a held voltage (sar, "
              "flash or integrating)."),
      enumeration("periphery.read_circuit", "current|voltage", Def, "current",
                  "How a column is read. current: the bit line is held at "
                  "device.read_voltage and the converter takes the current "
                  "of the selected cells (for the read pulse, or one "
                  "conversion time with current-sense). voltage: the bit "
                  "line is precharged to device.read_voltage and the "
                  "selected cells discharge it for the sensing window "
                  "(costs.cell_current_time, default the read pulse); the "
                  "sense amplifier or a sar/flash/integrating converter "
                  "reads the voltage left, and the read costs the bit "
                  "line's recharge, not the cells' current for the whole "
                  "window (docs/ppa-model.md)."),
      enumeration("periphery.running_sums", "column|weight", Def, "column",
                  "Where the shift-and-add keeps a partial sum across input "
                  "cycles, row groups and read phases. column: a register "
                  "per physical column, adc.bits + input.bits (+ log2 "
                  "reads) wide; the weight's slices and polarities are "
                  "combined once, after its last cycle. weight: each "
                  "conversion is shifted by its slice and cycle and added, "
                  "with its sign, into one accumulator-wide register per "
                  "weight (ISAAC's shift-and-add units and output register, "
                  "ISCA 2016 Table I): fewer, wider registers, every add "
                  "accumulator-wide, nothing left to combine. Needs "
                  "shift_add."),

      integer("core.arrays", Req, "", 1, 1 << 20, "Arrays per core."),
      quantity("core.buffer", Dimension::Bytes, Def, "64 KiB", 0, 1e12,
               "Activation buffer per core."),
      integer("core.buffer_port", Def, "128", 1, 1 << 20,
              "Bits the core buffer reads or writes per clock cycle "
              "(assumption: a 128-bit SRAM macro port); sets the time of a "
              "stage's buffer traffic."),
      boolean("core.one_layer_copy", "false",
              "A core holds the arrays of one copy of one layer only, as "
              "DNN+NeuroSim maps every layer (and every duplicate) onto "
              "tiles of its own; false: layers and copies share cores. "
              "Replication then spends whole cores, time-multiplexed "
              "program groups are sized in cores, and the placer never "
              "mixes copies on a core."),
      boolean("core.double_buffered", "true",
              "The core overlaps its buffer traffic, array reads, SFU work "
              "and transfers; false: a stage takes their sum (DNN+NeuroSim "
              "adds buffer and interconnect latency to every layer's)."),
      integer("core.adder_tree_inputs", Def, "1", 1, 1 << 20,
              "Arrays whose partial sums one adder tree of the core adds in "
              "one pass: the core's arrays form ceil(arrays / N) groups "
              "stacked along the input dimension, each with an N-input "
              "tree per ADC lane (DNN+NeuroSim's PE and tile adder trees). "
              "Partial sums from other groups and other cores are added "
              "one per clock in the home array's accumulator; 1: no tree, "
              "every partial sum is added there (at most core.arrays)."),
      enumeration("core.buffer_kind", "sram|register-file", Def, "sram",
                  "How the core buffer stores bits: an SRAM macro, or "
                  "flip-flops read through a multiplexer tree (DNN+NeuroSim's "
                  "buffers); sets its area and energy per bit."),
      boolean("core.sfu.activation", "true",
              "The core's special-function unit computes activations."),
      boolean("core.sfu.pooling", "true", "... pooling."),
      boolean("core.sfu.elementwise", "true",
              "... elementwise add/mul and bias."),
      integer("core.sfu.lanes", Def, "32", 1, 1 << 16,
              "Elements the special-function unit processes per clock "
              "cycle (execution schedule timing)."),
      integer("core.mac_array.macs_per_clock", Def, "0", 0, 1 << 20,
              "Multiply-accumulates per clock cycle of the core's digital "
              "MAC array, which multiplies two activations (attention's "
              "Q K^T and its weights x V: no weights to store in the "
              "arrays); 0: the core has none and the host runs them."),
      integer("core.mac_array.bits", Def, "8", 2, 32,
              "Operand bits of the MAC array's multipliers (sets its "
              "energy and area per MAC); with number_format int, the "
              "signed integer codes both operands are quantized to."),
      enumeration("core.mac_array.number_format", "int|fp32", Def, "int",
                  "How the MAC array computes: int quantizes both operands "
                  "to bits-bit signed integers (symmetric, one scale per "
                  "operand from the compile's calibration), accumulates "
                  "exactly and rescales, which the accuracy simulation "
                  "reproduces; fp32 multiplies in single precision, the "
                  "float model's products (assumption: the PPA model still "
                  "costs a bits-bit integer multiplier)."),

      integer("chip.cores", Req, "", 1, 1 << 20, "Cores on the chip."),
      quantity("chip.global_buffer", Dimension::Bytes, Def, "0 B", 0, 1e12,
               "Chip-level buffer."),
      enumeration("chip.global_buffer_kind", "sram|register-file", Def,
                  "sram", "As core.buffer_kind, for the global buffer."),
      enumeration("chip.interconnect.topology", "mesh|bus", Def, "mesh",
                  "Network between cores."),
      integer("chip.interconnect.width", Opt, "", 1, 65536,
              "Mesh columns (default: ceil(sqrt(cores)))."),
      integer("chip.interconnect.height", Opt, "", 1, 65536,
              "Mesh rows (default: ceil(cores / width))."),
      // The minimum is one bit per cycle of the slowest clock allowed
      // (technology.clock >= 1 MHz): below it, transfer times overflow to
      // inf in the reports (issue #13: 1e-300 bit/s).
      quantity("chip.interconnect.link_bandwidth", Dimension::Bandwidth, Def,
               "128 Gbit/s", 1e6, 1e15,
               "Bandwidth of one link (assumption: 128-bit flit at 1 GHz; "
               "at least one bit per cycle of the slowest allowed clock)."),
      quantity("chip.interconnect.hop_latency", Dimension::Time, Def, "1 ns",
               0, 1e-3, "Latency per router hop (assumption: one cycle)."),
      quantity("chip.interconnect.energy_per_bit_hop", Dimension::Energy, Def,
               "0.1 pJ", 0, 1e-9,
               "Energy per bit per hop (assumption: order of on-chip NoC "
               "figures; no seed paper gives one)."),
      integer("chip.off_chip_links.count", Def, "0", 0, 1024,
              "Chip-to-chip links on the die (SerDes such as "
              "HyperTransport), costed for their constant power and their "
              "area; the data they carry is not timed (a chip's inputs "
              "and outputs cross its edge free, with links or without)."),
      quantity("chip.off_chip_links.power", Dimension::Power, Def, "0 W", 0,
               100,
               "Power of one link, drawn at any activity: a link's "
               "transceivers stay clocked and terminated whether or not "
               "data flows (ISAAC counts its HyperTransport links as "
               "\"a constant overhead\")."),
      quantity("chip.off_chip_links.area", Dimension::Area, Def, "0 mm2", 0,
               1e-3, "Area of one link's transceiver and pads."),

      real("costs.cell_area_f2", Opt, "", 1, 1e4,
           "Cell area in F^2 with one device per position (default: the "
           "PPA model's value for the cell type); array.devices_per_cell "
           "multiplies it."),
      real("costs.cell_aspect_ratio", Opt, "", 0.01, 100,
           "Cell width along the word line over its height along the bit "
           "line, with one device per position; sets the array's outline, "
           "its wire lengths and how wide the pitch-matched periphery "
           "strips grow (default: the PPA model's value for the cell type, "
           "e.g. 3 for a 12F x 4F 1T1R); devices_per_cell devices sit side "
           "by side along the word line."),
      quantity("costs.adc_energy", Dimension::Energy, Opt, "", 0, 1e-6,
               "Energy per ADC conversion."),
      quantity("costs.adc_area", Dimension::Area, Opt, "", 0, 1e-3,
               "Area per ADC."),
      quantity("costs.adc_latency", Dimension::Time, Opt, "", 0, 1e-3,
               "Latency per ADC conversion."),
      quantity("costs.dac_energy", Dimension::Energy, Opt, "", 0, 1e-6,
               "Energy per driven word line per input cycle."),
      quantity("costs.buffer_energy_per_bit", Dimension::Energy, Opt, "", 0,
               1e-9, "Buffer access energy per bit."),
      quantity("costs.sfu_energy_per_op", Dimension::Energy, Opt, "", 0, 1e-6,
               "Special-function-unit energy per operation."),
      quantity("costs.mac_energy", Dimension::Energy, Opt, "", 0, 1e-6,
               "Energy per multiply-accumulate of the digital MAC array "
               "(default: the PPA model's gate-equivalent multiplier and "
               "adder)."),
      quantity("costs.router_area", Dimension::Area, Opt, "", 0, 1e-3,
               "Area per router."),
      quantity("costs.static_power", Dimension::Power, Opt, "", 0, 1e3,
               "Power the whole chip draws idle: leakage and bias currents, "
               "without chip.off_chip_links, which add their own (default: "
               "leakage per area of periphery and digital blocks, "
               "docs/ppa-model.md)."),
      quantity("costs.cell_current_time", Dimension::Time, Opt, "", 0, 1e-3,
               "How long a read cell's current flows, for its energy "
               "(default: device.read_pulse; DNN+NeuroSim charges the column "
               "current only for its sense amplifier's ~1 ns conversion)."),

      // A spiking chip (issue #17).  Its presence replaces the crossbar
      // sections: array, periphery, core, costs, chip.cores and the global
      // buffer are errors beside it; device is optional (memristive
      // synapses); chip.interconnect is the spike mesh.
      integer("neuromorphic.cores", Req, "", 1, 1 << 20,
              "Neuromorphic cores on the chip (a spiking chip gives its core "
              "count here, not in chip.cores); they must fit "
              "chip.interconnect's mesh."),
      quantity("neuromorphic.timestep", Dimension::Time, Req, "", 0, 1,
               "Duration of one algorithmic timestep, in which every core "
               "delivers the spikes of the previous one and updates its "
               "neurons (TrueNorth's 1 kHz tick: 1 ms).",
               true),
      integer("neuromorphic.spike_bits", Def, "32", 1, 1024,
              "Bits of one spike packet on the mesh (assumption: a 32-bit "
              "address-event packet); with chip.interconnect."
              "energy_per_bit_hop it gives costs.spike_hop when that is "
              "absent."),
      integer("neuromorphic.core.axons", Req, "", 1, 65536,
              "Input lines (axons) of one core: the rows of its synapse "
              "crossbar."),
      integer("neuromorphic.core.neurons", Req, "", 1, 65536,
              "Integrate-and-fire neurons of one core: the columns of its "
              "synapse crossbar."),
      integer("neuromorphic.core.synapse_bits", Req, "", 1, 16,
              "Signed weight code one synapse holds: 1 = +-1 (binary), "
              "b >= 2 = integers in +-(2^(b-1) - 1) (2 = ternary)."),
      integer("neuromorphic.core.axons_per_input", Def, "1", 1, 4,
              "Axons one input needs: 2 where a synapse is a connection bit "
              "and the sign comes from the axon's type (TrueNorth: an "
              "excitatory and an inhibitory axon per input)."),
      integer("neuromorphic.core.gain_bits", Def, "0", 0, 16,
              "Bits of a per-neuron integer weight multiplier (TrueNorth's "
              "signed 9-bit weight per axon type: 8); 0 = none."),
      integer("neuromorphic.core.potential_bits", Def, "20", 4, 32,
              "Signed membrane potential register width; the potential "
              "saturates. Must exceed synapse_bits + gain_bits (one "
              "synaptic input fits); at most 32, the spiking program's "
              "register (docs/snn-dialect.md)."),
      real("neuromorphic.core.decay", Def, "0", 0, 1,
           "Fraction of its potential a neuron loses every timestep, "
           "before it integrates (leaky integrate-and-fire; Loihi's "
           "voltage decay); 0: integrate-and-fire, which rate-coded "
           "conversion assumes. Below 1."),
      enumeration("neuromorphic.core.reset", "subtract|zero", Def,
                  "subtract",
                  "How a neuron's potential returns after it spikes: the "
                  "threshold is subtracted (the charge above it is kept, as "
                  "rate-coded conversion needs) or it is set to zero."),
      enumeration("neuromorphic.core.bias", "leak|axon", Def, "leak",
                  "Where a neuron's constant input (a converted layer's "
                  "bias) comes from: a signed leak added every timestep, or "
                  "an always-spiking axon of each core whose synapses hold "
                  "it (one synaptic event per neuron and timestep)."),
      boolean("neuromorphic.core.partial_sums", "true",
              "A layer with more inputs than a core's axons may be split "
              "over cores whose partial potentials the destination neuron "
              "adds in the same timestep (Loihi's dendritic join); false: "
              "such a layer is an error."),
      quantity("neuromorphic.costs.synaptic_event", Dimension::Energy, Req,
               "", 0, 1e-6,
               "Marginal energy of one synaptic operation (one spike "
               "through one synapse): what one more event adds, not a "
               "chip's total energy over its events (docs/ppa-model.md, "
               "\"Spiking chips\")."),
      quantity("neuromorphic.costs.spike_hop", Dimension::Energy, Opt, "", 0,
               1e-6,
               "Energy of one spike packet crossing one mesh hop (default: "
               "spike_bits x chip.interconnect.energy_per_bit_hop)."),
      quantity("neuromorphic.costs.neuron_update", Dimension::Energy, Req, "",
               0, 1e-6,
               "Energy of one neuron's update in one timestep (leak, "
               "threshold compare, spike generation)."),
      quantity("neuromorphic.costs.static_power", Dimension::Power, Req, "",
               0, 1e3,
               "Power the whole chip draws at any activity: leakage, "
               "clock and bias."),
      quantity("neuromorphic.costs.core_area", Dimension::Area, Req, "", 0,
               1e-3, "Silicon area of one core with its router.", true),
  };
  return fields;
}

std::string formatBound(const FieldSpec &field, double v) {
  if (field.kind == FieldKind::Quantity)
    return formatQuantity(v, field.dimension);
  std::string s;
  llvm::raw_string_ostream os(s);
  if (field.kind == FieldKind::Integer)
    os << static_cast<int64_t>(v);
  else
    os << llvm::format("%g", v);
  return s;
}

} // namespace

llvm::ArrayRef<FieldSpec> nncc::target::getTargetSchema() { return schema(); }

const FieldSpec *nncc::target::lookupField(llvm::StringRef path) {
  for (const FieldSpec &f : schema())
    if (f.path == path)
      return &f;
  return nullptr;
}

bool nncc::target::isSection(llvm::StringRef path) {
  std::string prefix = (path + ".").str();
  return llvm::any_of(schema(), [&](const FieldSpec &f) {
    return f.path.starts_with(prefix);
  });
}

std::string nncc::target::describeKind(const FieldSpec &field) {
  switch (field.kind) {
  case FieldKind::Integer: return "integer";
  case FieldKind::Real: return "number";
  case FieldKind::Quantity:
    return (dimensionName(field.dimension) + " (" +
            exampleQuantity(field.dimension) + ")")
        .str();
  case FieldKind::Enum: return ("one of " + field.enumValues).str();
  case FieldKind::Bool: return "true or false";
  case FieldKind::String: return "text";
  case FieldKind::RealList: return "list of numbers";
  }
  return "";
}

std::string nncc::target::describeRange(const FieldSpec &field) {
  bool hasMin = std::isfinite(field.min), hasMax = std::isfinite(field.max);
  if (!hasMin && !hasMax)
    return "";
  if (hasMin && hasMax && field.min == field.max)
    return "= " + formatBound(field, field.min);
  std::string out = field.minExclusive ? "(" : "[";
  out += hasMin ? formatBound(field, field.min) : "-inf";
  out += ", ";
  out += hasMax ? formatBound(field, field.max) : "inf";
  out += "]";
  return out;
}

void nncc::target::printSchemaMarkdown(llvm::raw_ostream &os) {
  os << "| field | type | default | range | meaning |\n"
     << "|---|---|---|---|---|\n";
  for (const FieldSpec &f : schema()) {
    std::string dflt = f.presence == Presence::Required ? "**required**"
                       : f.presence == Presence::Optional
                           ? "—"
                           : "`" + f.defaultText.str() + "`";
    std::string kind = describeKind(f);
    for (char &c : kind)
      if (c == '|')
        c = '/';
    os << "| `" << f.path << "` | " << kind << " | " << dflt << " | "
       << describeRange(f) << " | " << f.doc << " |\n";
  }
}
