#!/usr/bin/env python3
"""Writes tiny-cnn.onnx, the model the end-to-end fuzz harness compiles onto
each fuzzed chip: a convolution, a ReLU, a max-pool and a fully connected
layer (the layer kinds every mapping path handles), small enough that one
compile takes milliseconds.  Weights are seeded: the file is reproducible.

    python3 test/fuzz/models/make_tiny_cnn.py test/fuzz/models/tiny-cnn.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(path):
    rng = np.random.default_rng(7)
    conv_w = rng.standard_normal((4, 1, 3, 3)).astype(np.float32) * 0.3
    conv_b = rng.standard_normal(4).astype(np.float32) * 0.1
    fc_w = rng.standard_normal((16, 3)).astype(np.float32) * 0.3
    fc_b = rng.standard_normal(3).astype(np.float32) * 0.1
    nodes = [
        helper.make_node("Conv", ["x", "conv_w", "conv_b"], ["c"],
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], axis=1),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "tiny_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
        [numpy_helper.from_array(conv_w, "conv_w"),
         numpy_helper.from_array(conv_b, "conv_b"),
         numpy_helper.from_array(fc_w, "fc_w"),
         numpy_helper.from_array(fc_b, "fc_b")])
    model = helper.make_model(graph, producer_name="nncc",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1])
