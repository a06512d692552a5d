//===- Problem.cpp - Placement problem checks, costs, link loads ----------===//
//
// Problem validation, the objective, XY-routed link loads, the Hilbert order
// of the mesh and the synthetic instance generator used by the tests and the
// benchmark.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

using namespace nncc::placement;

namespace {

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "placement: " + message);
}

int floorDiv(int a, int b) {
  int q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

int sgn(int v) { return (v > 0) - (v < 0); }

// Cerveny's generalised Hilbert curve, https://github.com/jakubcerveny/gilbert
// (BSD-2-Clause), transcribed from the reference Python.
void gilbert(int x, int y, int ax, int ay, int bx, int by, int width,
             std::vector<int> &out) {
  int w = std::abs(ax + ay), h = std::abs(bx + by);
  int dax = sgn(ax), day = sgn(ay), dbx = sgn(bx), dby = sgn(by);
  if (h == 1) {
    for (int i = 0; i < w; ++i, x += dax, y += day)
      out.push_back(y * width + x);
    return;
  }
  if (w == 1) {
    for (int i = 0; i < h; ++i, x += dbx, y += dby)
      out.push_back(y * width + x);
    return;
  }
  int ax2 = floorDiv(ax, 2), ay2 = floorDiv(ay, 2);
  int bx2 = floorDiv(bx, 2), by2 = floorDiv(by, 2);
  int w2 = std::abs(ax2 + ay2), h2 = std::abs(bx2 + by2);
  if (2 * w > 3 * h) {
    if ((w2 % 2) && w > 2) {
      ax2 += dax;
      ay2 += day;
    }
    gilbert(x, y, ax2, ay2, bx, by, width, out);
    gilbert(x + ax2, y + ay2, ax - ax2, ay - ay2, bx, by, width, out);
  } else {
    if ((h2 % 2) && h > 2) {
      bx2 += dbx;
      by2 += dby;
    }
    gilbert(x, y, bx2, by2, ax2, ay2, width, out);
    gilbert(x + bx2, y + by2, ax, ay, bx - bx2, by - by2, width, out);
    gilbert(x + (ax - dax) + (bx2 - dbx), y + (ay - day) + (by2 - dby), -bx2,
            -by2, -(ax - ax2), -(ay - ay2), width, out);
  }
}

/// splitmix64: tiny, portable, deterministic.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi].
  int range(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
};

} // namespace

const char *nncc::placement::methodName(PlacementMethod method) {
  switch (method) {
  case PlacementMethod::Greedy:
    return "greedy";
  case PlacementMethod::Annealing:
    return "annealing";
  case PlacementMethod::Z3:
    return "z3";
  }
  return "?";
}

MeshGeometry nncc::placement::resolveGeometry(const PlacementProblem &p) {
  MeshGeometry g{p.meshWidth, p.meshHeight};
  if (p.numCores <= 0)
    return g;
  if (g.width <= 0) {
    g.width = static_cast<int>(std::ceil(std::sqrt(double(p.numCores))));
    while (g.width > 1 && int64_t(g.width - 1) * (g.width - 1) >= p.numCores)
      --g.width;
    while (int64_t(g.width) * g.width < p.numCores)
      ++g.width;
  }
  if (g.height <= 0)
    g.height = (p.numCores + g.width - 1) / g.width;
  return g;
}

