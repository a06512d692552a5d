"""Builds ONNX graphs with random weights (shared by the bench/ generators).

Weights are float32 noise from numpy's PCG64 with a given seed, so a script
run twice with the same seed writes byte-identical models.
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper


class GraphBuilder:
    """Accumulates nodes and initializers with unique names."""

    def __init__(self, seed):
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def weight(self, prefix, shape, scale=None):
        """He-scaled noise by default, so activations neither vanish nor
        explode through deep stacks (calibration sees realistic ranges)."""
        if scale is None:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            scale = float(np.sqrt(2.0 / max(fan_in, 1)))
        name = self.name(prefix)
        data = self.rng.standard_normal(shape, dtype=np.float32) * scale
        self.inits.append(numpy_helper.from_array(data.astype(np.float32), name))
        return name

    def constant(self, prefix, array):
        """An initializer holding `array` as it is (shapes, scalars)."""
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op, inputs, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, cin, cout, k, stride=1, bias=False):
        inputs = [x, self.weight("w", (cout, cin, k, k))]
        if bias:
            inputs.append(self.weight("b", (cout,), 0.01))
        return self.node("Conv", inputs, kernel_shape=[k, k],
                         strides=[stride] * 2, pads=[k // 2] * 4)

    def batch_norm(self, x, channels):
        gamma = self.weight("gamma", (channels,), 0.1)
        beta = self.weight("beta", (channels,), 0.1)
        mean = self.weight("mean", (channels,), 0.1)
        var_name = self.name("var")
        var = np.abs(self.rng.standard_normal(channels, dtype=np.float32)) + 0.5
        self.inits.append(numpy_helper.from_array(var, var_name))
        return self.node("BatchNormalization", [x, gamma, beta, mean, var_name],
                         epsilon=1e-5)

    def conv_bn(self, x, cin, cout, k, stride, relu=True):
        y = self.batch_norm(self.conv(x, cin, cout, k, stride), cout)
        return self.node("Relu", [y]) if relu else y

    def max_pool(self, x, k, stride, pad=0):
        return self.node("MaxPool", [x], kernel_shape=[k, k],
                         strides=[stride] * 2, pads=[pad] * 4)

    def gemm(self, x, fan_in, fan_out, bias=True):
        w = self.weight("fc_w", (fan_out, fan_in))
        if not bias:
            return self.node("Gemm", [x, w], transB=1)
        b = self.weight("fc_b", (fan_out,), 0.01)
        return self.node("Gemm", [x, w, b], transB=1)

    def model(self, name, input_shape, output, output_shape, producer,
              input_type=TensorProto.FLOAT, opset=13):
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info("input", input_type,
                                           input_shape)],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT,
                                           output_shape)],
            self.inits)
        return helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)],
            producer_name=producer)


def parameter_count(model):
    return sum(int(np.prod(t.dims)) for t in model.graph.initializer)
