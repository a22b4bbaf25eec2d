"""The main port's `search`: who may read which room, the per-account budget, highlights
and cursors; the SQL is search_sql's."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.server.database import DatabaseError
from app.server.search_sql import MAX_KEY, START, Position, Row
from app.server.search_worker import SearchJob, SearchOutcome, SearchWorker
from app.server.store import ChatStore
from app.shared import logs
from app.shared.protocol import (
    MAX_HIGHLIGHTS,
    ErrorCode,
    ProtocolError,
    RequestId,
    Search,
    SearchHit,
    SearchResults,
    fitted_results,
    rate_limited,
)

if TYPE_CHECKING:
    from app.server.connection import Connection
    from app.server.directory import RoomDirectory

# The lobby's hold: wraps a callback so the session waits, in order, until it has run.
Hold = Callable[[RequestId, Callable[[SearchOutcome], None]], Callable[[SearchOutcome], None]]


def highlights(query: str, text: str) -> tuple[tuple[int, int], ...]:
    """Where `query` occurs in `text`, any case: code-point offsets, end exclusive."""
    found = re.finditer(re.escape(query), text, re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    for match in found:
        spans.append(match.span())
        if len(spans) == MAX_HIGHLIGHTS:
            break
    return tuple(spans)


def cursor_of(position: Position) -> str:
    return f"{position.ts} {position.room_id} {position.seq}"


def position_of(cursor: str | None, request: Search) -> Position:
    if cursor is None:
        return START
    parts = cursor.split(" ")
    if len(parts) != 3 or not all(
        p.isascii() and p.isdigit() and int(p) <= MAX_KEY for p in parts[1:]
    ):
        raise ProtocolError(ErrorCode.BAD_REQUEST, "cursor is not one this server gave", request.id)
    return Position(parts[0], int(parts[1]), int(parts[2]))


class MessageSearch:
    """Answers `search`: only rooms the person is in now and persistent rooms they have
    entered before (`ChatStore.entered_rooms`); each search costs the account's budget.

    Who may read what is decided here, on the event loop; the query itself runs on the
    `SearchWorker`'s thread, so a slow search holds up no chat. `hold` (the lobby's) makes
    the session's later requests wait, in order, until the answer is back: one search in
    flight per connection.
    """

    def __init__(self, store: ChatStore, directory: RoomDirectory, worker: SearchWorker) -> None:
        self._store = store
        self._directory = directory
        self._worker = worker

    def readable(self, user_key: str) -> dict[int, str]:
        """The open rooms `user_key` may search, with their names."""
        rooms = self._directory.rooms
        allowed = {rid: r.info.name for rid, r in rooms.items() if user_key in r.members}
        for room_id in self._store.entered_rooms(user_key):
            room = rooms.get(room_id)
            if room is not None:
                allowed[room_id] = room.info.name
        return allowed

    def handle(self, user_key: str, connection: Connection, request: Search, hold: Hold) -> None:
        after = position_of(request.cursor, request)  # a bad cursor costs nothing
        if not self._worker.accepts():  # nor does a full queue
            raise ProtocolError(
                ErrorCode.SERVER_BUSY, "too many searches at once; try again", request.id, 1.0
            )
        budget = self._directory.budgets.searches(user_key)
        if not budget.take():
            wait = budget.retry_after()
            connection.send(rate_limited("too many searches; wait a moment", wait, request.id))
            return
        names = self.readable(user_key)
        if request.room_id is not None:
            names = {request.room_id: names[request.room_id]} if request.room_id in names else {}

        def answer(outcome: SearchOutcome) -> None:
            if isinstance(outcome, DatabaseError):
                raise failed(outcome, request)
            connection.send(results(names, request, outcome))

        if not names:
            answer([])
            return
        job = SearchJob(request.query, tuple(names), after, request.limit + 1)
        self._worker.submit(job, answer if self._worker.inline else hold(request.id, answer))

    def close(self) -> None:
        self._worker.close()


def failed(failure: DatabaseError, request: Search) -> ProtocolError:
    if not failure.transient:
        logs.db.error("search failed: %s", failure)
        return ProtocolError(ErrorCode.INTERNAL_ERROR, "the search failed", request.id)
    return ProtocolError(ErrorCode.SERVER_BUSY, "cannot search now; try again", request.id, 1.0)


def results(names: dict[int, str], request: Search, rows: list[Row]) -> SearchResults:
    """The reply: `request.limit` hits at most (`rows` has one more if there are more)."""
    more = len(rows) > request.limit
    rows = rows[: request.limit]
    hits = [
        SearchHit(room, names[room], seq, sender, text, ts, highlights(request.query, text))
        for room, seq, sender, text, ts in rows
    ]
    cursors: list[str | None] = [cursor_of(Position(ts, room, seq)) for room, seq, _, _, ts in rows]
    if cursors and not more:
        cursors[-1] = None
    return fitted_results(hits, cursors, request.id)
