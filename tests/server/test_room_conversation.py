"""The room port's conversation core on a fake clock: no socket, no Qt, no waiting."""

from __future__ import annotations

import itertools
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.server.budgets import Budgets
from app.server.config import ServerConfig
from app.server.room_conversation import HISTORY_BYTES, HISTORY_LENGTH, RoomConversation, RoomInfo
from app.server.room_effects import (
    Admit,
    Broadcast,
    Close,
    Effect,
    MemberJoined,
    MemberLeft,
    SeatsChanged,
    Send,
    Store,
)
from app.server.seats import Seats
from app.server.states import RoomState
from app.shared.protocol import (
    MAX_FRAME_BYTES,
    Bye,
    ChatMessage,
    Enter,
    Entered,
    ErrorCode,
    ErrorReply,
    Joined,
    Leave,
    Left,
    MemberRole,
    Ping,
    Pong,
    ProtocolError,
    Say,
    ServerEvent,
    encode,
)
from tests.fake_clock import FakeClock

TTL = 10.0
CONFIG = ServerConfig(db_path=":memory:", msg_rate=1, msg_burst=3, flood_close_factor=2)
INFO = RoomInfo(7, "Lounge", "alice", 4, None, "2026-12-01T10:00:00.000Z")
ADDRESS = "10.0.0.1"

Core = RoomConversation[str]


def make_core(
    clock: FakeClock, capacity: int = 4, reserved: int | None = None, **config: float
) -> Core:
    stamps = (f"2026-12-02T04:00:{n:02d}.000Z" for n in itertools.count())
    budgets = Budgets(replace(CONFIG, **config), clock)
    info = replace(INFO, capacity=capacity)
    seats = Seats(capacity, TTL, clock, reserved=capacity if reserved is None else reserved)
    return RoomConversation(info, 4242, budgets, seats, lambda: next(stamps))


def enter(core: Core, connection: str, user: str, ticket: str | None = None) -> list[Effect[str]]:
    """Open `connection` and enter on it with `ticket` (a fresh one for `user` if None)."""
    if ticket is None:
        ticket = core.reserve_seat(user, user.title())
    core.opened(connection, ADDRESS, f"peer-{connection}")
    return core.received(connection, [Enter(ticket, "e")])


def sent(effects: list[Effect[str]], connection: str) -> list[ServerEvent]:
    return [e.event for e in effects if isinstance(e, Send) and e.connection == connection]


def broadcasts(effects: list[Effect[str]]) -> list[ServerEvent]:
    return [e.event for e in effects if isinstance(e, Broadcast)]


def closes(effects: list[Effect[str]]) -> list[Close[str]]:
    return [e for e in effects if isinstance(e, Close)]


def stored(effects: list[Effect[str]]) -> list[str]:
    return [text for e in effects if isinstance(e, Store) for text in e.texts]


def codes(events: list[ServerEvent]) -> list[str]:
    return [e.code for e in events if isinstance(e, ErrorReply)]


def test_entering_with_a_valid_ticket_makes_a_member_and_tells_everyone() -> None:
    core = make_core(FakeClock())
    enter(core, "a", "alice")
    effects = enter(core, "b", "bobby")
    assert effects[:3] == [Admit("b"), SeatsChanged(), effects[2]]
    entered = sent(effects, "b")[0]
    assert isinstance(entered, Entered)
    assert (entered.you, entered.members, entered.id) == ("Bobby", ("Alice", "Bobby"), "e")
    assert entered.room.members == 2 and entered.room.port == 4242
    owner = (MemberRole("Alice", "owner"),)  # plain members are not listed
    assert broadcasts(effects) == [
        Joined("Bobby", ("Alice", "Bobby"), "2026-12-02T04:00:01.000Z", owner)
    ]
    assert effects[-1] == MemberJoined("Bobby")
    assert core.state_of("b") is RoomState.MEMBER and core.seats.members == 2


