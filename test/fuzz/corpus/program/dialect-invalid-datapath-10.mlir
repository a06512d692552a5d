

func.func @combine_offsets(%m: tensor<1x1x1xi64>, %r: tensor<1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{one offset per weight column}}
  %p = cim.combine %m, %r {offsets = array<i64: 8, 8>, scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

