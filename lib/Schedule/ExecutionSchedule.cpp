//===- ExecutionSchedule.cpp - What every core does per inference ---------===//
#include "nncc/Schedule/ExecutionSchedule.h"

#include "nncc/Analysis/DigitalOps.h"
#include "nncc/Analysis/PipelineModel.h"
#include "nncc/Analysis/TileGraph.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Support/Errors.h"
#include "nncc/Support/JsonNumbers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <map>
#include <set>

using namespace mlir;
using namespace nncc;

llvm::StringRef nncc::toString(ExecOpKind kind) {
  switch (kind) {
  case ExecOpKind::Load:
    return "load";
  case ExecOpKind::Drive:
    return "drive";
  case ExecOpKind::Read:
    return "read";
  case ExecOpKind::Convert:
    return "convert";
  case ExecOpKind::ShiftAdd:
    return "shift_add";
  case ExecOpKind::Combine:
    return "combine";
  case ExecOpKind::Accumulate:
    return "accumulate";
  case ExecOpKind::Sfu:
    return "sfu";
  case ExecOpKind::Mac:
    return "mac";
  case ExecOpKind::Send:
    return "send";
  case ExecOpKind::Host:
    return "host";
  }
  return "?";
}

namespace {

int64_t hopsBetween(int64_t a, int64_t b, const target::TargetChip &chip) {
  if (a == b)
    return 0;
  const target::Interconnect &noc = chip.chip.interconnect;
  if (noc.topology == target::Topology::Bus || noc.width <= 0)
    return 1;
  return std::abs(a % noc.width - b % noc.width) +
         std::abs(a / noc.width - b / noc.width);
}

/// The layer each digital op belongs to: the latest layer (program order)
/// whose result reaches the op; ops before every layer go to the first.
std::vector<std::pair<Operation *, int>>
digitalOpsByLayer(ModuleOp module, const TileGraph &traffic) {
  llvm::DenseMap<Operation *, int> layerIndex;
  for (auto [i, layer] : llvm::enumerate(traffic.layers))
    layerIndex[layer] = static_cast<int>(i);
  llvm::DenseMap<Operation *, int> owner; // latest layer reaching an op
  std::vector<std::pair<Operation *, int>> ops;
  module.walk([&](Operation *op) {
    if (isa<cim::LayerOp>(op) || op->getParentOfType<cim::LayerOp>() ||
        !op->getDialect() || op->getDialect()->getNamespace() != "nn")
      return;
    int latest = -1;
    for (Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (!def)
        continue;
      if (auto it = layerIndex.find(def); it != layerIndex.end())
        latest = std::max(latest, it->second);
      else if (auto it = owner.find(def); it != owner.end())
        latest = std::max(latest, it->second);
    }
    owner[op] = latest;
    if (classifyDigitalOp(op) != DigitalOpClass::Layout)
      ops.push_back({op, std::max(latest, 0)});
  });
  return ops;
}

/// What the schedule needs to know of each tile beyond the graph's.
struct TileSite {
  int64_t array = 0, core = 0;
  int64_t group = 0; ///< its program group (--nncc-time-multiplex)
  int home = 0;      ///< its column set's home tile (PlacementTile::home)
};

/// Physical array, core, program group and column-set home of every tile,
/// and the tiles of each layer copy (layerTiles[layer][copy], in mvm order).
std::vector<TileSite>
locateTiles(const TileGraph &graph, int64_t arraysPerCore,
            std::vector<std::vector<std::vector<int>>> &layerTiles) {
  std::vector<TileSite> sites(graph.tiles.size());
  layerTiles.assign(graph.layers.size(), {});
  for (auto [t, tile] : llvm::enumerate(graph.tiles)) {
    cim::MVMOp mvm = tile.mvm;
    TileSite &site = sites[t];
    site.array = mvm.getArray();
    site.home = tile.home;
    site.group = mvm.getProgramGroup().value_or(0);
    std::optional<int64_t> core = mvm.getCore();
    if (tile.copy > 0) {
      auto arrays = mvm.getReplicaArrays();
      auto cores = mvm.getReplicaCores();
      site.array = arrays && static_cast<int>(arrays->size()) >= tile.copy
                       ? (*arrays)[tile.copy - 1]
                       : -1;
      core = cores && static_cast<int>(cores->size()) >= tile.copy
                 ? std::optional<int64_t>((*cores)[tile.copy - 1])
                 : std::nullopt;
    }
    site.core = core ? *core
                     : std::max<int64_t>(site.array, 0) /
                           std::max<int64_t>(arraysPerCore, 1);
    auto &copies = layerTiles[tile.layer];
    if (static_cast<int>(copies.size()) <= tile.copy)
      copies.resize(tile.copy + 1);
    copies[tile.copy].push_back(static_cast<int>(t));
  }
  return sites;
}

} // namespace

