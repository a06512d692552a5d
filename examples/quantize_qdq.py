#!/usr/bin/python3
"""Post-training static quantization of an example model into QDQ ONNX.

Writes the form ONNX Runtime's `quantize_static` (QDQ format) writes, so that
`nncc compile` meets a model quantized elsewhere:

* every Conv and Gemm input is QuantizeLinear -> DequantizeLinear with uint8
  codes, scale and zero point from the activation's range over calibration
  images (MinMax, ORT's default: the range [min(x, 0), max(x, 0)] onto
  [0, 255]);
* weights are int8 initializers behind DequantizeLinear, symmetric per output
  channel with ORT's scale max|w| / 127.5 (so -128 occurs);
* biases are int32 behind DequantizeLinear with scale x_scale * w_scale.

The float graph around them is unchanged.  --fake-quant-weights writes the
other common idiom (TensorRT's, pytorch-quantization's): float weights
behind QuantizeLinear -> DequantizeLinear and float biases.  The activation ranges come from a
small numpy evaluator of the float model (the ops of the example CNNs and
MLP), not from nncc, so that nncc's own calibration plays no part.

Needs only python3-onnx and python3-numpy (no torch); deterministic (the
first N training images).  How examples/lenet5_qdq.onnx was made:

    D=/usr/share/datasets/fashion-mnist
    /usr/bin/python3 examples/quantize_qdq.py examples/lenet5.onnx \
        examples/lenet5_qdq.onnx --test $D/t10k-images-idx3-ubyte.gz \
        $D/t10k-labels-idx1-ubyte.gz
"""
import argparse
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

from fashion_mnist_idx import read_idx, read_images

DEFAULT_IMAGES = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


# --- A numpy evaluator of the float model, for the activation ranges -------

def attribute(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def conv(x, w, b, node):
    group = attribute(node, "group", 1)
    if group != 1 or attribute(node, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise SystemExit("%s: only ungrouped, explicitly padded Conv" % node.name)
    kh, kw = w.shape[2:]
    sh, sw = attribute(node, "strides", [1, 1])
    dh, dw = attribute(node, "dilations", [1, 1])
    pt, pl, pb, pr = attribute(node, "pads", [0, 0, 0, 0])
    x = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    n, c, h, wd = x.shape
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (wd - dw * (kw - 1) - 1) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), np.float32)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i * dh:i * dh + sh * oh:sh,
                                 j * dw:j * dw + sw * ow:sw]
    y = np.einsum("nckluv,mckl->nmuv", cols, w, optimize=True)
    return y + b[None, :, None, None] if b is not None else y


def max_pool(x, node):
    kh, kw = attribute(node, "kernel_shape", None)
    sh, sw = attribute(node, "strides", [1, 1])
    if any(attribute(node, "pads", [0, 0, 0, 0])):
        raise SystemExit("%s: padded MaxPool is not supported" % node.name)
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    y = np.full((n, c, oh, ow), -np.inf, np.float32)
    for i in range(kh):
        for j in range(kw):
            y = np.maximum(y, x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw])
    return y


def gemm(a, b, c, node):
    if attribute(node, "transA", 0):
        a = a.T
    if attribute(node, "transB", 0):
        b = b.T
    y = attribute(node, "alpha", 1.0) * (a @ b)
    return y + attribute(node, "beta", 1.0) * c if c is not None else y


