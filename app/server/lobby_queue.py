"""Each main-port session's request queue: handled in order, held while a hash (or a
search) runs, and every failure answered without raising out of a slot.

A part of `Lobby`, kept apart for size: `Lobby` inherits `Draining` and provides `_handle`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.server.conversation import Effect, ParsedItem, Resume
from app.server.database import DatabaseError
from app.server.lobby_session import Session
from app.shared import logs
from app.shared.protocol import ErrorCode, ProtocolError, RequestId

BUSY_RETRY = 1.0  # seconds a client waits before asking again while the database is busy


class Draining:
    """`Lobby`'s queue pump: `_drain` hands each item to `_handle`, `_after_hashing` holds it."""

    # What `Lobby` provides.
    _handle: Callable[[Session, ParsedItem | Resume], None]

    def _on_requests(self, session: Session, items: list[ParsedItem]) -> None:
        session.conversation.receive(items)
        self._drain(session)

    def _drain(self, session: Session) -> None:
        connection = session.connection
        while connection.is_open and (item := session.conversation.next_item()) is not None:
            try:
                self._handle(session, item)
            except ProtocolError as problem:
                connection.send_error(problem)
            except DatabaseError as failure:
                logs.db.error("request from %s failed: %s", connection.peer, failure)
                request_id = getattr(item, "id", None)
                if failure.transient:  # another process holds a lock, or a lost connection
                    text = "the server's database is busy; try again"
                    busy = ProtocolError(ErrorCode.SERVER_BUSY, text, request_id, BUSY_RETRY)
                    connection.send_error(busy)
                else:
                    connection.send_error(
                        ProtocolError(
                            ErrorCode.INTERNAL_ERROR, "the server could not do that", request_id
                        )
                    )
            except Exception:  # nothing a client sends may raise out of a slot
                logs.server.exception("request from %s failed", connection.peer)
                connection.close_with_error(ErrorCode.INTERNAL_ERROR, "the server hit an error")

    def _after_hashing(
        self, session: Session, request_id: RequestId, then: Callable[[Any], None]
    ) -> Callable[[Any], None]:
        """Hold the session's queue until the hasher (or the search thread) answers, then
        finish the request first.

        The connection is not read meanwhile, so a client cannot pile up requests behind a
        slow hash: TCP pushes back on it instead.
        """
        self._perform(session, session.conversation.start_hashing())

        def resume(result: Any) -> None:
            effect = session.conversation.hashing_finished(Resume(then, result, request_id))
            if effect is not None and session.connection.is_open:
                self._perform(session, effect)
                self._drain(session)

        return resume

    @staticmethod
    def _perform(session: Session, effect: Effect) -> None:
        if effect is Effect.PAUSE_READING:
            session.connection.pause_reading()
        elif effect is Effect.RESUME_READING:
            session.connection.resume_reading()
