"""`--history-days`: a daily pass deleting messages older than that, in bounded batches."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Slot

from app.server.database import DatabaseError
from app.server.store import ChatStore
from app.shared import logs
from app.shared.limits import Clock
from app.shared.timefmt import to_iso

BATCH = 1_000  # oldest messages looked at per statement: a few milliseconds at most
PASS_MS = 24 * 3600 * 1000  # once a day
BUSY_RETRY_MS = 1_000


class HistoryExpiry(QObject):
    """Deletes every room's messages older than `days` (by `wall_clock`, Unix seconds).

    A pass starts with the server and then daily; it walks the rooms one batch per
    event-loop turn, so chat is never held up for longer than one batch. A busy database
    is retried a second later. With `days` None (the default) it does nothing.
    """

    def __init__(
        self,
        store: ChatStore,
        days: float | None,
        parent: QObject | None = None,
        wall_clock: Clock = time.time,
        expired: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._expired = expired  # called with each room whose old messages a pass deleted
        self._days = days
        self._wall_clock = wall_clock
        self._rooms: deque[int] = deque()
        self._cutoff = ""
        self._deleted = 0
        self._room_deleted = 0  # of the room at the head of `_rooms`
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.timeout.connect(self._on_step_timer_timeout)
        self._daily = QTimer(self)
        self._daily.setInterval(PASS_MS)
        self._daily.timeout.connect(self.start_pass)

    @property
    def running(self) -> bool:
        """A pass is under way."""
        return bool(self._rooms)

    def start(self) -> None:
        """The first pass now, then one a day."""
        if self._days is None:
            return
        self._daily.start()
        self.start_pass()

    def stop(self) -> None:
        self._daily.stop()
        self._step_timer.stop()
        self._rooms.clear()

    @Slot()
    def start_pass(self) -> None:
        """Begin deleting what is older than `days` now (unless a pass is under way)."""
        if self._days is None or self._rooms:
            return
        moment = datetime.fromtimestamp(self._wall_clock() - self._days * 86_400, UTC)
        self._cutoff = to_iso(moment)
        try:
            self._rooms.extend(self._store.room_ids())
        except DatabaseError as failure:
            logs.db.warning("old messages not deleted now: %s", failure)
            return
        self._deleted = 0
        self._room_deleted = 0
        self._step_timer.start(0)

    @Slot()
    def _on_step_timer_timeout(self) -> None:
        if not self._rooms:
            return
        room_id = self._rooms[0]
        try:
            deleted = self._store.delete_messages_before(room_id, self._cutoff, BATCH)
        except DatabaseError as failure:
            if failure.transient:  # busy, or a lost connection being reopened
                self._step_timer.start(BUSY_RETRY_MS)
                return
            logs.db.error("room %d: old messages not deleted: %s", room_id, failure)
            deleted = 0
        self._deleted += deleted
        self._room_deleted += deleted
        if deleted < BATCH:  # this room has none older left
            self._rooms.popleft()
            if self._room_deleted and self._expired is not None:
                self._expired(room_id)  # its attachments of those messages go (later)
            self._room_deleted = 0
        if self._rooms:
            self._step_timer.start(0)
        elif self._deleted:
            logs.db.info("deleted %d message(s) older than %s", self._deleted, self._cutoff)
