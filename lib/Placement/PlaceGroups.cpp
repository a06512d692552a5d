//===- PlaceGroups.cpp - Placement of program groups one by one ----------===//
//
// A time-multiplexed program (--nncc-time-multiplex) has groups of arrays
// resident one after another: each group is placed on the whole chip by
// itself, within one share of the caller's timeout.
//
//===----------------------------------------------------------------------===//
#include "nncc/Placement/Placement.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <chrono>
#include <map>

using namespace nncc::placement;

/// Places each program group (--nncc-time-multiplex) on the whole chip by
/// itself: its arrays are resident alone, and traffic to other groups goes
/// through the global buffer, not the mesh.  The combined result sums the
/// groups' objectives and bounds (their sum bounds the total) and keeps the
/// busiest link of any group.  One group: a plain `place`.
llvm::Expected<PlacementResult>
nncc::placement::placeByGroup(const PlacementProblem &problem,
                              llvm::ArrayRef<int64_t> groupOf,
                              const PlacementOptions &options) {
  if (groupOf.size() != static_cast<size_t>(problem.numTiles()))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "placement: " + llvm::Twine(groupOf.size()) + " group ids for " +
            llvm::Twine(problem.numTiles()) + " tiles");
  std::map<int64_t, std::vector<int>> members;
  for (size_t t = 0; t < groupOf.size(); ++t)
    members[groupOf[t]].push_back(static_cast<int>(t));
  if (members.size() <= 1)
    return place(problem, options);
  PlacementResult combined;
  combined.tileCore.assign(groupOf.size(), 0);
  combined.provenOptimal = true;
  std::vector<int> local(groupOf.size());
  // The timeout bounds the whole call, not each group (G groups took up to
  // G times --place-timeout): each group gets the time left in proportion
  // to its share of the tiles left.  A safety net only: the deterministic
  // budgets normally end every group first, so results do not change.
  const auto start = std::chrono::steady_clock::now();
  size_t tilesLeft = groupOf.size();
  for (const auto &[group, list] : members) {
    const double elapsed = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - start)
                               .count();
    PlacementOptions groupOptions = options;
    groupOptions.timeoutSeconds =
        std::max((options.timeoutSeconds - elapsed) *
                     static_cast<double>(list.size()) /
                     static_cast<double>(tilesLeft),
                 1e-3);
    tilesLeft -= list.size();
    PlacementProblem part = problem;
    part.tileGroup.clear();
    part.traffic.clear();
    part.tileBufferBytes.clear();
    part.tilePortItem.clear();
    part.tileResultBits.clear();
    for (auto [i, t] : llvm::enumerate(list)) {
      local[t] = static_cast<int>(i);
      part.tileGroup.push_back(problem.tileGroup[t]);
      if (!problem.tileBufferBytes.empty())
        part.tileBufferBytes.push_back(problem.tileBufferBytes[t]);
      // Port items keep their ids: the group's tiles read a subset.
      if (!problem.tilePortItem.empty())
        part.tilePortItem.push_back(problem.tilePortItem[t]);
      if (!problem.tileResultBits.empty())
        part.tileResultBits.push_back(problem.tileResultBits[t]);
    }
    for (const TrafficEdge &e : problem.traffic)
      if (groupOf[e.a] == group && groupOf[e.b] == group)
        part.traffic.push_back({local[e.a], local[e.b], e.bits});
    llvm::Expected<PlacementResult> result = place(part, groupOptions);
    if (!result)
      return result.takeError();
    for (auto [i, t] : llvm::enumerate(list))
      combined.tileCore[t] = result->tileCore[i];
    combined.objective += result->objective;
    combined.portExcessBits += result->portExcessBits;
    combined.lowerBound += result->lowerBound;
    combined.provenOptimal &= result->provenOptimal;
    combined.wallClockLimitHit |= result->wallClockLimitHit;
    if (result->maxLink.bits >= combined.maxLink.bits)
      combined.maxLink = result->maxLink;
    combined.method = std::max(combined.method, result->method);
    combined.corePosition = result->corePosition;
  }
  combined.gap = combined.objective
                     ? static_cast<double>(combined.objective -
                                           combined.lowerBound) /
                           static_cast<double>(combined.objective)
                     : 0.0;
  return combined;
}
