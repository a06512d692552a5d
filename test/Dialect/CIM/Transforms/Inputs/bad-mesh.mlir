// A 3 x 1 mesh for 4 cores (used by place-geometry.mlir).
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 4, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64, mesh_width = 3, mesh_height = 1>} {
}
