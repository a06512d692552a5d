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
    if (item >= 0 && count(item, tileCore[t])++ == 0)
      load_[size_t(problem_.portItemStage[item]) * cores_ + tileCore[t]] +=
          problem_.portItemBits[item];
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
  // with its first.
  if (--count(item, from) == 0)
    load_[row + from] -= bits;
  if (count(item, to)++ == 0)
    load_[row + to] += bits;
  excess_ = uint64_t(int64_t(excess_) + change);
  return change;
}

int64_t PortLoads::swapChange(int t, int c1, int t2, int c2) const {
  const int i = itemOf(t), j = itemOf(t2);
  if (i == j || c1 == c2)
    return 0; // the same rows leave and arrive on both cores
  if (i < 0)
    return moveChange(t2, c2, c1);
  if (j < 0)
    return moveChange(t, c1, c2);
  const int si = problem_.portItemStage[i], sj = problem_.portItemStage[j];
  if (si != sj) // different loads: the two moves do not interact
    return moveChange(t, c1, c2) + moveChange(t2, c2, c1);
  // One stage: item i leaves c1 for c2 while item j leaves c2 for c1.
  const uint64_t bi = problem_.portItemBits[i], bj = problem_.portItemBits[j];
  const uint64_t l1 = load_[size_t(si) * cores_ + c1];
  const uint64_t l2 = load_[size_t(si) * cores_ + c2];
  const uint64_t n1 = l1 - (count(i, c1) == 1 ? bi : 0) +
                      (count(j, c1) == 0 ? bj : 0);
  const uint64_t n2 = l2 - (count(j, c2) == 1 ? bj : 0) +
                      (count(i, c2) == 0 ? bi : 0);
  return int64_t(over(si, n1)) + int64_t(over(si, n2)) -
         int64_t(over(si, l1)) - int64_t(over(si, l2));
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
