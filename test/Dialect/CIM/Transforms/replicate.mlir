// RUN: nncc-opt %s --nncc-partition --nncc-replicate | FileCheck %s
// RUN: nncc-opt %s --nncc-partition --nncc-replicate="max-arrays=3" | FileCheck %s --check-prefix=SMALL
// RUN: nncc-opt %s --nncc-partition --nncc-replicate="max-copies=3" | FileCheck %s --check-prefix=CAP
// RUN: nncc-opt %s --nncc-partition --nncc-replicate="whole-cores=true" | FileCheck %s --check-prefix=WHOLE

// Timing (nncc/Analysis/PipelineModel.h): one ADC per 4-column array, 10 ns
// read, 1 ns per conversion, 2 input cycles.  Each layer is one tile using 2
// columns (a G+/G- pair): tile time = 1 row group * 2 cycles * (10 + 2 * 1)
// = 24 ns per input vector.
//   "fc":   1 vector per inference  -> 24 ns
//   "conv": 4 vectors (2x2 outputs) -> 96 ns   (the bottleneck)
// A copy takes whole vectors: layer time = ceil(vectors / copies) * 24 ns.
// 10 arrays, 2 used, 8 free.  Greedy on the bottleneck, each step the fewest
// copies that take one vector fewer per copy: conv 4 vectors -> 2 copies
// (2 vectors each, 48 ns), then 4 copies (1 vector each, 24 ns), 3 arrays
// spent.  Now fc (24 ns, earlier layer wins the tie) is the bottleneck with
// a single vector: nothing can lower the interval, so the pass stops with 5
// arrays still free.
// CHECK: cim.replication = {arrays_available = 10 : i64, arrays_spent = 3 : i64, interval_after = 2.400000e-08 : f64, interval_before = {{9\.5999+E-8|9\.60*e-08}} : f64, max_copies = 0 : i64}
// CHECK: cim.layer "fc" partitioned %
// CHECK-NOT: replicas
// CHECK: cim.layer "conv" partitioned %
// CHECK-SAME: replicas = 4
// CHECK: cim.mvm {{.*}}array = 1 : i64{{.*}}replica_arrays = array<i64: 2, 3, 4>

// With 3 arrays (1 free): conv 2 copies (48 ns), then the next step (2 more
// arrays) does not fit.
// SMALL: cim.replication = {arrays_available = 3 : i64, arrays_spent = 1 : i64, interval_after = 4.800000e-08 : f64, interval_before = {{9\.5999+E-8|9\.60*e-08}} : f64, max_copies = 0 : i64}
// SMALL: replicas = 2

// At most 3 copies per layer: conv 2 copies (48 ns); the next step needs 4
// copies (one vector each), beyond the limit, so the bottleneck stays.
// CAP: cim.replication = {arrays_available = 10 : i64, arrays_spent = 1 : i64, interval_after = 4.800000e-08 : f64
// CAP: replicas = 2

// One layer copy per core (core.one_layer_copy): the chip's one core of 10
// arrays is all fc's, and conv needs a core of its own; no copy fits.
// WHOLE: cim.replication = {arrays_available = 10 : i64, arrays_spent = 0 : i64
// WHOLE-NOT: replicas

module attributes {cim.target = #cim.target<name = "t", rows = 4, cols = 4, levels = 2, rows_in_parallel = 4, adc_bits = 8, columns_per_adc = 4, input_bits = 2, dac_bits = 1, signed_weights = differential_columns, g_min = 1.0e-6 : f64, g_max = 1.0e-5 : f64, cores = 1, arrays_per_core = 10, read_pulse = 1.0e-8 : f64, conversion_time = 1.0e-9 : f64>} {
  func.func @main(%a: tensor<1x4xf32>, %x: tensor<1x1x2x2xf32>) -> (tensor<1x1xf32>, tensor<1x1x2x2xf32>) {
    %0 = cim.layer "fc" sliced %a {bits_per_cell = 1 : i64, dac_bits = 1 : i64, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kind = #cim<kind gemm>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, weight_bits = 2 : i64, weight_ints = dense<1> : tensor<1x4x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<0.1> : tensor<1x4x1xf32>} : (tensor<1x4xf32>) -> tensor<1x1xf32>
    %1 = cim.layer "conv" sliced %x {bits_per_cell = 1 : i64, dac_bits = 1 : i64, dilations = array<i64: 1, 1>, input_bits = 2 : i64, input_cycles = 2 : i64, input_scale = 0.5 : f64, input_signed = false, kernel_shape = array<i64: 1, 1>, kind = #cim<kind conv>, pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>, signed_scheme = #cim<scheme differential_columns>, stored_bits = 1 : i64, strides = array<i64: 1, 1>, weight_bits = 2 : i64, weight_ints = dense<-1> : tensor<1x1x1xi32>, weight_scales = dense<0.1> : tensor<1xf32>, weight_slices = 1 : i64, weight_zero_points = dense<0> : tensor<1xi32>, weights = dense<-0.1> : tensor<1x1x1xf32>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
    return %0, %1 : tensor<1x1xf32>, tensor<1x1x2x2xf32>
  }
}
