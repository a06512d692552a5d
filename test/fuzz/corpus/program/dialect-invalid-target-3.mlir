

// expected-error @+1 {{read_pulse and conversion_time must be >= 0}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 1, read_pulse = -1.0e-8 : f64>} {}

