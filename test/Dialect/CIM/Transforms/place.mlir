// RUN: nncc-opt %s --nncc-partition --nncc-place | FileCheck %s
// RUN: nncc-opt %s --nncc-partition --nncc-place="seed=7" | FileCheck %s

// Two cores on a 2x1 mesh, one array each.  "a" (one tile: 2 weight columns
// as G+/G- pairs = 4 columns) feeds "b" (one tile, whose 2 weight rows read
// a's 2 output channels) through a relu.  Traffic per inference: a's tile is
// its column set's home and sends 1 vector x 2 channels x b's 2 input bits
// = 4 bits (one edge; more cases in place-traffic.mlir), and the two tiles
// cannot share a core, so the optimum is 4 bits x 1 hop; the lower bound
// proves it (lower bound = objective, gap 0) whatever the seed.
// CHECK: cim.placement = {fallback_links = 0 : i64, gap = 0.000000e+00 : f64, lower_bound_bit_hops = 4 : i64, max_link_bits = 4 : i64, method = "{{[a-z0-9]+}}", objective_bit_hops = 4 : i64, port_excess_bits = 0 : i64, proven_optimal = true, tiles = 2 : i64, traffic_bits = 4 : i64, traffic_edges = 1 : i64, wall_clock_limit_hit = false}
// CHECK: cim.layer "a" placed %
// CHECK: cim.mvm {{.*}}array = 0 : i64{{.*}}core = [[CA:[01]]] : i64
// CHECK-NOT: core = [[CA]] : i64
// CHECK: cim.layer "b" placed %
// CHECK: cim.mvm {{.*}}array = 1 : i64{{.*}}core = {{[01]}} : i64

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 1, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 2, arrays_per_core = 1, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x1xf32> {
    %0 = cim.layer "a" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x2xi32>, weight_scales = dense<0.1> : tensor<2xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<2xi32>, weights = dense<0.1> : tensor<1x4x2xf32>} : (tensor<1x4xf32>) -> tensor<1x2xf32>
    %1 = nn.relu %0 : (tensor<1x2xf32>) -> tensor<1x2xf32>
    %2 = cim.layer "b" sliced %1 {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x2x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x2x1xf32>} : (tensor<1x2xf32>) -> tensor<1x1xf32>
    return %2 : tensor<1x1xf32>
  }
}
