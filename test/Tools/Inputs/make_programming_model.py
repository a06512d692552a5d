#!/usr/bin/python3
"""(Re)generates programming_model.onnx for ../compile-programming.test.

    /usr/bin/python3 test/Tools/Inputs/make_programming_model.py

A Conv (2 output channels, 1x2x2 kernels) -> Relu -> Flatten -> Gemm (8 ->
3) whose weights are small integers chosen by hand, every output channel
reaching |w| = 7: with symmetric per-channel 4-bit quantization (qmax 7) the
scale of every channel is 1 and the integer weights are the weights
themselves, so the test can count cells from the values below.  No biases
(they stay digital and do not touch the arrays).  The output is
deterministic; the file is committed, re-running must leave git clean.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))

# [output channel, input channel, kh, kw]
CONV = np.array([[[[7, -3], [0, 2]]],
                 [[[-5, 6], [1, -7]]]], dtype=np.float32)
# [outputs, inputs] with transB = 1: row n is output n's weight column.
GEMM = np.array([[7, 0, -1, 3, 0, -4, 2, 5],
                 [-2, 6, 0, 0, -7, 1, 3, 0],
                 [4, -4, 5, 0, 0, -6, 7, 1]], dtype=np.float32)


def main():
    nodes = [
        helper.make_node("Conv", ["x", "conv_w"], ["conv"], name="conv",
                         kernel_shape=[2, 2]),
        helper.make_node("Relu", ["conv"], ["relu"], name="relu"),
        helper.make_node("Flatten", ["relu"], ["flat"], name="flat", axis=1),
        helper.make_node("Gemm", ["flat", "fc_w"], ["y"], name="fc",
                         transB=1),
    ]
    graph = helper.make_graph(
        nodes, "programming",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 3, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
        [numpy_helper.from_array(CONV, "conv_w"),
         numpy_helper.from_array(GEMM, "fc_w")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="make_programming_model.py")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, "programming_model.onnx"))


if __name__ == "__main__":
    main()
