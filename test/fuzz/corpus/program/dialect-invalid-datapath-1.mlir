

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @adc_target(%s: tensor<2x1x1x2xi32>) -> tensor<2x1x1x2xi32> {
    // expected-error @+1 {{the target's ADCs have 8 bits, not 6}}
    %c = cim.adc %s {bits = 6 : i64} : tensor<2x1x1x2xi32>
    return %c : tensor<2x1x1x2xi32>
  }
}

