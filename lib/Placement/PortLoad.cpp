//===- PortLoad.cpp - Buffer-port loads of a placement --------------------===//
//
// See PortLoad.h and PlacementProblem::tilePortItem.
//
//===----------------------------------------------------------------------===//

#include "PortLoad.h"

using namespace nncc::placement;

namespace {
/// Beyond this many (item, core) pairs the counts are hashed: a dense table
/// would grow with cores x items rather than with the tiles placed.
constexpr uint64_t kMaxDenseCounts = uint64_t(1) << 24;
} // namespace

PortLoads::PortLoads(const PlacementProblem &problem)
    : problem_(problem), active_(problem.hasPortModel()),
      cores_(problem.numCores) {
  if (!active_)
    return;
  const uint64_t items = problem.portItemBits.size();
  denseCounts_ = items * uint64_t(cores_) <= kMaxDenseCounts;
}

void PortLoads::reset(llvm::ArrayRef<int> tileCore) {
  if (!active_)
    return;
  if (denseCounts_)
    denseCount_.assign(problem_.portItemBits.size() * size_t(cores_), 0);
  else
    sparseCount_.clear();
  load_.assign(problem_.stagePortBudget.size() * size_t(cores_), 0);
  excess_ = 0;
  for (size_t t = 0; t < tileCore.size(); ++t) {
    const int item = problem_.tilePortItem[t];
    if (item < 0)
      continue;
    uint64_t &load =
        load_[size_t(problem_.portItemStage[item]) * cores_ + tileCore[t]];
    if (count(item, tileCore[t])++ == 0)
      load += problem_.portItemBits[item];
    load += uint64_t(ownBits(int(t)));
  }
  for (size_t s = 0; s < problem_.stagePortBudget.size(); ++s)
    for (int c = 0; c < cores_; ++c)
      excess_ += over(int(s), load_[s * cores_ + c]);
}

int64_t PortLoads::move(int t, int from, int to) {
  const int item = itemOf(t);
  if (item < 0 || from == to)
    return 0;
  const int64_t change = moveChange(t, from, to);
  const size_t row = size_t(problem_.portItemStage[item]) * cores_;
  const uint64_t bits = problem_.portItemBits[item];
  // The item's bits leave `from` with its last reader there and reach `to`
  // with its first; the tile's own result bits go with it.
  const uint64_t own = uint64_t(ownBits(t));
  if (--count(item, from) == 0)
    load_[row + from] -= bits;
  if (count(item, to)++ == 0)
    load_[row + to] += bits;
  load_[row + from] -= own;
  load_[row + to] += own;
  excess_ = uint64_t(int64_t(excess_) + change);
  return change;
}

int64_t PortLoads::swapChange(int t, int c1, int t2, int c2) const {
  const int i = itemOf(t), j = itemOf(t2);
  if (c1 == c2)
    return 0;
  if (i < 0)
    return moveChange(t2, c2, c1);
  if (j < 0)
    return moveChange(t, c1, c2);
  const int si = problem_.portItemStage[i], sj = problem_.portItemStage[j];
  if (si != sj) // different loads: the two moves do not interact
    return moveChange(t, c1, c2) + moveChange(t2, c2, c1);
  // One stage: t (item i) leaves c1 for c2 while t2 (item j) leaves c2 for
  // c1.  With i == j the item stays on both cores; the result bits move.
  const int64_t bi = int64_t(problem_.portItemBits[i]),
                bj = int64_t(problem_.portItemBits[j]);
  int64_t d1 = ownBits(t2) - ownBits(t), d2 = -d1;
  if (i != j) {
    d1 += (count(j, c1) == 0 ? bj : 0) - (count(i, c1) == 1 ? bi : 0);
    d2 += (count(i, c2) == 0 ? bi : 0) - (count(j, c2) == 1 ? bj : 0);
  }
  return overChange(si, c1, d1) + overChange(si, c2, d2);
}

uint64_t nncc::placement::portExcess(const PlacementProblem &problem,
                                     llvm::ArrayRef<int> tileCore) {
  PortLoads loads(problem);
  loads.reset(tileCore);
  return loads.excess();
}

uint64_t nncc::placement::placementTotalCost(const PlacementProblem &problem,
                                             llvm::ArrayRef<int> tileCore) {
  uint64_t cost = placementCost(problem, tileCore);
  if (problem.hasPortModel())
    cost += problem.portExcessWeight * portExcess(problem, tileCore);
  return cost;
}
