// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// A pre-quantized model's quantization on cim.layer comes whole and in range.

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{the model's weight quantization needs model_weight_bits, model_weight_signed, model_weight_scales and model_weight_zero_points}}
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, model_weight_bits = 8 : i64, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{'model_weight_scales' must have shape [2]}}
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, model_weight_bits = 8 : i64, model_weight_signed = true, model_weight_scales = dense<[0.1, 0.2, 0.3]> : tensor<3xf32>, model_weight_zero_points = dense<0> : tensor<3xi32>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{model_weight_bits must be in [2, 16]}}
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, model_weight_bits = 32 : i64, model_weight_signed = true, model_weight_scales = dense<0.1> : tensor<1xf32>, model_weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{the model's input quantization needs model_input_bits, model_input_signed and model_input_scale}}
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, model_input_scale = 0.5 : f64, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @main(%a: tensor<1x2xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{model_input_bits must be in [1, 16] and model_input_scale positive and finite}}
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, model_input_bits = 8 : i64, model_input_signed = false, model_input_scale = 0.0 : f64, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}
