// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// cim.layer's attribute values against its weight matrix, its input and
// result, its body and the target (stage checks: invalid-stage.mlir).

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{weights must be an f32 [G, K, N] matrix}}
    %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weights = dense<0.1> : tensor<2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{weights have 1 groups, group is 2}}
    %0 = cim.layer "fc" lowered %a {group = 2 : i64, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'bias' must have shape [1]}}
    %0 = cim.layer "fc" lowered %a {bias = dense<0.1> : tensor<2xf32>, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'bias' must hold floats}}
    %0 = cim.layer "fc" lowered %a {bias = dense<1> : tensor<1xi32>, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// Conv geometry: 2 channels, 1x1 kernel.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
    // expected-error @+1 {{conv needs kernel_shape with one entry per spatial dim}}
    %0 = cim.layer "fc" lowered %a {kind = #cim<kind conv>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
    return %0 : tensor<1x1x1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
    // expected-error @+1 {{K = 3 does not match C/group * prod(kernel_shape)}}
    %0 = cim.layer "fc" lowered %a {kernel_shape = array<i64: 1, 1>, kind = #cim<kind conv>, weights = dense<0.1> : tensor<1x3x1xf32>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
    return %0 : tensor<1x1x1x1xf32>
  }
}

// -----

// Found by the program fuzzer (issue #13): kernel sizes from a program file
// overflowed C/group * prod(kernel_shape).
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
    // expected-error @+1 {{kernel_shape entries must be positive}}
    %0 = cim.layer "fc" lowered %a {kernel_shape = array<i64: -8462671618643066883, 1>, kind = #cim<kind conv>, weights = dense<0.1> : tensor<1x3x1xf32>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
    return %0 : tensor<1x1x1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
    // expected-error @+1 {{K = 3 does not match C/group * prod(kernel_shape)}}
    %0 = cim.layer "fc" lowered %a {kernel_shape = array<i64: 8462671618643066883, 431199249765>, kind = #cim<kind conv>, weights = dense<0.1> : tensor<1x3x1xf32>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
    return %0 : tensor<1x1x1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2x1x1xf32>) -> tensor<1x1x2x1xf32> {
    // expected-error @+1 {{result shape does not match the conv geometry}}
    %0 = cim.layer "fc" lowered %a {kernel_shape = array<i64: 1, 1>, kind = #cim<kind conv>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x2x1xf32>
    return %0 : tensor<1x1x2x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{gemm layers take [M, K] inputs and one group}}
    %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
    // expected-error @+1 {{gemm shapes do not match the weight matrix}}
    %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
    return %0 : tensor<1x2xf32>
  }
}

// -----

// Quantization: codes, scales and zero points per column.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'weight_ints' must hold integers}}
    %0 = cim.layer "fc" quantized %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense<1.0> : tensor<1x2x1xf32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'weight_scales' must have shape [1]}}
    %0 = cim.layer "fc" quantized %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'weight_zero_points' must hold integers}}
    %0 = cim.layer "fc" quantized %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0.0> : tensor<1xf32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{weight_bits must be in [2, 16] and input_bits in [1, 16]}}
    %0 = cim.layer "fc" quantized %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 1 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// Signed weights.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{weight_offsets belong to the offset scheme only}}
    %0 = cim.layer "fc" split %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_offsets = dense<8> : tensor<1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{the offset scheme needs weight_offsets [G*N]}}
    %0 = cim.layer "fc" split %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme offset_reference>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'weight_offsets' must have shape [1]}}
    %0 = cim.layer "fc" split %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme offset_reference>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_offsets = dense<8> : tensor<2xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// Bit slicing.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{2 slices of 1 bits cannot hold 3-bit stored weights}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 3 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 2 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// The target's cells store 1 bit (2 levels).
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{bits_per_cell 2 exceeds the target's 1}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 2 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{dac_bits 3 must be in [1, 2] (input_bits)}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 3 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{1 input cycles of 1 bits cannot carry 2-bit inputs}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 1 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{the body takes the quantized im2col input tensor<G x P x K x i32>}}
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x2x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x2x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{the body must yield tensor<G x P x N x i64>}}
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x2xi64>
      cim.yield %acc : tensor<1x1x2xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{array_count 2 does not match the body's 1 tiles}}
    %0 = cim.layer "fc" partitioned %a {array_count = 2 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{replicas must be positive}}
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, replicas = 0 : i64, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{adc_range: ADC range method 'median': expected max, percentile:P (0 < P <= 100) or mse}}
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, adc_range = "median", signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}
