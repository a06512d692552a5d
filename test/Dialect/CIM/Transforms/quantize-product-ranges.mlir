// A product of two activations (here the layer's output times the model's
// input) stays an nn.matmul for the cores' MAC array; the calibration
// records the largest |x| of each operand on it (cim.operand_ranges), from
// which the simulation's integer MAC array takes its scales.
// Calibration: 4 samples of the [2, 2] input, two batches of 2:
//   x1 = [[0.5, 2], [1, 0.25]]: y = x1 W = [[1, 3.75], [1.0625, 0]]
//   x2 = [[0, 1.5], [2, 0]]:    y = x2 W = [[0.375, 3], [2, -1]]
// so max |y| = 3.75 (operand A) and max |x| = 2 (operand B).
// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[0.5, 2.0], [1.0, 0.25], [0.0, 1.5], [2.0, 0.0]], dtype=np.float32))"
// RUN: nncc-opt %s --nncc-quantize="calibration=%t.npy" | FileCheck %s

// CHECK: cim.layer "fc" quantized
// CHECK: nn.matmul {{.*}} {cim.operand_ranges = array<f64: 3.750000e+00, 2.000000e+00>}

func.func @main(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %0 = cim.layer "fc" lowered %a {kind = #cim<kind gemm>, weights = dense<[[[1.0, -0.5], [0.25, 2.0]]]> : tensor<1x2x2xf32>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %1 = nn.matmul %0, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}
