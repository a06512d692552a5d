// The placement works on the chip's own geometry from #cim.target, the one
// the execution schedule counts hops on: a 4 x 1 line of cores, a 1 x 4
// column, a bus, or (no mesh given) the nearest square, 2 x 2.
// Each split overwrites the dumped problem: the last (the line) remains.
// RUN: nncc-opt %s -split-input-file --nncc-partition --nncc-place="dump-problem=%t.line" -o /dev/null
// RUN: FileCheck %s --check-prefix=LINE < %t.line
// LINE: cores 4 arrays_per_core 1 topology mesh width 4 height 1
// RUN: nncc-opt %s -split-input-file --nncc-partition --nncc-place | FileCheck %s
// CHECK: objective_bit_hops = 4 : i64
// CHECK: objective_bit_hops = 4 : i64
// CHECK: objective_bit_hops = 4 : i64
// CHECK: objective_bit_hops = 4 : i64

// A mesh that cannot hold the cores is rejected by the attribute's verifier.
// RUN: not nncc-opt %S/Inputs/bad-mesh.mlir 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: a 3x1 mesh cannot hold 4 cores

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 4, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x4x2xf32>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
    %1 = nn.relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %2 = cim.layer "b" sliced %1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %2 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 4, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64, mesh_width = 1, mesh_height = 4>} {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x4x2xf32>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
    %1 = nn.relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %2 = cim.layer "b" sliced %1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %2 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 4, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64, mesh_width = 4, mesh_height = 1, bus = true>} {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x4x2xf32>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
    %1 = nn.relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %2 = cim.layer "b" sliced %1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %2 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 4, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64, mesh_width = 4, mesh_height = 1>} {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x4x2xf32>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
    %1 = nn.relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %2 = cim.layer "b" sliced %1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %2 : tensor<1x1xf32>
  }
}
