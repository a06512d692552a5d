// RUN: nncc-opt %s | FileCheck %s
// RUN: nncc-opt %s | nncc-opt | FileCheck %s
// Round-trip of every nn op with the shapes its inference must accept.

// CHECK-LABEL: func.func @conv_family
func.func @conv_family(%x: tensor<2x4x9x9xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x5x5xf32> {
  // Grouped, strided, padded conv: out = floor((9 + 1 + 1 - 3) / 2) + 1 = 5.
  // CHECK: nn.conv %{{.*}}, %{{.*}}, %{{.*}} {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %0 = nn.conv %x, %w, %b {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<2x4x9x9xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x5x5xf32>
  return %0 : tensor<2x6x5x5xf32>
}

// CHECK-LABEL: func.func @conv_auto_pad
func.func @conv_auto_pad(%x: tensor<1x1x7x7xf32>, %w: tensor<1x1x3x3xf32>) -> (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) {
  // SAME_UPPER keeps ceil(7 / 2) = 4; VALID gives floor((7 - 3) / 2) + 1 = 3.
  // CHECK: auto_pad = #nn<auto_pad same_upper>
  %0 = nn.conv %x, %w {auto_pad = #nn<auto_pad same_upper>, strides = array<i64: 2, 2>} : (tensor<1x1x7x7xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  // CHECK: auto_pad = #nn<auto_pad valid>
  %1 = nn.conv %x, %w {auto_pad = #nn<auto_pad valid>, strides = array<i64: 2, 2>} : (tensor<1x1x7x7xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %0, %1 : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>
}

// CHECK-LABEL: func.func @conv1d_dilated
func.func @conv1d_dilated(%x: tensor<1x2x10xf32>, %w: tensor<3x2x3xf32>) -> tensor<1x3x6xf32> {
  // Dilation 2 makes the kernel span 5: 10 - 5 + 1 = 6.
  // CHECK: nn.conv {{.*}} -> tensor<1x3x6xf32>
  %0 = nn.conv %x, %w {dilations = array<i64: 2>} : (tensor<1x2x10xf32>, tensor<3x2x3xf32>) -> tensor<1x3x6xf32>
  return %0 : tensor<1x3x6xf32>
}

// CHECK-LABEL: func.func @gemm_matmul
func.func @gemm_matmul(%a: tensor<3x5xf32>, %b: tensor<4x5xf32>, %c: tensor<4xf32>, %m: tensor<2x1x3x5xf32>, %n: tensor<7x5x6xf32>, %v: tensor<5xf32>) -> (tensor<3x4xf32>, tensor<2x7x3x6xf32>, tensor<2x1x3xf32>) {
  // CHECK: nn.gemm {{.*}} {alpha = 5.000000e-01 : f32, transB = true}
  %0 = nn.gemm %a, %b, %c {alpha = 0.5 : f32, transB = true} : (tensor<3x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // Batch dims broadcast: [2,1] with [7] gives [2,7].
  // CHECK: nn.matmul {{.*}} -> tensor<2x7x3x6xf32>
  %1 = nn.matmul %m, %n : (tensor<2x1x3x5xf32>, tensor<7x5x6xf32>) -> tensor<2x7x3x6xf32>
  // A 1-D right operand is a column that disappears from the result.
  // CHECK: nn.matmul {{.*}} -> tensor<2x1x3xf32>
  %2 = nn.matmul %m, %v : (tensor<2x1x3x5xf32>, tensor<5xf32>) -> tensor<2x1x3xf32>
  return %0, %1, %2 : tensor<3x4xf32>, tensor<2x7x3x6xf32>, tensor<2x1x3xf32>
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x3x5x5xf32>) -> (tensor<1x3x3x3xf32>, tensor<1x3x2x2xf32>, tensor<1x3x1x1xf32>) {
  // ceil_mode: ceil((5 - 2) / 2) + 1 = 3.
  // CHECK: nn.max_pool {{.*}}ceil_mode = true
  %0 = nn.max_pool %x {ceil_mode = true, kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x3x5x5xf32>) -> tensor<1x3x3x3xf32>
  // CHECK: nn.average_pool {{.*}}count_include_pad = true
  %1 = nn.average_pool %x {count_include_pad = true, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x5x5xf32>) -> tensor<1x3x2x2xf32>
  // CHECK: nn.global_average_pool
  %2 = nn.global_average_pool %x : (tensor<1x3x5x5xf32>) -> tensor<1x3x1x1xf32>
  return %0, %1, %2 : tensor<1x3x3x3xf32>, tensor<1x3x2x2xf32>, tensor<1x3x1x1xf32>
}

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<2x3xf32>, %i: tensor<2x3xui8>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xui8>) {
  %0 = nn.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %1 = nn.sigmoid %0 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = nn.tanh %1 : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: nn.leaky_relu {{.*}} {alpha = 2.000000e-01 : f32}
  %3 = nn.leaky_relu %2 {alpha = 0.2 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: nn.clip {{.*}} {max = 6.000000e+00 : f64, min = 0.000000e+00 : f64}
  %4 = nn.clip %3 {min = 0.0 : f64, max = 6.0 : f64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: nn.clip {{.*}} : (tensor<2x3xui8>) -> tensor<2x3xui8>
  %5 = nn.clip %i {max = 9.0 : f64} : (tensor<2x3xui8>) -> tensor<2x3xui8>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xui8>
}

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  // CHECK: nn.batch_normalization {{.*}} {epsilon = 1.000000e-03 : f32}
  %0 = nn.batch_normalization %x, %s, %s, %s, %s {epsilon = 1.0e-3 : f32} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  // CHECK: nn.softmax {{.*}} {axis = 1 : i64}
  %1 = nn.softmax %0 {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1 : tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @broadcasting
func.func @broadcasting(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %u: tensor<4xui8>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4xui8>) {
  // CHECK: nn.add {{.*}} -> tensor<2x3x4xf32>
  %0 = nn.add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %1 = nn.sub %0, %a : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %2 = nn.mul %1, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %3 = nn.div %2, %0 : (tensor<2x3x4xf32>, tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  // CHECK: nn.add {{.*}} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %4 = nn.add %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2, %3, %4 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4xui8>
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>) -> (tensor<2x8x4xf32>, tensor<2x12xf32>, tensor<2x4x3xf32>, tensor<4x2x3xf32>, tensor<2x7x4xf32>, tensor<2x3x4x1xf32>, tensor<2x3x4xf32>) {
  // CHECK: nn.concat {{.*}} {axis = -2 : i64}
  %0 = nn.concat %x, %y {axis = -2 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %1 = nn.flatten %x : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  // 0 copies the input dim, -1 takes the rest: [2, 4, 24 / 8].
  // CHECK: nn.reshape {{.*}} {shape = array<i64: 0, 4, -1>}
  %2 = nn.reshape %x {shape = array<i64: 0, 4, -1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  // CHECK: nn.transpose {{.*}} {perm = array<i64: 2, 0, 1>}
  %3 = nn.transpose %x {perm = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  // CHECK: nn.pad {{.*}}mode = #nn<pad_mode reflect>
  %4 = nn.pad %x {mode = #nn<pad_mode reflect>, pads = array<i64: 0, 2, 0, 0, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<2x7x4xf32>
  %5 = nn.unsqueeze %x {axes = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<2x3x4x1xf32>
  // CHECK: nn.squeeze {{.*}} {axes = array<i64: 3>}
  %6 = nn.squeeze %5 {axes = array<i64: 3>} : (tensor<2x3x4x1xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x8x4xf32>, tensor<2x12xf32>, tensor<2x4x3xf32>, tensor<4x2x3xf32>, tensor<2x7x4xf32>, tensor<2x3x4x1xf32>, tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xf32>, tensor<3xi64>) {
  // CHECK: nn.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %0 = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK: nn.constant dense_resource<blob> : tensor<3xi64>
  %1 = nn.constant dense_resource<blob> : tensor<3xi64>
  return %0, %1 : tensor<2xf32>, tensor<3xi64>
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x08000000010000000000000002000000000000000300000000000000"
    }
  }
#-}

// Encoder operators (issue #16).
// CHECK-LABEL: func.func @encoder_ops
func.func @encoder_ops(%x: tensor<2x5x4xf32>, %ids: tensor<3xi32>, %table: tensor<7x4xf32>, %m: tensor<2x1x1xi1>, %g: tensor<1x4xf32>) -> (tensor<3x4xf32>, tensor<2x2x4xf32>, tensor<2x5x4xf32>, tensor<2x1xf32>, tensor<2x5x4xf32>, tensor<2x5x4xi1>, tensor<2x5x4xf32>, tensor<2x5x4xf16>, tensor<3x2x5x4xf32>, tensor<2x5x4xf32>) {
  // Gather: data[:axis] + indices + data[axis+1:].
  // CHECK: nn.gather
  %0 = nn.gather %table, %ids : (tensor<7x4xf32>, tensor<3xi32>) -> tensor<3x4xf32>
  // Slice dim 1 from 4 down to 0 in steps of -3 (ends clamp to -1): rows 4, 1.
  // CHECK: nn.slice
  %1 = nn.slice %x {starts = array<i64: 9223372036854775807>, ends = array<i64: -9223372036854775808>, axes = array<i64: -2>, steps = array<i64: -3>} : (tensor<2x5x4xf32>) -> tensor<2x2x4xf32>
  // CHECK: nn.layer_normalization
  %2 = nn.layer_normalization %x, %g {axis = 1 : i64} : (tensor<2x5x4xf32>, tensor<1x4xf32>) -> tensor<2x5x4xf32>
  // CHECK: nn.reduce_max
  %3 = nn.reduce_max %x {axes = array<i64: 1, -1>} : (tensor<2x5x4xf32>) -> tensor<2x1x1xf32>
  %4 = nn.reduce_sum %x {axes = array<i64: 1, 2>, keepdims = false} : (tensor<2x5x4xf32>) -> tensor<2xf32>
  %5 = nn.reduce_mean %x {noop_with_empty_axes = true} : (tensor<2x5x4xf32>) -> tensor<2x5x4xf32>
  %6 = nn.equal %x, %3 : (tensor<2x5x4xf32>, tensor<2x1x1xf32>) -> tensor<2x5x4xi1>
  %7 = nn.where %m, %x, %3 : (tensor<2x1x1xi1>, tensor<2x5x4xf32>, tensor<2x1x1xf32>) -> tensor<2x5x4xf32>
  // CHECK: nn.cast %{{.*}} {to = f16}
  %8 = nn.cast %x {to = f16} : (tensor<2x5x4xf32>) -> tensor<2x5x4xf16>
  // Expand broadcasts with the input: the result may outrank `shape`.
  %9 = nn.expand %x {shape = array<i64: 3, 1, 1, 1>} : (tensor<2x5x4xf32>) -> tensor<3x2x5x4xf32>
  %12 = nn.reshape %ids {shape = array<i64: 3, 1>} : (tensor<3xi32>) -> tensor<3x1xi32>
  // Pow: exponents of another type; the base keeps its own.
  %10 = nn.pow %0, %12 : (tensor<3x4xf32>, tensor<3x1xi32>) -> tensor<3x4xf32>
  %11 = nn.reshape %4 {shape = array<i64: 2, 1>} : (tensor<2xf32>) -> tensor<2x1xf32>
  return %0, %1, %2, %11, %5, %6, %7, %8, %9, %5 : tensor<3x4xf32>, tensor<2x2x4xf32>, tensor<2x5x4xf32>, tensor<2x1xf32>, tensor<2x5x4xf32>, tensor<2x5x4xi1>, tensor<2x5x4xf32>, tensor<2x5x4xf16>, tensor<3x2x5x4xf32>, tensor<2x5x4xf32>
}

// Quantization (issue #16, item 4): codes ui8 (ONNX uint8) or i8 (int8),
// scales f32, zero points of their codes' type, int32 accumulators.
// CHECK-LABEL: func.func @quantization
func.func @quantization(%x: tensor<1x2x4x4xf32>, %s: tensor<f32>, %zu: tensor<ui8>,
                        %s2: tensor<2xf32>, %z2: tensor<2xi8>, %w: tensor<3x2x3x3xi8>,
                        %s3: tensor<3xf32>, %z3: tensor<3xi8>, %zi: tensor<i8>,
                        %b: tensor<3xi32>, %bq: tensor<3xi32>, %z3i32: tensor<3xi32>,
                        %a: tensor<2x5x4xui8>, %bm: tensor<4x3xi8>, %za: tensor<5xui8>)
    -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>,
        tensor<1x3x2x2xi32>, tensor<1x3x2x2xui8>, tensor<3xf32>,
        tensor<2x5x3xi32>, tensor<2x5x3xi8>) {
  // axis 1, the default, is elided.
  // CHECK: nn.quantize_linear %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x4x4xi8>
  %q = nn.quantize_linear %x, %s2, %z2 {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x4x4xi8>
  // CHECK: nn.dequantize_linear %{{.*}} {axis = -3 : i64} : (tensor<1x2x4x4xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x4x4xf32>
  %dq = nn.dequantize_linear %q, %s2, %z2 {axis = -3 : i64} : (tensor<1x2x4x4xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x4x4xf32>
  // CHECK: nn.dynamic_quantize_linear %{{.*}} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>)
  %y, %ys, %yz = nn.dynamic_quantize_linear %x : (tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>)
  // Per-filter w_zero_point.
  // CHECK: nn.conv_integer {{.*}} -> tensor<1x3x2x2xi32>
  %ci = nn.conv_integer %y, %w, %yz, %z3 : (tensor<1x2x4x4xui8>, tensor<3x2x3x3xi8>, tensor<ui8>, tensor<3xi8>) -> tensor<1x3x2x2xi32>
  // CHECK: nn.qlinear_conv {{.*}} {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : {{.*}} -> tensor<1x3x2x2xui8>
  %qc = nn.qlinear_conv %y, %s, %zu, %w, %s3, %z3, %s, %zu, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<3xi8>, tensor<f32>, tensor<ui8>, tensor<3xi32>) -> tensor<1x3x2x2xui8>
  // A quantized bias: int32 codes.
  // CHECK: nn.dequantize_linear {{.*}} {axis = 0 : i64} : (tensor<3xi32>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  %bias = nn.dequantize_linear %bq, %s3, %z3i32 {axis = 0 : i64} : (tensor<3xi32>, tensor<3xf32>, tensor<3xi32>) -> tensor<3xf32>
  // Batched A with a zero point per row; B broadcast over the batch.
  // CHECK: nn.matmul_integer {{.*}} -> tensor<2x5x3xi32>
  %mi = nn.matmul_integer %a, %bm, %za, %zi : (tensor<2x5x4xui8>, tensor<4x3xi8>, tensor<5xui8>, tensor<i8>) -> tensor<2x5x3xi32>
  // CHECK: nn.qlinear_matmul {{.*}} -> tensor<2x5x3xi8>
  %qm = nn.qlinear_matmul %a, %s, %zu, %bm, %s, %zi, %s, %zi : (tensor<2x5x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<i8>) -> tensor<2x5x3xi8>
  return %dq, %y, %ys, %yz, %ci, %qc, %bias, %mi, %qm : tensor<1x2x4x4xf32>, tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<1x3x2x2xi32>, tensor<1x3x2x2xui8>, tensor<3xf32>, tensor<2x5x3xi32>, tensor<2x5x3xi8>
}

// DynamicQuantizeLinear's function body: min, max, reduce_min, round.
// CHECK-LABEL: func.func @quantize_function_body
func.func @quantize_function_body(%x: tensor<2x3xf32>, %r: tensor<3xf32>, %i: tensor<4xui8>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<f32>, tensor<2x3xf32>, tensor<4xui8>) {
  // CHECK: nn.min
  %0 = nn.min %x, %r : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: nn.max
  %1 = nn.max %x, %r : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: nn.reduce_min
  %2 = nn.reduce_min %x {keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
  // CHECK: nn.round
  %3 = nn.round %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // Integers too.
  %4 = nn.max %i, %i : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2, %3, %4 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<f32>, tensor<2x3xf32>, tensor<4xui8>
}
