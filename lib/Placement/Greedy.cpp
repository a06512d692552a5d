//===- Greedy.cpp - Layer-by-layer placement along a Hilbert curve --------===//
//
// Cores are filled in the order of a generalised Hilbert curve over the mesh
// (positions >= numCores skipped), next-fit, one group (layer) after the
// other in increasing group id, so a layer occupies a compact run of cores
// and the next layer continues on the neighbouring ones.  Within a group the
// next tile for the current core is the one with the most traffic to the
// tiles already on that core; failing that, the most traffic to all tiles
// placed so far (so a new core continues where the previous layer left
// off); failing that, the lowest index.  A core is left when it is full,
// the chosen tile's buffer demand does not fit or (exclusiveGroups) it holds
// another group.  If the buffer capacity
// fragments the cores so much that next-fit runs out, the remaining tiles go
// first-fit-decreasing (by buffer demand) over all cores in curve order.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <queue>

using namespace nncc::placement;

namespace {

/// A tile with traffic to the current core: ordered so that the heap's top
/// is the greedy's choice (core affinity, then placed affinity, descending;
/// then the lowest tile index).
struct CoreCandidate {
  uint64_t core;
  uint64_t placed;
  int tile;
  bool operator<(const CoreCandidate &o) const {
    if (core != o.core)
      return core < o.core;
    if (placed != o.placed)
      return placed < o.placed;
    return tile > o.tile;
  }
};

} // namespace

