// The snn ops print and parse back, and the verifier holds layers to their
// shapes and integer ranges.
// RUN: nncc-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @main
// CHECK: snn.encode rate %{{.*}} {full_scale = 2.500000e-01 : f64}
// CHECK: snn.layer "c1" conv
// CHECK: snn.max_pool
// CHECK: nn.flatten %{{.*}} : (tensor<1x2x2x2xi1>) -> tensor<1x8xi1>
// CHECK: snn.layer "fc" dense
// CHECK: snn.readout %{{.*}} {unit = 5.000000e-01 : f64} : tensor<1x3xi32> -> tensor<1x3xf32>
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x3xf32> {
  %s = snn.encode rate %x {full_scale = 0.25 : f64} : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xi1>
  %c = snn.layer "c1" conv %s {weights = dense<1> : tensor<2x1x1x1xi8>,
      thresholds = dense<[3, 4]> : tensor<2xi32>, biases = dense<0> : tensor<2xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 16 : i64, synapse_bits = 2 : i64,
      strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>} : tensor<1x1x4x4xi1> -> tensor<1x2x4x4xi1>
  %p = snn.max_pool %c {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>} : tensor<1x2x4x4xi1> -> tensor<1x2x2x2xi1>
  %f = nn.flatten %p : (tensor<1x2x2x2xi1>) -> tensor<1x8xi1>
  %y = snn.layer "fc" dense %f {weights = dense<1> : tensor<3x8xi8>,
      biases = dense<[0, 1, -1]> : tensor<3xi32>, reset = #snn<reset subtract>,
      bias_source = #snn<bias_source axon>, potential_bits = 16 : i64,
      synapse_bits = 2 : i64} : tensor<1x8xi1> -> tensor<1x3xi32>
  %r = snn.readout %y {unit = 0.5 : f64} : tensor<1x3xi32> -> tensor<1x3xf32>
  return %r : tensor<1x3xf32>
}

// -----

func.func @code_out_of_range(%s: tensor<1x2xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{weights holds 2, outside [-1, 1]}}
  %y = snn.layer "fc" dense %s {weights = dense<[[2, 0]]> : tensor<1x2xi8>,
      thresholds = dense<1> : tensor<1xi32>, biases = dense<0> : tensor<1xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 8 : i64, synapse_bits = 2 : i64} : tensor<1x2xi1> -> tensor<1x1xi1>
  return %y : tensor<1x1xi1>
}

// -----

func.func @binary_zero(%s: tensor<1x2xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{binary synapses (synapse_bits 1) hold +-1, not 0}}
  %y = snn.layer "fc" dense %s {weights = dense<[[1, 0]]> : tensor<1x2xi8>,
      thresholds = dense<1> : tensor<1xi32>, biases = dense<0> : tensor<1xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 8 : i64, synapse_bits = 1 : i64} : tensor<1x2xi1> -> tensor<1x1xi1>
  return %y : tensor<1x1xi1>
}

// -----

func.func @threshold_too_wide(%s: tensor<1x2xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{thresholds holds 200, outside [1, 127]}}
  %y = snn.layer "fc" dense %s {weights = dense<[[1, 1]]> : tensor<1x2xi8>,
      thresholds = dense<200> : tensor<1xi32>, biases = dense<0> : tensor<1xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 8 : i64, synapse_bits = 2 : i64} : tensor<1x2xi1> -> tensor<1x1xi1>
  return %y : tensor<1x1xi1>
}

// -----

func.func @readout_spikes(%s: tensor<1x2xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{a readout layer (no thresholds) yields i32 potentials}}
  %y = snn.layer "fc" dense %s {weights = dense<[[1, 1]]> : tensor<1x2xi8>,
      biases = dense<0> : tensor<1xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 8 : i64, synapse_bits = 2 : i64} : tensor<1x2xi1> -> tensor<1x1xi1>
  return %y : tensor<1x1xi1>
}

// -----

func.func @conv_window(%s: tensor<1x1x4x4xi1>) -> tensor<1x1x3x3xi1> {
  // expected-error @+1 {{result spatial dim 0 is 3; the window gives 4}}
  %y = snn.layer "c" conv %s {weights = dense<1> : tensor<1x1x1x1xi8>,
      thresholds = dense<1> : tensor<1xi32>, biases = dense<0> : tensor<1xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 8 : i64, synapse_bits = 2 : i64,
      strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>} : tensor<1x1x4x4xi1> -> tensor<1x1x3x3xi1>
  return %y : tensor<1x1x3x3xi1>
}

// -----

func.func @decay_range(%s: tensor<1x2xi1>) -> tensor<1x1xi1> {
  // expected-error @+1 {{decay must be in [0, 1)}}
  %y = snn.layer "fc" dense %s {weights = dense<[[1, 1]]> : tensor<1x2xi8>,
      thresholds = dense<1> : tensor<1xi32>, biases = dense<0> : tensor<1xi32>,
      reset = #snn<reset subtract>, bias_source = #snn<bias_source leak>,
      potential_bits = 8 : i64, synapse_bits = 2 : i64, decay = 1.0 : f64} : tensor<1x2xi1> -> tensor<1x1xi1>
  return %y : tensor<1x1xi1>
}
