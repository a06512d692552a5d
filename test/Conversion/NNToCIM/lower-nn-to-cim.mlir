// RUN: nncc-opt %s --nncc-lower-nn-to-cim -split-input-file | FileCheck %s

// A grouped conv becomes a [G, K, N] matrix: K = C/group * kh * kw =
// 1 * 1 * 2 = 2, N = M/group = 1.  W[g*N + n][c][0][kw] lands at
// matrix[g][c*2 + kw][n]: group 0 holds filter 0 = [1, 2], group 1 filter 1
// = [3, 4].
// CHECK-LABEL: func.func @grouped_conv
// CHECK: cim.layer "conv" lowered %arg0 {bias = dense<[5.000000e-01, -5.000000e-01]> : tensor<2xf32>, dilations = array<i64: 1, 1>, group = 2 : i64, kernel_shape = array<i64: 1, 2>, kind = #cim<kind conv>, pads_begin = array<i64: 0, 1>, pads_end = array<i64: 0, 0>, strides = array<i64: 1, 1>, weights = dense<{{\[\[}}[1.000000e+00], [2.000000e+00]], {{\[\[}}3.000000e+00], [4.000000e+00]]]> : tensor<2x2x1xf32>}
// CHECK-NOT: nn.conv
func.func @grouped_conv(%x: tensor<1x2x1x4xf32>) -> tensor<1x2x1x4xf32> {
  %w = nn.constant dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>
  %b = nn.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %y = nn.conv %x, %w, %b {group = 2 : i64, pads = array<i64: 0, 1, 0, 0>} : (tensor<1x2x1x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x1x4xf32> loc(fused<"Conv">["conv"("m.onnx":0:0)])
  return %y : tensor<1x2x1x4xf32>
}

// -----

// Gemm with transB and alpha: matrix[k][n] = alpha * B[n][k]; beta * C goes
// into the bias because C is constant along M.
// CHECK-LABEL: func.func @gemm
// CHECK: cim.layer "gemm" lowered %arg0 {bias = dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>, kind = #cim<kind gemm>, weights = dense<{{\[\[}}[2.000000e+00, 8.000000e+00], [4.000000e+00, 1.000000e+01], [6.000000e+00, 1.200000e+01]]]> : tensor<1x3x2xf32>}
func.func @gemm(%a: tensor<5x3xf32>) -> tensor<5x2xf32> {
  %b = nn.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %c = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = nn.gemm %a, %b, %c {alpha = 2.0 : f32, beta = 2.0 : f32, transB = true} : (tensor<5x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<5x2xf32> loc(fused<"Gemm">["gemm"("m.onnx":0:0)])
  return %y : tensor<5x2xf32>
}

// -----

// BatchNormalization after a conv folds into it:
// scale = gamma / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1, so W' = W and
// b' = (b - mean) * scale + beta = (1 - 4) * 1 + 0.5 = -2.5.
// CHECK-LABEL: func.func @bn_fold
// CHECK: cim.layer "conv" lowered %arg0 {bias = dense<-2.500000e+00> : tensor<1xf32>
// CHECK-SAME: weights = dense<3.000000e+00> : tensor<1x1x1xf32>
// CHECK-NOT: batch_normalization
func.func @bn_fold(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %w = nn.constant dense<3.0> : tensor<1x1x1x1xf32>
  %b = nn.constant dense<1.0> : tensor<1xf32>
  %g = nn.constant dense<2.0> : tensor<1xf32>
  %beta = nn.constant dense<0.5> : tensor<1xf32>
  %m = nn.constant dense<4.0> : tensor<1xf32>
  %v = nn.constant dense<3.0> : tensor<1xf32>
  %y = nn.conv %x, %w, %b : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32> loc(fused<"Conv">["conv"("m.onnx":0:0)])
  %z = nn.batch_normalization %y, %g, %beta, %m, %v {epsilon = 1.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %z : tensor<1x1x2x2xf32>
}

// -----

// MatMul with a constant right operand on a 3-D input: flattened to a gemm
// layer and reshaped back; activations stay nn ops for the SFUs.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[FLAT:.*]] = nn.reshape %arg0 {shape = array<i64: 6, 4>}
// CHECK: %[[L:.*]] = cim.layer "mm" lowered %[[FLAT]] {kind = #cim<kind gemm>, weights = {{.*}} : tensor<1x4x3xf32>} : (tensor<6x4xf32>) -> tensor<6x3xf32>
// CHECK: %[[R:.*]] = nn.reshape %[[L]] {shape = array<i64: 2, 3, 3>}
// CHECK: nn.relu %[[R]]
func.func @matmul(%a: tensor<2x3x4xf32>) -> tensor<2x3x3xf32> {
  %b = nn.constant dense<1.0> : tensor<4x3xf32>
  %y = nn.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x3xf32>) -> tensor<2x3x3xf32> loc(fused<"MatMul">["mm"("m.onnx":0:0)])
  %r = nn.relu %y : (tensor<2x3x3xf32>) -> tensor<2x3x3xf32>
  return %r : tensor<2x3x3xf32>
}

// -----

// Products of two activations (attention's Q K^T, then its weights x V)
// have no weights to store: they stay nn ops for the cores' MAC arrays,
// while the projection with constant weights becomes a layer.
// CHECK-LABEL: func.func @attention_products
// CHECK: cim.layer
// CHECK: nn.matmul %{{.*}}, %{{.*}} : (tensor<1x4x8xf32>, tensor<1x8x4xf32>) -> tensor<1x4x4xf32>
// CHECK: nn.gemm
// CHECK-NOT: cim.layer
func.func @attention_products(%x: tensor<1x4x8xf32>, %kt: tensor<1x8x4xf32>, %a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<1x4x4xf32>, tensor<4x4xf32>) {
  %w = nn.constant dense<0.5> : tensor<8x8xf32>
  %q = nn.matmul %x, %w : (tensor<1x4x8xf32>, tensor<8x8xf32>) -> tensor<1x4x8xf32>
  %s = nn.matmul %q, %kt : (tensor<1x4x8xf32>, tensor<1x8x4xf32>) -> tensor<1x4x4xf32>
  %g = nn.gemm %a, %b : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %s, %g : tensor<1x4x4xf32>, tensor<4x4xf32>
}
