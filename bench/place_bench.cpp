//===- place_bench.cpp - Placement quality and wall time ------------------===//
//
// Usage: nncc-place-bench [--k ARRAYS_PER_CORE] [--seed S] [--timeout SEC]
//                         [--encoding maxsat|arith] [--bus] [--util U]
//                         [--moves PER_TILE] [--max-moves N] [--max-work N]
//                         [--bound-work N]
//                         [--problem FILE]... [TILES...]
// Default sizes: 16 500 5000 20000.  For each size: a synthetic layered
// network (makeSyntheticProblem), placed with `place`; for each --problem: a
// problem written by `nncc-opt --nncc-place="dump-problem=FILE"` (its own
// cores and arrays per core; --k, --util and --bus do not apply).  Prints
// one table row per instance with the objective of each phase, the lower
// bound, the gap, Z3's status, the most loaded link, the annealing moves,
// the wall time and the time of the greedy, annealing and lower-bound
// phases, and which work budgets cut a phase short.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace nncc::placement;

int main(int argc, char **argv) {
  int k = 4;
  uint64_t seed = 1;
  double util = 0.8;
  Topology topology = Topology::Mesh;
  PlacementOptions options;
  std::vector<int> sizes;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> const char * {
      if (i + 1 >= argc) {
        llvm::errs() << "error: " << arg << " needs a value\n";
        std::exit(1);
      }
      return argv[++i];
    };
    if (arg == "--k")
      k = std::atoi(next());
    else if (arg == "--seed")
      seed = std::strtoull(next(), nullptr, 10);
    else if (arg == "--timeout")
      options.timeoutSeconds = std::atof(next());
    else if (arg == "--util")
      util = std::atof(next());
    else if (arg == "--moves")
      options.annealMovesPerTile = std::atof(next());
    else if (arg == "--max-moves")
      options.annealMaxMoves = std::strtoull(next(), nullptr, 10);
    else if (arg == "--max-work")
      options.annealMaxWork = std::strtoull(next(), nullptr, 10);
    else if (arg == "--bound-work")
      options.boundSearchWork = std::strtoull(next(), nullptr, 10);
    else if (arg == "--problem")
      files.push_back(next());
    else if (arg == "--bus")
      topology = Topology::Bus;
    else if (arg == "--encoding")
      options.z3Encoding = std::strcmp(next(), "arith") == 0
                               ? Z3Encoding::Arithmetic
                               : Z3Encoding::MaxSat;
    else
      sizes.push_back(std::atoi(arg.c_str()));
  }
  if (sizes.empty() && files.empty())
    sizes = {16, 500, 5000, 20000};
  options.seed = seed;

  std::printf("%7s %6s %9s %7s %13s %13s %13s %13s %6s %5s %-9s %-16s "
              "%11s %9s %8s %8s %8s %8s\n",
              "tiles", "cores", "mesh", "edges", "greedy", "anneal",
              "objective", "bound", "gap", "opt", "method", "z3", "maxlink",
              "moves", "time_s", "greedy_s", "anneal_s", "bound_s");
  auto run = [&](const PlacementProblem &p) -> bool {
    llvm::Expected<PlacementResult> r = place(p, options);
    if (!r) {
      llvm::errs() << "error: " << llvm::toString(r.takeError()) << "\n";
      return false;
    }
    MeshGeometry g = resolveGeometry(p);
    std::string mesh = p.topology == Topology::Bus
                           ? "bus"
                           : std::to_string(g.width) + "x" +
                                 std::to_string(g.height);
    std::string z3 = r->exactStatus.substr(0, 16);
    std::printf(
        "%7d %6d %9s %7zu %13llu %13llu %13llu %13llu %6.3f %5s %-9s %-16s "
        "%11llu %9llu %8.3f %8.3f %8.3f %8.3f%s%s%s\n",
        p.numTiles(), p.numCores, mesh.c_str(), p.traffic.size(),
        (unsigned long long)r->greedyObjective,
        (unsigned long long)r->annealObjective,
        (unsigned long long)r->objective, (unsigned long long)r->lowerBound,
        r->gap, r->provenOptimal ? "yes" : "no", methodName(r->method),
        z3.c_str(), (unsigned long long)r->maxLink.bits,
        (unsigned long long)r->annealMoves, r->wallSeconds, r->greedySeconds,
        r->annealSeconds, r->boundSeconds,
        r->annealWorkLimited ? "  (annealing work budget)" : "",
        r->boundSearchTruncated ? "  (bound search truncated)" : "",
        r->wallClockLimitHit ? "  (wall-clock limit hit)" : "");
    std::fflush(stdout);
    return true;
  };
  for (const std::string &file : files) {
    auto buffer = llvm::MemoryBuffer::getFile(file);
    if (!buffer) {
      llvm::errs() << "error: " << file << ": " << buffer.getError().message()
                   << "\n";
      return 1;
    }
    llvm::Expected<PlacementProblem> p = parseProblem((*buffer)->getBuffer());
    if (!p) {
      llvm::errs() << "error: " << file << ": "
                   << llvm::toString(p.takeError()) << "\n";
      return 1;
    }
    if (!run(*p))
      return 1;
  }
  for (int n : sizes)
    if (!run(makeSyntheticProblem(n, k, seed, topology, util)))
      return 1;
  return 0;
}