llvm::Error nncc::placement::verifyProblem(const PlacementProblem &p) {
  const int64_t n = p.numTiles();
  if (p.numCores <= 0)
    return error(llvm::formatv("{0} cores; need at least one", p.numCores));
  if (p.arraysPerCore <= 0)
    return error(llvm::formatv("{0} arrays per core; need at least one",
                               p.arraysPerCore));
  if (p.meshWidth < 0 || p.meshHeight < 0)
    return error(llvm::formatv("negative mesh size {0} x {1}", p.meshWidth,
                               p.meshHeight));
  MeshGeometry g = resolveGeometry(p);
  if (int64_t(g.width) * g.height < p.numCores)
    return error(llvm::formatv("a {0} x {1} mesh has {2} positions for {3} "
                               "cores",
                               g.width, g.height, int64_t(g.width) * g.height,
                               p.numCores));
  if (int64_t(g.width) * g.height > (int64_t(1) << 28))
    return error(llvm::formatv("mesh {0} x {1} is too large", g.width,
                               g.height));
  const int64_t slots = int64_t(p.numCores) * p.arraysPerCore;
  if (n > slots)
    return error(llvm::formatv(
        "infeasible: {0} tiles but only {1} cores x {2} arrays per core = {3} "
        "array slots",
        n, p.numCores, p.arraysPerCore, slots));
  if (!p.tileBufferBytes.empty()) {
    if (int64_t(p.tileBufferBytes.size()) != n)
      return error(llvm::formatv("{0} tile buffer demands for {1} tiles",
                                 p.tileBufferBytes.size(), n));
    if (p.coreBufferBytes != 0) {
      // Sum in long double to rule out overflow.
      long double total = 0;
      for (int64_t t = 0; t < n; ++t) {
        if (p.tileBufferBytes[t] > p.coreBufferBytes)
          return error(llvm::formatv(
              "infeasible: tile {0} needs {1} buffer bytes but a core has {2}",
              t, p.tileBufferBytes[t], p.coreBufferBytes));
        total += p.tileBufferBytes[t];
      }
      long double capacity = (long double)p.coreBufferBytes * p.numCores;
      if (total > capacity)
        return error(llvm::formatv(
            "infeasible: tiles need {0} buffer bytes in total but {1} cores x "
            "{2} bytes = {3}",
            (double)total, p.numCores, p.coreBufferBytes, (double)capacity));
    }
  }
  if (p.exclusiveGroups) {
    std::map<int, int64_t> tilesOf;
    for (int g : p.tileGroup)
      ++tilesOf[g];
    int64_t cores = 0;
    for (const auto &[group, tiles] : tilesOf)
      cores += (tiles + p.arraysPerCore - 1) / p.arraysPerCore;
    if (cores > p.numCores)
      return error(llvm::formatv(
          "infeasible: {0} groups (one layer copy per core) need {1} cores "
          "of {2} arrays but there are {3}",
          tilesOf.size(), cores, p.arraysPerCore, p.numCores));
  }
  long double portBits = 0;
  if (!p.tilePortItem.empty()) {
    if (int64_t(p.tilePortItem.size()) != n)
      return error(llvm::formatv("{0} tile port items for {1} tiles",
                                 p.tilePortItem.size(), n));
    if (p.portItemStage.size() != p.portItemBits.size())
      return error(llvm::formatv("{0} port item stages for {1} port items",
                                 p.portItemStage.size(),
                                 p.portItemBits.size()));
    for (int64_t t = 0; t < n; ++t)
      if (p.tilePortItem[t] < -1 ||
          p.tilePortItem[t] >= int64_t(p.portItemBits.size()))
        return error(llvm::formatv("tile {0} reads port item {1}, outside "
                                   "[-1, {2})",
                                   t, p.tilePortItem[t],
                                   p.portItemBits.size()));
    for (size_t i = 0; i < p.portItemStage.size(); ++i) {
      if (p.portItemStage[i] < 0 ||
          size_t(p.portItemStage[i]) >= p.stagePortBudget.size())
        return error(llvm::formatv("port item {0} belongs to stage {1}, "
                                   "outside [0, {2})",
                                   i, p.portItemStage[i],
                                   p.stagePortBudget.size()));
      portBits += p.portItemBits[i];
    }
    if (!p.tileResultBits.empty() && int64_t(p.tileResultBits.size()) != n)
      return error(llvm::formatv("{0} tile result bits for {1} tiles",
                                 p.tileResultBits.size(), n));
    for (size_t t = 0; t < p.tileResultBits.size(); ++t) {
      // Result bits count in the stage of the tile's item.
      if (p.tileResultBits[t] != 0 && p.tilePortItem[t] < 0)
        return error(llvm::formatv("tile {0} writes {1} result bits but "
                                   "reads no port item",
                                   t, p.tileResultBits[t]));
      portBits += p.tileResultBits[t];
    }
  } else if (!p.tileResultBits.empty()) {
    return error("tile result bits without port items");
  }
  long double totalBits = 0;
  for (size_t e = 0; e < p.traffic.size(); ++e) {
    const TrafficEdge &edge = p.traffic[e];
    if (edge.a < 0 || edge.a >= n || edge.b < 0 || edge.b >= n)
      return error(llvm::formatv("traffic edge {0} ({1} -> {2}) names a tile "
                                 "outside [0, {3})",
                                 e, edge.a, edge.b, n));
    totalBits += edge.bits;
  }
  const int maxHops =
      p.topology == Topology::Bus ? 1 : (g.width - 1) + (g.height - 1);
  if (totalBits * std::max(maxHops, 1) > (long double)(uint64_t(1) << 62))
    return error(llvm::formatv("total traffic {0} bits x {1} hops overflows "
                               "the 62-bit objective",
                               (double)totalBits, maxHops));
  // Every core can at worst read every item: the excess is below
  // cores x the items' bits.
  if (p.hasPortModel() &&
      totalBits * std::max(maxHops, 1) +
              portBits * p.numCores * (long double)p.portExcessWeight >
          (long double)(uint64_t(1) << 62))
    return error(llvm::formatv("port items of {0} bits x {1} cores x weight "
                               "{2} overflow the 62-bit objective",
                               (double)portBits, p.numCores,
                               p.portExcessWeight));
  return llvm::Error::success();
}

