//===- Place.cpp - The placement pipeline ---------------------------------===//
//
// verify -> greedy -> annealing and, on a second thread, the cheap lower
// bound -> Z3 (small instances whose bound is not already met) -> link
// loads.  Wall-clock budgets, all
// derived from PlacementOptions::timeoutSeconds (T): annealing gets 0.4 T
// when Z3 will run, else 0.8 T; Z3 gets 85 % of what is left (plus a kill
// grace of at most 10 % of that).  These are safety nets: the deterministic
// budgets (move count, rlimit) normally end each phase first, and
// `wallClockLimitHit` reports when they did not.  Phases are compared by
// placementTotalCost (bit-hops, plus the weighted port excess when the
// problem has a port model); `objective` reports the bit-hops.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <chrono>
#include <future>

using namespace nncc::placement;

llvm::Expected<PlacementResult>
nncc::placement::place(const PlacementProblem &p,
                       const PlacementOptions &options) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  if (llvm::Error err = verifyProblem(p))
    return std::move(err);
  if (!(options.timeoutSeconds > 0))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("placement: timeout {0} s must be positive",
                      options.timeoutSeconds));

  PlacementResult result;
  double phaseStart = elapsed();
  auto endPhase = [&](double &seconds) {
    double now = elapsed();
    seconds = now - phaseStart;
    phaseStart = now;
  };
  llvm::Expected<std::vector<int>> greedy = greedyPlacement(p);
  if (!greedy)
    return greedy.takeError();
  result.tileCore = std::move(*greedy);
  result.objective = result.greedyObjective =
      placementCost(p, result.tileCore);
  uint64_t total = placementTotalCost(p, result.tileCore);
  result.method = PlacementMethod::Greedy;
  endPhase(result.greedySeconds);

  const int n = p.numTiles();
  const bool exactEligible =
      options.exact && !p.exclusiveGroups && n <= options.exactMaxTiles &&
      int64_t(n) * p.numCores <= options.exactMaxVariables;
  const double timeout = options.timeoutSeconds;

  // The lower bound reads only the problem: it runs on a second thread
  // while the annealing improves the placement (both are deterministic, so
  // the overlap changes only the wall time).
  LowerBoundStats boundStats;
  double boundSeconds = 0;
  std::atomic<bool> stopBound{false};
  std::future<uint64_t> bound =
      std::async(std::launch::async, [&p, &options, &boundStats,
                                      &boundSeconds, &stopBound] {
        const auto boundStart = std::chrono::steady_clock::now();
        uint64_t value = placementLowerBound(p, options.boundSearchWork,
                                             &boundStats, &stopBound);
        boundSeconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - boundStart)
                           .count();
        return value;
      });

  if (options.anneal && total > 0) {
    double budget = (exactEligible ? 0.4 : 0.8) * timeout - elapsed();
    AnnealStats stats = annealPlacement(p, result.tileCore, options,
                                        std::max(budget, 1e-3));
    result.annealMoves = stats.moves;
    result.annealWorkLimited = stats.workLimited;
    result.wallClockLimitHit |= stats.wallClockLimitHit;
    result.annealObjective = placementCost(p, result.tileCore);
    // Annealing never returns a worse state than it started from.
    uint64_t annealTotal = placementTotalCost(p, result.tileCore);
    if (annealTotal < total) {
      total = annealTotal;
      result.objective = result.annealObjective;
      result.method = PlacementMethod::Annealing;
    }
  } else {
    result.annealObjective = result.objective;
  }
  endPhase(result.annealSeconds);

  // The bound's work budget normally ends it well before this; if not, it
  // is stopped at 90 % of the timeout (its partial value is still a bound).
  const double boundWait = std::max(0.9 * timeout - elapsed(), 0.0);
  if (bound.wait_for(std::chrono::duration<double>(boundWait)) !=
      std::future_status::ready) {
    stopBound = true;
    result.wallClockLimitHit = true;
  }
  result.cheapLowerBound = bound.get();
  result.boundSearchTruncated = boundStats.searchTruncated;
  result.boundSeconds = boundSeconds;
  phaseStart = elapsed();
  result.lowerBound = std::min(result.cheapLowerBound, result.objective);
  if (result.lowerBound == result.objective) {
    result.provenOptimal = true;
    result.exactStatus = "skipped (lower bound met)";
  } else if (!options.exact) {
    result.exactStatus = "skipped (disabled)";
  } else if (p.exclusiveGroups) {
    // The encodings know capacities, not the one-group-per-core rule.
    result.exactStatus = "skipped (one group per core)";
  } else if (!exactEligible) {
    result.exactStatus = llvm::formatv(
        "skipped ({0} tiles x {1} cores; limits {2} tiles, {3} variables)", n,
        p.numCores, options.exactMaxTiles, options.exactMaxVariables);
  } else {
    // Z3's budget plus solveExact's kill grace (<= 10 %) stays below 95 %
    // of what is left.
    double budget = 0.85 * (timeout - elapsed());
    if (budget <= 0.01) {
      result.exactStatus = "skipped (no time left)";
      result.wallClockLimitHit = true;
    } else {
      ExactResult exact = solveExact(p, result.tileCore, options, budget);
      result.exactStatus = exact.status;
      result.wallClockLimitHit |= exact.wallClockLimitHit;
      if (!exact.tileCore.empty()) {
        // Z3 minimises bit-hops only: its placement must also keep the
        // port excess to win.
        uint64_t cost = placementTotalCost(p, exact.tileCore);
        if (cost < total) {
          total = cost;
          result.objective = placementCost(p, exact.tileCore);
          result.tileCore = std::move(exact.tileCore);
          result.method = PlacementMethod::Z3;
        }
      }
      // Z3's bound (the optimum when it proved one) counts if it beats the
      // cheap one; optimality is proven when the bound meets the objective.
      result.lowerBound = std::min(
          std::max(result.lowerBound, exact.lowerBound), result.objective);
      result.provenOptimal = result.lowerBound == result.objective;
      endPhase(result.exactSeconds);
    }
  }

  result.gap = double(result.objective - result.lowerBound) /
               double(std::max<uint64_t>(result.objective, 1));
  result.maxLink = maxLinkLoad(p, result.tileCore);
  result.portExcessBits = portExcess(p, result.tileCore);
  const MeshGeometry g = resolveGeometry(p);
  result.corePosition.resize(p.numCores);
  for (int c = 0; c < p.numCores; ++c)
    result.corePosition[c] = {c % g.width, c / g.width};
  result.wallSeconds = elapsed();
  return result;
}
