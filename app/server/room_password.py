"""A room's password set from the room port: hashed off the event loop, answers in order."""

from __future__ import annotations

from collections.abc import Callable

from app.server.connection import Connection
from app.server.conversation import ParsedItem
from app.server.hash_queue import Priority
from app.server.hashing import PasswordHasher
from app.server.room_conversation import RoomConversation
from app.server.room_effects import Effect
from app.server.room_settings import check_may_change
from app.shared import logs
from app.shared.protocol import ErrorCode, ProtocolError, RoomSettings, error_reply


def _sets_password(item: ParsedItem) -> bool:
    return isinstance(item, RoomSettings) and item.password is not None


class PasswordChanges:
    """Feeds a room connection's requests to the core; a `room_settings` with a new
    password is hashed first (Argon2id, on the hasher's pool), and the connection is not
    read meanwhile: what it sent after that request is answered after it, as on the main
    port. A plain member's or a too-short password is refused before any hashing."""

    def __init__(
        self,
        core: RoomConversation[Connection],
        hasher: PasswordHasher | None,
        carry_out: Callable[[list[Effect[Connection]]], None],
        feed: Callable[[Connection, list[ParsedItem]], None] | None = None,
        hold_back: Callable[[Connection, list[ParsedItem]], bool] | None = None,
    ) -> None:
        self._core = core
        self._hasher = hasher
        self._carry_out = carry_out
        # How the other requests are answered (the room's `HistoryPages.feed`).
        self._feed = feed or (lambda connection, items: carry_out(core.received(connection, items)))
        # True when `feed` left the connection waiting for a page: then these wait too.
        self._hold_back = hold_back or (lambda connection, items: False)

    def received(self, connection: Connection, items: list[ParsedItem]) -> None:
        at = next((n for n, item in enumerate(items) if _sets_password(item)), None)
        member = self._core.member_at(connection)
        if at is None or self._hasher is None or member is None:
            self._feed(connection, items)
            return
        if at:
            self._feed(connection, items[:at])
            if self._hold_back(connection, items[at:]):
                return
        request, rest = items[at], items[at + 1 :]
        assert isinstance(request, RoomSettings) and request.password is not None
        member = self._core.member_at(connection)
        if member is None or not connection.is_open or self._core.closed:
            return
        try:
            check_may_change(self._core.moderator.acting_role(member), request)
            if not self._hasher.accepts(Priority.OTHER):
                text = "the server is busy checking passwords; try again shortly"
                raise ProtocolError(
                    ErrorCode.SERVER_BUSY, text, request.id, self._hasher.retry_after
                )
        except ProtocolError as refused:
            connection.send(error_reply(refused))
            self.received(connection, rest)
            return
        connection.pause_reading()

        def hashed(password_hash: str | None) -> None:
            if not connection.is_open or self._core.closed:
                return
            try:
                self._finish(connection, request, password_hash, rest)
            except Exception:  # called from the hasher's slot, which must not raise
                logs.server.exception("room %d: setting its password failed", self._core.info.id)
                connection.close_with_error(ErrorCode.INTERNAL_ERROR, "the server hit an error")

        self._hasher.hash(request.password, hashed)

    def _finish(
        self,
        connection: Connection,
        request: RoomSettings,
        password_hash: str | None,
        rest: list[ParsedItem],
    ) -> None:
        connection.resume_reading()
        member = self._core.member_at(connection)
        if member is None:
            return
        if password_hash is None:
            text = "could not set the password"
            failed = ProtocolError(ErrorCode.INTERNAL_ERROR, text, request.id)
            connection.send(error_reply(failed))
        else:
            self._carry_out(self._core.moderator.answer(member, request, password_hash))
        if rest:
            self.received(connection, rest)
