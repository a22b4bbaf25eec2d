"""Deleting a deleted room's messages in bounded batches, off the request that deleted it."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Slot

from app.server.database import DatabaseError
from app.server.store import ChatStore
from app.shared import logs

BATCH = 1_000  # messages per statement: a few milliseconds of the event loop at most
BUSY_RETRY_MS = 1_000


class HistoryEraser(QObject):
    """Deletes the messages of the rooms given to `erase()`, one batch per event-loop turn.

    A busy database is retried a second later; `finish()` (at shutdown) deletes what is left
    at once, so a clean stop never leaves a deleted room's messages behind.
    """

    def __init__(
        self,
        store: ChatStore,
        parent: QObject | None = None,
        erased: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._erased = erased  # called with the room once its messages are all gone
        self._rooms: deque[int] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def pending(self) -> int:
        """Rooms whose messages are still being deleted."""
        return len(self._rooms)

    def erase(self, room_id: int) -> None:
        self._rooms.append(room_id)
        if not self._timer.isActive():
            self._timer.start(0)

    def finish(self) -> None:
        self._timer.stop()
        while self._rooms:
            if not self._step():
                return

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._rooms and self._step():
            if self._rooms:
                self._timer.start(0)
        elif self._rooms:
            self._timer.start(BUSY_RETRY_MS)

    def _step(self) -> bool:
        """Delete one batch of the first room's messages; False when the database refused."""
        room_id = self._rooms[0]
        try:
            deleted = self._store.delete_messages(room_id, BATCH)
        except DatabaseError as failure:
            if failure.transient:  # busy, or a lost connection being reopened
                logs.db.warning("room %d: %s; its messages are deleted later", room_id, failure)
                return False
            logs.db.error("room %d: messages not deleted: %s", room_id, failure)
            self._rooms.popleft()
            return True
        if deleted < BATCH:
            self._rooms.popleft()
            logs.db.info("room %d: its messages are deleted", room_id)
            if self._erased is not None:
                self._erased(room_id)
        return True
