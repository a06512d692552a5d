#!/usr/bin/python3
"""(Re)generates the ONNX models that test/Import/*.test feed to `nncc import`.

Run from anywhere with Debian's python3 (python3-onnx 1.12, numpy):

    /usr/bin/python3 test/Import/Inputs/make_bad_models.py

The files are written next to this script and committed.  The output is
deterministic (weights and random bytes come from fixed-seed generators), so
re-running the script must leave `git status` clean.  A different numpy
release may draw other numbers from the same seeds; no test depends on the
weight values, only on shapes, names and blob sizes.

Every model except good_mlp.onnx is deliberately broken in one way, and
onnx.checker is only run on the valid one.  Each broken model is named after
its lit test: `foo_bar.onnx` <-> `../bad-foo-bar.test`.  short_weights.bin is
the too-short external data of external_short.onnx and constant_external.onnx;
missing_weights.bin must not exist.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT = TensorProto.FLOAT

# Default-domain opset used by the models unless a case is about opsets.
OPSET = 13


def rng(seed):
    return np.random.default_rng(seed)


def weights(name, shape, seed):
    values = rng(seed).standard_normal(shape).astype(np.float32)
    return numpy_helper.from_array(values, name)


def vinfo(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, initializers=(), opsets=None,
          name="test"):
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs),
                              initializer=list(initializers))
    if opsets is None:
        opsets = [helper.make_opsetid("", OPSET)]
    m = helper.make_model(graph, opset_imports=opsets,
                          producer_name="nncc-make_bad_models")
    # Pin the IR version so that the bytes do not depend on the onnx release.
    m.ir_version = 8
    return m


def write_bytes(filename, data):
    with open(os.path.join(HERE, filename), "wb") as f:
        f.write(data)


def save(filename, m):
    write_bytes(filename, m.SerializeToString())


def gemm_model(w_init, inputs=None, w_name="W"):
    """y = Gemm(x[1,4], W[4,3]) with W given by `w_init` (a TensorProto)."""
    return model(
        [helper.make_node("Gemm", ["x", w_name], ["y"], name="fc")],
        inputs or [vinfo("x", [1, 4])], [vinfo("y", [1, 3])],
        [w_init] if w_init is not None else [])


# ---------------------------------------------------------------------------
# The valid model
# ---------------------------------------------------------------------------

def good_mlp():
    """x[1,4] -> Gemm(W1[4,8], b1) -> Relu -> Gemm(W2[8,3], b2) -> y[1,3]."""
    return model(
        [
            helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], name="fc1"),
            helper.make_node("Relu", ["h"], ["r"], name="relu1"),
            helper.make_node("Gemm", ["r", "W2", "b2"], ["y"], name="fc2"),
        ],
        [vinfo("x", [1, 4])], [vinfo("y", [1, 3])],
        [weights("W1", [4, 8], 1), weights("b1", [8], 2),
         weights("W2", [8, 3], 3), weights("b2", [3], 4)],
        name="good_mlp")


# ---------------------------------------------------------------------------
# Broken models: name -> ModelProto
# ---------------------------------------------------------------------------

def cases():
    c = {}
    x4 = [vinfo("x", [1, 4])]
    y4 = [vinfo("y", [1, 4])]

    def relu(inputs=None, name="relu"):
        return model([helper.make_node("Relu", ["x"], ["y"], name=name)],
                     inputs or x4, y4)

    # Opsets.
    c["opset99"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], x4, y4,
        opsets=[helper.make_opsetid("", 99)])
    c["no_default_opset"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], x4, y4,
        opsets=[helper.make_opsetid("com.example", 1)])

    # Undefined values and unsupported operators.
    c["missing_initializer"] = gemm_model(None)
    c["unsupported_op"] = model(
        [helper.make_node("Einsum", ["x", "x"], ["y"], name="einsum",
                          equation="ij,ij->ij")], x4, y4)
    c["unsupported_lstm"] = model(
        [helper.make_node("LSTM", ["x3", "W", "R"], ["y"], name="lstm",
                          hidden_size=2)],
        [vinfo("x3", [1, 1, 4])], [vinfo("y", [1, 1, 1, 2])],
        [weights("W", [1, 8, 4], 5), weights("R", [1, 8, 2], 6)])
    c["custom_domain"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu",
                          domain="com.example")], x4, y4,
        opsets=[helper.make_opsetid("", OPSET),
                helper.make_opsetid("com.example", 1)])

    # Inconsistent shapes.
    c["gemm_mismatch"] = gemm_model(weights("W", [5, 3], 7))
    c["conv_channels"] = model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="conv",
                          kernel_shape=[3, 3])],
        [vinfo("x", [1, 3, 8, 8])], [vinfo("y", [1, 4, 6, 6])],
        [weights("W", [4, 2, 3, 3], 8)])
    c["add_broadcast"] = model(
        [helper.make_node("Add", ["a", "b"], ["y"], name="add")],
        [vinfo("a", [2, 3]), vinfo("b", [4])], [vinfo("y", [2, 3])])
    c["output_shape_mismatch"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], x4,
        [vinfo("y", [1, 5])])

    # Graph structure.
    c["cycle"] = model(
        [
            helper.make_node("Add", ["x", "b"], ["a"], name="n1"),
            helper.make_node("Relu", ["a"], ["b"], name="n2"),
        ],
        x4, [vinfo("b", [1, 4])])
    c["duplicate_output"] = model(
        [
            helper.make_node("Relu", ["x"], ["y"], name="first"),
            helper.make_node("Sigmoid", ["x"], ["y"], name="second"),
        ],
        x4, y4)
    c["duplicate_initializer"] = gemm_model(None)
    c["duplicate_initializer"].graph.initializer.extend(
        [weights("W", [4, 3], 9), weights("W", [4, 3], 10)])
    c["duplicate_input"] = model(
        [helper.make_node("Add", ["x", "x"], ["y"], name="add")],
        [vinfo("x", [1, 4]), vinfo("x", [1, 4])], y4)

    # Declared input shapes and types.
    c["zero_dim"] = relu([vinfo("x", [1, 0])])
    c["huge_dim"] = relu([vinfo("x", [1, 1 << 40])])
    c["too_many_elements"] = relu([vinfo("x", [1, 1 << 16, 1 << 16])])
    c["symbolic_dim"] = relu([vinfo("x", ["N", "C"])])
    c["float16_input"] = relu([vinfo("x", [1, 4], TensorProto.FLOAT16)])

    # Initializer payloads.
    # (helper.make_tensor refuses inconsistent payloads: build by hand.)
    def raw_tensor(dims, raw):
        t = TensorProto()
        t.name = "W"
        t.data_type = FLOAT
        t.dims.extend(dims)
        t.raw_data = raw
        return t

    c["raw_data_size"] = gemm_model(raw_tensor([4, 3], b"\0" * 10))
    c["huge_initializer"] = gemm_model(raw_tensor([4, 1 << 40], b""))

    def external(location):
        t = TensorProto()
        t.name = "W"
        t.data_type = FLOAT
        t.dims.extend([4, 3])
        t.data_location = TensorProto.EXTERNAL
        entry = t.external_data.add()
        entry.key, entry.value = "location", location
        return t

    c["external_outside"] = gemm_model(external("../../etc/passwd"))
    c["external_absolute"] = gemm_model(external("/etc/passwd"))
    c["external_missing"] = gemm_model(external("missing_weights.bin"))
    c["external_short"] = gemm_model(external("short_weights.bin"))

    # Operator-specific problems.
    c["reshape_nonconst"] = model(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        [vinfo("x", [1, 4]), vinfo("shape", [2], TensorProto.INT64)],
        [vinfo("y", [2, 2])])
    c["unnamed_node"] = model(
        [
            helper.make_node("Relu", ["x"], ["r"], name="relu"),
            helper.make_node("Add", ["r", "b"], ["y"]),  # no name: node #1
        ],
        [vinfo("x", [2, 3]), vinfo("b", [4])], [vinfo("y", [2, 3])])
    c["missing_input"] = model(
        [helper.make_node("Gemm", ["x"], ["y"], name="fc")], x4,
        [vinfo("y", [1, 3])])
    c["maxpool_no_kernel"] = model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool")],
        [vinfo("x", [1, 1, 4, 4])], [vinfo("y", [1, 1, 2, 2])])
    c["unsupported_output"] = model(
        [helper.make_node("Relu", ["x"], ["y", "extra"], name="relu")],
        x4, y4)

    # Graph outputs.
    c["no_outputs"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], x4, [])
    c["output_undefined"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], x4,
        [vinfo("z", [1, 4])])
    c["output_redefines_input"] = model(
        [helper.make_node("Relu", ["x"], ["x"], name="relu")], x4, x4)
    c["output_element_type"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], x4,
        [vinfo("y", [1, 4], TensorProto.INT64)])

    # A node name with a newline must not split the one-line diagnostic.
    c["name_newline"] = model(
        [helper.make_node("Einsum", ["x", "x"], ["y"], name="two\nlines",
                          equation="ij,ij->ij")], x4, y4)

    # Gemm's alpha is a FLOAT attribute; given as an INT it must not be
    # silently read as 0.
    c["attribute_type"] = model(
        [helper.make_node("Gemm", ["x", "W"], ["y"], name="fc", alpha=2)],
        x4, [vinfo("y", [1, 3])], [weights("W", [4, 3], 11)])

    # A Constant node's external data lives next to the model, like an
    # initializer's (short_weights.bin holds 8 of the 48 bytes needed).
    c["constant_external"] = model(
        [
            helper.make_node("Constant", [], ["W"], name="cst",
                             value=external("short_weights.bin")),
            helper.make_node("Gemm", ["x", "W"], ["y"], name="fc"),
        ],
        x4, [vinfo("y", [1, 3])])

    # Computed shapes must obey the same 2^31 limit as declared ones, and
    # their arithmetic must not overflow int64.
    def int64s(name, values):
        return numpy_helper.from_array(np.array(values, dtype=np.int64), name)

    c["reshape_overflow"] = model(  # 4 * (2^62 + 1) wraps to 4
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")],
        x4, [vinfo("y", None)], [int64s("shape", [4, (1 << 62) + 1])])
    c["pad_huge"] = model(
        [helper.make_node("Pad", ["x", "pads"], ["y"], name="pad")],
        x4, [vinfo("y", None)], [int64s("pads", [0, 0, 0, 1 << 40])])
    c["conv_huge_dilation"] = model(
        [helper.make_node("Conv", ["x", "W"], ["y"], name="conv",
                          dilations=[1 << 62, 1])],
        [vinfo("x", [1, 3, 8, 8])], [vinfo("y", None)],
        [weights("W", [4, 3, 3, 3], 12)])

    # Issue #13: values ONNX's checker or schema rejects, once accepted.
    x1144 = [vinfo("x", [1, 1, 4, 4])]
    c["unknown_attribute"] = model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu", slope=2.0)],
        x4, y4)
    c["ceil_mode_huge"] = model(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                          kernel_shape=[2, 2], ceil_mode=1 << 62)],
        x1144, [vinfo("y", None)])
    c["dropout_ratio"] = model(
        [helper.make_node("Dropout", ["x", "ratio"], ["y"], name="drop")],
        x4, y4, [numpy_helper.from_array(np.array(2.0, np.float32), "ratio")])
    bn_params = [numpy_helper.from_array(np.ones([1], np.float32), n)
                 for n in ("scale", "bias", "mean", "var")]
    c["batchnorm_epsilon"] = model(
        [helper.make_node("BatchNormalization",
                          ["x", "scale", "bias", "mean", "var"], ["y"],
                          name="bn", epsilon=-1.0)],
        x1144, [vinfo("y", [1, 1, 4, 4])], bn_params)
    c["leakyrelu_nan"] = model(
        [helper.make_node("LeakyRelu", ["x"], ["y"], name="leaky",
                          alpha=float("nan"))], x4, y4)
    both = raw_tensor([4, 3], b"\0" * 48)
    both.float_data.extend([0.0] * 12)
    c["raw_and_float_data"] = gemm_model(both)
    return c


def main():
    good = good_mlp()
    onnx.checker.check_model(good)
    data = good.SerializeToString()
    save("good_mlp.onnx", good)

    # Not protobufs at all / not complete.
    write_bytes("truncated.onnx", data[: len(data) // 2])
    write_bytes("random_bytes.onnx",
                rng(1234).integers(0, 256, 512, dtype=np.uint8).tobytes())
    write_bytes("empty.onnx", b"")

    for name, m in cases().items():
        save(name + ".onnx", m)
    # Holds 8 bytes where external_short.onnx's W needs 48.
    write_bytes("short_weights.bin", b"\0" * 8)
    return 0


if __name__ == "__main__":
    sys.exit(main())
