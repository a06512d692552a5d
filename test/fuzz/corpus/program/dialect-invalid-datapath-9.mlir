

func.func @combine_reference(%m: tensor<1x1x1xi64>, %r: tensor<1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{a reference and offsets go together, with the offset scheme only}}
  %p = cim.combine %m, %r {scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

