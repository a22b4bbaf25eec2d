"""History pages off the event loop: one thread of their own with its own QtSql connection
to the server's database, each page handed back to the event loop by a queued signal (the
pattern of `search_worker`, on a separate thread so that pages never wait behind a search)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from app.server.connection_thread import close_pool, one_thread_pool
from app.server.database import Database, DatabaseError, Step
from app.server.room_history import history_failed, history_frame
from app.server.search_worker import shares_connections
from app.shared import logs
from app.shared.protocol import ErrorCode, ProtocolError, RoomHistory, encode, error_reply

# Pages waiting or being read at once, for the whole server. Each room connection has at
# most one (it is not read meanwhile), so this bounds only a crowd; past it, server_busy.
MAX_PENDING_PAGES = 64


@dataclass(frozen=True, slots=True)
class PageJob:
    """One `history` page of one room, with the attachments when the server keeps files."""

    room_id: int
    request: RoomHistory
    attachments: bool


class HistoryReader(QObject):
    """Reads `PageJob`s one at a time on a pool of one thread, which keeps a `Database` of
    its own (a QtSql connection belongs to the thread that opened it). Its statements run
    outside any transaction and are finished before the next, so each page sees everything
    committed before it is read: SQLite's WAL lets it read while the event loop's
    connection writes, and on PostgreSQL it is a second session (read committed). The
    frame (the page fitted under the line limit, or its error), encoded there too, goes to
    the job's callback on the thread that owns this object, through `_finished`.

    At most `capacity` jobs are pending at once: callers ask `accepts()` first. With
    `inline` (capacity 0, or an in-memory database a second connection would not see) a
    job is read at once on the caller's connection `db`, as it was before.
    """

    _finished = Signal(int, object)

    def __init__(
        self,
        db: Database,
        migrations: Sequence[Sequence[Step]],
        capacity: int = MAX_PENDING_PAGES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._migrations = migrations
        self.capacity = capacity
        self.inline = capacity == 0 or not shares_connections(db.target)
        self._callbacks: dict[int, Callable[[bytes], object]] = {}
        self._job_ids = itertools.count(1)
        self._pool: QThreadPool | None = None  # made at the first page
        self._reader: Database | None = None  # opened and used only on the pool's thread
        self._reader_thread: int | None = None
        self._finished.connect(self._on_finished)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def accepts(self) -> bool:
        return self.inline or self.pending < self.capacity

    def submit(self, job: PageJob, callback: Callable[[bytes], object]) -> None:
        """Read `job`; `callback` gets its frame on this object's thread (at once, inline)."""
        if self.inline:
            callback(self._run(self._db, job))
            return
        number = next(self._job_ids)
        self._callbacks[number] = callback
        if self._pool is None:
            self._pool = one_thread_pool(self)
        self._pool.start(lambda: self._finished.emit(number, self._on_pool_thread(job)))

    def _on_pool_thread(self, job: PageJob) -> bytes:
        try:
            if self._reader is None:
                # The schema is the server's already: opening migrates nothing.
                self._reader = Database(self._db.target, self._migrations)
                self._reader_thread = threading.get_ident()
            if self._reader_thread != threading.get_ident():  # Qt would fail obscurely
                raise DatabaseError("the history connection moved to another thread")
        except DatabaseError as failure:
            return encode(history_failed(job.room_id, job.request, failure))
        return self._run(self._reader, job)

    @staticmethod
    def _run(db: Database, job: PageJob) -> bytes:
        try:
            return history_frame(db, job.room_id, job.request, job.attachments)
        except Exception:  # a bug in a page must not kill the pool's thread
            logs.db.exception("room %d: history page failed", job.room_id)
            text = "the history was not read"
            problem = ProtocolError(ErrorCode.INTERNAL_ERROR, text, job.request.id)
            return encode(error_reply(problem))

    @Slot(int, object)
    def _on_finished(self, number: int, page: bytes) -> None:
        callback = self._callbacks.pop(number, None)
        if callback is None:
            return
        try:
            callback(page)
        except Exception:  # a slot must not raise
            logs.server.exception("a history page could not be answered")

    def close(self) -> None:
        """Drop every pending callback, wait for the running page, close the connection."""
        self._callbacks.clear()
        close_pool(self._pool, self._close_reader)  # on the thread that opened it
        self._pool = None

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
