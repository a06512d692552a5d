// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// Four-phase reads (cim.mvm and cim.shift_add read_phases, #cim.target
// read_phases; cim::ReadPhase): 2 weight rows on differential rows of a
// 4x4 array, read at once, each row group in four parts.

// The valid form.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 4>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_rows>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, read_phases = 4 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x4x1x1xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x4x1x1xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 1 : i64, read_phases = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x4x1x1xi32>) -> tensor<1x1x1xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_rows>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

// cim.mvm read_phases is 1 or 4.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 4>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_rows>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      // expected-error @+1 {{read_phases must be 1 or 4}}
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, read_phases = 3 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x4x1x1xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x4x1x1xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 1 : i64, read_phases = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x4x1x1xi32>) -> tensor<1x1x1xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_rows>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

// A four-phase read splits G+ and G- rows: differential rows only.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      // expected-error @+1 {{four-phase reads need differential rows}}
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, read_phases = 4 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x4x1x2xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x4x1x2xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, read_phases = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x4x1x2xi32>) -> tensor<1x1x2xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

// The target reads differential rows in four phases; a one-phase tile
// disagrees.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 4>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_rows>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      // expected-error @+1 {{reads in 1 phases where the target reads this scheme in 4}}
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, read_phases = 1 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x1xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x1xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 1 : i64, read_phases = 1 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x1xi32>) -> tensor<1x1x1xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_rows>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

// Four parts per row group.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 4>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_rows>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      // expected-error @+1 {{result must be [cycles, row groups x read_phases, P, columns]}}
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, read_phases = 4 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x1x1x1xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x1x1x1xi32>
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 1 : i64, read_phases = 1 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x1xi32>) -> tensor<1x1x1xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_rows>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

// The shift-and-add's phases divide the row-group dimension.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 4>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_rows>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, read_phases = 4 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x4x1x1xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x4x1x1xi32>
      // expected-error @+1 {{read_phases must be 1 or 4 and divide the row-group dimension}}
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 1 : i64, read_phases = 3 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x4x1x1xi32>) -> tensor<1x1x1xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_rows>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

// The shift-and-add applies the signs of its cim.mvm's phases.
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 4>} {
  func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "fc" partitioned %a {array_count = 1 : i64, bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 1.0 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_rows>, stored_bits = 1 : i64, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32> {
    ^bb0(%in: tensor<1x1x2xi32>):
      %s = cim.mvm %in {array = 0 : i64, col_begin = 0 : i64, col_end = 1 : i64, group = 0 : i64, read_phases = 4 : i64, row_begin = 0 : i64, row_end = 2 : i64, rows_in_parallel = 4 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<1x1x2xi32>) -> tensor<2x4x1x1xi32>
      %c = cim.adc %s {bits = 8 : i64} : tensor<2x4x1x1xi32>
      // expected-error @+1 {{read_phases must be its cim.mvm's}}
      %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 1 : i64, read_phases = 1 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x4x1x1xi32>) -> tensor<1x1x1xi64>
      %p = cim.combine %m {scheme = #cim<scheme differential_rows>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
      %acc = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
      cim.yield %acc : tensor<1x1x1xi64>
    }
    return %0 : tensor<1x1xf32>
  }
}

// -----

// #cim.target read_phases is 1 or 4.
// expected-error @+1 {{read_phases must be 1 or 4}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 2>} {
}

// -----

// Four phases split G+ and G- rows: the target's scheme is differential rows.
// expected-error @+1 {{four-phase reads need signed_weights = differential_rows}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2, read_phases = 4>} {
}
