

func.func @combine_polarities(%m: tensor<1x1x1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{expected 2 polarities}}
  %p = cim.combine %m {scheme = #cim<scheme differential_columns>} : (tensor<1x1x1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

