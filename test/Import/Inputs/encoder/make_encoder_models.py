#!/usr/bin/python3
"""Exports a tiny transformer encoder block with Debian's torch 1.13 (issue #16).

The block is what BERT/ViT-style encoders are made of, written the way
their PyTorch code is (no fused nn.MultiheadAttention fast path), so that
the ONNX graph holds the idioms torch 1.13 emits for them:

  token embedding (Gather) + positional embedding sliced to the sequence
  length (Shape, Gather, Slice), a padding mask (Equal, Unsqueeze, Where),
  pre-norm LayerNorm, multi-head self-attention (Q/K/V/O MatMuls with
  constant weights, QK^T and attention x V between two activations, heads
  split and merged by Reshape/Transpose with shapes computed from Shape,
  Gather, Unsqueeze, Concat), Softmax, residual adds, and a GELU FFN (Div,
  Erf, Add, Mul).

At opset 13 torch decomposes LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div);
at opset 17 it emits LayerNormalization.  The script writes
encoder_opset{13,17}.onnx, the token ids it runs them on (ids.npy, with
padding, so the mask matters) and torch's outputs (expected.npy, one file:
both exports compute the same function).  ffn_opset17.onnx is the
FeedForwardBlock alone, for the compile test.  Random weights, seed 16.

Usage: make_encoder_models.py [OUTPUT_DIR]
"""
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

VOCAB, D_MODEL, HEADS, FFN, SEQ = 32, 16, 2, 32, 8
PAD = 0


class EncoderBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, D_MODEL)
        self.position = nn.Parameter(torch.randn(64, D_MODEL) * 0.1)
        self.norm1 = nn.LayerNorm(D_MODEL)
        self.query = nn.Linear(D_MODEL, D_MODEL)
        self.key = nn.Linear(D_MODEL, D_MODEL)
        self.value = nn.Linear(D_MODEL, D_MODEL)
        self.out = nn.Linear(D_MODEL, D_MODEL)
        self.norm2 = nn.LayerNorm(D_MODEL)
        self.ffn1 = nn.Linear(D_MODEL, FFN)
        self.ffn2 = nn.Linear(FFN, D_MODEL)

    def split_heads(self, x):
        batch, length, width = x.shape
        return x.reshape(batch, length, HEADS, width // HEADS).transpose(1, 2)

    def forward(self, ids):
        length = ids.size(1)
        x = self.embed(ids) + self.position[:length]
        padding = ids.eq(PAD)[:, None, None, :]

        h = self.norm1(x)
        q = self.split_heads(self.query(h))
        k = self.split_heads(self.key(h))
        v = self.split_heads(self.value(h))
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
        scores = scores.masked_fill(padding, -1e4)
        attention = scores.softmax(dim=-1) @ v
        batch, heads, _, head_width = attention.shape
        merged = attention.transpose(1, 2).reshape(batch, length,
                                                   heads * head_width)
        x = x + self.out(merged)

        x = x + self.ffn2(F.gelu(self.ffn1(self.norm2(x))))
        return x


class FeedForwardBlock(nn.Module):
    """The encoder's second half on its own: every weight is a constant
    matrix, so it maps onto the arrays, and LayerNormalization and GELU's
    ops are left to the cores' digital units or the host."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(D_MODEL)
        self.ffn1 = nn.Linear(D_MODEL, FFN)
        self.ffn2 = nn.Linear(FFN, D_MODEL)

    def forward(self, x):
        return x + self.ffn2(F.gelu(self.ffn1(self.norm(x))))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__))
    torch.manual_seed(16)
    model = EncoderBlock().eval()
    ids = torch.tensor([[5, 17, 9, 30, 2, 11, PAD, PAD]], dtype=torch.int64)
    assert ids.shape == (1, SEQ)
    with torch.no_grad():
        expected = model(ids)
    np.save(os.path.join(out_dir, "ids.npy"), ids.numpy())
    np.save(os.path.join(out_dir, "expected.npy"), expected.numpy())
    # A symbolic batch, as exports meant for serving have: torch then
    # computes the reshapes' shapes from Shape at run time.  At opset 13
    # torch's own constant folding is off too, which leaves every idiom of
    # its shape arithmetic (Shape, Gather, Slice, Concat, ConstantOfShape,
    # Range...) in the graph for nncc to fold.
    for opset, fold in ((13, False), (17, True)):
        torch.onnx.export(model, (ids,),
                          os.path.join(out_dir, f"encoder_opset{opset}.onnx"),
                          input_names=["ids"], output_names=["hidden"],
                          dynamic_axes={"ids": {0: "batch"},
                                        "hidden": {0: "batch"}},
                          opset_version=opset, do_constant_folding=fold)
    torch.onnx.export(FeedForwardBlock().eval(), (torch.rand(1, SEQ, D_MODEL),),
                      os.path.join(out_dir, "ffn_opset17.onnx"),
                      input_names=["x"], output_names=["y"], opset_version=17)


if __name__ == "__main__":
    main()
