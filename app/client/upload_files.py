"""One upload and what it declares about its local file, worked out off the event loop: its
SHA-256 (read in blocks, never whole), MIME type, an image's size from its header, and a
name the protocol accepts; and a pasted image written to a PNG file."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QDir, QFile, QMimeDatabase, QStandardPaths
from PySide6.QtGui import QImage, QImageReader

from app.shared.protocol import (
    FILE_NAME_MAX_BYTES,
    IMAGE_SIDE_MAX,
    ProtocolError,
    Request,
    check_file_name,
)

BLOCK_BYTES = 1024 * 1024
ID_PREFIX = "upload-"  # the request ids of uploads: their refusals are the queue's
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


class Sender(Protocol):
    """The part of a `RoomConnection` the queue uses."""

    @property
    def pending_bytes(self) -> int: ...

    def send(self, message: Request) -> bool: ...


class UploadState(Enum):
    """Where an upload is, from hashing to waiting for its message."""

    HASHING = "hashing"
    QUEUED = "queued"
    STARTING = "starting"  # upload_begin sent
    SENDING = "sending"
    FINISHING = "finishing"  # upload_end sent, waiting for the message


@dataclass(eq=False)
class Upload:
    """One file in a room's queue (see `uploads.UploadQueue`)."""

    path: str
    name: str
    state: UploadState = UploadState.HASHING
    facts: FileFacts | None = None
    upload_id: int | None = None
    chunk_bytes: int = 0
    sent: int = 0
    temporary: bool = False  # a pasted image's file: removed once done
    file: QFile | None = field(default=None, repr=False)
    key: int = field(default_factory=itertools.count(1).__next__)

    @property
    def request_id(self) -> str:
        return f"{ID_PREFIX}{self.key}"

    @property
    def progress(self) -> int:
        size = self.facts.size if self.facts is not None else 0
        return 100 if size == 0 and self.sent else int(100 * self.sent / size) if size else 0
