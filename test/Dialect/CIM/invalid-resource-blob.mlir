// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// A dense_resource attribute of a cim.layer whose blob does not hold what
// its type says (a truncated or hand-edited program) is refused by the
// verifier, not read past its end by the passes and executors.

module {
  func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
    // expected-error @+1 {{'weight_ints': resource blob 'q' is missing or does not hold the 4 elements of its type}}
    %0 = cim.layer "fc" quantized %a {input_bits = 8 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense_resource<q> : tensor<1x2x2xi32>, weight_scales = dense<[0.1, 0.2]> : tensor<2xf32>, weight_symmetric = true, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<[[[0.7, -0.4], [0.2, 1.4]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    return %0 : tensor<2x2xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      q: "0x0400000007000000"
    }
  }
#-}

// -----

module {
  func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
    // expected-error @+1 {{'weights': resource blob 'w' is missing or does not hold the 4 elements of its type}}
    %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weights = dense_resource<w> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    return %0 : tensor<2x2xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}

// -----

// The same layer with a blob of exactly 4 i32 codes verifies.
module {
  func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
    %0 = cim.layer "fc" quantized %a {input_bits = 8 : i64, input_scale = 0.01 : f64, input_signed = false, kind = #cim<kind gemm>, weight_bits = 4 : i64, weight_ints = dense_resource<q> : tensor<1x2x2xi32>, weight_scales = dense<[0.1, 0.2]> : tensor<2xf32>, weight_symmetric = true, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<[[[0.7, -0.4], [0.2, 1.4]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    return %0 : tensor<2x2xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      q: "0x0400000007000000FEFFFFFF0200000007000000"
    }
  }
#-}
