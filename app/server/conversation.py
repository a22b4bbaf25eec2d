"""The main port's conversation core, sans I/O: states, the request queue, login throttles."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

from app.server.states import MainEvent, MainState, main_after
from app.shared.limits import Clock, FailureWindow
from app.shared.protocol import ProtocolError, Request, RequestId

ParsedItem = Request | ProtocolError


@dataclass(frozen=True, slots=True)
class Resume:
    """Queued at the head when the hasher answers, to finish the request that waited."""

    then: Callable[[Any], None]
    result: Any
    id: RequestId


class Effect(Enum):
    """What the adapter must do to the connection after a call into the core."""

    PAUSE_READING = auto()
    RESUME_READING = auto()


class MainConversation:
    """One main-port connection's conversation, fed parsed requests and hashing results.

    Requests are taken one at a time with `next_item()`. While a password is being hashed
    it returns None, so later requests wait in order behind it, and the adapter stops
    reading (`Effect.PAUSE_READING`): TCP then pushes back on a client that piles up
    requests behind a slow hash. The hasher's answer comes back first (a `Resume`).
    """

    # One per connection, and most connections have nothing queued most of the time: no
    # __dict__, and the deque (over 600 bytes even when empty) only while items wait.
    __slots__ = ("_queue", "name", "state", "user_key")

    def __init__(self) -> None:
        self.state = MainState.AWAITING_LOGIN
        self.user_key: str | None = None  # set with the LOGGED_IN state
        self.name: str | None = None
        self._queue: deque[ParsedItem | Resume] | None = None

    def _advance(self, event: MainEvent) -> None:
        self.state = main_after(self.state, event)

    @property
    def queue(self) -> Sequence[ParsedItem | Resume]:
        """What waits to be handled, in order (read only)."""
        return self._queue if self._queue is not None else ()

    @property
    def logged_in(self) -> bool:
        return self.state in (MainState.LOGGED_IN, MainState.LOGGED_IN_HASHING)

    @property
    def hashing(self) -> bool:
        return self.state in (MainState.HASHING, MainState.LOGGED_IN_HASHING)

    @property
    def closed(self) -> bool:
        return self.state is MainState.CLOSED

    def receive(self, items: Iterable[ParsedItem]) -> None:
        if self.closed:
            return
        if self._queue is None:
            self._queue = deque(items)
        else:
            self._queue.extend(items)

    def next_item(self) -> ParsedItem | Resume | None:
        """The next request to handle, or None (nothing queued, hashing, or closed)."""
        queue = self._queue
        if self.hashing or self.closed or not queue:
            return None
        item = queue.popleft()
        if not queue:
            self._queue = None
        return item

    def start_hashing(self) -> Effect:
        """The request being handled waits for the hasher."""
        self._advance(MainEvent.HASH_STARTED)
        return Effect.PAUSE_READING

    def hashing_finished(self, resume: Resume) -> Effect | None:
        """The hasher answered: `resume` is handled next. None once closed (drop it)."""
        if self.closed:
            return None
        self._advance(MainEvent.HASH_FINISHED)
        if self._queue is None:
            self._queue = deque()
        self._queue.appendleft(resume)
        return Effect.RESUME_READING

    def log_in(self, user_key: str, name: str) -> None:
        self._advance(MainEvent.LOGIN_SUCCEEDED)
        self.user_key, self.name = user_key, name

    def close(self) -> bool:
        """End the conversation; True if someone was logged in on it. Idempotent."""
        if self.closed:
            return False
        was_logged_in = self.logged_in
        self._advance(MainEvent.CLOSED)
        self._queue = None
        return was_logged_in


def pair(first: object, second: object) -> str:
    """One throttle key for two things counted together (a name and an address)."""
    return f"{first}\x00{second}"


class LoginGuard:
    """The login throttles, on an injected clock: failures per name and address together,
    per name alone (at a much higher count), and per address.

    Guessing from one address throttles that name there only, so that five wrong guesses
    for `alice` do not lock the real alice out everywhere; the name alone is throttled only
    when many addresses guess at it. An attempt counts against the name (on both counts)
    until the password is proven right, so guesses racing on other connections cannot all
    be verified before the first failure counts. Not so for the address alone: people
    behind one NAT may well log in at the same moment. A throttled attempt is refused
    before its password is looked at, right or wrong.
    """

    def __init__(
        self,
        per_name_and_address: int,
        per_name: int,
        per_address: int,
        window: float,
        clock: Clock = time.monotonic,
    ) -> None:
        self._by_pair = FailureWindow(per_name_and_address, window, clock)
        self._by_name = FailureWindow(per_name, window, clock)
        self._by_address = FailureWindow(per_address, window, clock)

    def blocked_for(self, key: str, address: str) -> float:
        """Seconds until this name may try from this address (0.0: now)."""
        return max(
            self._by_pair.blocked_for(pair(key, address)),
            self._by_name.blocked_for(key),
            self._by_address.blocked_for(address),
        )

    def attempt(self, key: str, address: str) -> None:
        """A password for `key` from `address` is about to be verified."""
        self._by_pair.record(pair(key, address))
        self._by_name.record(key)

    def succeeded(self, key: str, address: str) -> None:
        self._take_back(key, address)

    def failed(self, address: str) -> None:
        """The password was wrong (the name's failures are already counted)."""
        self._by_address.record(address)

    def not_checked(self, key: str, address: str) -> None:
        """The hasher failed: nobody guessed wrong."""
        self._take_back(key, address)

    def _take_back(self, key: str, address: str) -> None:
        self._by_pair.forget_one(pair(key, address))
        self._by_name.forget_one(key)

    def prune(self) -> None:
        self._by_pair.prune()
        self._by_name.prune()
        self._by_address.prune()


class RoomPasswordGuard:
    """The room-password throttles, on an injected clock: wrong passwords per room and
    account, and per room and address, with the login throttle's rules.

    A guess counts against the (room, account) pair until it is proven right; against
    (room, address) once it proved wrong. A throttled guess is refused before its password
    is looked at, right or wrong.
    """

    def __init__(
        self, per_account: int, per_address: int, window: float, clock: Clock = time.monotonic
    ) -> None:
        self._by_account = FailureWindow(per_account, window, clock)
        self._by_address = FailureWindow(per_address, window, clock)

    def blocked_for(self, room_id: int, account: str, address: str) -> float:
        """Seconds until this account may try this room's password from this address."""
        return max(
            self._by_account.blocked_for(pair(room_id, account)),
            self._by_address.blocked_for(pair(room_id, address)),
        )

    def attempt(self, room_id: int, account: str) -> None:
        """A password for the room is about to be verified."""
        self._by_account.record(pair(room_id, account))

    def succeeded(self, room_id: int, account: str) -> None:
        self._by_account.forget_one(pair(room_id, account))

    def failed(self, room_id: int, address: str) -> None:
        """The password was wrong (the account's failure is already counted)."""
        self._by_address.record(pair(room_id, address))

    def not_checked(self, room_id: int, account: str) -> None:
        """The hasher failed: nobody guessed wrong."""
        self._by_account.forget_one(pair(room_id, account))

    def prune(self) -> None:
        self._by_account.prune()
        self._by_address.prune()
