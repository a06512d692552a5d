// Threshold balancing by hand.  Calibration samples [1, 0.5] and [0.5, 1]:
// the input's full scale (percentile 100) is 1.  The first layer's
// pre-activations are [0.725, 0.25] and [0.6, 0.875], so its ReLU's full
// scale is 0.875.  Neuron 0's effective weights [0.5, 0.25] x 1 take the
// 8-bit step 0.5 / 127: codes 127 and round(63.5) = 64, threshold
// round(0.875 / step) = round(222.25) = 222, bias round(0.1 / step) = 25.
// Neuron 1's [-0.25, 1] take step 1 / 127: codes -32 and 127, threshold
// round(111.125) = 111.  The readout [1, -0.5] x 0.875 shares step
// 0.875 / 127: codes 127 and round(-63.5) = -64, unit 0.875 / 127.
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[1.0, 0.5], [0.5, 1.0]], dtype=np.float32))"
// RUN: nncc-opt %s --nncc-convert-to-snn="calibration=%t.npy percentile=100" | FileCheck %s
// With 8 gain bits the thresholds grow 255-fold: 255 x 222.25 = 56673.75,
// 255 x 111.125 = 28336.875; the bias 255 x 25.4 = 6477.
// RUN: nncc-opt %s --nncc-convert-to-snn="calibration=%t.npy percentile=100 gain-bits=8" | FileCheck %s --check-prefix=GAIN
// Ternary synapses: each neuron keeps the weights above 0.7 x its mean
// magnitude (0.2625 and 0.4375): [1, 0] and [0, 1].
// RUN: nncc-opt %s --nncc-convert-to-snn="calibration=%t.npy percentile=100 synapse-bits=2" | FileCheck %s --check-prefix=TERNARY
// Two axons per input on cores of two axons: each first-layer neuron's
// two inputs are split over two groups of cores.
// RUN: nncc-opt %s --nncc-convert-to-snn="calibration=%t.npy percentile=100" --nncc-snn-map="axons=2 neurons=4 axons-per-input=2 cores=16" | FileCheck %s --check-prefix=MAP
// RUN: not nncc-opt %s --nncc-convert-to-snn="calibration=%t.npy percentile=100" --nncc-snn-map="axons=2 neurons=4 axons-per-input=2 cores=16 partial-sums=false" 2>&1 | FileCheck %s --check-prefix=NOSPLIT
// RUN: not nncc-opt %s --nncc-convert-to-snn="calibration=%t.npy percentile=100" --nncc-snn-map="axons=2 neurons=1 cores=2" 2>&1 | FileCheck %s --check-prefix=CORES

// CHECK-LABEL: func.func @main
// CHECK: %[[S:.*]] = snn.encode rate %arg0 {full_scale = 1.000000e+00 : f64} : tensor<1x2xf32> -> tensor<1x2xi1>
// CHECK: %[[H:.*]] = snn.layer "fc1" dense %[[S]] {bias_source = #snn<bias_source leak>, biases = dense<[25, 0]> : tensor<2xi32>, potential_bits = 24 : i64, reset = #snn<reset subtract>, synapse_bits = 8 : i64, thresholds = dense<[222, 111]> : tensor<2xi32>, weights = dense<{{\[\[}}127, 64], [-32, 127]]> : tensor<2x2xi8>} : tensor<1x2xi1> -> tensor<1x2xi1>
// CHECK: %[[O:.*]] = snn.layer "fc2" dense %[[H]] {bias_source = #snn<bias_source leak>, biases = dense<0> : tensor<1xi32>, potential_bits = 24 : i64, reset = #snn<reset subtract>, synapse_bits = 8 : i64, weights = dense<{{\[\[}}127, -64]]> : tensor<1x2xi8>} : tensor<1x2xi1> -> tensor<1x1xi32>
// CHECK: %[[R:.*]] = snn.readout %[[O]] {unit = 0.006889763779527559 : f64} : tensor<1x1xi32> -> tensor<1x1xf32>
// CHECK: return %[[R]]
// CHECK-NOT: nn.gemm
// CHECK-NOT: nn.relu

// GAIN: snn.layer "fc1" dense %{{.*}} {bias_source = #snn<bias_source leak>, biases = dense<[6477, 0]> : tensor<2xi32>, gains = dense<255> : tensor<2xi32>, {{.*}}thresholds = dense<[56674, 28337]> : tensor<2xi32>

// TERNARY: snn.layer "fc1" dense {{.*}}weights = dense<{{\[\[}}1, 0], [0, 1]]> : tensor<2x2xi8>

// MAP: snn.layer "fc1" dense {{.*}}core_ids = array<i64: {{[0-9]+}}, {{[0-9]+}}>, cores = 2 : i64, fan_in_groups = 2 : i64
// MAP: snn.layer "fc2" dense {{.*}}core_ids = array<i64: {{[0-9]+}}, {{[0-9]+}}>, cores = 2 : i64, fan_in_groups = 2 : i64

// NOSPLIT: error: a neuron reads 2 inputs (4 axons), more than a core's 2; the target cannot add partial potentials across cores

// CORES: error: the spiking layers need 3 cores; the chip has 2

func.func @main(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %b1 = nn.constant dense<[[0.5, -0.25], [0.25, 1.0]]> : tensor<2x2xf32>
  %c1 = nn.constant dense<[0.1, 0.0]> : tensor<2xf32>
  %h = nn.gemm %x, %b1, %c1 : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc(fused<"Gemm">["fc1"("m.onnx":0:0)])
  %r = nn.relu %h : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %b2 = nn.constant dense<[[1.0], [-0.5]]> : tensor<2x1xf32>
  %y = nn.gemm %r, %b2 : (tensor<1x2xf32>, tensor<2x1xf32>) -> tensor<1x1xf32> loc(fused<"Gemm">["fc2"("m.onnx":0:0)])
  return %y : tensor<1x1xf32>
}
