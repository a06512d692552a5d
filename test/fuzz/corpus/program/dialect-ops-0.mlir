// RUN: nncc-opt %s | FileCheck %s
// RUN: nncc-opt %s | nncc-opt | FileCheck %s
// Round-trip of a cim.layer at every mapping stage and of the datapath ops,
// each with exactly the attributes its stage requires.

// CHECK: cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 9.9999999999999995E-7 : f64, g_max = 1.000000e-05 : f64, cores = 2, arrays_per_core = 2, read_pulse = 1.000000e-08 : f64, conversion_time = 1.000000e-09 : f64, mesh_width = 2, mesh_height = 1>
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64, mesh_width = 2, mesh_height = 1>} {

  // A conv right after --nncc-lower-nn-to-cim: K = 2 * 1 * 1, N = 3.
  // CHECK-LABEL: func.func @lowered
  // CHECK: cim.layer "conv" lowered %arg0 {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 1, 1>, kind = #cim<kind conv>, pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>, strides = array<i64: 1, 1>, weights = dense<1.000000e+00> : tensor<1x2x3xf32>} : (tensor<1x2x2x2xf32>) -> tensor<1x3x2x2xf32>
  func.func @lowered(%x: tensor<1x2x2x2xf32>) -> tensor<1x3x2x2xf32> {
    %0 = cim.layer "conv" lowered %x {kind = #cim<kind conv>, kernel_shape = array<i64: 1, 1>, strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>, weights = dense<1.0> : tensor<1x2x3xf32>} : (tensor<1x2x2x2xf32>) -> tensor<1x3x2x2xf32>
    return %0 : tensor<1x3x2x2xf32>
  }

  // CHECK-LABEL: func.func @quantized
  // CHECK: cim.layer "fc" quantized %arg0 {input_bit_density = array<f64: 5.000000e-01, 2.500000e-01>, input_bits = 2 : i64, input_clip_fraction = 0.000000e+00 : f64, input_scale = 1.000000e+00 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_error = 1.000000e-02 : f64, weight_ints = dense<1> : tensor<1x2x1xi8>, weight_per_channel = true, weight_scales = dense<1.000000e-01> : tensor<1xf32>, weight_symmetric = true, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<1.000000e-01> : tensor<1x2x1xf32>}
  func.func @quantized(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" quantized %a {input_bit_density = array<f64: 0.5, 0.25>, input_bits = 2 : i64, input_clip_fraction = 0.0 : f64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_error = 0.01 : f64, weight_ints = dense<1> : tensor<1x2x1xi8>, weight_per_channel = true, weight_scales = dense<0.1> : tensor<1xf32>, weight_symmetric = true, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }

  // The offset scheme brings weight_offsets.
  // CHECK-LABEL: func.func @split
  // CHECK: cim.layer "fc" split %arg0 {{{.*}}signed_scheme = #cim<scheme offset_reference>, stored_bits = 4 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_offsets = dense<8> : tensor<1xi32>
  func.func @split(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" split %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme offset_reference>, stored_bits = 4 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_offsets = dense<8> : tensor<1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }

  // CHECK-LABEL: func.func @sliced
  // CHECK: cim.layer "fc" sliced %arg0 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, {{.*}}, weight_slices = 1 : i64
  func.func @sliced(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }

  // One tile: 2 weight rows read together, a G+/G- column pair, 2 input
  // cycles; replicated once onto array 1 (--nncc-replicate).
  // CHECK-LABEL: func.func @partitioned
  // CHECK: cim.layer "fc" partitioned %arg0 {array_count = 1 : i64, {{.*}}, replicas = 2 : i64,
  // CHECK: ^bb0(%[[IN:.*]]: tensor<1x1x2xi32>):
  // CHECK: %[[S:.*]] = cim.mvm %[[IN]] {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, replica_arrays = array<i64: 1>, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
  // CHECK: %[[C:.*]] = cim.adc %[[S]] {bits = 8 : i64} : tensor<2x1x1x2xi32>
  // CHECK: %[[M:.*]] = cim.shift_add %[[C]] {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
  // CHECK: %[[P:.*]] = cim.combine %[[M]] {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
  // CHECK: %[[A:.*]] = cim.accumulate %[[P]] {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
  // CHECK: cim.yield %[[A]] : tensor<1x1x1xi64>
  func.func @partitioned(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, replicas = 2 : i64, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, replica_arrays = array<i64: 1>, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }

  // --nncc-place gives the tile and its copy cores; a time-multiplexed
  // mapping numbers its arrays across program groups (array 5 of a 4-array
  // chip).
  // CHECK-LABEL: func.func @placed
  // CHECK: cim.layer "fc" placed %arg0
  // CHECK: cim.mvm %{{.*}} {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, core = 0 : i64, group = 0 : i64, replica_arrays = array<i64: 1>, replica_cores = array<i64: 1>,
  // CHECK: cim.layer "fc2" placed %arg0
  // CHECK: cim.mvm %{{.*}} {array = 5 : i64, col_begin = 0 : i64, col_end = 1 : i64, core = 1 : i64, group = 0 : i64, program_group = 1 : i64,
  func.func @placed(%a: tensor<1x2xf32>) -> (tensor<1x1xf32>, tensor<1x1xf32>) {
    %0 = cim.layer "fc" placed %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, replicas = 2 : i64, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, core = 0 : i64, group = 0 : i64, replica_arrays = array<i64: 1>, replica_cores = array<i64: 1>, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    %1 = cim.layer "fc2" placed %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 5 : i64, col_begin = 0 : i64, col_end = 1 : i64, core = 1 : i64, group = 0 : i64, program_group = 1 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0, %1 : tensor<1x1xf32>, tensor<1x1xf32>
  }

  // The offset scheme's datapath: the tile holding slice 0 reads the input
  // sum on its reference column, and the combine subtracts offset times it.
  // CHECK-LABEL: func.func @offset_datapath
  // CHECK: %[[M:.*]], %[[R:.*]] = cim.shift_add %{{.*}} {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = true, polarities = 1 : i64, reference_column = true, slice_begin = 0 : i64, slice_end = 2 : i64} : (tensor<2x1x1x3xi32>) -> (tensor<1x1x1xi64>, tensor<1xi64>)
  // CHECK: cim.combine %[[M]], %[[R]] {offsets = array<i64: 8>, scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  // CHECK: cim.adc %{{.*}} {bipolar = true, bits = 8 : i64, step = 2 : i64} : tensor<2x1x1x3xi32>
  func.func @offset_datapath(%codes: tensor<2x1x1x3xi32>) -> tensor<1x1xi64> {
    %m, %r = cim.shift_add %codes {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = true, polarities = 1 : i64, reference_column = true, slice_begin = 0 : i64, slice_end = 2 : i64} : (tensor<2x1x1x3xi32>) -> (tensor<1x1x1xi64>, tensor<1xi64>)
    %p = cim.combine %m, %r {offsets = array<i64: 8>, scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
    %c = cim.adc %codes {bipolar = true, bits = 8 : i64, step = 2 : i64} : tensor<2x1x1x3xi32>
    return %p : tensor<1x1xi64>
  }
}
