// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// #cim.target's verifier: the chip parameters the IR depends on must be
// consistent (the YAML loader says which one is wrong; this is the IR's own
// line of defence for hand-written or old IR).

// DAC wider than the input.
// expected-error @+1 {{inconsistent target parameters (check with `nncc target validate`)}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 9, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 1>} {}

// -----

// Inputs wider than the 64-bit shift-and-add can weigh.
// expected-error @+1 {{inconsistent target parameters}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 64, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 1>} {}

// -----

// expected-error @+1 {{g_max must exceed g_min}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-5 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 1>} {}

// -----

// expected-error @+1 {{read_pulse and conversion_time must be >= 0}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 1, read_pulse = -1.0e-8 : f64>} {}

// -----

// expected-error @+1 {{a 2x1 mesh cannot hold 3 cores}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 3, arrays_per_core = 1, mesh_width = 2, mesh_height = 1>} {}

// -----

// expected-error @+1 {{sample_and_hold and sensed_in_read exclude each other: a held value is converted after the read}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64, sample_and_hold = true, sensed_in_read = true>} {}
