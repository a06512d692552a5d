//===- PlacementBoundsTest.cpp - Placement on absurd but valid sizes ------===//
//
// Issue #13: a chip description with 2x2 arrays and 2^20 arrays per core
// kept greedyPlacement busy for minutes at 1.5 GB.  Each phase must stay
// near-linear in the problem and allocate by the tiles placed, not by the
// declared capacity; the bound must honour its caller's cancel flag.
//
//===----------------------------------------------------------------------===//
#include "nncc/Placement/Placement.h"

#include "gtest/gtest.h"

#include <chrono>
#include <tuple>
#include <sys/resource.h>

using namespace nncc::placement;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

/// Peak resident set of this process, in MiB.
double peakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;
}

/// `tiles` tiles of one layer, each sending to the next (a chain) and to
/// tile 0 (a hub), on `cores` cores with room for everything on one.
PlacementProblem roomyProblem(int tiles, int cores) {
  PlacementProblem p;
  p.numCores = cores;
  p.arraysPerCore = 1 << 20;
  p.tileGroup.assign(tiles, 0);
  for (int t = 1; t < tiles; ++t) {
    p.traffic.push_back({t - 1, t, 8});
    p.traffic.push_back({t, 0, 1});
  }
  return p;
}

// Picking the next tile scanned every tile touched by the core so far, and
// a core with room for the whole layer never reset that list: quadratic
// (200,000 tiles: ~4 x 10^10 steps).
TEST(PlacementBounds, GreedyWithRoomForTheWholeLayerIsNearLinear) {
  PlacementProblem p = roomyProblem(200000, 4);
  auto start = std::chrono::steady_clock::now();
  llvm::Expected<std::vector<int>> tileCore = greedyPlacement(p);
  ASSERT_TRUE(bool(tileCore)) << llvm::toString(tileCore.takeError());
  EXPECT_LT(secondsSince(start), 5.0);
  EXPECT_FALSE(bool(verifyAssignment(p, *tileCore)));
  EXPECT_EQ(placementCost(p, *tileCore), 0u); // all on one core
}

// The annealer kept arraysPerCore slots per core: 256 cores x 2^20 slots
// is 1 GiB for 2,000 tiles.
TEST(PlacementBounds, AnnealingMemoryFollowsTheTilesNotTheCapacity) {
  PlacementProblem p = roomyProblem(2000, 256);
  std::vector<int> tileCore(p.numTiles());
  for (int t = 0; t < p.numTiles(); ++t)
    tileCore[t] = t % p.numCores; // spread, so that there is work to do
  PlacementOptions options;
  options.annealMaxMoves = 200000;
  const double before = peakRssMiB();
  annealPlacement(p, tileCore, options, 10.0);
  EXPECT_LT(peakRssMiB() - before, 200.0);
  EXPECT_FALSE(bool(verifyAssignment(p, tileCore)));
}

// S(d), the positions within d hops, was a per-column sum for every d:
// O((width + height) * width), ~10^12 steps on a 2^20 x 1 mesh.
TEST(PlacementBounds, LowerBoundOnAVeryWideMeshIsFast) {
  PlacementProblem p;
  p.numCores = 1 << 20;
  p.meshWidth = 1 << 20;
  p.meshHeight = 1;
  p.arraysPerCore = 1;
  p.tileGroup.assign(5, 0);
  for (int t = 1; t < 5; ++t)
    p.traffic.push_back({0, t, 10});
  auto start = std::chrono::steady_clock::now();
  // A star of 4 neighbours, one array per core, on a line: 2 at 1 hop and
  // 2 at 2 hops, 10 bits each.
  EXPECT_EQ(placementLowerBound(p), 60u);
  EXPECT_LT(secondsSince(start), 5.0);
}

