//===- PlacementTest.cpp - Tile-to-core placement -------------------------===//
//
// Hand-solved instances, Z3 optimality checked against brute force,
// capacity, infeasibility errors, determinism, link loads, the lower bound
// and a 5,000-tile instance (validity only; timing is in
// bench/place_bench.cpp).
//
//===----------------------------------------------------------------------===//
#include "nncc/Placement/Placement.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <functional>
#include <set>

using namespace nncc::placement;

namespace {

PlacementProblem meshProblem(int width, int height, int arraysPerCore,
                             int tiles) {
  PlacementProblem p;
  p.meshWidth = width;
  p.meshHeight = height;
  p.numCores = width * height;
  p.arraysPerCore = arraysPerCore;
  p.tileGroup.assign(tiles, 0);
  return p;
}

PlacementProblem busProblem(int cores, int arraysPerCore, int tiles) {
  PlacementProblem p = meshProblem(cores, 1, arraysPerCore, tiles);
  p.topology = Topology::Bus;
  return p;
}

/// A random connected instance: a random spanning tree plus `extra` edges,
/// weights 1..100, random groups.
PlacementProblem randomProblem(PlacementProblem p, int extra, uint64_t seed) {
  uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 1;
  auto next = [&](uint64_t bound) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s % bound;
  };
  int n = p.numTiles();
  for (int t = 1; t < n; ++t)
    p.traffic.push_back({int(next(t)), t, 1 + next(100)});
  for (int i = 0; i < extra; ++i) {
    int a = int(next(n)), b = int(next(n));
    if (a != b)
      p.traffic.push_back({a, b, 1 + next(100)});
  }
  for (int t = 0; t < n; ++t)
    p.tileGroup[t] = t * 3 / n; // three layers
  return p;
}

/// Exhaustive search over every capacity-respecting assignment (buffer
/// capacities are not used by these instances), pruning partial
/// assignments that already cost at least the best complete one.
uint64_t bruteForceOptimum(const PlacementProblem &p) {
  const int n = p.numTiles();
  std::vector<int> core(n, -1), count(p.numCores, 0);
  // Edges to earlier tiles, so the cost can be accumulated tile by tile.
  std::vector<std::vector<std::pair<int, uint64_t>>> earlier(n);
  for (const TrafficEdge &e : p.traffic)
    if (e.a != e.b)
      earlier[std::max(e.a, e.b)].push_back({std::min(e.a, e.b), e.bits});
  uint64_t best = UINT64_MAX;
  std::function<void(int, uint64_t)> visit = [&](int t, uint64_t cost) {
    if (cost >= best)
      return; // costs only grow: nothing below can be better
    if (t == n) {
      best = cost;
      return;
    }
    for (int c = 0; c < p.numCores; ++c) {
      if (count[c] == p.arraysPerCore)
        continue;
      uint64_t add = 0;
      for (auto [u, bits] : earlier[t])
        add += bits * uint64_t(hops(p, c, core[u]));
      core[t] = c;
      ++count[c];
      visit(t + 1, cost + add);
      --count[c];
      core[t] = -1;
    }
  };
  visit(0, 0);
  return best;
}

PlacementResult placeOk(const PlacementProblem &p,
                        const PlacementOptions &options = {}) {
  llvm::Expected<PlacementResult> r = place(p, options);
  EXPECT_TRUE(static_cast<bool>(r));
  if (!r) {
    ADD_FAILURE() << llvm::toString(r.takeError());
    return {};
  }
  return std::move(*r);
}

void expectValid(const PlacementProblem &p, const PlacementResult &r) {
  llvm::Error err = verifyAssignment(p, r.tileCore);
  EXPECT_FALSE(static_cast<bool>(err)) << llvm::toString(std::move(err));
  EXPECT_EQ(r.objective, placementCost(p, r.tileCore));
  EXPECT_LE(r.lowerBound, r.objective);
  EXPECT_LE(r.cheapLowerBound, r.objective);
  EXPECT_GE(r.gap, 0.0);
  EXPECT_LE(r.gap, 1.0);
  EXPECT_DOUBLE_EQ(r.gap, double(r.objective - r.lowerBound) /
                              double(std::max<uint64_t>(r.objective, 1)));
  EXPECT_EQ(r.provenOptimal, r.lowerBound == r.objective);
  EXPECT_LE(r.objective, r.greedyObjective);
  ASSERT_EQ(int(r.corePosition.size()), p.numCores);
}

// Two copies A and B of a layer, each two column tiles that read the same
// rows (items a and b, 1000 bits each), on two cores of two arrays.  The
// traffic pulls A0 to B0 and A1 to B1 (50 bits each) more than within a
// copy (10 bits each).  Tiles: A0 = 0, A1 = 1, B0 = 2, B1 = 3.
PlacementProblem twoCopies(uint64_t weight) {
  PlacementProblem p = meshProblem(2, 1, 2, 4);
  p.traffic = {{0, 2, 50}, {1, 3, 50}, {0, 1, 10}, {2, 3, 10}};
  p.tilePortItem = {0, 0, 1, 1};
  p.portItemBits = {1000, 1000};
  p.portItemStage = {0, 0};
  p.stagePortBudget = {1000};
  p.portExcessWeight = weight;
  return p;
}

std::string errorOf(const PlacementProblem &p) {
  llvm::Expected<PlacementResult> r = place(p);
  if (r)
    return "<no error>";
  return llvm::toString(r.takeError());
}

} // namespace

//===----------------------------------------------------------------------===//
// Hand-solved instances
//===----------------------------------------------------------------------===//

