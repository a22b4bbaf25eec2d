"""Seats and tickets on a fake clock: no socket, no Qt, no waiting."""

from __future__ import annotations

import pytest

from app.server.seats import Holder, Seats
from app.shared.protocol import ErrorCode, ProtocolError
from tests.fake_clock import FakeClock

TTL = 30.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def seats(clock: FakeClock, capacity: int = 2) -> Seats:
    return Seats(capacity, TTL, clock)


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
