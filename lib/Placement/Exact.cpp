//===- Exact.cpp - Z3 optimize encoding of the placement problem ----------===//
//
// The only file that includes z3++.h; built with -fexceptions.  Every Z3 call
// sits inside one try block: a z3::exception (or std::exception, e.g.
// bad_alloc) becomes `ExactResult::status = "error: ..."` and the caller
// keeps its incumbent.
//
// Common part: one Boolean p[t][c] per tile and core; exactly one per tile
// (atmost/atleast 1, pseudo-Boolean), at most arraysPerCore per core
// (atmost), the buffer capacity as a pseudo-Boolean (or, if the numbers do
// not fit in int, linear-integer) sum.  Parallel edges are merged.
//
// Symmetry breaking (valid because all cores have equal capacities):
//  * full mesh (numCores == width * height): the heaviest tile lies in the
//    fundamental domain of the grid's reflections, x <= (W-1)/2 and
//    y <= (H-1)/2, and on a square grid also x <= y (transpose);
//  * bus: cores are interchangeable, so cores are numbered in order of first
//    use ("restricted growth"): p[t][c] -> OR_{j<t} p[j][c-1], and tile t
//    only on cores <= t.
//
// Z3Encoding::Arithmetic: integer x_t, y_t with p[t][c] -> x_t = cx, y_t = cy;
// per edge dx >= xa - xb, dx >= xb - xa (same for y); minimize
// sum w (dx + dy) (the minimisation makes dx = |xa - xb|).  Bus: a Boolean
// "separated" per edge forced by p[a][c] & !p[b][c].
//
// Z3Encoding::MaxSat: order encoding gx[t][k] <=> x_t >= k (k = 1..W-1),
// chained gx[t][k+1] -> gx[t][k], fixed by p[t][c] -> gx[t][cx] and
// p[t][c] -> !gx[t][cx+1].  Per edge and k, Dx[e][k] is forced true when
// |xa - xb| >= k by the clauses gx[a][j+k] & !gx[b][j+1] -> Dx[e][k] (and
// with a, b swapped) for every j; soft clause !Dx[e][k] with weight w.
// The violated soft weight is then sum_e w * (|dx| + |dy|) at the optimum.
// Bus: one D per edge as in the arithmetic encoding.  Z3's MaxRes raises
// the lower bound (`get_lower`) core by core, so a cut-short run still
// yields a bound.
//
// Warm start: the objective is constrained to <= cost(incumbent).
// Determinism: Z3 runs single-threaded with `smt.random_seed` and
// `sat.random_seed` set from the seed.  These are Z3 *global* parameters, so
// the Z3 phase holds a process-wide mutex.  The budget is Z3's `rlimit`
// (deterministic); the wall-clock `timeout` is only a safety net.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include <z3++.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>

using namespace nncc::placement;

namespace {

struct MergedEdge {
  int a, b;
  uint64_t w;
};

std::vector<MergedEdge> mergeEdges(const PlacementProblem &p) {
  std::map<std::pair<int, int>, uint64_t> merged;
  for (const TrafficEdge &e : p.traffic) {
    if (e.a == e.b || e.bits == 0)
      continue;
    merged[{std::min(e.a, e.b), std::max(e.a, e.b)}] += e.bits;
  }
  std::vector<MergedEdge> out;
  for (const auto &[key, w] : merged)
    out.push_back({key.first, key.second, w});
  return out;
}

std::mutex &z3Mutex() {
  static std::mutex mutex;
  return mutex;
}

z3::expr uintVal(z3::context &ctx, uint64_t v) {
  return ctx.int_val(static_cast<uint64_t>(v));
}

} // namespace

