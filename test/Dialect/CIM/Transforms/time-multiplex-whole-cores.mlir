// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="only-beyond-chip=true" | FileCheck %s --check-prefix=ARRAYS
// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="only-beyond-chip=true whole-cores=true" | FileCheck %s --check-prefix=WHOLE
// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="capacity=5 whole-cores=true" | FileCheck %s --check-prefix=WHOLE5
// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="capacity=2 whole-cores=true" | FileCheck %s --check-prefix=WHOLE2
// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="capacity=2" | FileCheck %s --check-prefix=ARRAYS2
// RUN: not nncc-opt %s --nncc-partition --nncc-time-multiplex="capacity=1 whole-cores=true" 2>&1 | FileCheck %s --check-prefix=SUBCORE

// Groups sized in cores (core.one_layer_copy): 3 cores of 2 arrays, 4x4
// arrays as in time-multiplex.mlir: "a" (K = 8) 2 arrays, "b" (K = 4) 1,
// "c" (K = 12) 3; 6 arrays, the whole chip, but 1 + 1 + 2 = 4 cores when a
// core holds one layer's arrays only.
//
// Counted in arrays the mapping fits, and is left as it is.
// ARRAYS-NOT: cim.time_multiplex
// ARRAYS-NOT: program_group
//
// Counted in cores it does not: a and b take a core each; c (2 cores)
// fits an empty group but not the one core left, so it starts group 1.
// WHOLE: cim.time_multiplex = {arrays = array<i64: 3, 3>, capacity = 6 : i64, groups = 2 : i64}
// WHOLE-COUNT-3: program_group = 0
// WHOLE-COUNT-3: program_group = 1
// WHOLE-NOT: program_group
//
// A capacity of 5 arrays holds 2 whole cores (4 arrays).
// WHOLE5: cim.time_multiplex = {arrays = array<i64: 3, 3>, capacity = 4 : i64, groups = 2 : i64}
//
// One core per group: c is larger than a group and is cut at a core
// boundary (2 + 1 tiles), where counting arrays cuts it after one tile to
// fill group 1.
// WHOLE2: cim.time_multiplex = {arrays = array<i64: 2, 1, 2, 1>, capacity = 2 : i64, groups = 4 : i64}
// ARRAYS2: cim.time_multiplex = {arrays = array<i64: 2, 2, 2>, capacity = 2 : i64, groups = 3 : i64}
//
// SUBCORE: error: nncc-time-multiplex: a group of 1 arrays holds no whole core of 2

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 4, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 3, arrays_per_core = 2, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x8xf32>, %y: tensor<1x4xf32>, %z: tensor<1x12xf32>) -> (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>) {
    %a = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x8x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x8x1xf32>} : (tensor<1x8xf32>) -> tensor<1x1xf32>
    %b = cim.layer "b" sliced %y {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x4x1xf32>} : (tensor<1x4xf32>) -> tensor<1x1xf32>
    %c = cim.layer "c" sliced %z {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x12x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x12x1xf32>} : (tensor<1x12xf32>) -> tensor<1x1xf32>
    return %a, %b, %c : tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>
  }
}
