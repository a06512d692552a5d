// RUN: nncc-opt %s --nncc-lower-nn-to-cim -split-input-file -verify-diagnostics | FileCheck %s

// A QDQ conv (the form ONNX Runtime's static quantization writes): the
// layer reads x itself and keeps the model's quantization: uint8 input codes
// with scale 0.5 (zero point 0, so the chip's quantizer reproduces
// QuantizeLinear and the Q/DQ pair disappears), int8 weights per filter
// (axis 0 of W = the layer's columns), the int32 bias dequantized with
// x_scale * w_scale: [10 * 0.05, 20 * 0.1] = [0.5, 2].  Weights are
// (q - 0) * scale: filter 0 = [1, -128] * 0.25, filter 1 = [3, 127] * 0.5,
// as matrix[k][n] = W[n][k].
// CHECK-LABEL: func.func @qdq_conv
// CHECK: cim.layer "conv" lowered %arg0 {bias = dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK-SAME: cim.model_quantization = {input_bits = 8 : i64, input_scale = 5.000000e-01 : f64, input_signed = false, weight_bits = 8 : i64, weight_scales = dense<[2.500000e-01, 5.000000e-01]> : tensor<2xf32>, weight_signed = true, weight_zero_points = dense<0> : tensor<2xi32>}
// CHECK-SAME: weights = dense<{{\[\[}}[2.500000e-01, 1.500000e+00], [-3.200000e+01, 6.350000e+01]]]> : tensor<1x2x2xf32>
// CHECK-NOT: nn.quantize_linear
// CHECK-NOT: nn.dequantize_linear
func.func @qdq_conv(%x: tensor<1x1x1x3xf32>) -> tensor<1x2x1x2xf32> {
  %s = nn.constant dense<0.5> : tensor<f32>
  %z = nn.constant dense<0> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<1x1x1x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x3xui8>
  %xd = nn.dequantize_linear %q, %s, %z : (tensor<1x1x1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x3xf32>
  %w = nn.constant dense<[[[[1, -128]]], [[[3, 127]]]]> : tensor<2x1x1x2xi8>
  %ws = nn.constant dense<[0.25, 0.5]> : tensor<2xf32>
  %wz = nn.constant dense<0> : tensor<2xi8>
  %wd = nn.dequantize_linear %w, %ws, %wz {axis = 0 : i64} : (tensor<2x1x1x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x2xf32>
  %b = nn.constant dense<[10, 20]> : tensor<2xi32>
  %bs = nn.constant dense<[0.05, 0.1]> : tensor<2xf32>
  %bz = nn.constant dense<0> : tensor<2xi32>
  %bd = nn.dequantize_linear %b, %bs, %bz {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %y = nn.conv %xd, %wd, %bd : (tensor<1x1x1x3xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32> loc(fused<"Conv">["conv"("m.onnx":0:0)])
  return %y : tensor<1x2x1x2xf32>
}

// -----

// An input zero point of 128: the chip's quantizer has none, so the layer
// reads the dequantized codes (q - 128) * 0.1 as 9-bit signed codes; the
// Q/DQ pair stays in front of it.  Per-tensor uint8 weights with zero point
// 3 keep their grid (one scale).
// CHECK-LABEL: func.func @input_zero_point
// CHECK: %[[Q:.*]] = nn.quantize_linear %arg0
// CHECK: %[[DQ:.*]] = nn.dequantize_linear %[[Q]]
// CHECK: cim.layer "fc" lowered %[[DQ]]
// CHECK-SAME: cim.model_quantization = {input_bits = 9 : i64, input_scale = 0.10000000149011612 : f64, input_signed = true, weight_bits = 8 : i64, weight_scales = dense<2.000000e+00> : tensor<1xf32>, weight_signed = false, weight_zero_points = dense<3> : tensor<1xi32>}
// CHECK-SAME: weights = dense<{{\[\[}}[-6.000000e+00, 0.000000e+00], [2.000000e+00, 5.040000e+02]]]> : tensor<1x2x2xf32>
func.func @input_zero_point(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %s = nn.constant dense<0.1> : tensor<f32>
  %z = nn.constant dense<128> : tensor<ui8>
  %q = nn.quantize_linear %x, %s, %z : (tensor<4x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x2xui8>
  %xd = nn.dequantize_linear %q, %s, %z : (tensor<4x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x2xf32>
  %w = nn.constant dense<[[0, 3], [4, 255]]> : tensor<2x2xui8>
  %ws = nn.constant dense<2.0> : tensor<f32>
  %wz = nn.constant dense<3> : tensor<ui8>
  %wd = nn.dequantize_linear %w, %ws, %wz : (tensor<2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x2xf32>
  %y = nn.matmul %xd, %wd : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32> loc(fused<"MatMul">["fc"("m.onnx":0:0)])
  return %y : tensor<4x2xf32>
}

// -----

// Scales per row of a matmul's B (axis 0) cannot be applied by a column's
// periphery: the layer is quantized by nncc, with a warning.
// CHECK-LABEL: func.func @per_row_scales
// CHECK: cim.layer "matmul" lowered %arg0
// CHECK-NOT: model_quantization
func.func @per_row_scales(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = nn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %ws = nn.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %wz = nn.constant dense<0> : tensor<2xi8>
  %wd = nn.dequantize_linear %w, %ws, %wz {axis = 0 : i64} : (tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xf32>
  // expected-warning @+1 {{the model's weight scales run along axis 0, not along the layer's output channels (axis 1); nncc quantizes the layer itself}}
  %y = nn.matmul %x, %wd : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// QLinearMatMul is expanded into its QDQ form, then lowered: the layer
// reads the dequantized int8 input (it has no QuantizeLinear to absorb)
// with the model's scale, and the requantization of its result stays.
// CHECK-LABEL: func.func @qlinear_matmul
// CHECK: %[[A:.*]] = nn.dequantize_linear %arg0
// CHECK: %[[L:.*]] = cim.layer "fc" lowered %[[A]]
// CHECK-SAME: cim.model_quantization = {input_bits = 8 : i64, input_scale = 2.500000e-01 : f64, input_signed = true, weight_bits = 8 : i64, weight_scales = dense<1.250000e-01> : tensor<1xf32>, weight_signed = true, weight_zero_points = dense<0> : tensor<1xi32>}
// CHECK: nn.quantize_linear %[[L]]
// CHECK-NOT: nn.qlinear_matmul
func.func @qlinear_matmul(%a: tensor<4x2xi8>) -> tensor<4x2xi8> {
  %as = nn.constant dense<0.25> : tensor<f32>
  %az = nn.constant dense<0> : tensor<i8>
  %b = nn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %bs = nn.constant dense<0.125> : tensor<f32>
  %bz = nn.constant dense<0> : tensor<i8>
  %ys = nn.constant dense<0.5> : tensor<f32>
  %yz = nn.constant dense<0> : tensor<i8>
  %y = nn.qlinear_matmul %a, %as, %az, %b, %bs, %bz, %ys, %yz : (tensor<4x2xi8>, tensor<f32>, tensor<i8>, tensor<2x2xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<4x2xi8> loc(fused<"QLinearMatMul">["fc"("m.onnx":0:0)])
  return %y : tensor<4x2xi8>
}

// -----

// MatMulInteger (ONNX Runtime's dynamic quantization): unit scales, the
// weights are the codes minus their zero point, the result cast to i32.
// CHECK-LABEL: func.func @matmul_integer
// CHECK: cim.layer "fc" lowered
// CHECK-SAME: cim.model_quantization = {input_bits = 9 : i64, input_scale = 1.000000e+00 : f64, input_signed = true, weight_bits = 8 : i64, weight_scales = dense<1.000000e+00> : tensor<1xf32>, weight_signed = true, weight_zero_points = dense<0> : tensor<1xi32>}
// CHECK-SAME: weights = dense<{{\[\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]]> : tensor<1x2x2xf32>
// CHECK: nn.cast {{.*}}to = i32
func.func @matmul_integer(%a: tensor<4x2xui8>) -> tensor<4x2xi32> {
  %az = nn.constant dense<5> : tensor<ui8>
  %b = nn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>
  %bz = nn.constant dense<0> : tensor<i8>
  %y = nn.matmul_integer %a, %b, %az, %bz : (tensor<4x2xui8>, tensor<2x2xi8>, tensor<ui8>, tensor<i8>) -> tensor<4x2xi32> loc(fused<"MatMulInteger">["fc"("m.onnx":0:0)])
  return %y : tensor<4x2xi32>
}
