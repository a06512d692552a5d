//===- place_bench.cpp - Placement quality and wall time ------------------===//
//
// Usage: nncc-place-bench [--k ARRAYS_PER_CORE] [--seed S] [--timeout SEC]
//                         [--encoding maxsat|arith] [--bus] [--util U]
//                         [--moves PER_TILE] [--max-moves N]
//                         [TILES...]
// Default sizes: 16 500 5000 20000.  For each size: a synthetic layered
// network (makeSyntheticProblem), placed with `place`; prints one table row
// with the objective of each phase, the lower bound, the gap, Z3's status,
// the most loaded link and the wall time.
//
//===----------------------------------------------------------------------===//

#include "nncc/Placement/Placement.h"

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
    else if (arg == "--bus")
      topology = Topology::Bus;
    else if (arg == "--encoding")
      options.z3Encoding = std::strcmp(next(), "arith") == 0
                               ? Z3Encoding::Arithmetic
                               : Z3Encoding::MaxSat;
    else
      sizes.push_back(std::atoi(arg.c_str()));
  }
  if (sizes.empty())
    sizes = {16, 500, 5000, 20000};
  options.seed = seed;

  std::printf("%7s %6s %9s %7s %13s %13s %13s %13s %6s %5s "
                               "%-9s %-16s %11s %8s\n",
                               "tiles", "cores", "mesh", "edges", "greedy",
                               "anneal", "objective", "bound", "gap", "opt",
                               "method", "z3", "maxlink", "time_s");
  for (int n : sizes) {
    PlacementProblem p = makeSyntheticProblem(n, k, seed, topology, util);
    llvm::Expected<PlacementResult> r = place(p, options);
    if (!r) {
      llvm::errs() << "error: " << llvm::toString(r.takeError()) << "\n";
      return 1;
    }
    std::string mesh = std::to_string(p.meshWidth) + "x" +
                       std::to_string(p.meshHeight);
    std::string z3 = r->exactStatus.substr(0, 16);
    std::printf(
        "%7d %6d %9s %7zu %13llu %13llu %13llu %13llu %6.3f %5s %-9s %-16s "
        "%11llu %8.3f%s\n",
        n, p.numCores, mesh.c_str(), p.traffic.size(),
        (unsigned long long)r->greedyObjective,
        (unsigned long long)r->annealObjective,
        (unsigned long long)r->objective, (unsigned long long)r->lowerBound,
        r->gap, r->provenOptimal ? "yes" : "no", methodName(r->method),
        z3.c_str(), (unsigned long long)r->maxLink.bits, r->wallSeconds,
        r->wallClockLimitHit ? "  (wall-clock limit hit)" : "");
    std::fflush(stdout);
  }
  return 0;
}
