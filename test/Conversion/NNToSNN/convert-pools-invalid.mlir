// Average pooling whose border windows average over fewer inputs (the
// padding left out of the count) has no one threshold per channel.
// RUN: not nncc-opt %s --nncc-convert-to-snn="synthetic-samples=8" 2>&1 | FileCheck %s
// CHECK: error: spiking conversion: AveragePool with padding left out of the count averages over fewer inputs at the borders
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x3xf32> {
  %w = nn.constant dense<[[[[1.0]]]]> : tensor<1x1x1x1xf32>
  %c = nn.conv %x, %w : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x4x4xf32>
  %r = nn.relu %c : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %p = nn.average_pool %r {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %f = nn.flatten %p : (tensor<1x1x4x4xf32>) -> tensor<1x16xf32>
  %m = nn.constant dense<1.0> : tensor<16x3xf32>
  %y = nn.gemm %f, %m : (tensor<1x16xf32>, tensor<16x3xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
