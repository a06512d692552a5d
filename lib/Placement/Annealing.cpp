//===- Annealing.cpp - Simulated annealing over tile placements -----------===//
//
// State: tile -> core and core -> slots (arraysPerCore per core, -1 = free).
// A proposal picks a tile t uniformly and a target core: 80 % of the time the
// core of one of t's neighbours (on a mesh, half of those a random core
// within one hop of it), else a random core within a window around t's core
// that shrinks from the whole mesh to radius 1 as the temperature falls.
// A random slot of the target core is then either free (move t there) or
// holds t2 (swap t and t2); proposals that break a buffer capacity are
// skipped.  The cost change only touches t's and t2's edges (parallel edges
// merged), so a proposal is O(deg t + deg t2).
//
// Schedule: T0 accepts an uphill proposal of the average non-zero cost
// change (sampled from the start state) with probability 0.1; geometric
// cooling over 200 stages down to T0 / 2000; the best state seen at a stage boundary is kept, and the result
// is never worse than the start.  The RNG is splitmix64 seeded from
// `PlacementOptions::seed`; the work budget is a move count, so runs are
// reproducible unless the wall-clock safety net fires.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace nncc::placement;

namespace {

struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n) (Lemire's multiply-shift; the tiny bias is irrelevant
  /// here and the mapping is portable).
  uint32_t below(uint32_t n) {
    return uint32_t((uint64_t(uint32_t(next() >> 32)) * n) >> 32);
  }
  /// Uniform in (0, 1].
  double unit() { return double((next() >> 11) + 1) * (1.0 / 9007199254740992.0); }
};

/// Adjacency in CSR form with parallel and reverse edges merged.
struct Graph {
  std::vector<int64_t> offset;
  std::vector<int> neighbour;
  std::vector<int64_t> weight;
};

Graph buildGraph(const PlacementProblem &p) {
  const int n = p.numTiles();
  struct Half {
    int from, to;
    uint64_t bits;
  };
  std::vector<Half> halves;
  halves.reserve(p.traffic.size() * 2);
  for (const TrafficEdge &e : p.traffic) {
    if (e.a == e.b || e.bits == 0)
      continue;
    halves.push_back({e.a, e.b, e.bits});
    halves.push_back({e.b, e.a, e.bits});
  }
  std::sort(halves.begin(), halves.end(), [](const Half &x, const Half &y) {
    return x.from != y.from ? x.from < y.from : x.to < y.to;
  });
  Graph g;
  g.offset.assign(n + 1, 0);
  for (size_t i = 0; i < halves.size(); ++i) {
    if (!g.neighbour.empty() && i > 0 && halves[i].from == halves[i - 1].from &&
        halves[i].to == halves[i - 1].to) {
      g.weight.back() += int64_t(halves[i].bits);
      continue;
    }
    g.neighbour.push_back(halves[i].to);
    g.weight.push_back(int64_t(halves[i].bits));
    ++g.offset[halves[i].from + 1];
  }
  for (int t = 0; t < n; ++t)
    g.offset[t + 1] += g.offset[t];
  return g;
}

} // namespace

