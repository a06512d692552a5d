"""Computes bench/make_shaped_models.py's attention block by hand with numpy.

Usage: attention_reference.py MODEL.onnx INPUT.npy OUT.npy --heads H

The weights are the model's MatMul initializers in node order (Q, K, V,
output projection); the arithmetic is written out here, independently of
the importer and executor: softmax(Q K^T / sqrt(D / H)) V per head, the
heads concatenated, projected, plus the input (the residual).
"""
import argparse

import numpy as np
import onnx
from onnx import numpy_helper


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("input")
    parser.add_argument("out")
    parser.add_argument("--heads", type=int, required=True)
    args = parser.parse_args()
    model = onnx.load(args.model)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    wq, wk, wv, wo = [inits[n.input[1]] for n in model.graph.node
                      if n.op_type == "MatMul" and n.input[1] in inits]
    x = np.load(args.input).astype(np.float64)[0]  # [T, D]
    tokens, width = x.shape
    head = width // args.heads
    q, k, v = x @ wq, x @ wk, x @ wv
    out = np.zeros_like(x)
    for h in range(args.heads):
        cols = slice(h * head, (h + 1) * head)
        scores = q[:, cols] @ k[:, cols].T / np.sqrt(head)
        weights = np.exp(scores - scores.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        out[:, cols] = weights @ v[:, cols]
    y = out @ wo + x
    np.save(args.out, y[None].astype(np.float32))


if __name__ == "__main__":
    main()
