"""Writes a BERT-base-shaped encoder with random weights (for benchmarks).

Usage: /usr/bin/python3 bench/make_bert_base.py OUT.onnx [--seed S]
           [--layers L] [--calibration OUT.npy --samples K]

The shapes are BERT-base's (Devlin et al. 2019; HuggingFace bert-base-uncased):
vocabulary 30522, hidden 768, 12 layers of 12 heads, FFN 3072, sequence
length 128, a 768x768 pooler with Tanh: ~110 M parameters (the weight
matrices, biases and layer-norm scales a real checkpoint has).

The graph uses only operators nncc imports and maps today (MatMul with a
constant right operand, Add, Mul, Div, Reshape, Softmax, Sigmoid, Tanh), so
three parts of the encoder are stand-ins with the same weights:
- the token embedding is a MatMul of a one-hot input [1, 128, 30522] with the
  30522 x 768 table (an embedding held in arrays) instead of a Gather; the
  position (128 rows used) and token-type embeddings are added constants;
- attention keeps the Q, K, V and output projections and a per-head
  Softmax, but mixes them elementwise, softmax(Q * K / 8) * V, instead of
  the two activation-by-activation products QK^T and attention-by-V, which
  the arrays cannot hold (issue #16 maps them on digital units);
- LayerNormalization is its affine part only (x * gamma + beta, the
  normalization needs ReduceMean), GELU is x * sigmoid(1.702 x).
Once the importer takes Gather, LayerNormalization and Erf (issue #16 item
1), this script is to emit the real operators; the weight layers, and so
the crossbar mapping and the output sizes it is benchmarked for, stay the
same.

Everything is static, opset 13.  Weights are float32 noise from numpy's
PCG64 (same seed, same bytes), N(0, 0.02) as BERT's initializer.
--calibration writes K one-hot token sequences [K, 128, 30522] as .npy for
`nncc compile --calibration`.  The file (~440 MB) is generated, not
committed.
"""
import argparse

import numpy as np
import onnx
from onnx import numpy_helper

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

    def layer_norm_affine(self, x):
        gamma = self.constant("gamma", np.ones(HIDDEN) +
                              INIT_SCALE * self.rng.standard_normal(HIDDEN))
        beta = self.weight("beta", (HIDDEN,), INIT_SCALE)
        return self.node("Add", [self.node("Mul", [x, gamma]), beta])

    def gelu(self, x):
        k = self.constant("gelu_k", np.array([1.702]))
        return self.node("Mul", [x, self.node("Sigmoid",
                                              [self.node("Mul", [x, k])])])

    def attention(self, x):
        head = HIDDEN // HEADS
        q, k, v = (self.dense(x, HIDDEN, HIDDEN) for _ in range(3))
        per_head = self.shape([1, SEQ, HEADS, head])
        scale = self.constant("scale", np.array([np.sqrt(head)]))
        scores = self.node("Div", [self.node("Mul", [q, k]), scale])
        probs = self.node("Softmax", [self.node("Reshape", [scores, per_head])],
                          axis=-1)
        context = self.node("Mul", [probs,
                                    self.node("Reshape", [v, per_head])])
        context = self.node("Reshape", [context, self.shape([1, SEQ, HIDDEN])])
        return self.dense(context, HIDDEN, HIDDEN)

    def encoder_layer(self, x):
        x = self.layer_norm_affine(self.node("Add", [x, self.attention(x)]))
        ffn = self.dense(self.gelu(self.dense(x, HIDDEN, FFN)), FFN, HIDDEN)
        return self.layer_norm_affine(self.node("Add", [x, ffn]))


def build(g, layers):
    words = g.weight("word_embeddings", (VOCAB, HIDDEN), INIT_SCALE)
    positions = g.weight("position_embeddings", (SEQ, HIDDEN), INIT_SCALE)
    # Every token is of type 0: the table's first row is added everywhere.
    token_type = g.weight("token_type_embedding_0", (HIDDEN,), INIT_SCALE)
    x = g.node("Add", [g.node("MatMul", ["input", words]), positions])
    x = g.node("Add", [x, token_type])
    x = g.layer_norm_affine(x)
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
    model = g.model("bert_base_shaped_random", [1, SEQ, VOCAB], output,
                    [1, SEQ, HIDDEN], "nncc-bench")
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    print(f"wrote {args.out}: {len(model.graph.node)} nodes, "
          f"{parameter_count(model) / 1e6:.1f} M parameters")
    if args.calibration:
        rng = np.random.Generator(np.random.PCG64(args.seed + 1))
        tokens = rng.integers(0, VOCAB, size=(args.samples, SEQ))
        samples = np.zeros((args.samples, SEQ, VOCAB), np.float32)
        for s in range(args.samples):
            samples[s, np.arange(SEQ), tokens[s]] = 1.0
        np.save(args.calibration, samples)
        print(f"wrote {args.calibration}: {args.samples} one-hot sequences")


if __name__ == "__main__":
    main()
