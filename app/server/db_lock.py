"""One server per SQLite database: a lock file beside it, held with QLockFile for the server's
life (on PostgreSQL an advisory lock does this: see engines.py)."""

from __future__ import annotations

from PySide6.QtCore import QLockFile

from app.server.db_errors import Condition, DatabaseError


class DatabaseInUseError(DatabaseError):
    """Another live server process holds the database's lock; `pid` is that process."""

    def __init__(self, path: str, pid: int, host: str) -> None:
        where = f"process {pid}" if pid else "another connection"
        where += f" on {host}" if host else ""
        super().__init__(f"{path}: {Condition.IN_USE.value} ({where})", Condition.IN_USE)
        self.pid = pid


class DatabaseLock:
    """`PATH.lock`, recording this process's PID; taken at once or `DatabaseInUseError` is raised.

    A lock left by a process that died (even by `kill -9`) is stale: Qt sees its PID is gone
    and takes the lock over. An in-memory database needs no lock.
    """

    def __init__(self, db_path: str) -> None:
        self.path = f"{db_path}.lock"
        self._file: QLockFile | None = None
        if db_path in ("", ":memory:"):
            return
        lock = QLockFile(self.path)
        # Never stale by age: a server may run for months without touching its lock file.
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            if lock.error() == QLockFile.LockError.LockFailedError:
                pid, host, _ = lock.getLockInfo()
                raise DatabaseInUseError(db_path, pid, host)
            raise DatabaseError(f"{self.path}: cannot create the lock file", Condition.CANNOT_OPEN)
        self._file = lock

    def release(self) -> None:
        """Remove the lock file; idempotent."""
        if self._file is not None:
            self._file.unlock()
            self._file = None
