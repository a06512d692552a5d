//===- TargetSummary.cpp - Derived figures of a chip description ----------===//
#include "nncc/Target/TargetSummary.h"

#include "nncc/Target/Units.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace nncc::target;

llvm::StringRef nncc::target::toString(DeviceKind kind) {
  switch (kind) {
  case DeviceKind::RRAM: return "rram";
  case DeviceKind::PCM: return "pcm";
  case DeviceKind::FeFET: return "fefet";
  case DeviceKind::Flash: return "flash";
  case DeviceKind::SRAM: return "sram";
  case DeviceKind::MRAM: return "mram";
  case DeviceKind::ECRAM: return "ecram";
  }
  return "";
}
llvm::StringRef nncc::target::toString(CellType cell) {
  switch (cell) {
  case CellType::R1: return "1R";
  case CellType::T1R1: return "1T1R";
  case CellType::T2R2: return "2T2R";
  case CellType::T1: return "1T";
  case CellType::SRAM6T: return "6T";
  case CellType::SRAM8T: return "8T";
  }
  return "";
}
llvm::StringRef nncc::target::toString(SignedWeightScheme scheme) {
  switch (scheme) {
  case SignedWeightScheme::DifferentialColumns: return "differential-columns";
  case SignedWeightScheme::DifferentialRows: return "differential-rows";
  case SignedWeightScheme::OffsetReference: return "offset-reference";
  }
  return "";
}
llvm::StringRef nncc::target::toString(ProgrammingScheme scheme) {
  return scheme == ProgrammingScheme::WriteVerify ? "write-verify"
                                                  : "single-pulse";
}
llvm::StringRef nncc::target::toString(AdcType type) {
  switch (type) {
  case AdcType::SAR: return "sar";
  case AdcType::Flash: return "flash";
  case AdcType::Integrating: return "integrating";
  case AdcType::CurrentSense: return "current-sense";
  case AdcType::CCO: return "cco";
  }
  return "";
}
llvm::StringRef nncc::target::toString(RunningSums sums) {
  return sums == RunningSums::Weight ? "weight" : "column";
}
llvm::StringRef nncc::target::toString(ReadCircuit circuit) {
  return circuit == ReadCircuit::Voltage ? "voltage" : "current";
}
llvm::StringRef nncc::target::toString(InputEncoding encoding) {
  switch (encoding) {
  case InputEncoding::BitSerial: return "bit-serial";
  case InputEncoding::PWM: return "pwm";
  case InputEncoding::Amplitude: return "amplitude";
  }
  return "";
}
llvm::StringRef nncc::target::toString(Topology topology) {
  return topology == Topology::Mesh ? "mesh" : "bus";
}
llvm::StringRef nncc::target::toString(NeuronReset reset) {
  return reset == NeuronReset::Subtract ? "subtract" : "zero";
}
llvm::StringRef nncc::target::toString(BiasSource source) {
  return source == BiasSource::Leak ? "leak" : "axon";
}

