//===- Annealing.cpp - Simulated annealing over tile placements -----------===//
//
// State: tile -> core and core -> its tiles (compact slot lists).  A
// proposal picks a tile t uniformly and a target core c2: 80 % of the time
// the core of one of t's neighbours (on a mesh, half of those jittered to a
// random core within one hop of it), else a random core within a window
// around t's core that shrinks with the temperature.  Then:
//  * ~15 %: swap everything on t's core with everything on c2 (moves whole
//    clusters, e.g. a column of row tiles and their accumulator; cores are
//    interchangeable in capacity, so this is always feasible);
//  * else if c2 has a free slot, half of the time: move t there;
//  * else: swap t with a random tile of c2.
// Proposals that break a buffer capacity, or mix groups on a core when
// exclusiveGroups is set (a swap across groups only trades two cores' only
// tiles; whole-core swaps always keep it), are skipped.  The cost change only
// looks at the edges of the tiles that move (parallel edges merged), so a
// proposal is O(degree) (O(arraysPerCore * degree) for a core swap).  With a
// port model the cost also counts portExcessWeight x the port excess
// (PortLoad.h: O(1) per proposal; a whole-core swap leaves it unchanged,
// as every core has the same budgets); the temperature is set from the
// bit-hop changes alone, so with a large weight an uphill step in the
// excess is practically never taken: the port comes first.
//
// Schedule: a cold start, because the greedy layout is already structured
// and hot phases mostly destroy it (measured on the synthetic layered
// networks: 5,000 tiles, 10 M moves, 45.1 M bit-hops starting cold vs 52.9 M
// at an initial uphill acceptance of 0.02):  T0 accepts an uphill proposal
// of the average non-zero cost change (sampled from the start state) with
// probability 1/2000; geometric cooling over 200 stages down to T0 / 200.
// Instances with <= 64 tiles split the budget into 10 runs of 50 stages,
// each restarting from the best state so far (this found the proven optimum
// of all 81 small synthetic instances tried; one long run missed some).  The
// best state seen at a stage boundary is kept, so the result is never worse
// than the start.  The RNG is splitmix64 seeded from
// `PlacementOptions::seed`; the work budget is a move count, lowered when
// the adjacency entries a move reads (sampled) times the moves would exceed
// `annealMaxWork`, so runs are reproducible unless the wall-clock safety
// net fires.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include "PortLoad.h"

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

/// An uphill change of more than this many temperatures is never accepted:
/// the uniform draw is at least 2^-53, so -log(u) <= 53 ln 2 = 36.74.
constexpr double kMaxUphillOverT = 36.8;

} // namespace

