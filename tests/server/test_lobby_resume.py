"""`resume` driven through the sans-IO rule alone: no socket, no hasher, a fake clock for
the throttles and another for the tokens' days; the test answers each check itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import pytest

from app.server.conversation import LoginGuard
from app.server.direct_store import StoredToken
from app.server.hash_queue import Priority
from app.server.lobby_accounts import HASHING_BUSY, AccountDesk
from app.server.lobby_effects import (
    LobbyEffect,
    Refuse,
    Reply,
    RevokeToken,
    StartSession,
    Throttled,
    Verify,
)
from app.server.lobby_resume import RESUME_THROTTLED, ResumeDesk
from app.server.resume_tokens import new_token
from app.server.store import Account
from app.shared.limits import FailureWindow
from app.shared.protocol import ErrorCode, ErrorReply, ProtocolError, ResumeSession
from tests.fake_clock import FakeClock
from tests.server.test_lobby_accounts import Book

ADDRESS = "203.0.113.9"
WINDOW = 60.0
NOW = 1_800_000_000.0  # Unix time on the wall clock
DAY = 86_400.0


class Tokens:
    """Stored tokens in a dict, as the rule reads them; `carry` does what it asks."""

    def __init__(self) -> None:
        self.rows: dict[str, StoredToken] = {}

    def token(self, selector: str) -> StoredToken | None:
        return self.rows.get(selector)

    def carry(self, effects: Sequence[LobbyEffect]) -> list[LobbyEffect]:
        for effect in effects:
            if isinstance(effect, RevokeToken):
                self.rows.pop(effect.selector, None)
        return list(effects)


class Desk:
    """A `ResumeDesk` with alice's account, on fake clocks, with a hashing queue the test
    fills or empties."""

    def __init__(self, clock: FakeClock) -> None:
        self.wall = FakeClock(NOW)
        self.tokens = Tokens()
        self.book = Book()
        self.book.accounts["alice"] = Account("Alice", "argon2-of-the-password")
        self.full: float | None = None
        guard = LoginGuard(3, 100, 2, WINDOW, clock)  # two bad tokens throttle an address
        accounts = AccountDesk(
            self.book, True, guard, FailureWindow(5, WINDOW, clock), lambda _: self.full
        )
        self.core = ResumeDesk(self.tokens, self.book, guard, accounts, self.wall)

    def issue(self, key: str = "alice", days: float = 30) -> tuple[str, str, str]:
        token, selector, verifier = new_token()
        self.tokens.rows[selector] = StoredToken(key, f"hash-of-{verifier}", NOW + days * DAY)
        return token, selector, verifier

    def resume(self, token: str, logged_in: bool = False) -> list[LobbyEffect]:
        return self.tokens.carry(self.core.resume(ResumeSession(token, "r"), ADDRESS, logged_in))


@pytest.fixture
def desk(fake_clock: FakeClock) -> Desk:
    return Desk(fake_clock)


def refused(call: Callable[[], object]) -> ErrorCode:
    """The code of the `ProtocolError` that `call` raised."""
    with pytest.raises(ProtocolError) as raised:
        call()
    return raised.value.code


def test_a_good_token_is_checked_used_once_and_starts_the_session(desk: Desk) -> None:
    token, selector, verifier = desk.issue()
    [verify] = desk.resume(token)
    assert isinstance(verify, Verify) and verify.priority == Priority.LOGIN
    assert (verify.password_hash, verify.secret) == (f"hash-of-{verifier}", verifier)
    assert selector in desk.tokens.rows  # not spent until proven
    account = desk.book.accounts["alice"]
    assert desk.tokens.carry(verify.then(True)) == [
        RevokeToken(selector),
        StartSession("alice", account, "r", "resumed"),
    ]
    assert selector not in desk.tokens.rows


def test_a_token_another_session_resumed_with_is_spent(desk: Desk) -> None:
    """The session that resumed first replaced the token: the same one again is bad."""
    token, _, _ = desk.issue()
    [verify] = desk.resume(token)
    assert isinstance(verify, Verify)
    desk.tokens.carry(verify.then(True))
    assert refused(lambda: desk.resume(token)) == ErrorCode.BAD_CREDENTIALS


def test_an_expired_token_is_deleted_and_refused_on_the_wall_clock(desk: Desk) -> None:
    token, selector, _ = desk.issue(days=1)
    desk.wall.advance(DAY - 0.001)
    [verify] = desk.resume(token)
    assert isinstance(verify, Verify)
    desk.wall.advance(0.001)
    revoke, refusal = desk.resume(token)
    assert revoke == RevokeToken(selector)
    assert isinstance(refusal, Refuse) and refusal.problem.code == ErrorCode.RESUME_EXPIRED
    assert selector not in desk.tokens.rows


def test_a_revoked_token_or_a_malformed_one_is_bad_credentials(desk: Desk) -> None:
    token, selector, _ = desk.issue()
    del desk.tokens.rows[selector]  # logout revoked it
    assert refused(lambda: desk.resume(token)) == ErrorCode.BAD_CREDENTIALS
    assert refused(lambda: desk.resume("not a token")) == ErrorCode.BAD_CREDENTIALS


def test_a_wrong_secret_is_bad_credentials_and_keeps_the_token(desk: Desk) -> None:
    token, selector, _ = desk.issue()
    [verify] = desk.resume(token)
    assert isinstance(verify, Verify)
    assert refused(lambda: verify.then(False)) == ErrorCode.BAD_CREDENTIALS
    assert selector in desk.tokens.rows


def test_a_token_of_an_account_since_deleted_is_bad_credentials(desk: Desk) -> None:
    token, _, _ = desk.issue(key="ghost")
    [verify] = desk.resume(token)
    assert isinstance(verify, Verify)
    assert refused(lambda: verify.then(True)) == ErrorCode.BAD_CREDENTIALS


def test_bad_tokens_throttle_the_address_even_for_a_good_one_until_the_window_passes(
    desk: Desk, fake_clock: FakeClock
) -> None:
    token, _, _ = desk.issue()
    for _ in range(2):
        with pytest.raises(ProtocolError):
            desk.resume("not a token")
    throttled, reply = desk.resume(token)
    assert throttled == Throttled(RESUME_THROTTLED, ADDRESS)
    assert isinstance(reply, Reply) and isinstance(reply.event, ErrorReply)
    assert reply.event.code == ErrorCode.RATE_LIMITED.value and reply.event.id == "r"
    fake_clock.advance(WINDOW + 0.001)
    [verify] = desk.resume(token)
    assert isinstance(verify, Verify)


def test_a_hasher_failure_is_no_bad_token(desk: Desk) -> None:
    token, selector, _ = desk.issue()
    for _ in range(3):
        [verify] = desk.resume(token)
        assert isinstance(verify, Verify)
        assert refused(partial(verify.then, None)) == ErrorCode.INTERNAL_ERROR
    [verify] = desk.resume(token)
    assert isinstance(verify, Verify) and selector in desk.tokens.rows


def test_a_full_hashing_queue_is_server_busy_and_a_signed_in_session_is_refused(
    desk: Desk,
) -> None:
    token, _, _ = desk.issue()
    desk.full = 2.5
    throttled, refusal = desk.resume(token)
    assert throttled == Throttled(HASHING_BUSY, ADDRESS)
    assert isinstance(refusal, Refuse) and refusal.problem.code == ErrorCode.SERVER_BUSY
    desk.full = None
    assert refused(lambda: desk.resume(token, logged_in=True)) == ErrorCode.ALREADY_LOGGED_IN