AnnealStats nncc::placement::annealPlacement(const PlacementProblem &p,
                                             std::vector<int> &tileCore,
                                             const PlacementOptions &options,
                                             double wallSecondsBudget) {
  AnnealStats stats;
  const int n = p.numTiles();
  const int m = p.numCores;
  const int k = p.arraysPerCore;
  if (n < 2 || m < 2 || p.traffic.empty())
    return stats;
  const auto start = std::chrono::steady_clock::now();
  const MeshGeometry geom = resolveGeometry(p);
  const bool bus = p.topology == Topology::Bus;
  const bool buffered = p.coreBufferBytes != 0 && !p.tileBufferBytes.empty();
  const Graph g = buildGraph(p);

  std::vector<int> cx(m), cy(m);
  for (int c = 0; c < m; ++c) {
    cx[c] = c % geom.width;
    cy[c] = c / geom.width;
  }
  auto dist = [&](int a, int b) -> int64_t {
    if (bus)
      return a != b;
    return std::abs(cx[a] - cx[b]) + std::abs(cy[a] - cy[b]);
  };

  std::vector<int> core = tileCore;
  std::vector<int> slotTile(size_t(m) * k, -1), tileSlot(n, 0);
  std::vector<int> fill(m, 0);
  std::vector<uint64_t> used(m, 0);
  for (int t = 0; t < n; ++t) {
    int c = core[t];
    tileSlot[t] = fill[c];
    slotTile[size_t(c) * k + fill[c]++] = t;
    if (buffered)
      used[c] += p.tileBufferBytes[t];
  }
  auto demand = [&](int t) -> uint64_t {
    return buffered ? p.tileBufferBytes[t] : 0;
  };

  int64_t cost = int64_t(placementCost(p, core));
  int64_t bestCost = cost;
  std::vector<int> best = core;

  Rng rng{options.seed ^ 0x5deece66dULL};

  // One proposal: returns false if it is not applicable.
  struct Proposal {
    int t, t2, c1, c2, slot;
    int64_t delta;
  };
  int window = std::max(geom.width, geom.height);
  auto propose = [&](Proposal &pr) -> bool {
    int t = int(rng.below(uint32_t(n)));
    int c1 = core[t];
    int c2;
    int64_t deg = g.offset[t + 1] - g.offset[t];
    uint64_t r = rng.next();
    if (deg > 0 && (r & 1023) < 819) {
      int u = g.neighbour[g.offset[t] + rng.below(uint32_t(deg))];
      c2 = core[u];
      if (!bus && (r & 1024)) {
        int x = cx[c2] + int(rng.below(3)) - 1;
        int y = cy[c2] + int(rng.below(3)) - 1;
        if (x < 0 || y < 0 || x >= geom.width || y >= geom.height)
          return false;
        c2 = y * geom.width + x;
        if (c2 >= m)
          return false;
      }
    } else if (bus || window >= std::max(geom.width, geom.height)) {
      c2 = int(rng.below(uint32_t(m)));
    } else {
      int x = cx[c1] + int(rng.below(uint32_t(2 * window + 1))) - window;
      int y = cy[c1] + int(rng.below(uint32_t(2 * window + 1))) - window;
      if (x < 0 || y < 0 || x >= geom.width || y >= geom.height)
        return false;
      c2 = y * geom.width + x;
      if (c2 >= m)
        return false;
    }
    if (c2 == c1)
      return false;
    int slot = int(rng.below(uint32_t(k)));
    int t2 = slotTile[size_t(c2) * k + slot];
    if (buffered) {
      if (t2 < 0) {
        if (used[c2] + demand(t) > p.coreBufferBytes)
          return false;
      } else if (used[c1] - demand(t) + demand(t2) > p.coreBufferBytes ||
                 used[c2] - demand(t2) + demand(t) > p.coreBufferBytes) {
        return false;
      }
    }
    int64_t delta = 0;
    for (int64_t j = g.offset[t], e = g.offset[t + 1]; j < e; ++j) {
      int u = g.neighbour[j];
      if (u == t2)
        continue;
      int cu = core[u];
      delta += g.weight[j] * (dist(c2, cu) - dist(c1, cu));
    }
    if (t2 >= 0)
      for (int64_t j = g.offset[t2], e = g.offset[t2 + 1]; j < e; ++j) {
        int u = g.neighbour[j];
        if (u == t)
          continue;
        int cu = core[u];
        delta += g.weight[j] * (dist(c1, cu) - dist(c2, cu));
      }
    pr = {t, t2, c1, c2, slot, delta};
    return true;
  };
  auto apply = [&](const Proposal &pr) {
    int s1 = tileSlot[pr.t];
    slotTile[size_t(pr.c2) * k + pr.slot] = pr.t;
    slotTile[size_t(pr.c1) * k + s1] = pr.t2;
    tileSlot[pr.t] = pr.slot;
    core[pr.t] = pr.c2;
    if (pr.t2 >= 0) {
      tileSlot[pr.t2] = s1;
      core[pr.t2] = pr.c1;
    }
    if (buffered) {
      used[pr.c2] += demand(pr.t);
      used[pr.c1] -= demand(pr.t);
      if (pr.t2 >= 0) {
        used[pr.c1] += demand(pr.t2);
        used[pr.c2] -= demand(pr.t2);
      }
    }
    cost += pr.delta;
  };

  // Initial temperature from a sample of proposals (not applied): an
  // average non-zero cost change is accepted uphill with probability 0.1.
  double change = 0;
  int changeCount = 0;
  for (int i = 0; i < 4000; ++i) {
    Proposal pr;
    if (propose(pr) && pr.delta != 0) {
      change += std::abs(double(pr.delta));
      ++changeCount;
    }
  }
  if (changeCount == 0) {
    // Every sampled proposal was neutral: fall back to the mean edge weight.
    for (int64_t w : g.weight)
      change += double(w);
    changeCount = int(std::max<size_t>(g.weight.size(), 1));
  }
  if (change <= 0)
    return stats;
  const double t0 = (change / changeCount) / std::log(10.0);
  const double tEnd = t0 / 2000.0;
  const int stages = 200;
  uint64_t total = uint64_t(options.annealMovesPerTile * n);
  total = std::max(total, options.annealMinMoves);
  total = std::min(total, options.annealMaxMoves);
  const uint64_t perStage = std::max<uint64_t>(total / stages, 1);
  const double alpha = std::pow(tEnd / t0, 1.0 / (stages - 1));
  const int maxDim = std::max(geom.width, geom.height);

  double temperature = t0;
  for (int stage = 0; stage < stages; ++stage, temperature *= alpha) {
    window = std::max(1, int(std::ceil(maxDim * std::sqrt(temperature / t0))));
    for (uint64_t i = 0; i < perStage; ++i) {
      if ((stats.moves & 1023) == 0 && wallSecondsBudget > 0 &&
          std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                        start)
                  .count() > wallSecondsBudget) {
        stats.wallClockLimitHit = true;
        break;
      }
      ++stats.moves;
      Proposal pr;
      if (!propose(pr))
        continue;
      if (pr.delta <= 0 ||
          double(pr.delta) < -temperature * std::log(rng.unit()))
        apply(pr);
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = core;
    }
    if (stats.wallClockLimitHit)
      break;
  }
  tileCore = std::move(best);
  return stats;
}
