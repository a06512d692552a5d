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
