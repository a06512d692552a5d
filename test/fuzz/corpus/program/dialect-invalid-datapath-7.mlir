

func.func @shift_add_reference(%c: tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{the reference result exists exactly with a reference column}}
  %m, %r = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> (tensor<1x1x2xi64>, tensor<1xi64>)
  return %m : tensor<1x1x2xi64>
}

