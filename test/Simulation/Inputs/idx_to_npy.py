"""Writes the first N IDX images (float32 in [0, 1]) and labels as .npy.

Usage: idx_to_npy.py IMAGES.gz LABELS.gz N OUT_IMAGES.npy OUT_LABELS.npy
"""
import gzip
import sys

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big")
             for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


images, labels, n = read_idx(sys.argv[1]), read_idx(sys.argv[2]), int(sys.argv[3])
np.save(sys.argv[4], (images[:n].astype(np.float32) / 255.0))
np.save(sys.argv[5], labels[:n].astype(np.int64))