TargetFigures nncc::target::computeFigures(const TargetChip &chip,
                                           int64_t weightBits) {
  TargetFigures f;
  const Array &a = chip.array;
  f.arrays = chip.chip.cores * chip.core.arrays;
  f.cellsPerArray = a.rows * a.cols;
  f.totalCells = f.arrays * f.cellsPerArray;
  f.weightBits = weightBits;

  // Differential schemes store |w| (weightBits - 1 magnitude bits) on each
  // polarity; the offset scheme stores w + 2^(weightBits-1) unsigned.
  int64_t b = chip.device.bitsPerCell();
  bool differential = a.signedWeights != SignedWeightScheme::OffsetReference;
  int64_t storedBits = differential ? weightBits - 1 : weightBits;
  f.slicesPerWeight = (storedBits + b - 1) / b;
  // Counted on the device grid, where a 2T2R cell's pair is two lines.
  int64_t polarityCopies = differential ? 2 : 1;
  int64_t weightRows = a.deviceRows(), weightCols = a.deviceCols();
  switch (a.signedWeights) {
  case SignedWeightScheme::DifferentialColumns:
    weightCols = weightCols / (f.slicesPerWeight * polarityCopies);
    break;
  case SignedWeightScheme::DifferentialRows:
    weightRows = weightRows / polarityCopies;
    weightCols = weightCols / f.slicesPerWeight;
    break;
  case SignedWeightScheme::OffsetReference:
    weightCols = (weightCols - 1) / f.slicesPerWeight; // reference column
    break;
  }
  f.weightColumnsPerArray = weightCols;
  f.weightsPerArray = weightRows * weightCols;
  f.weightCapacity = f.arrays * f.weightsPerArray;

  // One MVM: every row group in each read phase, every input cycle: a
  // read pulse, then the ADC converts its multiplexed columns one after
  // another.  With sample-and-holds the next read overlaps the
  // conversions: a stream of MVMs takes the longer of the two per read, and
  // one MVM alone adds the pipeline's fill.  A current-sense converter
  // senses during the read, which lasts the longer of the two.
  const Periphery &p = chip.periphery;
  const double read = chip.device.readPulse,
               convert = p.columnsPerAdc * conversionTime(chip);
  const double reads = static_cast<double>(a.readsPerCycle() * p.inputCycles());
  const ReadoutOverlap overlap = readoutOverlap(chip);
  const double streamed = reads * readCycleTime(read, convert, overlap);
  f.mvmTime = streamed + readoutFill(read, convert, overlap);
  f.peakMacsPerSecond =
      static_cast<double>(f.arrays) * f.weightsPerArray / streamed;
  return f;
}

SpikingFigures nncc::target::computeSpikingFigures(const TargetChip &chip) {
  const Neuromorphic &n = *chip.neuromorphic;
  SpikingFigures f;
  f.neurons = n.cores * n.core.neurons;
  f.synapses = f.neurons * n.core.axons;
  f.inputsPerCore = n.core.axons / std::max<int64_t>(n.core.axonsPerInput, 1);
  f.peakSops = static_cast<double>(f.synapses) / n.timestep;
  f.peakPower = n.costs.staticPower + n.costs.synapticEvent * f.peakSops +
                n.costs.neuronUpdate * static_cast<double>(f.neurons) /
                    n.timestep;
  f.energyPerSopAtPeak = f.peakPower / f.peakSops;
  f.area = static_cast<double>(n.cores) * n.costs.coreArea;
  return f;
}

