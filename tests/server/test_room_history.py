"""Paging back through a room's stored messages on a real server (`history` on the room
port), and `--history-days` deleting the old ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.server.server import ChatServer
from app.shared.protocol import MAX_FRAME_BYTES
from app.shared.timefmt import to_iso
from tests.db_access import lock_writes
from tests.server.test_persistent_rooms import create_persistent, log_in
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
TS = "2026-11-24T20:15:03.120Z"


def page_back(member: WireClient, limit: int) -> list[tuple[int, str]]:
    """Every stored message, asked for page by page from the newest; checks each line."""
    seen: list[tuple[int, str]] = []
    before = None
    for _ in range(10_000):
        page = member.request("history", "history", before=before, limit=limit, id="h")
        assert page["id"] == "h" and len(page["messages"]) <= limit
        seen[:0] = [(m["seq"], m["text"]) for m in page["messages"]]
        if not page["more"]:
            break
        before = page["messages"][0]["seq"]
    lines = [raw for raw in member.raw.split(b"\n") if b'"type":"history"' in raw]
    assert lines and max(len(line) + 1 for line in lines) <= MAX_FRAME_BYTES
    return seen


@pytest.mark.server_config(request_burst=1_000)
def test_paging_back_gives_every_message_once_in_order(
    login: Login, connect: Connect, server: ChatServer
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    stored = [(seq, f"message {seq}") for seq in range(1, 3_001)]
    for start in range(0, len(stored), 500):  # in bulk, as a busy room's batches would be
        server.store.add_messages(room["id"], "alice", TS, stored[start : start + 500])
    assert page_back(member, 200) == stored
    assert page_back(member, 7) == stored
    default = member.request("history", "history")
    assert [m["seq"] for m in default["messages"]] == list(range(2_951, 3_001))
    assert default["more"] is True
    first = member.request("history", "history", before=1)
    assert first["messages"] == [] and first["more"] is False


@pytest.mark.server_config(request_burst=1_000)
def test_long_messages_are_paged_within_the_line_and_none_is_lost(
    login: Login, connect: Connect, server: ChatServer
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    stored = [(seq, "글" * 4_000) for seq in range(1, 301)]  # 12,000 bytes each
    server.store.add_messages(room["id"], "alice", TS, stored)
    page = member.request("history", "history", limit=200)
    assert 0 < len(page["messages"]) < 200 and page["more"] is True
    assert page["messages"][-1]["seq"] == 300
    assert page_back(member, 200) == stored


def test_history_holds_what_was_said_before_it(login: Login, connect: Connect) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    says = b"".join(b'{"type":"say","text":"said %d"}\n' % n for n in range(8))
    member.send_raw(says + b'{"type":"history","id":1}\n')  # one read: stored, then read
    page = member.expect("history")
    assert [m["text"] for m in page["messages"]] == [f"said {n}" for n in range(8)]
    assert [m["seq"] for m in page["messages"]] == list(range(1, 9))
    assert page["more"] is False and page["messages"][0]["from"] == "alice"


@pytest.mark.parametrize("bad", [{"limit": 0}, {"limit": 201}, {"limit": "5"}, {"before": "x"}])
def test_a_bad_history_request_gets_bad_request_and_the_member_stays(
    login: Login, connect: Connect, bad: dict
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    member.send(type="history", id="bad", **bad)
    assert member.expect_error("bad_request")["id"] == "bad"
    member.send(type="say", text="still here")
    assert member.expect("message")["text"] == "still here"


def old_and_new(server: ChatServer, room_id: int, now: datetime) -> None:
    """1,500 messages ten days old, then 20 from an hour ago, stored straight."""
    old, recent = to_iso(now - timedelta(days=10)), to_iso(now - timedelta(hours=1))
    server.store.add_messages(room_id, "alice", old, [(s, f"old {s}") for s in range(1, 1_501)])
    server.store.add_messages(
        room_id, "alice", recent, [(s, f"new {s}") for s in range(1_501, 1_521)]
    )


def test_history_days_deletes_older_messages_at_start_up_and_daily(
    make_server, qtbot: QtBot
) -> None:
    now = datetime.now(UTC)
    wall = [now.timestamp()]
    first = make_server(persistent_rooms="everyone")
    alice = log_in(qtbot, first, "alice")
    room, _ = create_persistent(alice)
    old_and_new(first, room["id"], now)
    alice.close()
    first.shutdown()

    server = make_server(history_days=2.0, wall_clock=lambda: wall[0])
    qtbot.wait_until(lambda: not server.history_expiry.running)
    bob = log_in(qtbot, server, "bob")
    granted = bob.request("join_room", "join_granted", room_id=room["id"])
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=granted["ticket"])
    page = member.request("history", "history", limit=200)
    assert [m["seq"] for m in page["messages"]] == list(range(1_501, 1_521))
    assert page["more"] is False

    wall[0] += 2 * 86_400  # two days on: the next daily pass takes the rest
    server.history_expiry.start_pass()
    qtbot.wait_until(lambda: not server.history_expiry.running)
    assert member.request("history", "history")["messages"] == []
    member.close()
    bob.close()


def test_without_history_days_nothing_is_deleted(make_server, qtbot: QtBot) -> None:
    now = datetime.now(UTC)
    server = make_server(wall_clock=lambda: now.timestamp() + 1_000 * 86_400)
    alice = log_in(qtbot, server, "alice")
    room, ticket = create(alice)
    old_and_new(server, room["id"], now)
    server.history_expiry.start_pass()
    assert not server.history_expiry.running
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    assert len(page_back(member, 200)) == 1_520
    member.close()
    alice.close()


def test_history_holds_only_committed_messages(
    login: Login, connect: Connect, holder, db_path: str
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    member.send(type="say", text="stored")
    member.expect("message")
    lock_writes(holder, db_path)  # another process holds the database: the next say waits
    member.send(type="say", text="held back")
    page = member.request("history", "history")
    assert [m["text"] for m in page["messages"]] == ["stored"]
    assert holder.exec("ROLLBACK")
    assert member.expect("message")["text"] == "held back"
    page = member.request("history", "history")
    assert [m["text"] for m in page["messages"]] == ["stored", "held back"]
