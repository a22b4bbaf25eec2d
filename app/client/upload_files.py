"""What an upload declares about a local file, worked out off the event loop: its SHA-256
(read in blocks, never whole), MIME type, an image's size from its header, and a name the
protocol accepts; and a pasted image written to a PNG file."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir, QMimeDatabase, QStandardPaths
from PySide6.QtGui import QImage, QImageReader

from app.shared.protocol import FILE_NAME_MAX_BYTES, IMAGE_SIDE_MAX, ProtocolError, check_file_name

BLOCK_BYTES = 1024 * 1024
PASTED_NAME = "pasted image.png"
_UNSAFE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069/\\\\<>:"|?*]')


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What `upload_begin` declares."""

    size: int
    sha256: str
    mime: str
    width: int | None = None
    height: int | None = None


def upload_name(name: str) -> str:
    """`name` made acceptable to `check_file_name`: characters it refuses become "_",
    device names get a "_" in front, and a long name is cut (keeping its extension)."""
    name = _UNSAFE.sub("_", name).strip().rstrip(".").strip() or "file"
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 16:
        stem, dot, extension = name, "", ""
    while len(f"{stem}{dot}{extension}".encode()) > FILE_NAME_MAX_BYTES:
        stem = stem[:-1]
    name = f"{stem.rstrip()}{dot}{extension}"
    try:
        return check_file_name(name)
    except ProtocolError:
        name = f"_{name}"
        try:
            return check_file_name(name[:FILE_NAME_MAX_BYTES])
        except ProtocolError:
            return "file"


def file_facts(path: str) -> FileFacts | None:
    """Hash and describe the file at `path` (None if it cannot be read). For a worker."""
    digest = hashlib.sha256()
    size = 0
    try:
        with Path(path).open("rb") as file:
            while block := file.read(BLOCK_BYTES):
                digest.update(block)
                size += len(block)
    except OSError:
        return None
    mime = QMimeDatabase().mimeTypeForFile(path).name()
    if not mime or ";" in mime or "/" not in mime:
        mime = "application/octet-stream"
    width = height = None
    if mime.startswith("image/"):
        declared = QImageReader(path).size()  # the header only: no pixel is decoded
        sides = (declared.width(), declared.height())
        if declared.isValid() and all(1 <= side <= IMAGE_SIDE_MAX for side in sides):
            width, height = sides
    return FileFacts(size, digest.hexdigest(), mime, width, height)


def paste_folder() -> str:
    """Where pasted images are written before they are sent."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    folder = str(Path(base or QDir.tempPath()) / "pasted")
    QDir().mkpath(folder)
    return folder


def save_png(image: QImage, path: str) -> str | None:
    """Encode `image` as a PNG at `path` (its path, or None if that failed). For a worker."""
    return path if image.save(path) else None  # the format from ".png"
