"""Budgets per account and per address, on a fake clock and on a real server: they hold
across connections, rooms and re-entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from app.server.budgets import Budgets, text_size
from app.server.config import ServerConfig
from tests.fake_clock import FakeClock
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]

CONFIG = ServerConfig(db_path=":memory:")


def budgets(clock: FakeClock, **overrides: float) -> Budgets:
    return Budgets(replace(CONFIG, **overrides), clock)


def test_the_chat_guard_is_one_per_account() -> None:
    clock = FakeClock()
    held = budgets(clock, msg_rate=10, msg_burst=20)
    assert held.chat("alice") is held.chat("alice")
    assert held.chat("alice") is not held.chat("bobby")
    assert sum(bool(held.chat("alice").admit()) for _ in range(25)) == 20
    assert held.chat("bobby").admit()


def test_a_batch_passes_whole_or_up_to_the_address_budget() -> None:
    clock = FakeClock()
    held = budgets(clock, address_msg_rate=5, text_bytes_per_minute=0)  # bursts of 10
    assert held.admit_batch("alice", "10.0.0.1", ["x"] * 6) == 6
    assert held.admit_batch("bobby", "10.0.0.1", ["x"] * 6) == 4  # one address, both accounts
    assert held.admit_batch("carol", "10.0.0.2", ["x"] * 6) == 6
    assert held.batch_retry_after("bobby", "10.0.0.1", "x") == pytest.approx(0.2)
    clock.advance(0.2)
    assert held.admit_batch("bobby", "10.0.0.1", ["x"] * 3) == 1


def test_the_text_budget_counts_utf8_bytes_per_minute() -> None:
    clock = FakeClock()
    held = budgets(clock, address_msg_rate=0, text_bytes_per_minute=9000)
    assert text_size("ab") == 2 and text_size("한") == 3
    assert held.admit_batch("alice", "a", ["x" * 4000, "y" * 4000, "z" * 4000]) == 2
    assert held.batch_retry_after("alice", "a", "z" * 4000) == pytest.approx(20.0)
    clock.advance(20)
    assert held.admit_batch("alice", "a", ["z" * 4000]) == 1
    assert held.admit_batch("bobby", "a", ["한" * 3000]) == 1  # 9000 bytes: the whole minute
    assert held.admit_batch("bobby", "a", ["x"]) == 0


def test_joins_have_a_burst_of_a_third_of_the_minute() -> None:
    clock = FakeClock()
    held = budgets(clock, joins_per_minute=30)
    assert sum(held.joins("alice").take() for _ in range(15)) == 10
    clock.advance(2)
    assert held.joins("alice").take() and not held.joins("alice").take()


def test_refilled_budgets_are_forgotten_and_logging_is_once_per_minute() -> None:
    clock = FakeClock()
    held = budgets(clock, msg_rate=10, msg_burst=20)
    held.chat("alice").admit()
    held.admit_batch("alice", "a", ["x"])
    held.joins("alice").take()
    assert len(held) == 4
    assert held.should_log("chat", "alice") and not held.should_log("chat", "alice")
    held.prune()
    assert len(held) == 4  # nothing has refilled yet
    clock.advance(61)
    held.prune()
    assert len(held) == 0
    assert held.should_log("chat", "alice")


# --- on a real server -------------------------------------------------------------------


def say_many(member: WireClient, count: int, text: str = "m") -> None:
    member.send_raw(b"".join(b'{"type":"say","text":"%s%d","id":%d}\n' % (text.encode(), i, i)
                             for i in range(count)))  # fmt: skip


def outcome(member: WireClient, count: int) -> tuple[int, int]:
    """(delivered, refused) once `count` answers to the sender's says arrived."""
    member.wait_until(lambda: member.types().count("message") + member.types().count("error")
                      >= count)  # fmt: skip
    types = member.types()
    member.inbox.clear()
    return types.count("message"), types.count("error")