llvm::Error nncc::placement::verifyAssignment(const PlacementProblem &p,
                                              llvm::ArrayRef<int> tileCore) {
  if (int64_t(tileCore.size()) != p.numTiles())
    return error(llvm::formatv("assignment has {0} entries for {1} tiles",
                               tileCore.size(), p.numTiles()));
  std::vector<int64_t> count(p.numCores, 0);
  std::vector<uint64_t> buffer(p.numCores, 0);
  std::vector<int> groupOn(p.numCores, -1);
  for (size_t t = 0; t < tileCore.size(); ++t) {
    int c = tileCore[t];
    if (c < 0 || c >= p.numCores)
      return error(llvm::formatv("tile {0} on core {1}, outside [0, {2})", t,
                                 c, p.numCores));
    if (p.exclusiveGroups && count[c] > 0 && groupOn[c] != p.tileGroup[t])
      return error(llvm::formatv("core {0} holds groups {1} and {2}, one "
                                 "allowed",
                                 c, groupOn[c], p.tileGroup[t]));
    groupOn[c] = p.tileGroup[t];
    ++count[c];
    if (!p.tileBufferBytes.empty())
      buffer[c] += p.tileBufferBytes[t];
  }
  for (int c = 0; c < p.numCores; ++c) {
    if (count[c] > p.arraysPerCore)
      return error(llvm::formatv("core {0} holds {1} tiles, capacity {2}", c,
                                 count[c], p.arraysPerCore));
    if (p.coreBufferBytes != 0 && buffer[c] > p.coreBufferBytes)
      return error(llvm::formatv("core {0} needs {1} buffer bytes, capacity "
                                 "{2}",
                                 c, buffer[c], p.coreBufferBytes));
  }
  return llvm::Error::success();
}

int nncc::placement::hops(const PlacementProblem &p, int coreA, int coreB) {
  if (coreA == coreB)
    return 0;
  if (p.topology == Topology::Bus)
    return 1;
  int w = resolveGeometry(p).width;
  return std::abs(coreA % w - coreB % w) + std::abs(coreA / w - coreB / w);
}

uint64_t nncc::placement::placementCost(const PlacementProblem &p,
                                        llvm::ArrayRef<int> tileCore) {
  const int w = resolveGeometry(p).width;
  const bool bus = p.topology == Topology::Bus;
  uint64_t total = 0;
  for (const TrafficEdge &e : p.traffic) {
    int ca = tileCore[e.a], cb = tileCore[e.b];
    if (ca == cb)
      continue;
    uint64_t h = bus ? 1
                     : uint64_t(std::abs(ca % w - cb % w) +
                                std::abs(ca / w - cb / w));
    total += e.bits * h;
  }
  return total;
}

namespace {

/// Bits on every directed link under XY routing, indexed
/// (y * width + x) * 4 + direction (0: +x, 1: -x, 2: +y, 3: -y).
std::vector<uint64_t> meshLinkBits(const PlacementProblem &p,
                                   llvm::ArrayRef<int> tileCore,
                                   const MeshGeometry &g) {
  const int w = g.width;
  std::vector<uint64_t> load(size_t(g.width) * g.height * 4, 0);
  for (const TrafficEdge &e : p.traffic) {
    int ca = tileCore[e.a], cb = tileCore[e.b];
    if (ca == cb)
      continue;
    int x = ca % w, y = ca / w, tx = cb % w, ty = cb / w;
    while (x != tx) {
      int dir = tx > x ? 0 : 1;
      load[size_t(y * w + x) * 4 + dir] += e.bits;
      x += tx > x ? 1 : -1;
    }
    while (y != ty) {
      int dir = ty > y ? 2 : 3;
      load[size_t(y * w + x) * 4 + dir] += e.bits;
      y += ty > y ? 1 : -1;
    }
  }
  return load;
}

LinkLoad meshLink(size_t i, int width, uint64_t bits) {
  static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
  int pos = int(i / 4), dir = int(i % 4);
  LinkLoad l;
  l.fromX = pos % width;
  l.fromY = pos / width;
  l.toX = l.fromX + dx[dir];
  l.toY = l.fromY + dy[dir];
  l.bits = bits;
  return l;
}

LinkLoad busLink(const PlacementProblem &p, llvm::ArrayRef<int> tileCore) {
  LinkLoad bus;
  for (const TrafficEdge &e : p.traffic)
    if (tileCore[e.a] != tileCore[e.b])
      bus.bits += e.bits;
  return bus;
}

} // namespace

