"""Searches and the SQLite search index off the event loop: one pool thread with its own
QtSql connection, each result handed back to the event loop by a queued signal."""

from __future__ import annotations

import itertools
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal, Slot

from app.server.connection_thread import close_pool, one_thread_pool
from app.server.database import Database, DatabaseError, Step
from app.server.db_target import DbTarget, SqliteTarget
from app.server.engines import sqlite_cache_pragma
from app.server.search_index import (
    CHUNK,
    Fresh,
    Progress,
    SearchIndex,
    index_path,
    unindexed_tail,
)
from app.server.search_sql import Position, Row, find
from app.shared import logs

if TYPE_CHECKING:
    from app.server.store import ChatStore

SearchOutcome = list[Row] | DatabaseError  # what a callback is given
INDEX_INTERVAL_MS = 1_000  # how often the index looks for messages stored since
IDLE_TICKS = 10  # and, with none stored, for deleted ones every this many intervals
SEARCH_CATCH_UP = 32 * CHUNK  # what a search indexes first, at most, inline
# What one catch-up on the index's own thread indexes at most (inline, CHUNK: the event loop
# waits for it). FTS5 writes a segment at each commit and merges them as they pile up: in
# fewer, bigger transactions the index costs about a quarter fewer instructions a message.
THREAD_CHUNK = 8 * CHUNK
# The index's thread runs this much nicer than the process, so that the event loop has the
# core first when both want it: at full load in the fanout and saturation scenarios (one
# core), chat then got 0.80 of it against 0.65, and 20 % more deliveries a second, at a p99
# of 1.3 against 1.7 s (fanout) and 199 against 270 ms (saturation); the index, 0.18 of the
# core, falls behind while such a flood lasts and catches up once it ends (searches read
# what it has not indexed). Not SCHED_IDLE: starved outright while holding the GIL, it held
# the event loop up behind it (a login storm's chat p99 140-630 ms, against 7-8 ms).
INDEX_NICE = 10
OPEN_WAIT_S = 30.0  # how long a first search waits for the index's thread to make its tables


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
    """Runs `SearchJob`s one at a time on a pool of one thread, which keeps a connection of
    its own (a QtSql connection belongs to the thread that opened it): on PostgreSQL a
    second session; on SQLite the search index's file, with the chat database attached
    (WAL lets it read while the event loop's connection writes). Each outcome (rows, or the
    `DatabaseError` that stopped the search) goes to its callback on the thread that owns
    this object, through `_finished`.

    On SQLite a second thread keeps the index up to date (search_index.py) on a
    connection of its own: once an interval when messages were stored, every IDLE_TICKS
    intervals for deletions, chunk after chunk while a rebuild goes on or messages wait.
    Each catch-up takes the messages the store has stored since the last (`take_fresh`),
    and gives them back should it fail. What the index has taken of the notes is told to
    the store, whose next commit deletes them. A search only reads: in one read
    transaction, the index and the messages it has not indexed yet
    (`search_index.unindexed_tail`), so that it finds what was said just before it however
    far the index lags behind a busy event loop.

    At most `capacity` searches are pending at once: callers ask `accepts()` first and
    answer `server_busy` when it says no. With `inline` (capacity 0, or a database that
    cannot be shared) everything runs at once on the store's own connection, the index
    attached to it.
    """

    _finished = Signal(int, object)

    def __init__(
        self,
        store: ChatStore,
        migrations: Sequence[Sequence[Step]],
        capacity: int,
        parent: QObject | None = None,
        interval_ms: int = INDEX_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._db = store.db
        self._migrations = migrations
        self.capacity = capacity
        self.inline = capacity == 0 or not shares_connections(self._db.target)
        self._indexed = isinstance(self._db.target, SqliteTarget)
        self._callbacks: dict[int, Callable[[object], None]] = {}
        self._searches = 0
        self._job_ids = itertools.count(1)
        self._pool: QThreadPool | None = None  # made at the first search
        self._index_pool: QThreadPool | None = None  # made at the first catch-up
        self._reader: Database | None = None  # opened and used only on the pool's thread
        self._reader_thread: int | None = None
        self._index: SearchIndex | None = None  # on the index pool's thread (or the store's)
        self._index_thread: int | None = None
        self._index_opened = threading.Event()  # the index's tables exist (or it failed)
        self._index_queued = False
        self._ticks = 0
        self._finished.connect(self._on_finished)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        if self._indexed:
            store.hands_over = True
            self._timer.start()
            self._queue_index()  # what a server stopped before indexing it left

    @property
    def pending(self) -> int:
        return self._searches

    def accepts(self) -> bool:
        return self.inline or self.pending < self.capacity

    def submit(self, job: SearchJob, callback: Callable[[SearchOutcome], None]) -> None:
        """Run `job`; `callback` gets its outcome on this object's thread (at once, inline)."""
        if self.inline:
            callback(self._search_inline(job, self._inline_connection()))
            return
        self._searches += 1

        def done(outcome: object) -> None:
            self._searches -= 1
            callback(outcome)  # type: ignore[arg-type]

        self._start(lambda: self._search(job, self._thread_connection()), done)

    def _start(
        self, work: Callable[[], object], callback: Callable[[object], None], index: bool = False
    ) -> None:
        number = next(self._job_ids)
        self._callbacks[number] = callback
        if index:
            if self._index_pool is None:
                self._index_pool = one_thread_pool(self)
            pool = self._index_pool
        else:
            if self._pool is None:
                self._pool = one_thread_pool(self)
            pool = self._pool
        pool.start(lambda: self._finished.emit(number, work()))

    # the index

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._ticks += 1
        if self._store.unindexed or self._ticks % IDLE_TICKS == 0:
            self._queue_index()

    def _queue_index(self) -> None:
        if self._index_queued:
            return
        self._store.unindexed = 0
        fresh = self._store.take_fresh()
        if self.inline:
            self._taken(fresh, self._catch_up(self._inline_connection(), CHUNK, fresh))
            return
        self._index_queued = True
        work = lambda: self._catch_up(self._index_connection(), THREAD_CHUNK, fresh)  # noqa: E731
        self._start(work, lambda outcome: self._taken(fresh, outcome), index=True)

    def _taken(self, fresh: Fresh, outcome: object) -> None:
        self._index_queued = False
        if not isinstance(outcome, Progress):  # not taken: the next catch-up tries again
            self._store.give_back_fresh(fresh)
        else:
            self._store.index_taken(outcome.backlog_done, outcome.forget_done)
            if outcome.more:  # a rebuild, or a backlog: the next chunk (not nested)
                QTimer.singleShot(0, self, self._queue_index)

    @staticmethod
    def _catch_up(
        connection: tuple[Database, SearchIndex | None] | DatabaseError, limit: int, fresh: Fresh
    ) -> object:
        if isinstance(connection, DatabaseError):
            logs.db.warning("search index not brought up to date: %s", connection)
            return connection
        index = connection[1]
        try:
            return None if index is None else index.catch_up(limit, fresh)
        except DatabaseError as failure:  # the notes wait: the next time takes them
            logs.db.warning("search index not brought up to date: %s", failure)
            return failure
        except Exception as bug:  # a bug must not kill the pool's thread
            logs.db.exception("indexing messages failed")
            return DatabaseError(f"indexing failed: {type(bug).__name__}")

    # connections

    def _inline_connection(self) -> tuple[Database, SearchIndex | None] | DatabaseError:
        try:
            if self._indexed and self._index is None:
                self._index = SearchIndex.attached_to(self._db)
        except DatabaseError as failure:
            return failure
        return self._db, self._index

    def _index_connection(self) -> tuple[Database, SearchIndex | None] | DatabaseError:
        """The index's connection, on the index pool's thread (made nicer: INDEX_NICE)."""
        try:
            if self._index is None:
                target = self._db.target
                assert isinstance(target, SqliteTarget)
                self._index_thread = threading.get_ident()
                _make_this_thread_nicer(INDEX_NICE)
                try:
                    self._index = SearchIndex.open_beside(target)
                finally:
                    self._index_opened.set()
            if self._index_thread != threading.get_ident():  # Qt would fail obscurely
                raise DatabaseError("the search index's connection moved to another thread")
        except DatabaseError as failure:
            return failure
        return self._index.db, self._index

    def _thread_connection(self) -> Database | DatabaseError:
        """The searches' connection, on the search pool's thread: on SQLite the index file
        (made by the index's thread first) with the chat database attached, read only."""
        try:
            if self._reader is None:
                target = self._db.target
                if isinstance(target, SqliteTarget):
                    self._index_opened.wait(OPEN_WAIT_S)
                    reader = Database(SqliteTarget(index_path(target)), [])
                    try:
                        reader.execute("ATTACH DATABASE :path AS chat", path=target.path).finish()
                        reader.pragma(sqlite_cache_pragma("chat"))
                    except BaseException:
                        reader.close()
                        raise
                    self._reader = reader
                else:  # the schema is the server's already: opening migrates nothing
                    self._reader = Database(target, self._migrations)
                self._reader_thread = threading.get_ident()
            if self._reader_thread != threading.get_ident():  # Qt would fail obscurely
                raise DatabaseError("the search connection moved to another thread")
        except DatabaseError as failure:
            return failure
        return self._reader

    def _search(self, job: SearchJob, connection: Database | DatabaseError) -> SearchOutcome:
        """A search on its own thread's connection (see the class)."""
        if isinstance(connection, DatabaseError):
            return connection
        try:
            if not self._indexed:
                return find(connection, job.query, list(job.rooms), job.after, job.limit)
            with connection.transaction():  # one snapshot of each database
                tail = unindexed_tail(connection, list(job.rooms))
                return find(connection, job.query, list(job.rooms), job.after, job.limit, tail)
        except DatabaseError as failure:
            return failure
        except Exception as bug:  # a bug in a search must not kill the pool's thread
            logs.db.exception("search failed")
            return DatabaseError(f"search failed: {type(bug).__name__}")

    def _search_inline(
        self, job: SearchJob, connection: tuple[Database, SearchIndex | None] | DatabaseError
    ) -> SearchOutcome:
        """A search on the store's own connection: the index caught up first, at once."""
        if isinstance(connection, DatabaseError):
            return connection
        db, index = connection
        fresh = self._store.take_fresh() if index is not None else {}
        try:
            if index is not None:
                index.catch_up(SEARCH_CATCH_UP, fresh)
                fresh = {}
            return find(db, job.query, list(job.rooms), job.after, job.limit)
        except DatabaseError as failure:
            return failure
        except Exception as bug:  # a bug in a search must not kill the pool's thread
            logs.db.exception("search failed")
            return DatabaseError(f"search failed: {type(bug).__name__}")
        finally:
            if fresh:
                self._store.give_back_fresh(fresh)

    @Slot(int, object)
    def _on_finished(self, number: int, outcome: object) -> None:
        callback = self._callbacks.pop(number, None)
        if callback is not None:
            callback(outcome)

    def close(self) -> None:
        """Drop every pending callback, wait for the running jobs, close the connections."""
        self._timer.stop()
        self._callbacks.clear()
        self._searches = 0
        close_pool(self._pool, self._close_reader)  # on the thread that opened it
        self._pool = None
        close_pool(self._index_pool, self._close_index)
        self._index_pool = None

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _close_index(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None


def _make_this_thread_nicer(steps: int) -> None:
    """The calling thread's nice value set `steps` above the process's (Linux, where
    `setpriority` on a thread's id sets that thread's alone; a process may always lower its
    own priority). Elsewhere the thread keeps the process's priority."""
    if not sys.platform.startswith("linux"):
        return
    try:
        base = os.getpriority(os.PRIO_PROCESS, os.getpid())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, base + steps))
    except OSError as failure:
        logs.db.warning("search index thread left at the process's priority: %s", failure)
