//===- Exact.cpp - Z3 optimize encoding of the placement problem ----------===//
//
// The only file that includes z3++.h; built with -fexceptions.  Every Z3 call
// sits inside one try block: a z3::exception (or std::exception, e.g.
// bad_alloc) becomes `ExactResult::status = "error: ..."` and the caller
// keeps its incumbent.
//
// Process isolation (PlacementOptions::isolateSolver, the default): the Z3
// phase runs in a forked child that reports through a pipe and is killed
// (SIGKILL) if it overruns its wall-clock budget by more than a 10 % grace
// (at most 1 s).  Z3 4.8.12's own `timeout` is not always honoured: MaxRes
// with the incumbent bound was seen running for minutes past a 10 s
// timeout, and Z3 can crash at its memory cap.  The child also keeps Z3's
// global parameters out of the calling process.
//
// Common part: one Boolean p[t][c] per tile and core; exactly one per tile
// (atmost/atleast 1, pseudo-Boolean), at most arraysPerCore per core
// (atmost), the buffer capacity as a pseudo-Boolean (or, if the numbers do
// not fit in int, linear-integer) sum.  Parallel edges are merged.
//
// Symmetry breaking (valid because all cores have equal capacities):
//  * interchangeable tiles (same buffer demand, same traffic to every other
//    tile; classes found pairwise) are kept in increasing core order,
//    core(t) <= core(u) for consecutive members t < u;
//  * full mesh (numCores == width * height): some member of the heaviest
//    tile's class lies in the fundamental domain of the grid's reflections,
//    x <= (W-1)/2 and y <= (H-1)/2, and on a square grid also x <= y
//    (transpose).  Any solution can be reflected to put that tile there and
//    then sorted within classes, which keeps the class's set of cores;
//  * bus: cores are interchangeable, so cores are numbered in order of first
//    use ("restricted growth"): p[t][c] -> OR_{j<t} p[j][c-1], and tile t
//    only on cores <= t.  Together with the class order this is the
//    double-lex form of the lex-leader constraints (rows = tiles in index
//    order, columns = cores), which is sound for row and column symmetry
//    at once.
//  On the synthetic networks the class order matters most: a layer's tiles
//  often differ only in where their partial sums go, and whole layers of
//  tiles with identical traffic are common.
//
// Z3Encoding::Arithmetic (the textbook encoding): integer x_t, y_t with
// p[t][c] -> x_t = cx, y_t = cy; per edge dx >= xa - xb, dx >= xb - xa (same
// for y); minimize sum w (dx + dy) (the minimisation makes dx = |xa - xb|).
// Bus: a Boolean "separated" per edge forced by p[a][c] & !p[b][c].  Z3
// tightens the objective from above; `get_lower` stays -oo until it proves
// the optimum.
//
// Z3Encoding::MaxSat (default): order encoding gx[t][v] <=> x_t >= v
// (v = 1..W-1), chained gx[t][v+1] -> gx[t][v], fixed by p[t][c] ->
// gx[t][cx] and p[t][c] -> !gx[t][cx+1]; same for y.  Per edge, axis
// indicators ax[d] forced true when |xa - xb| >= d by
// gx[a][j+d] & !gx[b][j+1] -> ax[d] (and a, b swapped) for every j, and hop
// indicators h[k] <=> hops >= k forced by ax[dx] & ay[dy] -> h[dx + dy];
// one soft clause !h[k] of weight w(e) per k, so the violated weight is
// sum_e w(e) * hops(e) at the optimum.  Bus: h[1] = "separated".  Redundant
// star cardinalities (the argument of placementLowerBound, per tile t and
// distance d: at least deg(t) - (arraysPerCore * S(d) - 1) neighbours have
// h[d+1]) let MaxRes find cores quickly (12 vs 8 of 31 16-tile instances
// proven at rlimit 5 M, measured with the incumbent bound and before the
// tile classes).  Z3's core-guided MaxRes raises `get_lower` core by core,
// so a cut-short run still yields a bound.  Against Arithmetic on the same
// 31 instances at rlimit 5 M: 15 vs 9 proven, in a sixth of the time.
//
// Incumbent bound: see IncumbentBound in Placement.h.
//
// Determinism: Z3 runs single-threaded with `smt.random_seed` and
// `sat.random_seed` set from the seed.  These are Z3 *global* parameters, so
// the Z3 phase holds a process-wide mutex (and, in-process, changes them
// for the whole process).  The budget is Z3's `rlimit` (deterministic); the
// wall-clock `timeout` is only a safety net.  Both limits surface as
// "canceled"; the statistic "rlimit count" tells them apart.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

