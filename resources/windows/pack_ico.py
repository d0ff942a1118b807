#!/usr/bin/env python3
"""Pack PNG images into one Windows .ico file, each image stored as a PNG entry.

    pack_ico.py OUTPUT.ico INPUT.png [INPUT.png ...]

The .ico format (all integers little-endian):

    ICONDIR       6 bytes   reserved (0), type (1 = icon), number of images N
    ICONDIRENTRY  16 bytes  N times: width, height (1 byte each, 0 means 256),
                            colour count (0), reserved (0), planes (1),
                            bits per pixel (32), size of the image data,
                            offset of the image data from the start of the file
    image data              N times, here each a complete PNG file

Windows reads PNG entries since Vista; they keep the 256 px image small and the
alpha channel exact, and need no BMP/AND-mask conversion. Only 8-bit RGBA PNGs
(what rsvg-convert writes) are accepted: Windows draws other PNG colour types in
icons inconsistently, so a wrong input should fail the build, not the taskbar.
"""

import os
import struct
import sys

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOUR_TYPE_RGBA = 6


def png_size(path, data):
    """Width and height from the IHDR chunk, after checking it is 8-bit RGBA."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        sys.exit(f"pack_ico: {path}: not a PNG file")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    if depth != 8 or colour != COLOUR_TYPE_RGBA:
        sys.exit(f"pack_ico: {path}: need 8-bit RGBA, got depth {depth} colour type {colour}")
    if width != height or not 1 <= width <= 256:
        sys.exit(f"pack_ico: {path}: need a square image of 1 to 256 px, got {width}x{height}")
    return width


def pack(pngs):
    """The .ico bytes for [(size, png bytes)], smallest first (the order Windows lists them)."""
    pngs = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = [], []
    for size, data in pngs:
        dim = 0 if size == 256 else size
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        images.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(images)


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: pack_ico.py OUTPUT.ico INPUT.png [INPUT.png ...]")
    output, inputs = argv[1], argv[2:]
    pngs, seen = [], {}
    for path in inputs:
        with open(path, "rb") as f:
            data = f.read()
        size = png_size(path, data)
        if size in seen:
            sys.exit(f"pack_ico: {path} and {seen[size]} are both {size} px")
        seen[size] = path
        pngs.append((size, data))
    # Write next to the target and rename, so an interrupted build never leaves a
    # truncated .ico that windres or the installer would pick up as up to date.
    temporary = output + ".tmp"
    with open(temporary, "wb") as f:
        f.write(pack(pngs))
    os.replace(temporary, output)


if __name__ == "__main__":
    main(sys.argv)
