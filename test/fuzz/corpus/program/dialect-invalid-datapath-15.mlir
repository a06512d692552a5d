

func.func @accumulate_fit(%p: tensor<1x1xi64>) -> tensor<1x1x1xi64> {
  // expected-error @+1 {{partial 0 does not fit the result}}
  %a = cim.accumulate %p {col_begins = array<i64: 1>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
  return %a : tensor<1x1x1xi64>
}