std::vector<LinkLoad> nncc::placement::linkLoads(const PlacementProblem &p,
                                                 llvm::ArrayRef<int> tileCore) {
  if (p.topology == Topology::Bus)
    return {busLink(p, tileCore)};
  const MeshGeometry g = resolveGeometry(p);
  std::vector<uint64_t> load = meshLinkBits(p, tileCore, g);
  std::vector<LinkLoad> links(load.size());
  for (size_t i = 0; i < load.size(); ++i)
    links[i] = meshLink(i, g.width, load[i]);
  return links;
}

// Scans the bits alone: a LinkLoad per link is 24 bytes x 4 links per mesh
// position, ~100 MB on a 2^20-core mesh, for one maximum.
LinkLoad nncc::placement::maxLinkLoad(const PlacementProblem &p,
                                      llvm::ArrayRef<int> tileCore) {
  if (p.topology == Topology::Bus) {
    LinkLoad bus = busLink(p, tileCore);
    return bus.bits > 0 ? bus : LinkLoad();
  }
  const MeshGeometry g = resolveGeometry(p);
  std::vector<uint64_t> load = meshLinkBits(p, tileCore, g);
  size_t best = load.size();
  for (size_t i = 0; i < load.size(); ++i)
    if (load[i] > (best == load.size() ? 0 : load[best]))
      best = i;
  return best == load.size() ? LinkLoad() : meshLink(best, g.width, load[best]);
}

std::vector<int> nncc::placement::hilbertOrder(int width, int height) {
  std::vector<int> out;
  if (width <= 0 || height <= 0)
    return out;
  out.reserve(size_t(width) * height);
  if (width >= height)
    gilbert(0, 0, width, 0, 0, height, width, out);
  else
    gilbert(0, 0, 0, height, width, 0, width, out);
  return out;
}

PlacementProblem nncc::placement::makeSyntheticProblem(int numTiles,
                                                       int arraysPerCore,
                                                       uint64_t seed,
                                                       Topology topology,
                                                       double utilisation) {
  PlacementProblem p;
  SplitMix rng{seed * 0x2545f4914f6cdd1dULL + 17};
  p.topology = topology;
  p.arraysPerCore = std::max(arraysPerCore, 1);
  struct Layer {
    int first, rows, cols;
  };
  std::vector<Layer> layers;
  int placed = 0;
  while (placed < numTiles) {
    int rows = rng.range(1, 4), cols = rng.range(1, 4);
    int remaining = numTiles - placed;
    if (rows * cols > remaining) {
      rows = 1;
      cols = remaining;
    }
    layers.push_back({placed, rows, cols});
    for (int i = 0; i < rows * cols; ++i)
      p.tileGroup.push_back(int(layers.size()) - 1);
    placed += rows * cols;
  }
  auto tile = [](const Layer &l, int r, int c) { return l.first + r * l.cols + c; };
  const int arrayCols = 128; // outputs per column tile
  for (size_t li = 0; li < layers.size(); ++li) {
    const Layer &l = layers[li];
    // Partial sums: 16-bit, one value per output column, per output pixel.
    uint64_t pixels = uint64_t(1) << rng.range(0, 4);
    for (int c = 0; c < l.cols; ++c)
      for (int r = 1; r < l.rows; ++r)
        p.traffic.push_back({tile(l, r, c), tile(l, 0, c),
                             uint64_t(arrayCols) * 16 * pixels});
    if (li + 1 == layers.size())
      continue;
    // Activations: 8-bit; layer L's outputs (cols * 128 values) are spread
    // evenly over layer L+1's row tiles; each row tile broadcasts its slice
    // to every column tile of its row.
    const Layer &n = layers[li + 1];
    int64_t outputs = int64_t(l.cols) * arrayCols;
    for (int c = 0; c < l.cols; ++c) {
      int64_t lo = int64_t(c) * arrayCols, hi = lo + arrayCols;
      for (int r = 0; r < n.rows; ++r) {
        int64_t rlo = outputs * r / n.rows, rhi = outputs * (r + 1) / n.rows;
        int64_t overlap = std::min(hi, rhi) - std::max(lo, rlo);
        if (overlap <= 0)
          continue;
        for (int k = 0; k < n.cols; ++k)
          p.traffic.push_back(
              {tile(l, 0, c), tile(n, r, k), uint64_t(overlap) * 8 * pixels});
      }
    }
  }
  double u = utilisation > 0 && utilisation <= 1 ? utilisation : 1.0;
  int cores = std::max(
      1, int(std::ceil(double(numTiles) / (p.arraysPerCore * u) - 1e-9)));
  p.numCores = cores;
  MeshGeometry g = resolveGeometry(p);
  p.meshWidth = g.width;
  p.meshHeight = g.height;
  p.numCores = g.width * g.height;
  return p;
}