// Four tiles in a chain 0-1-2-3, 100 bits per edge, on a 2x2 mesh with one
// array per core.  Every tile is on its own core, so each of the 3 edges is
// at least 1 hop: cost >= 3 * 100.  Walking around the square,
// (0,0) -> (1,0) -> (1,1) -> (0,1), makes every edge exactly 1 hop: 300.
TEST(PlacementHand, ChainOnTwoByTwo) {
  PlacementProblem p = meshProblem(2, 2, 1, 4);
  p.traffic = {{0, 1, 100}, {1, 2, 100}, {2, 3, 100}};
  PlacementResult r = placeOk(p);
  expectValid(p, r);
  EXPECT_EQ(r.objective, 300u);
  EXPECT_TRUE(r.provenOptimal);
  EXPECT_EQ(r.gap, 0.0);
  // Z3 on its own proves it too.
  ExactResult z3 = solveExact(p, r.tileCore, PlacementOptions(), 30);
  EXPECT_TRUE(z3.proven) << z3.status;
  EXPECT_EQ(z3.lowerBound, 300u);
}

// A hub with four leaves (50 bits each) on a 3x3 mesh, one array per core.
// Each leaf is on another core, so at least 1 hop each: >= 200.  Only the
// centre core has four cores at 1 hop, so the hub goes there: 200.  Any
// other hub position has at most 3 cores at 1 hop, costing >= 250.
TEST(PlacementHand, StarOnThreeByThree) {
  PlacementProblem p = meshProblem(3, 3, 1, 5);
  p.traffic = {{0, 1, 50}, {0, 2, 50}, {0, 3, 50}, {0, 4, 50}};
  PlacementResult r = placeOk(p);
  expectValid(p, r);
  EXPECT_EQ(r.objective, 200u);
  EXPECT_EQ(r.tileCore[0], 4); // the centre (1, 1)
  EXPECT_TRUE(r.provenOptimal);
}

// Three tiles on a 3x1 line, one per core, edges 0-1 (10 bits) and 1-2
// (1 bit).  The middle position is 1 hop from both ends, the ends are 2
// apart.  Tile 1 in the middle: 10 + 1 = 11.  Tile 0 in the middle: 0-1 is
// 1 hop (10), 1-2 is 2 hops (2): 12.  Tile 2 in the middle: 0-1 is 2 hops
// (20) + 1 = 21.  Optimum 11, with tile 1 in the middle.
TEST(PlacementHand, WeightedLine) {
  PlacementProblem p = meshProblem(3, 1, 1, 3);
  p.traffic = {{0, 1, 10}, {1, 2, 1}};
  PlacementResult r = placeOk(p);
  expectValid(p, r);
  EXPECT_EQ(r.objective, 11u);
  EXPECT_EQ(r.tileCore[1], 1);
  EXPECT_TRUE(r.provenOptimal);
}

// A 4-cycle 0-1-2-3-0 on a bus of 2 cores with 2 arrays each: heavy edges
// 0-1 and 2-3 (100 bits), light 1-2 and 3-0 (1 bit).  The 2+2 splits:
// {0,1}{2,3} cuts the light edges (2); {0,3}{1,2} cuts the heavy ones
// (200); {0,2}{1,3} cuts all four (202).  Optimum 2.
TEST(PlacementHand, BusPairs) {
  PlacementProblem p = busProblem(2, 2, 4);
  p.traffic = {{0, 1, 100}, {1, 2, 1}, {2, 3, 100}, {3, 0, 1}};
  PlacementResult r = placeOk(p);
  expectValid(p, r);
  EXPECT_EQ(r.objective, 2u);
  EXPECT_EQ(r.tileCore[0], r.tileCore[1]);
  EXPECT_EQ(r.tileCore[2], r.tileCore[3]);
  EXPECT_TRUE(r.provenOptimal);
}

// A chain of 5 tiles (7 bits per edge) on a 3x1 mesh with 2 arrays per
// core.  5 tiles need all 3 cores; a connected chain spread over 3 cores
// crosses a core boundary at least twice, each crossing >= 1 hop: >= 14.
// {0,1} {2,3} {4} on consecutive cores achieves 14.  The cheap bound only
// sees per-tile neighbourhoods (one neighbour of each tile could share its
// core), so it stops below 14 and Z3 has to prove this one.
TEST(PlacementHand, ChainNeedsThreeCores) {
  PlacementProblem p = meshProblem(3, 1, 2, 5);
  p.traffic = {{0, 1, 7}, {1, 2, 7}, {2, 3, 7}, {3, 4, 7}};
  PlacementResult r = placeOk(p);
  expectValid(p, r);
  EXPECT_EQ(r.objective, 14u);
  EXPECT_LT(r.cheapLowerBound, 14u);
  EXPECT_TRUE(r.provenOptimal) << r.exactStatus;
  EXPECT_EQ(r.exactStatus, "optimal");
}

//===----------------------------------------------------------------------===//
// Z3 against brute force
//===----------------------------------------------------------------------===//

struct SmallCase {
  const char *name;
  PlacementProblem problem;
};

std::vector<SmallCase> smallCases() {
  std::vector<SmallCase> cases;
  cases.push_back({"8 tiles, 2x2 mesh, 2 per core",
                   randomProblem(meshProblem(2, 2, 2, 8), 6, 1)});
  cases.push_back({"9 tiles, 3x3 mesh, 1 per core",
                   randomProblem(meshProblem(3, 3, 1, 9), 4, 2)});
  cases.push_back({"10 tiles, 3x2 mesh, 2 per core",
                   randomProblem(meshProblem(3, 2, 2, 10), 5, 3)});
  cases.push_back({"12 tiles, 2x2 mesh, 3 per core",
                   randomProblem(meshProblem(2, 2, 3, 12), 8, 4)});
  cases.push_back({"14 tiles, bus of 3 cores, 5 per core",
                   randomProblem(busProblem(3, 5, 14), 10, 5)});
  cases.push_back({"16 tiles, 2x1 mesh, 8 per core",
                   randomProblem(meshProblem(2, 1, 8, 16), 12, 6)});
  cases.push_back({"16 tiles, 4x1 mesh, 4 per core",
                   randomProblem(meshProblem(4, 1, 4, 16), 4, 7)});
  // A partly filled mesh (no symmetry breaking applies).
  PlacementProblem partial = meshProblem(3, 3, 1, 7);
  partial.numCores = 7;
  cases.push_back({"7 tiles, 3x3 mesh with 7 cores, 1 per core",
                   randomProblem(partial, 5, 8)});
  return cases;
}

