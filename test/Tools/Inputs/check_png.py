"""Checks that a PNG screenshot shows a rendered page, not a blank one.

Usage: check_png.py FILE.png MIN_COLORS MIN_INK [RRGGBB:MIN_PIXELS ...]

Decodes the PNG with zlib (8-bit RGB or RGBA, non-interlaced, as Chromium
writes them), then requires at least MIN_COLORS distinct colours, a
fraction of at least MIN_INK of pixels that are not white and, for each
RRGGBB:MIN_PIXELS, at least that many pixels of exactly that colour (a
chart's marks, which antialiasing leaves solid inside).
"""
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(
                ">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    path, min_colors, min_ink = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    wanted = {}
    for spec in sys.argv[4:]:
        rgb, count = spec.split(":")
        wanted[bytes.fromhex(rgb)] = int(count)
    width, height, bpp, rows = decode(path)
    colors, ink, seen = set(), 0, dict.fromkeys(wanted, 0)
    for line in rows:
        for x in range(0, width * bpp, bpp):
            px = bytes(line[x:x + 3])
            colors.add(px)
            if px != b"\xff\xff\xff":
                ink += 1
            if px in seen:
                seen[px] += 1
    fraction = ink / (width * height)
    print(f"{width}x{height}: {len(colors)} colours, {fraction:.3f} not white")
    assert len(colors) >= min_colors, "too few colours: blank page?"
    assert fraction >= min_ink, "too little ink: blank page?"
    for rgb, count in wanted.items():
        print(f"#{rgb.hex()}: {seen[rgb]} pixels")
        assert seen[rgb] >= count, f"#{rgb.hex()}: {seen[rgb]} < {count} pixels"


if __name__ == "__main__":
    main()
