"""Seats and tickets on a fake clock: no socket, no Qt, no waiting."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.server.seats import Holder, Seats, ticket_digest
from app.shared.protocol import ErrorCode, ProtocolError
from tests.fake_clock import FakeClock

TTL = 30.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def seats(clock: FakeClock, capacity: int = 2, reserved: int = 2) -> Seats:
    return Seats(capacity, TTL, clock, reserved=reserved)


def test_two_reserves_for_the_last_seat_one_wins_one_gets_room_full(clock: FakeClock) -> None:
    book = seats(clock, capacity=2)
    book.take(book.reserve("alice", "Alice"))
    winner = book.reserve("bob", "Bob")
    with pytest.raises(ProtocolError) as refused:
        book.reserve("carol", "Carol", 7)
    assert refused.value.code == ErrorCode.ROOM_FULL and refused.value.request_id == 7
    assert book.seats_taken == 2
    assert book.take(winner) == Holder("bob", "Bob")


def test_an_expired_ticket_frees_its_seat(clock: FakeClock) -> None:
    book = seats(clock, capacity=1)
    book.reserve("alice", "Alice")
    clock.advance_ms(TTL * 1000 - 1)
    with pytest.raises(ProtocolError):
        book.reserve("bob", "Bob")
    clock.advance_ms(1)
    assert book.reserve("bob", "Bob")
    assert book.seats_taken == 1


def test_a_ticket_is_good_until_it_expires(clock: FakeClock) -> None:
    book = seats(clock)
    ticket = book.reserve("alice", "Alice")
    clock.advance_ms(TTL * 1000 - 1)
    assert book.take(ticket) == Holder("alice", "Alice")


def test_a_ticket_used_one_ms_after_expiry_is_refused(clock: FakeClock) -> None:
    book = seats(clock)
    ticket = book.reserve("alice", "Alice")
    clock.advance_ms(TTL * 1000 + 1)
    assert book.take(ticket) is None
    assert book.members == 0


def test_expire_drops_expired_tickets_and_says_so(clock: FakeClock) -> None:
    book = seats(clock)
    book.reserve("alice", "Alice")
    clock.advance_ms(10_000)
    book.reserve("bob", "Bob")
    assert book.next_expiry() == clock.now - 10 + TTL
    assert not book.expire()
    clock.advance_ms(TTL * 1000 - 10_000)
    assert book.expire()
    assert book.seats_taken == 1
    assert book.next_expiry() == clock.now + 10
    clock.advance_ms(10_000)
    assert book.expire()
    assert book.next_expiry() is None and book.seats_taken == 0


def test_a_second_reserve_replaces_the_ticket_never_two_seats(clock: FakeClock) -> None:
    book = seats(clock, capacity=1)
    first = book.reserve("alice", "Alice")
    second = book.reserve("alice", "Alice")  # the room is full, but the seat is hers
    assert book.seats_taken == 1
    assert book.take(first) is None
    assert book.take(second) == Holder("alice", "Alice")


def test_tickets_are_single_use_and_unknown_ones_are_refused(clock: FakeClock) -> None:
    book = seats(clock)
    ticket = book.reserve("alice", "Alice")
    assert book.take("not a ticket") is None
    assert book.take(ticket) is not None
    assert book.take(ticket) is None


def test_a_member_cannot_reserve_and_leaving_frees_the_seat(clock: FakeClock) -> None:
    book = seats(clock, capacity=1)
    book.take(book.reserve("alice", "Alice"))
    with pytest.raises(ProtocolError) as inside:
        book.reserve("alice", "Alice")
    assert inside.value.code == ErrorCode.ALREADY_IN_ROOM
    with pytest.raises(ProtocolError):
        book.reserve("bob", "Bob")
    book.remove("alice")
    assert book.reserve("bob", "Bob")


def test_revoke_frees_the_seat_and_voids_the_ticket(clock: FakeClock) -> None:
    book = seats(clock, capacity=1)
    ticket = book.reserve("alice", "Alice")
    book.revoke("alice")
    assert book.seats_taken == 0
    assert book.take(ticket) is None
    assert book.reserve("bob", "Bob")


def test_ticket_expiry_tells_when_a_users_ticket_runs_out(clock: FakeClock) -> None:
    book = seats(clock)
    assert book.ticket_expiry("alice") is None
    ticket = book.reserve("alice", "alice")
    assert book.ticket_expiry("alice") == clock.now + TTL
    clock.advance(1)
    book.reserve("alice", "alice")  # a second ask replaces the first
    assert book.ticket_expiry("alice") == clock.now + TTL
    assert book.take(ticket) is None and book.ticket_expiry("bobby") is None


def test_unused_tickets_beyond_the_reservation_do_not_fill_the_room(clock: FakeClock) -> None:
    book = seats(clock, capacity=10, reserved=2)
    book.take(book.reserve("owner", "owner"))
    for n in range(9):
        book.reserve(f"squatter{n}", "s")  # nine live tickets, none of them used
    assert book.seats_taken == 10 and book.seats_held == 3
    newcomer = book.reserve("newcomer", "Newcomer")
    assert book.take(newcomer) == Holder("newcomer", "Newcomer")
    assert book.members == 2


def test_a_reserved_ticket_gets_its_seat_and_a_later_one_finds_the_room_full(
    clock: FakeClock,
) -> None:
    book = seats(clock, capacity=4, reserved=2)
    book.take(book.reserve("alice", "Alice"))
    bob, carol = book.reserve("bob", "Bob"), book.reserve("carol", "Carol")  # the reservation
    dave, erin = book.reserve("dave", "Dave"), book.reserve("erin", "Erin")  # beyond it
    assert book.take(dave) == Holder("dave", "Dave")  # the one seat no ticket holds
    with pytest.raises(ProtocolError) as full:
        book.take(erin, 5)  # the last seats are bob's and carol's
    assert full.value.code == ErrorCode.ROOM_FULL and full.value.request_id == 5
    assert book.take(erin) is None  # used up all the same
    assert book.take(carol) is not None and book.take(bob) is not None
    assert book.members == 4
    with pytest.raises(ProtocolError):
        book.reserve("frank", "Frank")


def test_join_is_refused_when_people_and_the_reservation_fill_the_room(clock: FakeClock) -> None:
    book = seats(clock, capacity=3, reserved=2)
    book.take(book.reserve("alice", "Alice"))
    book.reserve("bob", "Bob")
    carol = book.reserve("carol", "Carol")
    with pytest.raises(ProtocolError) as refused:
        book.reserve("dave", "Dave")
    assert refused.value.code == ErrorCode.ROOM_FULL
    book.revoke("bob")
    dave = book.reserve("dave", "Dave")
    assert book.take(dave) is not None and book.take(carol) is not None


def test_a_later_ticket_moves_into_the_reservation_when_an_older_one_goes(
    clock: FakeClock,
) -> None:
    book = seats(clock, capacity=2, reserved=1)
    book.reserve("alice", "Alice")  # holds one of the two seats
    clock.advance(1)
    bob = book.reserve("bob", "Bob")
    carol = book.reserve("carol", "Carol")
    clock.advance(TTL - 1)  # alice's ticket expires: bob's is now the oldest
    assert book.take(carol) == Holder("carol", "Carol")  # the seat bob's does not hold
    assert book.take(bob) == Holder("bob", "Bob")  # and bob's seat was kept for him
    assert book.members == 2


def test_with_no_reservation_a_ticket_is_first_come_first_served(clock: FakeClock) -> None:
    book = seats(clock, capacity=1, reserved=0)
    alice, bob = book.reserve("alice", "Alice"), book.reserve("bob", "Bob")
    assert book.take(bob) is not None
    with pytest.raises(ProtocolError):
        book.take(alice)


@settings(max_examples=500, deadline=None)
@example(  # a later ticket must not take the seat the oldest one holds
    capacity=2,
    reserved=1,
    steps=[*(("reserve", n) for n in range(3)), ("take", 1), ("take", 2), ("take", 0)],
)
@given(
    capacity=st.integers(1, 5),
    reserved=st.integers(0, 3),
    steps=st.lists(
        st.tuples(st.sampled_from(["reserve", "take", "leave", "wait"]), st.integers(0, 4)),
        max_size=40,
    ),
)
def test_a_ticket_once_within_the_reservation_always_gets_its_seat(
    capacity: int, reserved: int, steps: list[tuple[str, int]]
) -> None:
    clock = FakeClock()
    book = seats(clock, capacity, reserved)
    tickets: dict[int, str] = {}
    promised: set[str] = set()  # tickets that were ever within the reservation
    for action, user in steps:
        try:
            if action == "reserve":
                tickets[user] = book.reserve(f"u{user}", "u")
            elif action == "take" and user in tickets:
                ticket = tickets.pop(user)
                live = book.ticket_expiry(f"u{user}") is not None
                try:
                    book.take(ticket)
                except ProtocolError:
                    assert not (live and ticket in promised), "a reserved ticket was refused"
            elif action == "leave":
                book.remove(f"u{user}")
            elif action == "wait":
                clock.advance(TTL / 4)
        except ProtocolError:
            pass
        assert book.members <= capacity
        book.expire()
        within = min(reserved, capacity - book.members)
        order = {digest: n for n, digest in enumerate(book._tickets)}
        promised |= {t for t in tickets.values() if order.get(ticket_digest(t), within) < within}