namespace {

/// The synapse codes one synapse holds: "+-1" or "-3..3".
std::string synapseCodes(int64_t bits) {
  if (bits <= 1)
    return "+-1";
  int64_t top = (int64_t{1} << (bits - 1)) - 1;
  return "-" + std::to_string(top) + ".." + std::to_string(top);
}

void printSpikingTarget(const TargetChip &chip, llvm::raw_ostream &os) {
  const Neuromorphic &n = *chip.neuromorphic;
  const NeuromorphicCore &c = n.core;
  const Interconnect &noc = chip.chip.interconnect;
  SpikingFigures f = computeSpikingFigures(chip);
  os << "neuromorphic: " << n.cores << " cores, mesh " << noc.width << "x"
     << noc.height << ", timestep "
     << formatQuantity(n.timestep, Dimension::Time) << '\n';
  os << "core: " << c.axons << " axons x " << c.neurons << " neurons, "
     << c.synapseBits << "-bit synapses (codes " << synapseCodes(c.synapseBits)
     << "), " << c.axonsPerInput << (c.axonsPerInput == 1 ? " axon" : " axons")
     << " per input (" << f.inputsPerCore << " inputs)";
  if (c.gainBits > 0)
    os << ", " << c.gainBits << "-bit neuron gain";
  os << '\n';
  if (c.decay > 0)
    os << "neurons: leaky integrate-and-fire (decay "
       << llvm::formatv("{0:g}", c.decay) << " per timestep), "
       << c.potentialBits;
  else
    os << "neurons: integrate-and-fire, " << c.potentialBits;
  os << "-bit potential, reset by "
     << (c.reset == NeuronReset::Subtract ? "subtraction" : "zeroing")
     << ", bias as " << toString(c.bias) << ", partial sums "
     << (c.partialSums ? "across cores" : "not supported") << '\n';
  if (!n.deviceSynapses)
    os << "synapses: digital (no device section)\n";
  else
    os << "synapses: " << toString(chip.device.kind) << ", "
       << chip.device.levels << " levels, programming sigma "
       << llvm::format("%g", chip.device.statistics.programmingSigma)
       << ", stuck-at on/off "
       << llvm::format("%g", chip.device.statistics.stuckAtOn) << "/"
       << llvm::format("%g", chip.device.statistics.stuckAtOff)
       << ", drift nu "
       << llvm::format("%g", chip.device.statistics.drift.nuMean) << '\n';
  os << "chip: " << n.cores << " cores, " << f.neurons << " neurons, "
     << f.synapses << " synapses, area "
     << formatQuantity(f.area, Dimension::Area) << '\n';
  os << "costs: " << formatQuantity(n.costs.synapticEvent, Dimension::Energy)
     << " per synaptic event, "
     << formatQuantity(n.costs.spikeHop, Dimension::Energy)
     << " per spike hop, "
     << formatQuantity(n.costs.neuronUpdate, Dimension::Energy)
     << " per neuron update, "
     << formatQuantity(n.costs.staticPower, Dimension::Power) << " static\n";
  os << llvm::format("peak SOPS: %.4g (one spike per axon per timestep)\n",
                     f.peakSops);
  os << "at peak: " << formatQuantity(f.peakPower, Dimension::Power) << ", "
     << formatQuantity(f.energyPerSopAtPeak, Dimension::Energy) << "/SOP"
     << llvm::format(" (%.4g GSOPS/W, without routing)\n",
                     1e-9 / f.energyPerSopAtPeak);
}

} // namespace

