// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// A pre-quantized model's quantization on cim.layer (cim.model_quantization)
// comes whole, of the right kinds and shapes, and in range.
func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{'cim.model_quantization' must be a dictionary}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = 3 : i64, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{unknown model quantization entry 'zero_point'}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = {zero_point = 0 : i64}, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{the model's weight quantization needs weight_bits, weight_signed, weight_scales and weight_zero_points}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = {weight_bits = 8 : i64}, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{the model's weight quantization must be integer bits, a bool, f32 scales and integer zero points}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = {weight_bits = 8 : i64, weight_scales = dense<1> : tensor<1xi32>, weight_signed = true, weight_zero_points = dense<0> : tensor<1xi32>}, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{the model's weight scales and zero points must be one or one per column (2)}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = {weight_bits = 8 : i64, weight_scales = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>, weight_signed = true, weight_zero_points = dense<0> : tensor<3xi32>}, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{the model's weight_bits must be in [2, 16]}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = {weight_bits = 32 : i64, weight_scales = dense<0.1> : tensor<1xf32>, weight_signed = true, weight_zero_points = dense<0> : tensor<1xi32>}, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{the model's input quantization needs input_bits, input_signed and input_scale}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = {input_scale = 5.000000e-01 : f64}, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{the model's input_bits must be in [1, 16], input_signed a bool and input_scale positive and finite}}
  %0 = cim.layer "fc" lowered %a {cim.model_quantization = {input_bits = 8 : i64, input_scale = 0.000000e+00 : f64, input_signed = false}, kind = #cim<kind gemm>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
