"""Filling in what a room said while the person was away: after a re-entry whose `entered`
history starts past the last message shown, page back with `history` until the gap is closed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from app.client.session import RoomConnection
from app.shared.protocol import ChatMessage, ErrorReply, HistoryPage

PAGE_LIMIT = 200
REQUEST_ID = "catch-up"  # tells its pages (and its refusals) from anything else's


class CatchUp(QObject):
    """Pages back through one room's history over its `RoomConnection`, from the oldest
    message `entered` brought down to the last one the view had shown, and hands the missed
    messages (oldest first, each page older than the one before) to `insert`.

    Signals:
        finished(): the gap is closed, or cannot be (no more history, a refusal, a drop).
    """

    finished = Signal()

    def __init__(
        self,
        insert: Callable[[int, list[ChatMessage]], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.insert = insert  # (put before this seq, messages oldest first)
        self.connection: RoomConnection | None = None
        self.last_seen = 0
        self.oldest = 0

    @property
    def active(self) -> bool:
        return self.connection is not None

    def start(self, connection: RoomConnection, last_seen: int, first_new: int) -> None:
        """Ask for what lies between seq `last_seen` (shown) and `first_new` (just got)."""
        self.stop()
        if first_new <= last_seen + 1:
            return
        self.connection, self.last_seen, self.oldest = connection, last_seen, first_new
        connection.history_received.connect(self._on_connection_history_received)
        connection.request_failed.connect(self._on_connection_request_failed)
        connection.connection_lost.connect(self.stop)
        self._ask()

    def stop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        connection.history_received.disconnect(self._on_connection_history_received)
        connection.request_failed.disconnect(self._on_connection_request_failed)
        connection.connection_lost.disconnect(self.stop)
        self.finished.emit()

    def _ask(self) -> None:
        if self.connection is None or not self.connection.history(
            self.oldest, PAGE_LIMIT, REQUEST_ID
        ):
            self.stop()

    @Slot(object)
    def _on_connection_history_received(self, page: HistoryPage) -> None:
        if page.id != REQUEST_ID or self.connection is None:
            return
        missed = [m for m in page.messages if self.last_seen < m.seq < self.oldest]
        if missed:
            self.insert(self.oldest, missed)
        if page.messages:
            self.oldest = min(self.oldest, page.messages[0].seq)
        if not page.more or not page.messages or self.oldest <= self.last_seen + 1:
            self.stop()
        else:
            self._ask()

    @Slot(object)
    def _on_connection_request_failed(self, error: ErrorReply) -> None:
        if error.id == REQUEST_ID:
            self.stop()  # the messages just got are shown; the gap stays (rare: server busy)
