"""Checks that a compiled QDQ model computes with the model's own codes.

Usage: check_qdq_codes.py MODEL.onnx OUT/ [VECTORS/ IMAGES COUNT]

1. Per cim.layer of OUT/mapped.mlir (text): the weight codes (weight_ints,
   in the layer's [G, K, N] matrix order) equal the model's int8 weight
   initializer behind its DequantizeLinear (or QuantizeLinear of its float
   weights), and the layer's input scale,
   bits and signedness are the model's QuantizeLinear's.
2. With VECTORS/ (`nncc export vectors` of the first layer on the first
   COUNT images of IMAGES, IDX): the layer's integer accumulators equal the
   convolution of the model's input codes (QuantizeLinear of pixel / 255,
   rounding half to even) with the model's weight codes, computed here with
   numpy; so the chip's activation codes are the model's too.
Prints one line per layer and exits 1 on the first difference.
"""
import os
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# The examples' one reader of Fashion-MNIST's IDX files.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "examples"))
from fashion_mnist_idx import read_images  # noqa: E402

DTYPES = {"i8": np.int8, "i16": np.int16, "i32": np.int32}


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def read_program(path):
    text = open(path).read()
    blobs = dict(re.findall(r'^\s*"?([\w.]+)"?: "0x([0-9A-F]+)"', text, re.M))
    layers = {}
    for m in re.finditer(r'cim\.layer "([^"]+)" \w+ %\S+ \{(.*?)\} :', text):
        name, attrs = m.group(1), m.group(2)
        ints = re.search(r"weight_ints = (dense_resource<([\w.]+)>|dense<(.*?)>)"
                         r" : tensor<([\dx]+)x(i\d+)>", attrs)
        shape = [int(d) for d in ints.group(4).split("x")]
        dtype = DTYPES[ints.group(5)]
        if ints.group(2):
            raw = bytes.fromhex(blobs[ints.group(2)])[4:]  # 4 alignment bytes
            codes = np.frombuffer(raw, dtype).reshape(shape)
        else:
            codes = np.array(eval(ints.group(3)), dtype).reshape(shape)
        layers[name] = {
            "codes": codes,
            "input_bits": int(re.search(r"input_bits = (\d+)", attrs).group(1)),
            "input_scale": float(re.search(r"input_scale = ([^ ]+) : f64",
                                           attrs).group(1)),
            "input_signed": re.search(r"input_signed = (\w+)",
                                      attrs).group(1) == "true",
        }
    return layers


def model_layers(model):
    """Per Conv/Gemm node: its weight codes as a [1, K, N] matrix and the
    QuantizeLinear of its input."""
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    out = {}
    for node in model.graph.node:
        if node.op_type not in ("Conv", "Gemm"):
            continue
        wdq = producer[node.input[1]]
        if wdq.input[0] in inits:
            w = inits[wdq.input[0]]
        else:
            # Float weights behind a QuantizeLinear (TensorRT's idiom): the
            # codes are its result, rounding half to even.
            wq = producer[wdq.input[0]]
            scale, zero = inits[wq.input[1]], inits[wq.input[2]]
            shape = [-1] + [1] * (inits[wq.input[0]].ndim - 1)
            axis = next((a.i for a in wq.attribute if a.name == "axis"), 1)
            if scale.ndim and axis != 0:
                shape = [1, -1]
            q = np.rint(inits[wq.input[0]] / scale.reshape(shape)) + \
                zero.reshape(shape)
            w = np.clip(q, -128, 127).astype(np.int8)
        if node.op_type == "Conv":
            matrix = w.reshape(w.shape[0], -1).T
        else:
            trans_b = any(a.name == "transB" and a.i for a in node.attribute)
            matrix = w.T if trans_b else w
        xdq = producer[node.input[0]]
        out[node.name] = {
            "codes": matrix[None],
            "weights": w,
            "input_scale": float(inits[xdq.input[1]]),
            "input_zero": int(inits[xdq.input[2]]),
            "input_signed": inits[xdq.input[2]].dtype == np.int8,
        }
    return out


def read_hex(path):
    rows = []
    for line in open(path):
        if line.startswith("//"):
            continue
        rows.append([int(w, 16) - (1 << 64) if int(w, 16) >> 63 else int(w, 16)
                     for w in line.split()])
    return np.array(rows, np.int64)


def first_layer_accumulators(model, layer, images):
    """im2col(input codes) @ weight codes, for a 2-D Conv with pads."""
    node = next(n for n in model.graph.node if n.name == layer)
    attrs = {a.name: list(a.ints) for a in node.attribute}
    info = model_layers(model)[layer]
    w = info["weights"].astype(np.int64)
    scale = np.float32(info["input_scale"])
    codes = np.clip(np.rint(images / scale) + info["input_zero"], 0, 255)
    codes = codes.astype(np.int64) - info["input_zero"]
    pt, pl, pb, pr = attrs.get("pads", [0, 0, 0, 0])
    kh, kw = w.shape[2:]
    x = np.pad(codes, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh, ow = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    acc = np.zeros((len(images), w.shape[0], oh, ow), np.int64)
    for i in range(kh):
        for j in range(kw):
            acc += np.einsum("ncuv,mc->nmuv", x[:, :, i:i + oh, j:j + ow],
                             w[:, :, i, j])
    # One line per (image, vector): [N, M, oh, ow] -> [N * oh * ow, M].
    return acc.transpose(0, 2, 3, 1).reshape(-1, w.shape[0])


def main():
    model = onnx.load(sys.argv[1])
    program = read_program(sys.argv[2] + "/mapped.mlir")
    expected = model_layers(model)
    if set(program) != set(expected):
        fail("layers %s, model has %s" % (sorted(program), sorted(expected)))
    for name, want in expected.items():
        got = program[name]
        if got["codes"].shape != want["codes"].shape or \
                not np.array_equal(got["codes"].astype(np.int64),
                                   want["codes"].astype(np.int64)):
            fail("%s: weight codes differ from the model's" % name)
        bits = 8 + (want["input_zero"] != 0)
        if (got["input_scale"] != want["input_scale"] or
                got["input_bits"] != bits or
                got["input_signed"] != (want["input_signed"] or
                                        want["input_zero"] != 0)):
            fail("%s: input %d bits, scale %r, signed %s; the model's %r, "
                 "zero point %d" % (name, got["input_bits"],
                                    got["input_scale"], got["input_signed"],
                                    want["input_scale"], want["input_zero"]))
        print("%s: %d weight codes and the input scale %.9g are the model's"
              % (name, want["codes"].size, want["input_scale"]))
    if len(sys.argv) > 3:
        vectors, images, count = sys.argv[3], sys.argv[4], int(sys.argv[5])
        manifest = open(vectors + "/manifest.json").read()
        layer = re.search(r'"layer": "([^"]+)"', manifest).group(1)
        got = read_hex(vectors + "/layer.accumulators.hex")
        want = first_layer_accumulators(model, layer,
                                        read_images(images, count))
        if got.shape != want.shape or not np.array_equal(got, want):
            fail("%s: accumulators differ from the model's integer conv "
                 "(%d of %d)" % (layer, int(np.sum(got != want)), want.size))
        print("%s: %d accumulators equal the model's integer convolution"
              % (layer, want.size))


if __name__ == "__main__":
    main()
