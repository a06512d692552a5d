"""Writes a one-Gemm ONNX model (x[1, 100] @ W[100, 64] + b, 6,400 weights:
the check scans blocks of 4,096) whose weight W has one non-finite element: make_nonfinite_model.py OUT VALUE ROW COL,
VALUE nan, inf or -inf (compile-nonfinite-weights.test)."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out, value, row, col = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
w = np.random.default_rng(0).standard_normal((100, 64)).astype(np.float32)
w[row, col] = float(value)
graph = helper.make_graph(
    [helper.make_node("Gemm", ["x", "W", "b"], ["y"], name="fc")], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 100])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])],
    [numpy_helper.from_array(w, "W"),
     numpy_helper.from_array(np.zeros(64, np.float32), "b")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), out)
