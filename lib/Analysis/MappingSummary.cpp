//===- MappingSummary.cpp - What the mapping put where --------------------===//
#include "nncc/Analysis/MappingSummary.h"

#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Analysis/PipelineModel.h"
#include "nncc/Dialect/CIM/TileLayout.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace nncc;

MappingSummary nncc::summarizeMapping(ModuleOp module) {
  MappingSummary summary;
  if (cim::TargetAttr target = cim::getTarget(module)) {
    summary.target = target.getName().str();
    summary.arrayRows = target.getRows();
    summary.arrayCols = target.getCols();
    summary.chipArrays = target.getTotalArrays();
  }
  module.walk([&](cim::LayerOp layer) {
    LayerMapping m;
    m.name = layer.getLayerName().str();
    m.kind = cim::stringifyLayerKind(layer.getKind()).str();
    auto shape = layer.getMatrixShape();
    m.groups = shape.groups;
    m.depth = shape.depth;
    m.columns = shape.columns;
    m.weightBits = layer.getWeightBits().value_or(0);
    m.inputBits = layer.getInputBits().value_or(0);
    m.storedBits = layer.getStoredBits().value_or(0);
    m.slices = layer.getWeightSlices().value_or(0);
    m.bitsPerCell = layer.getBitsPerCell().value_or(0);
    m.inputCycles = layer.getInputCycles().value_or(0);
    m.dacBits = layer.getDacBits().value_or(0);
    if (auto density = layer.getInputBitDensity())
      m.inputBitDensity.assign(density->begin(), density->end());
    if (auto scheme = layer.getSignedScheme())
      m.scheme = cim::stringifySignedScheme(*scheme).str();
    if (auto e = layer.getWeightError())
      m.weightError = e->convertToDouble();
    if (auto c = layer.getInputClipFraction())
      m.inputClipFraction = c->convertToDouble();
    m.replicas = layer.getReplicas().value_or(1);
    m.adcRange = layer.getAdcRangeMethod().str();
    layer.walk([&](cim::MVMOp mvm) {
      m.rowsInParallel =
          std::max<int64_t>(m.rowsInParallel, mvm.getRowsInParallel());
      ++m.arrays;
      m.usedCells += mvm.getPhysicalRows() * mvm.getPhysicalColumns();
    });
    summary.totalArrays += m.arrays * m.replicas;
    summary.totalUsedCells += m.usedCells * m.replicas;
    summary.layers.push_back(std::move(m));
  });
  if (llvm::Expected<PipelineTiming> timing = computePipeline(module)) {
    for (auto [m, t] : llvm::zip(summary.layers, timing->layers))
      m.time = t.time();
    summary.interval = timing->interval;
    summary.latency = timing->latency;
    summary.intervalBeforeReplication = timing->interval;
    if (auto replication =
            module->getAttrOfType<DictionaryAttr>("cim.replication")) {
      if (auto before = replication.getAs<FloatAttr>("interval_before"))
        summary.intervalBeforeReplication = before.getValueAsDouble();
      if (auto cap = replication.getAs<IntegerAttr>("max_copies"))
        summary.maxCopies = cap.getInt();
    }
  } else {
    llvm::consumeError(timing.takeError());
  }
  if (auto grouped =
          module->getAttrOfType<DictionaryAttr>("cim.time_multiplex"))
    if (auto groups = grouped.getAs<IntegerAttr>("groups"))
      summary.programGroups = groups.getInt();
  if (auto placed = module->getAttrOfType<DictionaryAttr>("cim.placement")) {
    summary.placed = true;
    summary.placementObjective =
        placed.getAs<IntegerAttr>("objective_bit_hops").getInt();
    summary.placementBound =
        placed.getAs<IntegerAttr>("lower_bound_bit_hops").getInt();
    summary.placementGap = placed.getAs<FloatAttr>("gap").getValueAsDouble();
    summary.placementOptimal = placed.getAs<BoolAttr>("proven_optimal").getValue();
    summary.placementMethod = placed.getAs<StringAttr>("method").str();
    summary.maxLinkBits = placed.getAs<IntegerAttr>("max_link_bits").getInt();
    // Absent from programs placed before the port model.
    if (auto excess = placed.getAs<IntegerAttr>("port_excess_bits"))
      summary.portExcessBits = excess.getInt();
  }
  return summary;
}

