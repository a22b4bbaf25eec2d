"""Room passwords cannot be guessed without limit: the login throttle's rules, per room."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from app.server.conversation import RoomPasswordGuard
from tests.fake_clock import FakeClock
from tests.server.test_rooms import create, join
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
WINDOW = 60.0


def test_wrong_guesses_throttle_that_account_at_that_room_then_age_out() -> None:
    clock = FakeClock()
    guard = RoomPasswordGuard(per_account=5, per_address=0, window=WINDOW, clock=clock)
    for _ in range(5):
        assert guard.blocked_for(7, "bob", "10.0.0.1") == 0
        guard.attempt(7, "bob")
        guard.failed(7, "10.0.0.1")
        clock.advance(1)
    assert guard.blocked_for(7, "bob", "10.0.0.2") == WINDOW - 5  # from anywhere
    assert guard.blocked_for(8, "bob", "10.0.0.1") == 0  # another room
    assert guard.blocked_for(7, "carol", "10.0.0.1") == 0  # another account
    clock.advance(WINDOW - 5)
    guard.prune()
    assert guard.blocked_for(7, "bob", "10.0.0.1") == 0


def test_wrong_guesses_from_one_address_throttle_the_room_from_there() -> None:
    guard = RoomPasswordGuard(per_account=0, per_address=3, window=WINDOW, clock=FakeClock())
    for account in ("bob", "carol", "dave"):
        guard.attempt(7, account)
        guard.failed(7, "10.0.0.1")
    assert guard.blocked_for(7, "erin", "10.0.0.1") == WINDOW
    assert guard.blocked_for(7, "erin", "10.0.0.2") == 0
    assert guard.blocked_for(8, "erin", "10.0.0.1") == 0


def test_a_guess_counts_until_proven_right_and_a_hashing_failure_counts_nothing() -> None:
    guard = RoomPasswordGuard(per_account=1, per_address=0, window=WINDOW, clock=FakeClock())
    guard.attempt(7, "bob")
    assert guard.blocked_for(7, "bob", "10.0.0.1") > 0  # while it is being verified
    guard.succeeded(7, "bob")
    assert guard.blocked_for(7, "bob", "10.0.0.1") == 0
    guard.attempt(7, "bob")
    guard.not_checked(7, "bob")
    assert guard.blocked_for(7, "bob", "10.0.0.1") == 0


@pytest.mark.server_config(room_password_fails_per_user=5, login_fail_window=60)
def test_room_password_guesses_are_throttled_even_for_the_right_one_then_reset(
    login: Login, connect: Connect, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="roomchat.server")
    alice, bob = login("alice"), login("bob")
    room, _ = create(alice, password="4821")
    other, _ = create(alice, name="Other", password="4821")
    for guess in range(5):
        bob.send(type="join_room", room_id=room["id"], password=f"{guess:04d}")
        bob.expect_error("wrong_password")
    bob.send(type="join_room", room_id=room["id"], password="4821", id=3)
    throttled = bob.expect_error("rate_limited")
    assert throttled["id"] == 3 and throttled["retry_after"] == 60
    bob.send(type="join_room", room_id=room["id"], password="4821")
    bob.expect_error("rate_limited")
    wrong = [r.getMessage() for r in caplog.records if "wrong password for room" in r.getMessage()]
    assert len(wrong) == 5 and "bob" in wrong[0] and "127.0.0.1" in wrong[0]
    assert "0000" not in " ".join(wrong)  # never the guess
    bites = [r.getMessage() for r in caplog.records if "room password throttled" in r.getMessage()]
    assert len(bites) == 1 and "127.0.0.1" in bites[0]  # once a window
    join(connect, bob, other, password="4821")  # another room is not throttled
    fake_clock.advance(60)
    join(connect, bob, room, password="4821")


@pytest.mark.server_config(room_password_fails_per_user=100, room_password_fails_per_address=3)
def test_room_password_guesses_from_one_address_throttle_every_account_there(
    login: Login,
) -> None:
    alice = login("alice")
    room, _ = create(alice, password="4821")
    guessers = [login(name) for name in ("bob", "carol", "dave")]
    for guesser in guessers:
        guesser.send(type="join_room", room_id=room["id"], password="0000")
        guesser.expect_error("wrong_password")
    erin = login("erin")
    erin.send(type="join_room", room_id=room["id"], password="4821")
    assert erin.expect_error("rate_limited")["retry_after"] > 0
