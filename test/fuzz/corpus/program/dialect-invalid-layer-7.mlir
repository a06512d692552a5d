

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 2, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 2>} {
  func.func @main(%a: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
    // expected-error @+1 {{K = 3 does not match C/group * prod(kernel_shape)}}
    %0 = cim.layer "fc" lowered %a {kernel_shape = array<i64: 8462671618643066883, 431199249765>, kind = #cim<kind conv>, weights = dense<0.1> : tensor<1x3x1xf32>} : (tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32>
    return %0 : tensor<1x1x1x1xf32>
  }
}

