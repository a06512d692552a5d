// Calibration: 4 samples of the [2, 2] input (two batches); all >= 0 with
// max 2.0, so inputs are unsigned 8-bit with scale 2 / 255.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[0.5, 2.0], [1.0, 0.25], [0.0, 1.5], [2.0, 0.0]], dtype=np.float32))"
// RUN: nncc-opt %s --nncc-quantize="calibration=%t.npy weight-bits=4" | FileCheck %s --check-prefix=SYM
// RUN: nncc-opt %s --nncc-quantize="calibration=%t.npy weight-bits=4 per-channel=false symmetric=false" | FileCheck %s --check-prefix=ASYM
// RUN: nncc-opt %s --nncc-quantize="calibration=%t.npy input-bits=4 percentile=50" | FileCheck %s --check-prefix=PCT
// RUN: nncc-opt %s --nncc-quantize="calibration=%t.npy weight-bits=12" | FileCheck %s --check-prefix=W12

// Symmetric per channel, 4 bits (|q| <= 7):
//   column 0: w = [1.0, 0.25], s = 1/7:  q = [7, round(1.75) = 2]
//   column 1: w = [-0.5, 2.0], s = 2/7:  q = [round(-1.75) = -2, 7]
// Dequantized [1, 2/7, -4/7, 2] vs [1, .25, -.5, 2]: relative RMS error
//   sqrt((0.0357^2 + 0.0714^2) / 5.3125) = 0.03465.
// Input codes round(x * 255 / 2) of the 8 observed values 0.5, 2, 1, 0.25,
// 0, 1.5, 2, 0: 64, 255, 128, 32, 0, 191, 255, 0.  Bits set, LSB first:
// bits 0-4 in 255, 191, 255 (3/8); bit 5 also in 32 (4/8); bit 6 in 64,
// 255, 255 (191 = 0b10111111 lacks it: 3/8); bit 7 in 255, 128, 191, 255.
// SYM: cim.layer "fc" quantized %
// SYM: input_bit_density = array<f64: 3.750000e-01, 3.750000e-01, 3.750000e-01, 3.750000e-01, 3.750000e-01, 5.000000e-01, 3.750000e-01, 5.000000e-01>
// SYM-SAME: input_bits = 8 : i64, input_clip_fraction = 0.000000e+00 : f64, input_scale = 0.0078431372549019607 : f64, input_signed = false
// SYM-SAME: weight_bits = 4 : i64, weight_error = 0.03464
// SYM-SAME: weight_ints = dense<{{\[\[}}[7, -2], [2, 7]]]> : tensor<1x2x2xi8>, weight_per_channel = true, weight_scales = dense<[0.142857149, 0.285714298]> : tensor<2xf32>, weight_symmetric = true, weight_zero_points = dense<0> : tensor<2xi32>

// Asymmetric per tensor, 4 bits: range [-0.5, 2.0], s = 2.5 / 15 = 1/6,
// z = round(0.5 * 6) = 3; q = round(w * 6) + 3 = [9, 5 (1.5 rounds away), 0, 15].
// ASYM: cim.layer "fc" quantized %
// ASYM: weight_ints = dense<{{\[\[}}[9, 0], [5, 15]]]> : tensor<1x2x2xi8>, weight_per_channel = false, weight_scales = dense<0.166666672> : tensor<2xf32>, weight_symmetric = false, weight_zero_points = dense<3> : tensor<2xi32>

// Codes are stored in the narrowest integer type that holds them: 4-bit
// codes above as i8; 12 bits symmetric (|q| <= 2047) as i16:
//   column 0: s = 1/2047: q = [2047, round(511.75) = 512]
//   column 1: s = 2/2047: q = [round(-511.75) = -512, 2047]
// W12: cim.layer "fc" quantized %
// W12: weight_ints = dense<{{\[\[}}[2047, -512], [512, 2047]]]> : tensor<1x2x2xi16>

// The 50th percentile of the 8 observed |x| (0, 0, .25, .5, 1, 1.5, 2, 2)
// is 1.0 (index 4 after sorting), so 3 of 8 values (1.5, 2, 2) clip; 4-bit unsigned
// inputs: scale 1 / 15.
// PCT: cim.layer "fc" quantized %
// PCT: input_bits = 4 : i64, input_clip_fraction = 3.750000e-01 : f64, input_scale = 0.066666666666666666 : f64

func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weights = dense<[[[1.0, -0.5], [0.25, 2.0]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
