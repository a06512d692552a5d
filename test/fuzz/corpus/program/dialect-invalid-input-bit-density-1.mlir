

func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{input_bit_density entries must be in [0, 1]}}
  %0 = cim.layer "fc" quantized %a {input_bit_density = array<f64: 0.5, 1.5>, input_bits = 2 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
