// RUN: nncc-opt %s --nncc-partition -split-input-file | FileCheck %s

// 4x8 arrays reading 2 rows at a time; K = 6 rows, N = 3 columns, 3 slices
// of 1 bit on G+/G- column pairs: a weight column needs 3 * 2 = 6 array
// columns, so 1 per array (8 / 6); rows split 4 + 2.  6 tiles, numbered row
// tile by row tile.  A full row tile reads in 2 groups of 2 rows.
// CHECK-LABEL: func.func @diff_columns
// CHECK: cim.layer "fc" partitioned %arg0 {array_count = 6 : i64
// CHECK: ^bb0(%[[IN:.*]]: tensor<1x5x6xi32>):
// CHECK: %[[S0:.*]] = cim.mvm %[[IN]] {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 4 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 3 : i64} : (tensor<1x5x6xi32>) -> tensor<8x2x5x6xi32>
// CHECK: %[[A0:.*]] = cim.adc %[[S0]] {bits = 8 : i64} : tensor<8x2x5x6xi32>
// CHECK: %[[M0:.*]] = cim.shift_add %[[A0]] {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 3 : i64} : (tensor<8x2x5x6xi32>) -> tensor<5x1x2xi64>
// CHECK: cim.combine %[[M0]] {scheme = #cim<scheme differential_columns>} : (tensor<5x1x2xi64>) -> tensor<5x1xi64>
// CHECK: cim.mvm %[[IN]] {array = 1 : i64, col_begin = 1 : i64, col_end = 2 : i64
// CHECK: cim.mvm %[[IN]] {array = 2 : i64, col_begin = 2 : i64, col_end = 3 : i64
// CHECK: cim.mvm %[[IN]] {array = 3 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 4 : i64, row_end = 6 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 3 : i64} : (tensor<1x5x6xi32>) -> tensor<8x1x5x6xi32>
// CHECK: cim.mvm %[[IN]] {array = 5 : i64
// CHECK: %[[ACC:.*]] = cim.accumulate {{.*}} {col_begins = array<i64: 0, 1, 2, 0, 1, 2>, groups = array<i64: 0, 0, 0, 0, 0, 0>} : ({{.*}}) -> tensor<1x5x3xi64>
// CHECK: cim.yield %[[ACC]] : tensor<1x5x3xi64>
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 8, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 64>} {
  func.func @diff_columns(%a: tensor<5x6xf32>) -> tensor<5x3xf32> {
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 8 : i64, input_cycles = 8 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 3 : i64, weight_bits = 4 : i64, weight_ints = dense<3> : tensor<1x6x3xi32>, weight_scales = dense<0.1> : tensor<3xf32>, weight_slices = 3 : i64, weight_zero_points = dense<0> : tensor<3xi32>, weights = dense<0.3> : tensor<1x6x3xf32>} : (tensor<5x6xf32>) -> tensor<5x3xf32>
    return %0 : tensor<5x3xf32>
  }
}

// -----

// Offset scheme on 4 columns: one is the reference, so 3 remain for the 3
// one-bit slices of one weight column per array.  Each tile holds slice 0
// and thus a reference column; the combine subtracts offset 8 times the
// input sum.
// CHECK-LABEL: func.func @offset
// CHECK: cim.mvm %{{.*}} {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, reference_column = true, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 3 : i64} : (tensor<1x1x2xi32>) -> tensor<4x1x1x4xi32>
// CHECK: %[[M:.*]], %[[R:.*]] = cim.shift_add {{.*}}reference_column = true{{.*}} -> (tensor<1x1x1xi64>, tensor<1xi64>)
// CHECK: cim.combine %[[M]], %[[R]] {offsets = array<i64: 8>, scheme = #cim<scheme offset_reference>}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 2, signed_weights = offset_reference, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 64>} {
  func.func @offset(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 2 : i64, input_bits = 8 : i64, input_cycles = 4 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme offset_reference>, stored_bits = 3 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x2xi32>, weight_offsets = dense<8> : tensor<2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 3 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
    return %0 : tensor<1x2xf32>
  }
}

// -----

// A column whose slices exceed an array: 3 slices x 2 polarities = 6 > 4
// columns, so slices split [0, 2) and [2, 3) over two arrays.
// CHECK-LABEL: func.func @split_slices
// CHECK: cim.mvm %{{.*}} {array = 0 : i64, {{.*}}slice_begin = 0 : i64, slice_end = 2 : i64} : (tensor<1x1x2xi32>) -> tensor<8x1x1x4xi32>
// CHECK: cim.mvm %{{.*}} {array = 1 : i64, {{.*}}slice_begin = 2 : i64, slice_end = 3 : i64} : (tensor<1x1x2xi32>) -> tensor<8x1x1x2xi32>
// CHECK: cim.accumulate {{.*}} {col_begins = array<i64: 0, 0>, groups = array<i64: 0, 0>}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 64>} {
  func.func @split_slices(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 8 : i64, input_cycles = 8 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 3 : i64, weight_bits = 4 : i64, weight_ints = dense<5> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 3 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.5> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}
