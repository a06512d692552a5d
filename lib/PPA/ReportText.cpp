//===- ReportText.cpp - report.txt ----------------------------------------===//
#include "nncc/PPA/Format.h"
#include "nncc/PPA/Report.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace nncc;
using namespace nncc::ppa;

namespace {

void row(llvm::raw_ostream &os, llvm::StringRef label, llvm::StringRef value,
         llvm::StringRef note = "") {
  os << "  " << llvm::left_justify(label, 26) << ' ' << value;
  if (!note.empty())
    os << "  (" << note << ')';
  os << '\n';
}

} // namespace

void ppa::writeReportText(const CompileReport &report, llvm::raw_ostream &os) {
  const ChipPPA &p = report.ppa;
  os << "nncc report: " << report.model << " on " << p.target << '\n';
  os << "model: " << report.parameters << " parameters, " << report.macs
     << " MACs, " << llvm::format("%.6g", p.ops) << " ops per inference\n\n";

  os << "performance\n";
  row(os, "latency", formatSI(p.latency, "s"), "one inference alone");
  row(os, "interval", formatSI(p.interval, "s"),
      p.programGroups > 1 ? "pipelined; sum over program groups"
                          : "pipelined");
  row(os, "throughput", formatSI(p.throughput(), "inferences/s"),
      p.programGroups > 1 ? "large batch, reprogramming amortized" : "");
  if (p.programGroups > 1)
    row(os, "throughput, batch 1",
        formatSI(p.throughputWithReprogramming(), "inferences/s"),
        "reprogramming " + formatSI(p.reprogrammingPerBatch, "s") +
            " per batch");
  row(os, "TOPS", llvm::formatv("{0:g4}", p.tops()).str(),
      "2 x MACs / interval");
  row(os, "TOPS/W", llvm::formatv("{0:g4}", p.topsPerWatt()).str());
  row(os, "TOPS/mm2", llvm::formatv("{0:g4}", p.topsPerMm2()).str(),
      "placed area");
  row(os, "power", formatSI(p.power(), "W"), "at full throughput");
  row(os, "energy per inference", formatSI(p.energy, "J"));
  if (p.hostOps)
    row(os, "host ops", std::to_string(p.hostOps), "off-chip, not costed");

  os << "\narea\n";
  row(os, "placed", formatMm2(p.area),
      std::to_string(p.cores) + " cores x " + formatMm2(p.coreArea) +
          " + global buffer");
  if (p.boundingBoxOverhead > 0)
    row(os, "bounding box", formatMm2(p.boundingBoxArea),
        "+" + formatMm2(p.boundingBoxOverhead) +
            " white space beside array periphery" +
            (p.meshSlots > p.cores
                 ? " and in " + std::to_string(p.meshSlots - p.cores) +
                       " empty mesh slots"
                 : std::string()));
  row(os, "cores holding arrays", formatMm2(p.usedArea),
      std::to_string(p.usedCores) + " cores + global buffer");
  for (size_t i = 0; i < kNumAreaComponents; ++i)
    row(os, "  " + toString(static_cast<AreaComponent>(i)).str(),
        formatMm2(p.areaBy[i]),
        formatPercent(p.area > 0 ? p.areaBy[i] / p.area : 0));

  os << "\nenergy per inference\n";
  {
    // The analog/digital split first: where a mapping's energy goes.
    const auto domains = energyByDomain(p.energyBy);
    std::string split;
    for (size_t d = 0; d < kNumEnergyDomains; ++d)
      split += (d ? ", " : "") + toString(static_cast<EnergyDomain>(d)).str() +
               " " +
               formatPercent(p.energy > 0 ? domains[d] / p.energy : 0);
    row(os, "by domain", formatSI(p.energy, "J"), split);
  }
  for (size_t i = 0; i < kNumEnergyComponents; ++i)
    row(os, "  " + toString(static_cast<EnergyComponent>(i)).str(),
        formatSI(p.energyBy[i], "J"),
        formatPercent(p.energy > 0 ? p.energyBy[i] / p.energy : 0));
  if (p.groupSpillEnergy > 0)
    row(os, "  group spills", formatSI(p.groupSpillEnergy, "J"),
        "global buffer between program groups");

  os << "\nlayers\n";
  os << "  " << llvm::left_justify("layer", 16) << ' '
     << llvm::right_justify("arrays", 7) << ' '
     << llvm::right_justify("copies", 6) << ' '
     << llvm::right_justify("time", 12) << ' ' << llvm::left_justify("bound", 8)
     << ' ' << llvm::right_justify("energy", 12) << ' '
     << llvm::right_justify("share", 7) << ' '
     << llvm::right_justify("input activity", 15) << '\n';
  bool anyDefault = false;
  for (const LayerPPA &l : p.layers) {
    anyDefault |= !l.inputActivityMeasured;
    os << "  " << llvm::left_justify(l.name, 16) << ' '
       << llvm::right_justify(std::to_string(l.arrays), 7) << ' '
       << llvm::right_justify(std::to_string(l.replicas), 6) << ' '
       << llvm::right_justify(formatSI(l.time, "s"), 12) << ' '
       << llvm::left_justify(l.bound, 8) << ' '
       << llvm::right_justify(formatSI(l.energy, "J"), 12) << ' '
       << llvm::right_justify(
              formatPercent(p.energy > 0 ? l.energy / p.energy : 0), 7)
       << ' '
       << llvm::right_justify(formatPercent(l.inputActivity) +
                                  (l.inputActivityMeasured ? " " : "*"),
                              15)
       << '\n';
  }
  if (anyDefault)
    os << "  * not measured (no calibration statistics): the default "
          "activity\n";

  os << "\nprogramming\n";
  row(os, "time", formatSI(p.programmingTime, "s"), "expected, write-verify");
  row(os, "energy", formatSI(p.programmingEnergy, "J"));

  os << "\naccuracy\n";
  if (!report.simulation) {
    os << "  not simulated\n";
  } else {
    for (const AccuracyPoint &a : *report.simulation)
      os << "  t = " << formatSI(a.timeSeconds, "s") << ": "
         << formatPercent(a.accuracyMean) << " (95 % CI "
         << formatPercent(a.ci95Low) << " - " << formatPercent(a.ci95High)
         << ")\n";
  }
}
