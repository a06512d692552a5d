// RUN: nncc-opt %s --nncc-lower-nn-to-cim -split-input-file -verify-diagnostics

// A batched constant right operand would need one matrix per batch.
func.func @batched_weights(%a: tensor<2x2x3xf32>) -> tensor<2x2x4xf32> {
  %w = nn.constant dense<1.0> : tensor<2x3x4xf32>
  // expected-error @+1 {{MatMul needs a float32 2-D right operand to be stored in crossbar arrays (batched weights are not supported)}}
  %y = nn.matmul %a, %w : (tensor<2x2x3xf32>, tensor<2x3x4xf32>) -> tensor<2x2x4xf32>
  return %y : tensor<2x2x4xf32>
}

// -----

func.func @runtime_weights(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{conv weights must be constants to be stored in crossbar arrays}}
  %y = nn.conv %x, %w : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// A NaN weight has no code; the error names its index in the ONNX tensor.
func.func @nan_conv_weight(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %w = nn.constant dense<[[[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]], [[[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [[1.0, 1.0, 1.0], [1.0, 0x7FC00000, 1.0], [1.0, 1.0, 1.0]]]]> : tensor<2x2x3x3xf32>
  // expected-error @+1 {{conv weight [1, 1, 1, 1] is NaN; crossbar arrays store finite weights}}
  %y = nn.conv %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// An infinite weight would make its column's scale infinite.
func.func @inf_gemm_weight(%a: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %b = nn.constant dense<[[1.0, 2.0], [3.0, 0xFF800000], [5.0, 6.0]]> : tensor<3x2xf32>
  // expected-error @+1 {{Gemm weight B [1, 1] is -inf; crossbar arrays store finite weights}}
  %y = nn.gemm %a, %b : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @nan_gemm_bias(%a: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %b = nn.constant dense<1.0> : tensor<3x2xf32>
  %c = nn.constant dense<[0.0, 0x7FC00000]> : tensor<2xf32>
  // expected-error @+1 {{Gemm bias C [1] is NaN; crossbar arrays store finite weights}}
  %y = nn.gemm %a, %b, %c : (tensor<1x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

func.func @inf_matmul_weight(%a: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = nn.constant dense<[[0x7F800000, 1.0], [1.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf32>
  // expected-error @+1 {{MatMul weight B [0, 0] is inf; crossbar arrays store finite weights}}
  %y = nn.matmul %a, %w : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

func.func @nan_conv_bias(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = nn.constant dense<1.0> : tensor<1x1x1x1xf32>
  %b = nn.constant dense<0x7FC00000> : tensor<1xf32>
  // expected-error @+1 {{conv bias [0] is NaN; crossbar arrays store finite weights}}
  %y = nn.conv %x, %w, %b : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