AnnealStats nncc::placement::annealPlacement(const PlacementProblem &p,
                                             std::vector<int> &tileCore,
                                             const PlacementOptions &options,
                                             double wallSecondsBudget) {
  AnnealStats stats;
  const int n = p.numTiles();
  const int m = p.numCores;
  const int k = p.arraysPerCore;
  if (n < 2 || m < 2 || (p.traffic.empty() && !p.hasPortModel()))
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

  // Slots are kept compact: core c's tiles are slotTile[c][0 .. fill(c)).
  // One list per core that grows with what the core holds, not an
  // arraysPerCore-sized row per core: memory follows the tiles placed, not
  // the declared capacity (144 cores x 2^20 arrays would be 600 MB).
  std::vector<int> core;
  std::vector<std::vector<int>> slotTile;
  std::vector<int> tileSlot(n, 0);
  auto fill = [&](int c) { return int(slotTile[c].size()); };
  std::vector<uint64_t> used;
  int64_t cost = 0;
  PortLoads port(p);
  const int64_t portWeight = int64_t(p.portExcessWeight);
  auto load = [&](const std::vector<int> &assignment) {
    core = assignment;
    slotTile.assign(m, {});
    used.assign(m, 0);
    for (int t = 0; t < n; ++t) {
      int c = core[t];
      tileSlot[t] = fill(c);
      slotTile[c].push_back(t);
      if (buffered)
        used[c] += p.tileBufferBytes[t];
    }
    cost = int64_t(placementCost(p, core));
    port.reset(core);
    cost += portWeight * int64_t(port.excess());
  };
  load(tileCore);
  auto demand = [&](int t) -> uint64_t {
    return buffered ? p.tileBufferBytes[t] : 0;
  };

  int64_t bestCost = cost;
  std::vector<int> best = core;
  auto groupAt = [&](int c) {
    return fill(c) ? p.tileGroup[slotTile[c][0]] : -1;
  };

  // Core-to-core traffic (bits between the tiles on c and the tiles on d)
  // and core distances, dense, when the chip has few enough cores.  A
  // whole-core swap then costs O(cores) instead of reading every edge of
  // every tile on both cores (64 arrays per core and a few edges each make
  // that ~1,000 scattered reads); the delta is the same integer, so the
  // moves are the same (a swap counts `m` entries toward the work budget,
  // so where that budget binds, more moves fit).  Kept up to date by every
  // applied move.
  const bool coreMatrix = m <= options.annealCoreMatrixMaxCores;
  std::vector<int64_t> coreTraffic;
  std::vector<int32_t> coreDist;
  std::vector<int64_t> coreDegree; // adjacency entries of a core's tiles
  auto moveTraffic = [&](int t, int from, int to) {
    for (int64_t j = g.offset[t], e = g.offset[t + 1]; j < e; ++j) {
      int cu = core[g.neighbour[j]];
      int64_t w = g.weight[j];
      coreTraffic[size_t(from) * m + cu] -= w;
      coreTraffic[size_t(cu) * m + from] -= w;
      coreTraffic[size_t(to) * m + cu] += w;
      coreTraffic[size_t(cu) * m + to] += w;
    }
    int64_t deg = g.offset[t + 1] - g.offset[t];
    coreDegree[from] -= deg;
    coreDegree[to] += deg;
  };
  auto loadCoreMatrix = [&] {
    if (!coreMatrix)
      return;
    coreTraffic.assign(size_t(m) * m, 0);
    coreDegree.assign(m, 0);
    for (int t = 0; t < n; ++t) {
      coreDegree[core[t]] += g.offset[t + 1] - g.offset[t];
      for (int64_t j = g.offset[t], e = g.offset[t + 1]; j < e; ++j)
        coreTraffic[size_t(core[t]) * m + core[g.neighbour[j]]] +=
            g.weight[j];
    }
  };
  if (coreMatrix) {
    coreDist.resize(size_t(m) * m);
    for (int a = 0; a < m; ++a)
      for (int b = 0; b < m; ++b)
        coreDist[size_t(a) * m + b] = int32_t(dist(a, b));
    loadCoreMatrix();
  }

  Rng rng{options.seed ^ 0x5deece66dULL};

  // One proposal: t (on c1) moves to c2, swapping with t2 if t2 >= 0.
  struct Proposal {
    int t, t2, c1, c2;
    bool wholeCores; // swap everything on c1 with everything on c2
    int64_t delta;    // of the cost
    int64_t hopDelta; // of the bit-hops alone
  };
  // About 15 % of the proposals swap two whole cores.
  const unsigned coreSwapPer1024 = 154;
  const int maxDim = std::max(geom.width, geom.height);
  int window = maxDim;
  auto inMesh = [&](int x, int y, int &c) {
    if (x < 0 || y < 0 || x >= geom.width || y >= geom.height)
      return false;
    c = y * geom.width + x;
    return c < m;
  };
  // Adjacency entries read by proposals: the deterministic measure of work.
  uint64_t visits = 0;
  auto propose = [&](Proposal &pr) -> bool {
    int t = int(rng.below(uint32_t(n)));
    int c1 = core[t];
    int c2;
    int64_t deg = g.offset[t + 1] - g.offset[t];
    uint64_t r = rng.next();
    if (deg > 0 && (r & 1023) < 819) {
      int u = g.neighbour[g.offset[t] + rng.below(uint32_t(deg))];
      c2 = core[u];
      if (!bus && (r & 1024) &&
          !inMesh(cx[c2] + int(rng.below(3)) - 1,
                  cy[c2] + int(rng.below(3)) - 1, c2))
        return false;
    } else if (bus || window >= maxDim) {
      c2 = int(rng.below(uint32_t(m)));
    } else if (!inMesh(cx[c1] + int(rng.below(uint32_t(2 * window + 1))) - window,
                       cy[c1] + int(rng.below(uint32_t(2 * window + 1))) - window,
                       c2)) {
      return false;
    }
    if (c2 == c1)
      return false;
    if (((r >> 12) & 1023) < coreSwapPer1024) {
      // Whole-core swap: edges inside c1, inside c2 and between them keep
      // their length.
      int64_t delta = 0;
      if (coreMatrix && m < coreDegree[c1] + coreDegree[c2]) {
        // Traffic from c1 to d now travels from c2 and vice versa:
        // sum over d != c1, c2 of (W[c1][d] - W[c2][d]) (D[c2][d] - D[c1][d]).
        const int64_t *w1 = &coreTraffic[size_t(c1) * m];
        const int64_t *w2 = &coreTraffic[size_t(c2) * m];
        const int32_t *d1 = &coreDist[size_t(c1) * m];
        const int32_t *d2 = &coreDist[size_t(c2) * m];
        auto term = [&](int d) { return (w1[d] - w2[d]) * (d2[d] - d1[d]); };
        for (int d = 0; d < m; ++d)
          delta += term(d);
        delta -= term(c1) + term(c2);
        visits += uint64_t(m);
        pr = {t, -1, c1, c2, true, delta, delta};
        return true;
      }
      for (int side = 0; side < 2; ++side) {
        int from = side ? c2 : c1, to = side ? c1 : c2;
        for (int x : slotTile[from]) {
          visits += uint64_t(g.offset[x + 1] - g.offset[x]);
          for (int64_t j = g.offset[x], e = g.offset[x + 1]; j < e; ++j) {
            int cu = core[g.neighbour[j]];
            if (cu == c1 || cu == c2)
              continue;
            delta += g.weight[j] * (dist(to, cu) - dist(from, cu));
          }
        }
      }
      pr = {t, -1, c1, c2, true, delta, delta};
      return true;
    }
    // A free slot is taken half of the time; otherwise swap with a random
    // tile of c2.
    int t2 = -1;
    if (fill(c2) == k || (fill(c2) > 0 && (r & 2048)))
      t2 = slotTile[c2][rng.below(uint32_t(fill(c2)))];
    if (buffered) {
      if (t2 < 0) {
        if (used[c2] + demand(t) > p.coreBufferBytes)
          return false;
      } else if (used[c1] - demand(t) + demand(t2) > p.coreBufferBytes ||
                 used[c2] - demand(t2) + demand(t) > p.coreBufferBytes) {
        return false;
      }
    }
    if (p.exclusiveGroups) {
      const int gt = p.tileGroup[t];
      if (t2 < 0) {
        if (fill(c2) > 0 && groupAt(c2) != gt)
          return false;
      } else if (p.tileGroup[t2] != gt &&
                 (fill(c1) != 1 || fill(c2) != 1)) {
        return false;
      }
    }
    int64_t delta = 0;
    visits += uint64_t(g.offset[t + 1] - g.offset[t]);
    if (t2 >= 0)
      visits += uint64_t(g.offset[t2 + 1] - g.offset[t2]);
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
    const int64_t portDelta =
        t2 < 0 ? port.moveChange(t, c1, c2) : port.swapChange(t, c1, t2, c2);
    pr = {t, t2, c1, c2, false, delta + portWeight * portDelta, delta};
    return true;
  };
  auto apply = [&](const Proposal &pr) {
    if (pr.wholeCores) {
      if (port.active()) {
        for (int x : slotTile[pr.c1])
          port.move(x, pr.c1, pr.c2);
        for (int x : slotTile[pr.c2])
          port.move(x, pr.c2, pr.c1);
      }
      std::swap(slotTile[pr.c1], slotTile[pr.c2]);
      std::swap(used[pr.c1], used[pr.c2]);
      if (coreMatrix) {
        std::swap_ranges(coreTraffic.begin() + size_t(pr.c1) * m,
                         coreTraffic.begin() + size_t(pr.c1 + 1) * m,
                         coreTraffic.begin() + size_t(pr.c2) * m);
        for (int d = 0; d < m; ++d)
          std::swap(coreTraffic[size_t(d) * m + pr.c1],
                    coreTraffic[size_t(d) * m + pr.c2]);
        std::swap(coreDegree[pr.c1], coreDegree[pr.c2]);
      }
      for (int c : {pr.c1, pr.c2})
        for (int x : slotTile[c])
          core[x] = c;
    } else if (pr.t2 >= 0) {
      // Moved one after the other so that the edge t - t2 is counted with
      // the other tile's current core each time.
      if (coreMatrix) {
        moveTraffic(pr.t, pr.c1, pr.c2);
        core[pr.t] = pr.c2;
        moveTraffic(pr.t2, pr.c2, pr.c1);
      }
      port.move(pr.t, pr.c1, pr.c2);
      port.move(pr.t2, pr.c2, pr.c1);
      std::swap(slotTile[pr.c1][tileSlot[pr.t]],
                slotTile[pr.c2][tileSlot[pr.t2]]);
      std::swap(tileSlot[pr.t], tileSlot[pr.t2]);
      core[pr.t] = pr.c2;
      core[pr.t2] = pr.c1;
      if (buffered) {
        used[pr.c1] += demand(pr.t2);
        used[pr.c1] -= demand(pr.t);
        used[pr.c2] += demand(pr.t);
        used[pr.c2] -= demand(pr.t2);
      }
    } else {
      if (coreMatrix)
        moveTraffic(pr.t, pr.c1, pr.c2);
      port.move(pr.t, pr.c1, pr.c2);
      int s = tileSlot[pr.t];
      int last = slotTile[pr.c1].back();
      slotTile[pr.c1][s] = last;
      tileSlot[last] = s;
      slotTile[pr.c1].pop_back();
      tileSlot[pr.t] = fill(pr.c2);
      slotTile[pr.c2].push_back(pr.t);
      core[pr.t] = pr.c2;
      if (buffered) {
        used[pr.c1] -= demand(pr.t);
        used[pr.c2] += demand(pr.t);
      }
    }
    cost += pr.delta;
  };

  // Initial temperature from a sample of proposals (not applied): an
  // average non-zero cost change is accepted uphill with probability 0.1.
  double change = 0;
  int changeCount = 0;
  const int samples = 4000;
  for (int i = 0; i < samples; ++i) {
    Proposal pr;
    if (propose(pr) && pr.hopDelta != 0) {
      change += std::abs(double(pr.hopDelta));
      ++changeCount;
    }
  }
  if (changeCount == 0) {
    // Every sampled proposal was neutral: fall back to the mean edge weight.
    for (int64_t w : g.weight)
      change += double(w);
    changeCount = int(std::max<size_t>(g.weight.size(), 1));
  }
  if (change <= 0 && port.active()) {
    // No traffic to price: only the port excess moves, so any positive
    // temperature keeps its uphill steps out.
    change = 1;
    changeCount = 1;
  }
  if (change <= 0)
    return stats;
  // A cold start (the greedy layout is already structured and hot phases
  // mostly destroy it): T0 accepts the average change uphill with
  // probability 1/2000, T falls geometrically by a factor of 200.  Small
  // instances (<= 64 tiles) split the budget into 10 shorter runs, each
  // restarting from the best state so far; larger ones make one long run.
  const double t0 = (change / changeCount) / std::log(2000.0);
  const double tEnd = t0 / 200.0;
  const int runs = n <= 64 ? 10 : 1;
  const int stages = runs > 1 ? 50 : 200;
  uint64_t total = uint64_t(options.annealMovesPerTile * n);
  total = std::max(total, options.annealMinMoves);
  total = std::min(total, options.annealMaxMoves);
  // The work budget: the sample above says how many adjacency entries a
  // proposal reads on average (core swaps read every edge of two cores, so
  // this grows with arraysPerCore and the degree); fewer moves, same
  // schedule, when the budget would be exceeded.  Visits are counted, not
  // timed, so this stays deterministic; 2x the budget is a hard stop in case
  // the sample was unrepresentative.
  const double visitsPerMove = std::max(1.0, double(visits) / samples);
  if (options.annealMaxWork > 0 &&
      double(total) * visitsPerMove > double(options.annealMaxWork)) {
    total = std::max<uint64_t>(
        uint64_t(double(options.annealMaxWork) / visitsPerMove), 1);
    stats.workLimited = true;
  }
  visits = 0;
  auto overWork = [&] {
    return options.annealMaxWork > 0 && visits > 2 * options.annealMaxWork;
  };
  const uint64_t perStage = std::max<uint64_t>(total / stages / runs, 1);
  const double alpha = std::pow(tEnd / t0, 1.0 / (stages - 1));

  for (int run = 0; run < runs && !stats.wallClockLimitHit && !overWork();
       ++run) {
    if (run > 0) {
      load(best);
      loadCoreMatrix();
    }
    double temperature = t0;
    for (int stage = 0; stage < stages; ++stage, temperature *= alpha) {
      window =
          std::max(1, int(std::ceil(maxDim * std::sqrt(temperature / t0))));
      for (uint64_t i = 0; i < perStage; ++i) {
        if (overWork()) {
          stats.workLimited = true;
          break;
        }
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
        // u is drawn for every uphill proposal (the RNG sequence does not
        // depend on the shortcut); -log(u) <= 53 ln 2 < 36.8 for u in
        // (2^-53, 1], so larger changes are rejected without the log.
        if (pr.delta <= 0) {
          apply(pr);
        } else {
          const double u = rng.unit();
          const double d = double(pr.delta);
          if (d < kMaxUphillOverT * temperature &&
              d < -temperature * std::log(u))
            apply(pr);
        }
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = core;
      }
      if (stats.wallClockLimitHit || overWork())
        break;
    }
  }
  stats.visits = visits;
  tileCore = std::move(best);
  return stats;
}
