// RUN: nncc-opt %s --canonicalize -split-input-file | FileCheck %s
// nn.batch_normalization folds into the conv or gemm before it.

// scale = gamma / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1, so W' = W and
// b' = (b - mean) * scale + beta = (1 - 4) * 1 + 0.5 = -2.5.
// CHECK-LABEL: func.func @into_conv
// CHECK-DAG: %[[W:.*]] = nn.constant dense<3.000000e+00> : tensor<1x1x1x1xf32>
// CHECK-DAG: %[[B:.*]] = nn.constant dense<-2.500000e+00> : tensor<1xf32>
// CHECK: %[[Y:.*]] = nn.conv %arg0, %[[W]], %[[B]]
// CHECK-NOT: batch_normalization
// CHECK: return %[[Y]]
func.func @into_conv(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = nn.constant dense<3.0> : tensor<1x1x1x1xf32>
  %b = nn.constant dense<1.0> : tensor<1xf32>
  %g = nn.constant dense<2.0> : tensor<1xf32>
  %beta = nn.constant dense<0.5> : tensor<1xf32>
  %m = nn.constant dense<4.0> : tensor<1xf32>
  %v = nn.constant dense<3.0> : tensor<1xf32>
  %y = nn.conv %x, %w, %b : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %z = nn.batch_normalization %y, %g, %beta, %m, %v {epsilon = 1.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %z : tensor<1x1x2x2xf32>
}

// -----

// Gemm: scale 2 doubles B's column; C' = beta * C * scale + shift =
// 3 * 1 * 2 + (0 - 0 * 2) = 6 and beta becomes 1 (the default: not printed).
// CHECK-LABEL: func.func @into_gemm
// CHECK-DAG: %[[W:.*]] = nn.constant dense<{{\[\[}}2.000000e+00], [4.000000e+00]]> : tensor<2x1xf32>
// CHECK-DAG: %[[C:.*]] = nn.constant dense<6.000000e+00> : tensor<1xf32>
// CHECK: nn.gemm %arg0, %[[W]], %[[C]] : (tensor<3x2xf32>
// CHECK-NOT: batch_normalization
func.func @into_gemm(%a: tensor<3x2xf32>) -> tensor<3x1xf32> {
  %b = nn.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %c = nn.constant dense<1.0> : tensor<1xf32>
  %g = nn.constant dense<2.0> : tensor<1xf32>
  %beta = nn.constant dense<0.0> : tensor<1xf32>
  %m = nn.constant dense<0.0> : tensor<1xf32>
  %v = nn.constant dense<1.0> : tensor<1xf32>
  %y = nn.gemm %a, %b, %c {beta = 3.0 : f32} : (tensor<3x2xf32>, tensor<2x1xf32>, tensor<1xf32>) -> tensor<3x1xf32>
  %z = nn.batch_normalization %y, %g, %beta, %m, %v {epsilon = 0.0 : f32} : (tensor<3x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x1xf32>
  return %z : tensor<3x1xf32>
}

// -----

// A conv whose output is also used elsewhere keeps its weights: the norm
// stays.
// CHECK-LABEL: func.func @shared_producer
// CHECK: nn.batch_normalization
func.func @shared_producer(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = nn.constant dense<3.0> : tensor<1x1x1x1xf32>
  %g = nn.constant dense<2.0> : tensor<1xf32>
  %beta = nn.constant dense<0.5> : tensor<1xf32>
  %m = nn.constant dense<4.0> : tensor<1xf32>
  %v = nn.constant dense<3.0> : tensor<1xf32>
  %y = nn.conv %x, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %z = nn.batch_normalization %y, %g, %beta, %m, %v : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %y, %z : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}
