#!/usr/bin/python3
"""Train small Fashion-MNIST classifiers and export them to ONNX for nncc.

This script produces the example models and golden data used to exercise the
nncc compiler end to end:

* ``mlp.onnx``    -- Flatten -> Linear(784,256) -> ReLU -> Linear(256,128)
                     -> ReLU -> Linear(128,10)
* ``lenet5.onnx`` -- LeNet-5 style CNN (Conv/ReLU/MaxPool x2, then 3 Linear)
* ``rescnn.onnx`` -- a small pre-activation residual CNN with BatchNorm
                     (two residual blocks, one with a strided 1x1 shortcut)
* ``vit.onnx``    -- a small Vision Transformer: 7x7 patches, class token,
                     two pre-norm encoder blocks of torch's
                     nn.TransformerEncoderLayer (3 heads, GELU), opset 13

Both models take a float32 tensor of shape [1, 1, 28, 28] (NCHW) named
``input`` and return float32 logits of shape [1, 10] named ``logits``.  The
batch dimension is exported as a static 1; the compiler fixes the real batch
size with ``--batch N``.

Preprocessing contract: the ONLY transform is ``pixel / 255.0`` as float32.
There is no mean/std normalization.

Data is read from Debian's ``dataset-fashion-mnist`` package
(``/usr/share/datasets/fashion-mnist/*.gz``, IDX format) with a small
built-in parser, so no network access or torchvision is needed.

Run with Debian's Python (needs python3-torch, python3-onnx, python3-numpy)::

    /usr/bin/python3 examples/train_fashion_mnist.py

The script is deterministic for a given ``--seed`` and is not run in CI.
"""

import argparse
import json
import os
import time

import numpy as np
import onnx
from onnx import numpy_helper
import torch
from torch import nn

from fashion_mnist_idx import read_idx, read_images

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
DEFAULT_OUT_DIR = os.path.dirname(os.path.abspath(__file__))

CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]

# Per-model training hyper-parameters (shared optimizer: Adam).
HPARAMS = {
    "mlp": {"lr": 1e-3, "batch_size": 128},
    "lenet5": {"lr": 2e-3, "batch_size": 128},
    "rescnn": {"lr": 2e-3, "batch_size": 128},
    # The ViT's class token is expanded to the batch, so its graph reads the
    # input's shape: exported with a symbolic batch (nncc fixes it with
    # --batch), where a static 1 would be folded into the expansion.
    "vit": {"lr": 2e-3, "batch_size": 128, "dynamic_batch": True},
}

def load_split(data_dir, prefix):
    """Load one split ("train" or "t10k") as (images, labels).

    images: float32 [N, 1, 28, 28] with values pixel / 255.0
    labels: int64 [N] in 0..9
    """
    x = read_images(os.path.join(data_dir, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, prefix + "-labels-idx1-ubyte.gz"))
    assert x.shape[0] == labels.shape[0]
    return x, labels.astype(np.int64)


def build_mlp():
    """Return the 3-layer MLP (flattening happens inside the model)."""
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, 10),
    )


