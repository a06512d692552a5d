// nncc-opt reports IR whose types disagree with shape inference at
// file:line:col and exits 1.
// RUN: not nncc-opt %s 2>&1 | FileCheck %s
// CHECK: opt-malformed.mlir:[[@LINE+2]]:{{[0-9]+}}: error: 'nn.relu' op inferred type(s) 'tensor<2xf32>' are incompatible with return type(s) of operation 'tensor<3xf32>'
func.func @f(%x: tensor<2xf32>) -> tensor<3xf32> {
  %0 = nn.relu %x : (tensor<2xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
