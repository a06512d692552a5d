//===- PortLoadTest.cpp - The annealer's buffer-port bookkeeping ---------===//
//
// PortLoads prices proposals without applying them (moveChange,
// swapChange); every price must equal what applying the move does to the
// recounted excess, on random instances where items share stages, cores
// hold several readers of an item, some tiles write results of their own
// and some read nothing.
//
//===----------------------------------------------------------------------===//
#include "PortLoad.h"

#include "gtest/gtest.h"

using namespace nncc::placement;

namespace {

struct Lcg {
  uint64_t s;
  uint32_t below(uint32_t n) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return uint32_t((s >> 33) % n);
  }
};

PlacementProblem randomPortProblem(uint64_t seed) {
  Lcg rng{seed};
  PlacementProblem p;
  p.numCores = 6;
  p.arraysPerCore = 8;
  p.meshWidth = 3;
  p.meshHeight = 2;
  const int tiles = 40, items = 12, stages = 3;
  p.tileGroup.assign(tiles, 0);
  for (int t = 0; t < tiles; ++t) {
    p.tilePortItem.push_back(rng.below(7) == 0 ? -1 : int(rng.below(items)));
    // About a third of the reading tiles also write results.
    p.tileResultBits.push_back(p.tilePortItem.back() >= 0 && rng.below(3) == 0
                                   ? 20 + rng.below(80)
                                   : 0);
  }
  for (int i = 0; i < items; ++i) {
    p.portItemBits.push_back(50 + rng.below(200));
    p.portItemStage.push_back(int(rng.below(stages)));
  }
  for (int s = 0; s < stages; ++s)
    p.stagePortBudget.push_back(100 + rng.below(300));
  p.portExcessWeight = 1;
  return p;
}

} // namespace

TEST(PortLoads, PricesEqualWhatTheMovesDo) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    PlacementProblem p = randomPortProblem(seed);
    Lcg rng{seed * 977};
    std::vector<int> core(p.numTiles());
    for (int &c : core)
      c = int(rng.below(uint32_t(p.numCores)));
    PortLoads loads(p);
    loads.reset(core);
    ASSERT_EQ(loads.excess(), portExcess(p, core));
    for (int step = 0; step < 400; ++step) {
      const int t = int(rng.below(uint32_t(p.numTiles())));
      const int t2 = int(rng.below(uint32_t(p.numTiles())));
      const int c1 = core[t];
      if (step % 2 == 0) {
        // Move t to a random core.
        const int c2 = int(rng.below(uint32_t(p.numCores)));
        const int64_t priced = loads.moveChange(t, c1, c2);
        const int64_t before = int64_t(loads.excess());
        loads.move(t, c1, c2);
        core[t] = c2;
        // What the move did, from the recount checked below.
        EXPECT_EQ(priced, int64_t(portExcess(p, core)) - before)
            << "seed " << seed << " step " << step;
      } else {
        // Swap t with t2.
        const int c2 = core[t2];
        if (t == t2)
          continue;
        const int64_t priced = loads.swapChange(t, c1, t2, c2);
        const int64_t before = int64_t(loads.excess());
        loads.move(t, c1, c2);
        loads.move(t2, c2, c1);
        std::swap(core[t], core[t2]);
        EXPECT_EQ(priced, int64_t(portExcess(p, core)) - before)
            << "seed " << seed << " step " << step;
      }
      ASSERT_EQ(loads.excess(), portExcess(p, core));
    }
  }
}

TEST(PortLoads, InactiveWithoutAWeight) {
  PlacementProblem p = randomPortProblem(3);
  p.portExcessWeight = 0;
  PortLoads loads(p);
  EXPECT_FALSE(loads.active());
  loads.reset(std::vector<int>(p.numTiles(), 0));
  EXPECT_EQ(loads.excess(), 0u);
  EXPECT_EQ(loads.moveChange(0, 0, 1), 0);
}