ExactResult solveWithZ3(const PlacementProblem &p,
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

  try {
    unsigned seed = unsigned(options.seed ^ (options.seed >> 32));
    z3::set_param("smt.random_seed", int(seed & 0x7fffffff));
    z3::set_param("sat.random_seed", int(seed & 0x7fffffff));
    z3::set_param("parallel.enable", false);
    // Z3 4.8 does not always survive hitting its memory cap (it may crash
    // instead of throwing), so the cap is only set in the isolated child.
    if (options.isolateSolver && options.z3MemoryMegabytes != 0)
      z3::set_param("memory_max_size", int(options.z3MemoryMegabytes));
    z3::context ctx;
    z3::optimize opt(ctx);
    z3::params params(ctx);
    if (options.z3ResourceLimit != 0)
      params.set("rlimit", unsigned(std::min<uint64_t>(options.z3ResourceLimit,
                                                       UINT_MAX)));
    double ms = std::max(1.0, wallSecondsBudget * 1000.0);
    params.set("timeout", unsigned(std::min<double>(ms, UINT_MAX - 1.0)));
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

    // Symmetry breaking.  Interchangeable tiles first: same buffer demand
    // and the same traffic to every other tile.
    std::vector<std::vector<std::pair<int, uint64_t>>> adjacency(n);
    for (const MergedEdge &e : edges) {
      adjacency[e.a].push_back({e.b, e.w});
      adjacency[e.b].push_back({e.a, e.w});
    }
    for (auto &list : adjacency)
      std::sort(list.begin(), list.end());
    auto interchangeable = [&](int t, int u) {
      if (adjacency[t].size() != adjacency[u].size() ||
          (buffered && p.tileBufferBytes[t] != p.tileBufferBytes[u]))
        return false;
      // Compare the neighbour lists with t and u themselves left out.
      std::vector<std::pair<int, uint64_t>> ofT, ofU;
      for (const auto &entry : adjacency[t])
        if (entry.first != u)
          ofT.push_back(entry);
      for (const auto &entry : adjacency[u])
        if (entry.first != t)
          ofU.push_back(entry);
      return ofT == ofU;
    };
    std::vector<int> classOf(n, -1);
    std::vector<std::vector<int>> classes;
    for (int t = 0; t < n; ++t) {
      if (classOf[t] >= 0)
        continue;
      classOf[t] = int(classes.size());
      classes.push_back({t});
      for (int u = t + 1; u < n; ++u)
        if (classOf[u] < 0 && interchangeable(t, u)) {
          classOf[u] = classOf[t];
          classes.back().push_back(u);
        }
    }
    // Members of a class in increasing core order: core(t) <= core(u).
    for (const std::vector<int> &members : classes)
      for (size_t i = 0; i + 1 < members.size(); ++i) {
        int t = members[i], u = members[i + 1];
        for (int c = 0; c < m; ++c) {
          z3::expr_vector upTo(ctx);
          for (int d = 0; d <= c; ++d)
            upTo.push_back(place[t][d]);
          opt.add(z3::implies(place[u][c], z3::mk_or(upTo)));
        }
      }
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
      z3::expr_vector inDomain(ctx);
      for (int c = 0; c < m; ++c) {
        int x = c % geom.width, y = c / geom.width;
        bool canonical = x <= (geom.width - 1) / 2 && y <= (geom.height - 1) / 2;
        if (geom.width == geom.height)
          canonical = canonical && x <= y;
        if (canonical)
          for (int t : classes[classOf[s]])
            inDomain.push_back(place[t][c]);
      }
      opt.add(z3::mk_or(inDomain));
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
      {
        std::vector<int64_t> within = {1, m};
        if (!bus) {
          const int maxHops = (geom.width - 1) + (geom.height - 1);
          // The most cores within d hops of any one core.
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
    const bool bounded =
        options.z3IncumbentBound == IncumbentBound::On ||
        (options.z3IncumbentBound == IncumbentBound::Auto &&
         options.z3Encoding == Z3Encoding::Arithmetic);
    if (!incumbent.empty() && bounded) {
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

// --- Process isolation ---------------------------------------------------
// The child writes: int32 count, count x int32 tile cores, uint64 bound,
// uint8 proven, uint8 wallClockLimitHit, uint32 length, status bytes.

void appendBytes(std::string &out, const void *data, size_t size) {
  out.append(static_cast<const char *>(data), size);
}

std::string serialize(const ExactResult &r) {
  std::string out;
  int32_t count = int32_t(r.tileCore.size());
  appendBytes(out, &count, sizeof count);
  for (int c : r.tileCore) {
    int32_t v = c;
    appendBytes(out, &v, sizeof v);
  }
  appendBytes(out, &r.lowerBound, sizeof r.lowerBound);
  uint8_t flags[2] = {uint8_t(r.proven), uint8_t(r.wallClockLimitHit)};
  appendBytes(out, flags, sizeof flags);
  uint32_t length = uint32_t(r.status.size());
  appendBytes(out, &length, sizeof length);
  out += r.status;
  return out;
}

bool deserialize(const std::string &in, int numTiles, ExactResult &r) {
  size_t pos = 0;
  auto take = [&](void *data, size_t size) {
    if (pos + size > in.size())
      return false;
    std::memcpy(data, in.data() + pos, size);
    pos += size;
    return true;
  };
  int32_t count = 0;
  if (!take(&count, sizeof count) || (count != 0 && count != numTiles))
    return false;
  r.tileCore.resize(size_t(count));
  for (int &c : r.tileCore) {
    int32_t v;
    if (!take(&v, sizeof v))
      return false;
    c = v;
  }
  uint8_t flags[2];
  uint32_t length = 0;
  if (!take(&r.lowerBound, sizeof r.lowerBound) || !take(flags, sizeof flags) ||
      !take(&length, sizeof length) || pos + length != in.size())
    return false;
  r.proven = flags[0];
  r.wallClockLimitHit = flags[1];
  r.status = in.substr(pos, length);
  return true;
}

ExactResult solveIsolated(const PlacementProblem &p,
                          llvm::ArrayRef<int> incumbent,
                          const PlacementOptions &options,
                          double wallSecondsBudget) {
  ExactResult result;
  int fds[2];
  if (::pipe(fds) != 0) {
    result.status = std::string("error: pipe: ") + std::strerror(errno);
    return result;
  }
  // Other threads may be running (nncc compile computes the programming
  // schedule beside the placement): the child only uses Z3 and the pipe,
  // and glibc's malloc is fork-safe, so the locks they might hold at the
  // fork do not matter.
  pid_t pid = ::fork();
  if (pid < 0) {
    result.status = std::string("error: fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return result;
  }
  if (pid == 0) {
    // Child: solve, report, and leave without running the parent's atexit
    // handlers or destructors.
    ::close(fds[0]);
    std::string bytes =
        serialize(solveWithZ3(p, incumbent, options, wallSecondsBudget));
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t w = ::write(fds[1], bytes.data() + done, bytes.size() - done);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        ::_exit(1);
      done += size_t(w);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  // Z3's own timeout is wallSecondsBudget; allow a grace period (10 %, at
  // most 1 s) for model extraction and process exit before killing it.
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration<double>(wallSecondsBudget +
                                    std::min(1.0, 0.1 * wallSecondsBudget));
  std::string bytes;
  bool killed = false;
  char buffer[65536];
  for (;;) {
    double left = std::chrono::duration<double>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
    if (left <= 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int ready = ::poll(&pfd, 1, int(std::ceil(left * 1000)));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      continue; // timed out: the deadline check kills the child
    ssize_t r = ::read(fds[0], buffer, sizeof buffer);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break; // EOF (or error): the child is done
    bytes.append(buffer, size_t(r));
  }
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (killed) {
    result = ExactResult();
    result.status = "timeout (solver process killed)";
    result.wallClockLimitHit = true;
    return result;
  }
  if (WIFSIGNALED(wstatus)) {
    result.status = "error: solver process died with signal " +
                    std::to_string(WTERMSIG(wstatus));
    return result;
  }
  if (!deserialize(bytes, p.numTiles(), result)) {
    result = ExactResult();
    result.status = "error: malformed solver process output";
  }
  return result;
}

} // namespace

ExactResult nncc::placement::solveExact(const PlacementProblem &p,
                                        llvm::ArrayRef<int> incumbent,
                                        const PlacementOptions &options,
                                        double wallSecondsBudget) {
  // Z3's random seeds are global parameters; one Z3 phase at a time.  (In
  // the isolated mode only the child process touches Z3's globals.)
  std::lock_guard<std::mutex> lock(z3Mutex());
  if (options.isolateSolver)
    return solveIsolated(p, incumbent, options, wallSecondsBudget);
  return solveWithZ3(p, incumbent, options, wallSecondsBudget);
}
