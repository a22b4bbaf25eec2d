"""Saving an attachment: a safe file name in the Downloads folder, never overwriting, written to
a temporary file and kept only once its SHA-256 matches; resumable by offset."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from PySide6.QtCore import QDir, QFile, QIODevice, QObject, QSaveFile, QStandardPaths, Signal

MAX_NAME_CHARS = 180  # leaves room for " (12)" and the folder within common path limits
FALLBACK_NAME = "download"
# Names Windows keeps for devices, with any extension ("con.txt" is the console).
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def safe_name(name: str) -> str:
    """A file name made from `name` (metadata from another person): no folder part, no
    control or format characters, not `.` or `..`, not hidden, not a Windows device name."""
    name = name.replace("/", "_").replace("\\", "_")
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    name = name.strip().strip(".").strip()  # no ".", "..", ".hidden", or "name." for Windows
    if not name:
        return FALLBACK_NAME
    if _RESERVED.match(name):
        name = f"_{name}"
    if len(name) > MAX_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = f"{stem[: MAX_NAME_CHARS - len(extension) - 1]}.{extension}"
        else:
            name = name[:MAX_NAME_CHARS]
    return name


def downloads_folder() -> str:
    """The platform's Downloads folder (created if missing), else the home folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    if not folder:
        return QDir.homePath()
    QDir().mkpath(folder)
    return folder


def numbered(name: str, number: int) -> str:
    """`name (number).ext` (`archive (2).tar.gz` keeps both parts of a double extension)."""
    if number == 0:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({number})"
    if stem.lower().endswith(".tar"):
        stem, extension = stem[:-4], f"tar.{extension}"
    return f"{stem} ({number}).{extension}"


def reserve_path(folder: str, name: str) -> str | None:
    """Create an empty file for `name` in `folder` that did not exist before (`name`,
    `name (1)`, `name (2)`, …) and return its path: created exclusively, so no file already
    there can be overwritten, even one that appears meanwhile. None if none can be made."""
    base = safe_name(name)
    for number in range(1000):
        path = str(Path(folder) / numbered(base, number))
        file = QFile(path)
        if file.open(QIODevice.OpenModeFlag.WriteOnly | QIODevice.OpenModeFlag.NewOnly):
            file.close()
            return path
        if not file.exists():  # not a name clash: the folder cannot be written
            return None
    return None


class Download(QObject):
    """One attachment being written to `path` (already reserved, or a cache file).

    Chunks are written to a `QSaveFile` (a temporary file beside `path`) in order, hashed
    as they come; `finish(sha256)` commits only when the size and both hashes (the one the
    message declared and the server's) match, else nothing is kept. `offset` is where a
    resumed download continues.

    Signals:
        progressed(int, int): bytes received so far, of the whole size.
        finished(str): the file is complete at this path.
        failed(str): why nothing was kept (`corrupt`, `write_failed`, `cancelled`).
    """

    progressed = Signal(int, int)
    finished = Signal(str)
    failed = Signal(str)

    def __init__(
        self, path: str, size: int, sha256: str, reserved: bool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.size = size
        self.sha256 = sha256.lower()
        self.offset = 0
        self.done = False
        self._reserved = reserved  # an empty file of ours stands at `path`
        self._hash = hashlib.sha256()
        self._file = QSaveFile(path)
        self._file.setDirectWriteFallback(False)
        if not self._file.open(QIODevice.OpenModeFlag.WriteOnly):
            self._fail("write_failed")

    def feed(self, offset: int, data: bytes) -> bool:
        """Write a chunk that starts at `offset`; a chunk out of place or too much data fails
        the download (False)."""
        if self.done:
            return False
        if offset != self.offset or self.offset + len(data) > self.size:
            self._fail("corrupt")
            return False
        if self._file.write(data) != len(data):
            self._fail("write_failed")
            return False
        self._hash.update(data)
        self.offset += len(data)
        self.progressed.emit(self.offset, self.size)
        return True

    def finish(self, sha256: str) -> bool:
        """The server says it has sent everything, whose hash is `sha256`."""
        if self.done:
            return False
        digest = self._hash.hexdigest()
        if self.offset != self.size or digest != self.sha256 or sha256.lower() != digest:
            self._fail("corrupt")
            return False
        if not self._file.commit():  # renames over our own empty reservation
            self._fail("write_failed")
            return False
        self.done = True
        self.finished.emit(self.path)
        return True

    def cancel(self) -> None:
        if not self.done:
            self._fail("cancelled")

    def _fail(self, reason: str) -> None:
        self.done = True
        self._file.cancelWriting()
        self._file.commit()  # after cancelWriting: drops the temporary file, writes nothing
        if self._reserved:
            QFile.remove(self.path)
        self.failed.emit(reason)
