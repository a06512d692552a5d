// RUN: nncc-opt %s --nncc-lower-nn-to-cim -split-input-file -verify-diagnostics

// A product of two activations has no weights to store in the arrays.
func.func @two_activations(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{MatMul needs a constant 2-D right operand to be stored in crossbar arrays (a product of two activations cannot run on the arrays)}}
  %y = nn.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @runtime_weights(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{conv weights must be constants to be stored in crossbar arrays}}
  %y = nn.conv %x, %w : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}
