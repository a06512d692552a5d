#!/usr/bin/python3
"""(Re)generates the ONNX models of test/Import/quantization-*.test and
bad-quantize-*.test, bad-dequantize-*.test, bad-qlinear-*.test (issue #16,
item 4).

Run with Debian's python3 (python3-onnx 1.12, numpy):

    /usr/bin/python3 test/Import/Inputs/make_quantization_models.py

The files are written next to this script and committed; the output is
deterministic.  Models named `bad_*.onnx` are broken in one way, each named
after its lit test (`bad_foo.onnx` <-> `../bad-foo.test`).

- quantization_ops.onnx (opset 13): each QDQ and integer operator on graph
  inputs, with and without its optional zero points.
- qdq_conv.onnx (opset 13): a conv in QDQ form as quantization tools export
  it: QuantizeLinear -> DequantizeLinear on the activation, DequantizeLinear
  of int8 weights with per-channel scales (axis 0) and of an int32 bias
  (scale x_scale * w_scale, no zero point); qdq_conv_input.npy is its
  input, chosen so that every value is exact in binary (see
  ../quantization-qdq-conv.test for the hand computation).
- dynamic_quantize.onnx (opset 11): DynamicQuantizeLinear of a graph input;
  dynamic_quantize_input.npy its input.
- quantize_function_ops.onnx (opset 13): the operators of
  DynamicQuantizeLinear's function body that nothing else needs (variadic
  Min and Max, ReduceMin, Round); round.onnx rounds round_input.npy, which
  holds ties.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto

import onnx_test_models
from onnx_test_models import const, node, vinfo

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT, UINT8, INT8, INT32 = (TensorProto.FLOAT, TensorProto.UINT8,
                             TensorProto.INT8, TensorProto.INT32)


def model(nodes, inputs, outputs, initializers=(), opset=13, check=True):
    return onnx_test_models.model(nodes, inputs, outputs, "nncc-make_quantization_models",
                                  initializers, opset, check)


def quantization_ops():
    nodes = [
        # Per tensor, default (uint8) zero point.
        node("QuantizeLinear", ["x", "s"], ["q_u8"]),
        # Per channel (axis 1) into int8.
        node("QuantizeLinear", ["x", "s3", "z3_i8"], ["q_i8_axis"], axis=1),
        # int8 codes without a zero point: an int8 0 is materialized.
        node("DequantizeLinear", ["xq", "s"], ["dq"]),
        # A quantized bias: int32 codes, per-channel scales along axis 0.
        node("DequantizeLinear", ["bias_q", "s3"], ["dq_bias"], axis=0),
        node("DynamicQuantizeLinear", ["x"], ["dyn_y", "dyn_scale", "dyn_zp"]),
        # b's zero point absent: an int8 0.
        node("MatMulInteger", ["a", "b", "a_zp"], ["mmi"]),
        # w's zero point absent: a uint8 0.
        node("ConvInteger", ["img", "w_u8", "img_zp"], ["convi"],
             pads=[1, 1, 1, 1]),
        node("QLinearConv", ["img", "s", "img_zp", "w_i8", "s2", "z2_i8",
                             "s", "img_zp", "bias2"], ["qconv"],
             strides=[2, 2]),
        node("QLinearMatMul", ["a", "s", "a_zp", "b", "s", "z_i8", "s",
                               "z_i8"], ["qmm"]),
    ]
    inputs = [vinfo("x", [2, 3]), vinfo("xq", [2, 3], INT8),
              vinfo("bias_q", [3], INT32), vinfo("a", [2, 4], UINT8),
              vinfo("b", [4, 3], INT8), vinfo("img", [1, 1, 4, 4], UINT8)]
    outputs = [vinfo("q_u8", [2, 3], UINT8), vinfo("q_i8_axis", [2, 3], INT8),
               vinfo("dq", [2, 3]), vinfo("dq_bias", [3]),
               vinfo("dyn_y", [2, 3], UINT8), vinfo("dyn_scale", []),
               vinfo("dyn_zp", [], UINT8), vinfo("mmi", [2, 3], INT32),
               vinfo("convi", [1, 2, 5, 5], INT32),
               vinfo("qconv", [1, 2, 2, 2], UINT8),
               vinfo("qmm", [2, 3], INT8)]
    inits = [const("s", 0.5, np.float32),
             const("s3", [0.5, 0.25, 2.0], np.float32),
             const("z3_i8", [0, -1, 1], np.int8),
             const("a_zp", 128, np.uint8),
             const("img_zp", 3, np.uint8),
             const("w_u8", np.arange(8).reshape(2, 1, 2, 2), np.uint8),
             const("w_i8", [[[[1, -1], [2, -2]]], [[[3, 0], [0, -3]]]],
                   np.int8),
             const("s2", [0.25, 0.125], np.float32),
             const("z2_i8", [0, 1], np.int8),
             const("bias2", [10, -10], np.int32),
             const("z_i8", 0, np.int8)]
    return model(nodes, inputs, outputs, inits)


def qdq_conv():
    # The activation: x -> q (uint8, scale 0.5, zero point 0) -> x_dq.
    # Weights: int8 [2, 1, 2, 2], per-channel scales [0.5, 0.25] along
    # axis 0, no zero point.  Bias: int32 [4, -8] with scale x_scale *
    # w_scale = [0.25, 0.125], i.e. [1, -1].
    nodes = [
        node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["x_q"]),
        node("DequantizeLinear", ["x_q", "x_scale", "x_zp"], ["x_dq"]),
        node("DequantizeLinear", ["w_q", "w_scale"], ["w_dq"], axis=0),
        node("DequantizeLinear", ["b_q", "b_scale"], ["b_dq"], axis=0),
        node("Conv", ["x_dq", "w_dq", "b_dq"], ["y"]),
    ]
    inits = [const("x_scale", 0.5, np.float32),
             const("x_zp", 0, np.uint8),
             const("w_q", [[[[1, -2], [3, 4]]], [[[-128, 127], [0, 1]]]],
                   np.int8),
             const("w_scale", [0.5, 0.25], np.float32),
             const("b_q", [4, -8], np.int32),
             const("b_scale", [0.25, 0.125], np.float32)]
    return model(nodes, [vinfo("x", [1, 1, 3, 3])],
                 [vinfo("y", [1, 2, 2, 2])], inits)


def dynamic_quantize():
    nodes = [node("DynamicQuantizeLinear", ["x"], ["y", "y_scale", "y_zp"])]
    return model(nodes, [vinfo("x", [4])],
                 [vinfo("y", [4], UINT8), vinfo("y_scale", []),
                  vinfo("y_zp", [], UINT8)], opset=11)


def quantize_function_ops():
    nodes = [
        node("Min", ["x", "row", "col"], ["min3"]),
        node("Max", ["x", "row"], ["max2"]),
        node("ReduceMin", ["x"], ["rmin"], keepdims=0),
        node("Round", ["x"], ["round"]),
    ]
    return model(nodes, [vinfo("x", [2, 3]), vinfo("row", [3]),
                         vinfo("col", [2, 1])],
                 [vinfo("min3", [2, 3]), vinfo("max2", [2, 3]),
                  vinfo("rmin", []), vinfo("round", [2, 3])])


def round_only():
    return model([node("Round", ["x"], ["y"])], [vinfo("x", [6])],
                 [vinfo("y", [6])], opset=11)


def bad_models():
    """One defect each; the checker would refuse some of them."""
    s = const("s", 0.5, np.float32)
    yield "bad_quantize_zero_point_type", model(
        [node("QuantizeLinear", ["x", "s", "z"], ["y"])],
        [vinfo("x", [2, 3])], [vinfo("y", [2, 3], INT32)],
        [s, const("z", 0, np.int32)], check=False)
    # Three scales along axis 1 of a [2, 4] input.
    yield "bad_dequantize_axis_scales", model(
        [node("DequantizeLinear", ["x", "s3", "z3"], ["y"], axis=1)],
        [vinfo("x", [2, 4], UINT8)], [vinfo("y", [2, 4])],
        [const("s3", [1, 2, 3], np.float32), const("z3", [0, 0, 0], np.uint8)])
    # A per-channel scale in an opset-10 model.
    yield "bad_quantize_axis_opset10", model(
        [node("QuantizeLinear", ["x", "s2"], ["y"])],
        [vinfo("x", [2, 2])], [vinfo("y", [2, 2], UINT8)],
        [const("s2", [1, 2], np.float32)], opset=10, check=False)
    # w_scale has three entries for two filters.
    yield "bad_qlinearconv_w_scale", model(
        [node("QLinearConv", ["x", "s", "zu", "w", "s3", "z3", "s", "zu"],
              ["y"])],
        [vinfo("x", [1, 1, 3, 3], UINT8)], [vinfo("y", [1, 2, 2, 2], UINT8)],
        [s, const("zu", 0, np.uint8),
         const("w", np.ones((2, 1, 2, 2)), np.int8),
         const("s3", [1, 1, 1], np.float32), const("z3", [0, 0, 0], np.int8)],
        check=False)
    # a is uint8, its zero point int8.
    yield "bad_qlinearmatmul_zero_point", model(
        [node("QLinearMatMul", ["a", "s", "zi", "b", "s", "zi", "s", "zi"],
              ["y"])],
        [vinfo("a", [2, 2], UINT8), vinfo("b", [2, 2], INT8)],
        [vinfo("y", [2, 2], INT8)], [s, const("zi", 0, np.int8)], check=False)


def main():
    onnx.save(quantization_ops(), os.path.join(HERE, "quantization_ops.onnx"))
    onnx.save(qdq_conv(), os.path.join(HERE, "qdq_conv.onnx"))
    # Quantized with scale 0.5: 0.25 and 0.75 are ties (to even: 0 and 2),
    # -0.5 and 200 saturate to 0 and 255.
    x = np.array([[[[0.25, 0.75, 1.0], [1.5, 2.0, 2.5],
                    [-0.5, 3.0, 200.0]]]], np.float32)
    np.save(os.path.join(HERE, "qdq_conv_input.npy"), x)
    onnx.save(dynamic_quantize(), os.path.join(HERE, "dynamic_quantize.onnx"))
    np.save(os.path.join(HERE, "dynamic_quantize_input.npy"),
            np.array([-2.0, 0.0, 1.0, 3.1], np.float32))
    onnx.save(quantize_function_ops(),
              os.path.join(HERE, "quantize_function_ops.onnx"))
    onnx.save(round_only(), os.path.join(HERE, "round.onnx"))
    np.save(os.path.join(HERE, "round_input.npy"),
            np.array([0.5, 1.5, 2.5, -0.5, -2.5, 1.4], np.float32))
    for name, m in bad_models():
        onnx.save(m, os.path.join(HERE, name + ".onnx"))


if __name__ == "__main__":
    main()
