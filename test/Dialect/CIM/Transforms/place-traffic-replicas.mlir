// Placement traffic of replicated layers (--nncc-replicate's output: each
// tile carries the arrays of its copies), case 2 of place-traffic.mlir.
// RUN: nncc-opt %s --nncc-place | FileCheck %s

// Replicas and the fallback.  6 vectors; a (K = 4, 2 columns: one
// tile) has 2 copies (tiles 0, 1); b (K = 2, 4 columns: 2 tiles of 2
// columns) has 3 copies (tile 2 + 3m + copy for column set m); c (K = 4, one
// tile) has 1 (tile 8).  Copies split the vectors evenly, in order: in
// units of 1/6, a's copies hold [0,3) [3,6), b's [0,2) [2,4) [4,6), so
// a0 -> b0: 2 vectors, a0 -> b1: 1, a1 -> b1: 1, a1 -> b2: 2.
//   a -> b goes through a softmax over the channel axis: no channel mapping,
//   so a's outputs go to every tile of the b copy, each in proportion to its
//   rows (2 of b's 2: all of it): vectors x 2 columns x 2 bits per tile,
//   (2 + 1 + 1 + 2) x 4 bits x 2 column sets        48 bits, 8 edges
//   b -> c through a relu: each b copy sends its 2 vectors (6 / 3) of each
//   column set's 2 channels to c: 2 x 2 x 2 bits = 8, 3 copies x 2 homes
//                                                   48 bits, 6 edges
// Total: 96 bits in 14 edges, 9 tiles, one link without a mapping.
// CHECK-LABEL: cim.placement
// CHECK-SAME: fallback_links = 1 : i64
// CHECK-SAME: tiles = 9 : i64, traffic_bits = 96 : i64, traffic_edges = 14 : i64

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 9.9999999999999995E-7 : f64, g_max = 1.000000e-05 : f64, cores = 16, arrays_per_core = 1, read_pulse = 1.000000e-08 : f64, conversion_time = 1.000000e-09 : f64>} {
  func.func @main(%arg0: tensor<6x4xf32>) -> tensor<6x1xf32> {
    %0 = cim.layer "a" partitioned %arg0 {replicas = 2 : i64, array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 5.000000e-01 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x2xi32>, weight_scales = dense<1.000000e-01> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<1.000000e-01> : tensor<1x4x2xf32>} : (tensor<6x4xf32>) -> tensor<6x2xf32> {
    ^bb0(%arg1: tensor<1x6x4xi32>):
      %5 = cim.mvm %arg1 {array = 0 : i64, replica_arrays = array<i64: 4>, col_begin = 0 : i64, col_end = 2 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 4 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x6x4xi32>) -> tensor<2x1x6x4xi32>
      %6 = cim.adc %5 {bits = 8 : i64} : tensor<2x1x6x4xi32>
      %magnitudes = cim.shift_add %6 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x6x4xi32>) -> tensor<6x2x2xi64>
      %7 = cim.combine %magnitudes {scheme = #cim<scheme differential_columns>} : (tensor<6x2x2xi64>) -> tensor<6x2xi64>
      %8 = cim.accumulate %7 {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<6x2xi64>) -> tensor<1x6x2xi64>
      cim.yield %8 : tensor<1x6x2xi64>
    }
    %1 = nn.softmax %0 {axis = 1 : i64} : (tensor<6x2xf32>) -> tensor<6x2xf32>
    %2 = cim.layer "b" partitioned %1 {replicas = 3 : i64, array_count = 2 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 5.000000e-01 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x4xi32>, weight_scales = dense<1.000000e-01> : tensor<4xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<4xi32>, weights = dense<1.000000e-01> : tensor<1x2x4xf32>} : (tensor<6x2xf32>) -> tensor<6x4xf32> {
    ^bb0(%arg1: tensor<1x6x2xi32>):
      %5 = cim.mvm %arg1 {array = 1 : i64, replica_arrays = array<i64: 5, 6>, col_begin = 0 : i64, col_end = 2 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x6x2xi32>) -> tensor<2x1x6x4xi32>
      %6 = cim.adc %5 {bits = 8 : i64} : tensor<2x1x6x4xi32>
      %magnitudes = cim.shift_add %6 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x6x4xi32>) -> tensor<6x2x2xi64>
      %7 = cim.combine %magnitudes {scheme = #cim<scheme differential_columns>} : (tensor<6x2x2xi64>) -> tensor<6x2xi64>
      %8 = cim.mvm %arg1 {array = 2 : i64, replica_arrays = array<i64: 7, 8>, col_begin = 2 : i64, col_end = 4 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x6x2xi32>) -> tensor<2x1x6x4xi32>
      %9 = cim.adc %8 {bits = 8 : i64} : tensor<2x1x6x4xi32>
      %magnitudes_0 = cim.shift_add %9 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x6x4xi32>) -> tensor<6x2x2xi64>
      %10 = cim.combine %magnitudes_0 {scheme = #cim<scheme differential_columns>} : (tensor<6x2x2xi64>) -> tensor<6x2xi64>
      %11 = cim.accumulate %7, %10 {col_begins = array<i64: 0, 2>, groups = array<i64: 0, 0>} : (tensor<6x2xi64>, tensor<6x2xi64>) -> tensor<1x6x4xi64>
      cim.yield %11 : tensor<1x6x4xi64>
    }
    %3 = nn.relu %2 : (tensor<6x4xf32>) -> tensor<6x4xf32>
    %4 = cim.layer "c" partitioned %3 {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 5.000000e-01 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x1xi32>, weight_scales = dense<1.000000e-01> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<1.000000e-01> : tensor<1x4x1xf32>} : (tensor<6x4xf32>) -> tensor<6x1xf32> {
    ^bb0(%arg1: tensor<1x6x4xi32>):
      %5 = cim.mvm %arg1 {array = 3 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 4 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x6x4xi32>) -> tensor<2x1x6x2xi32>
      %6 = cim.adc %5 {bits = 8 : i64} : tensor<2x1x6x2xi32>
      %magnitudes = cim.shift_add %6 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x6x2xi32>) -> tensor<6x1x2xi64>
      %7 = cim.combine %magnitudes {scheme = #cim<scheme differential_columns>} : (tensor<6x1x2xi64>) -> tensor<6x1xi64>
      %8 = cim.accumulate %7 {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<6x1xi64>) -> tensor<1x6x1xi64>
      cim.yield %8 : tensor<1x6x1xi64>
    }
    return %4 : tensor<6x1xf32>
  }
}

