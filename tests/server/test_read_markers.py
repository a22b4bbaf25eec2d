"""Read markers and typing on the room port: relayed to the others, rate-limited, and in
`entered`; first the core on a fake clock, then a real server with three members."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from PySide6.QtCore import QByteArray

from app.server import held_markers
from app.server.budgets import Budgets
from app.server.held_markers import with_markers
from app.server.room_conversation import RoomConversation
from app.server.room_effects import Effect, Relay, Send, Wake
from app.server.room_markers import RoomMarkers
from app.server.seats import Seats
from app.shared.protocol import (
    MAX_FRAME_BYTES,
    ChatMessage,
    Entered,
    ErrorReply,
    Read,
    ReadUpTo,
    Say,
    Typing,
    TypingNotice,
    encode,
    fitted_entered,
)
from tests.fake_clock import FakeClock
from tests.server.test_persistent_rooms import create_persistent, log_in
from tests.server.test_room_conversation import CONFIG, INFO, TTL, enter
from tests.server.test_rooms import create, join
from tests.server.test_rooms import enter as enter_port
from tests.shared.test_protocol import ROOM
from tests.wire_client import WireClient


def _core(clock: FakeClock) -> RoomConversation[str]:
    stamps = (f"2026-12-02T04:00:{n:02d}.000Z" for n in itertools.count())
    budgets = Budgets(replace(CONFIG, msg_burst=50), clock)
    seats = Seats(4, TTL, clock, reserved=4)
    markers: RoomMarkers[str] = RoomMarkers(clock, 1.0, 3.0)
    core = RoomConversation(INFO, 4242, budgets, seats, lambda: next(stamps), markers=markers)
    core.restore_history([ChatMessage(seq, "Alice", f"m{seq}", "t") for seq in range(1, 6)])
    return core


def _relayed(effects: list[Effect[str]]) -> list[tuple[str, object]]:
    return [(e.connection, e.event) for e in effects if isinstance(e, Relay)]


def test_read_markers_are_relayed_at_most_once_a_second_and_coalesced() -> None:
    clock = FakeClock()
    core = _core(clock)
    enter(core, "a", "alice")
    enter(core, "b", "bob")
    assert _relayed(core.received("b", [Read(2)])) == [("b", ReadUpTo("Bob", 2))]
    clock.advance(0.3)
    assert core.received("b", [Read(3)]) == [Wake(pytest.approx(0.7))]  # too soon: it waits
    assert core.received("b", [Read(4)]) == []  # coalesced with the waiting one
    assert core.received("b", [Read(1)]) == []  # a marker never moves back
    assert core.markers_due() == [Wake(pytest.approx(0.7))]  # not yet
    clock.advance(0.7)
    assert _relayed(core.markers_due()) == [("b", ReadUpTo("Bob", 4))]  # only the newest
    assert core.markers_due() == []
    clock.advance(1.0)
    assert _relayed(core.received("b", [Read(5)])) == [("b", ReadUpTo("Bob", 5))]
    (refusal,) = [e.event for e in core.received("b", [Read(6, 9)]) if isinstance(e, Send)]
    assert isinstance(refusal, ErrorReply) and refusal.code == "bad_request" and refusal.id == 9
    entered = [e.event for e in enter(core, "c", "carol") if isinstance(e, Send)]
    assert isinstance(entered[0], Entered) and entered[0].read == {"Bob": 5}


def test_typing_is_relayed_at_most_once_per_three_seconds_extras_dropped() -> None:
    clock = FakeClock()
    core = _core(clock)
    enter(core, "a", "alice")
    enter(core, "b", "bob")
    assert _relayed(core.received("b", [Typing()])) == [("b", TypingNotice("Bob"))]
    clock.advance(2.9)
    assert core.received("b", [Typing(), Typing()]) == []  # dropped silently, no wake
    assert core.markers_due() == []
    clock.advance(0.1)
    assert _relayed(core.received("b", [Typing()])) == [("b", TypingNotice("Bob"))]
    effects = core.received("a", [Typing(), Say("hi")])  # another member has budgets of their own
    assert _relayed(effects) == [("a", TypingNotice("Alice"))]


def test_three_members_see_each_others_read_markers_and_typing(login, connect) -> None:
    alice, bob, carol = login("alice"), login("bob"), login("carol")
    room, ticket = create(alice, capacity=4)
    alice_room = enter_port(connect, room, ticket)
    bob_room = join(connect, bob, room)
    alice_room.send(type="say", text="one")
    alice_room.send(type="say", text="two")
    bob_room.expect("message")
    assert bob_room.expect("message")["seq"] == 2
    bob_room.send(type="read", seq=2)
    assert alice_room.expect("read_up_to") == {"type": "read_up_to", "name": "bob", "seq": 2}
    bob_room.send(type="typing")
    assert alice_room.expect("typing") == {"type": "typing", "name": "bob"}
    carol_room = join(connect, carol, room)  # `entered` says who read what
    carol_room.send(type="read", seq=1)
    assert alice_room.expect("read_up_to")["name"] == "carol"
    assert bob_room.expect("read_up_to") == {"type": "read_up_to", "name": "carol", "seq": 1}
    bob_room.send(type="ping", id="p")  # bob never hears of his own marker or typing
    bob_room.expect("pong")
    assert "read_up_to" not in bob_room.types() or all(
        m["name"] != "bob" for m in bob_room.inbox if m["type"] == "read_up_to"
    )
    assert "typing" not in bob_room.types()
    late = login("dave")
    granted = late.request("join_room", "join_granted", room_id=room["id"])
    dave_room = connect(port=room["port"])
    dave_room.send(type="enter", ticket=granted["ticket"])
    assert dave_room.expect("entered")["read"] == {"bob": 2, "carol": 1}


def test_entered_with_every_read_marker_of_the_largest_room_fits_the_line() -> None:
    history = [ChatMessage(seq, "지" * 32, "글" * 4000, "t") for seq in range(1, 51)]
    for count in (400, 100):
        room = replace(ROOM, name="방" * 64, owner="주" * 32, members=count, capacity=count)
        members = tuple(f"{index:03d}" + "𝒜" * 29 for index in range(count))
        read = {name: 10**9 + index for index, name in enumerate(members)}
        entered = fitted_entered(
            room, members[0], members, history, "x" * 128, 40 * 1024, read=read
        )
        assert len(encode(entered)) <= MAX_FRAME_BYTES
        assert entered.history  # history goes first; of the markers, the furthest readers
        assert entered.read is not None
        kept = entered.read
        assert kept == read or not kept or min(kept.values()) > min(read.values())
    assert entered.read == read  # with 100 members, all of both


@pytest.mark.both_engines
def test_a_persistent_room_keeps_read_markers_across_a_restart(make_server, qtbot) -> None:
    first = make_server()
    alice = log_in(qtbot, first, "alice", operator=True)
    room, ticket = create_persistent(alice)
    alice_room = WireClient(qtbot, room["port"])
    alice_room.request("enter", "entered", ticket=ticket)
    alice_room.send(type="say", text="둘 중 첫째")
    alice_room.send(type="say", text="second")
    alice_room.expect("message")
    alice_room.expect("message")
    alice_room.send(type="read", seq=2)
    alice_room.request("ping", "pong")
    alice.close()
    first.shutdown()
    alice_room.close()

    second = make_server()
    alice = log_in(qtbot, second, "alice", operator=True)
    granted = alice.request("join_room", "join_granted", room_id=room["id"])
    again = WireClient(qtbot, room["port"])
    assert again.request("enter", "entered", ticket=granted["ticket"])["read"] == {"alice": 2}


def test_a_held_marker_rides_the_next_message_to_all_but_its_sender(
    login, connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held_markers, "HOLD_MS", 60_000)  # held until a delivery comes
    alice, bob, carol = login("alice"), login("bob"), login("carol")
    room, ticket = create(alice, capacity=4)
    alice_room = enter_port(connect, room, ticket)
    bob_room, carol_room = join(connect, bob, room), join(connect, carol, room)
    alice_room.send(type="say", text="one")
    assert bob_room.expect("message")["seq"] == 1
    bob_room.send(type="read", seq=1)
    bob_room.send(type="ping", id="p")  # the server has bob's marker: it holds it
    bob_room.expect("pong")
    carol_room.send(type="say", text="two")
    for member in (alice_room, carol_room):
        assert member.expect("read_up_to") == {"type": "read_up_to", "name": "bob", "seq": 1}
        assert [m["text"] for m in member.inbox if m["type"] == "message"][-1] == "two"
    assert bob_room.expect("message")["text"] == "two"
    bob_room.send(type="ping", id="q")
    bob_room.expect("pong")
    assert "read_up_to" not in bob_room.types()  # the same delivery, without his own marker


def test_held_frames_follow_the_delivery_and_skip_their_own_sender() -> None:
    a, b = object(), object()
    everyone, own = with_markers(
        QByteArray(b"M\n"),
        [(a, b"ra\n"), (b, b"rb\n"), (a, b"ra2\n")],  # type: ignore[list-item]
    )
    assert everyone.data() == b"M\nra\nrb\nra2\n"
    assert {key: value.data() for key, value in own.items()} == {a: b"M\nrb\n", b: b"M\nra\nra2\n"}
