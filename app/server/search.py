"""The main port's `search`: who may read which room, the per-account budget, highlights
and cursors; the SQL is search_sql's."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.server.database import DatabaseError
from app.server.search_sql import MAX_KEY, START, Position
from app.server.store import ChatStore
from app.shared import logs
from app.shared.protocol import (
    MAX_HIGHLIGHTS,
    ErrorCode,
    ProtocolError,
    Search,
    SearchHit,
    SearchResults,
    fitted_results,
    rate_limited,
)

if TYPE_CHECKING:
    from app.server.connection import Connection
    from app.server.directory import RoomDirectory


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
    entered before (`ChatStore.entered_rooms`); each search costs the account's budget."""

    def __init__(self, store: ChatStore, directory: RoomDirectory) -> None:
        self._store = store
        self._directory = directory

    def readable(self, user_key: str) -> dict[int, str]:
        """The open rooms `user_key` may search, with their names."""
        rooms = self._directory.rooms
        allowed = {rid: r.info.name for rid, r in rooms.items() if user_key in r.members}
        for room_id in self._store.entered_rooms(user_key):
            room = rooms.get(room_id)
            if room is not None:
                allowed[room_id] = room.info.name
        return allowed

    def handle(self, user_key: str, connection: Connection, request: Search) -> None:
        after = position_of(request.cursor, request)  # a bad cursor costs nothing
        budget = self._directory.budgets.searches(user_key)
        if not budget.take():
            wait = budget.retry_after()
            connection.send(rate_limited("too many searches; wait a moment", wait, request.id))
            return
        try:
            connection.send(self._results(user_key, request, after))
        except DatabaseError as failure:
            if not failure.transient:
                logs.db.error("search failed: %s", failure)
                raise ProtocolError(
                    ErrorCode.INTERNAL_ERROR, "the search failed", request.id
                ) from failure
            raise ProtocolError(
                ErrorCode.SERVER_BUSY, "cannot search now; try again", request.id, 1.0
            ) from failure

    def _results(self, user_key: str, request: Search, after: Position) -> SearchResults:
        names = self.readable(user_key)
        if request.room_id is not None:
            names = {request.room_id: names[request.room_id]} if request.room_id in names else {}
        query = request.query
        rows = self._store.search(query, list(names), after, request.limit + 1)
        more = len(rows) > request.limit
        rows = rows[: request.limit]
        hits = [
            SearchHit(room, names[room], seq, sender, text, ts, highlights(query, text))
            for room, seq, sender, text, ts in rows
        ]
        cursors: list[str | None] = [
            cursor_of(Position(ts, room, seq)) for room, seq, _, _, ts in rows
        ]
        if cursors and not more:
            cursors[-1] = None
        return fitted_results(hits, cursors, request.id)
