"""Compares two tensor files (.pb TensorProto or .npy) within tolerances.

Usage: compare_tensors.py GOT WANT [--rtol R] [--atol A]
Exits 1 (printing the worst element) when |got - want| > atol + rtol*|want|
anywhere, or when dtypes or shapes differ.
"""
import argparse
import sys

import numpy as np


def load(path):
    if path.endswith(".npy"):
        return np.load(path)
    import onnx
    from onnx import numpy_helper
    return numpy_helper.to_array(onnx.load_tensor(path))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("got")
    parser.add_argument("want")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    args = parser.parse_args()
    got, want = load(args.got), load(args.want)
    if got.dtype != want.dtype or got.shape != want.shape:
        print(f"mismatch: {got.dtype}{list(got.shape)} vs "
              f"{want.dtype}{list(want.shape)}")
        return 1
    err = np.abs(got.astype(np.float64) - want.astype(np.float64))
    bound = args.atol + args.rtol * np.abs(want.astype(np.float64))
    if np.any(err > bound):
        i = np.unravel_index(np.argmax(err - bound), err.shape)
        print(f"mismatch at {i}: got {got[i]}, want {want[i]}")
        return 1
    print(f"match: {got.size} values, max abs error {err.max():.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
