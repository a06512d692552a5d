//===- TileGraphTest.cpp - The tile graph's column sets and row sets ------===//
//
// One gemm layer, K = 12 rows by N = 3 outputs, on 4x4 arrays with G+/G-
// column pairs: 3 row tiles (4 rows each) by 2 column tiles (2 and 1
// weight columns), 6 arrays, taken as 2 copies.  The placer's buffer-port
// items and the execution schedule's rows read and accumulation all use
// the graph's `home` and `rowSet`; here they are checked by hand.
//
//===----------------------------------------------------------------------===//
#include "nncc/Analysis/TileGraph.h"
#include "nncc/Target/TargetChip.h"

#include "MappedModuleTest.h"

#include "gtest/gtest.h"

#include <set>

using namespace mlir;
using namespace nncc;

namespace {

target::TargetChip makeChip() {
  target::TargetChip chip;
  chip.name = "hand";
  chip.technology = {22e-9, 0.8, 1e9};
  chip.device.levels = 2;
  chip.device.gMin = 1e-6;
  chip.device.gMax = 1e-5;
  chip.array.rows = 4;
  chip.array.cols = 4;
  chip.array.rowsInParallel = 4;
  chip.array.signedWeights = target::SignedWeightScheme::DifferentialColumns;
  chip.periphery.adcBits = 8;
  chip.periphery.columnsPerAdc = 1;
  chip.periphery.inputBits = 2;
  chip.periphery.dacBits = 1;
  chip.core.arrays = 16;
  chip.chip.cores = 1;
  return chip;
}

constexpr const char *kModule = R"mlir(
func.func @main(%x: tensor<1x12xf32>) -> tensor<1x3xf32> {
  %0 = cim.layer "fc" quantized %x {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, weight_bits = 2 : i64, weight_symmetric = true, weight_ints = dense<1> : tensor<1x12x3xi32>, weight_scales = dense<1.0> : tensor<3xf32>, weight_zero_points = dense<0> : tensor<3xi32>, weights = dense<1.0> : tensor<1x12x3xf32>, kind = #cim<kind gemm>} : (tensor<1x12xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}
)mlir";

class TileGraphTest : public MappedModuleTest {};

TEST_F(TileGraphTest, ColumnSetHomesAndRowSets) {
  OwningOpRef<ModuleOp> module = map(kModule, makeChip());
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
                    other.mvm.getRowBegin() == tile.mvm.getRowBegin())
          << t;
  }
  // 2 column sets per copy.
  EXPECT_EQ(homes.size(), 4u);
  EXPECT_EQ(rowSets.size(), 6u);
  EXPECT_EQ(*rowSets.rbegin(), 5);
}

} // namespace
