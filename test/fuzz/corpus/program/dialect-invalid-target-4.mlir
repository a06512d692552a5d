

// expected-error @+1 {{a 2x1 mesh cannot hold 3 cores}}
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 3, arrays_per_core = 1, mesh_width = 2, mesh_height = 1>} {}
