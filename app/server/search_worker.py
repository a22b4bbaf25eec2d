"""Searches off the event loop: one pool thread with its own QtSql connection to the
server's database, each result handed back to the event loop by a queued signal."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from app.server.database import Database, DatabaseError, Step
from app.server.db_target import DbTarget, SqliteTarget
from app.server.search_sql import Position, Row, find
from app.shared import logs

SearchOutcome = list[Row] | DatabaseError  # what a callback is given


@dataclass(frozen=True, slots=True)
class SearchJob:
    """One search for `search_sql.find`: the rooms are those the person may read, decided
    on the event loop before the job is queued."""

    query: str
    rooms: tuple[int, ...]
    after: Position
    limit: int


def shares_connections(target: DbTarget) -> bool:
    """False for an in-memory SQLite database, which a second connection would not see."""
    return not (isinstance(target, SqliteTarget) and target.path in ("", ":memory:"))


class SearchWorker(QObject):
    """Runs `SearchJob`s one at a time on a pool of one thread, which keeps a `Database` of
    its own (a QtSql connection belongs to the thread that opened it; SQLite's WAL lets it
    read while the event loop's connection writes, and on PostgreSQL it is a second
    session). Each outcome (rows, or the `DatabaseError` that stopped the search) goes to
    its callback on the thread that owns this object, through `_finished`.

    At most `capacity` jobs are pending at once: callers ask `accepts()` first and answer
    `server_busy` when it says no. With `inline` (capacity 0, or a database that cannot be
    shared) a job runs at once on the caller's connection `db`, as it did before.
    """

    _finished = Signal(int, object)

    def __init__(
        self,
        db: Database,
        migrations: Sequence[Sequence[Step]],
        capacity: int,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._migrations = migrations
        self.capacity = capacity
        self.inline = capacity == 0 or not shares_connections(db.target)
        self._callbacks: dict[int, Callable[[SearchOutcome], None]] = {}
        self._job_ids = itertools.count(1)
        self._pool: QThreadPool | None = None  # made at the first search: most servers' never
        self._reader: Database | None = None  # opened and used only on the pool's thread
        self._reader_thread: int | None = None
        self._finished.connect(self._on_finished)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def accepts(self) -> bool:
        return self.inline or self.pending < self.capacity

    def submit(self, job: SearchJob, callback: Callable[[SearchOutcome], None]) -> None:
        """Run `job`; `callback` gets its outcome on this object's thread (at once, inline)."""
        if self.inline:
            callback(self._run(self._db, job))
            return
        number = next(self._job_ids)
        self._callbacks[number] = callback
        if self._pool is None:
            self._pool = QThreadPool(self)
            self._pool.setMaxThreadCount(1)
            self._pool.setExpiryTimeout(-1)  # one thread for good: it holds the connection
        self._pool.start(lambda: self._finished.emit(number, self._on_pool_thread(job)))

    def _on_pool_thread(self, job: SearchJob) -> SearchOutcome:
        try:
            if self._reader is None:
                # The schema is the server's already: opening migrates nothing.
                self._reader = Database(self._db.target, self._migrations)
                self._reader_thread = threading.get_ident()
            if self._reader_thread != threading.get_ident():  # Qt would fail obscurely
                raise DatabaseError("the search connection moved to another thread")
        except DatabaseError as failure:
            return failure
        return self._run(self._reader, job)

    @staticmethod
    def _run(db: Database, job: SearchJob) -> SearchOutcome:
        try:
            return find(db, job.query, list(job.rooms), job.after, job.limit)
        except DatabaseError as failure:
            return failure
        except Exception as bug:  # a bug in a search must not kill the pool's thread
            logs.db.exception("search failed")
            return DatabaseError(f"search failed: {type(bug).__name__}")

    @Slot(int, object)
    def _on_finished(self, number: int, outcome: SearchOutcome) -> None:
        callback = self._callbacks.pop(number, None)
        if callback is not None:
            callback(outcome)

    def close(self) -> None:
        """Drop every pending callback, wait for the running search, close the connection."""
        self._callbacks.clear()
        if self._pool is None:
            return
        self._pool.clear()
        self._pool.start(self._close_reader)  # on the thread that opened it
        self._pool.waitForDone()
        self._pool = None

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
