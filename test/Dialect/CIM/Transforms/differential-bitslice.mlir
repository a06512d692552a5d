// The signed-weight scheme decides what cells store; bit-slicing then splits
// the stored width over cells and inputs over DAC cycles.
// RUN: nncc-opt %s --nncc-differential="scheme=differential-columns" --nncc-bitslice="bits-per-cell=2 dac-bits=3" | FileCheck %s --check-prefix=DIFF
// RUN: nncc-opt %s --nncc-differential="scheme=offset-reference" --nncc-bitslice="bits-per-cell=1 dac-bits=1" | FileCheck %s --check-prefix=OFFSET
// RUN: nncc-opt %s --nncc-differential --nncc-bitslice | FileCheck %s --check-prefix=TARGET

// q = [[7, -2], [2, 7]], z = 0 (4-bit symmetric).
// Differential: stored magnitudes |q| <= 7 need 3 bits: ceil(3 / 2) = 2
// slices; 8 input bits over 3-bit DAC cycles: ceil(8 / 3) = 3 cycles.
// DIFF: cim.layer "fc" sliced %
// DIFF: bits_per_cell = 2 : i64, dac_bits = 3 : i64
// DIFF-SAME: input_cycles = 3 : i64
// DIFF-SAME: signed_scheme = #cim<scheme differential_columns>, stored_bits = 3 : i64
// DIFF-SAME: weight_slices = 2 : i64
// DIFF-NOT: weight_offsets

// Offset: stored q + 2^(4-1) = q + 8 in [6, 15] needs 4 bits -> 4 slices of
// 1 bit; 8 cycles of 1 bit.
// OFFSET: cim.layer "fc" sliced %
// OFFSET: input_cycles = 8 : i64
// OFFSET-SAME: signed_scheme = #cim<scheme offset_reference>, stored_bits = 4 : i64
// OFFSET-SAME: weight_offsets = dense<8> : tensor<2xi32>
// OFFSET-SAME: weight_slices = 4 : i64

// Defaults come from the module's target: differential rows, 4-level cells
// (2 bits), 2-bit DAC -> ceil(3 / 2) = 2 slices, 4 cycles.
// TARGET: cim.layer "fc" sliced %
// TARGET: bits_per_cell = 2 : i64, dac_bits = 2 : i64
// TARGET-SAME: input_cycles = 4 : i64
// TARGET-SAME: signed_scheme = #cim<scheme differential_rows>, stored_bits = 3 : i64
// TARGET-SAME: weight_slices = 2 : i64

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 8, levels = 4, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 2, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 64>} {
  func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
    %0 = cim.layer "fc" quantized %a {input_bits = 8 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense<[[[7, -2], [2, 7]]]> : tensor<1x2x2xi32>, weight_scales = dense<[0.1, 0.2]> : tensor<2xf32>, weight_symmetric = true, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<[[[0.7, -0.4], [0.2, 1.4]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    return %0 : tensor<2x2xf32>
  }
}
