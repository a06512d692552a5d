//===- LowerBound.cpp - A cheap lower bound on the placement objective ----===//
//
// A Gilmore-Lawler-style bound without the assignment step.  In any
// placement, tile t's core c has at most arraysPerCore - 1 other tiles on it
// and at most arraysPerCore * S_c(d) - 1 other tiles within d hops, where
// S_c(d) counts the cores within d hops of c.  S_c(d) <= S(d), the number of
// grid positions within d hops of a centre position of the full
// width x height grid (the centre maximises it: per column, the clipped
// interval [y - r, y + r] is longest at the centre row, and the sum over
// columns of a non-increasing function of |x - x'| is largest at the centre
// column), capped at numCores.  So if t's merged neighbour weights sorted
// descending are w_1 >= w_2 >= ..., the i-th heaviest neighbour is at least
// d_i = min { d : arraysPerCore * S(d) - 1 >= i } hops away in the best
// case, and t's edges cost at least LB_t = sum_i w_i * d_i (a rearrangement
// argument: any placement pairs the weights with distances that are
// element-wise no smaller than d_i once sorted).  Each edge is counted from
// both ends, so OPT >= ceil(sum_t LB_t / 2).  Bus: S(0) = 1, S(d) = M.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include <algorithm>
#include <functional>

using namespace nncc::placement;

uint64_t nncc::placement::placementLowerBound(const PlacementProblem &p) {
  const int n = p.numTiles();
  if (n == 0 || p.numCores <= 0 || p.arraysPerCore <= 0)
    return 0;
  const MeshGeometry g = resolveGeometry(p);
  const int64_t k = p.arraysPerCore;

  // cumulative[d] = S(d), for d = 0 .. maxD.
  std::vector<int64_t> cumulative;
  if (p.topology == Topology::Bus) {
    cumulative = {1, p.numCores};
  } else {
    const int maxD = (g.width - 1) + (g.height - 1);
    cumulative.assign(maxD + 1, 0);
    for (int cxp : {(g.width - 1) / 2, g.width / 2})
      for (int cyp : {(g.height - 1) / 2, g.height / 2})
        for (int d = 0; d <= maxD; ++d) {
          int64_t count = 0;
          for (int x = std::max(0, cxp - d); x <= std::min(g.width - 1, cxp + d);
               ++x) {
            int r = d - std::abs(x - cxp);
            count += std::min(g.height - 1, cyp + r) - std::max(0, cyp - r) + 1;
          }
          cumulative[d] = std::max(cumulative[d], count);
        }
    for (int64_t &c : cumulative)
      c = std::min<int64_t>(c, p.numCores);
  }

  // Merged neighbour weights per tile.
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

  unsigned __int128 total = 0;
  std::vector<uint64_t> weights;
  size_t i = 0;
  while (i < halves.size()) {
    int from = halves[i].from;
    weights.clear();
    while (i < halves.size() && halves[i].from == from) {
      uint64_t w = halves[i].bits;
      int to = halves[i].to;
      ++i;
      while (i < halves.size() && halves[i].from == from &&
             halves[i].to == to)
        w += halves[i++].bits;
      weights.push_back(w);
    }
    std::sort(weights.begin(), weights.end(), std::greater<uint64_t>());
    size_t d = 0;
    for (size_t j = 0; j < weights.size(); ++j) {
      // Neighbour j (0-based) is the (j + 1)-th: it needs k * S(d) - 1 >= j + 1.
      while (d + 1 < cumulative.size() &&
             k * cumulative[d] - 1 < int64_t(j) + 1)
        ++d;
      total += (unsigned __int128)weights[j] * d;
    }
  }
  return uint64_t((total + 1) / 2);
}