llvm::Expected<ExecutionSchedule>
nncc::buildExecutionSchedule(ModuleOp module, const target::TargetChip &chip) {
  llvm::Expected<PipelineTiming> timing = computePipeline(module);
  if (!timing)
    return timing.takeError();
  FailureOr<TileGraph> graph = buildTileGraph(module);
  if (failed(graph))
    return makeError("cannot build the tile graph (see the diagnostics)");
  const TileGraph &traffic = *graph;
  cim::TargetAttr target = cim::getTarget(module);
  std::vector<std::vector<std::vector<int>>> layerTiles;
  std::vector<TileSite> sites =
      locateTiles(traffic, target.getArraysPerCore(), layerTiles);
  const double clock = chip.technology.clock;
  const target::Interconnect &noc = chip.chip.interconnect;
  // Partial sums are added per ADC lane of the home array; adder trees
  // (core.adder_tree_inputs > 1) have ceil(log2 inputs) pipelined stages.
  const int64_t adcsPerArray = target::adcsPerArray(chip);
  const int64_t treeInputs = std::max<int64_t>(chip.core.adderTreeInputs, 1);
  int64_t treeDepth = 0;
  for (int64_t n = treeInputs; n > 1; n = (n + 1) / 2)
    ++treeDepth;

  ExecutionSchedule schedule;
  schedule.target = target.getName().str();
  for (const LayerTiming &t : timing->layers) {
    StageExecution stage;
    stage.layer = t.name;
    stage.replicas = t.replicas;
    stage.vectorsPerCopy = t.vectorsPerCopy();
    stage.arrays = t.arrays * t.replicas;
    stage.compute = t.time();
    stage.readoutDrain = t.drain;
    schedule.stages.push_back(std::move(stage));
  }

  // Digital ops of each layer, in program order.
  std::vector<std::vector<Operation *>> layerOps(traffic.layers.size());
  std::vector<Operation *> hostOps;
  for (auto [op, layer] : digitalOpsByLayer(module, traffic)) {
    if (coreRuns(classifyDigitalOp(op), chip))
      layerOps[layer].push_back(op);
    else
      hostOps.push_back(op);
  }

  // Outgoing flows of each tile.
  std::vector<std::vector<const placement::TrafficEdge *>> outgoing(
      traffic.tiles.size());
  for (const placement::TrafficEdge &edge : traffic.traffic)
    outgoing[edge.a].push_back(&edge);

  auto groupOf = [&](int t) { return sites[t].group; };
  // Where a tile works: its program group and core.  Tiles of different
  // groups on one core are never resident together, so they share
  // nothing: not the core's buffer port, reads or accumulation.
  using Site = std::pair<int64_t, int64_t>;
  auto siteOf = [&](int t) { return Site{groupOf(t), sites[t].core}; };
  double spillBits = 0;
  std::map<int64_t, CoreExecution> cores;
  auto emit = [&](int64_t core, ExecOp op) {
    CoreExecution &c = cores[core];
    c.core = core;
    c.ops.push_back(std::move(op));
  };
  for (auto [li, constLayer] : llvm::enumerate(traffic.layers)) {
    cim::LayerOp layer = constLayer;
    StageExecution &stage = schedule.stages[li];
    int64_t vectors = stage.vectorsPerCopy;
    int64_t inputBits = layer.getInputBits().value_or(8);
    stage.overlapped = chip.core.doubleBuffered;
    // Results are written at the layer's own full-precision width.
    const int64_t resultBits = layerResultBits(layer, target);
    // Buffer bits per site: copies on one core share its port (within a
    // program group).
    std::map<Site, double> bufferBitsOf;
    // Slices and polarities are combined after the last cycle, unless the
    // running sums are per weight: then each conversion's shift-and-add
    // already put it, shifted and signed, into its weight's sum.
    const bool combineAfter =
        layer.getSignedScheme().has_value() &&
        chip.periphery.runningSums == target::RunningSums::Column;
    // The accumulation of partial sums, per vector: the busiest home ADC
    // lane's clocks, and the adder-tree stages its last vector waits for.
    int64_t accumulateClocks = 0, accumulateDepth = 0;
    for (auto [copy, copyTiles] : llvm::enumerate(layerTiles[li])) {
      std::map<Site, std::vector<int>> bySite;
      for (int t : copyTiles)
        bySite[siteOf(t)].push_back(t);
      // Tiles of each column set, and those at its home's site.
      std::map<int, int64_t> setTiles, setLocal;
      for (int t : copyTiles) {
        const int home = sites[t].home;
        ++setTiles[home];
        if (siteOf(t) == siteOf(home))
          ++setLocal[home];
      }
      // The copy's SFU work runs on the core of its first home tile.
      const Site sfuSite = siteOf(copyTiles.front());
      for (const auto &[site, tiles] : bySite) {
        const int64_t core = site.second;
        int li32 = static_cast<int>(li);
        int64_t c = static_cast<int64_t>(copy);
        std::set<int> rowSets; // the rows this core reads, once each
        int64_t rows = 0, rowActivations = 0, conversions = 0, combines = 0,
                accumulates = 0, readsPerCycle = 0, sequential = 0, cycles = 0;
        double readPulse = 0, conversionTime = 0;
        for (int t : tiles) {
          cim::MVMOp mvm = traffic.tiles[t].mvm;
          if (rowSets.insert(traffic.tiles[t].rowSet).second)
            rows += mvm.getRowEnd() - mvm.getRowBegin();
          TileReadout r = tileReadout(mvm, target);
          readsPerCycle = std::max(readsPerCycle, r.reads());
          sequential = std::max(sequential, r.sequential);
          cycles = r.cycles;
          readPulse = r.readPulse;
          conversionTime = r.conversionTime;
          rowActivations += mvm.getPhysicalRows() * r.cycles;
          conversions += r.columns * r.reads() * r.cycles;
          int64_t weightCols = mvm.getColEnd() - mvm.getColBegin();
          if (combineAfter)
            combines += weightCols * (mvm.getSliceEnd() - mvm.getSliceBegin());
        }
        // Results the core writes to its buffer at full width: the weight
        // columns of the home tiles here (once per column set).  Each home
        // tile's ADC lanes add the partial sums of the other tiles of its
        // set, each output in turn: one clock per remote partial sum, and
        // for those on this core one clock per adder-tree pass over up to
        // core.adder_tree_inputs of them (assumption: the core puts a
        // set's tiles in as few tree groups as it can), or one clock each
        // without trees.
        int64_t resultColumns = 0, clocks = 0, depth = 0;
        for (int t : copyTiles) {
          cim::MVMOp mvm = traffic.tiles[t].mvm;
          const int64_t width = mvm.getColEnd() - mvm.getColBegin();
          if (sites[t].home != t && siteOf(sites[t].home) == site)
            accumulates += width;
          if (sites[t].home == t && siteOf(t) == site) {
            resultColumns += width;
            const int64_t set = setTiles[t], local = setLocal[t];
            const bool tree = treeInputs > 1 && local > 1;
            const int64_t localClocks =
                tree ? (local + treeInputs - 1) / treeInputs : local - 1;
            const int64_t perLane = (width + adcsPerArray - 1) / adcsPerArray;
            clocks = std::max(clocks, (localClocks + set - local) * perLane);
            if (tree)
              depth = treeDepth;
          }
        }
        accumulateClocks = std::max(accumulateClocks, clocks);
        accumulateDepth = std::max(accumulateDepth, depth);
        bufferBitsOf[site] +=
            static_cast<double>(vectors) *
            static_cast<double>(rows * inputBits + resultColumns * resultBits);
        int64_t reads = vectors * cycles * readsPerCycle;
        emit(core, {ExecOpKind::Load, li32, c, vectors, 0, 0,
                    vectors * rows * inputBits});
        emit(core, {ExecOpKind::Drive, li32, c, reads, 0, 0,
                    vectors * rowActivations});
        emit(core, {ExecOpKind::Read, li32, c, reads, readPulse,
                    static_cast<int64_t>(tiles.size()), 0});
        emit(core,
             {ExecOpKind::Convert, li32, c, reads * sequential, conversionTime,
              static_cast<int64_t>(tiles.size()), vectors * conversions});
        emit(core, {ExecOpKind::ShiftAdd, li32, c, reads * sequential, 0, 0,
                    vectors * conversions});
        // A per-column gain and offset correction multiplies each code in
        // the digital periphery, whether or not it has shift-add hardware:
        // costed as a shift-and-add multiplier of the code's width, adc
        // bits accumulator-wide additions per conversion (assumption; no
        // published figure for the correction's own circuit).
        if (chip.periphery.adcColumnCorrection)
          emit(core, {ExecOpKind::Combine, li32, c, reads * sequential, 0, 0,
                      vectors * conversions * chip.periphery.adcBits});
        if (combines)
          emit(core, {ExecOpKind::Combine, li32, c, vectors, 0, 0,
                      vectors * combines});
        if (accumulates)
          emit(core, {ExecOpKind::Accumulate, li32, c, vectors,
                      static_cast<double>(clocks) / clock, 0,
                      vectors * accumulates});
        if (site == sfuSite) {
          // Each copy does its share of the layer's digital work: the SFU
          // lanes its elementwise ops, the MAC array its products of two
          // activations.
          double sfuTime = 0, macTime = 0;
          for (Operation *op : layerOps[li]) {
            int64_t ops = (digitalOpsPerInference(op) + stage.replicas - 1) /
                          stage.replicas;
            const bool product =
                classifyDigitalOp(op) == DigitalOpClass::Product;
            int64_t lanes =
                product ? chip.core.macsPerClock : chip.core.sfuLanes;
            ExecOp work{product ? ExecOpKind::Mac : ExecOpKind::Sfu,
                        li32,
                        c,
                        (ops + lanes - 1) / lanes,
                        1.0 / clock,
                        0,
                        ops};
            work.what = op->getName().getStringRef().str();
            (product ? macTime : sfuTime) += work.total();
            emit(core, std::move(work));
          }
          stage.sfu = std::max(stage.sfu, sfuTime);
          stage.mac = std::max(stage.mac, macTime);
        }
        // Transfers, summed per destination core; data for another program
        // group waits in the global buffer instead.
        std::map<int64_t, double> bitsTo;
        for (int t : tiles)
          for (const placement::TrafficEdge *edge : outgoing[t]) {
            double bits = static_cast<double>(edge->bits);
            if (groupOf(edge->a) != groupOf(edge->b)) {
              spillBits += bits;
              continue;
            }
            int64_t peer = sites[edge->b].core;
            if (peer != core)
              bitsTo[peer] += bits;
          }
        for (const auto &[peer, bits] : bitsTo) {
          ExecOp send{ExecOpKind::Send,
                      li32,
                      c,
                      1,
                      0,
                      0,
                      static_cast<int64_t>(std::llround(bits))};
          send.peer = peer;
          send.hops = hopsBetween(core, peer, chip);
          send.each = bits / noc.linkBandwidth +
                      static_cast<double>(send.hops) * noc.hopLatency;
          stage.transfer = std::max(stage.transfer, send.each);
          emit(core, std::move(send));
        }
      }
    }
    // The accumulation of vector v overlaps the arrays' reads of v + 1
    // (the home lanes' result registers hold it): a two-stage pipeline of
    // a per vector (arrays) and b (accumulation).  In a stream it occupies
    // the stage for V max(a, b), V max(0, b - a) beyond the arrays' V a;
    // one inference's last result comes min(a, b) later still, plus the
    // adder trees' pipeline stages (max(V a + b, a + V b) + depth).
    if (accumulateClocks > 0 && vectors > 0) {
      const double a = timing->layers[li].vectorTime;
      const double b = static_cast<double>(accumulateClocks) / clock;
      stage.accumulate = static_cast<double>(vectors) * std::max(0.0, b - a);
      stage.accumulateDrain =
          std::min(a, b) + static_cast<double>(accumulateDepth) / clock;
    }
    for (const auto &[site, bits] : bufferBitsOf)
      stage.buffer = std::max(
          stage.buffer,
          std::ceil(bits / static_cast<double>(chip.core.bufferPortBits)) /
              clock);
  }
  for (Operation *op : hostOps) {
    ExecOp host{ExecOpKind::Host, -1, 0, 1, 0, 0, digitalOpsPerInference(op)};
    host.what = op->getName().getStringRef().str();
    emit(-1, std::move(host));
  }

  // Stage timing and totals.
  double start = 0;
  for (auto [i, stage] : llvm::enumerate(schedule.stages)) {
    stage.start = start;
    start += stage.latency();
    if (stage.time() > schedule.interval) {
      schedule.interval = stage.time();
      schedule.bottleneck = i;
    }
  }
  schedule.latency = start;
  schedule.groupSpillBits = static_cast<int64_t>(std::llround(spillBits));

  // Program groups: a stage belongs to every group it has tiles in.
  std::map<int64_t, GroupExecution> groups;
  for (auto [li, copies] : llvm::enumerate(layerTiles)) {
    std::set<int64_t> seen;
    for (const std::vector<int> &copyTiles : copies)
      for (int t : copyTiles) {
        GroupExecution &g = groups[groupOf(t)];
        g.group = groupOf(t);
        ++g.arrays;
        if (seen.insert(g.group).second) {
          g.stages.push_back(li);
          g.latency += schedule.stages[li].latency();
          g.interval = std::max(g.interval, schedule.stages[li].time());
        }
      }
  }
  for (auto &[id, g] : groups)
    schedule.groups.push_back(std::move(g));
  for (auto &[core, execution] : cores) {
    for (const ExecOp &op : execution.ops) {
      switch (op.kind) {
      case ExecOpKind::Load:
        schedule.bufferBits += op.amount;
        break;
      case ExecOpKind::Drive:
        schedule.rowActivations += op.amount;
        break;
      case ExecOpKind::Convert:
        schedule.conversions += op.amount;
        break;
      case ExecOpKind::ShiftAdd:
      case ExecOpKind::Combine:
      case ExecOpKind::Accumulate:
        schedule.digitalAdds += op.amount;
        break;
      case ExecOpKind::Sfu:
        schedule.sfuOps += op.amount;
        break;
      case ExecOpKind::Mac:
        schedule.macs += op.amount;
        break;
      case ExecOpKind::Send:
        schedule.transferBits += op.amount;
        schedule.bitHops += op.amount * op.hops;
        break;
      case ExecOpKind::Host:
        schedule.hostOps += op.amount;
        break;
      case ExecOpKind::Read:
        break;
      }
    }
  }
  // Cores ascending, the host (-1) last.
  for (auto &[core, execution] : cores)
    if (core >= 0)
      schedule.cores.push_back(std::move(execution));
  if (auto host = cores.find(-1); host != cores.end())
    schedule.cores.push_back(std::move(host->second));
  return schedule;
}

