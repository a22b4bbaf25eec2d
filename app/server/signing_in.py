"""Signing a proven account in on the main port: a login's or a resume's last steps (its
new resume token, `logged_in` with the rooms, what waited, who is online, the session it
replaces), and token expiry. The rules that prove an account are sans-IO (lobby_accounts,
lobby_resume).

A part of `Lobby`, kept apart for size: `Lobby` inherits `SigningIn` and provides what it
declares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import SignalInstance

from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.database import DatabaseError
from app.server.direct import DirectMessages
from app.server.direct_store import DirectStore
from app.server.directory import RoomDirectory
from app.server.hash_queue import Priority
from app.server.hashing import PasswordHasher
from app.server.lobby_session import Session
from app.server.presence import PresenceBoard
from app.server.resume_tokens import MintedToken, new_token
from app.server.store import Account
from app.shared import logs
from app.shared.limits import Clock
from app.shared.protocol import (
    ONLINE,
    ErrorCode,
    LoggedIn,
    RequestId,
    RoomList,
    RoomSummary,
    paged_rooms,
)

DAY = 86_400.0


class SigningIn:
    """`Lobby`'s sign-in steps that come after a password or a token is proven."""

    # What `Lobby` provides.
    _config: ServerConfig
    _hasher: PasswordHasher
    _directory: RoomDirectory
    _direct_store: DirectStore
    _direct: DirectMessages
    _wall_clock: Clock
    presence: PresenceBoard
    online: dict[str, Session]
    nodes_frame: bytes
    user_logged_in: SignalInstance
    _batch_tokens: dict[str, bool]  # selector: direct messages wait (stored with its batch)
    _after_hashing: Callable[[Session, RequestId, Callable[[Any], None]], Callable[[Any], None]]

    def prune_tokens(self) -> None:
        """Delete the resume tokens whose days are over (at start-up, then hourly)."""
        try:
            count = self._direct_store.prune_tokens(self._wall_clock())
        except DatabaseError as failure:
            logs.db.warning("expired resume tokens not removed: %s", failure)
            return
        if count:
            logs.server.info("removed %d expired resume token(s)", count)

    def _token_terms(self) -> tuple[float, int]:
        """When a token made now expires, and how many an account keeps."""
        expires = self._wall_clock() + self._config.resume_days * DAY
        return expires, max(1, self._config.resume_tokens_per_account)

    @contextmanager
    def _store_tokens_together(self, minted: list[MintedToken]) -> Iterator[None]:
        """Around the callbacks of a hashing batch with several logins' tokens: store them
        in one commit first, which each login's `_sign_in` then finds done (a group commit:
        still committed before its `logged_in` goes). A token whose login did not start
        (its connection went meanwhile) is deleted after."""
        expires, keep = self._token_terms()
        rows = [
            (token.selector, token.user_key, token.verifier_hash, expires)
            for token in minted
            if token.verifier_hash is not None and token.user_key is not None
        ]
        try:
            waiting = self._direct_store.add_tokens(rows, keep)
        except DatabaseError as failure:  # each login stores its own then, as one alone
            logs.db.warning("resume tokens not stored together: %s", failure)
            waiting = []
        self._batch_tokens = {row[0]: wait for row, wait in zip(rows, waiting, strict=False)}
        try:
            yield
        finally:
            left, self._batch_tokens = self._batch_tokens, {}
            for selector in left:
                try:
                    self._direct_store.revoke_token(selector)
                except DatabaseError as failure:
                    logs.db.warning("an unused resume token not removed: %s", failure)

    def _start_session(
        self, session: Session, key: str, account: Account, request_id: RequestId, how: str
    ) -> None:
        """The account is proven: log the session in with its new resume token (only its
        hash is kept) and send `logged_in`, what waited for them and who is online.

        The token was made in the hashing job that proved the account (`Verify.mint`); a
        session proven otherwise has one hashed first."""
        minted, session.minted = session.minted, None
        if minted is not None:
            self._sign_in(session, key, account, request_id, how, minted)
            return
        token, selector, verifier = new_token()

        def hashed(verifier_hash: str | None) -> None:
            minted = MintedToken(token, selector, verifier_hash)
            self._sign_in(session, key, account, request_id, how, minted)

        self._hasher.hash_token(
            verifier, self._after_hashing(session, request_id, hashed), Priority.LOGIN
        )

    def _sign_in(
        self,
        session: Session,
        key: str,
        account: Account,
        request_id: RequestId,
        how: str,
        minted: MintedToken,
    ) -> None:
        connection = session.connection
        resume_token = None
        waiting = True  # direct messages may wait for them, until the token's insert says
        if minted.verifier_hash is not None:  # a failed hash costs the token, not the login
            stored = self._batch_tokens.pop(minted.selector, None)  # committed with its batch
            if stored is not None:
                waiting = stored
            else:
                expires, keep = self._token_terms()
                waiting = self._direct_store.add_token(
                    minted.selector, key, minted.verifier_hash, expires, keep
                )
            session.token_selector, resume_token = minted.selector, minted.token
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
        unread, waited = self._direct.at_login(key, waiting)
        self._send_rooms(
            connection,
            lambda rooms, more: LoggedIn(
                name, rooms, more, request_id, operator, unread, resume_token
            ),
        )
        # One write each for the nodes, who is online (a block per PAGE_FRAMES people) and
        # what waited, not one per frame.
        if self.nodes_frame:
            connection.send_bytes(self.nodes_frame)
        for block in self.presence.blocks_except(key):  # shared by the logins (see there)
            connection.send_bytes(block)
        if waited:
            connection.send_bytes(b"".join(waited))
        self.presence.set(key, name, ONLINE, None)
        self.user_logged_in.emit(name)

    def _send_rooms(
        self,
        connection: Connection,
        make: Callable[[tuple[RoomSummary, ...], bool | None], LoggedIn | RoomList],
    ) -> None:
        """A room list in one frame, or as many rooms as fit and `room_added` for the rest."""
        for data in paged_rooms(self._directory.listing(), make):
            connection.send_bytes(data)

    def _replace_session(self, key: str) -> None:
        text = "you logged in from somewhere else"
        previous = self.online.pop(key, None)
        if previous is not None:
            previous.connection.close_with_error(ErrorCode.SESSION_REPLACED, text)
        self._directory.kick_user_everywhere(key, ErrorCode.SESSION_REPLACED, text)
