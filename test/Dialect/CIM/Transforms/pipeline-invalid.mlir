// Each mapping pass says which earlier pass is missing.
// RUN: nncc-opt %s --nncc-differential="scheme=differential-rows" -verify-diagnostics -split-input-file
// RUN: not nncc-opt %s --nncc-differential="scheme=sideways" -split-input-file 2>&1 | FileCheck %s --check-prefix=SCHEME
// SCHEME: error: unknown scheme 'sideways' (differential-columns, differential-rows or offset-reference)

func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{layer 'fc' must be quantized first (--nncc-quantize)}}
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weights = dense<1.0> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
