// RUN: nncc-opt %s -split-input-file -verify-diagnostics
// Shape inference rejects what ONNX rejects, at the op's location.

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{weight [4, 2, 3, 3] expects 2 input channels, input has 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_group(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32> {
  // expected-error @+2 {{group 2 must divide the 4 input channels and 3 filters}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv %x, %w {group = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

func.func @conv_bias(%x: tensor<1x1x8x8xf32>, %w: tensor<4x1x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{bias [3] must be [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv %x, %w, %b : (tensor<1x1x8x8xf32>, tensor<4x1x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_window_too_big(%x: tensor<1x1x2x2xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32> {
  // expected-error @+2 {{window of extent 3 does not fit the padded input extent 2 of spatial dim 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv %x, %w : (tensor<1x1x2x2xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
  return %0 : tensor<1x1x1x1xf32>
}

// -----

func.func @conv_wrong_result(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x8x8xf32> {
  // expected-error @+2 {{'nn.conv' op inferred type(s) 'tensor<1x2x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x2x8x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv %x, %w : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x8x8xf32>
  return %0 : tensor<1x2x8x8xf32>
}

// -----

func.func @conv_pads_length(%x: tensor<1x1x8x8xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32> {
  // expected-error @+2 {{pads has 2 entries, expected 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv %x, %w {pads = array<i64: 1, 1>} : (tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32>
  return %0 : tensor<1x2x6x6xf32>
}

// -----

func.func @gemm_inner(%a: tensor<3x5xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  // expected-error @+2 {{inner dimensions differ: A [3, 5] and B [4, 5] (transA=0, transB=0)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.gemm %a, %b : (tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

func.func @gemm_bias(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<3xf32>) -> tensor<3x4xf32> {
  // expected-error @+2 {{C [3] does not broadcast to [3, 4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.gemm %a, %b, %c : (tensor<3x5xf32>, tensor<5x4xf32>, tensor<3xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

func.func @matmul_inner(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{inner dimensions differ: [2, 3] x [4, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{shapes [2, 3] and [4] are not broadcastable}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @add_types(%a: tensor<2xf32>, %b: tensor<2xf64>) -> tensor<2xf32> {
  // expected-error @+2 {{element types differ: 'f32' and 'f64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.add %a, %b : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @conv_int(%x: tensor<1x1x4x4xi32>, %w: tensor<1x1x3x3xi32>) -> tensor<1x1x2x2xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 32-bit float values}}
  %0 = nn.conv %x, %w : (tensor<1x1x4x4xi32>, tensor<1x1x3x3xi32>) -> tensor<1x1x2x2xi32>
  return %0 : tensor<1x1x2x2xi32>
}

// -----

func.func @batchnorm_channels(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %m: tensor<4xf32>) -> tensor<2x3x4xf32> {
  // expected-error @+2 {{mean [4] must be [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.batch_normalization %x, %s, %s, %m, %s : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.softmax %x {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @concat_mismatch(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{input [3, 3] differs from [2, 3] outside axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{cannot reshape [2, 3] (6 elements) to [4, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reshape %x {shape = array<i64: 4, 2>} : (tensor<2x3xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @reshape_two_infers(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  // expected-error @+2 {{shape [-1, -1] has more than one -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reshape %x {shape = array<i64: -1, -1>} : (tensor<2x3xf32>) -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{perm [0, 0] is not a permutation of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.transpose %x {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @pad_reflect(%x: tensor<2x3xf32>) -> tensor<2x9xf32> {
  // expected-error @+2 {{reflect pads must be smaller than dim 1 (3)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.pad %x {mode = #nn<pad_mode reflect>, pads = array<i64: 0, 3, 0, 3>} : (tensor<2x3xf32>) -> tensor<2x9xf32>
  return %0 : tensor<2x9xf32>
}

// -----

func.func @squeeze_non_one(%x: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+2 {{cannot squeeze dim 0 of size 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.squeeze %x {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @unsqueeze_repeat(%x: tensor<2xf32>) -> tensor<1x1x2xf32> {
  // expected-error @+2 {{axes repeat 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.unsqueeze %x {axes = array<i64: 0, -3>} : (tensor<2xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

func.func @clip_bounds(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{min 3.000000e+00 exceeds max 1.000000e+00}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.clip %x {min = 3.0 : f64, max = 1.0 : f64} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @pool_kernel_rank(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+2 {{kernel_shape has 1 entries, expected 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.max_pool %x {kernel_shape = array<i64: 2>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

func.func @pool_stride_zero(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+2 {{kernel_shape, strides and dilations must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 0, 1>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{steps must not be 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.slice %x {starts = array<i64: 0>, ends = array<i64: 4>, steps = array<i64: 0>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @slice_repeated_axis(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+2 {{axes [1, -1] repeat 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 4, 4>, axes = array<i64: 1, -1>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

func.func @reduce_repeated_axis(%x: tensor<4x4xf32>) -> tensor<1x1xf32> {
  // expected-error @+2 {{axes [0, -2] repeat 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reduce_sum %x {axes = array<i64: 0, -2>} : (tensor<4x4xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @layer_norm_scale(%x: tensor<2x4xf32>, %s: tensor<3xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{Scale [3] does not broadcast to the normalized dims [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.layer_normalization %x, %s : (tensor<2x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather_axis(%x: tensor<2x4xf32>, %i: tensor<1xi64>) -> tensor<2x1xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.gather %x, %i {axis = 2 : i64} : (tensor<2x4xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

func.func @gather_float_indices(%x: tensor<2x4xf32>, %i: tensor<1xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = nn.gather %x, %i : (tensor<2x4xf32>, tensor<1xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @where_types(%c: tensor<4xi1>, %x: tensor<4xf32>, %y: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+2 {{element types differ: 'f32' and 'i64'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.where %c, %x, %y : (tensor<4xi1>, tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @expand_negative(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{shape [-1] has a negative dimension}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.expand %x {shape = array<i64: -1>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @cast_to_index(%x: tensor<4xf32>) -> tensor<4xindex> {
  // expected-error @+2 {{cannot cast to 'index'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.cast %x {to = index} : (tensor<4xf32>) -> tensor<4xindex>
  return %0 : tensor<4xindex>
}

// -----

func.func @equal_bool_result(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 1-bit signless integer values}}
  %0 = nn.equal %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Quantization (issue #16, item 4).

func.func @quantize_scale_zero_shapes(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<ui8>) -> tensor<2x3xui8> {
  // expected-error @+1 {{scale [3] and zero point [] must have the same shape}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<3xf32>, tensor<ui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

func.func @quantize_axis_size(%x: tensor<2x3xf32>, %s: tensor<2xf32>, %z: tensor<2xui8>) -> tensor<2x3xui8> {
  // expected-error @+1 {{per-axis scale [2] must have 3 entries, the size of axis 1}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<2xf32>, tensor<2xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

func.func @quantize_axis_range(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<2x3xui8> {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = nn.quantize_linear %x, %s, %z {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

func.func @quantize_float_codes(%x: tensor<2x3xf32>, %s: tensor<f32>, %z: tensor<f32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand #2 must be ranked tensor of 8-bit signless integer or 8-bit unsigned integer or 16-bit signless integer or 16-bit unsigned integer values}}
  %0 = nn.quantize_linear %x, %s, %z : (tensor<2x3xf32>, tensor<f32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @dequantize_zero_type(%x: tensor<4xi8>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4xf32> {
  // expected-error @+1 {{zero point type 'ui8' differs from the input's 'i8'}}
  %0 = nn.dequantize_linear %x, %s, %z : (tensor<4xi8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @dynamic_quantize_result(%x: tensor<4xf32>) -> tensor<4xi8> {
  // expected-error @+1 {{result #0 must be ranked tensor of 8-bit unsigned integer values}}
  %y, %s, %z = nn.dynamic_quantize_linear %x : (tensor<4xf32>) -> (tensor<4xi8>, tensor<f32>, tensor<ui8>)
  return %y : tensor<4xi8>
}

// -----

func.func @matmul_integer_zero_type(%a: tensor<2x4xui8>, %b: tensor<4x3xi8>, %za: tensor<i8>, %zb: tensor<i8>) -> tensor<2x3xi32> {
  // expected-error @+1 {{a_zero_point type 'i8' differs from its operand's 'ui8'}}
  %0 = nn.matmul_integer %a, %b, %za, %zb : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<i8>, tensor<i8>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @matmul_integer_columns(%a: tensor<2x4xui8>, %b: tensor<4x3xi8>, %za: tensor<ui8>, %zb: tensor<2xi8>) -> tensor<2x3xi32> {
  // expected-error @+1 {{b_zero_point [2] must be a scalar or have 3 entries, one per column of B}}
  %0 = nn.matmul_integer %a, %b, %za, %zb : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<ui8>, tensor<2xi8>) -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// -----

func.func @matmul_integer_result(%a: tensor<2x4xui8>, %b: tensor<4x3xi8>, %za: tensor<ui8>, %zb: tensor<i8>) -> tensor<2x3xf32> {
  // expected-error @+1 {{result #0 must be ranked tensor of 32-bit signless integer values}}
  %0 = nn.matmul_integer %a, %b, %za, %zb : (tensor<2x4xui8>, tensor<4x3xi8>, tensor<ui8>, tensor<i8>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @conv_integer_x_zero_point(%x: tensor<1x2x4x4xui8>, %w: tensor<3x2x3x3xi8>, %zx: tensor<2xui8>, %zw: tensor<i8>) -> tensor<1x3x2x2xi32> {
  // expected-error @+1 {{x_zero_point [2] must be a scalar}}
  %0 = nn.conv_integer %x, %w, %zx, %zw : (tensor<1x2x4x4xui8>, tensor<3x2x3x3xi8>, tensor<2xui8>, tensor<i8>) -> tensor<1x3x2x2xi32>
  return %0 : tensor<1x3x2x2xi32>
}

// -----

func.func @qlinear_conv_w_scale(%x: tensor<1x2x4x4xui8>, %s: tensor<f32>, %zu: tensor<ui8>, %w: tensor<3x2x3x3xi8>, %s2: tensor<2xf32>, %z2: tensor<2xi8>) -> tensor<1x3x2x2xui8> {
  // expected-error @+1 {{w_scale [2] must be a scalar or have 3 entries, one per filter}}
  %0 = nn.qlinear_conv %x, %s, %zu, %w, %s2, %z2, %s, %zu : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<ui8>) -> tensor<1x3x2x2xui8>
  return %0 : tensor<1x3x2x2xui8>
}

// -----

func.func @qlinear_conv_scale_zero_shapes(%x: tensor<1x2x4x4xui8>, %s: tensor<f32>, %zu: tensor<ui8>, %w: tensor<3x2x3x3xi8>, %s3: tensor<3xf32>, %zi: tensor<i8>) -> tensor<1x3x2x2xui8> {
  // expected-error @+1 {{w_scale [3] and w_zero_point [] must have the same shape}}
  %0 = nn.qlinear_conv %x, %s, %zu, %w, %s3, %zi, %s, %zu : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xi8>, tensor<3xf32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x3x2x2xui8>
  return %0 : tensor<1x3x2x2xui8>
}

// -----

func.func @qlinear_conv_bias(%x: tensor<1x2x4x4xui8>, %s: tensor<f32>, %zu: tensor<ui8>, %w: tensor<3x2x3x3xi8>, %zi: tensor<i8>, %b: tensor<2xi32>) -> tensor<1x3x2x2xui8> {
  // expected-error @+2 {{bias [2] must be [3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.qlinear_conv %x, %s, %zu, %w, %s, %zi, %s, %zu, %b : (tensor<1x2x4x4xui8>, tensor<f32>, tensor<ui8>, tensor<3x2x3x3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>, tensor<2xi32>) -> tensor<1x3x2x2xui8>
  return %0 : tensor<1x3x2x2xui8>
}

// -----

func.func @qlinear_matmul_y_scale(%a: tensor<2x4xui8>, %s: tensor<f32>, %zu: tensor<ui8>, %b: tensor<4x3xi8>, %zi: tensor<i8>, %s3: tensor<3xf32>, %z3: tensor<3xi8>) -> tensor<2x3xi8> {
  // expected-error @+1 {{y_scale [3] must be a scalar}}
  %0 = nn.qlinear_matmul %a, %s, %zu, %b, %s, %zi, %s3, %z3 : (tensor<2x4xui8>, tensor<f32>, tensor<ui8>, tensor<4x3xi8>, tensor<f32>, tensor<i8>, tensor<3xf32>, tensor<3xi8>) -> tensor<2x3xi8>
  return %0 : tensor<2x3xi8>
}
