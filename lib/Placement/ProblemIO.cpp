//===- ProblemIO.cpp - Placement problems as text -------------------------===//
//
// A whitespace-separated text format, so that a compiler's instance (e.g.
// `nncc-opt --nncc-place="dump-problem=f.txt"`) can be replayed by the
// benchmark without the compiler:
//
//   nncc-placement-problem 1
//   cores M arrays_per_core K topology mesh|bus width W height H
//   buffer BYTES tile_buffers 0|N [N demands]
//   tiles N  [N group ids]
//   edges E  [E triples: a b bits]
//   [ports WEIGHT stages S [S budgets] items I [I pairs: stage bits]
//    tile_items N [N item ids, -1 for none]
//    [tile_results N [N result bits]]]            (only with a port model)
//   [exclusive]                        (only with exclusiveGroups)
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace nncc::placement;

void nncc::placement::writeProblem(const PlacementProblem &p,
                                   llvm::raw_ostream &os) {
  os << "nncc-placement-problem 1\n"
     << "cores " << p.numCores << " arrays_per_core " << p.arraysPerCore
     << " topology " << (p.topology == Topology::Bus ? "bus" : "mesh")
     << " width " << p.meshWidth << " height " << p.meshHeight << "\n"
     << "buffer " << p.coreBufferBytes << " tile_buffers "
     << p.tileBufferBytes.size();
  for (uint64_t b : p.tileBufferBytes)
    os << ' ' << b;
  os << "\ntiles " << p.numTiles() << "\n";
  for (int g : p.tileGroup)
    os << g << '\n';
  os << "edges " << p.traffic.size() << "\n";
  for (const TrafficEdge &e : p.traffic)
    os << e.a << ' ' << e.b << ' ' << e.bits << '\n';
  if (p.hasPortModel()) {
    os << "ports " << p.portExcessWeight << " stages "
       << p.stagePortBudget.size();
    for (uint64_t budget : p.stagePortBudget)
      os << ' ' << budget;
    os << "\nitems " << p.portItemBits.size() << "\n";
    for (size_t i = 0; i < p.portItemBits.size(); ++i)
      os << p.portItemStage[i] << ' ' << p.portItemBits[i] << '\n';
    os << "tile_items " << p.tilePortItem.size() << "\n";
    for (int item : p.tilePortItem)
      os << item << '\n';
    if (!p.tileResultBits.empty()) {
      os << "tile_results " << p.tileResultBits.size() << "\n";
      for (uint64_t bits : p.tileResultBits)
        os << bits << '\n';
    }
  }
  if (p.exclusiveGroups)
    os << "exclusive\n";
}

llvm::Expected<PlacementProblem>
nncc::placement::parseProblem(llvm::StringRef text) {
  std::vector<llvm::StringRef> words;
  for (llvm::StringRef rest = text.ltrim(); !rest.empty();
       rest = rest.ltrim()) {
    size_t end = std::min(rest.find_first_of(" \t\r\n"), rest.size());
    words.push_back(rest.take_front(end));
    rest = rest.drop_front(end);
  }
  size_t at = 0;
  auto error = [&](const llvm::Twine &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "placement problem: " + what + " at word " +
                                       llvm::Twine(at) +
                                       " (1-based: the last word read)");
  };
  auto expect = [&](llvm::StringRef keyword) -> bool {
    return at < words.size() && words[at++] == keyword;
  };
  auto number = [&](uint64_t &value) -> bool {
    return at < words.size() && !words[at++].getAsInteger(10, value);
  };
  // A list's length: no more entries of `width` words than words remain
  // (a count past the end of the file is an error, not an allocation).
  auto length = [&](uint64_t &n, size_t width) -> bool {
    return number(n) && n <= (words.size() - at) / width;
  };
  PlacementProblem p;
  uint64_t version, cores, k, width, height, buffers, tiles, edges;
  if (!expect("nncc-placement-problem") || !number(version) || version != 1)
    return error("expected 'nncc-placement-problem 1'");
  if (!expect("cores") || !number(cores) || !expect("arrays_per_core") ||
      !number(k) || !expect("topology"))
    return error("expected 'cores M arrays_per_core K topology ...'");
  llvm::StringRef topology = at < words.size() ? words[at++] : "";
  if (topology != "mesh" && topology != "bus")
    return error("topology must be mesh or bus");
  if (!expect("width") || !number(width) || !expect("height") ||
      !number(height))
    return error("expected 'width W height H'");
  p.numCores = int(cores);
  p.arraysPerCore = int(k);
  p.topology = topology == "bus" ? Topology::Bus : Topology::Mesh;
  p.meshWidth = int(width);
  p.meshHeight = int(height);
  if (!expect("buffer") || !number(p.coreBufferBytes) ||
      !expect("tile_buffers") || !length(buffers, 1))
    return error("expected 'buffer B tile_buffers N'");
  p.tileBufferBytes.resize(buffers);
  for (uint64_t &b : p.tileBufferBytes)
    if (!number(b))
      return error("expected a tile buffer demand");
  if (!expect("tiles") || !length(tiles, 1))
    return error("expected 'tiles N'");
  p.tileGroup.resize(tiles);
  for (int &g : p.tileGroup) {
    uint64_t v;
    if (!number(v))
      return error("expected a tile group");
    g = int(v);
  }
  if (!expect("edges") || !length(edges, 3))
    return error("expected 'edges E'");
  p.traffic.resize(edges);
  for (TrafficEdge &e : p.traffic) {
    uint64_t a, b;
    if (!number(a) || !number(b) || !number(e.bits))
      return error("expected an edge 'a b bits'");
    e.a = int(a);
    e.b = int(b);
  }
  if (at < words.size() && words[at] == "ports") {
    ++at;
    uint64_t stages, items, tileItems;
    if (!number(p.portExcessWeight) || !expect("stages") || !length(stages, 1))
      return error("expected 'ports WEIGHT stages S'");
    p.stagePortBudget.resize(stages);
    for (uint64_t &budget : p.stagePortBudget)
      if (!number(budget))
        return error("expected a stage port budget");
    if (!expect("items") || !length(items, 2))
      return error("expected 'items I'");
    p.portItemStage.resize(items);
    p.portItemBits.resize(items);
    for (uint64_t i = 0; i < items; ++i) {
      uint64_t stage;
      if (!number(stage) || !number(p.portItemBits[i]))
        return error("expected a port item 'stage bits'");
      p.portItemStage[i] = int(stage);
    }
    if (!expect("tile_items") || !length(tileItems, 1))
      return error("expected 'tile_items N'");
    p.tilePortItem.resize(tileItems);
    for (int &item : p.tilePortItem) {
      // -1 (no item) is the one negative value.
      if (at < words.size() && words[at] == "-1") {
        ++at;
        item = -1;
        continue;
      }
      uint64_t v;
      if (!number(v))
        return error("expected a tile port item");
      item = int(v);
    }
    if (at < words.size() && words[at] == "tile_results") {
      ++at;
      uint64_t results;
      if (!length(results, 1))
        return error("expected 'tile_results N'");
      p.tileResultBits.resize(results);
      for (uint64_t &bits : p.tileResultBits)
        if (!number(bits))
          return error("expected a tile's result bits");
    }
  }
  if (at < words.size() && words[at] == "exclusive") {
    ++at;
    p.exclusiveGroups = true;
  }
  if (at != words.size())
    return error("trailing words");
  if (llvm::Error err = verifyProblem(p))
    return std::move(err);
  return p;
}