@pytest.mark.server_config(msg_rate=10, msg_burst=20)
def test_leaving_and_entering_again_does_not_refill_the_chat_budget(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    say_many(member, 15)
    assert outcome(member, 15) == (15, 0)
    member.request("leave", "bye")
    again = join(connect, alice, room)
    again.inbox.clear()
    say_many(again, 10)
    assert outcome(again, 10) == (5, 5)


@pytest.mark.server_config(msg_rate=10, msg_burst=20)
def test_one_account_in_two_rooms_shares_one_chat_budget(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    alice = login("alice")
    first = enter(connect, *create(alice, "First"))
    second = enter(connect, *create(alice, "Second"))
    say_many(first, 15)
    assert outcome(first, 15) == (15, 0)
    say_many(second, 10)
    assert outcome(second, 10) == (5, 5)


@pytest.mark.server_config(msg_rate=0, address_msg_rate=5)
def test_accounts_on_one_address_share_its_chat_budget(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    alice, bob = login("alice"), login("bobby")
    room, ticket = create(alice)
    alice_in = enter(connect, room, ticket)
    bob_in = join(connect, bob, room)
    say_many(alice_in, 6)
    assert outcome(alice_in, 6 + 0) == (6, 0)
    bob_in.wait_until(lambda: bob_in.types().count("message") == 6)
    bob_in.inbox.clear()
    say_many(bob_in, 6)
    delivered, refused = outcome(bob_in, 6)
    assert (delivered, refused) == (4, 2)


@pytest.mark.server_config(msg_rate=0, text_bytes_per_minute=10_000)
def test_stored_text_has_a_byte_budget_per_account_per_minute(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    alice = login("alice")
    member = enter(connect, *create(alice))
    say_many(member, 3, "x" * 3900)
    assert outcome(member, 3) == (2, 1)
    fake_clock.advance(60)
    say_many(member, 1, "x" * 3900)
    assert outcome(member, 1) == (1, 0)


@pytest.mark.server_config(joins_per_minute=30)
def test_joins_and_creations_share_a_budget_per_account(
    login: Login, fake_clock: FakeClock
) -> None:
    alice = login("alice")
    room, _ = create(alice)
    for _ in range(9):
        alice.request("join_room", "join_granted", room_id=room["id"])
    alice.send(type="join_room", room_id=room["id"])
    assert alice.expect_error("rate_limited")["retry_after"] == pytest.approx(2.0)
    alice.send(type="create_room", name="Other", capacity=4, password=None)
    alice.expect_error("rate_limited")
    login("bobby").request("join_room", "join_granted", room_id=room["id"])  # not bob's budget
    fake_clock.advance(2)
    alice.request("join_room", "join_granted", room_id=room["id"])


@pytest.mark.server_config(request_rate=10, request_burst=20, flood_close_factor=5)
def test_main_port_requests_have_a_budget_per_connection(
    connect: Connect, fake_clock: FakeClock
) -> None:
    client = connect()
    client.send_raw(b"".join(b'{"type":"ping","id":%d}\n' % i for i in range(25)))
    client.wait_until(lambda: len(client.inbox) >= 25)
    assert client.types() == ["pong"] * 20 + ["error"] * 5
    refused = client.inbox[-1]
    assert refused["code"] == "rate_limited" and refused["id"] == 24
    assert refused["retry_after"] == pytest.approx(0.1)
    client.inbox.clear()
    fake_clock.advance(0.1)
    client.request("ping", "pong")
    other = connect()  # a budget per connection
    other.request("ping", "pong")


@pytest.mark.server_config(request_rate=10, request_burst=20, flood_close_factor=5)
def test_a_connection_that_keeps_asking_at_five_times_the_rate_is_closed(
    connect: Connect, fake_clock: FakeClock
) -> None:
    client = connect()
    client.send_raw(b'{"type":"ping"}\n' * 300)
    client.wait_closed()
    assert client.inbox[-1]["message"] == "flooding"
    assert client.types().count("pong") == 20


@pytest.mark.server_config(request_rate=1, request_burst=3, msg_rate=0)
def test_room_port_pings_are_budgeted_but_not_chat(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    member = enter(connect, *create(login("alice")))  # enter took one of three
    say_many(member, 10)
    assert outcome(member, 10) == (10, 0)
    member.send_raw(b'{"type":"ping"}\n' * 3)
    member.wait_until(lambda: "error" in member.types())
    assert member.types().count("pong") == 2


# --- tickets ----------------------------------------------------------------------------


def test_logging_out_revokes_tickets_at_once(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    alice, bob, carol = login("alice"), login("bobby"), login("carol")
    room, _ = create(alice, capacity=2)
    ticket = bob.request("join_room", "join_granted", room_id=room["id"])["ticket"]
    carol.send(type="join_room", room_id=room["id"])
    carol.expect_error("room_full")
    bob.request("logout", "bye")
    bob.wait_closed()
    carol.request("join_room", "join_granted", room_id=room["id"])
    late = connect(port=room["port"])
    late.send(type="enter", ticket=ticket)
    late.expect_error("bad_ticket")


@pytest.mark.server_config(tickets_per_user=2)
def test_a_person_holds_a_few_tickets_overall_the_newest(
    login: Login, connect: Connect, fake_clock: FakeClock
) -> None:
    alice = login("alice")
    (first, first_ticket), second, third = (create(alice, n) for n in ("One", "Two", "Three"))
    stale = connect(port=first["port"])
    stale.send(type="enter", ticket=first_ticket)
    stale.expect_error("bad_ticket")
    enter(connect, *second)
    enter(connect, *third)


# --- lobby events -----------------------------------------------------------------------


@pytest.mark.server_config(room_update_interval=1.0, joins_per_minute=0)
def test_room_updates_are_coalesced_and_the_last_state_follows(
    login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bobby")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    for _ in range(4):  # eight changes of the member count within the interval
        member.request("leave", "bye")
        member = join(connect, alice, room)
    member.request("leave", "bye")

    def updates() -> list[int]:
        return [m["room"]["members"] for m in bob.inbox if m.get("type") == "room_updated"]

    bob.wait_until(lambda: updates()[-1:] == [0], timeout=3000)
    assert len(updates()) <= 3, updates()
