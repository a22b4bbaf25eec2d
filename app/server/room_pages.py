"""A room port's `history` requests read by the `HistoryReader`, answered in order."""

from __future__ import annotations

from collections.abc import Callable

from app.server.connection import Connection
from app.server.conversation import ParsedItem
from app.server.history_reader import HistoryReader, PageJob
from app.server.room_conversation import RoomConversation
from app.server.room_effects import Effect
from app.server.room_history import history_busy
from app.shared import logs
from app.shared.protocol import ErrorCode, RoomHistory

Feed = Callable[[Connection, list[ParsedItem]], None]


class HistoryPages:
    """Feeds a room connection's requests to the core up to each `history` request; its
    page is read on the reader's thread, and meanwhile the connection is not read and what
    it sent after that request waits here: it is fed once the page is sent, so answers keep
    their order and one member has at most one page pending (TCP pushes back on a flood).

    `read(connection, request)` is how the room carries out a `ReadHistory` effect. The
    page reads committed rows: every message delivered before the request (the log commits
    before it delivers, and a `Store` just before the request is flushed first) is in it.
    A page for a connection that has gone, or a closed room, is dropped.
    """

    def __init__(
        self,
        room_id: int,
        core: RoomConversation[Connection],
        reader: HistoryReader,
        attachments: bool,
        carry_out: Callable[[list[Effect[Connection]]], None],
        resume_reading: Callable[[Connection], None],
    ) -> None:
        self._room_id = room_id
        self._core = core
        self._reader = reader
        self._attachments = attachments
        self._carry_out = carry_out
        self._resume_reading = resume_reading
        self.then: Feed = self.feed  # where the waiting requests go (the password changes)
        self._waiting: dict[Connection, list[ParsedItem]] = {}  # a page pending for each

    def feed(self, connection: Connection, items: list[ParsedItem]) -> None:
        """Carry out what the core answers to `items`, stopping after a history request
        that went to the reader (the rest waits for its page)."""
        while items:
            at = next((n for n, item in enumerate(items) if isinstance(item, RoomHistory)), None)
            if at is None or self._reader.inline:
                self._carry_out(self._core.received(connection, items))
                return
            self._carry_out(self._core.received(connection, items[: at + 1]))
            items = items[at + 1 :]
            if connection in self._waiting:
                self._waiting[connection] = items
                return

    def read(self, connection: Connection, request: RoomHistory) -> None:
        """Read the page `request` asks for and send it (at once when inline)."""
        if not connection.is_open:
            return
        if connection in self._waiting:  # only from outside `feed`: wait for its page
            connection.send(history_busy(request))
            return
        if not self._reader.accepts():
            connection.send(history_busy(request))
            return
        job = PageJob(self._room_id, request, self._attachments)
        if self._reader.inline:
            self._reader.submit(job, connection.send_bytes)
            return
        self._waiting[connection] = []
        connection.pause_reading()
        self._reader.submit(job, lambda page: self._answered(connection, page))

    def _answered(self, connection: Connection, page: bytes) -> None:
        rest = self._waiting.pop(connection, None)
        if rest is None or not connection.is_open or self._core.closed:
            return  # gone meanwhile: nobody to answer
        try:
            connection.send_bytes(page)
            self._resume_reading(connection)
            if rest:
                self.then(connection, rest)
        except Exception:  # called from the reader's slot, which must not raise
            logs.server.exception("room %d: answering a history page failed", self._room_id)
            connection.close_with_error(ErrorCode.INTERNAL_ERROR, "the server hit an error")

    def hold_back(self, connection: Connection, items: list[ParsedItem]) -> bool:
        """If `connection` waits for a page, `items` wait after what waits already."""
        waiting = self._waiting.get(connection)
        if waiting is None:
            return False
        waiting += items
        return True

    def forget(self, connection: Connection) -> None:
        """`connection` closed: its page, if one is being read, goes nowhere."""
        self._waiting.pop(connection, None)

    def close(self) -> None:
        self._waiting.clear()