ExactResult nncc::placement::solveExact(const PlacementProblem &p,
                                        llvm::ArrayRef<int> incumbent,
                                        const PlacementOptions &options,
                                        double wallSecondsBudget) {
  ExactResult result;
  const int n = p.numTiles();
  const int m = p.numCores;
  const int k = p.arraysPerCore;
  const MeshGeometry geom = resolveGeometry(p);
  const bool bus = p.topology == Topology::Bus;
  const bool buffered = p.coreBufferBytes != 0 && !p.tileBufferBytes.empty();
  const std::vector<MergedEdge> edges = mergeEdges(p);
  const uint64_t incumbentCost =
      incumbent.empty() ? 0 : placementCost(p, incumbent);

  std::lock_guard<std::mutex> lock(z3Mutex());
  try {
    unsigned seed = unsigned(options.seed ^ (options.seed >> 32));
    z3::set_param("smt.random_seed", int(seed & 0x7fffffff));
    z3::set_param("sat.random_seed", int(seed & 0x7fffffff));
    z3::set_param("parallel.enable", false);
    z3::context ctx;
    z3::optimize opt(ctx);
    z3::params params(ctx);
    if (options.z3ResourceLimit != 0)
      params.set("rlimit", unsigned(std::min<uint64_t>(options.z3ResourceLimit,
                                                       UINT_MAX)));
    double ms = std::max(1.0, wallSecondsBudget * 1000.0);
    params.set("timeout", unsigned(std::min<double>(ms, UINT_MAX - 1.0)));
    if (const char *extra = std::getenv("NNCC_Z3_EXTRA")) {
      std::string all = extra;
      size_t pos = 0;
      while (pos < all.size()) {
        size_t end = all.find(',', pos);
        if (end == std::string::npos) end = all.size();
        std::string kv = all.substr(pos, end - pos);
        size_t eq = kv.find('=');
        std::string key = kv.substr(0, eq), val = kv.substr(eq + 1);
        if (key.find('.') != std::string::npos && key.rfind("maxres", 0) != 0) z3::set_param(key.c_str(), val.c_str());
        else if (val == "true" || val == "false") params.set(key.c_str(), val == "true");
        else if (isdigit(val[0])) params.set(key.c_str(), unsigned(std::stoul(val)));
        else params.set(key.c_str(), ctx.str_symbol(val.c_str()));
        pos = end + 1;
      }
    }
    opt.set(params);

    auto name = [](const char *prefix, int a, int b) {
      return std::string(prefix) + std::to_string(a) + "_" + std::to_string(b);
    };
    std::vector<std::vector<z3::expr>> place(n);
    for (int t = 0; t < n; ++t) {
      z3::expr_vector row(ctx);
      for (int c = 0; c < m; ++c) {
        place[t].push_back(ctx.bool_const(name("p", t, c).c_str()));
        row.push_back(place[t].back());
      }
      opt.add(z3::atmost(row, 1));
      opt.add(z3::atleast(row, 1));
    }
    for (int c = 0; c < m; ++c) {
      z3::expr_vector column(ctx);
      for (int t = 0; t < n; ++t)
        column.push_back(place[t][c]);
      if (k < n)
        opt.add(z3::atmost(column, unsigned(k)));
      if (buffered) {
        bool small = p.coreBufferBytes <= uint64_t(INT_MAX);
        for (uint64_t d : p.tileBufferBytes)
          small = small && d <= uint64_t(INT_MAX);
        if (small) {
          std::vector<int> coeffs;
          for (uint64_t d : p.tileBufferBytes)
            coeffs.push_back(int(d));
          opt.add(z3::pble(column, coeffs.data(), int(p.coreBufferBytes)));
        } else {
          z3::expr sum = ctx.int_val(0);
          for (int t = 0; t < n; ++t)
            sum = sum + z3::ite(place[t][c], uintVal(ctx, p.tileBufferBytes[t]),
                                ctx.int_val(0));
          opt.add(sum <= uintVal(ctx, p.coreBufferBytes));
        }
      }
    }

    // Symmetry breaking.
    if (bus) {
      for (int t = 0; t < n; ++t)
        for (int c = 0; c < m; ++c) {
          if (c > t) {
            opt.add(!place[t][c]);
            continue;
          }
          if (c == 0)
            continue;
          z3::expr_vector earlier(ctx);
          for (int j = 0; j < t; ++j)
            earlier.push_back(place[j][c - 1]);
          opt.add(z3::implies(place[t][c], z3::mk_or(earlier)));
        }
    } else if (int64_t(geom.width) * geom.height == m) {
      std::vector<uint64_t> degree(n, 0);
      for (const MergedEdge &e : edges) {
        degree[e.a] += e.w;
        degree[e.b] += e.w;
      }
      int s = int(std::max_element(degree.begin(), degree.end()) -
                  degree.begin());
      for (int c = 0; c < m; ++c) {
        int x = c % geom.width, y = c / geom.width;
        bool canonical = x <= (geom.width - 1) / 2 && y <= (geom.height - 1) / 2;
        if (geom.width == geom.height)
          canonical = canonical && x <= y;
        if (!canonical)
          opt.add(!place[s][c]);
      }
    }

    // Objective terms: (indicator, weight) pairs or an integer expression.
    z3::expr_vector indicators(ctx);
    std::vector<uint64_t> weights;
    z3::expr objective = ctx.int_val(0);
    auto busSeparated = [&](size_t i, const MergedEdge &e) {
      z3::expr d = ctx.bool_const(("d" + std::to_string(i)).c_str());
      for (int c = 0; c < m; ++c)
        opt.add(z3::implies(place[e.a][c] && !place[e.b][c], d));
      return d;
    };
    if (options.z3Encoding == Z3Encoding::Arithmetic) {
      if (bus) {
        for (size_t i = 0; i < edges.size(); ++i) {
          z3::expr d = busSeparated(i, edges[i]);
          objective = objective + z3::ite(d, uintVal(ctx, edges[i].w),
                                          ctx.int_val(0));
        }
      } else {
        std::vector<z3::expr> xs, ys;
        for (int t = 0; t < n; ++t) {
          xs.push_back(ctx.int_const(("x" + std::to_string(t)).c_str()));
          ys.push_back(ctx.int_const(("y" + std::to_string(t)).c_str()));
          opt.add(xs[t] >= 0 && xs[t] <= geom.width - 1);
          opt.add(ys[t] >= 0 && ys[t] <= geom.height - 1);
          for (int c = 0; c < m; ++c)
            opt.add(z3::implies(place[t][c], xs[t] == c % geom.width &&
                                                 ys[t] == c / geom.width));
        }
        for (size_t i = 0; i < edges.size(); ++i) {
          const MergedEdge &e = edges[i];
          z3::expr dx = ctx.int_const(("dx" + std::to_string(i)).c_str());
          z3::expr dy = ctx.int_const(("dy" + std::to_string(i)).c_str());
          opt.add(dx >= xs[e.a] - xs[e.b] && dx >= xs[e.b] - xs[e.a]);
          opt.add(dy >= ys[e.a] - ys[e.b] && dy >= ys[e.b] - ys[e.a]);
          objective = objective + uintVal(ctx, e.w) * (dx + dy);
        }
      }
    } else {
      // levels[e][k - 1] <=> hops(e) >= k, k = 1..maxHops; soft !levels[e][k-1]
      // with weight w(e) each, so the violated weight is w(e) * hops(e).
      std::vector<std::vector<z3::expr>> levels(edges.size());
      if (bus) {
        for (size_t i = 0; i < edges.size(); ++i)
          levels[i].push_back(busSeparated(i, edges[i]));
      } else {
        // Order encoding of one coordinate: ge[t][v] <=> coord(t) >= v for
        // v = 0..size (ge[t][0] = true, ge[t][size] = false).
        auto orderEncode = [&](const char *prefix, int size,
                               auto coordinateOf) {
          std::vector<std::vector<z3::expr>> ge(n);
          for (int t = 0; t < n; ++t) {
            ge[t].push_back(ctx.bool_val(true));
            for (int v = 1; v < size; ++v) {
              ge[t].push_back(ctx.bool_const(name(prefix, t, v).c_str()));
              if (v > 1)
                opt.add(z3::implies(ge[t][v], ge[t][v - 1]));
            }
            ge[t].push_back(ctx.bool_val(false));
            for (int c = 0; c < m; ++c) {
              int v = coordinateOf(c);
              if (v > 0)
                opt.add(z3::implies(place[t][c], ge[t][v]));
              if (v + 1 < size)
                opt.add(z3::implies(place[t][c], !ge[t][v + 1]));
            }
          }
          return ge;
        };
        auto gx = orderEncode("gx", geom.width,
                              [&](int c) { return c % geom.width; });
        auto gy = orderEncode("gy", geom.height,
                              [&](int c) { return c / geom.width; });
        // along[d] <=> |coord(a) - coord(b)| >= d, d = 0..size-1.
        auto axis = [&](const char *prefix, size_t i, const MergedEdge &e,
                        const std::vector<std::vector<z3::expr>> &ge,
                        int size) {
          std::vector<z3::expr> along{ctx.bool_val(true)};
          for (int d = 1; d < size; ++d) {
            z3::expr ind = ctx.bool_const(
                (prefix + std::to_string(i) + "_" + std::to_string(d)).c_str());
            for (int j = 0; j + d < size; ++j) {
              // coord(a) >= j + d and coord(b) <= j  ->  |a - b| >= d.
              opt.add(z3::implies(ge[e.a][j + d] && !ge[e.b][j + 1], ind));
              opt.add(z3::implies(ge[e.b][j + d] && !ge[e.a][j + 1], ind));
            }
            if (d > 1)
              opt.add(z3::implies(ind, along.back()));
            along.push_back(ind);
          }
          return along;
        };
        const int maxHops = (geom.width - 1) + (geom.height - 1);
        for (size_t i = 0; i < edges.size(); ++i) {
          std::vector<z3::expr> ax = axis("ax", i, edges[i], gx, geom.width);
          std::vector<z3::expr> ay = axis("ay", i, edges[i], gy, geom.height);
          for (int d = 1; d <= maxHops; ++d) {
            levels[i].push_back(ctx.bool_const(
                ("h" + std::to_string(i) + "_" + std::to_string(d)).c_str()));
            if (d > 1)
              opt.add(z3::implies(levels[i][d - 1], levels[i][d - 2]));
          }
          for (int dx = 0; dx < geom.width; ++dx)
            for (int dy = 0; dy < geom.height; ++dy)
              if (dx + dy > 0)
                opt.add(z3::implies(ax[dx] && ay[dy], levels[i][dx + dy - 1]));
        }
      }
      // Redundant "star" cardinalities (the argument of placementLowerBound):
      // at most arraysPerCore * S(d) - 1 of a tile's neighbours are within
      // d hops, so at least deg - that many have hops >= d + 1.
      if (!std::getenv("NNCC_NO_STAR")) {
        std::vector<int64_t> within = {1, m};
        if (!bus) {
          const int maxHops = (geom.width - 1) + (geom.height - 1);
          within.assign(maxHops + 1, 0);
          for (int c = 0; c < m; ++c)
            for (int o = 0; o < m; ++o)
              ++within[std::abs(c % geom.width - o % geom.width) +
                       std::abs(c / geom.width - o / geom.width)];
          // Per centre the counts differ; take the best centre.
          std::vector<int64_t> best(maxHops + 1, 0);
          for (int c = 0; c < m; ++c) {
            std::vector<int64_t> count(maxHops + 1, 0);
            for (int o = 0; o < m; ++o)
              ++count[std::abs(c % geom.width - o % geom.width) +
                      std::abs(c / geom.width - o / geom.width)];
            for (int d = 0; d <= maxHops; ++d) {
              if (d > 0)
                count[d] += count[d - 1];
              best[d] = std::max(best[d], count[d]);
            }
          }
          within = best;
        }
        std::vector<std::vector<size_t>> incident(n);
        for (size_t i = 0; i < edges.size(); ++i) {
          incident[edges[i].a].push_back(i);
          incident[edges[i].b].push_back(i);
        }
        for (int t = 0; t < n; ++t) {
          int64_t deg = int64_t(incident[t].size());
          for (size_t d = 0; d < within.size(); ++d) {
            int64_t slots = int64_t(k) * within[d] - 1;
            if (deg <= slots || d >= levels[incident[t][0]].size())
              break;
            z3::expr_vector far(ctx);
            for (size_t i : incident[t])
              far.push_back(levels[i][d]);
            opt.add(z3::atleast(far, unsigned(deg - slots)));
          }
        }
      }
      for (size_t i = 0; i < edges.size(); ++i)
        for (const z3::expr &level : levels[i]) {
          indicators.push_back(level);
          weights.push_back(edges[i].w);
        }
    }

    // Warm start: objective <= cost(incumbent).
    if (!incumbent.empty() && !std::getenv("NNCC_NO_UB")) {
      if (options.z3Encoding == Z3Encoding::Arithmetic) {
        opt.add(objective <= uintVal(ctx, incumbentCost));
      } else if (indicators.size() > 0) {
        bool small = incumbentCost <= uint64_t(INT_MAX);
        for (uint64_t w : weights)
          small = small && w <= uint64_t(INT_MAX);
        if (small) {
          std::vector<int> coeffs(weights.begin(), weights.end());
          opt.add(z3::pble(indicators, coeffs.data(), int(incumbentCost)));
        } else {
          z3::expr sum = ctx.int_val(0);
          for (unsigned i = 0; i < indicators.size(); ++i)
            sum = sum + z3::ite(indicators[i], uintVal(ctx, weights[i]),
                                ctx.int_val(0));
          opt.add(sum <= uintVal(ctx, incumbentCost));
        }
      }
    }

    std::optional<z3::optimize::handle> handle;
    if (options.z3Encoding == Z3Encoding::Arithmetic) {
      handle = opt.minimize(objective);
    } else {
      for (unsigned i = 0; i < indicators.size(); ++i) {
        std::string w = std::to_string(weights[i]);
        handle = opt.add_soft(!indicators[i], w.c_str());
      }
    }

    z3::check_result outcome = opt.check();
    if (outcome == z3::unsat) {
      // Impossible with a valid incumbent: the encoding would be wrong.
      result.status = "error: unsat below the incumbent";
      return result;
    }
    if (outcome == z3::sat) {
      result.status = "optimal";
      result.proven = true;
    } else {
      // Z3 reports both limits as "canceled"; the resource counter tells
      // which one it was.
      std::string reason = Z3_optimize_get_reason_unknown(ctx, opt);
      z3::stats statistics = opt.statistics();
      double used = 0;
      for (unsigned i = 0; i < statistics.size(); ++i)
        if (statistics.key(i) == "rlimit count")
          used = statistics.is_uint(i) ? double(statistics.uint_value(i))
                                       : statistics.double_value(i);
      if (options.z3ResourceLimit != 0 &&
          used >= 0.99 * double(options.z3ResourceLimit)) {
        result.status = "resource limit";
      } else if (reason.find("timeout") != std::string::npos ||
                 reason.find("cancel") != std::string::npos) {
        result.status = "timeout";
        result.wallClockLimitHit = true;
      } else {
        result.status = "unknown: " + reason;
      }
    }
    if (handle) {
      z3::expr lower = opt.lower(*handle);
      uint64_t value = 0;
      if (lower.is_numeral() && lower.is_numeral_u64(value))
        result.lowerBound = value;
    }
    // Extract the best model (under a limit: the best found so far).
    z3::model model = opt.get_model();
    std::vector<int> tileCore(n, -1);
    bool complete = true;
    for (int t = 0; t < n && complete; ++t) {
      for (int c = 0; c < m; ++c)
        if (model.eval(place[t][c], true).is_true()) {
          if (tileCore[t] >= 0) {
            complete = false;
            break;
          }
          tileCore[t] = c;
        }
      complete = complete && tileCore[t] >= 0;
    }
    if (complete) {
      if (llvm::Error err = verifyAssignment(p, tileCore)) {
        llvm::consumeError(std::move(err));
      } else {
        result.tileCore = std::move(tileCore);
      }
    }
    if (result.proven && !result.tileCore.empty())
      result.lowerBound = placementCost(p, result.tileCore);
  } catch (const z3::exception &e) {
    result = ExactResult();
    result.status = std::string("error: z3: ") + e.msg();
  } catch (const std::exception &e) {
    result = ExactResult();
    result.status = std::string("error: ") + e.what();
  }
  return result;
}
