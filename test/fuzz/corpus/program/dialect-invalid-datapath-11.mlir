

// Found by the program fuzzer (issue #13): an offset of -2^63 overflowed
// offset x reference when the program ran.
func.func @combine_offset_range(%m: tensor<1x1x1xi64>, %r: tensor<1xi64>) -> tensor<1x1xi64> {
  // expected-error @+1 {{offsets must lie in [-65536, 65536]}}
  %p = cim.combine %m, %r {offsets = array<i64: -9223372036854775680>, scheme = #cim<scheme offset_reference>} : (tensor<1x1x1xi64>, tensor<1xi64>) -> tensor<1x1xi64>
  return %p : tensor<1x1xi64>
}

