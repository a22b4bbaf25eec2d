"""Attachments on disk: one file per content, named by its SHA-256, in the files folder.

An upload is written as it arrives to a part file in `parts/` (a `QTemporaryFile`, removed
unless kept) and renamed to its hash once the hash checks; the same content sent twice is
stored once. A client's file name never reaches a path here: only 64 hex digits do.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from PySide6.QtCore import QDir, QFile, QIODevice, QStandardPaths, QTemporaryDir, QTemporaryFile

from app.server.db_target import SqliteTarget, parse_db
from app.shared import logs
from app.shared.protocol import SHA256_HEX

PARTS = "parts"
# What may stay of a database's host, port and name in its folder's name: a socket
# directory's slashes, a `..` or a drive letter's colon become `_`.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]|^\.+$")


def default_files_dir(db_path: str) -> str | None:
    """Beside an SQLite file (`chat.db` → `chat.db-files`), in the app-data folder for
    PostgreSQL, a folder per database (`files/HOST-PORT-DBNAME`: two databases never share
    or sweep each other's files); None for an in-memory database (a temporary folder)."""
    target = parse_db(db_path)
    if isinstance(target, SqliteTarget):
        if target.path in ("", ":memory:") or target.path.startswith("file::memory:"):
            return None
        return target.path + "-files"
    options = dict(target.options)
    parts = (
        (target.host or options.get("host") or options.get("service") or "").lower(),
        str(target.port or options.get("port", "")),
        target.dbname or options.get("dbname") or target.user,  # libpq's default: the user
    )
    name = "-".join(_UNSAFE.sub("_", part) or "default" for part in parts)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return str(Path(base) / "files" / name)


class PartFile:
    """An upload being received: bytes written as they come, hashed as they are."""

    def __init__(self, file: QTemporaryFile) -> None:
        self.file = file
        self.received = 0
        self._hash = hashlib.sha256()

    def write(self, data: bytes) -> bool:
        """Append `data`; False when the disk refused it."""
        self._hash.update(data)
        self.received += len(data)
        return self.file.write(data) == len(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()

    def discard(self) -> None:
        self.file.close()
        self.file.remove()


class FileStore:
    """The files folder (`folder`, or a temporary one when None)."""

    def __init__(self, folder: str | None) -> None:
        self._temporary: QTemporaryDir | None = None
        if folder is None:
            self._temporary = QTemporaryDir()
            folder = self._temporary.path()
        self.folder = Path(folder)
        if not QDir().mkpath(str(self.folder / PARTS)):  # a one-line error at start-up
            raise OSError(f"cannot make the files folder {self.folder / PARTS}")
        for left in (self.folder / PARTS).iterdir():  # an earlier run's unfinished uploads
            self._unlink(left)

    def begin(self) -> PartFile | None:
        """A new part file, open for writing; None when it cannot be made."""
        file = QTemporaryFile(str(self.folder / PARTS / "upload-XXXXXX"))
        if not file.open():
            logs.server.error("cannot make an upload part in %s", self.folder)
            return None
        return PartFile(file)

    def keep(self, part: PartFile, sha256: str) -> bool:
        """Store a checked part under its hash (dropped if that content is stored already);
        False when the disk refused."""
        target = self.path(sha256)
        if not part.file.flush():
            part.discard()
            return False
        part.file.close()
        held = Path(target)
        if held.is_file() and held.stat().st_size == part.received:
            part.discard()  # that content is stored already (its name is its hash)
            return True
        if (held.exists() or held.is_symlink()) and not self._unlink(held):
            part.discard()  # not the file its name says (cut short, say): replaced if it can be
            return False
        if not part.file.rename(target):
            logs.server.error("cannot store an upload as %s", target)
            part.discard()
            return False
        part.file.setAutoRemove(False)
        return True

    def path(self, sha256: str) -> str:
        assert SHA256_HEX.fullmatch(sha256)  # never a client's text
        return str(self.folder / sha256)

    def open(self, sha256: str) -> QFile | None:
        """The stored file, open for reading; None when it is missing."""
        file = QFile(self.path(sha256))
        if not file.open(QIODevice.OpenModeFlag.ReadOnly):
            return None
        return file

    def stored(self) -> set[str]:
        """The hashes of the files on disk (none when the folder cannot be read)."""
        try:
            return {p.name for p in self.folder.iterdir() if SHA256_HEX.fullmatch(p.name)}
        except OSError as failure:
            logs.server.error("cannot list the files folder %s: %s", self.folder, failure)
            return set()

    def remove(self, sha256: str) -> bool:
        """Delete a stored file; False (logged) when the disk refused."""
        return self._unlink(Path(self.path(sha256)))

    @staticmethod
    def _unlink(path: Path) -> bool:
        try:
            path.unlink(missing_ok=True)
        except OSError as failure:
            logs.server.error("cannot delete %s: %s", path, failure)
            return False
        return True

    def parts(self) -> int:
        """Part files on disk (uploads in progress, or not yet cleaned up)."""
        return sum(1 for _ in (self.folder / PARTS).iterdir())
