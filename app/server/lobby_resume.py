"""The main port's `resume` rule, sans I/O: a resume token logs an account in without its
password, once, until its day is over (on an injected wall clock); bad tokens are
throttled per address on the login guard. Fed a request, it returns `LobbyEffect`s; no Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from app.server.conversation import LoginGuard
from app.server.hash_queue import Priority
from app.server.lobby_accounts import AccountBook, AccountDesk, Effects
from app.server.lobby_effects import Refuse, Reply, RevokeToken, StartSession, Throttled, Verify
from app.server.resume_tokens import split_token
from app.shared.protocol import ErrorCode, ProtocolError, ResumeSession, rate_limited

if TYPE_CHECKING:  # direct_store.py has Qt
    from app.server.direct_store import StoredToken

RESUME_THROTTLED = "resume throttled"
RESUME_GUARD_KEY = "\x00resume"  # no name key has a NUL: failed resumes count per address

_server = logging.getLogger("roomchat.server")  # app.shared.logs' name; that module has Qt


class TokenBook(Protocol):
    """What the rule reads of the stored tokens (the server's `DirectStore`)."""

    def token(self, selector: str) -> StoredToken | None: ...


class ResumeDesk:
    """`resume`: a throttled address is refused before its token is looked at; a malformed
    or unknown token, or a wrong secret, counts against the address; an expired one is
    deleted; a good one is deleted (used once) and starts the session, which replaces any
    other of that account (`StartSession` does) and comes with the next token.

    `guard` is the lobby's login guard; `accounts` its account desk (for the hashing queue
    check); `wall_clock` Unix time, since tokens outlive the process.
    """

    def __init__(
        self,
        tokens: TokenBook,
        book: AccountBook,
        guard: LoginGuard,
        accounts: AccountDesk,
        wall_clock: Callable[[], float],
    ) -> None:
        self._tokens = tokens
        self._book = book
        self._guard = guard
        self._accounts = accounts
        self._wall_clock = wall_clock

    def resume(self, request: ResumeSession, address: str, logged_in: bool) -> Effects:
        if logged_in:
            raise ProtocolError(ErrorCode.ALREADY_LOGGED_IN, "already logged in", request.id)
        wait = self._guard.blocked_for(RESUME_GUARD_KEY, address)
        if wait > 0:
            text = "too many bad resume tokens; wait and try again"
            return [
                Throttled(RESUME_THROTTLED, address),
                Reply(rate_limited(text, wait, request.id)),
            ]
        bad = ProtocolError(ErrorCode.BAD_CREDENTIALS, "that resume token is not valid", request.id)
        parts = split_token(request.token)
        stored = self._tokens.token(parts[0]) if parts is not None else None
        if parts is None or stored is None:
            self._guard.failed(address)
            raise bad
        selector, verifier = parts
        if stored.expires_at <= self._wall_clock():
            expired = ProtocolError(
                ErrorCode.RESUME_EXPIRED, "that resume token has expired; log in", request.id
            )
            return [RevokeToken(selector), Refuse(expired)]
        busy = self._accounts.busy(Priority.LOGIN, address, request.id)
        if busy:
            return busy

        def checked(verified: object) -> Effects:
            if verified is None:
                raise ProtocolError(
                    ErrorCode.INTERNAL_ERROR, "could not check the token; try again", request.id
                )
            account = self._book.account(stored.user_key) if verified else None
            if account is None:
                _server.info("bad resume token from %s", address)
                self._guard.failed(address)
                raise bad
            # Used once: deleted before the session starts.
            return [
                RevokeToken(selector),
                StartSession(stored.user_key, account, request.id, "resumed"),
            ]

        return [
            Verify(
                stored.verifier_hash,
                verifier,
                checked,
                request.id,
                Priority.LOGIN,
                token=True,
                mint=True,
            )
        ]
