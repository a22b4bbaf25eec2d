"""Signing a proven account in on the main port: a login's last steps (its new resume
token, `logged_in`, what waited, who is online), `resume` with a token, and token expiry.

A part of `Lobby`, kept apart for size: `Lobby` inherits `SigningIn` and provides what it
declares.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import SignalInstance

from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.conversation import LoginGuard
from app.server.database import DatabaseError
from app.server.direct import DirectMessages
from app.server.direct_store import DirectStore
from app.server.hash_queue import Priority
from app.server.hashing import PasswordHasher
from app.server.presence import PresenceBoard
from app.server.resume_tokens import new_token, split_token
from app.server.store import Account, ChatStore
from app.shared import logs
from app.shared.limits import Clock
from app.shared.protocol import (
    ONLINE,
    ErrorCode,
    LoggedIn,
    ProtocolError,
    RequestId,
    ResumeSession,
    RoomList,
    RoomSummary,
    rate_limited,
)

if TYPE_CHECKING:  # lobby.py inherits this class
    from app.server.lobby import Session

RESUME_THROTTLED = "resume throttled"
RESUME_GUARD_KEY = "\x00resume"  # no name key has a NUL: failed resumes count per address
DAY = 86_400.0


class SigningIn:
    """`Lobby`'s sign-in steps that come after a password or a token is proven."""

    # What `Lobby` provides.
    _config: ServerConfig
    _store: ChatStore
    _hasher: PasswordHasher
    _guard: LoginGuard
    _direct_store: DirectStore
    _direct: DirectMessages
    _wall_clock: Clock
    presence: PresenceBoard
    online: dict[str, Session]
    nodes_frame: bytes
    user_logged_in: SignalInstance
    _after_hashing: Callable[[Session, RequestId, Callable[[Any], None]], Callable[[Any], None]]
    _check_hasher: Callable[[Session, Priority, RequestId], None]
    _log_throttle: Callable[[str, str], None]
    _replace_session: Callable[[str], None]
    _send_rooms: Callable[
        [Connection, Callable[[tuple[RoomSummary, ...], bool | None], LoggedIn | RoomList]], None
    ]

    def prune_tokens(self) -> None:
        """Delete the resume tokens whose days are over (at start-up, then hourly)."""
        try:
            count = self._direct_store.prune_tokens(self._wall_clock())
        except DatabaseError as failure:
            logs.db.warning("expired resume tokens not removed: %s", failure)
            return
        if count:
            logs.server.info("removed %d expired resume token(s)", count)

    def _resume(self, session: Session, request: ResumeSession) -> None:
        """Log in with a resume token: one use, a new token comes with `logged_in`."""
        if session.conversation.logged_in:
            raise ProtocolError(ErrorCode.ALREADY_LOGGED_IN, "already logged in", request.id)
        address = session.connection.address_key
        wait = self._guard.blocked_for(RESUME_GUARD_KEY, address)
        if wait > 0:
            self._log_throttle(RESUME_THROTTLED, address)
            session.connection.send(
                rate_limited("too many bad resume tokens; wait and try again", wait, request.id)
            )
            return
        bad = ProtocolError(ErrorCode.BAD_CREDENTIALS, "that resume token is not valid", request.id)
        parts = split_token(request.token)
        stored = self._direct_store.token(parts[0]) if parts is not None else None
        if parts is None or stored is None:
            self._guard.failed(address)
            raise bad
        selector, verifier = parts
        if stored.expires_at <= self._wall_clock():
            self._direct_store.revoke_token(selector)
            raise ProtocolError(
                ErrorCode.RESUME_EXPIRED, "that resume token has expired; log in", request.id
            )
        self._check_hasher(session, Priority.LOGIN, request.id)

        def finish(verified: bool | None) -> None:
            if verified is None:
                raise ProtocolError(
                    ErrorCode.INTERNAL_ERROR, "could not check the token; try again", request.id
                )
            account = self._store.account(stored.user_key) if verified else None
            if account is None:
                logs.server.info("bad resume token from %s", address)
                self._guard.failed(address)
                raise bad
            self._direct_store.revoke_token(selector)  # used once
            self._start_session(session, stored.user_key, account, request.id, "resumed")

        self._hasher.verify(
            stored.verifier_hash,
            verifier,
            self._after_hashing(session, request.id, finish),
            Priority.LOGIN,
        )

    def _start_session(
        self, session: Session, key: str, account: Account, request_id: RequestId, how: str
    ) -> None:
        """The account is proven: hash a new resume token (only its hash is kept), then log
        the session in and send `logged_in`, what waited for them and who is online."""
        token, selector, verifier = new_token()

        def start(verifier_hash: str | None) -> None:
            connection = session.connection
            resume_token = None
            if verifier_hash is not None:  # a failed hash costs the token, not the login
                expires = self._wall_clock() + self._config.resume_days * DAY
                keep = max(1, self._config.resume_tokens_per_account)
                self._direct_store.add_token(selector, key, verifier_hash, expires, keep)
                session.token_selector, resume_token = selector, token
            connection.clear_deadline()
            connection.idle_checked = True
            self._replace_session(key)
            session.conversation.log_in(key, account.name)
            session.operator = account.operator
            self.online[key] = session
            logs.server.info(
                "%s %s from %s%s",
                account.name,
                how,
                connection.address,
                " (operator)" if account.operator else "",
            )
            name, operator = account.name, account.operator
            unread, waiting = self._direct.at_login(key)
            self._send_rooms(
                connection,
                lambda rooms, more: LoggedIn(
                    name, rooms, more, request_id, operator, unread, resume_token
                ),
            )
            # One write each for the nodes, who is online and what waited, not one per frame.
            for data in (self.nodes_frame, self.presence.frames_except(key), b"".join(waiting)):
                if data:
                    connection.send_bytes(data)
            self.presence.set(key, name, ONLINE, None)
            self.user_logged_in.emit(name)

        self._hasher.hash(verifier, self._after_hashing(session, request_id, start), Priority.LOGIN)