void nncc::target::printTarget(const TargetChip &chip, llvm::raw_ostream &os) {
  if (chip.neuromorphic) {
    os << "target: " << chip.name << '\n';
    if (!chip.description.empty())
      os << "  " << chip.description << '\n';
    os << "technology: "
       << formatQuantity(chip.technology.node, Dimension::Length) << ", "
       << formatQuantity(chip.technology.vdd, Dimension::Voltage) << ", "
       << formatQuantity(chip.technology.clock, Dimension::Frequency) << '\n';
    printSpikingTarget(chip, os);
    return;
  }
  TargetFigures f = computeFigures(chip, chip.array.weightBits);
  const Device &d = chip.device;
  const Array &a = chip.array;
  const Periphery &p = chip.periphery;
  const Interconnect &noc = chip.chip.interconnect;
  os << "target: " << chip.name << '\n';
  if (!chip.description.empty())
    os << "  " << chip.description << '\n';
  os << "technology: " << formatQuantity(chip.technology.node, Dimension::Length)
     << ", " << formatQuantity(chip.technology.vdd, Dimension::Voltage) << ", "
     << formatQuantity(chip.technology.clock, Dimension::Frequency) << '\n';
  os << "device: " << toString(d.kind) << ", " << d.levels << " levels ("
     << d.bitsPerCell() << " bit/cell), g "
     << formatQuantity(d.gMin, Dimension::Conductance) << " .. "
     << formatQuantity(d.gMax, Dimension::Conductance);
  if (d.gMin > 0)
    os << llvm::format(" (on/off %g)", d.gMax / d.gMin);
  os << '\n';
  os << "array: " << a.rows << "x" << a.cols << " " << toString(a.cell) << ", "
     << a.rowsInParallel << " rows in parallel, " << toString(a.signedWeights);
  if (a.devicesPerCell > 1)
    os << ", " << a.devicesPerCell << " devices per cell";
  if (a.readPhases > 1)
    os << ", four-phase reads";
  os << '\n';
  os << "periphery: " << p.adcBits << "-bit " << toString(p.adcType)
     << " ADC per " << p.columnsPerAdc << " columns";
  // Voltage sensing is said; current mode, every bundled converter's
  // default, is not.
  if (p.readCircuit == ReadCircuit::Voltage)
    os << " (voltage-mode read)";
  if (p.sampleAndHold)
    os << " behind sample-and-holds";
  if (p.runningSums == RunningSums::Weight)
    os << ", running sums per weight";
  os << "; " << p.inputBits << "-bit " << toString(p.inputEncoding)
     << " input, " << p.dacBits << "-bit DAC (" << p.inputCycles()
     << " cycles)\n";
  os << "chip: " << chip.chip.cores << " cores x " << chip.core.arrays
     << " arrays = " << f.arrays << " arrays, " << toString(noc.topology);
  if (noc.topology == Topology::Mesh)
    os << " " << noc.width << "x" << noc.height;
  const OffChipLinks &links = chip.chip.offChipLinks;
  if (links.count > 0)
    os << ", " << links.count << " off-chip links of "
       << formatQuantity(links.power, Dimension::Power) << " and "
       << formatQuantity(links.area, Dimension::Area);
  os << '\n';
  os << "cells: " << f.cellsPerArray << " per array, " << f.totalCells
     << " total\n";
  os << "weight capacity (" << f.weightBits << "-bit weights): "
     << f.weightCapacity << " (" << f.weightsPerArray << " per array, "
     << f.slicesPerWeight << " slices per polarity)\n";
  os << "MVM time: " << formatQuantity(f.mvmTime, Dimension::Time) << '\n';
  os << llvm::format("peak MAC/s: %.4g\n", f.peakMacsPerSecond);
}

int64_t nncc::target::accumulatorBits(int64_t rows, int64_t weightBits,
                                      int64_t inputBits) {
  return 1 +
         static_cast<int64_t>(
             std::ceil(std::log2(static_cast<double>(std::max<int64_t>(rows, 1))))) +
         weightBits + inputBits;
}

int64_t nncc::target::accumulatorBits(const TargetChip &chip) {
  return accumulatorBits(chip.array.deviceRows(), chip.array.weightBits,
                         chip.periphery.inputBits);
}

double nncc::target::conversionTime(const TargetChip &chip) {
  return chip.costs.adcLatency.value_or(1.0 / chip.technology.clock);
}

ReadoutOverlap nncc::target::readoutOverlap(const TargetChip &chip) {
  const Periphery &p = chip.periphery;
  if (p.sampleAndHold)
    return ReadoutOverlap::SampleAndHold;
  // A current-sense converter compares the column current with its
  // references while the current flows (NeuroSim's synchronous read is its
  // sensing clocks alone, SubArray.cpp readLatencyADC); a sampling or
  // integrating converter, and any voltage-mode read, takes the pulse's
  // result after it.
  if (p.adcType == AdcType::CurrentSense)
    return ReadoutOverlap::SensedInRead;
  return ReadoutOverlap::Sequential;
}

double nncc::target::readCycleTime(double readPulse, double conversions,
                                   ReadoutOverlap overlap) {
  return overlap == ReadoutOverlap::Sequential
             ? readPulse + conversions
             : std::max(readPulse, conversions);
}

double nncc::target::readoutFill(double readPulse, double conversions,
                                 ReadoutOverlap overlap) {
  return overlap == ReadoutOverlap::SampleAndHold
             ? std::min(readPulse, conversions)
             : 0.0;
}

int64_t nncc::target::adcsPerArray(const TargetChip &chip) {
  const int64_t perAdc = std::max<int64_t>(chip.periphery.columnsPerAdc, 1);
  return (chip.array.deviceCols() + perAdc - 1) / perAdc;
}
