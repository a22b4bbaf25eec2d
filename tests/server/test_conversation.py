"""The main port's conversation core on a fake clock: no socket, no Qt, no waiting."""

from __future__ import annotations

from app.server.conversation import Effect, LoginGuard, MainConversation, Resume
from app.server.states import MainState
from app.shared.limits import OncePerWindow
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


def test_an_answer_with_nothing_else_queued_is_handed_out_and_then_the_queue_is_empty() -> None:
    core = MainConversation()
    core.receive([Login("alice", "secret", 1)])
    core.next_item()
    core.start_hashing()
    assert not core.queue  # the login was taken, and nothing came after it
    answer = resume()
    core.hashing_finished(answer)
    assert list(core.queue) == [answer]
    assert core.next_item() is answer
    assert core.next_item() is None and not core.queue
    core.receive([Ping(2)])
    assert core.next_item() == Ping(2)


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


def guard(pair: int = 0, name: int = 0, address: int = 0, clock: FakeClock | None = None):
    return LoginGuard(pair, name, address, WINDOW, clock or FakeClock())


def test_wrong_passwords_throttle_the_name_from_that_address_even_for_the_right_one() -> None:
    clock = FakeClock()
    throttle = guard(pair=5, name=50, clock=clock)
    for _ in range(5):
        assert throttle.blocked_for("alice", "10.0.0.1") == 0
        throttle.attempt("alice", "10.0.0.1")
        throttle.failed("10.0.0.1")
        clock.advance(1)
    assert throttle.blocked_for("alice", "10.0.0.1") == WINDOW - 5
    assert throttle.blocked_for("alice", "10.0.0.2") == 0  # the real alice, elsewhere
    assert throttle.blocked_for("bob", "10.0.0.1") == 0  # another name is not throttled
    clock.advance(WINDOW - 6)
    assert throttle.blocked_for("alice", "10.0.0.1") == 1  # the first failure is still in...
    clock.advance(1)
    assert throttle.blocked_for("alice", "10.0.0.1") == 0  # ...and now it aged out


def test_the_name_alone_is_throttled_everywhere_only_at_its_higher_count() -> None:
    throttle = guard(pair=5, name=50)
    for i in range(49):  # one guess from each of 49 addresses
        throttle.attempt("alice", f"10.0.1.{i}")
        throttle.failed(f"10.0.1.{i}")
    assert throttle.blocked_for("alice", "10.0.0.2") == 0
    throttle.attempt("alice", "10.0.1.99")
    throttle.failed("10.0.1.99")
    assert throttle.blocked_for("alice", "10.0.0.2") == WINDOW  # the fiftieth: everywhere
    assert throttle.blocked_for("bob", "10.0.0.2") == 0


def test_attempts_count_before_they_are_verified_and_a_right_password_takes_it_back() -> None:
    throttle = guard(pair=3, name=3)
    for _ in range(3):  # three guesses racing, none verified yet
        throttle.attempt("alice", "10.0.0.1")
    assert throttle.blocked_for("alice", "10.0.0.1") > 0
    assert throttle.blocked_for("alice", "10.0.0.2") > 0  # the name's count, too
    throttle.succeeded("alice", "10.0.0.1")
    throttle.not_checked("alice", "10.0.0.1")  # the hasher failed: nobody guessed wrong
    assert throttle.blocked_for("alice", "10.0.0.1") == 0


def test_failures_from_one_address_throttle_every_name_from_it() -> None:
    clock = FakeClock()
    throttle = guard(address=3, clock=clock)
    for name in ("a", "b", "c"):
        throttle.attempt(name, "10.0.0.1")
        throttle.failed("10.0.0.1")
    assert throttle.blocked_for("alice", "10.0.0.1") == WINDOW
    assert throttle.blocked_for("alice", "10.0.0.2") == 0
    clock.advance(WINDOW)
    throttle.prune()
    assert throttle.blocked_for("alice", "10.0.0.1") == 0


def test_once_per_window_says_yes_once_per_key_and_window() -> None:
    clock = FakeClock()
    once = OncePerWindow(WINDOW, clock)
    assert once.due("10.0.0.1") and not once.due("10.0.0.1")
    assert once.due("10.0.0.2")
    clock.advance(WINDOW - 1)
    assert not once.due("10.0.0.1")
    clock.advance(1)
    once.prune()
    assert once.due("10.0.0.1")