@pytest.mark.parametrize("case", ["unknown", "expired", "reused"])
def test_a_bad_ticket_is_refused_and_the_connection_closed(case: str) -> None:
    clock = FakeClock()
    core = make_core(clock)
    ticket = core.reserve_seat("alice", "Alice")
    if case == "unknown":
        ticket = ticket[::-1]
    elif case == "expired":
        clock.advance(TTL)
    else:
        enter(core, "a", "alice", ticket)
    effects = enter(core, "b", "alice", ticket)
    assert codes(sent(effects, "b")) == ["bad_ticket"]
    assert sent(effects, "b")[0] == ErrorReply(
        "bad_ticket", "the first line must be enter with a valid ticket", "e"
    )
    assert closes(effects) == [Close("b")]
    assert core.state_of("b") is RoomState.CLOSED
    assert not broadcasts(effects) and "b" not in core.connections()
    assert core.received("b", [Ping(1)]) == []  # a closed conversation reads no more
    assert core.member_names() == (("Alice",) if case == "reused" else ())


def test_an_expired_ticket_frees_its_seat_when_the_clock_moves() -> None:
    clock = FakeClock()
    core = make_core(clock)
    core.reserve_seat("alice", "Alice")
    clock.advance_ms(TTL * 1000 - 1)
    assert not core.expire_tickets() and core.seats.seats_taken == 1
    clock.advance_ms(1)
    assert core.expire_tickets() and core.seats.seats_taken == 0


@pytest.mark.parametrize(
    "first", [Say("hi", 1), Ping(1), Leave(1), ProtocolError(ErrorCode.BAD_REQUEST, "bad", 1)]
)
def test_anything_but_enter_first_is_a_bad_ticket(
    first: Say | Ping | Leave | ProtocolError,
) -> None:
    core = make_core(FakeClock())
    core.reserve_seat("alice", "Alice")
    core.opened("a", ADDRESS)
    effects = core.received("a", [first, Say("and then", 2)])
    assert sent(effects, "a") == [
        ErrorReply("bad_ticket", "the first line must be enter with a valid ticket", 1)
    ]
    assert closes(effects) == [Close("a")] and not stored(effects)
    assert core.seats.seats_taken == 1  # alice's ticket still holds her seat


def test_two_tickets_for_the_last_seat_and_one_seat() -> None:
    clock = FakeClock()
    core = make_core(clock, capacity=2)
    enter(core, "a", "alice")
    late = core.reserve_seat("bobby", "Bobby")  # the last seat
    with pytest.raises(ProtocolError) as full:
        core.reserve_seat("carol", "Carol")
    assert full.value.code is ErrorCode.ROOM_FULL
    clock.advance(TTL)  # bobby never came: his ticket lapses and carol gets the seat
    ticket = core.reserve_seat("carol", "Carol")
    assert codes(sent(enter(core, "b", "bobby", late), "b")) == ["bad_ticket"]
    assert isinstance(sent(enter(core, "c", "carol", ticket), "c")[0], Entered)
    assert core.member_names() == ("Alice", "Carol")


def test_a_ticket_beyond_the_reservation_is_refused_room_full_at_enter() -> None:
    core = make_core(FakeClock(), capacity=2, reserved=1)
    held = core.reserve_seat("bobby", "Bobby")  # within the reservation: its seat is kept
    late = core.reserve_seat("alice", "Alice")
    enter(core, "c", "carol")  # a later ticket, in a seat nobody held
    effects = enter(core, "a", "alice", late)
    assert sent(effects, "a") == [
        ErrorReply("room_full", "the room is full: every seat is taken or held", "e")
    ]
    assert closes(effects) == [Close("a")] and core.state_of("a") is RoomState.CLOSED
    assert isinstance(sent(enter(core, "b", "bobby", held), "b")[0], Entered)


