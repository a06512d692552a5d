// RUN: nncc-opt %s --nncc-partition --nncc-place | FileCheck %s

// Tiles that read the same rows share their inputs through their core's
// buffer (lib/Analysis/TileGraph.cpp): the inputs reach the row tile's first
// tile and pass along its tiles in a chain, so they cross the NoC again only
// where the chain changes core.
//
// p (K = 2, 1 column) is one tile (0).  q (K = 1, 6 columns; 4x4 arrays with
// G+/G- column pairs hold 2 weight columns) reads p's one output on its one
// row: one row tile of 3 tiles (1, 2, 3), no partial sums.  1 vector x
// 1 feature x 2 bits = 2 bits on each of the chain's edges 0 -> 1 -> 2 -> 3:
// 6 bits in 3 edges.  On a 2x2 mesh of cores holding 2 arrays each, the
// chain needs one core change at best (p, q0 | q1, q2): 2 bit-hops.  Had p
// sent its output to each of q's tiles, 2 of them would sit on another core
// (4 bit-hops).
// CHECK-LABEL: cim.placement
// CHECK-SAME: objective_bit_hops = 2 : i64, port_excess_bits = 0 : i64, proven_optimal = true
// CHECK-SAME: tiles = 4 : i64, traffic_bits = 6 : i64, traffic_edges = 3 : i64

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 4, arrays_per_core = 2, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x2xf32>) -> tensor<1x6xf32> {
    %0 = cim.layer "p" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    %1 = nn.relu %0 : (tensor<1x1xf32>) -> tensor<1x1xf32>
    %2 = cim.layer "q" sliced %1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x1x6xi32>, weight_scales = dense<0.1> : tensor<6xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<6xi32>, weights = dense<0.1> : tensor<1x1x6xf32>} : (tensor<1x1xf32>) -> tensor<1x6xf32>
    return %2 : tensor<1x6xf32>
  }
}
