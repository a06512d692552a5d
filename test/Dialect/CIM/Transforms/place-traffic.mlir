// RUN: nncc-opt %s -split-input-file --nncc-partition --nncc-place | FileCheck %s

// The traffic model of --nncc-place (lib/Analysis/TileGraph.cpp), computed by
// hand.  Arrays of 4x4 cells, 1 bit per cell, G+/G- column pairs: a tile
// holds at most 4 weight rows and 4 physical columns = 2 weight columns x
// 1 slice, or 1 weight column x 2 slices.  Every layer reads 2-bit inputs.
// Case 2, replicated layers, is place-traffic-replicas.mlir: its input is
// partitioned already (--nncc-partition would drop the copies).
//
// Case 1: c1 (1x1 conv, 4 -> 2 channels, 3 slices) feeds, through a relu,
//   c2 (3x3 conv), fc2 (through a flatten) and fc3 (through a global average
//   pool and a flatten).
// Tiles: c1: channels x slice ranges (0: ch0 s0-1, 1: ch0 s2, 2: ch1 s0-1,
//   3: ch1 s2), 4 vectors (2x2 pixels); homes 0 and 2.
//   c2: K = 2 ch x 9 = 18 rows -> row tiles [0,4) [4,8) [8,12) [12,16)
//   [16,18) = tiles 4..8, 1 column, 4 vectors; home 4.
//   fc2: K = 8 features -> rows [0,4) [4,8) = tiles 9, 10, 1 vector.
//   fc3: K = 2 -> tile 11.
// Partial sums (vectors x columns x 32):
//   c1: 1 -> 0, 3 -> 2: 4 x 1 x 32 = 128 each              256 bits, 2 edges
//   c2: 5, 6, 7, 8 -> 4: 4 x 1 x 32 = 128 each             512 bits, 4 edges
//   fc2: 10 -> 9: 1 x 1 x 32                               32 bits, 1 edge
// Outputs (values per channel x channels read x 2 bits):
//   c1 -> c2: channel 0 is rows 0..8 (tiles 4, 5, 6), channel 1 rows 9..17
//     (tiles 6, 7, 8); 4 values x 1 x 2 = 8 bits per tile  48 bits, 6 edges
//   c1 -> fc2: flatten puts channel c on features 4c..4c+3: channel 0 ->
//     tile 9, channel 1 -> tile 10; 4 features x 1 value x 2 = 8 each
//                                                          16 bits, 2 edges
//   c1 -> fc3: the pool leaves 1 value per channel (4 x 1/4): 1 x 2 bits
//     from each home to tile 11                           4 bits, 2 edges
// Total: 868 bits in 17 edges, 12 tiles, every mapping derived.  (Z3 proves
// 908 bit-hops optimal on the 4x4 mesh: a regression value, not derived by
// hand.)
// CHECK-LABEL: cim.placement
// CHECK-SAME: fallback_links = 0 : i64
// CHECK-SAME: objective_bit_hops = 908 : i64, port_excess_bits = 0 : i64, proven_optimal = true
// CHECK-SAME: tiles = 12 : i64, traffic_bits = 868 : i64, traffic_edges = 17 : i64

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 16, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x4x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1xf32>, tensor<1x1xf32>) {
    %0 = cim.layer "c1" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, dilations = array<i64: 1, 1>, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kernel_shape = array<i64: 1, 1>, kind = #cim<kind conv>, pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 3 : i64, strides = array<i64: 1, 1>, weight_bits = 4 : i64, weight_ints = dense<1> : tensor<1x4x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 3 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x4x2xf32>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x2x2xf32>
    %1 = nn.relu %0 : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
    %2 = cim.layer "c2" sliced %1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, dilations = array<i64: 1, 1>, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kernel_shape = array<i64: 3, 3>, kind = #cim<kind conv>, pads_begin = array<i64: 1, 1>, pads_end = array<i64: 1, 1>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, strides = array<i64: 1, 1>, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x18x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x18x1xf32>} : (tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
    %3 = nn.flatten %1 {axis = 1 : i64} : (tensor<1x2x2x2xf32>) -> tensor<1x8xf32>
    %4 = cim.layer "fc2" sliced %3 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x8x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x8x1xf32>} : (tensor<1x8xf32>) -> tensor<1x1xf32>
    %5 = nn.global_average_pool %1 : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
    %6 = nn.flatten %5 {axis = 1 : i64} : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
    %7 = cim.layer "fc3" sliced %6 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %2, %4, %7 : tensor<1x1x2x2xf32>, tensor<1x1xf32>, tensor<1x1xf32>
  }
}

// -----

// Case 3: a grouped conv.  p (1x1 conv, 2 -> 4 channels) has 2 tiles of 2
// output channels (0: channels 0-1, 1: channels 2-3), 1 vector.  d (1x1
// conv, group 2, 4 -> 2 channels) reads channels 0-1 in group 0 (tile 2)
// and 2-3 in group 1 (tile 3): p's tile 0 sends 2 channels x 1 value x
// 2 bits = 4 bits to tile 2 only, tile 1 the same to tile 3.
// Total: 8 bits in 2 edges.  With one array per core each edge costs at
// least one hop, so 8 bit-hops is optimal, and the lower bound proves it.
// CHECK-LABEL: cim.placement
// CHECK-SAME: fallback_links = 0 : i64, gap = 0.000000e+00 : f64, lower_bound_bit_hops = 8 : i64
// CHECK-SAME: objective_bit_hops = 8 : i64, port_excess_bits = 0 : i64, proven_optimal = true, tiles = 4 : i64, traffic_bits = 8 : i64, traffic_edges = 2 : i64

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 16, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32> {
    %0 = cim.layer "p" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, dilations = array<i64: 1, 1>, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kernel_shape = array<i64: 1, 1>, kind = #cim<kind conv>, pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, strides = array<i64: 1, 1>, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x4xi32>, weight_scales = dense<0.1> : tensor<4xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<4xi32>, weights = dense<0.1> : tensor<1x2x4xf32>} : (tensor<1x2x1x1xf32>) -> tensor<1x4x1x1xf32>
    %1 = cim.layer "d" sliced %0 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, dilations = array<i64: 1, 1>, group = 2 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kernel_shape = array<i64: 1, 1>, kind = #cim<kind conv>, pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, strides = array<i64: 1, 1>, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<2x2x1xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<2x2x1xf32>} : (tensor<1x4x1x1xf32>) -> tensor<1x2x1x1xf32>
    return %1 : tensor<1x2x1x1xf32>
  }
}

// -----

// Case: a residual stream (a transformer's Add -> LayerNorm chain).  The
// layer norm breaks the channel map, so every link below is a fallback.  a
// feeds b through the first norm; the residual add combines the norm's
// output with b's: it runs where b's output (produced last) arrives, so
// only b's path goes on, through the second norm, to c.  Links a -> b and
// b -> c: 2 (a -> c as well, before: the stream linked every layer to every
// later one).
// CHECK-LABEL: cim.placement
// CHECK-SAME: fallback_links = 2 : i64
module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 16, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
    %g = nn.constant dense<1.0> : tensor<2xf32>
    %a = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %n1 = nn.layer_normalization %a, %g : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
    %b = cim.layer "b" sliced %n1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %r = nn.add %n1, %b : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
    %n2 = nn.layer_normalization %r, %g : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
    %c = cim.layer "c" sliced %n2 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x2x2xf32>} : (tensor<1x2xf32>) -> tensor<1x2xf32>
    return %c : tensor<1x2xf32>
  }
}