TEST(PlacementExact, Z3ProvesBruteForceOptimum) {
  for (SmallCase &c : smallCases()) {
    SCOPED_TRACE(c.name);
    uint64_t optimum = bruteForceOptimum(c.problem);
    PlacementResult r = placeOk(c.problem);
    expectValid(c.problem, r);
    EXPECT_EQ(r.objective, optimum);
    EXPECT_TRUE(r.provenOptimal) << r.exactStatus;
    EXPECT_EQ(r.gap, 0.0);
    // Z3 by itself, warm-started with the optimum and with greedy's worse
    // assignment: both proofs must land on the brute-force value.
    ExactResult fromOptimum = solveExact(c.problem, r.tileCore, {}, 30);
    EXPECT_TRUE(fromOptimum.proven) << fromOptimum.status;
    EXPECT_EQ(fromOptimum.lowerBound, optimum);
    std::vector<int> greedy = *greedyPlacement(c.problem);
    ExactResult fromGreedy = solveExact(c.problem, greedy, {}, 30);
    EXPECT_TRUE(fromGreedy.proven) << fromGreedy.status;
    EXPECT_EQ(fromGreedy.lowerBound, optimum);
    ASSERT_FALSE(fromGreedy.tileCore.empty());
    EXPECT_EQ(placementCost(c.problem, fromGreedy.tileCore), optimum);
  }
}

TEST(PlacementExact, ArithmeticEncodingAgrees) {
  PlacementOptions options;
  options.z3Encoding = Z3Encoding::Arithmetic;
  for (SmallCase &c : smallCases()) {
    if (c.problem.numTiles() > 9)
      continue; // the arithmetic encoding is much slower
    SCOPED_TRACE(c.name);
    uint64_t optimum = bruteForceOptimum(c.problem);
    std::vector<int> greedy = *greedyPlacement(c.problem);
    ExactResult z3 = solveExact(c.problem, greedy, options, 30);
    EXPECT_TRUE(z3.proven) << z3.status;
    EXPECT_EQ(z3.lowerBound, optimum);
  }
}

TEST(PlacementExact, InProcessSolverAgrees) {
  PlacementOptions options;
  options.isolateSolver = false;
  SmallCase c = smallCases()[2];
  uint64_t optimum = bruteForceOptimum(c.problem);
  std::vector<int> greedy = *greedyPlacement(c.problem);
  ExactResult z3 = solveExact(c.problem, greedy, options, 30);
  EXPECT_TRUE(z3.proven) << z3.status;
  EXPECT_EQ(z3.lowerBound, optimum);
}

// Z3 failures (here: out of memory under a 1 MiB cap, which Z3 4.8 may
// answer with an exception or a crash) stay inside the solver process: the
// status says what happened and the pipeline still returns a valid
// placement.
TEST(PlacementExact, Z3FailuresAreContained) {
  PlacementProblem p = makeSyntheticProblem(16, 2, 1);
  PlacementOptions options;
  options.z3MemoryMegabytes = 1;
  llvm::Expected<PlacementResult> r = place(p, options);
  ASSERT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
  expectValid(p, *r);
  EXPECT_EQ(r->exactStatus.rfind("error", 0), 0u) << r->exactStatus;
  EXPECT_NE(r->method, PlacementMethod::Z3);
}

//===----------------------------------------------------------------------===//
// Lower bound
//===----------------------------------------------------------------------===//

TEST(PlacementBound, NeverExceedsBruteForce) {
  int checked = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    for (PlacementProblem p :
         {randomProblem(meshProblem(3, 2, 2, 9), 10, seed),
          randomProblem(meshProblem(2, 2, 3, 10), 14, seed),
          randomProblem(meshProblem(3, 3, 1, 7), 12, seed),
          randomProblem(busProblem(3, 3, 9), 15, seed)}) {
      uint64_t optimum = bruteForceOptimum(p);
      EXPECT_LE(placementLowerBound(p), optimum) << "seed " << seed;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 48);
}

TEST(PlacementBound, ExactForStars) {
  // A hub with 12 leaves of weights 12..1 on a 5x5 mesh, 2 arrays per core.
  // The hub's core takes 1 leaf at 0 hops, the 4 cores at 1 hop take 8, the
  // 8 cores at 2 hops the rest: the best placement pairs the heaviest
  // leaves with the nearest slots: 0*12 + 1*(11+...+4) + 2*(3+2+1) = 72.
  PlacementProblem p = meshProblem(5, 5, 2, 13);
  for (int leaf = 1; leaf <= 12; ++leaf)
    p.traffic.push_back({0, leaf, uint64_t(13 - leaf)});
  EXPECT_EQ(placementLowerBound(p), 72u);
  PlacementResult r = placeOk(p);
  EXPECT_EQ(r.objective, 72u);
  EXPECT_TRUE(r.provenOptimal);
}

/// Two layers of `side` tiles, all-to-all: the dense traffic shape whose
/// search cost the work budgets bound.
PlacementProblem denseBipartite(int side, int arraysPerCore) {
  PlacementProblem p;
  p.arraysPerCore = arraysPerCore;
  p.numCores = (2 * side + arraysPerCore - 1) / arraysPerCore + 4;
  p.tileGroup.assign(side, 0);
  p.tileGroup.resize(2 * side, 1);
  for (int a = 0; a < side; ++a)
    for (int b = 0; b < side; ++b)
      p.traffic.push_back({a, side + b, uint64_t(1 + (a * 7 + b * 3) % 5)});
  return p;
}

