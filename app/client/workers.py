"""CPU-heavy client work (hashing a file, decoding an image) on a thread pool, its result
handed back on the event loop by a signal, so the window never freezes."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from app.shared import logs


class Workers(QObject):
    """Runs jobs on a pool of its own; `run(work, callback)` calls `callback(result)` later on
    the thread that owns this object (None if `work` raised). `cancel(job)` drops a callback.

    Jobs touch no widget and no QObject of the GUI thread: they get plain values (paths,
    bytes) and return plain values or a `QImage`, which is safe to build off the GUI thread.

    Signals: none public (`_finished` carries results across threads).
    """

    _finished = Signal(int, object)

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._ids = itertools.count(1)
        self._finished.connect(self._on_finished)

    def run(self, work: Callable[[], Any], callback: Callable[[Any], None]) -> int:
        job = next(self._ids)
        self._callbacks[job] = callback

        def task() -> None:
            try:
                result = work()
            except Exception:  # a bug in a job must not kill a pool thread silently
                logs.ui.exception("background job failed")
                result = None
            self._finished.emit(job, result)

        self._pool.start(task)
        return job

    def cancel(self, job: int) -> None:
        self._callbacks.pop(job, None)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def close(self) -> None:
        """Drop every callback; jobs not started are dropped, running ones finish."""
        self._callbacks.clear()
        self._pool.clear()
        self._pool.waitForDone()

    @Slot(int, object)
    def _on_finished(self, job: int, result: Any) -> None:
        callback = self._callbacks.pop(job, None)
        if callback is not None:
            callback(result)
