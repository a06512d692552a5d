#!/usr/bin/python3
"""(Re)generates the ONNX models of test/Import/encoder-*.test (issue #16).

Run with Debian's python3 (python3-onnx 1.12, numpy):

    /usr/bin/python3 test/Import/Inputs/make_encoder_op_models.py

The files are written next to this script and committed; the output is
deterministic.  Models named `bad_*.onnx` are broken in one way, each named
after its lit test (`bad_foo.onnx` <-> `../bad-foo.test`); the others pass
onnx.checker.

- shape_arithmetic.onnx: torch's shape idioms on a static input (Shape,
  Gather, Unsqueeze, Concat -> Reshape) and a constant subgraph using
  Range, Cast, Equal, Where, ConstantOfShape, Expand and Slice; nncc folds
  all of it at import.
- encoder_ops.onnx (opset 17): each new operator on activations, one output
  per node.
- encoder_ops_opset11.onnx: the operators whose inputs were attributes
  before opset 13 (Split's split, ReduceSum's axes) and Slice-10's inputs.
"""
import os

import numpy as np
from onnx import TensorProto, numpy_helper

import onnx_test_models
from onnx_test_models import const, node, vinfo

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT, INT64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL


def model(nodes, inputs, outputs, initializers=(), opset=13, check=True):
    return onnx_test_models.model(nodes, inputs, outputs, "nncc-make_encoder_op_models",
                                  initializers, opset, check)


def shape_arithmetic():
    nodes = [
        # y1 = Reshape(x, [Shape(x)[1], -1]): [2, 3, 4] -> [3, 8].
        node("Shape", ["x"], ["shape"]),
        node("Gather", ["shape", "one"], ["dim1"], axis=0),
        node("Unsqueeze", ["dim1", "zero_axis"], ["dim1_vec"]),
        node("Concat", ["dim1_vec", "minus_one"], ["new_shape"], axis=0),
        node("Reshape", ["x", "new_shape"], ["y1"]),
        # y2 = Slice(Expand(Where(Range(0, 3, 1) == 1, 10, float(range)),
        #      [2, 3]), rows 0:1) + ConstantOfShape([3], 1): [[1, 11, 3]].
        node("Range", ["start", "limit", "delta"], ["range"]),
        node("Cast", ["range"], ["range_f"], to=FLOAT),
        node("Equal", ["range", "one"], ["is_one"]),
        node("Where", ["is_one", "ten", "range_f"], ["picked"]),
        node("Expand", ["picked", "two_by_three"], ["rows"]),
        node("Slice", ["rows", "zero_vec", "one_vec", "zero_vec"], ["row0"]),
        node("ConstantOfShape", ["dim1_vec"], ["ones"],
             value=numpy_helper.from_array(np.array([1.0], np.float32))),
        node("Add", ["row0", "ones"], ["y2"]),
    ]
    inits = [const("one", 1), const("zero_axis", [0]),
             const("minus_one", [-1]), const("start", 0), const("limit", 3),
             const("delta", 1), const("ten", 10.0, np.float32),
             const("two_by_three", [2, 3]), const("zero_vec", [0]),
             const("one_vec", [1])]
    return model(nodes, [vinfo("x", [2, 3, 4])],
                 [vinfo("y1", [3, 8]), vinfo("y2", [1, 3])], inits)


def encoder_ops():
    nodes = [
        node("Gather", ["table", "ids"], ["embedded"], axis=0),
        node("Gather", ["x", "last"], ["last_column"], axis=-1),
        node("Slice", ["x", "starts", "ends", "axes", "steps"], ["sliced"]),
        node("Split", ["x", "split"], ["left", "right"], axis=1),
        node("Erf", ["x"], ["erf"]),
        node("Sqrt", ["x"], ["sqrt"]),
        node("Exp", ["x"], ["exp"]),
        node("Pow", ["x", "two"], ["squared"]),
        node("ReduceMean", ["x"], ["mean"], axes=[-1]),
        node("ReduceSum", ["x", "axes_sum"], ["sum"], keepdims=0),
        node("ReduceMax", ["x"], ["max"], axes=[0], keepdims=1),
        node("LayerNormalization", ["x", "gamma", "beta"], ["normed"],
             axis=-1, epsilon=1e-6),
        node("Equal", ["ids", "pad"], ["is_pad"]),
        node("Unsqueeze", ["is_pad", "unsq_axes"], ["is_pad_col"]),
        node("Where", ["is_pad_col", "x", "zero_f"], ["masked"]),
        node("Cast", ["is_pad"], ["is_pad_f"], to=FLOAT),
        node("Expand", ["gamma", "expand_shape"], ["expanded"]),
        node("MatMul", ["x", "xt"], ["gram"]),
    ]
    inits = [numpy_helper.from_array(
                 np.arange(20, dtype=np.float32).reshape(5, 4), "table"),
             const("last", -1), const("starts", [1]), const("ends", [-1]),
             const("axes", [1]), const("steps", [2]), const("split", [1, 3]),
             const("two", 2.0, np.float32), const("axes_sum", [1]),
             numpy_helper.from_array(np.ones(4, np.float32), "gamma"),
             numpy_helper.from_array(np.zeros(4, np.float32), "beta"),
             const("pad", 0), const("zero_f", 0.0, np.float32),
             const("expand_shape", [2, 1, 4]), const("unsq_axes", [1])]
    outputs = [vinfo("embedded", [2, 4]), vinfo("last_column", [2]),
               vinfo("sliced", [2, 1]), vinfo("left", [2, 1]),
               vinfo("right", [2, 3]), vinfo("erf", [2, 4]),
               vinfo("sqrt", [2, 4]), vinfo("exp", [2, 4]),
               vinfo("squared", [2, 4]), vinfo("mean", [2, 1]),
               vinfo("sum", [2]), vinfo("max", [1, 4]),
               vinfo("normed", [2, 4]), vinfo("masked", [2, 4]),
               vinfo("is_pad_f", [2], FLOAT), vinfo("expanded", [2, 1, 4]),
               vinfo("gram", [2, 2])]
    return model(nodes, [vinfo("x", [2, 4]), vinfo("ids", [2], INT64),
                         vinfo("xt", [4, 2])], outputs, inits, opset=17)