TEST(PlacementBound, SearchBudgetIsDeterministicAndStillABound) {
  // 200 x 200 all-to-all: one search pass would visit 40,000 edges x
  // 3 x 400 entries = 48 M; a 1 M budget stops it after 833 edges.
  PlacementProblem p = denseBipartite(200, 8);
  LowerBoundStats full, cut, none;
  uint64_t unbudgeted = placementLowerBound(p, UINT64_MAX, &full);
  uint64_t budgeted = placementLowerBound(p, 1000000, &cut);
  uint64_t noSearch = placementLowerBound(p, 0, &none);
  EXPECT_FALSE(full.searchTruncated);
  EXPECT_TRUE(cut.searchTruncated);
  EXPECT_LE(cut.searchWork, 1000000u);
  EXPECT_EQ(cut.searchWork, 833u * 1200);
  EXPECT_TRUE(none.searchTruncated);
  EXPECT_EQ(none.searchWork, 0u);
  // The search only raises the bound; every version stays below a real
  // placement's cost.
  EXPECT_LE(noSearch, budgeted);
  EXPECT_LE(budgeted, unbudgeted);
  EXPECT_EQ(placementLowerBound(p, 1000000), budgeted);
  llvm::Expected<std::vector<int>> greedy = greedyPlacement(p);
  ASSERT_TRUE(static_cast<bool>(greedy));
  EXPECT_LE(unbudgeted, placementCost(p, *greedy));
}

TEST(PlacementBound, DefaultBudgetLeavesSparseSearchesWhole) {
  LowerBoundStats stats;
  PlacementProblem p = makeSyntheticProblem(5000, 4, 7);
  (void)placementLowerBound(p, kDefaultBoundSearchWork, &stats);
  EXPECT_FALSE(stats.searchTruncated);
  EXPECT_GT(stats.searchWork, 0u);
}

//===----------------------------------------------------------------------===//
// Annealing work budget
//===----------------------------------------------------------------------===//

TEST(PlacementAnneal, WorkBudgetCutsMovesDeterministically) {
  // 8 arrays per core, degree 200: a core swap reads ~3,200 entries, so
  // 200,000 moves would read far more than the 20 M budget.
  PlacementProblem p = denseBipartite(200, 8);
  PlacementOptions options;
  options.annealMaxWork = 20000000;
  auto run = [&] {
    llvm::Expected<std::vector<int>> start = greedyPlacement(p);
    EXPECT_TRUE(static_cast<bool>(start));
    std::vector<int> tileCore = *start;
    AnnealStats stats = annealPlacement(p, tileCore, options, 0);
    return std::make_pair(stats, tileCore);
  };
  auto [stats, tileCore] = run();
  EXPECT_TRUE(stats.workLimited);
  EXPECT_LT(stats.moves, options.annealMinMoves);
  EXPECT_LE(stats.visits, 2 * options.annealMaxWork + 2 * 3200);
  EXPECT_FALSE(stats.wallClockLimitHit);
  auto [again, tileCoreAgain] = run();
  EXPECT_EQ(again.moves, stats.moves);
  EXPECT_EQ(again.visits, stats.visits);
  EXPECT_EQ(tileCoreAgain, tileCore);
  EXPECT_TRUE(static_cast<bool>(!verifyAssignment(p, tileCore)));
}

TEST(PlacementAnneal, WorkBudgetDoesNotTouchSparseRuns) {
  PlacementProblem p = makeSyntheticProblem(500, 4, 3);
  PlacementOptions options;
  std::vector<int> tileCore = *greedyPlacement(p);
  AnnealStats stats = annealPlacement(p, tileCore, options, 0);
  EXPECT_FALSE(stats.workLimited);
  EXPECT_EQ(stats.moves, uint64_t(options.annealMovesPerTile * 500));
}

TEST(PlacementAnneal, CoreMatrixGivesTheSamePlacementWithLessWork) {
  // 16 arrays per core on a 6 x 6 mesh: a whole-core swap reads ~100
  // adjacency entries from the tiles, 36 from the core-to-core matrix.
  // The matrix prices the same swaps with the same integers, so the
  // annealing trajectory, and the placement, must not change.
  for (Topology topology : {Topology::Mesh, Topology::Bus}) {
    PlacementProblem p = makeSyntheticProblem(500, 16, 7, topology);
    ASSERT_LE(p.numCores, 64);
    PlacementOptions options;
    options.annealMovesPerTile = 400;
    std::vector<int> start = *greedyPlacement(p);
    std::vector<int> withMatrix = start, withoutMatrix = start;
    AnnealStats fast = annealPlacement(p, withMatrix, options, 0);
    options.annealCoreMatrixMaxCores = 0;
    AnnealStats slow = annealPlacement(p, withoutMatrix, options, 0);
    EXPECT_EQ(fast.moves, slow.moves);
    EXPECT_LT(fast.visits, slow.visits);
    EXPECT_EQ(withMatrix, withoutMatrix);
    EXPECT_LT(placementCost(p, withMatrix), placementCost(p, start));
  }
}

//===----------------------------------------------------------------------===//
// Text format
//===----------------------------------------------------------------------===//

