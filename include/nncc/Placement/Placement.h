//===- Placement.h - Tile-to-core placement on a CIM chip -------*- C++ -*-===//
//
// A standalone placement library (LLVMSupport only, no MLIR): N tiles
// (physical crossbar arrays, each belonging to a layer = "group") are assigned
// to M cores, each holding at most `arraysPerCore` tiles (and optionally at
// most `coreBufferBytes` of per-tile buffer demand).  Cores sit on a
// `meshWidth x meshHeight` mesh, core c at (c % width, c / width), or on a
// bus (every pair of distinct cores is one hop apart).
//
// Objective: minimise  sum over traffic edges (a, b, bits) of
//                        bits * hops(core(a), core(b)),
// with Manhattan hops on the mesh and 0 hops between tiles on the same core,
// plus, with an optional buffer-port model, a weighted penalty for the input
// bits a core's port reads per stage beyond its budget
// (PlacementProblem::tilePortItem).  Secondary figure: the most loaded
// directed link under XY routing.
//
// Pipeline (`place`): greedy (layer by layer along a Hilbert curve) ->
// simulated annealing -> a cheap Gilmore-Lawler-style lower bound -> for
// small instances whose bound does not already meet the incumbent, Z3
// `optimize` (MaxSAT encoding by default), whose model replaces the
// incumbent only if strictly better and whose lower bound tightens the gap.
// Results are deterministic for a given seed: every phase is bounded by a
// deterministic work budget (annealing: a move count and the adjacency
// entries its moves read; the bound's local search: incident-edge visits;
// Z3: its `rlimit`; greedy is O((N + E) log E)), and wall-clock limits
// derived from `PlacementOptions::timeoutSeconds` only act as a safety net
// (annealing checks its budget every 1,024 moves, the bound is cancelled at
// 90 % of the timeout; `PlacementResult::wallClockLimitHit` says one fired,
// in which case the result may differ between runs).  Memory is
// O(N + E + cores), never per declared array slot (issue #13: 2^20 arrays
// per core).  No exception escapes: errors are `llvm::Error`s.
//
//===----------------------------------------------------------------------===//
#ifndef NNCC_PLACEMENT_PLACEMENT_H
#define NNCC_PLACEMENT_PLACEMENT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace nncc::placement {

enum class Topology { Mesh, Bus };

/// `bits` per inference flow from tile `a` to tile `b` (the direction only
/// matters for the link loads; the objective is symmetric).  Parallel edges
/// are allowed and add up; self-edges (a == b) cost nothing.
struct TrafficEdge {
  int a = 0;
  int b = 0;
  uint64_t bits = 0;
};

struct PlacementProblem {
  /// One entry per tile: its layer ("group") id.  Greedy places groups in
  /// increasing id order; the objective does not look at groups.
  std::vector<int> tileGroup;
  int numCores = 0;
  int arraysPerCore = 1;
  Topology topology = Topology::Mesh;
  /// Mesh geometry; width * height >= numCores.  width == 0 picks
  /// ceil(sqrt(numCores)); height == 0 picks ceil(numCores / width).
  /// Ignored (but still used for the core positions) on a bus.
  int meshWidth = 0;
  int meshHeight = 0;
  /// Per-core buffer capacity in bytes; 0 = unconstrained.
  uint64_t coreBufferBytes = 0;
  /// Per-tile buffer demand in bytes: empty (no demand) or one per tile.
  std::vector<uint64_t> tileBufferBytes;
  std::vector<TrafficEdge> traffic;

