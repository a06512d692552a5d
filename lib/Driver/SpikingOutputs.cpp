//===- SpikingOutputs.cpp - The reports of a spiking compile --------------===//
//
// report.txt, report.json and report.html for a neuromorphic target: the
// same three files as a crossbar compile, with a spiking chip's figures
// (synaptic operations, spikes, energy per event, latency in timesteps).
//
//===----------------------------------------------------------------------===//
#include "nncc/Driver/CompileSpiking.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

using namespace nncc;
using namespace nncc::driver;

namespace {

std::string engineering(double value, llvm::StringRef unit) {
  static const struct {
    double scale;
    const char *prefix;
  } prefixes[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""},
                  {1e-3, "m"}, {1e-6, "u"}, {1e-9, "n"}, {1e-12, "p"},
                  {1e-15, "f"}};
  double magnitude = std::fabs(value);
  for (const auto &p : prefixes)
    if (magnitude >= p.scale || p.scale == 1e-15)
      return llvm::formatv("{0:g} {1}{2}", value / p.scale, p.prefix, unit)
          .str();
  return "0 " + unit.str();
}

void htmlEscape(llvm::StringRef text, llvm::raw_ostream &os) {
  for (char c : text) {
    switch (c) {
    case '<': os << "&lt;"; break;
    case '>': os << "&gt;"; break;
    case '&': os << "&amp;"; break;
    case '"': os << "&quot;"; break;
    default: os << c;
    }
  }
}

llvm::json::Value reportJson(const SpikingCompileResult &r) {
  using llvm::json::Array;
  using llvm::json::Object;
  Array layers;
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const SpikingLayerSummary &l = r.layers[i];
    const ppa::SpikingLayerActivity &a = r.activity.layers[i];
    Object o{{"name", l.name},
             {"kind", l.kind},
             {"neurons", l.neurons},
             {"fan_in", l.fanIn},
             {"fan_in_groups", l.fanInGroups},
             {"cores", l.cores},
             {"synapse_bits", l.synapseBits},
             {"readout", l.readout},
             {"synaptic_ops", a.synapticOps},
             {"spikes", a.spikesOut},
             {"spike_hops", a.spikeHops}};
    if (i < r.ppa.layers.size())
      o["energy_j"] = r.ppa.layers[i].energy;
    layers.push_back(std::move(o));
  }
  Array energy;
  for (const ppa::SpikingComponentCost &c : r.ppa.energy)
    energy.push_back(Object{{"component", c.component}, {"energy_j", c.energy}});
  Object root{{"schema", "nncc-spiking-report"},
              {"version", 1},
              {"model", r.model},
              {"target", r.target},
              {"timesteps", r.activity.timesteps},
              {"activity_source", r.activitySource},
              {"layers", std::move(layers)},
              {"input_spikes", r.activity.inputSpikes},
              {"synaptic_ops", r.ppa.synapticOps},
              {"spikes", r.ppa.spikes},
              {"spike_hops", r.ppa.spikeHops},
              {"neuron_updates", r.ppa.neuronUpdates},
              {"energy", std::move(energy)},
              {"energy_per_inference_j", r.ppa.energyPerInference},
              {"energy_per_synaptic_op_j", r.ppa.energyPerSynapticOp},
              {"sops_per_watt", r.ppa.sopsPerWatt},
              {"average_power_w", r.ppa.averagePower},
              {"latency_s", r.ppa.latency},
              {"area_used_m2", r.ppa.areaUsed},
              {"area_chip_m2", r.ppa.areaChip},
              {"cores_used", r.ppa.coresUsed}};
  if (r.floatAccuracy) {
    Array points;
    for (const SpikingAccuracyPoint &p : r.accuracy)
      points.push_back(Object{{"timesteps", p.timesteps},
                              {"mean", p.mean},
                              {"ci95_low", p.ciLow},
                              {"ci95_high", p.ciHigh}});
    root["accuracy"] = Object{{"float", *r.floatAccuracy},
                              {"samples", r.samples},
                              {"instances", r.instances},
                              {"spiking", std::move(points)}};
  }
  return root;
}

} // namespace