def build_lenet5():
    """Return a LeNet-5 style CNN without BatchNorm."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


class PreActBlock(nn.Module):
    """Pre-activation residual block (He et al., "Identity Mappings in Deep
    Residual Networks", 2016): BN -> ReLU -> Conv3x3 -> BN -> ReLU -> Conv3x3,
    plus the input (or a strided 1x1 convolution of the activated input when
    the shape changes).  The first BatchNorm follows an addition or a tensor
    with two uses, so it stays a BatchNormalization node in the ONNX graph
    (the exporter folds only a BatchNorm that directly follows a
    single-use Conv)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1,
                               bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Conv2d(cin, cout, 1, stride=stride, bias=False)

    def forward(self, x):
        out = torch.relu(self.bn1(x))
        skip = self.shortcut(out) if self.shortcut is not None else x
        out = self.conv1(out)
        out = self.conv2(torch.relu(self.bn2(out)))
        return out + skip


def build_rescnn():
    """Return a small residual CNN with BatchNorm (about 1.7 M MACs)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),  # 16x28x28
        nn.MaxPool2d(2),                             # 16x14x14
        PreActBlock(16, 16, 1),
        PreActBlock(16, 32, 2),                      # 32x7x7
        nn.BatchNorm2d(32), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(32, 10),
    )


class VisionTransformer(nn.Module):
    """A small Vision Transformer (Dosovitskiy et al., ICLR 2021) for 28x28
    images: 7x7 patches (16 tokens) embedded by a strided convolution, a
    class token, learned position embeddings, ``depth`` pre-norm encoder
    blocks (torch's own nn.TransformerEncoderLayer with GELU, so the export
    is what torch emits for a standard encoder), a final LayerNorm and a
    linear head on the class token."""

    def __init__(self, dim=48, depth=2, heads=3, hidden=96):
        super().__init__()
        self.patch = nn.Conv2d(1, dim, kernel_size=7, stride=7)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, 17, dim) * 0.02)
        block = nn.TransformerEncoderLayer(
            dim, heads, hidden, dropout=0.0, activation="gelu",
            batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(block, depth,
                                             enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, 10)

    def forward(self, x):
        tokens = self.patch(x).flatten(2).transpose(1, 2)  # [B, 16, dim]
        cls = self.cls.expand(x.shape[0], -1, -1)
        tokens = torch.cat([cls, tokens], dim=1) + self.pos
        return self.head(self.norm(self.encoder(tokens)[:, 0]))


def build_vit():
    """Return the small ViT (about 0.7 M MACs, 43 k parameters)."""
    return VisionTransformer()


BUILDERS = {"mlp": build_mlp, "lenet5": build_lenet5, "rescnn": build_rescnn,
            "vit": build_vit}


def train(model, x_train, y_train, epochs, lr, batch_size, seed):
    """Train ``model`` in place with Adam + cross-entropy; deterministic.

    The learning rate follows a per-epoch cosine schedule from ``lr`` to 0.
    """
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.from_numpy(x_train)
    y = torch.from_numpy(y_train)
    n = x.shape[0]
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        total_loss = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total_loss += loss.item() * idx.numel()
        sched.step()
        print("  epoch %d/%d  train loss %.4f" % (epoch + 1, epochs, total_loss / n))


@torch.no_grad()
def predict_logits(model, x, batch_size=1000):
    """Run ``model`` in eval mode over ``x`` and return float32 logits."""
    model.eval()
    out = [model(torch.from_numpy(x[i:i + batch_size])).numpy()
           for i in range(0, x.shape[0], batch_size)]
    return np.concatenate(out, axis=0)


def export_onnx(model, path, dynamic_batch=False):
    """Export ``model`` to ONNX (opset 13, static batch 1 unless
    ``dynamic_batch``), check it and return the sorted list of op types in
    its graph."""
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28, dtype=torch.float32)
    torch.onnx.export(
        model, dummy, path,
        opset_version=13,
        input_names=["input"], output_names=["logits"],
        dynamic_axes=({"input": {0: "batch"}, "logits": {0: "batch"}}
                      if dynamic_batch else None),
        do_constant_folding=True,
    )
    proto = onnx.load(path)
    onnx.checker.check_model(proto)
    return sorted({node.op_type for node in proto.graph.node})


def save_tensor_pb(array, name, path):
    """Serialize a numpy array as an ONNX TensorProto file."""
    tensor = numpy_helper.from_array(np.ascontiguousarray(array), name=name)
    with open(path, "wb") as f:
        f.write(tensor.SerializeToString())


def write_first8(path, logits, labels):
    """Write golden logits of the first test images as JSON.

    Format: {"labels": [int, ...], "logits": [[10 floats], ...]} with one
    logits row per line, values rounded to 6 decimals.
    """
    rows = [json.dumps([round(float(v), 6) for v in row]) for row in logits]
    with open(path, "w") as f:
        f.write('{\n  "labels": %s,\n' % json.dumps([int(v) for v in labels]))
        f.write('  "logits": [\n    ' + ",\n    ".join(rows) + "\n  ]\n}\n")


def parse_args():
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=12,
                   help="training epochs per model (default: 12)")
    p.add_argument("--seed", type=int, default=0,
                   help="random seed (default: 0)")
    p.add_argument("--out-dir", default=DEFAULT_OUT_DIR,
                   help="output directory (default: the examples/ directory)")
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR,
                   help="directory with Fashion-MNIST IDX .gz files")
    p.add_argument("--threads", type=int, default=2,
                   help="torch intra-op threads (default: 2)")
    p.add_argument("--models", default=",".join(BUILDERS),
                   help="comma-separated models to train (default: all); "
                        "accuracy.json keeps the other models' entries")
    return p.parse_args()


def main():
    """Train, export and record golden data for every model."""
    args = parse_args()
    t0 = time.time()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out_dir, exist_ok=True)

    x_train, y_train = load_split(args.data_dir, "train")
    x_test, y_test = load_split(args.data_dir, "t10k")
    print("train %s  test %s" % (x_train.shape, x_test.shape))

    sample = x_test[0:1]  # [1, 1, 28, 28] float32
    np.save(os.path.join(args.out_dir, "sample_input.npy"), sample)
    save_tensor_pb(sample, "input", os.path.join(args.out_dir, "sample_input.pb"))

    accuracy_path = os.path.join(args.out_dir, "accuracy.json")
    accuracy = {}
    if os.path.exists(accuracy_path):
        with open(accuracy_path) as f:
            accuracy = json.load(f)
    for name in args.models.split(","):
        builder = BUILDERS[name]
        print("== %s ==" % name)
        torch.manual_seed(args.seed)
        model = builder()
        hp = HPARAMS[name]
        train(model, x_train, y_train, args.epochs, hp["lr"], hp["batch_size"],
              args.seed)

        onnx_path = os.path.join(args.out_dir, name + ".onnx")
        ops = export_onnx(model, onnx_path, hp.get("dynamic_batch", False))
        print("  exported %s, op types: %s" % (onnx_path, ", ".join(ops)))

        logits = predict_logits(model, x_test)
        correct = int((logits.argmax(axis=1) == y_test).sum())
        total = int(y_test.shape[0])
        accuracy[name] = {"correct": correct, "total": total,
                          "accuracy": correct / total}
        print("  test accuracy %d/%d = %.4f" % (correct, total, correct / total))

        write_first8(os.path.join(args.out_dir, name + ".first8_logits.json"),
                     logits[:8], y_test[:8])

        with torch.no_grad():
            sample_out = model(torch.from_numpy(sample)).numpy()
        save_tensor_pb(sample_out, "logits",
                       os.path.join(args.out_dir, name + ".sample_output.pb"))

    with open(accuracy_path, "w") as f:
        json.dump(dict(sorted(accuracy.items(), key=lambda kv:
                              list(BUILDERS).index(kv[0]))), f, indent=2)
        f.write("\n")
    print("done in %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