TEST(PlacementIO, RoundTrip) {
  PlacementProblem p = makeSyntheticProblem(40, 2, 5, Topology::Bus);
  p.coreBufferBytes = 100;
  p.tileBufferBytes.assign(40, 3);
  std::string text;
  llvm::raw_string_ostream os(text);
  writeProblem(p, os);
  llvm::Expected<PlacementProblem> q = parseProblem(text);
  ASSERT_TRUE(static_cast<bool>(q)) << llvm::toString(q.takeError());
  EXPECT_EQ(q->numCores, p.numCores);
  EXPECT_EQ(q->arraysPerCore, p.arraysPerCore);
  EXPECT_EQ(q->topology, Topology::Bus);
  EXPECT_EQ(q->meshWidth, p.meshWidth);
  EXPECT_EQ(q->meshHeight, p.meshHeight);
  EXPECT_EQ(q->coreBufferBytes, 100u);
  EXPECT_EQ(q->tileBufferBytes, p.tileBufferBytes);
  EXPECT_EQ(q->tileGroup, p.tileGroup);
  ASSERT_EQ(q->traffic.size(), p.traffic.size());
  for (size_t i = 0; i < p.traffic.size(); ++i) {
    EXPECT_EQ(q->traffic[i].a, p.traffic[i].a);
    EXPECT_EQ(q->traffic[i].b, p.traffic[i].b);
    EXPECT_EQ(q->traffic[i].bits, p.traffic[i].bits);
  }
  EXPECT_FALSE(q->hasPortModel());
}

TEST(PlacementIO, RoundTripsThePortModel) {
  PlacementProblem p = twoCopies(5);
  p.tilePortItem[2] = -1;
  std::string text;
  llvm::raw_string_ostream os(text);
  writeProblem(p, os);
  llvm::Expected<PlacementProblem> q = parseProblem(text);
  ASSERT_TRUE(static_cast<bool>(q)) << llvm::toString(q.takeError());
  EXPECT_EQ(q->portExcessWeight, 5u);
  EXPECT_EQ(q->stagePortBudget, p.stagePortBudget);
  EXPECT_EQ(q->portItemBits, p.portItemBits);
  EXPECT_EQ(q->portItemStage, p.portItemStage);
  EXPECT_EQ(q->tilePortItem, p.tilePortItem);
  EXPECT_TRUE(q->tileResultBits.empty());
  EXPECT_FALSE(q->exclusiveGroups);
  p.tileResultBits = {7, 0, 0, 9};
  text.clear();
  writeProblem(p, os);
  llvm::Expected<PlacementProblem> w = parseProblem(text);
  ASSERT_TRUE(static_cast<bool>(w)) << llvm::toString(w.takeError());
  EXPECT_EQ(w->tileResultBits, p.tileResultBits);
  p.exclusiveGroups = true;
  text.clear();
  writeProblem(p, os);
  llvm::Expected<PlacementProblem> e = parseProblem(text);
  ASSERT_TRUE(static_cast<bool>(e)) << llvm::toString(e.takeError());
  EXPECT_TRUE(e->exclusiveGroups);
  EXPECT_EQ(e->tilePortItem, p.tilePortItem);
}

TEST(PlacementIO, ErrorsNameTheProblem) {
  auto errorOf = [](llvm::StringRef text) {
    llvm::Expected<PlacementProblem> p = parseProblem(text);
    EXPECT_FALSE(static_cast<bool>(p));
    return p ? std::string() : llvm::toString(p.takeError());
  };
  EXPECT_EQ(errorOf("hello"), "placement problem: expected "
                              "'nncc-placement-problem 1' at word 1 "
                              "(1-based: the last word read)");
  EXPECT_EQ(
      errorOf("nncc-placement-problem 1 cores 1 arrays_per_core 1 "
              "topology ring"),
      "placement problem: topology must be mesh or bus at word 8 (1-based: "
      "the last word read)");
  // Parsed, then rejected by verifyProblem: an edge to a missing tile.
  EXPECT_NE(errorOf("nncc-placement-problem 1 cores 1 arrays_per_core 2 "
                    "topology mesh width 0 height 0 buffer 0 tile_buffers 0 "
                    "tiles 2 0 0 edges 1 0 5 1")
                .find("names a"),
            std::string::npos);
  // A list longer than the file is an error, not an allocation.
  EXPECT_EQ(errorOf("nncc-placement-problem 1 cores 2 arrays_per_core 2 "
                    "topology mesh width 2 height 1 buffer 0 tile_buffers 0 "
                    "tiles 999999999999999 0 0"),
            "placement problem: expected 'tiles N' at word 18 (1-based: the "
            "last word read)");
  EXPECT_EQ(errorOf("nncc-placement-problem 1 cores 2 arrays_per_core 2 "
                    "topology mesh width 2 height 1 buffer 0 tile_buffers 0 "
                    "tiles 1 0 edges 2 0 0 1"),
            "placement problem: expected 'edges E' at word 21 (1-based: the "
            "last word read)");
}

//===----------------------------------------------------------------------===//
// Capacity and errors
//===----------------------------------------------------------------------===//

TEST(PlacementCapacity, NeverViolated) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE(seed);
    int tiles = 20 + int(seed * 37 % 200);
    int k = 1 + int(seed % 4);
    PlacementProblem p = makeSyntheticProblem(
        tiles, k, seed, seed % 3 == 0 ? Topology::Bus : Topology::Mesh,
        seed % 2 ? 1.0 : 0.7);
    // Buffer demands on every other instance: capacity for ~k average tiles.
    if (seed % 2 == 0) {
      p.tileBufferBytes.resize(tiles);
      for (int t = 0; t < tiles; ++t)
        p.tileBufferBytes[t] = 100 + (t * 7919) % 900;
      p.coreBufferBytes = 1000 * k;
    }
    PlacementOptions options;
    options.seed = seed;
    options.exact = false;
    options.annealMovesPerTile = 200;
    options.annealMinMoves = 20000;
    PlacementResult r = placeOk(p, options);
    expectValid(p, r);
  }
}