def run_float(model, x):
    """Every tensor's value for input batch x."""
    values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    values[model.graph.input[0].name] = x
    for node in model.graph.node:
        args = [values[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            out = conv(args[0], args[1], args[2] if len(args) > 2 else None, node)
        elif op == "Gemm":
            out = gemm(args[0], args[1], args[2] if len(args) > 2 else None, node)
        elif op == "MatMul":
            out = args[0] @ args[1]
        elif op == "Relu":
            out = np.maximum(args[0], 0)
        elif op == "MaxPool":
            out = max_pool(args[0], node)
        elif op == "Flatten":
            axis = attribute(node, "axis", 1)
            out = args[0].reshape(int(np.prod(args[0].shape[:axis])), -1)
        elif op == "Add":
            out = args[0] + args[1]
        elif op in ("QuantizeLinear", "DequantizeLinear"):
            scale, zero = args[1], args[2]
            shape = [1] * args[0].ndim
            if scale.ndim == 1:
                shape[attribute(node, "axis", 1)] = -1
            scale, zero = scale.reshape(shape), zero.reshape(shape)
            if op == "QuantizeLinear":
                info = np.iinfo(zero.dtype)
                q = np.rint(args[0] / scale) + zero  # half to even, as ONNX
                values[node.output[0]] = np.clip(q, info.min, info.max).astype(
                    zero.dtype)
                continue
            out = (args[0].astype(np.int64) - zero).astype(np.float32) * scale
        else:
            raise SystemExit("%s: the calibration evaluator has no %s" %
                             (node.name, op))
        values[node.output[0]] = out.astype(np.float32)
    return values


# --- QDQ rewriting -----------------------------------------------------------

def activation_grid(lo, hi):
    """ORT's MinMax uint8 grid: [min(lo, 0), max(hi, 0)] onto [0, 255]."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
    zero = np.uint8(np.clip(np.round(-lo / scale), 0, 255))
    return scale, zero


def weight_grid(w, axis, narrow):
    """Symmetric int8 per channel along `axis`: scale max|w| / 127.5 (ORT's,
    -128 occurs), or max|w| / 127 with `narrow` (codes in [-127, 127])."""
    reduce = tuple(d for d in range(w.ndim) if d != axis)
    amax = np.abs(w).max(axis=reduce)
    levels = np.float32(127.0 if narrow else 127.5)
    scale = np.where(amax > 0, amax / levels, 1.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    codes = np.clip(np.round(w / scale.reshape(shape)), -128, 127).astype(np.int8)
    return codes, scale


def accuracy(model, images, labels, batch=500):
    """Top-1 accuracy of `model` evaluated here (no nncc)."""
    output = model.graph.output[0].name
    correct = 0
    for first in range(0, len(images), batch):
        logits = run_float(model, images[first:first + batch])[output]
        correct += int(np.sum(logits.argmax(axis=1) ==
                              labels[first:first + batch]))
    return correct, len(images)


def quantize(model, images, narrow=False, fake_quant_weights=False):
    values = run_float(model, images)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    new_inits, nodes = [], []
    quantized_inputs = {}

    def add(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    for node in graph.node:
        if node.op_type in ("Conv", "Gemm") and node.input[1] in inits:
            x = node.input[0]
            if x not in quantized_inputs:
                scale, zero = activation_grid(values[x].min(), values[x].max())
                s = add(x + "_scale", np.array(scale, np.float32))
                z = add(x + "_zero_point", np.array(zero, np.uint8))
                nodes.append(helper.make_node(
                    "QuantizeLinear", [x, s, z], [x + "_quantized"],
                    name=x + "_QuantizeLinear"))
                nodes.append(helper.make_node(
                    "DequantizeLinear", [x + "_quantized", s, z],
                    [x + "_dequantized"], name=x + "_DequantizeLinear"))
                quantized_inputs[x] = scale
            x_scale = quantized_inputs[x]
            w = numpy_helper.to_array(inits[node.input[1]])
            axis = 0 if node.op_type == "Conv" or attribute(node, "transB", 0) else 1
            codes, w_scale = weight_grid(w, axis, narrow)
            wname = node.input[1]
            if not fake_quant_weights:
                add(wname + "_quantized", codes)
            add(wname + "_scale", w_scale)
            add(wname + "_zero_point", np.zeros(w_scale.shape, np.int8))
            if fake_quant_weights:
                # The float weights stay; a QuantizeLinear makes the codes.
                nodes.append(helper.make_node(
                    "QuantizeLinear",
                    [wname, wname + "_scale", wname + "_zero_point"],
                    [wname + "_quantized"], name=wname + "_QuantizeLinear",
                    axis=axis))
            nodes.append(helper.make_node(
                "DequantizeLinear",
                [wname + "_quantized", wname + "_scale", wname + "_zero_point"],
                [wname + "_dequantized"], name=wname + "_DequantizeLinear",
                axis=axis))
            inputs = [x + "_dequantized", wname + "_dequantized"]
            if len(node.input) > 2 and node.input[2] and fake_quant_weights:
                inputs.append(node.input[2])  # a float bias, as TensorRT's
            elif len(node.input) > 2 and node.input[2]:
                b = numpy_helper.to_array(inits[node.input[2]])
                b_scale = (x_scale * w_scale).astype(np.float32)
                bname = node.input[2]
                add(bname + "_quantized",
                    np.round(b / b_scale).astype(np.int32))
                add(bname + "_scale", b_scale)
                add(bname + "_zero_point", np.zeros(b_scale.shape, np.int32))
                nodes.append(helper.make_node(
                    "DequantizeLinear",
                    [bname + "_quantized", bname + "_scale",
                     bname + "_zero_point"],
                    [bname + "_dequantized"],
                    name=bname + "_DequantizeLinear", axis=0))
                inputs.append(bname + "_dequantized")
            quantized = helper.make_node(node.op_type, inputs, list(node.output),
                                         name=node.name)
            quantized.attribute.extend(node.attribute)
            nodes.append(quantized)
        else:
            nodes.append(node)
    used = {i for n in nodes for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    out = helper.make_model(
        helper.make_graph(nodes, graph.name + "_qdq", list(graph.input),
                          list(graph.output), kept + new_inits),
        opset_imports=[helper.make_opsetid("", 13)],
        producer_name="nncc examples/quantize_qdq.py")
    onnx.checker.check_model(out)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model")
    p.add_argument("out")
    p.add_argument("--images", default=DEFAULT_IMAGES,
                   help="calibration images (IDX, pixel / 255)")
    p.add_argument("--count", type=int, default=1000,
                   help="calibrate on the first N images (default 1000)")
    p.add_argument("--narrow-range", action="store_true",
                   help="weight codes in [-127, 127] (scale max|w| / 127) "
                        "instead of ORT's max|w| / 127.5")
    p.add_argument("--fake-quant-weights", action="store_true",
                   help="keep the float weights and quantize them in the "
                        "graph (QuantizeLinear -> DequantizeLinear, float "
                        "bias), as TensorRT's QDQ exports do")
    p.add_argument("--test", nargs=2, metavar=("IMAGES", "LABELS"),
                   help="also print the quantized model's accuracy on a "
                        "test set, evaluated by this script")
    args = p.parse_args()
    model = onnx.load(args.model)
    quantized = quantize(model, read_images(args.images, args.count),
                         args.narrow_range, args.fake_quant_weights)
    onnx.save(quantized, args.out)
    print("wrote %s (%d bytes)" % (args.out, os.path.getsize(args.out)))
    if args.test:
        correct, total = accuracy(quantized, read_images(args.test[0]),
                                  read_idx(args.test[1]).astype(np.int64))
        print("accuracy: %.2f%% (%d/%d)" % (100.0 * correct / total, correct,
                                           total))


if __name__ == "__main__":
    main()
