//===- PortLoad.h - Buffer-port loads of a placement, kept up to date -----===//
//
// Internal to lib/Placement.  The port model of PlacementProblem
// (tilePortItem & co.): per (item, core) how many tiles read the item there,
// per (stage, core) the distinct items' bits plus the result bits of the
// tiles there.  The annealer prices every proposal in O(1) without changing
// anything (moveChange, swapChange) and applies the accepted ones through
// `move`.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_LIB_PLACEMENT_PORTLOAD_H
#define NNCC_LIB_PLACEMENT_PORTLOAD_H

#include "nncc/Placement/Placement.h"

#include "llvm/ADT/DenseMap.h"

#include <cstdint>
#include <vector>

namespace nncc::placement {

class PortLoads {
public:
  explicit PortLoads(const PlacementProblem &problem);

  /// Whether the problem has a port model (else every call is a no-op).
  bool active() const { return active_; }
  /// Recounts everything for `tileCore`.
  void reset(llvm::ArrayRef<int> tileCore);
  /// Tile t leaves core `from` for core `to`: returns the change of the
  /// excess in bits.
  int64_t move(int t, int from, int to);
  /// The change of the excess `move(t, from, to)` would make, and that of
  /// swapping t (on c1) with t2 (on c2), without changing anything: the
  /// annealer prices every proposal, and applies few.
  int64_t moveChange(int t, int from, int to) const {
    const int item = itemOf(t);
    if (item < 0 || from == to)
      return 0;
    const int stage = problem_.portItemStage[item];
    const int64_t bits = int64_t(problem_.portItemBits[item]);
    // t's item leaves `from` with its last reader there and reaches `to`
    // with its first; t's own result bits go with it.
    const int64_t own = ownBits(t);
    return overChange(stage, from, -(count(item, from) == 1 ? bits : 0) - own) +
           overChange(stage, to, (count(item, to) == 0 ? bits : 0) + own);
  }
  int64_t swapChange(int t, int c1, int t2, int c2) const;
  /// sum over (stage, core) of max(0, load - budget).
  uint64_t excess() const { return excess_; }

private:
  /// The item tile t reads; -1 for none or without a port model.
  int itemOf(int t) const { return active_ ? problem_.tilePortItem[t] : -1; }
  int32_t &count(int item, int core) {
    const uint64_t key = uint64_t(item) * uint64_t(cores_) + uint64_t(core);
    return denseCounts_ ? denseCount_[key] : sparseCount_[key];
  }
  int32_t count(int item, int core) const {
    const uint64_t key = uint64_t(item) * uint64_t(cores_) + uint64_t(core);
    if (denseCounts_)
      return denseCount_[key];
    auto it = sparseCount_.find(key);
    return it == sparseCount_.end() ? 0 : it->second;
  }
  uint64_t over(int stage, uint64_t load) const {
    uint64_t budget = problem_.stagePortBudget[stage];
    return load > budget ? load - budget : 0;
  }
  /// The change of the excess when core c's load of `stage` changes by d.
  int64_t overChange(int stage, int c, int64_t d) const {
    const uint64_t load = load_[size_t(stage) * cores_ + c];
    return int64_t(over(stage, uint64_t(int64_t(load) + d))) -
           int64_t(over(stage, load));
  }
  /// Result bits tile t writes through its core's port (0 for none).
  int64_t ownBits(int t) const {
    return problem_.tileResultBits.empty()
               ? 0
               : int64_t(problem_.tileResultBits[t]);
  }

  const PlacementProblem &problem_;
  bool active_ = false;
  int cores_ = 0;
  // Counts are dense while items x cores stays small, else hashed.
  bool denseCounts_ = true;
  std::vector<int32_t> denseCount_;
  llvm::DenseMap<uint64_t, int32_t> sparseCount_;
  std::vector<uint64_t> load_; ///< stage * cores + core
  uint64_t excess_ = 0;
};

} // namespace nncc::placement

#endif // NNCC_LIB_PLACEMENT_PORTLOAD_H