  /// Buffer-port load (optional; empty = not modelled).  Per pipeline stage,
  /// a core's buffer port carries the input rows its tiles read, and tiles
  /// on one core that read the same rows share one read: tile t reads port
  /// item tilePortItem[t] (-1: none), item i is portItemBits[i] bits per
  /// inference of stage portItemStage[i], and a core's load for stage s is
  /// the sum of its distinct items of s.  What exceeds stagePortBudget[s]
  /// (the bits the port moves while the stage's arrays compute) is the
  /// port excess; the placer minimises
  ///   sum(bits x hops) + portExcessWeight x sum over (stage, core) of excess,
  /// so with a large weight the port comes first and bit-hops second.
  /// tileResultBits (empty, or one per tile) adds bits a tile alone puts
  /// through its core's port in its item's stage: the results it writes.
  std::vector<int> tilePortItem;
  std::vector<uint64_t> portItemBits;
  std::vector<int> portItemStage;
  std::vector<uint64_t> stagePortBudget;
  std::vector<uint64_t> tileResultBits;
  uint64_t portExcessWeight = 0;
  /// Tiles of different groups never share a core (a target's
  /// core.one_layer_copy: the caller makes each copy of a layer a group).
  /// Greedy starts every group on a fresh core, annealing keeps the rule,
  /// Z3 is skipped.
  bool exclusiveGroups = false;

  int numTiles() const { return static_cast<int>(tileGroup.size()); }
  bool hasPortModel() const {
    return !tilePortItem.empty() && portExcessWeight != 0;
  }
};

/// A problem with its mesh geometry resolved (see `meshWidth`).
struct MeshGeometry {
  int width = 0;
  int height = 0;
};
MeshGeometry resolveGeometry(const PlacementProblem &problem);

enum class PlacementMethod { Greedy, Annealing, Z3 };
const char *methodName(PlacementMethod method);

enum class Z3Encoding {
  /// One-hot core choice, integer coordinates, |xa - xb| + |ya - yb| per edge,
  /// `minimize` of the weighted sum.  Z3 proves optimality by repeatedly
  /// tightening the objective; no lower bound until it finishes.
  Arithmetic,
  /// One-hot core choice, order-encoded coordinates (x >= k Booleans) and one
  /// weighted soft clause "hops(e) < k" per edge and k; Z3's core-guided
  /// MaxSAT raises a lower bound as it goes.  The default: it proves the
  /// small instances much faster and gives useful bounds when cut short.
  MaxSat,
};

/// Whether Z3 gets "objective <= cost(incumbent)" as a hard constraint (the
/// warm start).  Measured on the 31 synthetic 16-tile instances (seeds 1-12,
/// 1/2/4 arrays per core) whose cheap bound does not already prove
/// annealing's solution, at rlimit 5 M:
///   MaxSat without the bound:  15 proven optimal, mean gap 0.063;
///   MaxSat with the bound:     12 proven,         mean gap 0.117;
///   Arithmetic with the bound:  9 proven,         mean gap 0.095 (and 6x
///   the time); without it, Arithmetic proved 1 of the 31 (earlier build).
/// The bound makes every SAT call inside MaxRes carry a large
/// pseudo-Boolean constraint, and the one Z3 run seen ignoring its timeout
/// was MaxSat with the bound.  Auto = on for Arithmetic (where it helps),
/// off for MaxSat.  Either way the incumbent is returned unless Z3 finds
/// something strictly better.
enum class IncumbentBound { Auto, On, Off };

/// Default work budget of placementLowerBound's local search.
constexpr uint64_t kDefaultBoundSearchWork = 100000000;

