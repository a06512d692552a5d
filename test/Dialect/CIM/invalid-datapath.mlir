// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// The digital datapath ops by themselves: ADC readout, shift-and-add,
// polarity combination and partial-sum accumulation.

func.func @adc_bits(%s: tensor<2x1x1x2xi32>) -> tensor<2x1x1x2xi32> {
  // expected-error @+1 {{bits must be in [1, 24] and step positive}}
  %c = cim.adc %s {bits = 8 : i64, step = 0 : i64} : tensor<2x1x1x2xi32>
  return %c : tensor<2x1x1x2xi32>
}

// -----

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @adc_target(%s: tensor<2x1x1x2xi32>) -> tensor<2x1x1x2xi32> {
    // expected-error @+1 {{the target's ADCs have 8 bits, not 6}}
    %c = cim.adc %s {bits = 6 : i64} : tensor<2x1x1x2xi32>
    return %c : tensor<2x1x1x2xi32>
  }
}

// -----

func.func @shift_add_rank(%c: tensor<2x1x2xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{codes must be [cycles, row groups, P, columns]}}
  %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x2xi32>) -> tensor<1x1x2xi64>
  return %m : tensor<1x1x2xi64>
}

// -----

func.func @shift_add_polarities(%c: tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{bad slice range or polarity count}}
  %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 3 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
  return %m : tensor<1x1x2xi64>
}

// -----

// Cycle j weighs 2^(j * dac_bits): 64 would shift past an i64.
func.func @shift_add_dac_bits(%c: tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{dac_bits and bits_per_cell must be in [1, 63]}}
  %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 64 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
  return %m : tensor<1x1x2xi64>
}

// -----

func.func @shift_add_columns(%c: tensor<2x1x1x3xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{columns are not a whole number of weight columns}}
  %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x3xi32>) -> tensor<1x1x2xi64>
  return %m : tensor<1x1x2xi64>
}

// -----

func.func @shift_add_magnitudes(%c: tensor<2x1x1x2xi32>) -> tensor<1x2x2xi64> {
  // expected-error @+1 {{magnitudes must be [P, weight columns, polarities]}}
  %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x2x2xi64>
  return %m : tensor<1x2x2xi64>
}

// -----

func.func @shift_add_reference(%c: tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{the reference result exists exactly with a reference column}}
  %m, %r = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> (tensor<1x1x2xi64>, tensor<1xi64>)
  return %m : tensor<1x1x2xi64>
}

// -----

func.func @combine_shape(%m: tensor<1x1x2xi64>) -> tensor<1x2xi64> {
  // expected-error @+1 {{partial must be [P, weight columns]}}
  %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x2xi64>
  return %p : tensor<1x2xi64>
}

// -----

func.func @combine_reference(%m: tensor<1x1x1xi64>, %r: tensor<1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{a reference and offsets go together, with the offset scheme only}}
  %p = cim.combine %m, %r {scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

// -----

func.func @combine_offsets(%m: tensor<1x1x1xi64>, %r: tensor<1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{one offset per weight column}}
  %p = cim.combine %m, %r {offsets = array<i64: 8, 8>, scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

// -----

// Found by the program fuzzer (issue #13): an offset of -2^63 overflowed
// offset x reference when the program ran.
func.func @combine_offset_range(%m: tensor<1x1x1xi64>, %r: tensor<1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{offsets must lie in [-65536, 65536]}}
  %p = cim.combine %m, %r {offsets = array<i64: -9223372036854775680>, scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

// -----

func.func @combine_polarities(%m: tensor<1x1x1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{expected 2 polarities}}
  %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

// -----

func.func @accumulate_rank(%p: tensor<1x1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{accumulators must be [G, P, N]}}
  %a = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1xi64>
  return %a : tensor<1x1xi64>
}

// -----

func.func @accumulate_offsets(%p: tensor<1x1xi64>) -> tensor<1x1x1xi64> {
  // expected-error @+1 {{one group and column offset per partial}}
  %a = cim.accumulate %p {col_begins = array<i64: 0, 1>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
  return %a : tensor<1x1x1xi64>
}

// -----

func.func @accumulate_fit(%p: tensor<1x1xi64>) -> tensor<1x1x1xi64> {
  // expected-error @+1 {{partial 0 does not fit the result}}
  %a = cim.accumulate %p {col_begins = array<i64: 1>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
  return %a : tensor<1x1x1xi64>
}