void nncc::writeExecutionJson(const ExecutionSchedule &s,
                              llvm::raw_ostream &os) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attribute("schema", "nncc-execution-schedule");
    j.attribute("version", static_cast<int64_t>(kExecutionJsonVersion));
    j.attribute("target", s.target);
    jsonNumber(j, "interval_s", s.interval);
    jsonNumber(j, "latency_s", s.latency);
    j.attribute("bottleneck",
                s.stages.empty()
                    ? llvm::json::Value(nullptr)
                    : llvm::json::Value(s.stages[s.bottleneck].layer));
    j.attributeObject("per_inference", [&] {
      j.attribute("row_activations", s.rowActivations);
      j.attribute("adc_conversions", s.conversions);
      j.attribute("digital_adds", s.digitalAdds);
      j.attribute("buffer_read_bits", s.bufferBits);
      j.attribute("sfu_ops", s.sfuOps);
      j.attribute("macs", s.macs);
      j.attribute("host_ops", s.hostOps);
      j.attribute("transfer_bits", s.transferBits);
      j.attribute("bit_hops", s.bitHops);
      j.attribute("group_spill_bits", s.groupSpillBits);
    });
    j.attributeArray("groups", [&] {
      for (const GroupExecution &g : s.groups)
        j.object([&] {
          j.attribute("group", g.group);
          j.attribute("arrays", g.arrays);
          j.attributeArray("stages", [&] {
            for (size_t i : g.stages)
              j.value(s.stages[i].layer);
          });
          jsonNumber(j, "latency_s", g.latency);
          jsonNumber(j, "interval_s", g.interval);
        });
    });
    j.attributeArray("stages", [&] {
      for (const StageExecution &stage : s.stages)
        j.object([&] {
          j.attribute("layer", stage.layer);
          j.attribute("replicas", stage.replicas);
          j.attribute("vectors_per_copy", stage.vectorsPerCopy);
          j.attribute("arrays", stage.arrays);
          jsonNumber(j, "compute_s", stage.compute);
          jsonNumber(j, "accumulate_s", stage.accumulate);
          jsonNumber(j, "readout_drain_s", stage.readoutDrain);
          jsonNumber(j, "accumulate_drain_s", stage.accumulateDrain);
          jsonNumber(j, "sfu_s", stage.sfu);
          jsonNumber(j, "mac_s", stage.mac);
          jsonNumber(j, "transfer_s", stage.transfer);
          jsonNumber(j, "buffer_s", stage.buffer);
          jsonNumber(j, "time_s", stage.time());
          j.attribute("bound", stage.bound());
          jsonNumber(j, "start_s", stage.start);
        });
    });
    j.attributeArray("cores", [&] {
      for (const CoreExecution &core : s.cores)
        j.object([&] {
          if (core.core >= 0)
            j.attribute("core", core.core);
          else
            j.attribute("core", "host");
          j.attributeArray("ops", [&] {
            for (const ExecOp &op : core.ops)
              j.object([&] {
                j.attribute("op", toString(op.kind));
                if (op.layer >= 0)
                  j.attribute("layer", s.stages[op.layer].layer);
                else
                  j.attribute("layer", nullptr);
                j.attribute("copy", op.copy);
                j.attribute("count", op.count);
                jsonNumber(j, "each_s", op.each);
                jsonNumber(j, "total_s", op.total());
                j.attribute("amount", op.amount);
                if (op.kind == ExecOpKind::Read ||
                    op.kind == ExecOpKind::Convert)
                  j.attribute("arrays", op.arrays);
                if (op.kind == ExecOpKind::Send) {
                  j.attribute("peer", op.peer);
                  j.attribute("hops", op.hops);
                }
                if (!op.what.empty())
                  j.attribute("what", op.what);
              });
          });
        });
    });
  });
  os << '\n';
}

