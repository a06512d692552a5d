//===- ExecutionScheduleTest.cpp - Execution schedule by hand -------------===//
//
// Two small gemm layers are mapped with the real passes onto a hand-built
// 2-core chip; every count and time below is worked out by hand from the
// model in docs/execution-schedule.md.
//
//===----------------------------------------------------------------------===//
#include "nncc/Schedule/ExecutionSchedule.h"

#include "nncc/Analysis/PipelineModel.h"
#include "nncc/Analysis/TileGraph.h"
#include "nncc/Dialect/CIM/CIMOps.h"
#include "nncc/Dialect/NN/NNDialect.h"
#include "nncc/Dialect/CIM/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "MappedModuleTest.h"

#include "gtest/gtest.h"

#include <set>

using namespace mlir;
using namespace nncc;

namespace {

/// 4x4 arrays of 1-bit cells, G+/G- column pairs, 2 rows read at once, one
/// ADC per 2 columns (2 ADCs per array), 2-bit bit-serial inputs (2
/// cycles), 10 ns reads, 1 ns conversions (1 GHz, no adc_latency); 2 cores
/// of 2 arrays on a 2x1 mesh, 1 Gbit/s links, 1 ns per hop, 4 SFU lanes.
target::TargetChip makeChip() {
  target::TargetChip chip;
  chip.name = "hand";
  chip.technology = {22e-9, 0.8, 1e9};
  chip.device.levels = 2;
  chip.device.gMin = 1e-6;
  chip.device.gMax = 1e-5;
  chip.device.readVoltage = 0.2;
  chip.device.readPulse = 10e-9;
  chip.array.rows = 4;
  chip.array.cols = 4;
  chip.array.rowsInParallel = 2;
  chip.array.signedWeights = target::SignedWeightScheme::DifferentialColumns;
  chip.periphery.adcBits = 8;
  chip.periphery.columnsPerAdc = 2;
  chip.periphery.inputBits = 2;
  chip.periphery.dacBits = 1;
  chip.core.arrays = 2;
  chip.core.sfuLanes = 4;
  chip.chip.cores = 2;
  chip.chip.interconnect.topology = target::Topology::Mesh;
  chip.chip.interconnect.width = 2;
  chip.chip.interconnect.height = 1;
  chip.chip.interconnect.linkBandwidth = 1e9;
  chip.chip.interconnect.hopLatency = 1e-9;
  return chip;
}

/// fc1: [1, 6] x [6, 2] -> relu -> fc2: [1, 2] x [2, 1], 2-bit weights
/// (1 magnitude bit per polarity: one 1-bit slice), 2-bit inputs.
constexpr const char *kModule = R"mlir(
func.func @main(%x: tensor<1x6xf32>) -> tensor<1x1xf32> {
  %0 = cim.layer "fc1" quantized %x {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, weight_bits = 2 : i64, weight_symmetric = true, weight_ints = dense<1> : tensor<1x6x2xi32>, weight_scales = dense<1.0> : tensor<2xf32>, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<1.0> : tensor<1x6x2xf32>, kind = #cim<kind gemm>} : (tensor<1x6xf32>) -> tensor<1x2xf32>
  %1 = nn.relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %2 = cim.layer "fc2" quantized %1 {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, weight_bits = 2 : i64, weight_symmetric = true, weight_ints = dense<-1> : tensor<1x2x1xi32>, weight_scales = dense<1.0> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<-1.0> : tensor<1x2x1xf32>, kind = #cim<kind gemm>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %2 : tensor<1x1xf32>
}
)mlir";

class ExecutionTest : public MappedModuleTest {
protected:
  OwningOpRef<ModuleOp> map(const target::TargetChip &chip) {
    return MappedModuleTest::map(kModule, chip);
  }
  /// The schedule of kModule on `chip` in program groups of `capacity`
  /// arrays (--nncc-time-multiplex).
  llvm::Expected<ExecutionSchedule>
  scheduleInGroups(const target::TargetChip &chip, int64_t capacity) {
    OwningOpRef<ModuleOp> module = map(chip);
    EXPECT_TRUE(module);
    PassManager pm(&context);
    TimeMultiplexOptions options;
    options.capacity = capacity;
    pm.addPass(createTimeMultiplex(options));
    EXPECT_TRUE(succeeded(pm.run(*module))) << diagnostics;
    return buildExecutionSchedule(*module, chip);
  }
};

const ExecOp *find(const CoreExecution &core, ExecOpKind kind) {
  for (const ExecOp &op : core.ops)
    if (op.kind == kind)
      return &op;
  return nullptr;
}

TEST_F(ExecutionTest, HandComputedTwoLayers) {
  target::TargetChip chip = makeChip();
  OwningOpRef<ModuleOp> module = map(chip);
  ASSERT_TRUE(module);
  llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());

  // fc1: 6 rows on 4-row arrays -> row tiles [0, 4) (array 0) and [4, 6)
  // (array 1), each 2 columns x 2 polarities = 4 physical columns; both on
  // core 0 (array / 2).  fc2: 2 rows, 2 physical columns, array 2, core 1.
  // Tile time = row groups * cycles * (read + sequential conversions):
  //   fc1 tile 0: 2 row groups * 2 * (10 + 2 * 1) = 48 ns
  //   fc1 tile 1: 1 * 2 * (10 + 2 * 1)             = 24 ns
  //   fc2:        1 * 2 * (10 + 1 * 1)             = 22 ns
  // fc1's home tile 0 adds tile 1's partial sums: 2 weight columns on its
  // 2 ADC lanes, one each, one clock (no adder trees).  It overlaps the
  // next inference's reads (the stage time stays 48 ns) but delays this
  // one's result by 1 ns.
  ASSERT_EQ(s->stages.size(), 2u);
  EXPECT_DOUBLE_EQ(s->stages[0].compute, 48e-9);
  EXPECT_DOUBLE_EQ(s->stages[0].accumulate, 0);
  EXPECT_DOUBLE_EQ(s->stages[0].accumulateDrain, 1e-9);
  EXPECT_DOUBLE_EQ(s->stages[0].time(), 48e-9);
  EXPECT_DOUBLE_EQ(s->stages[0].latency(), 49e-9);
  EXPECT_DOUBLE_EQ(s->stages[1].compute, 22e-9);
  EXPECT_DOUBLE_EQ(s->stages[1].accumulateDrain, 0);
  // relu on 2 values, 4 lanes: one clock.
  EXPECT_DOUBLE_EQ(s->stages[0].sfu, 1e-9);
  // fc1's home tile sends 2 channels x 1 value x 2 bits = 4 bits to core 1,
  // one hop: 4 bits / 1 Gbit/s + 1 ns = 5 ns.
  EXPECT_DOUBLE_EQ(s->stages[0].transfer, 5e-9);
  EXPECT_EQ(s->stages[0].bound(), "arrays");
  EXPECT_DOUBLE_EQ(s->interval, 48e-9);
  EXPECT_DOUBLE_EQ(s->latency, 71e-9);
  EXPECT_DOUBLE_EQ(s->stages[1].start, 49e-9);
  EXPECT_EQ(s->stages[s->bottleneck].layer, "fc1");

  ASSERT_EQ(s->cores.size(), 2u);
  const CoreExecution &core0 = s->cores[0];
  EXPECT_EQ(core0.core, 0);
  // Order of one inference on core 0.
  std::vector<ExecOpKind> order;
  for (const ExecOp &op : core0.ops)
    order.push_back(op.kind);
  EXPECT_EQ(order,
            (std::vector<ExecOpKind>{
                ExecOpKind::Load, ExecOpKind::Drive, ExecOpKind::Read,
                ExecOpKind::Convert, ExecOpKind::ShiftAdd, ExecOpKind::Combine,
                ExecOpKind::Accumulate, ExecOpKind::Sfu, ExecOpKind::Send}));
  // Load: rows [0, 4) and [4, 6), 1 vector, 2 bits: 12 bits.
  EXPECT_EQ(find(core0, ExecOpKind::Load)->amount, 12);
  // Reads: 1 vector * 2 cycles * 2 row groups (the slower tile) = 4 of
  // 10 ns, both arrays at once; row activations (4 + 2) rows * 2 cycles.
  const ExecOp *read = find(core0, ExecOpKind::Read);
  EXPECT_EQ(read->count, 4);
  EXPECT_DOUBLE_EQ(read->each, 10e-9);
  EXPECT_EQ(read->arrays, 2);
  EXPECT_EQ(find(core0, ExecOpKind::Drive)->amount, 12);
  // Conversions: 2 per ADC per read (4 columns, 2 ADCs): 4 * 2 = 8 in
  // sequence; all of them: tile 0 4 cols * 2 groups * 2 cycles + tile 1
  // 4 * 1 * 2 = 24.
  const ExecOp *convert = find(core0, ExecOpKind::Convert);
  EXPECT_EQ(convert->count, 8);
  EXPECT_EQ(convert->amount, 24);
  EXPECT_EQ(find(core0, ExecOpKind::ShiftAdd)->amount, 24);
  // Combine: 2 columns x 1 slice per tile, 2 tiles; accumulate: tile 1's 2
  // columns into the home tile (same core, nothing sent).
  EXPECT_EQ(find(core0, ExecOpKind::Combine)->amount, 4);
  EXPECT_EQ(find(core0, ExecOpKind::Accumulate)->amount, 2);
  EXPECT_EQ(find(core0, ExecOpKind::Accumulate)->count, 1);
  EXPECT_DOUBLE_EQ(find(core0, ExecOpKind::Accumulate)->each, 1e-9);
  const ExecOp *sfu = find(core0, ExecOpKind::Sfu);
  EXPECT_EQ(sfu->what, "nn.relu");
  EXPECT_EQ(sfu->amount, 2);
  const ExecOp *send = find(core0, ExecOpKind::Send);
  EXPECT_EQ(send->peer, 1);
  EXPECT_EQ(send->hops, 1);
  EXPECT_EQ(send->amount, 4);
  EXPECT_DOUBLE_EQ(send->each, 5e-9);

  const CoreExecution &core1 = s->cores[1];
  EXPECT_EQ(core1.core, 1);
  EXPECT_EQ(find(core1, ExecOpKind::Load)->amount, 4);
  EXPECT_EQ(find(core1, ExecOpKind::Convert)->amount, 4);
  EXPECT_EQ(find(core1, ExecOpKind::Send), nullptr);
  EXPECT_EQ(s->transferBits, 4);
  EXPECT_EQ(s->bitHops, 4);
  EXPECT_EQ(s->conversions, 28);
  EXPECT_EQ(s->sfuOps, 2);
  ASSERT_EQ(s->groups.size(), 1u);
  EXPECT_EQ(s->groups[0].arrays, 3);
  EXPECT_EQ(s->groupSpillBits, 0);
}

// Running sums per weight (periphery.running_sums: weight): each
// conversion's shift-and-add puts it, shifted and signed, into its weight's
// sum, so nothing is left to combine after the last cycle; every other op
// (the conversions, their shift-and-adds, the partial sums of other arrays)
// is the same as above.
TEST_F(ExecutionTest, RunningSumsPerWeightLeaveNothingToCombine) {
  target::TargetChip chip = makeChip();
  chip.periphery.runningSums = target::RunningSums::Weight;
  OwningOpRef<ModuleOp> module = map(chip);
  ASSERT_TRUE(module);
  llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  const CoreExecution &core0 = s->cores[0];
  EXPECT_EQ(find(core0, ExecOpKind::Combine), nullptr);
  EXPECT_EQ(find(core0, ExecOpKind::ShiftAdd)->amount, 24);
  EXPECT_EQ(find(core0, ExecOpKind::Accumulate)->amount, 2);
  EXPECT_DOUBLE_EQ(s->interval, 48e-9);
}

// Sample-and-holds on the columns (periphery.sample_and_hold): a read's
// values are held while the array reads again, so each read takes the
// longer of the pulse and its conversions, and the last readout lags by the
// shorter (latency only).  The chip above: 10-ns reads, 2 conversions of
// 1 ns per read in fc1, 1 in fc2.
//   fc1 tile 0: 2 row groups * 2 cycles * max(10, 2) = 40 ns, drain 2 ns
//   fc2:        1 * 2 * max(10, 1)                     = 20 ns, drain 1 ns
// fc1's accumulation drains min(40, 1) = 1 ns: fc1 ends after 43 ns, fc2
// 21 ns later.  With 1-ns reads the conversions set the pace: fc1 tile 0
// 2 * 2 * max(1, 2) = 8 ns, drain min(1, 2) = 1 ns.
TEST_F(ExecutionTest, SampleAndHoldsOverlapReadsAndConversions) {
  target::TargetChip chip = makeChip();
  chip.periphery.sampleAndHold = true;
  OwningOpRef<ModuleOp> module = map(chip);
  ASSERT_TRUE(module);
  llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  ASSERT_EQ(s->stages.size(), 2u);
  EXPECT_DOUBLE_EQ(s->stages[0].compute, 40e-9);
  EXPECT_DOUBLE_EQ(s->stages[0].readoutDrain, 2e-9);
  EXPECT_DOUBLE_EQ(s->stages[0].accumulateDrain, 1e-9);
  EXPECT_DOUBLE_EQ(s->stages[0].latency(), 43e-9);
  EXPECT_DOUBLE_EQ(s->stages[1].compute, 20e-9);
  EXPECT_DOUBLE_EQ(s->stages[1].readoutDrain, 1e-9);
  EXPECT_DOUBLE_EQ(s->stages[1].start, 43e-9);
  EXPECT_DOUBLE_EQ(s->interval, 40e-9);
  EXPECT_DOUBLE_EQ(s->latency, 64e-9);
  // The pipeline model alone (no accumulation): 40 + 2 + 20 + 1 ns.
  llvm::Expected<PipelineTiming> timing = computePipeline(*module);
  ASSERT_TRUE(static_cast<bool>(timing)) << llvm::toString(timing.takeError());
  EXPECT_DOUBLE_EQ(timing->latency, 63e-9);
  EXPECT_DOUBLE_EQ(timing->layers[0].drain, 2e-9);
  // execution.json states the drain.
  std::string text;
  llvm::raw_string_ostream os(text);
  writeExecutionJson(*s, os);
  EXPECT_NE(text.find("\"readout_drain_s\": 2e-09"), std::string::npos)
      << text;
  // The read and convert ops keep their own times (they overlap).
  const ExecOp *read = find(s->cores[0], ExecOpKind::Read);
  EXPECT_EQ(read->count, 4);
  EXPECT_DOUBLE_EQ(read->each, 10e-9);
  EXPECT_EQ(find(s->cores[0], ExecOpKind::Convert)->count, 8);

  chip.device.readPulse = 1e-9;
  OwningOpRef<ModuleOp> fast = map(chip);
  ASSERT_TRUE(fast);
  llvm::Expected<ExecutionSchedule> f = buildExecutionSchedule(*fast, chip);
  ASSERT_TRUE(static_cast<bool>(f)) << llvm::toString(f.takeError());
  EXPECT_DOUBLE_EQ(f->stages[0].compute, 8e-9);
  EXPECT_DOUBLE_EQ(f->stages[0].readoutDrain, 1e-9);

  // Without them (the test above): 48 ns, no readout drain.
  target::TargetChip plain = makeChip();
  OwningOpRef<ModuleOp> serial = map(plain);
  ASSERT_TRUE(serial);
  llvm::Expected<ExecutionSchedule> p = buildExecutionSchedule(*serial, plain);
  ASSERT_TRUE(static_cast<bool>(p)) << llvm::toString(p.takeError());
  EXPECT_DOUBLE_EQ(p->stages[0].compute, 48e-9);
  EXPECT_DOUBLE_EQ(p->stages[0].readoutDrain, 0);
}

TEST_F(ExecutionTest, ProgramGroupsSpillToTheGlobalBuffer) {
  // Groups of 2 arrays: fc1 (2 arrays) in group 0, fc2 in group 1.
  llvm::Expected<ExecutionSchedule> s = scheduleInGroups(makeChip(), 2);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  ASSERT_EQ(s->groups.size(), 2u);
  EXPECT_EQ(s->groups[0].arrays, 2);
  EXPECT_EQ(s->groups[0].stages, (std::vector<size_t>{0}));
  EXPECT_DOUBLE_EQ(s->groups[0].latency, 49e-9);
  EXPECT_EQ(s->groups[1].arrays, 1);
  EXPECT_DOUBLE_EQ(s->groups[1].interval, 22e-9);
  // fc1's 4 output bits wait in the global buffer instead of crossing the
  // mesh.
  EXPECT_EQ(s->groupSpillBits, 4);
  EXPECT_EQ(s->transferBits, 0);
  EXPECT_DOUBLE_EQ(s->stages[0].transfer, 0);
}

// Groups of one array: fc1's row tiles [0, 4) and [4, 6) (arrays 0 and 1,
// both on core 0) land in groups 0 and 1, fc2 in group 2.  The two fc1
// tiles are never resident together, so core 0 loads their rows apart:
// group 0 reads 4 rows x 2 bits and writes the home's 2 results x 7 bits
// (1 + log2 4 + 2 + 2), 22 bits; group 1 reads 2 rows x 2 bits, 4 bits.
// At a 2-bit port the stage's buffer time is the larger, 11 clocks, not
// the 13 of both groups' 26 bits on one port.
TEST_F(ExecutionTest, ProgramGroupsDoNotShareACore) {
  target::TargetChip chip = makeChip();
  chip.core.bufferPortBits = 2;
  llvm::Expected<ExecutionSchedule> s = scheduleInGroups(chip, 1);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  ASSERT_EQ(s->groups.size(), 3u);
  EXPECT_DOUBLE_EQ(s->stages[0].buffer, 11e-9);
  std::vector<int64_t> loads;
  for (const ExecOp &op : s->cores[0].ops)
    if (op.kind == ExecOpKind::Load && op.layer == 0)
      loads.push_back(op.amount);
  EXPECT_EQ(loads, (std::vector<int64_t>{8, 4}));
}

// fc1 on 2-row arrays: three row tiles [0, 2), [2, 4), [4, 6) on arrays 0-2,
// each 1 row group x 2 cycles x (10 ns + 2 conversions) = a = 24 ns; tile
// 0 is the home.  Its 2 weight columns sit one per ADC lane, so each lane
// adds one output per partial sum or tree pass, b clocks per vector.  One
// vector: b < a hides under the next inference's reads (the stage time
// stays 24 ns), and the inference's result comes b + tree stages later.
TEST_F(ExecutionTest, PartialSumsThroughAdderTrees) {
  target::TargetChip chip = makeChip();
  chip.array.rows = 2;
  chip.core.arrays = 4; // every array on core 0
  // Returns the accumulate op's seconds per vector; `drain` the stage's.
  auto accumulate = [&](int64_t treeInputs, double &drain) -> double {
    chip.core.adderTreeInputs = treeInputs;
    OwningOpRef<ModuleOp> module = map(chip);
    EXPECT_TRUE(module);
    llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
    EXPECT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
    const StageExecution &fc1 = s->stages[0];
    drain = fc1.accumulateDrain;
    EXPECT_DOUBLE_EQ(fc1.latency(), fc1.time() + drain);
    EXPECT_DOUBLE_EQ(s->latency, fc1.latency() + s->stages[1].latency());
    const ExecOp *op = find(s->cores[0], ExecOpKind::Accumulate);
    EXPECT_EQ(op->amount, 4); // tiles 1 and 2: 2 columns each
    EXPECT_DOUBLE_EQ(fc1.compute, 24e-9);
    EXPECT_DOUBLE_EQ(fc1.accumulate, 0);
    if (chip.core.arrays == 4) { // nothing sent
      EXPECT_DOUBLE_EQ(fc1.time(), 24e-9);
    }
    return op->each;
  };
  double drain = 0;
  // No tree: tiles 1 and 2 in turn, 2 clocks.
  EXPECT_DOUBLE_EQ(accumulate(1, drain), 2e-9);
  EXPECT_DOUBLE_EQ(drain, 2e-9);
  // 2-input trees: ceil(3 / 2) = 2 passes, then one tree stage.
  EXPECT_DOUBLE_EQ(accumulate(2, drain), 2e-9);
  EXPECT_DOUBLE_EQ(drain, 3e-9);
  // 4-input trees: one pass, two stages.
  EXPECT_DOUBLE_EQ(accumulate(4, drain), 1e-9);
  EXPECT_DOUBLE_EQ(drain, 3e-9);
  // 2 arrays per core: tile 2 is on core 1 and its partial sums cross the
  // mesh; the home's tree sums tiles 0 and 1 (1 pass), then tile 2's sum
  // is added (1 clock), and the tree's stage.
  chip.core.arrays = 2;
  EXPECT_DOUBLE_EQ(accumulate(2, drain), 2e-9);
  EXPECT_DOUBLE_EQ(drain, 3e-9);

  // A 100 MHz clock with 1 ns reads and conversions: a = 2 x (1 + 2) = 6 ns
  // against b = 2 clocks = 20 ns without trees.  The accumulation bounds
  // the stage: 20 ns per vector, 14 ns beyond the arrays; the result comes
  // min(a, b) = 6 ns later (a + b = 26 ns after the start).
  chip.core.arrays = 4;
  chip.core.adderTreeInputs = 1;
  chip.technology.clock = 1e8;
  chip.device.readPulse = 1e-9;
  chip.costs.adcLatency = 1e-9;
  OwningOpRef<ModuleOp> module = map(chip);
  ASSERT_TRUE(module);
  llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  const StageExecution &fc1 = s->stages[0];
  EXPECT_DOUBLE_EQ(fc1.compute, 6e-9);
  EXPECT_DOUBLE_EQ(fc1.accumulate, 14e-9);
  EXPECT_DOUBLE_EQ(fc1.accumulateDrain, 6e-9);
  EXPECT_DOUBLE_EQ(fc1.time(), 20e-9);
  EXPECT_EQ(fc1.bound(), "arrays");
  EXPECT_DOUBLE_EQ(fc1.latency(), 26e-9);
}

TEST_F(ExecutionTest, HostRunsWhatTheCoresCannot) {
  target::TargetChip chip = makeChip();
  chip.core.sfuActivation = false;
  OwningOpRef<ModuleOp> module = map(chip);
  ASSERT_TRUE(module);
  llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  ASSERT_EQ(s->cores.back().core, -1);
  EXPECT_EQ(s->cores.back().ops.front().what, "nn.relu");
  EXPECT_EQ(s->hostOps, 2);
  EXPECT_EQ(s->sfuOps, 0);
  EXPECT_DOUBLE_EQ(s->stages[0].sfu, 0);
}

TEST_F(ExecutionTest, JsonIsVersionedAndOrdered) {
  target::TargetChip chip = makeChip();
  OwningOpRef<ModuleOp> module = map(chip);
  ASSERT_TRUE(module);
  llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
  ASSERT_TRUE(static_cast<bool>(s)) << llvm::toString(s.takeError());
  std::string text;
  llvm::raw_string_ostream os(text);
  writeExecutionJson(*s, os);
  EXPECT_EQ(text.rfind("{\n  \"schema\": \"nncc-execution-schedule\",\n"
                       "  \"version\": 4,",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("\"interval_s\": 4.8e-08"), std::string::npos) << text;
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  ASSERT_TRUE(static_cast<bool>(parsed)) << llvm::toString(parsed.takeError());
}

// The tile graph's column sets and row sets, which the schedule's
// accumulation and rows read (and the placer's port items) use: one gemm
// layer, K = 12 rows by N = 3 outputs, on the 4x4 arrays above with G+/G-
// column pairs: 3 row tiles (4 rows each) by 2 column tiles (2 and 1
// weight columns), 6 arrays, taken as 2 copies.
constexpr const char *kTileGraphModule = R"mlir(
func.func @main(%x: tensor<1x12xf32>) -> tensor<1x3xf32> {
  %0 = cim.layer "fc" quantized %x {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, weight_bits = 2 : i64, weight_symmetric = true, weight_ints = dense<1> : tensor<1x12x3xi32>, weight_scales = dense<1.0> : tensor<3xf32>, weight_zero_points = dense<0> : tensor<3xi32>, weights = dense<1.0> : tensor<1x12x3xf32>, kind = #cim<kind gemm>} : (tensor<1x12xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}
)mlir";

TEST_F(ExecutionTest, TileGraphColumnSetHomesAndRowSets) {
  OwningOpRef<ModuleOp> module =
      MappedModuleTest::map(kTileGraphModule, makeChip());
  ASSERT_TRUE(module);
  Builder b(&context);
  module->walk([&](cim::LayerOp layer) {
    layer.setReplicasAttr(b.getI64IntegerAttr(2));
  });
  FailureOr<TileGraph> graph = buildTileGraph(*module);
  ASSERT_TRUE(succeeded(graph)) << diagnostics;
  ASSERT_EQ(graph->tiles.size(), 12u);
  // 3 row ranges per copy.
  EXPECT_EQ(graph->rowSets, 6);
  std::set<int> homes, rowSets;
  for (auto [t, tile] : llvm::enumerate(graph->tiles)) {
    PlacementTile home = graph->tiles[tile.home];
    homes.insert(tile.home);
    rowSets.insert(tile.rowSet);
    // The home is of the same copy and column set, and has the lowest rows.
    EXPECT_EQ(home.copy, tile.copy) << t;
    EXPECT_EQ(home.mvm.getColBegin(), tile.mvm.getColBegin()) << t;
    EXPECT_EQ(home.mvm.getRowBegin(), 0) << t;
    // Tiles share a row set exactly when they are of one copy and read the
    // same rows.
    for (PlacementTile other : graph->tiles)
      EXPECT_EQ(other.rowSet == tile.rowSet,
                other.copy == tile.copy &&
                    other.mvm.getRowBegin() == tile.mvm.getRowBegin() &&
                    other.mvm.getRowEnd() == tile.mvm.getRowEnd())
          << t;
  }
  // 2 column sets per copy.
  EXPECT_EQ(homes.size(), 4u);
  EXPECT_EQ(rowSets.size(), 6u);
  EXPECT_EQ(*rowSets.rbegin(), 5);
  // A tile that reads fewer rows from the same first row reads another
  // set (hand-written IR; the partition's grid never does this).
  module->walk([&](cim::MVMOp mvm) {
    if (mvm.getRowBegin() == 8 && mvm.getColBegin() == 2)
      mvm.setRowEndAttr(b.getI64IntegerAttr(11));
  });
  FailureOr<TileGraph> uneven = buildTileGraph(*module);
  ASSERT_TRUE(succeeded(uneven)) << diagnostics;
  EXPECT_EQ(uneven->rowSets, 8);
}

TEST_F(ExecutionTest, UnpartitionedLayerIsAnError) {
  target::TargetChip chip = makeChip();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);
  (*module)->setAttr(cim::kTargetAttrName, makeTargetAttr(&context, chip));
  llvm::Expected<ExecutionSchedule> s = buildExecutionSchedule(*module, chip);
  ASSERT_FALSE(static_cast<bool>(s));
  EXPECT_NE(llvm::toString(s.takeError()).find("not partitioned"),
            std::string::npos);
}

} // namespace
