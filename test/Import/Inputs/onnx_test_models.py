"""Small builders shared by the test/Import model generators (make_*.py).

Each generator writes its models next to itself with these helpers; the
models are committed, and regenerating them gives the same bytes.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT


def vinfo(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, values, dtype=np.int64):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, name=outputs[0], **attrs)


def model(nodes, inputs, outputs, producer, initializers=(), opset=13,
          check=True):
    graph = helper.make_graph(list(nodes), "test", list(inputs), list(outputs),
                              initializer=list(initializers))
    m = helper.make_model(graph,
                          opset_imports=[helper.make_opsetid("", opset)],
                          producer_name=producer)
    m.ir_version = 8
    if check:
        onnx.checker.check_model(m)
    return m