double ExecutionSchedule::intervalPerInference() const {
  if (groups.size() < 2)
    return interval;
  double sum = 0;
  for (const GroupExecution &g : groups)
    sum += g.interval;
  return sum;
}

void nncc::printExecutionSummary(const ExecutionSchedule &s,
                                 llvm::raw_ostream &os) {
  if (s.stages.empty())
    return;
  const StageExecution &slowest = s.stages[s.bottleneck];
  const double interval = s.intervalPerInference();
  if (s.groups.size() > 1)
    os << llvm::format("execution: %zu program groups one after another, "
                       "interval %.3f us (%.0f inferences/s at a large "
                       "batch, reprogramming apart); slowest stage %s "
                       "(bound by %s)\n",
                       s.groups.size(), interval * 1e6,
                       interval > 0 ? 1.0 / interval : 0.0,
                       slowest.layer.c_str(), slowest.bound().str().c_str());
  else
    os << llvm::format("execution: interval %.3f us (%.0f inferences/s), "
                       "latency %.3f us; slowest stage %s (bound by %s)\n",
                       interval * 1e6, interval > 0 ? 1.0 / interval : 0.0,
                       s.latency * 1e6, slowest.layer.c_str(),
                       slowest.bound().str().c_str());
  os << "per inference: " << s.rowActivations << " row activations, "
     << s.conversions << " ADC conversions, " << s.digitalAdds
     << " digital adds, " << s.sfuOps << " SFU ops, ";
  if (s.macs)
    os << s.macs << " MAC-array MACs, ";
  os << s.transferBits << " bits sent (" << s.bitHops << " bit-hops)";
  if (s.hostOps)
    os << ", " << s.hostOps << " host ops";
  os << '\n';
}
