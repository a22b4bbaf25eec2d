"""The main port's account rules, sans I/O: `register` and `login` with a password, their
throttles on an injected clock, and what a hash or a write decides next. Fed a request,
they return `LobbyEffect`s for the lobby (the Qt adapter) to carry out; no Qt, no socket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from app.server.conversation import LoginGuard
from app.server.hash_queue import Priority
from app.server.lobby_effects import (
    AddAccount,
    Hash,
    LobbyEffect,
    LoginFailed,
    Refuse,
    Reply,
    StartSession,
    Throttled,
    Verify,
)
from app.server.store import Account
from app.shared.limits import FailureWindow
from app.shared.protocol import (
    ErrorCode,
    Login,
    ProtocolError,
    Register,
    Registered,
    RequestId,
    rate_limited,
)
from app.shared.validation import PASSWORD_MAX, check_name, check_password, login_key, name_key

LOGIN_THROTTLED = "login throttled"
REGISTRATION_THROTTLED = "registration throttled"
HASHING_BUSY = "hashing queue full (server_busy)"

_server = logging.getLogger("roomchat.server")  # app.shared.logs' name; that module has Qt

Effects = list[LobbyEffect]
# None while the hashing queue takes `priority`; else the seconds to wait (`retry_after`).
HashingFull = Callable[[Priority], float | None]


class AccountBook(Protocol):
    """What the rules read of the accounts (the server's `ChatStore`; a dict in tests)."""

    def name_taken(self, name: str, key: str) -> bool: ...

    def account(self, key: str) -> Account | None: ...


class AccountDesk:
    """Registering and logging in: the checks, in the order that keeps them honest (a
    throttled attempt is refused before its password is looked at, a taken name costs no
    hash, a full hashing queue costs nothing), and the effects that follow.

    `guard` and `registrations` are the lobby's (resume shares the login guard), on the
    lobby's clock; `hashing_full` asks the hasher whether it takes another job.
    """

    def __init__(
        self,
        book: AccountBook,
        registration: bool,
        guard: LoginGuard,
        registrations: FailureWindow,
        hashing_full: HashingFull,
    ) -> None:
        self._book = book
        self._registration = registration
        self._guard = guard
        self._registrations = registrations
        self._hashing_full = hashing_full

    def busy(self, priority: Priority, address: str, request_id: RequestId) -> Effects:
        """`server_busy` (the connection stays open) if the hashing queue is full for
        `priority`: each waiting check would only wait longer. Empty if it is not."""
        wait = self._hashing_full(priority)
        if wait is None:
            return []
        text = "the server is busy checking passwords; try again shortly"
        problem = ProtocolError(ErrorCode.SERVER_BUSY, text, request_id, wait)
        return [Throttled(HASHING_BUSY, address), Refuse(problem)]

    def register(self, request: Register, address: str, shown_address: str) -> Effects:
        """`address` is what the throttle counts (the address key); `shown_address` goes
        in the log line."""
        if not self._registration:
            raise ProtocolError(
                ErrorCode.REGISTRATION_CLOSED, "this server does not take new accounts", request.id
            )
        name = check_name(request.name, request.id)
        check_password(request.password, request.id)
        wait = self._registrations.blocked_for(address)
        if wait > 0:
            text = "too many new accounts from your address; wait and try again"
            problem = ProtocolError(ErrorCode.RATE_LIMITED, text, request.id, wait)
            return [Throttled(REGISTRATION_THROTTLED, address), Refuse(problem)]
        taken = ProtocolError(
            ErrorCode.NAME_TAKEN, f"{name!r} is taken or looks like a taken name", request.id
        )
        if self._book.name_taken(name, name_key(name)):
            raise taken  # before hashing: a taken name costs no hash
        busy = self.busy(Priority.OTHER, address, request.id)
        if busy:
            return busy
        self._registrations.record(address)  # counted now, so racing sign-ups count too

        def hashed(password_hash: object) -> Effects:
            if not isinstance(password_hash, str):
                self._registrations.forget_one(address)
                raise ProtocolError(ErrorCode.INTERNAL_ERROR, "could not register", request.id)
            return [AddAccount(name, name_key(name), password_hash, added)]

        def added(stored: object) -> Effects:
            if not stored:
                self._registrations.forget_one(address)
                raise taken  # someone took it while we hashed
            _server.info("account %r registered from %s", name, shown_address)
            return [Reply(Registered(name, request.id))]

        return [Hash(request.password, hashed, request.id)]

    def login(self, request: Login, address: str, logged_in: bool) -> Effects:
        if logged_in:
            raise ProtocolError(ErrorCode.ALREADY_LOGGED_IN, "already logged in", request.id)
        key = login_key(request.name)
        # Checked before the password: a right password does not lift the throttle.
        wait = self._guard.blocked_for(key, address)
        if wait > 0:
            text = "too many failed logins; wait and try again"
            return [
                Throttled(LOGIN_THROTTLED, address),
                Reply(rate_limited(text, wait, request.id)),
            ]
        account = self._book.account(key) if len(request.password) <= PASSWORD_MAX else None
        priority = Priority.LOGIN if account is not None else Priority.OTHER
        busy = self.busy(priority, address, request.id)
        if busy:
            return busy
        self._guard.attempt(key, address)  # counted against the name until proven right

        def checked(verified: object) -> Effects:
            if verified is None:  # the hasher failed: nobody guessed wrong
                self._guard.not_checked(key, address)
                raise ProtocolError(
                    ErrorCode.INTERNAL_ERROR, "could not check the password; try again", request.id
                )
            if not verified or account is None:
                shown = account.name if account else "an unknown name"  # never a typed secret
                _server.info("failed login for %s from %s", shown, address)
                self._guard.failed(address)
                bad = ProtocolError(ErrorCode.BAD_CREDENTIALS, "wrong name or password", request.id)
                return [LoginFailed(address), Refuse(bad)]
            self._guard.succeeded(key, address)
            return [StartSession(key, account, request.id, "logged in")]

        # An unknown name costs a verification too, so timing does not tell names apart.
        password_hash = account.password_hash if account else None
        secret = request.password[:PASSWORD_MAX]
        return [
            Verify(
                password_hash,
                secret,
                checked,
                request.id,
                priority,
                mint=True,
                account_key=key if account is not None else None,
            )
        ]
