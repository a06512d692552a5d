

func.func @combine_shape(%m: tensor<1x1x2xi64>) -> tensor<1x2xi64> {
  // expected-error @+1 {{partial must be [P, weight columns]}}
  %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x2xi64>) -> tensor<1x2xi64>
  return %p : tensor<1x2xi64>
}