void nncc::printMappingSummary(const MappingSummary &s, llvm::raw_ostream &os) {
  os << "mapping onto " << s.target << " (" << s.arrayRows << "x"
     << s.arrayCols << " arrays, " << s.chipArrays << " on the chip)\n";
  // Columns widen for long layer names (an ONNX path such as
  // "/features/features.0/Conv") so that they never run into each other.
  size_t nameWidth = 14;
  for (const LayerMapping &m : s.layers)
    nameWidth = std::max(nameWidth, m.name.size() + 2);
  os << llvm::left_justify("layer", nameWidth) << llvm::left_justify("kind", 6)
     << llvm::left_justify("matrix GxKxN", 16) << llvm::left_justify("W/A", 7)
     << llvm::left_justify("slices", 8) << llvm::left_justify("scheme", 22)
     << llvm::right_justify("arrays", 8) << llvm::right_justify("copies", 8)
     << llvm::right_justify("util", 8) << llvm::right_justify("w.err", 9)
     << llvm::right_justify("time/inf", 12) << '\n';
  for (const LayerMapping &m : s.layers) {
    std::string matrix = std::to_string(m.groups) + "x" +
                         std::to_string(m.depth) + "x" +
                         std::to_string(m.columns);
    std::string bits =
        std::to_string(m.weightBits) + "/" + std::to_string(m.inputBits);
    std::string slices = std::to_string(m.slices) + "x" +
                         std::to_string(m.bitsPerCell) + "b";
    double util = m.arrays ? static_cast<double>(m.usedCells) /
                                 (m.arrays * s.arrayRows * s.arrayCols)
                           : 0.0;
    os << llvm::left_justify(m.name, nameWidth)
       << llvm::left_justify(m.kind, 6)
       << llvm::left_justify(matrix, 16) << llvm::left_justify(bits, 7)
       << llvm::left_justify(slices, 8) << llvm::left_justify(m.scheme, 22)
       << llvm::right_justify(std::to_string(m.arrays), 8)
       << llvm::right_justify(std::to_string(m.replicas), 8)
       << llvm::format("%7.1f%%", 100 * util)
       << llvm::format("%9.4f", m.weightError)
       << llvm::format("%9.3f us", m.time * 1e6) << '\n';
  }
  // The ADC range methods where any layer departs from the default.
  if (llvm::any_of(s.layers,
                   [](const LayerMapping &m) { return m.adcRange != "max"; })) {
    os << "ADC ranges:";
    llvm::ListSeparator comma(",");
    for (const LayerMapping &m : s.layers)
      os << comma << " " << m.name << " " << m.adcRange;
    os << "\n";
  }
  os << "arrays: " << s.totalArrays << " of " << s.chipArrays
     << llvm::format(", cell utilization %.1f%%\n", 100 * s.utilization());
  // With program groups the layers are never all resident: the pipeline
  // model's interval is no throughput of this chip (the execution schedule
  // gives it, group after group).
  if (s.programGroups > 1)
    os << "pipeline: " << s.programGroups
       << " program groups run one after another; per-group timing below\n";
  else if (s.interval > 0)
    os << llvm::format("pipeline: interval %.3f us (%.0f inferences/s), "
                       "latency %.3f us; before replication %.3f us "
                       "(x%.2f throughput",
                       s.interval * 1e6, 1.0 / s.interval, s.latency * 1e6,
                       s.intervalBeforeReplication * 1e6,
                       s.intervalBeforeReplication / s.interval)
       << (s.maxCopies > 0 ? ", at most " + std::to_string(s.maxCopies) +
                                 " copies per layer"
                           : std::string())
       << ")\n";
  if (s.placed)
    os << "placement (" << s.placementMethod << "): " << s.placementObjective
       << " bit-hops per inference, lower bound " << s.placementBound
       << llvm::format(", gap %.1f%%", 100 * s.placementGap)
       << (s.placementOptimal ? " (proven optimal)" : "")
       << ", busiest link " << s.maxLinkBits << " bits"
       << (s.portExcessBits > 0 ? ", buffer ports " +
                                      std::to_string(s.portExcessBits) +
                                      " bits over the arrays' time"
                                : std::string())
       << "\n";
  else
    os << "placement: not run (the mapping does not fit the chip)\n";
}

void nncc::printMappingSummaryJson(const MappingSummary &s,
                                   llvm::raw_ostream &os) {
  llvm::json::Array layers;
  for (const LayerMapping &m : s.layers)
    layers.push_back(llvm::json::Object{
        {"name", m.name},
        {"kind", m.kind},
        {"matrix", llvm::json::Array{m.groups, m.depth, m.columns}},
        {"weight_bits", m.weightBits},
        {"input_bits", m.inputBits},
        {"stored_bits", m.storedBits},
        {"slices", m.slices},
        {"bits_per_cell", m.bitsPerCell},
        {"input_cycles", m.inputCycles},
        {"rows_in_parallel", m.rowsInParallel},
        {"adc_range", m.adcRange},
        {"scheme", m.scheme},
        {"arrays", m.arrays},
        {"replicas", m.replicas},
        {"time_per_inference_s", m.time},
        {"used_cells", m.usedCells},
        {"weight_error", m.weightError},
        {"input_clip_fraction", m.inputClipFraction}});
  llvm::json::Object root{{"schema", "nncc-mapping-summary"},
                          {"version", 1},
                          {"target", s.target},
                          {"array_rows", s.arrayRows},
                          {"array_cols", s.arrayCols},
                          {"chip_arrays", s.chipArrays},
                          {"arrays", s.totalArrays},
                          {"used_cells", s.totalUsedCells},
                          {"utilization", s.utilization()},
                          {"pipeline_interval_s", s.interval},
                          {"pipeline_latency_s", s.latency},
                          {"interval_before_replication_s",
                           s.intervalBeforeReplication},
                          {"max_copies", s.maxCopies},
                          {"placement",
                           s.placed ? llvm::json::Value(llvm::json::Object{
                                          {"method", s.placementMethod},
                                          {"objective_bit_hops",
                                           s.placementObjective},
                                          {"lower_bound_bit_hops",
                                           s.placementBound},
                                          {"gap", s.placementGap},
                                          {"proven_optimal", s.placementOptimal},
                                          {"max_link_bits", s.maxLinkBits},
                                          {"port_excess_bits",
                                           s.portExcessBits}})
                                    : llvm::json::Value(nullptr)},
                          {"layers", std::move(layers)}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << '\n';
}
