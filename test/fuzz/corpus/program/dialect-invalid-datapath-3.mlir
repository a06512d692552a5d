

func.func @shift_add_polarities(%c: tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{bad slice range or polarity count}}
  %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 3 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
  return %m : tensor<1x1x2xi64>
}

