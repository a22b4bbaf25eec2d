"""The main port's account rules driven through the sans-IO core alone: no socket, no Qt
event loop, no hasher, a fake clock; effects come back as data and the test answers them."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.server.conversation import LoginGuard
from app.server.hash_queue import Priority
from app.server.lobby_accounts import (
    HASHING_BUSY,
    LOGIN_THROTTLED,
    REGISTRATION_THROTTLED,
    AccountDesk,
)
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
    ErrorReply,
    Login,
    ProtocolError,
    Register,
    Registered,
    RequestId,
)
from tests.fake_clock import FakeClock

ADDRESS = "192.0.2.7"
WINDOW = 60.0


class Book:
    """Accounts in a dict, as the core reads them."""

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}

    def name_taken(self, name: str, key: str) -> bool:
        return key in self.accounts

    def account(self, key: str) -> Account | None:
        return self.accounts.get(key)


class Desk:
    """An `AccountDesk` on a fake clock, with a hashing queue the test fills or empties."""

    def __init__(self, clock: FakeClock, registration: bool = True) -> None:
        self.book = Book()
        self.full: float | None = None
        self.guard = LoginGuard(3, 100, 50, WINDOW, clock)
        self.registrations = FailureWindow(2, WINDOW, clock)
        self.core = AccountDesk(
            self.book, registration, self.guard, self.registrations, lambda _: self.full
        )


def only(effects: Sequence[LobbyEffect], kind: type) -> LobbyEffect:
    [effect] = effects
    assert isinstance(effect, kind), effects
    return effect


def register(desk: Desk, name: str, request_id: RequestId = 1) -> Sequence[LobbyEffect]:
    return desk.core.register(Register(name, "a good password", request_id), ADDRESS, ADDRESS)


def registered(desk: Desk, name: str) -> Sequence[LobbyEffect]:
    """Register `name` to the end: hash it, write it; what the last step returns."""
    hashing = only(register(desk, name), Hash)
    assert isinstance(hashing, Hash) and hashing.secret == "a good password"
    adding = only(hashing.then("argon2-hash"), AddAccount)
    assert isinstance(adding, AddAccount) and adding.password_hash == "argon2-hash"
    desk.book.accounts[adding.key] = Account(adding.name, adding.password_hash)
    return adding.then(True)


@pytest.fixture
def desk(fake_clock: FakeClock) -> Desk:
    return Desk(fake_clock)


def test_registering_hashes_then_writes_then_answers(desk: Desk) -> None:
    assert registered(desk, "alice") == [Reply(Registered("alice", 1))]


def test_a_taken_name_costs_no_hash_and_one_taken_while_hashing_is_refused(desk: Desk) -> None:
    registered(desk, "alice")
    with pytest.raises(ProtocolError) as refused:
        register(desk, "ALICE")
    assert refused.value.code == ErrorCode.NAME_TAKEN
    hashing = only(register(desk, "bob"), Hash)
    assert isinstance(hashing, Hash)
    adding = only(hashing.then("hash"), AddAccount)
    assert isinstance(adding, AddAccount)
    with pytest.raises(ProtocolError) as raced:
        adding.then(False)  # someone registered bob meanwhile
    assert raced.value.code == ErrorCode.NAME_TAKEN


def test_registrations_per_address_are_throttled_until_the_window_passes(
    desk: Desk, fake_clock: FakeClock
) -> None:
    registered(desk, "alice")
    registered(desk, "bob")
    throttled, refusal = register(desk, "carol")
    assert throttled == Throttled(REGISTRATION_THROTTLED, ADDRESS)
    assert isinstance(refusal, Refuse) and refusal.problem.code == ErrorCode.RATE_LIMITED
    assert 0 < (refusal.problem.retry_after or 0) <= WINDOW
    fake_clock.advance(WINDOW + 0.001)
    assert registered(desk, "carol") == [Reply(Registered("carol", 1))]


def test_a_failed_hash_does_not_count_against_the_address(desk: Desk) -> None:
    for _ in range(3):
        hashing = only(register(desk, "alice"), Hash)
        assert isinstance(hashing, Hash)
        with pytest.raises(ProtocolError) as failed:
            hashing.then(None)
        assert failed.value.code == ErrorCode.INTERNAL_ERROR
    assert isinstance(only(register(desk, "alice"), Hash), Hash)  # never throttled


def test_a_full_hashing_queue_is_server_busy_and_counts_nothing(desk: Desk) -> None:
    desk.full = 2.5
    for _ in range(3):
        throttled, refusal = register(desk, "alice")
        assert throttled == Throttled(HASHING_BUSY, ADDRESS)
        assert isinstance(refusal, Refuse) and refusal.problem.code == ErrorCode.SERVER_BUSY
        assert refusal.problem.retry_after == 2.5
    desk.full = None
    assert isinstance(only(register(desk, "alice"), Hash), Hash)


def login(desk: Desk, name: str, password: str = "a good password") -> Sequence[LobbyEffect]:
    return desk.core.login(Login(name, password, "l"), ADDRESS, logged_in=False)


def test_an_unknown_name_costs_a_verification_and_fails_like_a_wrong_password(
    desk: Desk,
) -> None:
    verify = only(login(desk, "nobody"), Verify)
    assert isinstance(verify, Verify) and verify.password_hash is None
    assert verify.priority is Priority.OTHER
    failed, refusal = verify.then(False)
    assert failed == LoginFailed(ADDRESS)
    assert isinstance(refusal, Refuse) and refusal.problem.code == ErrorCode.BAD_CREDENTIALS


def test_wrong_passwords_throttle_the_name_there_even_for_the_right_one(
    desk: Desk, fake_clock: FakeClock
) -> None:
    registered(desk, "alice")
    for _ in range(3):
        verify = only(login(desk, "alice", "wrong"), Verify)
        assert isinstance(verify, Verify) and verify.priority is Priority.LOGIN
        verify.then(False)
    throttled, reply = login(desk, "alice")  # the right password: no verification at all
    assert throttled == Throttled(LOGIN_THROTTLED, ADDRESS)
    assert isinstance(reply, Reply) and isinstance(reply.event, ErrorReply)
    assert reply.event.code == ErrorCode.RATE_LIMITED.value
    fake_clock.advance(WINDOW + 0.001)
    verify = only(login(desk, "alice"), Verify)
    assert isinstance(verify, Verify)
    start = only(verify.then(True), StartSession)
    assert isinstance(start, StartSession) and start.account.name == "alice"


def test_a_hasher_failure_is_no_wrong_guess(desk: Desk) -> None:
    registered(desk, "alice")
    for _ in range(5):
        verify = only(login(desk, "alice"), Verify)
        assert isinstance(verify, Verify)
        with pytest.raises(ProtocolError) as failed:
            verify.then(None)
        assert failed.value.code == ErrorCode.INTERNAL_ERROR
    assert isinstance(only(login(desk, "alice"), Verify), Verify)  # not throttled


def test_registration_closed_and_logging_in_twice_are_refused(fake_clock: FakeClock) -> None:
    closed = Desk(fake_clock, registration=False)
    with pytest.raises(ProtocolError) as refused:
        register(closed, "alice")
    assert refused.value.code == ErrorCode.REGISTRATION_CLOSED
    with pytest.raises(ProtocolError) as twice:
        closed.core.login(Login("alice", "pw", 1), ADDRESS, logged_in=True)
    assert twice.value.code == ErrorCode.ALREADY_LOGGED_IN
