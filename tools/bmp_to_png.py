#!/usr/bin/env python3
"""Converts an uncompressed 24- or 32-bit BMP (as SDL_SaveBMP writes) to an RGB PNG, with the Python
standard library only (zlib): the README screenshot without ImageMagick or PIL.

usage: tools/bmp_to_png.py IN.bmp OUT.png
"""
import struct
import sys
import zlib


def read_bmp(path):
    data = open(path, 'rb').read()
    if data[:2] != b'BM':
        sys.exit(f'{path}: not a BMP file')
    offset = struct.unpack_from('<I', data, 10)[0]
    width, height = struct.unpack_from('<ii', data, 18)
    bpp, compression = struct.unpack_from('<HI', data, 28)
    # BI_RGB (0), or BI_BITFIELDS (3) with the standard BGRA masks SDL writes for 32-bit surfaces.
    if bpp not in (24, 32) or compression not in (0, 3):
        sys.exit(f'{path}: only uncompressed 24/32-bit BMP is supported (bpp {bpp}, compression {compression})')
    step = bpp // 8
    stride = (width * step + 3) & ~3
    rows = []
    for y in range(abs(height)):
        src = y if height < 0 else abs(height) - 1 - y  # positive height: stored bottom-up
        start = offset + src * stride
        row = bytearray()
        for x in range(width):
            b, g, r = data[start + x * step:start + x * step + 3]
            row += bytes((r, g, b))
        rows.append(bytes(row))
    return width, abs(height), rows


def write_png(path, width, height, rows):
    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff)

    raw = b''.join(b'\x00' + row for row in rows)  # filter type 0 on every row
    png = b'\x89PNG\r\n\x1a\n'
    png += chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(raw, 9))
    png += chunk(b'IEND', b'')
    open(path, 'wb').write(png)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    write_png(sys.argv[2], *read_bmp(sys.argv[1]))
