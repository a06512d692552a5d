// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// #cim.target's verifier: the chip parameters the IR depends on must be
// consistent (the YAML loader says which one is wrong; this is the IR's own
// line of defence for hand-written or old IR).

// DAC wider than the input.
// expected-error @+1 {{inconsistent target parameters (check with `nncc target validate`)}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 9, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 1>} {}