llvm::Expected<std::vector<int>>
nncc::placement::greedyPlacement(const PlacementProblem &p) {
  if (llvm::Error err = verifyProblem(p))
    return std::move(err);
  const int n = p.numTiles();
  const MeshGeometry g = resolveGeometry(p);
  std::vector<int> curve;
  for (int pos : hilbertOrder(g.width, g.height))
    if (pos < p.numCores)
      curve.push_back(pos);

  // Undirected adjacency (CSR, parallel edges kept: sums come out right).
  std::vector<int64_t> offset(n + 1, 0);
  for (const TrafficEdge &e : p.traffic)
    if (e.a != e.b) {
      ++offset[e.a + 1];
      ++offset[e.b + 1];
    }
  for (int t = 0; t < n; ++t)
    offset[t + 1] += offset[t];
  std::vector<int> neighbour(offset[n]);
  std::vector<uint64_t> weight(offset[n]);
  {
    std::vector<int64_t> fillAt(offset.begin(), offset.end() - 1);
    for (const TrafficEdge &e : p.traffic)
      if (e.a != e.b) {
        neighbour[fillAt[e.a]] = e.b;
        weight[fillAt[e.a]++] = e.bits;
        neighbour[fillAt[e.b]] = e.a;
        weight[fillAt[e.b]++] = e.bits;
      }
  }

  // Groups in increasing id, tiles in index order.
  std::map<int, std::vector<int>> groups;
  for (int t = 0; t < n; ++t)
    groups[p.tileGroup[t]].push_back(t);

  const bool buffered = p.coreBufferBytes != 0 && !p.tileBufferBytes.empty();
  auto demand = [&](int t) -> uint64_t {
    return buffered ? p.tileBufferBytes[t] : 0;
  };
  std::vector<int> count(p.numCores, 0);
  std::vector<uint64_t> used(p.numCores, 0);
  std::vector<int> coreGroup(p.numCores, -1); // exclusiveGroups: its group
  auto fits = [&](int c, int t) {
    return count[c] < p.arraysPerCore &&
           (!buffered || used[c] + demand(t) <= p.coreBufferBytes) &&
           (!p.exclusiveGroups || count[c] == 0 ||
            coreGroup[c] == p.tileGroup[t]);
  };
  std::vector<int> tileCore(n, -1);
  std::vector<uint64_t> placedAffinity(n, 0), coreAffinity(n, 0);
  std::vector<int> touched; // tiles with coreAffinity != 0
  std::vector<int> left;
  size_t cursor = 0;

  for (auto &[group, tiles] : groups) {
    // Max-heap of (placed affinity, -tile) with lazy deletion.
    std::priority_queue<std::pair<uint64_t, int>> heap;
    // Tiles of this group touched by the current core's tiles (see pick),
    // including those the previous group's tiles on this core touched.
    std::priority_queue<CoreCandidate> coreHeap;
    for (int u : touched)
      if (tileCore[u] < 0 && p.tileGroup[u] == group)
        coreHeap.push({coreAffinity[u], placedAffinity[u], u});
    for (int t : tiles)
      if (placedAffinity[t] > 0)
        heap.push({placedAffinity[t], -t});
    size_t lowest = 0; // next unplaced tile in index order
    size_t remaining = tiles.size();
    auto place = [&](int t, int c) {
      tileCore[t] = c;
      coreGroup[c] = p.tileGroup[t];
      ++count[c];
      used[c] += demand(t);
      --remaining;
      for (int64_t j = offset[t]; j < offset[t + 1]; ++j) {
        int u = neighbour[j];
        if (tileCore[u] >= 0)
          continue;
        placedAffinity[u] += weight[j];
        if (p.tileGroup[u] == group)
          heap.push({placedAffinity[u], -u});
        if (coreAffinity[u] == 0)
          touched.push_back(u);
        coreAffinity[u] += weight[j];
        if (p.tileGroup[u] == group)
          coreHeap.push({coreAffinity[u], placedAffinity[u], u});
      }
    };
    auto resetCore = [&] {
      for (int u : touched)
        coreAffinity[u] = 0;
      touched.clear();
      coreHeap = {};
    };
    // The best candidate for the current core: most traffic to the core's
    // tiles, then to all placed tiles, then the lowest index.  A max-heap
    // with lazy deletion (an entry is stale once its tile is placed or
    // either affinity grew), so a pick is O(log E) however many tiles the
    // core holds; a linear scan of the touched tiles made a core with room
    // for the whole group (e.g. 2x2 arrays, 2^20 arrays per core)
    // quadratic in the group's size.
    auto pick = [&]() -> int {
      while (!coreHeap.empty()) {
        const CoreCandidate &top = coreHeap.top();
        int u = top.tile;
        if (tileCore[u] >= 0 || top.core != coreAffinity[u] ||
            top.placed != placedAffinity[u]) {
          coreHeap.pop();
          continue;
        }
        return u;
      }
      while (!heap.empty()) {
        auto [value, negTile] = heap.top();
        int u = -negTile;
        if (tileCore[u] >= 0 || value != placedAffinity[u]) {
          heap.pop();
          continue;
        }
        return u;
      }
      while (lowest < tiles.size() && tileCore[tiles[lowest]] >= 0)
        ++lowest;
      return tiles[lowest];
    };
    while (remaining > 0) {
      if (cursor == curve.size()) {
        for (int t : tiles)
          if (tileCore[t] < 0)
            left.push_back(t);
        break;
      }
      int c = curve[cursor];
      int t = pick();
      if (!fits(c, t)) {
        ++cursor;
        resetCore();
        continue;
      }
      place(t, c);
      if (count[c] == p.arraysPerCore) {
        ++cursor;
        resetCore();
      }
    }
  }
  // Next-fit ran out of cores (buffer fragmentation): first-fit-decreasing.
  std::stable_sort(left.begin(), left.end(),
                   [&](int a, int b) { return demand(a) > demand(b); });
  for (int t : left) {
    auto it = std::find_if(curve.begin(), curve.end(),
                           [&](int c) { return fits(c, t); });
    if (it == curve.end())
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          llvm::formatv("placement: greedy packing failed: tile {0} ({1} "
                        "buffer bytes) fits no core ({2} cores, {3} bytes "
                        "each); the buffer capacity is too fragmented",
                        t, demand(t), p.numCores, p.coreBufferBytes));
    tileCore[t] = *it;
    coreGroup[*it] = p.tileGroup[t];
    ++count[*it];
    used[*it] += demand(t);
  }
  return tileCore;
}
