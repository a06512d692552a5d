// Malformed MLIR syntax: one error with its location, exit 1.
// RUN: not nncc-opt %s 2>&1 | FileCheck %s
// CHECK: opt-syntax.mlir:[[@LINE+1]]:{{[0-9]+}}: error:
func.func @f(%x: tensor<2xf32> -> tensor<2xf32> {
