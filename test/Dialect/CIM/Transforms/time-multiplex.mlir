// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="capacity=3" | FileCheck %s --check-prefix=CAP3
// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="capacity=4" | FileCheck %s --check-prefix=CAP4
// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex="capacity=5" | FileCheck %s --check-prefix=CAP5
// RUN: nncc-opt %s --nncc-partition --nncc-time-multiplex | FileCheck %s --check-prefix=CHIP
// RUN: not nncc-opt %S/replicate.mlir --nncc-partition --nncc-replicate --nncc-time-multiplex 2>&1 | FileCheck %s --check-prefix=COPIES

// 4x4 arrays, G+/G- column pairs, one 1-bit slice: a one-column layer with
// K rows takes ceil(K / 4) arrays: "a" (K = 8) 2, "b" (K = 4) 1, "c"
// (K = 20) 5; 8 in all.
//
// capacity 3: a + b fill group 0 (3); c (5) is larger than a group, so it
// fills group 1 (3) and goes on in group 2 (2).
// CAP3: cim.time_multiplex = {arrays = array<i64: 3, 3, 2>, capacity = 3 : i64, groups = 3 : i64}
// CAP3-COUNT-3: program_group = 0
// CAP3-COUNT-3: program_group = 1
// CAP3-COUNT-2: program_group = 2
// CAP3-NOT: program_group
//
// capacity 4: a + b = 3; c exceeds a group, so it takes group 0's last
// array and the 4 of group 1.
// CAP4: cim.time_multiplex = {arrays = array<i64: 4, 4>, capacity = 4 : i64, groups = 2 : i64}
// CAP4-COUNT-4: program_group = 0
// CAP4-COUNT-4: program_group = 1
//
// capacity 5: c fits an empty group but not the 2 arrays group 0 has left,
// so it starts group 1 whole.
// CAP5: cim.time_multiplex = {arrays = array<i64: 3, 5>, capacity = 5 : i64, groups = 2 : i64}
// CAP5-COUNT-3: program_group = 0
// CAP5-COUNT-5: program_group = 1
//
// Without a capacity the chip's 10 arrays hold everything: one group.
// CHIP: cim.time_multiplex = {arrays = array<i64: 8>, capacity = 10 : i64, groups = 1 : i64}
//
// replicate.mlir gives its conv layer 4 copies:
// COPIES: error: nncc-time-multiplex needs a mapping without copies (run it instead of --nncc-replicate)

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 4, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 10, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x8xf32>, %y: tensor<1x4xf32>, %z: tensor<1x20xf32>) -> (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>) {
    %a = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x8x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x8x1xf32>} : (tensor<1x8xf32>) -> tensor<1x1xf32>
    %b = cim.layer "b" sliced %y {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x4x1xf32>} : (tensor<1x4xf32>) -> tensor<1x1xf32>
    %c = cim.layer "c" sliced %z {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x20x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x20x1xf32>} : (tensor<1x20xf32>) -> tensor<1x1xf32>
    return %a, %b, %c : tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>
  }
}
