"""Writes ONNX models with well-known layer shapes and random weights.

Usage: /usr/bin/python3 bench/make_shaped_models.py MODEL OUT.onnx
           [--input-size N] [--seed S] [--calibration OUT.npy --samples K]

MODEL is one of:
  resnet18  torchvision's ResNet-18 layout (7x7 stem, BasicBlocks [2, 2, 2, 2],
            1x1 stride-2 projections, global average pool, 1000-way Gemm);
            11.7 M parameters at any input size (default 224).
  vgg16     VGG-16 configuration D (13 3x3 convs with ReLU, 5 max pools).
            --input-size 224 (default): torchvision's classifier
            25088-4096-4096-1000, 138 M parameters.  --input-size 32: the
            CIFAR-10 variant, classifier 512-512-512-10, 15 M parameters.
  vgg8      DNN+NeuroSim's VGG-8 for CIFAR-10 (its models/VGG.py cfg 'vgg8'):
            3x3 'same' convs 128, 128, pool, 256, 256, pool, 512, 512, pool
            with ReLU, no bias, then Gemm 8192-1024 (ReLU) and 1024-10, no
            bias; 12.97 M parameters at the default (and only) size 32.
  mlp       fully connected layers of --widths (default 784,100,10: Liu et
            al., ISSCC 2020's network) with ReLU between them and no bias;
            input [1, widths[0]].  One layer (--widths K,N) is a dense MVM,
            the workload behind peak-throughput figures.
  attention one multi-head self-attention block over --tokens T tokens of
            --width D (default 16 x 32) with --heads H (default 2): Q, K, V
            and output projections (MatMul with constant D x D weights),
            the heads split by Reshape/Transpose, Q K^T / sqrt(D / H),
            Softmax over the keys, weights x V (two products of two
            activations), and the residual add; input and output [1, T, D].

Everything is static: input [1, 3, N, N] ([1, K] for mlp, [1, T, D] for
attention), opset 13, no shape ops (attention's Reshape shapes are
constants).  Weights
are He-scaled float32 noise from numpy's PCG64 (same seed, same bytes).
--calibration writes K uniform [0, 1) input samples as .npy (samples along
dim 0) for `nncc compile --calibration`.  The files are generated, not
committed (they are 45-550 MB).
"""
import argparse

import numpy as np
import onnx

from onnx_builder import GraphBuilder, parameter_count


def resnet18(g, size):
    x = g.conv_bn("input", 3, 64, 7, 2)
    x = g.max_pool(x, 3, 2, 1)
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        for block in range(2):
            s = stride if block == 0 else 1
            y = g.conv_bn(x, cin, cout, 3, s)
            y = g.conv_bn(y, cout, cout, 3, 1, relu=False)
            shortcut = x
            if s != 1 or cin != cout:
                shortcut = g.conv_bn(x, cin, cout, 1, s, relu=False)
            x = g.node("Relu", [g.node("Add", [y, shortcut])])
            cin = cout
    x = g.node("GlobalAveragePool", [x])
    x = g.node("Flatten", [x], axis=1)
    return g.gemm(x, 512, 1000), 1000


VGG16_CONVS = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
               512, 512, 512, "M", 512, 512, 512, "M"]


def vgg16(g, size):
    x, cin = "input", 3
    for v in VGG16_CONVS:
        if v == "M":
            x = g.max_pool(x, 2, 2)
            size //= 2
        else:
            x = g.node("Relu", [g.conv(x, cin, v, 3, bias=True)])
            cin = v
    x = g.node("Flatten", [x], axis=1)
    hidden, classes = (512, 10) if size == 1 else (4096, 1000)
    fan_in = cin * size * size
    x = g.node("Relu", [g.gemm(x, fan_in, hidden)])
    x = g.node("Relu", [g.gemm(x, hidden, hidden)])
    return g.gemm(x, hidden, classes), classes


VGG8_CONVS = [128, 128, "M", 256, 256, "M", 512, 512, "M"]


