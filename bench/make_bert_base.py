"""Writes a BERT-base-shaped encoder with random weights (for benchmarks).

Usage: /usr/bin/python3 bench/make_bert_base.py OUT.onnx [--seed S]
           [--layers L] [--calibration OUT.npy --samples K]

The shapes are BERT-base's (Devlin et al. 2019; HuggingFace bert-base-uncased):
vocabulary 30522, hidden 768, 12 layers of 12 heads, FFN 3072, sequence
length 128, a 768x768 pooler with Tanh: ~110 M parameters (the weight
matrices, biases and layer-norm scales a real checkpoint has).

The graph is the encoder as exporters write it, with the operators nncc
imports (issue #16): a Gather of the token ids from the 30522 x 768 word
embedding table, added position and token-type embeddings,
LayerNormalization (opset 17), per-head attention with the two products of
activations (Q K^T / 8, Softmax, times V; Reshape and Transpose around
them), GELU as x * 0.5 * (1 + Erf(x / sqrt 2)), and a Tanh pooler.  The
weight matrices (what the crossbars hold) are BERT-base's; the embedding
table stays a lookup (a digital constant, not arrays).

Everything is static, opset 17; the input is int64 token ids [1, 128].
Weights are float32 noise from numpy's PCG64 (same seed, same bytes), N(0,
0.02) as BERT's initializer.  --calibration writes K random token sequences
[K, 128] (ids as float32, which calibration converts to the model's int64)
as .npy for `nncc compile --calibration`.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

from onnx_builder import GraphBuilder, parameter_count

VOCAB, HIDDEN, HEADS, FFN, SEQ = 30522, 768, 12, 3072, 128
INIT_SCALE = 0.02


class BertBuilder(GraphBuilder):
    def constant(self, prefix, array):
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(array.astype(np.float32),
                                                  name))
        return name

    def shape(self, dims):
        name = self.name("shape")
        self.inits.append(numpy_helper.from_array(np.array(dims, np.int64),
                                                  name))
        return name

    def dense(self, x, fan_in, fan_out):
        w = self.weight("w", (fan_in, fan_out), INIT_SCALE)
        b = self.weight("b", (fan_out,), INIT_SCALE)
        return self.node("Add", [self.node("MatMul", [x, w]), b])

    def layer_norm(self, x):
        gamma = self.constant("gamma", np.ones(HIDDEN) +
                              INIT_SCALE * self.rng.standard_normal(HIDDEN))
        beta = self.weight("beta", (HIDDEN,), INIT_SCALE)
        return self.node("LayerNormalization", [x, gamma, beta], axis=-1,
                         epsilon=1e-12)

    def gelu(self, x):
        half = self.constant("half", np.array(0.5))
        one = self.constant("one", np.array(1.0))
        root2 = self.constant("sqrt2", np.array(np.sqrt(2.0)))
        erf = self.node("Erf", [self.node("Div", [x, root2])])
        return self.node("Mul", [self.node("Mul", [x, half]),
                                 self.node("Add", [erf, one])])

    def attention(self, x):
        head = HIDDEN // HEADS
        per_head = self.shape([1, SEQ, HEADS, head])

        def heads(y, perm):
            return self.node("Transpose", [self.node("Reshape", [y, per_head])],
                             perm=perm)
        q, k, v = (self.dense(x, HIDDEN, HIDDEN) for _ in range(3))
        scale = self.constant("scale", np.array(np.sqrt(head)))
        scores = self.node("Div", [
            self.node("MatMul", [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]),
            scale])
        probs = self.node("Softmax", [scores], axis=-1)
        context = self.node("MatMul", [probs, heads(v, [0, 2, 1, 3])])
        context = self.node("Reshape", [
            self.node("Transpose", [context], perm=[0, 2, 1, 3]),
            self.shape([1, SEQ, HIDDEN])])
        return self.dense(context, HIDDEN, HIDDEN)

    def encoder_layer(self, x):
        x = self.layer_norm(self.node("Add", [x, self.attention(x)]))
        ffn = self.dense(self.gelu(self.dense(x, HIDDEN, FFN)), FFN, HIDDEN)
        return self.layer_norm(self.node("Add", [x, ffn]))


def build(g, layers):
    words = g.weight("word_embeddings", (VOCAB, HIDDEN), INIT_SCALE)
    positions = g.weight("position_embeddings", (SEQ, HIDDEN), INIT_SCALE)
    # Every token is of type 0: the table's first row is added everywhere.
    token_type = g.weight("token_type_embedding_0", (HIDDEN,), INIT_SCALE)
    x = g.node("Add", [g.node("Gather", [words, "input"], axis=0), positions])
    x = g.node("Add", [x, token_type])
    x = g.layer_norm(x)
    for _ in range(layers):
        x = g.encoder_layer(x)
    return g.node("Tanh", [g.dense(x, HIDDEN, HIDDEN)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--calibration")
    parser.add_argument("--samples", type=int, default=1)
    args = parser.parse_args()
    g = BertBuilder(args.seed)
    output = build(g, args.layers)
    model = g.model("bert_base_shaped_random", [1, SEQ], output,
                    [1, SEQ, HIDDEN], "nncc-bench", TensorProto.INT64, 17)
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    print(f"wrote {args.out}: {len(model.graph.node)} nodes, "
          f"{parameter_count(model) / 1e6:.1f} M parameters")
    if args.calibration:
        rng = np.random.Generator(np.random.PCG64(args.seed + 1))
        tokens = rng.integers(0, VOCAB, size=(args.samples, SEQ))
        np.save(args.calibration, tokens.astype(np.float32))
        print(f"wrote {args.calibration}: {args.samples} token sequences")


if __name__ == "__main__":
    main()
