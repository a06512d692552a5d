// Pooling between spiking layers: max pooling becomes spike-count-gated
// snn.max_pool; average pooling becomes a depthwise layer whose synapses
// all hold code 1 and whose neurons spike every k x k input spikes (2 x 2:
// 4; global over 2 x 2: 4), so its full scale stays the input's.
// RUN: nncc-opt %s --nncc-convert-to-snn="synthetic-samples=8" | FileCheck %s
// RUN: not nncc-opt %s --nncc-convert-to-snn="synthetic-samples=8 reset=zero" 2>&1 | FileCheck %s --check-prefix=ZERO
// On leaky neurons the pooling neurons leak like every other layer's.
// RUN: nncc-opt %s --nncc-convert-to-snn="synthetic-samples=8 decay=0.25" | FileCheck %s --check-prefix=LEAKY
// LEAKY: snn.layer "conv" conv {{.*}}decay = 2.500000e-01
// LEAKY: snn.layer "avg" conv {{.*}}decay = 2.500000e-01
// LEAKY: snn.layer "gap" conv {{.*}}decay = 2.500000e-01
// LEAKY: snn.layer "fc" dense {{.*}}decay = 2.500000e-01
// Cores of 2 axons x 4 neurons: the 1x1 conv's 32 neurons fill 8 cores;
// a 2x2 pooling neuron reads 4 inputs, more than one channel's window on 2
// axons, so each core takes one position and half its window (2 groups):
// 2 channels x 2 groups x 4 positions = 16 cores, and 2 x 2 x 1 = 4 for
// the global pool.
// RUN: nncc-opt %s --nncc-convert-to-snn="synthetic-samples=8" --nncc-snn-map="axons=2 neurons=4 cores=64" | FileCheck %s --check-prefix=MAP
// MAP: snn.layer "conv" conv {{.*}} cores = 8 : i64,{{.*}}fan_in_groups = 1 : i64
// MAP: snn.layer "avg" conv {{.*}} cores = 16 : i64,{{.*}}fan_in_groups = 2 : i64
// MAP: snn.layer "gap" conv {{.*}} cores = 4 : i64,{{.*}}fan_in_groups = 2 : i64

// CHECK: snn.encode rate
// CHECK: %[[C:.*]] = snn.layer "conv" conv
// CHECK: %[[P:.*]] = snn.layer "avg" conv %[[C]] {bias_source = #snn<bias_source leak>, biases = dense<0> : tensor<2xi32>, dilations = array<i64: 1, 1>, group = 2 : i64, pads_begin = array<i64: 0, 0>, pads_end = array<i64: 0, 0>, potential_bits = 24 : i64, reset = #snn<reset subtract>, strides = array<i64: 2, 2>, synapse_bits = 8 : i64, thresholds = dense<4> : tensor<2xi32>, weights = dense<1> : tensor<2x1x2x2xi8>} : tensor<1x2x4x4xi1> -> tensor<1x2x2x2xi1>
// CHECK: %[[G:.*]] = snn.layer "gap" conv %[[P]] {{.*}}group = 2 : i64{{.*}}thresholds = dense<4> : tensor<2xi32>, weights = dense<1> : tensor<2x1x2x2xi8>} : tensor<1x2x2x2xi1> -> tensor<1x2x1x1xi1>
// CHECK: nn.flatten %[[G]] : (tensor<1x2x1x1xi1>) -> tensor<1x2xi1>
// CHECK: snn.layer "fc" dense
// ZERO: error: spiking conversion: average pooling needs neurons that reset by subtraction
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x3xf32> {
  %w = nn.constant dense<[[[[1.0]]], [[[-0.5]]]]> : tensor<2x1x1x1xf32>
  %b = nn.constant dense<[0.0, 0.6]> : tensor<2xf32>
  %c = nn.conv %x, %w, %b : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32> loc(fused<"Conv">["conv"("m.onnx":0:0)])
  %r = nn.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %p = nn.average_pool %r {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> loc(fused<"AveragePool">["avg"("m.onnx":0:0)])
  %g = nn.global_average_pool %p : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> loc(fused<"GlobalAveragePool">["gap"("m.onnx":0:0)])
  %f = nn.flatten %g : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %m = nn.constant dense<[[1.0, 2.0, 3.0], [-1.0, 0.5, 0.25]]> : tensor<2x3xf32>
  %y = nn.gemm %f, %m : (tensor<1x2xf32>, tensor<2x3xf32>) -> tensor<1x3xf32> loc(fused<"Gemm">["fc"("m.onnx":0:0)])
  return %y : tensor<1x3xf32>
}