struct PlacementOptions {
  /// Seeds the annealing RNG and Z3's `smt.random_seed` / `sat.random_seed`.
  uint64_t seed = 1;
  /// Wall-clock safety net for the whole call, in seconds.  Annealing may use
  /// up to 40 % of it when Z3 will run (else 80 %); Z3 gets 85 % of what is
  /// left plus a kill grace.
  double timeoutSeconds = 30;
  bool anneal = true;
  /// Annealing work budget: `annealMovesPerTile * N` proposed moves, at least
  /// `annealMinMoves` and at most `annealMaxMoves`.
  double annealMovesPerTile = 5000;
  uint64_t annealMinMoves = 200000;
  uint64_t annealMaxMoves = 60000000;
  /// Annealing work budget in adjacency entries read (0 = none): when the
  /// move count times the sampled entries per move exceeds it, the run
  /// makes proportionally fewer moves (same schedule); it stops outright at
  /// twice the budget.  A proposal reads the edges of the tiles it moves, a
  /// whole-core swap every edge of two cores, so the cost per move grows
  /// with arraysPerCore x degree; the move count alone does not bound the
  /// time.  Measured at ~3 to 4 ns per entry on the 2-core CI machine
  /// (docs/performance.md, "Placement"), so the default is about 6 to 8 s.
  uint64_t annealMaxWork = 2000000000;
  /// Up to this many cores the annealer keeps a dense core-to-core traffic
  /// matrix (8 bytes per pair of cores) and prices a whole-core swap in
  /// O(cores) instead of reading every edge of both cores' tiles.  The
  /// cost changes are the same integers either way, so the moves are the
  /// same; only the time and the work count differ (a swap counts `cores`
  /// entries read), so where `annealMaxWork` binds, more moves fit and the
  /// placement can differ (improve).  0 = never.
  int annealCoreMatrixMaxCores = 1024;
  /// Attempt Z3 only if N <= exactMaxTiles and N * M <= exactMaxVariables.
  bool exact = true;
  int exactMaxTiles = 64;
  int64_t exactMaxVariables = 4096;
  /// Work budget of the lower bound's local search (incident-edge visits,
  /// see placementLowerBound).
  uint64_t boundSearchWork = kDefaultBoundSearchWork;
  Z3Encoding z3Encoding = Z3Encoding::MaxSat;
  IncumbentBound z3IncumbentBound = IncumbentBound::Auto;
  /// Z3's deterministic resource limit (`rlimit`, abstract work units).
  /// When it is exhausted the result is the best assignment found so far,
  /// which is reproducible.  Measured on this project's 2-core CI machine:
  /// 0.7 to 4 million units per second depending on the instance, so the
  /// default is about 3 to 15 s.  0 = no limit (only the wall-clock timeout).
  uint64_t z3ResourceLimit = 10000000;
  /// Z3's `memory_max_size`, in MiB (0 = unlimited); only applied with
  /// `isolateSolver` (Z3 4.8 may crash rather than throw at the cap).
  unsigned z3MemoryMegabytes = 4096;
  /// Run Z3 in a forked child process that is killed if it overruns its
  /// wall-clock budget (plus a grace period of 10 %, at most 1 s).  Z3
  /// 4.8.12's own timeout is not always honoured (MaxRes was seen running
  /// for minutes past a 10 s timeout), so this is what guarantees that
  /// `place` returns.  The child also keeps Z3's global parameters (random
  /// seeds) out of the calling process.  false: in-process, relying on Z3's
  /// timeout alone.
  bool isolateSolver = true;
};

/// One directed link of the router grid, from (fromX, fromY) to the
/// neighbouring (toX, toY).  On a bus all traffic shares one link, reported
/// as (-1, -1) -> (-1, -1).
struct LinkLoad {
  int fromX = -1, fromY = -1, toX = -1, toY = -1;
  uint64_t bits = 0;
};

struct PlacementResult {
  /// tile -> core.
  std::vector<int> tileCore;
  /// core -> mesh position (x, y); the identity layout (c % width, c / width):
  /// cores are not permuted.
  std::vector<std::pair<int, int>> corePosition;
  /// sum over edges of bits * hops.
  uint64_t objective = 0;
  /// Buffer-port bits over the stage budgets (`portExcess`); 0 without a
  /// port model.  Phases are compared by objective + portExcessWeight x this.
  uint64_t portExcessBits = 0;
  /// A proven lower bound on the optimum: the larger of Z3's (the optimum
  /// when it proved one; MaxRes's core bound when cut short) and the cheap
  /// bound of `placementLowerBound`.
  uint64_t lowerBound = 0;
  /// (objective - lowerBound) / max(objective, 1), in [0, 1].
  double gap = 0;
  bool provenOptimal = false;
  /// The most loaded directed link under XY routing (first in scan order on
  /// ties).  bits == 0 when no traffic leaves a core.
  LinkLoad maxLink;
  /// The phase whose assignment is returned (Z3 only when it found a
  /// strictly better one than annealing; `provenOptimal` tells whether Z3
  /// proved the returned value optimal).
  PlacementMethod method = PlacementMethod::Greedy;
  double wallSeconds = 0;
  /// Wall time of each phase (greedy, annealing, cheap bound, Z3), for
  /// benchmarks; not part of the deterministic result.
  double greedySeconds = 0, annealSeconds = 0, boundSeconds = 0,
         exactSeconds = 0;

