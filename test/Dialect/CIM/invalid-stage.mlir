// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// A cim.layer carries the attributes of the stages it has passed and no
// others (lib/Dialect/CIM/LayerStage.cpp).

// A stage needs every attribute its pass adds...
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{stage 'quantized' needs 'weight_ints' (set by --nncc-quantize)}}
    %0 = cim.layer "fc" quantized %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{stage 'split' needs 'stored_bits' (set by --nncc-differential)}}
    %0 = cim.layer "fc" split %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{stage 'sliced' needs 'input_cycles' (set by --nncc-bitslice)}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// ... and those of the stages before it.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{stage 'sliced' needs 'input_scale' (set by --nncc-quantize)}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{stage 'partitioned' needs 'array_count' (set by --nncc-partition)}}
    %0 = cim.layer "fc" partitioned %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
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
    // expected-error @+1 {{stage 'partitioned' needs a body (set by --nncc-partition)}}
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// A later pass's attributes make a stage the layer does not state.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'signed_scheme' comes with stage 'split', the layer is at stage 'quantized'}}
    %0 = cim.layer "fc" quantized %a {input_bits = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

// Optional attributes too.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'weight_error' comes with stage 'quantized', the layer is at stage 'lowered'}}
    %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weight_error = 0.1 : f64, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'replicas' comes with stage 'partitioned', the layer is at stage 'sliced'}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, replicas = 2 : i64, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{'adc_range' comes with stage 'partitioned', the layer is at stage 'sliced'}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, adc_range = "mse", signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %0 : tensor<1x1xf32>
  }
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    // expected-error @+1 {{the body comes with stage 'partitioned', the layer is at stage 'sliced'}}
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
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

// Cores come from --nncc-place.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      // expected-error @+1 {{'core' comes with stage 'placed', the layer is at stage 'partitioned'}}
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, core = 0 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
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
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, replicas = 2 : i64, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      // expected-error @+1 {{'replica_cores' comes with stage 'placed', the layer is at stage 'partitioned'}}
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, replica_arrays = array<i64: 1>, replica_cores = array<i64: 1>, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x2xi32>
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
    %0 = cim.layer "fc" placed %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      // expected-error @+1 {{the tiles of a placed layer need a 'core'}}
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