TEST(PlacementCapacity, BufferCapacityRespectedWhenTight) {
  // 6 tiles of 600 bytes and 6 of 400 on 6 cores of 2 arrays and 1000
  // bytes: the only feasible packings pair a 600 with a 400.
  PlacementProblem p = meshProblem(3, 2, 2, 12);
  p.coreBufferBytes = 1000;
  for (int t = 0; t < 12; ++t) {
    p.tileBufferBytes.push_back(t % 2 ? 400 : 600);
    p.traffic.push_back({t, (t + 2) % 12, uint64_t(10 + t)});
  }
  PlacementResult r = placeOk(p);
  expectValid(p, r);
  for (int c = 0; c < 6; ++c) {
    uint64_t bytes = 0;
    for (int t = 0; t < 12; ++t)
      if (r.tileCore[t] == c)
        bytes += p.tileBufferBytes[t];
    EXPECT_LE(bytes, 1000u);
  }
}

//===----------------------------------------------------------------------===//
// Buffer-port model
//===----------------------------------------------------------------------===//


TEST(PlacementPort, ExcessCountsSharedRowsOnce) {
  PlacementProblem p = twoCopies(3);
  // Mixed: each core reads a and b, 2000 bits against a budget of 1000.
  EXPECT_EQ(portExcess(p, {0, 1, 0, 1}), 2000u);
  EXPECT_EQ(placementCost(p, {0, 1, 0, 1}), 20u);
  EXPECT_EQ(placementTotalCost(p, {0, 1, 0, 1}), 20u + 3u * 2000u);
  // By copy: one item per core, within budget.
  EXPECT_EQ(portExcess(p, {0, 0, 1, 1}), 0u);
  EXPECT_EQ(placementTotalCost(p, {0, 0, 1, 1}), 100u);
  // A0 and A1 together with B0: a and b on core 0, b alone on core 1.
  EXPECT_EQ(portExcess(p, {0, 0, 0, 1}), 1000u);
  // Without a weight the port is not modelled.
  EXPECT_EQ(placementTotalCost(twoCopies(0), {0, 1, 0, 1}), 20u);
}

TEST(PlacementPort, ResultBitsGoWithTheirTile) {
  // Tiles 0 and 2 (the homes of copies a and b) each write 300 result
  // bits through their core's port, on top of the rows it reads.
  PlacementProblem p = twoCopies(3);
  p.tileResultBits = {300, 0, 300, 0};
  // By copy: 1000 + 300 per core, 300 over each budget.
  EXPECT_EQ(portExcess(p, {0, 0, 1, 1}), 600u);
  // Both homes on core 0 with both items: 2000 + 600 - 1000; core 1 reads
  // both items: 1000 over.
  EXPECT_EQ(portExcess(p, {0, 1, 0, 1}), 1600u + 1000u);
  // Both homes on core 1: core 0 reads 2000, core 1 2000 + 600.
  EXPECT_EQ(portExcess(p, {1, 0, 1, 0}), 1000u + 1600u);
  // By copy is still the best layout, and the annealer reports its
  // excess.
  PlacementResult r = placeOk(p);
  EXPECT_EQ(r.portExcessBits, 600u);
  EXPECT_NE(r.tileCore[0], r.tileCore[2]);
}

TEST(PlacementPort, CopiesSpreadOverPorts) {
  // Bit-hops alone mix the copies (cost 20); with the port, each core
  // holds one copy (cost 100, no excess).
  PlacementResult free = placeOk(twoCopies(0));
  EXPECT_EQ(free.objective, 20u);
  EXPECT_EQ(free.portExcessBits, 0u);
  PlacementProblem p = twoCopies(1);
  PlacementResult r = placeOk(p);
  EXPECT_FALSE(static_cast<bool>(verifyAssignment(p, r.tileCore)));
  EXPECT_EQ(r.objective, 100u);
  EXPECT_EQ(r.portExcessBits, 0u);
  EXPECT_EQ(r.tileCore[0], r.tileCore[1]);
  EXPECT_EQ(r.tileCore[2], r.tileCore[3]);
  EXPECT_NE(r.tileCore[0], r.tileCore[2]);
}

TEST(PlacementPort, AnnealingKeepsTheIncrementalExcessExact) {
  // A larger instance, too big for Z3: 6 layers x 3 copies x 4 row items
  // x 3 column tiles; whatever the annealer returns, its reported excess
  // is the recount and its total cost is no worse than the greedy start.
  PlacementProblem p = meshProblem(4, 4, 16, 216);
  p = randomProblem(p, 300, 7);
  for (int t = 0; t < 216; ++t) {
    const int stage = t / 36, copy = (t / 12) % 3, row = (t / 3) % 4;
    p.tilePortItem.push_back(stage * 12 + copy * 4 + row);
  }
  for (int i = 0; i < 72; ++i) {
    p.portItemBits.push_back(100 + 10 * uint64_t(i % 5));
    p.portItemStage.push_back(i / 12);
  }
  p.stagePortBudget.assign(6, 300);
  p.portExcessWeight = 4;
  llvm::Expected<std::vector<int>> greedy = greedyPlacement(p);
  ASSERT_TRUE(static_cast<bool>(greedy)) << llvm::toString(greedy.takeError());
  PlacementResult r = placeOk(p);
  EXPECT_FALSE(static_cast<bool>(verifyAssignment(p, r.tileCore)));
  EXPECT_EQ(r.portExcessBits, portExcess(p, r.tileCore));
  EXPECT_EQ(r.objective, placementCost(p, r.tileCore));
  EXPECT_LE(placementTotalCost(p, r.tileCore), placementTotalCost(p, *greedy));
  EXPECT_LT(portExcess(p, r.tileCore), portExcess(p, *greedy));
}

