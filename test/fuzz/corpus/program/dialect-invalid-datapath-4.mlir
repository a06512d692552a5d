

// Cycle j weighs 2^(j * dac_bits): 64 would shift past an i64.
func.func @shift_add_dac_bits(%c: tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64> {
  // expected-error @+1 {{dac_bits and bits_per_cell must be in [1, 63]}}
  %m = cim.shift_add %c {bits_per_cell = 1 : i64, dac_bits = 64 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 1 : i64} : (tensor<2x1x1x2xi32>) -> tensor<1x1x2xi64>
  return %m : tensor<1x1x2xi64>
}

