// A pre-quantized model's layers (cim.model_quantization, set by the lowering of
// QDQ models) keep the model's grid: no scale is chosen from the weights or
// the calibration samples, and the codes are the model's.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[0.5, 2.0], [1.0, 0.25], [-3.0, 1.5], [2.0, 0.0]], dtype=np.float32))"
// RUN: nncc-opt %s --nncc-quantize="calibration=%t.npy weight-bits=4 input-bits=4" | FileCheck %s

// Symmetric int8 per column: the weights are the codes times the scales
// [0.25, 0.5]; code -128 keeps the full int8 range (the symmetric grid of
// nncc's own quantizer would stop at -127).  Input: the model's 8 bits,
// scale 0.5, unsigned, although the samples hold -3 (calibration would
// have chosen signed 4-bit codes of scale 3 / 7).
// CHECK: cim.layer "sym" quantized %
// CHECK-SAME: input_bits = 8 : i64, input_clip_fraction = 0.000000e+00 : f64, input_scale = 5.000000e-01 : f64, input_signed = false
// CHECK-SAME: weight_bits = 8 : i64, weight_error = 0.000000e+00 : f64, weight_ints = dense<{{\[\[}}[1, 3], [-128, 127]]]> : tensor<1x2x2xi8>, weight_per_channel = true, weight_scales = dense<[2.500000e-01, 5.000000e-01]> : tensor<2xf32>, weight_symmetric = true, weight_zero_points = dense<0> : tensor<2xi32>

// Signed codes with zero point -2 (per tensor, scale 0.5): the grid shifts
// by 128 into the unsigned range, the differences q - z stay:
// w = [1, 3, -63, 64.5] -> q - z = [2, 6, -126, 129] (q = [0, 4, -128,
// 127]) -> codes q + 128 = [128, 132, 0, 255] with zero point 126.
// CHECK: cim.layer "shifted" quantized %
// CHECK-SAME: weight_error = 0.000000e+00 : f64, weight_ints = dense<{{\[\[}}[128, 132], [0, 255]]]> : tensor<1x2x2xi16>, weight_per_channel = false, weight_scales = dense<5.000000e-01> : tensor<2xf32>, weight_symmetric = false, weight_zero_points = dense<126> : tensor<2xi32>

// Unsigned codes with zero point 3 (scale 2): codes = w / 2 + 3.
// Input: 9-bit signed codes (an asymmetric uint8 input), scale 0.1.
// CHECK: cim.layer "unsigned" quantized %
// CHECK-SAME: input_bits = 9 : i64
// CHECK-SAME: input_scale = 0.10000000149011612 : f64, input_signed = true
// CHECK-SAME: weight_ints = dense<{{\[\[}}[0, 3], [4, 255]]]> : tensor<1x2x2xi16>, weight_per_channel = false, weight_scales = dense<2.000000e+00> : tensor<2xf32>, weight_symmetric = false, weight_zero_points = dense<3> : tensor<2xi32>

func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = cim.layer "sym" lowered %a {cim.model_quantization = {input_bits = 8 : i64, input_scale = 5.000000e-01 : f64, input_signed = false, weight_bits = 8 : i64, weight_scales = dense<[2.500000e-01, 5.000000e-01]> : tensor<2xf32>, weight_signed = true, weight_zero_points = dense<0> : tensor<2xi32>}, kind = #cim<kind gemm>, weights = dense<[[[0.25, 1.5], [-32.0, 63.5]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = cim.layer "shifted" lowered %0 {cim.model_quantization = {weight_bits = 8 : i64, weight_scales = dense<5.000000e-01> : tensor<1xf32>, weight_signed = true, weight_zero_points = dense<-2> : tensor<1xi32>}, kind = #cim<kind gemm>, weights = dense<[[[1.0, 3.0], [-63.0, 64.5]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %2 = cim.layer "unsigned" lowered %1 {cim.model_quantization = {input_bits = 9 : i64, input_scale = 0.10000000149011612 : f64, input_signed = true, weight_bits = 8 : i64, weight_scales = dense<2.000000e+00> : tensor<1xf32>, weight_signed = false, weight_zero_points = dense<3> : tensor<1xi32>}, kind = #cim<kind gemm>, weights = dense<[[[-6.0, 0.0], [2.0, 504.0]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %2 : tensor<2x2xf32>
}