TEST(PlacementExclusive, GroupsNeverShareACore) {
  // Three groups of 3, 2 and 3 tiles on 3x2 cores of 4 arrays: packed they
  // would fill 2 cores; one group per core needs 3.  Traffic pulls the
  // groups together; the placement must still keep them apart.
  PlacementProblem p = meshProblem(3, 2, 4, 8);
  p.tileGroup = {0, 0, 0, 1, 1, 2, 2, 2};
  for (int t = 0; t + 1 < 8; ++t)
    p.traffic.push_back({t, t + 1, 100});
  p.exclusiveGroups = true;
  llvm::Expected<std::vector<int>> greedy = greedyPlacement(p);
  ASSERT_TRUE(static_cast<bool>(greedy)) << llvm::toString(greedy.takeError());
  EXPECT_FALSE(static_cast<bool>(verifyAssignment(p, *greedy)));
  PlacementResult r = placeOk(p);
  EXPECT_FALSE(static_cast<bool>(verifyAssignment(p, r.tileCore)));
  for (int a = 0; a < 8; ++a)
    for (int b = 0; b < 8; ++b) {
      if (p.tileGroup[a] != p.tileGroup[b]) {
        EXPECT_NE(r.tileCore[a], r.tileCore[b]) << a << " " << b;
      }
    }
  // Z3 does not know the rule: it is skipped.
  EXPECT_EQ(r.exactStatus.rfind("skipped", 0), 0u) << r.exactStatus;
  // Each group on one core, neighbours on the mesh: 2 edges of 100 bits
  // cross a core boundary, at least 1 hop each.
  EXPECT_EQ(r.objective, 200u);
}

TEST(PlacementExclusive, ErrorsNameTheRule) {
  PlacementProblem p = meshProblem(2, 1, 4, 6);
  p.tileGroup = {0, 0, 1, 1, 2, 2};
  p.exclusiveGroups = true;
  EXPECT_EQ(errorOf(p), "placement: infeasible: 3 groups (one layer copy per "
                        "core) need 3 cores of 4 arrays but there are 2");
  PlacementProblem q = meshProblem(2, 1, 4, 4);
  q.tileGroup = {0, 0, 1, 1};
  q.exclusiveGroups = true;
  llvm::Error err = verifyAssignment(q, {0, 0, 0, 1});
  EXPECT_EQ(llvm::toString(std::move(err)),
            "placement: core 0 holds groups 0 and 1, one allowed");
}

TEST(PlacementPort, BadItemsAreReported) {
  PlacementProblem p = twoCopies(1);
  p.tilePortItem[3] = 2;
  EXPECT_EQ(errorOf(p),
            "placement: tile 3 reads port item 2, outside [-1, 2)");
  p = twoCopies(1);
  p.portItemStage[1] = 1;
  EXPECT_EQ(errorOf(p),
            "placement: port item 1 belongs to stage 1, outside [0, 1)");
  p = twoCopies(1);
  p.tilePortItem.pop_back();
  EXPECT_EQ(errorOf(p), "placement: 3 tile port items for 4 tiles");
  p = twoCopies(1);
  p.tileResultBits = {1, 2, 3};
  EXPECT_EQ(errorOf(p), "placement: 3 tile result bits for 4 tiles");
  p = twoCopies(1);
  p.tilePortItem[1] = -1;
  p.tileResultBits = {0, 40, 0, 0};
  EXPECT_EQ(errorOf(p), "placement: tile 1 writes 40 result bits but reads "
                        "no port item");
  p = twoCopies(1);
  p.tilePortItem.clear();
  p.tileResultBits = {0, 40, 0, 0};
  EXPECT_EQ(errorOf(p), "placement: tile result bits without port items");
}

TEST(PlacementErrors, InfeasibleInstancesAreReported) {
  PlacementProblem tooMany = meshProblem(3, 1, 3, 10);
  EXPECT_EQ(errorOf(tooMany),
            "placement: infeasible: 10 tiles but only 3 cores x 3 arrays per "
            "core = 9 array slots");

  PlacementProblem bigTile = meshProblem(2, 1, 2, 2);
  bigTile.coreBufferBytes = 1000;
  bigTile.tileBufferBytes = {10, 1500};
  EXPECT_EQ(errorOf(bigTile), "placement: infeasible: tile 1 needs 1500 "
                              "buffer bytes but a core has 1000");

  PlacementProblem bigTotal = meshProblem(2, 1, 3, 4);
  bigTotal.coreBufferBytes = 1000;
  bigTotal.tileBufferBytes = {600, 600, 600, 600};
  std::string message = errorOf(bigTotal);
  EXPECT_NE(message.find("2400"), std::string::npos) << message;
  EXPECT_NE(message.find("2000"), std::string::npos) << message;

  PlacementProblem badEdge = meshProblem(2, 1, 1, 2);
  badEdge.traffic = {{0, 5, 1}};
  EXPECT_EQ(errorOf(badEdge), "placement: traffic edge 0 (0 -> 5) names a "
                              "tile outside [0, 2)");

  PlacementProblem noCores;
  noCores.tileGroup = {0};
  EXPECT_EQ(errorOf(noCores), "placement: 0 cores; need at least one");

  PlacementProblem smallMesh = meshProblem(2, 2, 1, 1);
  smallMesh.numCores = 5;
  EXPECT_EQ(errorOf(smallMesh),
            "placement: a 2 x 2 mesh has 4 positions for 5 cores");
}

TEST(PlacementErrors, VerifyAssignmentNamesTheViolation) {
  PlacementProblem p = meshProblem(2, 1, 1, 2);
  llvm::Error err = verifyAssignment(p, {0, 0});
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            "placement: core 0 holds 2 tiles, capacity 1");
  llvm::Error range = verifyAssignment(p, {0, 2});
  EXPECT_EQ(llvm::toString(std::move(range)),
            "placement: tile 1 on core 2, outside [0, 2)");
}

//===----------------------------------------------------------------------===//
// Determinism
//===----------------------------------------------------------------------===//