  // Per-phase details.
  uint64_t greedyObjective = 0;
  uint64_t annealObjective = 0;
  uint64_t annealMoves = 0;
  /// The annealing work budget (`annealMaxWork`) cut the move count.
  bool annealWorkLimited = false;
  /// Lower bound from `placementLowerBound` alone.
  uint64_t cheapLowerBound = 0;
  /// Its local search hit `PlacementOptions::boundSearchWork`.
  bool boundSearchTruncated = false;
  /// "skipped (disabled | lower bound met | N tiles x M cores; limits ...)",
  /// "optimal", "resource limit" (deterministic), "timeout" or
  /// "timeout (solver process killed)" (wall clock), "error: ...".
  std::string exactStatus = "skipped";
  /// A wall-clock safety net cut a phase short: the result is valid but may
  /// not be reproducible.
  bool wallClockLimitHit = false;
};

/// Checks sizes, ids, geometry and feasibility (N <= M * arraysPerCore, each
/// tile's buffer demand fits a core, total demand fits all cores).  The
/// message names the numbers involved.
llvm::Error verifyProblem(const PlacementProblem &problem);

/// Checks that `tileCore` assigns every tile to an existing core and respects
/// both capacities.
llvm::Error verifyAssignment(const PlacementProblem &problem,
                             llvm::ArrayRef<int> tileCore);

/// Hops between two cores (mesh: Manhattan; bus: 1 unless equal).
int hops(const PlacementProblem &problem, int coreA, int coreB);

/// sum over edges of bits * hops for `tileCore` (assumed valid).
uint64_t placementCost(const PlacementProblem &problem,
                       llvm::ArrayRef<int> tileCore);

/// sum over (stage, core) of max(0, port load - stage budget), in bits
/// (0 without a port model, see PlacementProblem::tilePortItem).
uint64_t portExcess(const PlacementProblem &problem,
                    llvm::ArrayRef<int> tileCore);

/// What the placer minimises: placementCost + portExcessWeight x portExcess.
uint64_t placementTotalCost(const PlacementProblem &problem,
                            llvm::ArrayRef<int> tileCore);

/// The load on every directed link under XY routing (X first, then Y), in
/// link order: for each router position p = y * width + x, the links to +x,
/// -x, +y, -y (absent links carry 0).  The bus has one link.
std::vector<LinkLoad> linkLoads(const PlacementProblem &problem,
                                llvm::ArrayRef<int> tileCore);
LinkLoad maxLinkLoad(const PlacementProblem &problem,
                     llvm::ArrayRef<int> tileCore);

/// Positions of a generalised Hilbert curve (Cerveny's "gilbert2d") over a
/// width x height grid, as y * width + x.  Consecutive positions are mesh
/// neighbours when both sides are even; odd sides can force a few diagonal
/// steps.
std::vector<int> hilbertOrder(int width, int height);

/// Greedy: groups in increasing id fill the cores in Hilbert-curve order,
/// next-fit; within a group the next tile is the one with the most traffic
/// to the current core's tiles (then to all placed tiles, then the lowest
/// index).  First-fit-decreasing over all cores for what is left when the
/// buffer capacity fragments; fails only if that packing fails.
llvm::Expected<std::vector<int>> greedyPlacement(const PlacementProblem &problem);

struct AnnealStats {
  uint64_t moves = 0;
  /// Adjacency entries read after the temperature sample.
  uint64_t visits = 0;
  /// `annealMaxWork` reduced the move count or stopped the run.
  bool workLimited = false;
  bool wallClockLimitHit = false;
};

/// Simulated annealing from (and improving) a valid `tileCore`: move, swap
/// and whole-core-swap proposals biased towards the cores of a tile's
/// neighbours, cold geometric cooling, restarts for <= 64 tiles,
/// deterministic RNG.  Never returns a worse assignment.
AnnealStats annealPlacement(const PlacementProblem &problem,
                            std::vector<int> &tileCore,
                            const PlacementOptions &options,
                            double wallSecondsBudget);

