//===- Report.h - The compile report: text, JSON and HTML -------*- C++ -*-===//
//
// What `nncc compile` writes as report.txt, report.json and report.html:
// the model, the chip's area and energy by component and by layer,
// latency, pipelined throughput, TOPS, TOPS/W, TOPS/mm^2 and programming
// cost, and, when the accuracy simulator ran, accuracy against time since
// programming.  All three are rendered from one CompileReport, so they
// cannot disagree, and are byte-for-byte deterministic.  The JSON schema
// is docs/schemas/nncc-report.schema.json (schema "nncc-report",
// kReportJsonVersion).
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_PPA_REPORT_H
#define NNCC_PPA_REPORT_H

#include "nncc/PPA/ChipPPA.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nncc::ppa {

/// One point of the accuracy-vs-time curve: the mean accuracy over the
/// simulated chip instances `timeSeconds` after programming and its 95 %
/// confidence interval (fractions in [0, 1]).
struct AccuracyPoint {
  double timeSeconds = 0;
  double accuracyMean = 0, ci95Low = 0, ci95High = 0;
};

struct CompileReport {
  std::string model; ///< the model file as given
  int64_t parameters = 0, macs = 0;
  ChipPPA ppa;
  /// Absent unless the accuracy simulator ran (JSON: null).
  std::optional<std::vector<AccuracyPoint>> simulation;
};

/// report.txt: a few aligned sections for people.
void writeReportText(const CompileReport &report, llvm::raw_ostream &os);
/// report.json (schema "nncc-report", version kReportJsonVersion).
void writeReportJson(const CompileReport &report, llvm::raw_ostream &os);
/// report.html: one self-contained page (inline CSS and SVG, no script, no
/// network access).
void writeReportHtml(const CompileReport &report, llvm::raw_ostream &os);

/// Version 2 added the layers' input_activity and input_activity_measured,
/// and component_model.cell_current_time_s; version 3
/// performance.time_per_inference_by_batch; version 4 the write periphery
/// (area.components.write_periphery), the array macro's floorplan in
/// component_model and the bounding box that counts its white space;
/// version 5 the cores' MAC arrays (energy and area components mac_array,
/// component_model.mac_energy_j and mac_array_m2, layers'
/// time_components.mac_s) and energy.domains (analog, digital,
/// data_movement, static: ppa::EnergyDomain); version 6 the off-chip links
/// (energy and area components off_chip_links, energy.off_chip_link_power_w)
/// and component_model.sample_hold_energy_j and sample_hold_m2.
inline constexpr uint32_t kReportJsonVersion = 6;

/// Stable identifiers of the components in report.json ("cell_reads", ...).
llvm::StringRef jsonKey(EnergyComponent c);
llvm::StringRef jsonKey(AreaComponent c);
llvm::StringRef jsonKey(EnergyDomain d);

} // namespace nncc::ppa

#endif // NNCC_PPA_REPORT_H
