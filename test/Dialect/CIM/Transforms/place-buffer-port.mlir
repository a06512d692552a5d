// The placer sees each core's buffer port (--nncc-place's
// port-bits-per-second; the driver passes core.buffer_port x clock).
// RUN: nncc-opt %s --nncc-place | FileCheck %s --check-prefix=HOPS
// RUN: nncc-opt %s --nncc-place="port-bits-per-second=1.5e9" | FileCheck %s --check-prefix=PORT
// RUN: nncc-opt %s --nncc-place="port-bits-per-second=1" | FileCheck %s --check-prefix=NARROW
// RUN: nncc-opt %s --nncc-place="one-layer-copy=true" | FileCheck %s --check-prefix=COPY
// RUN: nncc-opt %s --nncc-place="port-bits-per-second=1.5e9 dump-problem=%t.txt" > /dev/null && FileCheck %s --check-prefix=DUMP < %t.txt

// b (K = 2, 4 columns: column tiles m = 0, 1) has 2 copies; tiles
// t = 2m + copy.  The batch of 4 is 4 inferences of one vector (the
// pipeline model), so a copy takes ceil(1 / 2) = 1 vector per inference.
// The two column tiles of a copy read the same 2 rows: one port item of
// 1 vector x 2 rows x 2 bits = 4 bits.  Each tile is the home of its 2
// weight columns and writes their results, 1 vector x 2 columns x 7 bits
// (1 + log2 4 rows + 2 weight bits + 2 input bits) = 14 bits.  The copy's
// arrays take 1 vector x 2 input cycles x (10 ns read + 1 ns conversion)
// = 22 ns, so at 1.5e9 bits/s the port's budget is floor(22 ns x 1.5e9)
// = 33 bits: a core holding one copy (4 + 2 x 14 = 32 bits) fits, one
// holding a tile of each (2 x 4 + 2 x 14 = 36 bits) exceeds it by 3.
//
// No traffic: bit-hops alone leave the greedy order, copy 0 and copy 1 of
// column tile 0 on core 0 (each core reads both copies' rows).
// HOPS: cim.mvm {{.*}}array = 0 : i64{{.*}}core = 0 : i64{{.*}}replica_cores = array<i64: 0>
// HOPS: cim.mvm {{.*}}array = 1 : i64{{.*}}core = 1 : i64{{.*}}replica_cores = array<i64: 1>
// With the port, each core holds both column tiles of one copy: no excess.
// PORT: cim.placement = {{{.*}}port_excess_bits = 0 : i64
// PORT: cim.mvm {{.*}}array = 0 : i64{{.*}}core = [[C0:[0-9]]] : i64{{.*}}replica_cores = array<i64: [[C1:[0-9]]]>
// PORT: cim.mvm {{.*}}array = 1 : i64{{.*}}core = [[C0]] : i64{{.*}}replica_cores = array<i64: [[C1]]>
// One layer copy per core (core.one_layer_copy) keeps the copies apart
// without a port model: the same layout.
// COPY: cim.mvm {{.*}}array = 0 : i64{{.*}}core = [[C0:[0-9]]] : i64{{.*}}replica_cores = array<i64: [[C1:[0-9]]]>
// COPY: cim.mvm {{.*}}array = 1 : i64{{.*}}core = [[C0]] : i64{{.*}}replica_cores = array<i64: [[C1]]>
// A port too slow for any item (budget 0): each core's one item and two
// results are all excess, 2 x 32 bits.
// NARROW: cim.placement = {{{.*}}port_excess_bits = 64 : i64
// The problem file carries the model: weight = the 2x1 mesh's diameter 1,
// one stage budget, two items (stage 0, 4 bits), tile t reads item t % 2
// and writes 14 result bits.
// DUMP: ports 1 stages 1 33
// DUMP-NEXT: items 2
// DUMP-NEXT: 0 4
// DUMP-NEXT: 0 4
// DUMP-NEXT: tile_items 4
// DUMP-NEXT: 0
// DUMP-NEXT: 1
// DUMP-NEXT: 0
// DUMP-NEXT: 1
// DUMP-NEXT: tile_results 4
// DUMP-COUNT-4: 14

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 9.9999999999999995E-7 : f64, g_max = 1.000000e-05 : f64, cores = 2, arrays_per_core = 2, read_pulse = 1.000000e-08 : f64, conversion_time = 1.000000e-09 : f64, mesh_width = 2, mesh_height = 1>} {
  func.func @main(%arg0: tensor<4x2xf32>) -> tensor<4x4xf32> {
    %0 = cim.layer "b" partitioned %arg0 {replicas = 2 : i64, array_count = 2 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 5.000000e-01 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x4xi32>, weight_scales = dense<1.000000e-01> : tensor<4xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<4xi32>, weights = dense<1.000000e-01> : tensor<1x2x4xf32>} : (tensor<4x2xf32>) -> tensor<4x4xf32> {
    ^bb0(%arg1: tensor<1x4x2xi32>):
      %5 = cim.mvm %arg1 {array = 0 : i64, replica_arrays = array<i64: 2>, col_begin = 0 : i64, col_end = 2 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x4x2xi32>) -> tensor<2x1x4x4xi32>
      %6 = cim.adc %5 {bits = 8 : i64} : tensor<2x1x4x4xi32>
      %magnitudes = cim.shift_add %6 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x4x4xi32>) -> tensor<4x2x2xi64>
      %7 = cim.combine %magnitudes {scheme = #cim<scheme differential_columns>} : (tensor<4x2x2xi64>) -> tensor<4x2xi64>
      %8 = cim.mvm %arg1 {array = 1 : i64, replica_arrays = array<i64: 3>, col_begin = 2 : i64, col_end = 4 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x4x2xi32>) -> tensor<2x1x4x4xi32>
      %9 = cim.adc %8 {bits = 8 : i64} : tensor<2x1x4x4xi32>
      %magnitudes_0 = cim.shift_add %9 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x4x4xi32>) -> tensor<4x2x2xi64>
      %10 = cim.combine %magnitudes_0 {scheme = #cim<scheme differential_columns>} : (tensor<4x2x2xi64>) -> tensor<4x2xi64>
      %11 = cim.accumulate %7, %10 {col_begins = array<i64: 0, 2>, groups = array<i64: 0, 0>} : (tensor<4x2xi64>, tensor<4x2xi64>) -> tensor<1x4x4xi64>
      cim.yield %11 : tensor<1x4x4xi64>
    }
    return %0 : tensor<4x4xf32>
  }
}
