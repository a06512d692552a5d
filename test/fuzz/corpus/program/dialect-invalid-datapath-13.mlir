

func.func @accumulate_rank(%p: tensor<1x1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{accumulators must be [G, P, N]}}
  %a = cim.accumulate %p {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1xi64>
  return %a : tensor<1x1xi64>
}

