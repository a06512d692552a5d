//===- Greedy.cpp - Layer-by-layer placement along a Hilbert curve --------===//
//
// Tiles, sorted by (group, index), fill the cores in the order of a
// generalised Hilbert curve over the mesh (positions >= numCores skipped), so
// a layer occupies a compact run of cores and the next layer continues on
// the neighbouring ones.  Next-fit: the current core takes tiles until its
// array or buffer capacity is exhausted.  If the buffer capacity fragments
// the cores so much that next-fit runs out, the remaining tiles go
// first-fit-decreasing (by buffer demand) over all cores in curve order.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <numeric>

using namespace nncc::placement;

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

  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return p.tileGroup[a] < p.tileGroup[b];
  });

  const bool buffered = p.coreBufferBytes != 0 && !p.tileBufferBytes.empty();
  auto demand = [&](int t) -> uint64_t {
    return buffered ? p.tileBufferBytes[t] : 0;
  };
  std::vector<int> count(p.numCores, 0);
  std::vector<uint64_t> used(p.numCores, 0);
  auto fits = [&](int c, int t) {
    return count[c] < p.arraysPerCore &&
           (!buffered || used[c] + demand(t) <= p.coreBufferBytes);
  };
  std::vector<int> tileCore(n, -1);
  std::vector<int> left;
  size_t cursor = 0;
  for (int t : order) {
    while (cursor < curve.size() && !fits(curve[cursor], t))
      ++cursor;
    if (cursor == curve.size()) {
      left.push_back(t);
      continue;
    }
    int c = curve[cursor];
    tileCore[t] = c;
    ++count[c];
    used[c] += demand(t);
  }
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
    ++count[*it];
    used[*it] += demand(t);
  }
  return tileCore;
}
