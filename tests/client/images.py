"""Image files for the attachment tests: small real ones, a decompression bomb, a cut JPEG."""

from __future__ import annotations

import struct
import zlib

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real, valid grey PNG of `width` × `height` all-zero pixels: about 400 KB on disk,
    1.6 GB once decoded to 32-bit pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte + pixels
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def encoded(width: int, height: int, image_format: str, color: str = "#3a7bd5") -> bytes:
    """A `width` × `height` picture (a colour with a white stripe) encoded as PNG or JPEG."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    for x in range(width // 3, width // 3 + max(width // 10, 1)):
        for y in range(height):
            image.setPixelColor(x, y, Qt.GlobalColor.white)
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, image_format)
    return bytes(array.data())


def truncated_jpeg() -> bytes:
    """The first half of a good 800 × 600 JPEG: its header reads, its pixels stop midway."""
    data = encoded(800, 600, "JPEG")
    return data[: len(data) // 2]