def vgg8(g, size):
    # NeuroSim's QConv2d/QLinear carry no bias; the shapes are its
    # NetWork_VGG8 layers (IFM 32/32/16/16/8/8, then 8192 and 1024 inputs).
    x, cin = "input", 3
    for v in VGG8_CONVS:
        if v == "M":
            x = g.max_pool(x, 2, 2)
            size //= 2
        else:
            x = g.node("Relu", [g.conv(x, cin, v, 3)])
            cin = v
    x = g.node("Flatten", [x], axis=1)
    x = g.node("Relu", [g.gemm(x, cin * size * size, 1024, bias=False)])
    return g.gemm(x, 1024, 10, bias=False), 10


def mlp(g, widths):
    x = "input"
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        x = g.gemm(x, fan_in, fan_out, bias=False)
        if i + 2 < len(widths):
            x = g.node("Relu", [x])
    return x, widths[-1]


def attention(g, tokens, width, heads):
    head = width // heads
    x = "input"

    def project(v):
        return g.node("MatMul", [v, g.weight("w", (width, width))])

    def split(v, perm):
        shape = g.constant("shape", np.array([1, tokens, heads, head],
                                             dtype=np.int64))
        return g.node("Transpose", [g.node("Reshape", [v, shape])], perm=perm)

    q = split(project(x), [0, 2, 1, 3])   # [1, H, T, head]
    kt = split(project(x), [0, 2, 3, 1])  # [1, H, head, T]
    v = split(project(x), [0, 2, 1, 3])   # [1, H, T, head]
    scale = g.constant("scale", np.array(1 / np.sqrt(head), dtype=np.float32))
    scores = g.node("Mul", [g.node("MatMul", [q, kt]), scale])
    weights = g.node("Softmax", [scores], axis=-1)
    heads_out = g.node("Transpose", [g.node("MatMul", [weights, v])],
                       perm=[0, 2, 1, 3])
    merged = g.node("Reshape", [heads_out, g.constant(
        "shape", np.array([1, tokens, width], dtype=np.int64))])
    return g.node("Add", [project(merged), x])


MODELS = {"resnet18": (resnet18, 224), "vgg16": (vgg16, 224),
          "vgg8": (vgg8, 32), "mlp": (mlp, None), "attention": (attention, None)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("out")
    parser.add_argument("--input-size", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--calibration")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--widths", default="784,100,10",
                        help="mlp: comma-separated layer widths")
    parser.add_argument("--tokens", type=int, default=16,
                        help="attention: sequence length")
    parser.add_argument("--width", type=int, default=32,
                        help="attention: model width")
    parser.add_argument("--heads", type=int, default=2,
                        help="attention: heads (must divide --width)")
    args = parser.parse_args()
    build, default_size = MODELS[args.model]
    g = GraphBuilder(args.seed)
    if args.model == "mlp":
        widths = [int(w) for w in args.widths.split(",")]
        if len(widths) < 2 or min(widths) < 1:
            parser.error("--widths needs at least two positive widths")
        input_shape = [1, widths[0]]
        output, classes = build(g, widths)
        output_shape = [1, classes]
    elif args.model == "attention":
        if min(args.tokens, args.width, args.heads) < 1 or \
                args.width % args.heads:
            parser.error("--tokens, --width and --heads must be positive and "
                         "--heads must divide --width")
        input_shape = [1, args.tokens, args.width]
        output = build(g, args.tokens, args.width, args.heads)
        output_shape = input_shape
    else:
        size = args.input_size or default_size
        if size % 32:
            parser.error("--input-size must be a multiple of 32")
        input_shape = [1, 3, size, size]
        output, classes = build(g, size)
        output_shape = [1, classes]
    model = g.model(f"{args.model}_random", input_shape, output,
                    output_shape, "nncc-bench")
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    print(f"wrote {args.out}: {len(model.graph.node)} nodes, "
          f"{parameter_count(model) / 1e6:.1f} M parameters")
    if args.calibration:
        rng = np.random.Generator(np.random.PCG64(args.seed + 1))
        samples = rng.random((args.samples, *input_shape[1:]),
                             dtype=np.float32)
        np.save(args.calibration, samples)
        print(f"wrote {args.calibration}: {args.samples} samples")


if __name__ == "__main__":
    main()