void expectSame(const PlacementResult &a, const PlacementResult &b) {
  EXPECT_EQ(a.tileCore, b.tileCore);
  EXPECT_EQ(a.objective, b.objective);
  EXPECT_EQ(a.lowerBound, b.lowerBound);
  EXPECT_EQ(a.gap, b.gap);
  EXPECT_EQ(a.provenOptimal, b.provenOptimal);
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.exactStatus, b.exactStatus);
  EXPECT_EQ(a.greedyObjective, b.greedyObjective);
  EXPECT_EQ(a.annealObjective, b.annealObjective);
  EXPECT_EQ(a.annealMoves, b.annealMoves);
  EXPECT_EQ(a.maxLink.bits, b.maxLink.bits);
  EXPECT_EQ(a.maxLink.fromX, b.maxLink.fromX);
  EXPECT_EQ(a.maxLink.toY, b.maxLink.toY);
}

TEST(PlacementDeterminism, SameSeedSameResult) {
  PlacementProblem p = makeSyntheticProblem(600, 4, 3);
  PlacementOptions options;
  options.seed = 42;
  PlacementResult first = placeOk(p, options);
  PlacementResult second = placeOk(p, options);
  ASSERT_FALSE(first.wallClockLimitHit);
  expectSame(first, second);

  // Different seeds explore differently (all valid).
  std::set<std::vector<int>> assignments;
  for (uint64_t seed : {1, 2, 3}) {
    options.seed = seed;
    PlacementResult r = placeOk(p, options);
    expectValid(p, r);
    assignments.insert(r.tileCore);
  }
  EXPECT_GT(assignments.size(), 1u);
}

// Z3 stopped by its deterministic resource limit: the best model so far and
// the bound are the same on every run.
TEST(PlacementDeterminism, Z3ResourceLimitIsReproducible) {
  PlacementProblem p = makeSyntheticProblem(16, 4, 1);
  PlacementOptions options;
  options.z3ResourceLimit = 400000;
  PlacementResult first = placeOk(p, options);
  PlacementResult second = placeOk(p, options);
  EXPECT_EQ(first.exactStatus, "resource limit");
  ASSERT_FALSE(first.wallClockLimitHit);
  expectSame(first, second);
  expectValid(p, first);
}

//===----------------------------------------------------------------------===//
// Link loads, geometry
//===----------------------------------------------------------------------===//

TEST(PlacementLinks, XYRouting) {
  // Tile 0 on core 0 = (0,0), tile 1 on core 3 = (1,1), 5 bits 0 -> 1:
  // X first (0,0) -> (1,0), then Y (1,0) -> (1,1).  Tile 2 on core 1 sends
  // 3 bits to tile 0: (1,0) -> (0,0).
  PlacementProblem p = meshProblem(2, 2, 1, 3);
  p.traffic = {{0, 1, 5}, {2, 0, 3}};
  std::vector<int> tileCore = {0, 3, 1};
  std::vector<LinkLoad> links = linkLoads(p, tileCore);
  uint64_t total = 0;
  for (const LinkLoad &l : links) {
    total += l.bits;
    if (l.fromX == 0 && l.fromY == 0 && l.toX == 1 && l.toY == 0)
      EXPECT_EQ(l.bits, 5u);
    else if (l.fromX == 1 && l.fromY == 0 && l.toX == 1 && l.toY == 1)
      EXPECT_EQ(l.bits, 5u);
    else if (l.fromX == 1 && l.fromY == 0 && l.toX == 0 && l.toY == 0)
      EXPECT_EQ(l.bits, 3u);
    else
      EXPECT_EQ(l.bits, 0u);
  }
  EXPECT_EQ(total, 13u);
  LinkLoad max = maxLinkLoad(p, tileCore);
  EXPECT_EQ(max.bits, 5u);
  EXPECT_EQ(placementCost(p, tileCore), 5u * 2 + 3u * 1);

  PlacementProblem bus = busProblem(2, 2, 3);
  bus.traffic = {{0, 1, 5}, {2, 0, 3}};
  EXPECT_EQ(maxLinkLoad(bus, {0, 1, 0}).bits, 5u);
}

TEST(PlacementGeometry, HilbertOrderVisitsEveryPositionOnce) {
  for (auto [w, h] : std::vector<std::pair<int, int>>{
           {1, 1}, {4, 4}, {8, 8}, {6, 4}, {5, 3}, {7, 7}, {40, 40}, {80, 79}}) {
    std::vector<int> order = hilbertOrder(w, h);
    ASSERT_EQ(int(order.size()), w * h);
    std::set<int> seen(order.begin(), order.end());
    EXPECT_EQ(int(seen.size()), w * h);
    int diagonal = 0;
    for (size_t i = 1; i < order.size(); ++i) {
      int dx = std::abs(order[i] % w - order[i - 1] % w);
      int dy = std::abs(order[i] / w - order[i - 1] / w);
      EXPECT_LE(dx + dy, 2) << w << "x" << h;
      diagonal += dx + dy == 2;
    }
    if (w % 2 == 0 && h % 2 == 0) {
      EXPECT_EQ(diagonal, 0) << w << "x" << h;
    }
  }
}

//===----------------------------------------------------------------------===//
// Large instances
//===----------------------------------------------------------------------===//

// Validity only: the wall time is measured by bench/place_bench.cpp.
TEST(PlacementLarge, FiveThousandTiles) {
  PlacementProblem p = makeSyntheticProblem(5000, 4, 7);
  PlacementResult r = placeOk(p);
  expectValid(p, r);
  EXPECT_GT(r.lowerBound, 0u);
  EXPECT_LT(r.objective, r.greedyObjective);
  EXPECT_EQ(r.method, PlacementMethod::Annealing);
  EXPECT_NE(r.exactStatus.find("skipped"), std::string::npos);
  EXPECT_GT(r.maxLink.bits, 0u);
}