def encoder_ops_opset11():
    nodes = [
        node("Split", ["x"], ["left", "right"], axis=-1, split=[3, 1]),
        node("ReduceSum", ["x"], ["sum"], axes=[0], keepdims=0),
        node("Slice", ["x", "starts", "ends"], ["tail"]),
    ]
    inits = [const("starts", [1, 2]), const("ends", [9, 100])]
    return model(nodes, [vinfo("x", [2, 4])],
                 [vinfo("left", [2, 3]), vinfo("right", [2, 1]),
                  vinfo("sum", [4]), vinfo("tail", [1, 2])], inits, opset=11)


def bad_models():
    c = {}
    x = [vinfo("x", [2, 4])]
    c["bad_gather_index"] = model(
        [node("Gather", ["table", "ids"], ["y"])], [],
        [vinfo("y", [2, 4])],
        [numpy_helper.from_array(np.zeros((5, 4), np.float32), "table"),
         const("ids", [0, 7])])
    c["bad_slice_step"] = model(
        [node("Slice", ["x", "s", "e", "a", "st"], ["y"])], x,
        [vinfo("y", [2, 4])],
        [const("s", [0]), const("e", [4]), const("a", [1]), const("st", [0])],
        check=False)
    c["bad_split_sizes"] = model(
        [node("Split", ["x", "split"], ["a", "b"], axis=1)], x,
        [vinfo("a", [2, 1]), vinfo("b", [2, 2])], [const("split", [1, 2])],
        check=False)
    c["bad_range_delta"] = model(
        [node("Range", ["s", "l", "d"], ["y"])], [], [vinfo("y", [5], INT64)],
        [const("s", 0), const("l", 5), const("d", 0)])
    # Neither bound is a constant: one line, about the first.
    c["bad_slice_bounds"] = model(
        [node("Slice", ["x", "s", "e"], ["y"])],
        x + [vinfo("s", [1], INT64), vinfo("e", [1], INT64)],
        [vinfo("y", [2, 4])])
    # Range's result is built as a constant: 2^40 entries are refused.
    c["bad_range_huge"] = model(
        [node("Range", ["s", "l", "d"], ["y"])], [], [vinfo("y", [None], INT64)],
        [const("s", 0), const("l", 1 << 40), const("d", 1)])
    # The shape comes from the data (y's values), not from static shapes.
    c["bad_reshape_data_shape"] = model(
        [node("Shape", ["x"], ["shape"]),
         node("Cast", ["y"], ["y_int"], to=INT64),
         node("Add", ["shape", "y_int"], ["new_shape"]),
         node("Reshape", ["x", "new_shape"], ["z"])],
        x + [vinfo("y", [2])], [vinfo("z", [2, 4])])
    c["bad_layernorm_stash_type"] = model(
        [node("LayerNormalization", ["x", "gamma"], ["y"], stash_type=0)], x,
        [vinfo("y", [2, 4])],
        [numpy_helper.from_array(np.ones(4, np.float32), "gamma")], opset=17,
        check=False)
    c["bad_cast_string"] = model(
        [node("Cast", ["x"], ["y"], to=TensorProto.STRING)], x,
        [vinfo("y", [2, 4], TensorProto.STRING)])
    c["bad_where_condition"] = model(
        [node("Where", ["x", "x", "x"], ["y"])], x, [vinfo("y", [2, 4])],
        check=False)
    c["bad_expand_shape"] = model(
        [node("Expand", ["x", "shape"], ["y"])], x, [vinfo("y", [2, 4])],
        [const("shape", [3, 4])])
    return c


def main():
    models = {"shape_arithmetic": shape_arithmetic(),
              "encoder_ops": encoder_ops(),
              "encoder_ops_opset11": encoder_ops_opset11()}
    models.update(bad_models())
    for name, m in models.items():
        with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())


if __name__ == "__main__":
    main()