// The closed form of S(d) agrees with counting on small grids, through the
// bound of a star whose neighbours fill every ring (one array per core).
TEST(PlacementBounds, LowerBoundOfAStarMatchesCountedRings) {
  for (int width = 1; width <= 6; ++width)
    for (int height = 1; height <= 6; ++height) {
      const int cores = width * height;
      PlacementProblem p;
      p.numCores = cores;
      p.meshWidth = width;
      p.meshHeight = height;
      p.arraysPerCore = 1;
      p.tileGroup.assign(cores, 0);
      for (int t = 1; t < cores; ++t)
        p.traffic.push_back({0, t, 1});
      // Counted: the distances from the best centre, nearest first.
      uint64_t best = ~uint64_t(0);
      for (int cx : {(width - 1) / 2, width / 2})
        for (int cy : {(height - 1) / 2, height / 2}) {
          uint64_t sum = 0;
          for (int x = 0; x < width; ++x)
            for (int y = 0; y < height; ++y)
              sum += std::abs(x - cx) + std::abs(y - cy);
          best = std::min(best, sum);
        }
      EXPECT_EQ(placementLowerBound(p), best) << width << "x" << height;
    }
}

TEST(PlacementBounds, CancelledLowerBoundReturnsAValidBound) {
  PlacementProblem p = makeSyntheticProblem(2000, 4, 3);
  const uint64_t full = placementLowerBound(p);
  std::atomic<bool> cancel{true};
  LowerBoundStats stats;
  const uint64_t cut = placementLowerBound(p, kDefaultBoundSearchWork, &stats,
                                           &cancel);
  EXPECT_TRUE(stats.cancelled);
  EXPECT_LE(cut, full);
}

} // namespace

namespace {

// maxLinkLoad scans the link bits without building a LinkLoad per link
// (~100 MB on a 2^20-core mesh): it must still name the first busiest link
// of linkLoads, on meshes and on a bus.
TEST(PlacementBounds, MaxLinkLoadIsTheFirstBusiestOfLinkLoads) {
  for (Topology topology : {Topology::Mesh, Topology::Bus})
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      PlacementProblem p = makeSyntheticProblem(300, 2, seed, topology);
      llvm::Expected<std::vector<int>> tileCore = greedyPlacement(p);
      ASSERT_TRUE(bool(tileCore));
      LinkLoad expected;
      for (const LinkLoad &l : linkLoads(p, *tileCore))
        if (l.bits > expected.bits)
          expected = l;
      LinkLoad got = maxLinkLoad(p, *tileCore);
      EXPECT_EQ(got.bits, expected.bits);
      EXPECT_EQ(std::make_tuple(got.fromX, got.fromY, got.toX, got.toY),
                std::make_tuple(expected.fromX, expected.fromY, expected.toX,
                                expected.toY));
    }
}

} // namespace

namespace {

// Each program group used to get the whole timeout, so G groups could take
// G times --place-timeout.  Four groups whose annealing budget alone would
// take seconds each, under a 0.5 s timeout: the call ends near 0.5 s.
TEST(PlacementBounds, ProgramGroupsShareTheTimeout) {
  PlacementProblem one = makeSyntheticProblem(3000, 4, 7);
  PlacementProblem p = one;
  p.tileGroup.clear();
  p.traffic.clear();
  std::vector<int64_t> groupOf;
  for (int g = 0; g < 4; ++g) {
    const int base = g * one.numTiles();
    for (int t = 0; t < one.numTiles(); ++t) {
      p.tileGroup.push_back(one.tileGroup[t]);
      groupOf.push_back(g);
    }
    for (const TrafficEdge &e : one.traffic)
      p.traffic.push_back({e.a + base, e.b + base, e.bits});
  }
  // Room for one group at a time is enough: groups are resident alone.
  PlacementOptions options;
  options.timeoutSeconds = 0.5;
  options.annealMinMoves = options.annealMaxMoves = 500000000;
  options.annealMaxWork = 0;
  auto start = std::chrono::steady_clock::now();
  llvm::Expected<PlacementResult> result = placeByGroup(p, groupOf, options);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_LT(secondsSince(start), 1.2);
  EXPECT_TRUE(result->wallClockLimitHit);
  ASSERT_EQ(result->tileCore.size(), groupOf.size());
  for (int g = 0; g < 4; ++g) // each group fits the chip by itself
    EXPECT_FALSE(bool(verifyAssignment(
        one, llvm::ArrayRef<int>(result->tileCore)
                 .slice(size_t(g) * one.numTiles(), one.numTiles()))));
}

} // namespace
