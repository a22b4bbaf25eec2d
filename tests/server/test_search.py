"""Search on the main port of a real server: substrings in Korean and English, highlights,
paging, who may read what, after deletions and across a restart."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.server import search_index
from app.server.server import ChatServer
from app.shared.timefmt import to_iso
from tests.db_access import is_postgres, query_db
from tests.server.test_persistent_rooms import create_persistent, enter_and_leave, log_in
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def search(client: WireClient, query: str, **fields) -> dict:
    return client.request("search", "search_results", query=query, **fields)


def found(client: WireClient, query: str, **fields) -> list[tuple[str, list[list[int]]]]:
    return [(hit["text"], hit["highlights"]) for hit in search(client, query, **fields)["results"]]


def say_all(member: WireClient, *texts: str) -> None:
    for text in texts:
        member.send(type="say", text=text)
        member.expect("message")


@pytest.mark.server_config(search_rate=0)
def test_search_finds_korean_and_english_substrings_with_highlights(
    login: Login, connect: Connect
) -> None:
    alice = login("alice")
    room, ticket = create(alice, "Lounge")
    member = enter(connect, room, ticket)
    say_all(member, "안녕하세요 여러분", "Hello World meeting", "내일 회의는 world cafe에서")
    assert found(alice, "하세요") == [("안녕하세요 여러분", [[2, 5]])]
    assert found(alice, "WORLD") == [
        ("내일 회의는 world cafe에서", [[7, 12]]),
        ("Hello World meeting", [[6, 11]]),
    ]
    assert found(alice, "녕") == [("안녕하세요 여러분", [[1, 2]])]  # short: the LIKE path
    assert found(alice, "lo") == [("Hello World meeting", [[3, 5]])]
    assert found(alice, "nowhere") == []
    hit = search(alice, "meeting", room_id=room["id"], id="s")
    assert hit["id"] == "s" and hit["cursor"] is None
    [result] = hit["results"]
    assert result == {
        "room_id": room["id"],
        "room_name": "Lounge",
        "seq": 2,
        "from": "alice",
        "text": "Hello World meeting",
        "ts": result["ts"],
        "highlights": [[12, 19]],
    }
    assert search(alice, "meeting", room_id=room["id"] + 1)["results"] == []


@pytest.mark.server_config(request_burst=1_000, search_rate=0)
def test_paging_with_the_cursor_gives_every_hit_once_newest_first(
    login: Login, connect: Connect, server: ChatServer
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    enter(connect, room, ticket)
    ts = datetime(2026, 11, 1, tzinfo=UTC)
    for start in range(1, 2_001, 500):
        rows = [
            (s, f"note {s} {'needle' if s % 3 == 0 else 'hay'}") for s in range(start, start + 500)
        ]
        server.store.add_messages(room["id"], "alice", to_iso(ts + timedelta(seconds=start)), rows)
    seen: list[int] = []
    cursor = None
    for _ in range(1_000):
        page = search(alice, "needle", limit=50, cursor=cursor)
        seen += [hit["seq"] for hit in page["results"]]
        cursor = page["cursor"]
        if cursor is None:
            break
    assert seen == [s for s in range(2_000, 0, -1) if s % 3 == 0]


def test_bad_queries_get_invalid_query_and_searches_have_a_budget(login: Login) -> None:
    alice = login("alice")
    for query in ("", "   ", "x" * 201, 5):
        alice.send(type="search", query=query, id="q")
        assert alice.expect_error("invalid_query")["id"] == "q"
    alice.send(type="search", query="fine", cursor="not ours", id="c")
    assert alice.expect_error("bad_request")["id"] == "c"
    lines = b"".join(
        json.dumps({"type": "search", "query": "abc", "id": n}).encode() + b"\n" for n in range(6)
    )
    alice.send_raw(lines)  # in one read: five pass, the sixth is over 5 a second
    for _ in range(5):
        alice.expect("search_results")
    refused = alice.expect_error("rate_limited")
    assert refused["id"] == 5 and refused["retry_after"] > 0


def test_someone_who_never_entered_a_locked_room_finds_nothing_of_it(
    make_server, qtbot: QtBot, db_path: str
) -> None:
    server = make_server()
    alice = log_in(qtbot, server, "alice", operator=True)
    created = alice.request(
        "create_room",
        "room_created",
        name="Secret",
        capacity=5,
        persistent=True,
        password="sesame 42",
    )
    room, ticket = created["room"], created["ticket"]
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    say_all(member, "the launch code is 4417", "비밀 회의록")
    bob = log_in(qtbot, server, "bob")
    public, bob_ticket = create(bob, "Open")
    bob_member = WireClient(qtbot, public["port"])
    bob_member.request("enter", "entered", ticket=bob_ticket)
    say_all(bob_member, "launch party on friday")
    assert found(bob, "launch") == [("launch party on friday", [[0, 6]])]
    assert found(bob, "회의록") == [] and found(bob, "밀") == []
    assert found(bob, "4417", room_id=room["id"]) == []
    member.request("leave", "bye")  # alice is out, but she entered the persistent room before
    assert [t for t, _ in found(alice, "launch")] == ["the launch code is 4417"]
    assert found(alice, "회의록") == [("비밀 회의록", [[3, 6]])]

    for client in (alice, bob, bob_member):
        client.close()
    server.shutdown()
    again = make_server()  # who entered, and the index, survive the restart
    alice = log_in(qtbot, again, "alice", operator=True)
    bob = log_in(qtbot, again, "bob")
    assert found(alice, "회의록") == [("비밀 회의록", [[3, 6]])]
    assert found(bob, "회의록") == []
    alice.close()
    bob.close()


def test_search_stays_right_after_history_days_deletes(
    make_server, qtbot: QtBot, db_path: str
) -> None:
    now = datetime.now(UTC)
    first = make_server()
    alice = log_in(qtbot, first, "alice", operator=True)
    room, ticket = create_persistent(alice)
    enter_and_leave(qtbot, room, ticket)
    old = to_iso(now - timedelta(days=5))
    rows = [(s, f"ancient scroll {s}") for s in range(1, 1_200)]
    first.store.add_messages(room["id"], "alice", old, rows)
    alice.close()
    first.shutdown()

    wall = [now.timestamp()]
    server = make_server(history_days=30.0, wall_clock=lambda: wall[0])
    qtbot.wait_until(lambda: not server.history_expiry.running)
    alice = log_in(qtbot, server, "alice", operator=True)
    granted = alice.request("join_room", "join_granted", room_id=room["id"])
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=granted["ticket"])
    say_all(member, "a fresh scroll")
    assert len(search(alice, "scroll", limit=50)["results"]) == 50
    wall[0] += 28 * 86_400  # four weeks on: the five-day-old ones are past 30 days
    server.history_expiry.start_pass()
    qtbot.wait_until(lambda: not server.history_expiry.running)
    assert found(alice, "scroll") == [("a fresh scroll", [[8, 14]])]
    assert found(alice, "ancient") == [] and found(alice, "nt") == []
    if not is_postgres(db_path):  # the FTS index itself loses the deleted rows, in the
        index = db_path + search_index.SUFFIX  # background (a search only reads the index)
        count = "SELECT count(*) FROM message_search"
        qtbot.wait_until(lambda: query_db(index, count) == [(1,)], timeout=30_000)
    member.close()
    alice.close()


@pytest.mark.server_config(search_rate=0)
def test_a_short_query_looks_only_at_each_rooms_newest_messages(
    login: Login, connect: Connect, server: ChatServer
) -> None:
    alice = login("alice")
    room, ticket = create(alice)
    enter(connect, room, ticket)
    ts = to_iso(datetime(2026, 11, 1, tzinfo=UTC))
    rows = [
        (s, "zq first" if s == 1 else "zq last" if s == 2_500 else f"n {s}")
        for s in range(1, 2_501)
    ]
    server.store.add_messages(room["id"], "alice", ts, rows)
    assert [text for text, _ in found(alice, "zq")] == ["zq last"]  # 2 letters: the newest 2,000
    assert [text for text, _ in found(alice, "zq ")] == ["zq last", "zq first"]  # 3: all of them


def test_a_locked_persistent_room_asks_its_password_only_once(make_server, qtbot: QtBot) -> None:
    server = make_server(persistent_rooms="everyone")
    alice = log_in(qtbot, server, "alice")
    created = alice.request(
        "create_room",
        "room_created",
        name="Club",
        capacity=5,
        persistent=True,
        password="sesame 42",
    )
    room = created["room"]
    bob = log_in(qtbot, server, "bob")
    bob.send(type="join_room", room_id=room["id"], id="j")
    assert bob.expect_error("password_required")["id"] == "j"
    granted = bob.request("join_room", "join_granted", room_id=room["id"], password="sesame 42")
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=granted["ticket"])
    member.request("leave", "bye")
    again = bob.request("join_room", "join_granted", room_id=room["id"])  # no password now
    assert again["ticket"]
    member.close()
    bob.close()
    alice.close()
