module attributes {cim.placement = {fallback_links = 0 : i64, gap = 0.000000e+00 : f64, lower_bound_bit_hops = 0 : i64, max_link_bits = 0 : i64, method = "greedy", objective_bit_hops = 0 : i64, proven_optimal = true, tiles = 2 : i64, traffic_bits = 16 : i64, traffic_edges = 1 : i64, wall_clock_limit_hit = false}, cim.replication = {arrays_available = 2 : i64, arrays_spent = 0 : i64, interval_after = 8.1600000000000015E-6 : f64, interval_before = 8.1600000000000015E-6 : f64, max_copies = 8 : i64}, cim.target = #cim.target<name = "nor-flash", rows = 785, cols = 128, levels = 64, rows_in_parallel = 785, adc_bits = 6, columns_per_adc = 1, input_bits = 1, dac_bits = 1, signed_weights = differential_columns, g_min = 1.000000e-08 : f64, g_max = 9.9999999999999995E-7 : f64, cores = 1, arrays_per_core = 2, read_pulse = 5.0000000000000008E-7 : f64, conversion_time = 1.000000e-08 : f64, mesh_width = 1, mesh_height = 1, bus = true>, nn.opset = 13 : i64, nn.source = "tiny-cnn.onnx"} {
  func.func @main(%arg0: tensor<1x1x4x4xf32> {nn.onnx_name = "x"}) -> (tensor<1x3xf32> {nn.onnx_name = "y"}) {
    %0 = cim.layer "#0" placed %arg0 {array_count = 1 : i64, bias = dense<[-0.00325217075, 0.0884389877, -0.0583600476, -0.0111701954]> : tensor<4xf32>, bits_per_cell = 6 : i64, dac_bits = 1 : i64, dilations = array<i64: 1, 1>, input_bit_density = array<f64: 0.51953125>, input_bits = 1 : i64, input_clip_fraction = 0.000000e+00 : f64, input_cycles = 1 : i64, input_scale = 0.99963486194610595 : f64, input_signed = false, kernel_shape = array<i64: 3, 3>, kind = #cim<kind conv>, pads_begin = array<i64: 1, 1>, pads_end = array<i64: 1, 1>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 7 : i64, strides = array<i64: 1, 1>, weight_bits = 8 : i64, weight_error = 0.0031119589852024649 : f64, weight_ints = dense_resource<_0.q> : tensor<1x9x4xi8>, weight_per_channel = true, weight_scales = dense<[0.00316586299, 3.175310e-03, 0.00594510185, 0.00361449388]> : tensor<4xf32>, weight_slices = 2 : i64, weight_symmetric = true, weight_zero_points = dense<0> : tensor<4xi32>, weights = dense_resource<_0.matrix> : tensor<1x9x4xf32>} : (tensor<1x1x4x4xf32>) -> tensor<1x4x4x4xf32> {
    ^bb0(%arg1: tensor<1x16x9xi32>):
      %5 = cim.mvm %arg1 {array = 0 : i64, col_begin = 0 : i64, col_end = 4 : i64, core = 0 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 9 : i64, rows_in_parallel = 785 : i64, slice_begin = 0 : i64, slice_end = 2 : i64} : (tensor<1x16x9xi32>) -> tensor<1x1x16x16xi32>
      %6 = cim.adc %5 {bits = 6 : i64} : tensor<1x1x16x16xi32>
      %magnitudes = cim.shift_add %6 {bits_per_cell = 6 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 2 : i64} : (tensor<1x1x16x16xi32>) -> tensor<16x4x2xi64>
      %7 = cim.combine %magnitudes {scheme = #cim<scheme differential_columns>} : (tensor<16x4x2xi64>) -> tensor<16x4xi64>
      %8 = cim.accumulate %7 {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<16x4xi64>) -> tensor<1x16x4xi64>
      cim.yield %8 : tensor<1x16x4xi64>
    }
    %1 = nn.relu %0 : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
    %2 = nn.max_pool %1 {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x2x2xf32>
    %3 = nn.flatten %2 : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32>
    %4 = cim.layer "#4" placed %3 {array_count = 1 : i64, bias = dense<[0.116612785, 0.065308854, -0.00241436134]> : tensor<3xf32>, bits_per_cell = 6 : i64, dac_bits = 1 : i64, input_bit_density = array<f64: 0.048828125>, input_bits = 1 : i64, input_clip_fraction = 0.000000e+00 : f64, input_cycles = 1 : i64, input_scale = 0.37605985999107361 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 7 : i64, weight_bits = 8 : i64, weight_error = 0.0052144144077473182 : f64, weight_ints = dense_resource<_4.q> : tensor<1x16x3xi8>, weight_per_channel = true, weight_scales = dense<[0.00472539337, 0.00470650382, 0.00365467253]> : tensor<3xf32>, weight_slices = 2 : i64, weight_symmetric = true, weight_zero_points = dense<0> : tensor<3xi32>, weights = dense_resource<_4.matrix> : tensor<1x16x3xf32>} : (tensor<1x16xf32>) -> tensor<1x3xf32> {
    ^bb0(%arg1: tensor<1x1x16xi32>):
      %5 = cim.mvm %arg1 {array = 1 : i64, col_begin = 0 : i64, col_end = 3 : i64, core = 0 : i64, group = 0 : i64, row_begin = 0 : i64, row_end = 16 : i64, rows_in_parallel = 785 : i64, slice_begin = 0 : i64, slice_end = 2 : i64} : (tensor<1x1x16xi32>) -> tensor<1x1x1x12xi32>
      %6 = cim.adc %5 {bits = 6 : i64} : tensor<1x1x1x12xi32>
      %magnitudes = cim.shift_add %6 {bits_per_cell = 6 : i64, dac_bits = 1 : i64, input_signed = false, polarities = 2 : i64, slice_begin = 0 : i64, slice_end = 2 : i64} : (tensor<1x1x1x12xi32>) -> tensor<1x3x2xi64>
      %7 = cim.combine %magnitudes {scheme = #cim<scheme differential_columns>} : (tensor<1x3x2xi64>) -> tensor<1x3xi64>
      %8 = cim.accumulate %7 {col_begins = array<i64: 0>, groups = array<i64: 0>} : (tensor<1x3xi64>) -> tensor<1x1x3xi64>
      cim.yield %8 : tensor<1x1x3xi64>
    }
    return %4 : tensor<1x3xf32>
  }
}

{-#
  dialect_resources: {
    builtin: {
      _0.q: "0x0100000000C5A0D31C2EBFFCE622A309AC0AF481D5A8C0D8A2FD0EAF064208BD7F81F758D1D581BD",
      _0.matrix: "0x04000000857CC139229C3EBE900312BF897C25BE9D8CB73DC07A163EB112C6BE50646EBC286EA8BD7A45DB3DFC710DBFED3B0B3D80CB88BE7588013DA47090BD6307EBBEC4AC0BBE7EEB8EBE07AEC2BE0CC412BE215198BE50C70FBC32AAA63DF04C96BE15CF933CDF98553EA19D403D8D7978BE69DBCD3EAB78CEBE64B365BD3CF4A23EB23417BE5F940CBE834941BF1D1378BE",
      _4.q: "0x0100000007049B0557813708CB7F319E0525F12BFC375BD511E3089FDBF34A49ACBF2981DAFA5039EBE9EB61E5E716F8F0B9FFDC",
      _4.matrix: "0x0400000004BD073D06C09C3C282BBCBE4B1FBB3C1DB7D03E35A4EDBE4E00843E88A9123D490F45BECAA1193F8C2A6A3EF535B8BE8F21B73CB828313EB9F967BD40CA513E1579A3BC7CFA4C3E03F5DC3E3F904FBEE29D793DFE530EBE2F631C3D645AB6BE22F631BEEB1571BDD60C8A3EF6E7AF3E3C4BCBBE391D74BE8EBA463E920419BF2A490EBEA517EFBCD813C13EEEC8533E390AC9BDFB73E2BD56B899BD9E03EA3E417D03BECC94BABD78A1D83D196714BD416C72BDE81EABBE738562BBA64408BE"
    }
  }
#-}
