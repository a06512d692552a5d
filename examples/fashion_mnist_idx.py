"""Reads Fashion-MNIST's IDX files (Debian's dataset-fashion-mnist) without
torch or torchvision: the training script, the QDQ quantization script and
the tests that check their models share this one reader.
"""
import gzip
import struct

import numpy as np

# IDX element type codes (third byte of the magic number) -> numpy dtype.
_IDX_DTYPES = {
    0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


def read_idx(path):
    """Read a (gzip-compressed) IDX file and return its contents as an ndarray.

    The IDX header is: two zero bytes, one dtype byte, one byte giving the
    number of dimensions, then one big-endian uint32 per dimension.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack_from(">HBB", data, 0)
    if zero != 0 or dtype_code not in _IDX_DTYPES:
        raise ValueError("%s: not an IDX file (magic %#x)" % (path, dtype_code))
    dims = struct.unpack_from(">%dI" % ndim, data, 4)
    offset = 4 + 4 * ndim
    arr = np.frombuffer(data, dtype=_IDX_DTYPES[dtype_code], offset=offset)
    expected = int(np.prod(dims))
    if arr.size != expected:
        raise ValueError("%s: expected %d elements, got %d"
                         % (path, expected, arr.size))
    return arr.reshape(dims)


def read_images(path, count=None):
    """The first `count` IDX images (all without it) as float32
    [N, 1, H, W] with values pixel / 255.0, the examples' only transform."""
    x = read_idx(path)[:count].astype(np.float32) / np.float32(255.0)
    return np.ascontiguousarray(x[:, None, :, :])