def test_a_reopened_room_gives_newcomers_its_stored_history() -> None:
    core = make_core(FakeClock())
    stored_before = [ChatMessage(n, "Alice", f"m{n}", "ts") for n in (7, 8)]
    core.restore_history(stored_before)
    entered = sent(enter(core, "a", "bobby"), "a")[0]
    assert isinstance(entered, Entered) and list(entered.history) == stored_before


def test_someone_inside_gets_no_second_ticket_and_their_ticket_works_once() -> None:
    core = make_core(FakeClock())
    ticket = core.reserve_seat("alice", "Alice")
    enter(core, "a", "alice", ticket)
    with pytest.raises(ProtocolError) as inside:
        core.reserve_seat("alice", "Alice")
    assert inside.value.code is ErrorCode.ALREADY_IN_ROOM
    effects = enter(core, "b", "alice", ticket)  # the same ticket from elsewhere
    assert codes(sent(effects, "b")) == ["bad_ticket"] and closes(effects) == [Close("b")]
    assert core.members["alice"].connection == "a"


def test_a_new_login_replaces_the_session_and_the_account_enters_again_from_elsewhere() -> None:
    core = make_core(FakeClock())
    enter(core, "a", "alice")
    enter(core, "b", "bobby")
    text = "you logged in from somewhere else"
    effects = core.kick_user("alice", ErrorCode.SESSION_REPLACED, text)
    assert closes(effects) == [Close("a", ErrorCode.SESSION_REPLACED, text)]
    assert core.state_of("a") is RoomState.CLOSED
    assert core.received("a", [Say("still here?", 1)]) == []
    assert core.member_names() == ("Alice", "Bobby")  # until its socket is gone
    left = core.connection_closed("a")
    bare = Left("Alice", ("Bobby",), "2026-12-02T04:00:02.000Z", None, None, ())
    assert broadcasts(left) == [bare]
    assert left[1:] == [SeatsChanged(), MemberLeft("Alice")]
    effects = enter(core, "a2", "alice")
    assert isinstance(sent(effects, "a2")[0], Entered) and not closes(effects)
    assert core.members["alice"].connection == "a2"
    assert core.connection_closed("a") == []  # late news of the old socket changes nothing


def test_a_kicked_member_leaves_saying_who_removed_them() -> None:
    core = make_core(FakeClock())
    enter(core, "a", "alice")
    enter(core, "b", "bobby")
    assert core.kick_member("Nobody", ErrorCode.KICKED, "you were removed", "the server") == []
    effects = core.kick_member("Bobby", ErrorCode.KICKED, "you were removed", "the server")
    assert closes(effects) == [Close("b", ErrorCode.KICKED, "you were removed")]
    left = broadcasts(core.connection_closed("b"))[0]
    assert isinstance(left, Left) and left.kicked_by == "the server"


def test_the_flood_budget_is_the_accounts_and_survives_leave_and_re_entry() -> None:
    core = make_core(FakeClock())
    enter(core, "a", "alice")
    effects = core.received("a", [Say(str(n), n) for n in range(1, 5)] + [Leave(9)])
    assert stored(effects) == ["1", "2", "3"]
    assert codes(sent(effects, "a")) == ["rate_limited"]
    assert closes(effects)[-1] == Close("a", last=Bye(9))
    core.connection_closed("a")
    enter(core, "b", "alice")  # a new connection, the same account: the budget is spent
    effects = core.received("b", [Say("again", 5), Say("and again", 6)])
    assert not stored(effects) and codes(sent(effects, "b")) == ["rate_limited"] * 2
    flood = core.received("b", [Say("more", 7)])  # the close factor's budget is spent too
    assert closes(flood) == [Close("b", ErrorCode.RATE_LIMITED, "flooding")]


def test_what_came_before_a_refusal_is_stored_first_and_in_order() -> None:
    core = make_core(FakeClock(), msg_burst=2)
    enter(core, "a", "alice")
    effects = core.received("a", [Say("1", 1), Say("2", 2), Say("3", 3), Ping(4)])
    kinds = [type(e).__name__ for e in effects]
    assert kinds == ["Store", "Send", "Send"]
    assert sent(effects, "a") == [sent(effects, "a")[0], Pong(4)]


