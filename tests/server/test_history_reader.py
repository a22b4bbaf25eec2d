"""History pages on their own thread: the page is read off the event loop on a connection
of its own while the room keeps chatting, a member's later requests wait behind its page,
what was delivered is in the page, and a page for a member who has gone is dropped."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.server import history_reader
from app.server.hashing import PasswordHasher
from app.server.history_reader import HistoryReader, PageJob
from app.server.room_history import history_frame, history_page
from app.server.server import ChatServer
from app.server.store import MIGRATIONS, ChatStore
from app.shared.protocol import RoomHistory, encode
from tests.server.test_rooms import create, enter, join
from tests.server.test_search import say_all
from tests.thread_gate import Gate, gated
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Login = Callable[..., WireClient]
Connect = Callable[..., WireClient]
TS = "2026-01-01T00:00:01.000Z"


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """Every page held on the pool's thread until the test opens the gate."""
    yield from gated(monkeypatch, history_reader, "history_frame")


def two_members(login: Login, connect: Connect) -> tuple[WireClient, WireClient]:
    alice = login("alice")
    room, ticket = create(alice, "Lounge")
    member = enter(connect, room, ticket)
    say_all(member, "one", "two")
    other = join(connect, login("bob"), room)
    return member, other


def test_a_page_is_read_off_the_event_loop_while_the_room_chats(
    login: Login, connect: Connect, gate: Gate, qtbot: QtBot
) -> None:
    member, other = two_members(login, connect)
    member.send(type="history", id="h")
    member.send(type="ping", id="p")
    qtbot.waitUntil(lambda: gate.waiting == 1)
    assert gate.threads[0] != threading.get_ident()  # not the event loop's thread
    other.send(type="say", text="three")  # the room chats meanwhile
    assert other.expect("message")["text"] == "three"
    member.wait_until(lambda: "message" in member.types())  # delivered to the reader too
    assert "history" not in member.types() and "pong" not in member.types()
    gate.open()
    member.wait_until(lambda: "pong" in member.types())
    assert member.types().index("history") < member.types().index("pong")  # in order
    page = member.expect("history")
    assert page["id"] == "h" and page["more"] is False
    assert [m["text"] for m in page["messages"]] == ["one", "two", "three"]  # committed


def test_a_page_has_every_message_delivered_before_it_was_asked(
    login: Login, connect: Connect, gate: Gate
) -> None:
    gate.open()
    member, other = two_members(login, connect)
    for text in ("a", "b", "c"):
        other.send(type="say", text=text)
        seq = member.expect("message")["seq"]
        page = member.request("history", "history", before=seq + 1, limit=1)
        assert [(m["seq"], m["text"]) for m in page["messages"]] == [(seq, text)]


def test_a_page_for_a_member_who_left_goes_nowhere(
    login: Login, connect: Connect, gate: Gate, qtbot: QtBot, server: ChatServer
) -> None:
    member, other = two_members(login, connect)
    member.send(type="history", id="gone")
    qtbot.waitUntil(lambda: gate.waiting == 1)
    member.close()
    other.expect("left")
    reader = server.directory.history_reader
    assert reader.pending == 1
    gate.open()
    qtbot.waitUntil(lambda: reader.pending == 0)  # answered into the void, nothing raised
    page = other.request("history", "history", id="after")
    assert page["id"] == "after" and len(page["messages"]) == 2
    assert "history" not in other.types()


def test_the_reader_uses_a_connection_and_thread_of_its_own(
    db_path: str, qtbot: QtBot, gate: Gate
) -> None:
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        store.add_messages(room, "alice", TS, [(1, "old"), (2, "new")])
        reader = HistoryReader(store.db, MIGRATIONS, capacity=1)
        pages: list[bytes] = []
        reader.submit(PageJob(room, RoomHistory(None, 1, "x"), False), pages.append)
        assert not reader.accepts()  # one pending is all it takes
        gate.open()
        qtbot.waitUntil(lambda: bool(pages))
        assert gate.threads[0] != threading.get_ident() and reader.accepts()
        reader.close()
    finally:
        store.close()
    (page,) = [json.loads(frame) for frame in pages]  # encoded on the reader's thread
    assert page["type"] == "history" and page["more"] is True
    assert [m["text"] for m in page["messages"]] == ["new"]


def test_the_encoded_page_is_the_page_fitted_under_the_line_limit(db_path: str) -> None:
    store = ChatStore(db_path)
    try:
        room, _ = store.open_room("r", "alice", 1, 2, None)
        sizes = [1, 900, 1_300, 1_310, 1_320, 2_000, 4_000]
        seq = 0
        for size in sizes:  # a run of each size: some pages fit whole, some only in part
            store.add_messages(room, "alice", TS, [(seq + n, "é" * size) for n in range(1, 61)])
            seq += 60
        for before in range(1, seq + 2, 7):
            for limit in (1, 50, 100):
                request = RoomHistory(before, limit, "h")
                page = history_page(store.db, room, request, True)
                assert history_frame(store.db, room, request, True) == encode(page)
    finally:
        store.close()


def test_pages_and_a_password_being_hashed_keep_the_order_of_requests(
    login: Login, connect: Connect, gate: Gate, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real_hash = PasswordHasher.hash

    def recorded(self: PasswordHasher, password: str, *args: Any, **kwargs: Any) -> None:
        hashed.append(password)
        real_hash(self, password, *args, **kwargs)

    member, _ = two_members(login, connect)  # the room's owner may set its password
    monkeypatch.setattr(PasswordHasher, "hash", recorded)  # what is hashed from now on
    frames = [
        {"type": "history", "id": "h1"},
        {"type": "room_settings", "password": "hunter22", "id": "s"},
        {"type": "history", "limit": 1, "id": "h2"},
        {"type": "room_settings", "password": None, "id": "t"},
        {"type": "ping", "id": "p"},
    ]
    member.send_raw(b"".join(json.dumps(frame).encode() + b"\n" for frame in frames))
    qtbot.waitUntil(lambda: gate.waiting == 1)
    assert hashed == []  # the password waits behind the page being read
    gate.open()
    member.wait_until(lambda: "pong" in member.types())
    assert hashed == ["hunter22"]
    answered = [(m["type"], m["id"]) for m in member.inbox if "id" in m]
    assert answered == [("history", "h1"), ("ok", "s"), ("history", "h2"), ("ok", "t"),
                        ("pong", "p")]  # fmt: skip


def test_what_arrives_while_a_page_is_read_waits_behind_it(
    login: Login, connect: Connect, gate: Gate, qtbot: QtBot, server: ChatServer
) -> None:
    member, _ = two_members(login, connect)
    room = next(iter(server.directory.rooms.values()))
    connection = room.members["alice"].connection
    member.send(type="history", id="h")
    qtbot.waitUntil(lambda: gate.waiting == 1)
    assert connection.paused
    connection.resume_reading()  # as back-pressure does when it lets its senders go
    member.send(type="ping", id="p")
    waiting = room._pages._waiting  # where the ping waits (private: no caller needs it)
    qtbot.waitUntil(lambda: "pong" in member.types() or bool(waiting.get(connection)))
    assert connection.paused  # not read again until the page is sent
    gate.open()
    member.wait_until(lambda: "pong" in member.types())
    assert member.types().index("history") < member.types().index("pong")
