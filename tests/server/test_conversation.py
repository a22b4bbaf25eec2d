"""The main port's conversation core on a fake clock: no socket, no Qt, no waiting."""

from __future__ import annotations

from app.server.conversation import Effect, LoginGuard, MainConversation, Resume
from app.server.states import MainState
from app.shared.protocol import ListRooms, Login, Ping
from tests.fake_clock import FakeClock

WINDOW = 60.0


def resume(result: object = True, request_id: int = 1) -> Resume:
    return Resume(lambda _: None, result, request_id)


def test_a_login_waits_for_the_hasher_and_later_requests_wait_behind_it() -> None:
    core = MainConversation()
    login, listing = Login("alice", "secret", 1), ListRooms(2)
    core.receive([login, listing])
    assert core.next_item() is login
    assert core.start_hashing() is Effect.PAUSE_READING
    assert core.state is MainState.HASHING
    assert core.next_item() is None  # list_rooms waits for the login's answer
    answer = resume()
    assert core.hashing_finished(answer) is Effect.RESUME_READING
    assert core.next_item() is answer  # the login finishes first
    core.log_in("alice", "Alice")
    assert core.state is MainState.LOGGED_IN and core.logged_in
    assert (core.user_key, core.name) == ("alice", "Alice")
    assert core.next_item() is listing
    assert core.next_item() is None


def test_a_flood_behind_a_hash_is_held_then_answered_in_order() -> None:
    core = MainConversation()
    core.receive([Login("alice", "secret", 0)])
    core.next_item()
    core.start_hashing()
    pings = [Ping(i) for i in range(1, 10_001)]
    core.receive(pings)
    assert core.next_item() is None
    core.hashing_finished(resume(False, 0))
    handed_out = []
    while (item := core.next_item()) is not None:
        handed_out.append(item)
    assert isinstance(handed_out[0], Resume) and handed_out[1:] == pings
    assert core.state is MainState.AWAITING_LOGIN  # a wrong password: still not logged in


def test_an_answer_after_close_is_dropped_and_close_says_who_was_logged_in() -> None:
    core = MainConversation()
    core.receive([Login("alice", "secret", 1), Ping(2)])
    core.next_item()
    core.start_hashing()
    assert core.close() is False  # nobody was logged in
    assert core.hashing_finished(resume()) is None
    assert core.next_item() is None and not core.queue
    core.receive([Ping(3)])
    assert core.next_item() is None
    assert core.close() is False  # idempotent

    user = MainConversation()
    user.log_in("bob", "Bob")
    user.start_hashing()  # a room password, after the login
    assert user.state is MainState.LOGGED_IN_HASHING and user.logged_in
    assert user.close() is True


def test_wrong_passwords_throttle_the_name_even_for_the_right_one_then_the_window_passes() -> None:
    clock = FakeClock()
    guard = LoginGuard(per_name=5, per_address=0, window=WINDOW, clock=clock)
    for _ in range(5):
        assert guard.blocked_for("alice", "10.0.0.1") == 0
        guard.attempt("alice")
        guard.failed("10.0.0.1")
        clock.advance(1)
    assert guard.blocked_for("alice", "10.0.0.2") == WINDOW - 5  # from any address
    assert guard.blocked_for("bob", "10.0.0.1") == 0  # another name is not throttled
    clock.advance(WINDOW - 6)
    assert guard.blocked_for("alice", "10.0.0.1") == 1  # the first failure is still in...
    clock.advance(1)
    assert guard.blocked_for("alice", "10.0.0.1") == 0  # ...and now it aged out


def test_attempts_count_before_they_are_verified_and_a_right_password_takes_it_back() -> None:
    clock = FakeClock()
    guard = LoginGuard(per_name=3, per_address=0, window=WINDOW, clock=clock)
    for _ in range(3):  # three guesses racing, none verified yet
        guard.attempt("alice")
    assert guard.blocked_for("alice", "10.0.0.1") > 0
    guard.succeeded("alice")
    guard.not_checked("alice")  # the hasher failed: nobody guessed wrong
    assert guard.blocked_for("alice", "10.0.0.1") == 0


def test_failures_from_one_address_throttle_every_name_from_it() -> None:
    clock = FakeClock()
    guard = LoginGuard(per_name=0, per_address=3, window=WINDOW, clock=clock)
    for name in ("a", "b", "c"):
        guard.attempt(name)
        guard.failed("10.0.0.1")
    assert guard.blocked_for("alice", "10.0.0.1") == WINDOW
    assert guard.blocked_for("alice", "10.0.0.2") == 0
    clock.advance(WINDOW)
    guard.prune()
    assert guard.blocked_for("alice", "10.0.0.1") == 0
