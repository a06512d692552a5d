//===- ExploreReport.h - explore.json, explore.csv, explore.html -*- C++ -*-===//
//
// What `nncc explore` writes: every point with its settings, accuracy (mean
// and 95 % interval over chip instances), area, energy, latency, TOPS and
// TOPS/W, and whether it is on the Pareto front of accuracy against each
// cost.  All from one ExploreResult and deterministic, so the files of a
// run are byte-identical however it was split over ranks or resumed.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_DRIVER_EXPLOREREPORT_H
#define NNCC_DRIVER_EXPLOREREPORT_H

#include "nncc/Driver/Explore.h"

#include "llvm/Support/raw_ostream.h"

#include <array>
#include <vector>

namespace nncc::driver {

/// The costs a Pareto front is drawn against (lower is better).
inline constexpr std::array<CostObjective, 3> kExploreCosts = {
    CostObjective::Energy, CostObjective::Latency, CostObjective::Area};

/// For each point, whether no other point is at least as accurate (mean)
/// and at most as costly with one of the two strictly better.  Failed
/// points are never on it.
std::vector<bool> paretoFront(llvm::ArrayRef<ExplorePoint> points,
                              CostObjective cost);

/// explore.json (schema "nncc-explore", version 1).
void writeExploreJson(const ExploreResult &result, llvm::raw_ostream &os);
/// explore.csv: a header and one row per point.
void writeExploreCsv(const ExploreResult &result, llvm::raw_ostream &os);
/// explore.html: one self-contained page, accuracy against each cost with
/// its Pareto front, and the table of points.
void writeExploreHtml(const ExploreResult &result, llvm::raw_ostream &os);
/// For people: what was explored and the energy Pareto front.
void printExploreSummary(const ExploreResult &result, llvm::raw_ostream &os);

} // namespace nncc::driver

#endif // NNCC_DRIVER_EXPLOREREPORT_H
