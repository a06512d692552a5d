#!/usr/bin/python3
"""Checks that an exported programming image (array<K>.levels.hex of
`nncc export vectors`, docs/verification-vectors.md) holds the levels that
programming.bin (version 2, docs/programming-schedule.md) programs into the
tile's chip array, decoded here from the layout alone:

    check_vector_levels.py programming.bin vectors/manifest.json K

Prints `array K (chip array A): R x C levels match programming.bin`, or
exits 1 naming the first differing cell.
"""
import json
import os
import struct
import sys


def bin_levels(path, wanted):
    data = open(path, "rb").read()
    if data[:8] != b"NNCCPRG1":
        sys.exit("bad magic")
    version, count, _, _, levels, bits = struct.unpack_from("<6I", data, 8)
    if version != 2:
        sys.exit("bad version")
    at = 32
    for _ in range(count):
        ident, source, prows, pcols = struct.unpack_from("<4I", data, at)
        at += 16
        if source != 0xFFFFFFFF:
            continue
        cells = prows * pcols
        size = (cells * bits + 7) // 8
        if ident == wanted:
            value = int.from_bytes(data[at:at + size], "little")
            mask = (1 << bits) - 1
            return prows, pcols, [(value >> (i * bits)) & mask
                                  for i in range(cells)]
        at += size
    sys.exit(f"programming.bin has no array {wanted}")


def hex_words(path):
    words = []
    for line in open(path):
        line = line.split("//")[0]
        words += [int(w, 16) for w in line.split()]
    return words


def main(bin_path, manifest_path, index):
    manifest = json.load(open(manifest_path))
    tile = next(a for a in manifest["arrays"] if a["index"] == int(index))
    rows, cols = tile["physical_rows"], tile["physical_columns"]
    prows, pcols, programmed = bin_levels(bin_path, tile["chip_array"])
    if (prows, pcols) != (rows, cols):
        sys.exit(f"programming.bin region {prows}x{pcols}, image {rows}x{cols}")
    image = hex_words(os.path.join(os.path.dirname(manifest_path),
                                   tile["files"]["levels"]["file"]))
    if len(image) != rows * cols:
        sys.exit(f"the image has {len(image)} words, not {rows * cols}")
    for i, (a, b) in enumerate(zip(image, programmed)):
        if a != b:
            sys.exit(f"row {i // cols} column {i % cols}: image level {a}, "
                     f"programming.bin level {b}")
    print(f"array {index} (chip array {tile['chip_array']}): {rows} x {cols} "
          f"levels match programming.bin")


if __name__ == "__main__":
    main(*sys.argv[1:])