/// A valid lower bound on the optimum, computed in O(E * deg log deg):
/// a "star" bound per tile over a decomposition of the edges.  For tile t,
/// the neighbours whose edges are charged to t, sorted by weight descending,
/// get the cheapest conceivable hop distances: at most arraysPerCore - 1
/// share t's core (0 hops) and at most arraysPerCore * S(d) - 1 lie within
/// d hops, S(d) = the most mesh positions within d hops of any position.
/// Every edge's weight is split between its endpoints (halves, or whole to
/// the endpoint of higher degree, refined by local search; the best split
/// counts).  Exact for a star; 0 when every tile has at most
/// arraysPerCore - 1 neighbours.  The local search is cut off
/// deterministically after `searchWorkLimit` incident-edge visits (a
/// truncated search still gives a valid, weaker bound).  Details in
/// lib/Placement/LowerBound.cpp.
/// `cancel` (optional) is the caller's wall-clock safety net: once it
/// reads true the function returns promptly with the best bound so far.
struct LowerBoundStats {
  uint64_t searchWork = 0;      ///< incident-edge visits spent searching
  bool searchTruncated = false; ///< the budget ended the search
  bool cancelled = false;       ///< `cancel` cut the computation short
};
uint64_t placementLowerBound(const PlacementProblem &problem,
                             uint64_t searchWorkLimit = kDefaultBoundSearchWork,
                             LowerBoundStats *stats = nullptr,
                             const std::atomic<bool> *cancel = nullptr);

struct ExactResult {
  std::vector<int> tileCore; ///< Z3's best model, or empty if none.
  uint64_t lowerBound = 0;   ///< Z3's proven lower bound (0 if none).
  bool proven = false;
  bool wallClockLimitHit = false;
  std::string status;
};

/// Z3 `optimize` over the whole problem (see Z3Encoding, IncumbentBound;
/// `incumbent` may be empty).  Budget: `options.z3ResourceLimit` and
/// `wallSecondsBudget`.  Never throws; Z3 errors become
/// `status = "error: ..."`.
ExactResult solveExact(const PlacementProblem &problem,
                       llvm::ArrayRef<int> incumbent,
                       const PlacementOptions &options,
                       double wallSecondsBudget);

/// A problem as text (format: lib/Placement/ProblemIO.cpp), so that
/// compiler instances can be replayed by the benchmark.
void writeProblem(const PlacementProblem &problem, llvm::raw_ostream &os);
/// Parses `writeProblem`'s format and verifies the problem.
llvm::Expected<PlacementProblem> parseProblem(llvm::StringRef text);

/// The full pipeline.  Errors: an invalid or infeasible problem.
llvm::Expected<PlacementResult> place(const PlacementProblem &problem,
                                      const PlacementOptions &options = {});

/// Places the tiles of each group (`groupOf[t]`: a program group of a
/// time-multiplexed program) on the whole chip by itself: traffic between
/// groups is dropped (it goes through the global buffer).  The result sums
/// the groups' objectives and bounds and keeps the busiest link of any
/// group.  `options.timeoutSeconds` bounds the whole call: each group gets
/// the time left in proportion to its share of the tiles left.  One group:
/// a plain `place`.
llvm::Expected<PlacementResult> placeByGroup(const PlacementProblem &problem,
                                             llvm::ArrayRef<int64_t> groupOf,
                                             const PlacementOptions &options);

/// A synthetic, layered network for tests and benchmarks: layers of r x c
/// tiles (r, c in [1, 4]) until `numTiles`; partial-sum traffic from every
/// row tile to row tile 0 of its column; activations from row tile 0 of each
/// column of layer L to every tile of layer L + 1 whose input rows overlap
/// that column's outputs.  Cores: ceil(numTiles / (arraysPerCore *
/// utilisation)) rounded up to a full near-square mesh.
PlacementProblem makeSyntheticProblem(int numTiles, int arraysPerCore,
                                      uint64_t seed,
                                      Topology topology = Topology::Mesh,
                                      double utilisation = 0.8);

} // namespace nncc::placement

#endif // NNCC_PLACEMENT_PLACEMENT_H
