// The verifier holds slicing to what the target's cells can store.
// RUN: not nncc-opt %s --nncc-differential="scheme=differential-columns" --nncc-bitslice="bits-per-cell=2 dac-bits=1" 2>&1 | FileCheck %s
// CHECK: error: 'cim.layer' op bits_per_cell 2 exceeds the target's 1
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 8, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 8, dac_bits = 1, signed_weights = differential_rows, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 64>} {
  func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
    %0 = cim.layer "fc" quantized %a {input_bits = 8 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x2x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    return %0 : tensor<2x2xf32>
  }
}