void nncc::driver::printSpikingReport(const SpikingCompileResult &r,
                                      llvm::raw_ostream &os) {
  using llvm::format;
  os << "model: " << r.model << "\n";
  os << "target: " << r.target << " (spiking)\n";
  os << "layer          kind   neurons  fan-in groups  cores  bits       "
        "SOPs/inf   spikes/inf\n";
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const SpikingLayerSummary &l = r.layers[i];
    const ppa::SpikingLayerActivity &a = r.activity.layers[i];
    std::string spikes = l.readout
                             ? std::string("readout")
                             : llvm::formatv("{0:f1}", a.spikesOut).str();
    os << format("%-14s %-5s %8lld %7lld %6lld %6lld %5lld %14.1f %12s\n",
                 l.name.c_str(), l.kind.c_str(), (long long)l.neurons,
                 (long long)l.fanIn, (long long)l.fanInGroups,
                 (long long)l.cores, (long long)l.synapseBits, a.synapticOps,
                 spikes.c_str());
  }
  os << "activity: " << r.activitySource << ", " << r.activity.timesteps
     << " timesteps, " << format("%.1f", r.activity.inputSpikes)
     << " input spikes per inference\n";
  os << "energy per inference: " << engineering(r.ppa.energyPerInference, "J");
  for (const ppa::SpikingComponentCost &c : r.ppa.energy)
    os << "; " << c.component << " " << engineering(c.energy, "J");
  os << "\n";
  os << "synaptic ops per inference: " << format("%.4g", r.ppa.synapticOps)
     << ", energy per SOP " << engineering(r.ppa.energyPerSynapticOp, "J")
     << ", " << format("%.4g", r.ppa.sopsPerWatt / 1e9) << " GSOPS/W\n";
  os << "latency: " << r.activity.timesteps << " timesteps = "
     << engineering(r.ppa.latency, "s") << ", average power "
     << engineering(r.ppa.averagePower, "W") << "\n";
  os << "area: " << format("%.4g", r.ppa.areaUsed * 1e6) << " mm2 in "
     << r.ppa.coresUsed << " cores used, "
     << format("%.4g", r.ppa.areaChip * 1e6) << " mm2 the whole chip\n";
  if (r.floatAccuracy) {
    os << format("accuracy on %lld samples: float %.2f%%",
                 (long long)r.samples, 100 * *r.floatAccuracy);
    os << (r.instances > 1
               ? llvm::formatv("; spiking, mean of {0} chip instances "
                               "(95% CI):",
                               r.instances)
                     .str()
               : std::string("; spiking:"))
       << "\n";
    for (const SpikingAccuracyPoint &p : r.accuracy) {
      os << format("  %5lld timesteps  %6.2f%%", (long long)p.timesteps,
                   100 * p.mean);
      if (r.instances > 1)
        os << format("  [%.2f, %.2f]", 100 * p.ciLow, 100 * p.ciHigh);
      os << "\n";
    }
  }
}

void nncc::driver::addSpikingOutputs(OutputDirectoryWriter &writer,
                                     const SpikingCompileResult &result,
                                     llvm::StringRef targetText) {
  writer.add("target.yaml", [targetText](llvm::raw_ostream &os) {
    os << targetText;
    return llvm::Error::success();
  });
  writer.add("report.txt", [&result](llvm::raw_ostream &os) {
    printSpikingReport(result, os);
    return llvm::Error::success();
  });
  writer.add("report.json", [&result](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", reportJson(result)) << "\n";
    return llvm::Error::success();
  });
  writer.add("report.html", [&result](llvm::raw_ostream &os) {
    os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>nncc "
          "spiking report</title>\n<style>body{font-family:sans-serif}"
          "table{border-collapse:collapse}td,th{border:1px solid #999;"
          "padding:2px 6px;text-align:right}th{background:#eee}</style>"
          "</head><body>\n<h1>";
    htmlEscape(result.model, os);
    os << " on ";
    htmlEscape(result.target, os);
    os << "</h1>\n<table><tr><th>layer</th><th>kind</th><th>neurons</th>"
          "<th>fan-in</th><th>groups</th><th>cores</th><th>SOPs/inference"
          "</th><th>spikes/inference</th><th>energy</th></tr>\n";
    for (size_t i = 0; i < result.layers.size(); ++i) {
      const SpikingLayerSummary &l = result.layers[i];
      const ppa::SpikingLayerActivity &a = result.activity.layers[i];
      os << "<tr><td>";
      htmlEscape(l.name, os);
      os << "</td><td>" << l.kind << "</td><td>" << l.neurons << "</td><td>"
         << l.fanIn << "</td><td>" << l.fanInGroups << "</td><td>" << l.cores
         << "</td><td>" << llvm::formatv("{0:f1}", a.synapticOps)
         << "</td><td>"
         << (l.readout ? std::string("readout")
                       : llvm::formatv("{0:f1}", a.spikesOut).str())
         << "</td><td>"
         << (i < result.ppa.layers.size()
                 ? engineering(result.ppa.layers[i].energy, "J")
                 : std::string())
         << "</td></tr>\n";
    }
    os << "</table>\n<h2>Energy per inference: "
       << engineering(result.ppa.energyPerInference, "J")
       << "</h2>\n<table><tr><th>component</th><th>energy</th></tr>\n";
    for (const ppa::SpikingComponentCost &c : result.ppa.energy)
      os << "<tr><td>" << c.component << "</td><td>"
         << engineering(c.energy, "J") << "</td></tr>\n";
    os << "</table>\n<p>" << llvm::formatv("{0:g}", result.ppa.synapticOps)
       << " synaptic operations per inference; "
       << engineering(result.ppa.energyPerSynapticOp, "J") << " per SOP; "
       << llvm::formatv("{0:g}", result.ppa.sopsPerWatt / 1e9)
       << " GSOPS/W; latency " << result.activity.timesteps
       << " timesteps = " << engineering(result.ppa.latency, "s")
       << "; area " << llvm::formatv("{0:g}", result.ppa.areaUsed * 1e6)
       << " mm&sup2; in " << result.ppa.coresUsed << " cores.</p>\n";
    if (result.floatAccuracy) {
      os << "<h2>Accuracy against timesteps</h2>\n<p>float "
         << llvm::formatv("{0:f2}", 100 * *result.floatAccuracy) << " % on "
         << result.samples << " samples</p>\n<table><tr><th>timesteps</th>"
         << "<th>accuracy (%)</th><th>95 % CI</th></tr>\n";
      for (const SpikingAccuracyPoint &p : result.accuracy)
        os << "<tr><td>" << p.timesteps << "</td><td>"
           << llvm::formatv("{0:f2}", 100 * p.mean) << "</td><td>"
           << llvm::formatv("{0:f2} - {1:f2}", 100 * p.ciLow, 100 * p.ciHigh)
           << "</td></tr>\n";
      os << "</table>\n";
    }
    os << "</body></html>\n";
    return llvm::Error::success();
  });
}
