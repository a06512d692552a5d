#!/usr/bin/python3
"""Prints programming.bin (version 2) as text, decoded from the layout in
docs/programming-schedule.md alone, independently of the C++ reader:

    header: version V arrays A rows R cols C levels L bits B
    array ID replica_of S region PRxPC cells_per_level [n0, n1, ...] bytes N

S is -1 for a tile's own array; a replica prints its source's counts and
0 bytes.  Exits 1 on anything the layout does not allow.
"""
import struct
import sys


def main(path):
    data = open(path, "rb").read()
    if data[:8] != b"NNCCPRG1":
        sys.exit("bad magic")
    version, count, rows, cols, levels, bits = struct.unpack_from("<6I", data, 8)
    if version != 2 or bits != (levels - 1).bit_length():
        sys.exit("bad header")
    print(f"header: version {version} arrays {count} rows {rows} cols {cols} "
          f"levels {levels} bits {bits}")
    at, counts = 32, {}
    records = []
    for _ in range(count):
        ident, source, prows, pcols = struct.unpack_from("<4I", data, at)
        at += 16
        size = 0
        if source == 0xFFFFFFFF:
            source = -1
            cells = prows * pcols
            size = (cells * bits + 7) // 8
            value = int.from_bytes(data[at:at + size], "little")
            histogram = [0] * levels
            for i in range(cells):
                histogram[(value >> (i * bits)) & ((1 << bits) - 1)] += 1
            if value >> (cells * bits):
                sys.exit("nonzero padding")
            counts[ident] = histogram
            at += size
        records.append((ident, source, prows, pcols, size))
    if at != len(data):
        sys.exit("trailing bytes")
    for ident, source, prows, pcols, size in records:
        histogram = counts[source if source >= 0 else ident]
        print(f"array {ident} replica_of {source} region {prows}x{pcols} "
              f"cells_per_level {histogram} bytes {size}")


if __name__ == "__main__":
    main(sys.argv[1])
