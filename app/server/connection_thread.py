"""The one pool thread that owns a QtSql connection of its own (the search worker's and the
history reader's): made once and kept, and closed on the thread that opened it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool


def one_thread_pool(parent: QObject) -> QThreadPool:
    """A pool of one thread, kept for good: a QtSql connection belongs to its thread."""
    pool = QThreadPool(parent)
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)
    return pool


def close_pool(pool: QThreadPool | None, close_connection: Callable[[], None]) -> None:
    """Drop the jobs not started, close the connection on its own thread, wait for both."""
    if pool is None:
        return
    pool.clear()
    pool.start(close_connection)
    pool.waitForDone()