def test_leave_says_bye_and_closes_and_what_follows_is_not_read() -> None:
    core = make_core(FakeClock())
    enter(core, "a", "alice")
    effects = core.received("a", [Leave("l"), Say("after", 2)])
    assert effects == [Close("a", last=Bye("l"))]  # bye as the last frame, ahead of any backlog
    assert core.state_of("a") is RoomState.CLOSED


def test_enter_twice_is_a_bad_request_and_the_member_stays() -> None:
    core = make_core(FakeClock())
    enter(core, "a", "alice")
    ticket = core.reserve_seat("bobby", "Bobby")
    effects = core.received("a", [Enter(ticket, 3), Ping(4)])
    assert sent(effects, "a") == [
        ErrorReply("bad_request", "you are already in this room", 3),
        Pong(4),
    ]
    assert not closes(effects) and core.state_of("a") is RoomState.MEMBER


def test_joined_and_left_carry_ts_and_the_member_list() -> None:
    core = make_core(FakeClock())
    joined = [broadcasts(enter(core, c, u))[0] for c, u in (("a", "alice"), ("b", "bobby"))]
    owner = (MemberRole("Alice", "owner"),)
    assert joined == [
        Joined("Alice", ("Alice",), "2026-12-02T04:00:00.000Z", owner),
        Joined("Bobby", ("Alice", "Bobby"), "2026-12-02T04:00:01.000Z", owner),
    ]
    assert broadcasts(core.connection_closed("a")) == [
        Left("Alice", ("Bobby",), "2026-12-02T04:00:02.000Z", None, None, ())  # no role left
    ]


def test_committed_messages_are_the_frames_encode_gives_and_history_for_newcomers() -> None:
    core = make_core(FakeClock())
    frames = core.committed("Alice", "ts", [(1, "hi"), (2, "ho")])
    assert frames == encode(ChatMessage(1, "Alice", "hi", "ts")) + encode(
        ChatMessage(2, "Alice", "ho", "ts")
    )
    core.committed("Alice", "ts", [(n, str(n)) for n in range(3, 3 + HISTORY_LENGTH)])
    entered = sent(enter(core, "a", "bobby"), "a")[0]
    assert isinstance(entered, Entered)
    assert len(entered.history) == HISTORY_LENGTH and entered.history[0].seq == 3


def test_history_is_trimmed_for_newcomers_to_fit_the_line() -> None:
    core = make_core(FakeClock(), capacity=100)
    for n in range(HISTORY_LENGTH):
        core.committed("A" * 32, "2026-12-02T04:00:00.000Z", [(n + 1, "한" * 4000)])
    entered = sent(enter(core, "a", "bobby"), "a")[0]
    assert isinstance(entered, Entered)
    assert 0 < len(entered.history) < HISTORY_LENGTH
    assert entered.history[-1].seq == HISTORY_LENGTH  # the newest are kept
    assert len(encode(entered)) <= MAX_FRAME_BYTES
    assert sum(len(encode(m)) for m in entered.history) <= HISTORY_BYTES  # room for the rest


def test_closing_the_room_closes_every_connection_and_announces_nobody_leaving() -> None:
    core = make_core(FakeClock())
    enter(core, "a", "alice")
    core.opened("w", ADDRESS)  # still waiting for its enter
    core.reserve_seat("bobby", "Bobby")
    effects = core.close(ErrorCode.ROOM_CLOSED, "closed")
    assert sorted(c.connection for c in closes(effects)) == ["a", "w"]
    assert {c.code for c in closes(effects)} == {ErrorCode.ROOM_CLOSED}
    assert core.seats.seats_taken == 0
    assert core.connection_closed("a") == [] and core.close() == []


def test_the_core_imports_no_qt() -> None:
    code = (
        "import sys, app.server.room_conversation; "
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
