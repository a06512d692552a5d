

func.func @accumulate_offsets(%p: tensor<1x1xi64>) -> tensor<1x1x1xi64> {
  // expected-error @+1 {{one group and column offset per partial}}
  %a = cim.accumulate %p {col_begins = array<i64: 0, 1>, groups = array<i64: 0>} : (tensor<1x1xi64>) -> tensor<1x1x1xi64>
  return %a : tensor<1x1x1xi64>
}

