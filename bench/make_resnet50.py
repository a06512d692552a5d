"""Writes a ResNet-50-shaped ONNX model with random weights (for benchmarks).

Usage: /usr/bin/python3 bench/make_resnet50.py OUT.onnx [--seed S]

The graph follows torchvision's ResNet-50 v1.5 layout (conv-BN-ReLU stems,
bottleneck blocks [3, 4, 6, 3], stride on the 3x3 conv, global average pool,
1000-way Gemm), opset 13, static input [1, 3, 224, 224].  Weights are
float32 noise from numpy's PCG64 with the given seed: ~25.6 M parameters,
~100 MB.  The file is generated, not committed.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from onnx_builder import GraphBuilder


class ResNet50Builder(GraphBuilder):
    def conv_bn(self, x, cin, cout, k, stride, relu=True):
        # The original noise scale (0.05), so the benchmark file is unchanged.
        w = self.weight("w", (cout, cin, k, k), 0.05)
        y = self.node("Conv", [x, w], kernel_shape=[k, k], strides=[stride] * 2,
                      pads=[k // 2] * 4)
        gamma = self.weight("gamma", (cout,), 0.1)
        beta = self.weight("beta", (cout,), 0.1)
        mean = self.weight("mean", (cout,), 0.1)
        var_name = self.name("var")
        var = np.abs(self.rng.standard_normal(cout, dtype=np.float32)) + 0.5
        self.inits.append(numpy_helper.from_array(var, var_name))
        y = self.node("BatchNormalization", [y, gamma, beta, mean, var_name],
                      epsilon=1e-5)
        return self.node("Relu", [y]) if relu else y

    def bottleneck(self, x, cin, width, stride):
        cout = width * 4
        y = self.conv_bn(x, cin, width, 1, 1)
        y = self.conv_bn(y, width, width, 3, stride)
        y = self.conv_bn(y, width, cout, 1, 1, relu=False)
        if stride != 1 or cin != cout:
            x = self.conv_bn(x, cin, cout, 1, stride, relu=False)
        return self.node("Relu", [self.node("Add", [y, x])])


def build(seed):
    g = ResNet50Builder(seed)
    x = g.conv_bn("input", 3, 64, 7, 2)
    x = g.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    cin = 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2),
                                  (512, 3, 2)]:
        for i in range(blocks):
            x = g.bottleneck(x, cin, width, stride if i == 0 else 1)
            cin = width * 4
    x = g.node("GlobalAveragePool", [x])
    x = g.node("Flatten", [x], axis=1)
    w = g.weight("fc_w", (1000, 2048), 0.05)
    b = g.weight("fc_b", (1000,), 0.05)
    x = g.node("Gemm", [x, w, b], transB=1)
    graph = helper.make_graph(
        g.nodes, "resnet50_random",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [1, 3, 224, 224])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 1000])],
        g.inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                             producer_name="nncc-bench")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    model = build(args.seed)
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    params = sum(int(np.prod(t.dims)) for t in model.graph.initializer)
    print(f"wrote {args.out}: {len(model.graph.node)} nodes, "
          f"{params / 1e6:.1f} M parameters")


if __name__ == "__main__":
    main()
