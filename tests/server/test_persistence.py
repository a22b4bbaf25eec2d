"""What the database keeps, on SQLite and PostgreSQL: accounts across restarts, rooms closed,
no plain passwords."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.server.database import DatabaseError
from tests.db_access import is_postgres, query_db
from tests.wire_client import WireClient

pytestmark = pytest.mark.both_engines

SECRET = "pa55word-that-must-not-leak"
ROOM_SECRET = "room-secret-never-stored"


def test_restart_keeps_accounts_and_closes_stale_rooms(make_server, qtbot, db_path) -> None:
    first = make_server()
    alice = WireClient(qtbot, first.port)
    alice.request("register", "registered", name="alice", password=SECRET)
    alice.request("login", "logged_in", name="alice", password=SECRET)
    room = alice.request("create_room", "room_created", name="Lounge", capacity=2)["room"]
    alice.close()
    first.directory.rooms.clear()  # as if the process died: the room is never closed
    first.shutdown()
    assert query_db(db_path, "SELECT id FROM rooms WHERE closed_at IS NULL") == [(room["id"],)]

    second = make_server()
    assert query_db(db_path, "SELECT COUNT(*) FROM rooms WHERE closed_at IS NULL") == [(0,)]
    again = WireClient(qtbot, second.port)
    logged_in = again.request("login", "logged_in", name="alice", password=SECRET)
    assert logged_in["rooms"] == []
    again.send(type="register", name="alice", password=SECRET)
    again.expect_error("name_taken")
    again.close()


def test_shutdown_tells_clients_and_marks_rooms_closed(make_server, qtbot, db_path) -> None:
    server = make_server()
    alice = WireClient(qtbot, server.port)
    alice.request("register", "registered", name="alice", password=SECRET)
    alice.request("login", "logged_in", name="alice", password=SECRET)
    room, ticket = (lambda r: (r["room"], r["ticket"]))(
        alice.request("create_room", "room_created", name="Lounge", capacity=2)
    )
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    server.shutdown()
    for client in (alice, member):
        client.expect_error("server_shutdown")
        client.wait_closed()
    assert query_db(db_path, "SELECT COUNT(*) FROM rooms WHERE closed_at IS NULL") == [(0,)]


def test_messages_are_stored_and_no_password_is(make_server, qtbot, db_path) -> None:
    server = make_server()
    alice = WireClient(qtbot, server.port)
    alice.request("register", "registered", name="alice", password=SECRET)
    alice.request("login", "logged_in", name="alice", password=SECRET)
    created = alice.request(
        "create_room", "room_created", name="Vault", capacity=2, password=ROOM_SECRET
    )
    member = WireClient(qtbot, created["room"]["port"])
    member.request("enter", "entered", ticket=created["ticket"])
    member.send(type="say", text="stored before sent")
    member.expect("message")
    assert query_db(db_path, "SELECT seq, sender, text FROM messages") == [
        (1, "alice", "stored before sent")
    ]
    hashes = query_db(
        db_path, "SELECT password_hash FROM users UNION SELECT password_hash FROM rooms"
    )
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for (h,) in hashes)
    if not is_postgres(db_path):  # PostgreSQL's files are the cluster's, not this database's
        beside = list(Path(db_path).parent.glob(Path(db_path).name + "*"))
        files = [f for b in beside for f in ([b] if b.is_file() else b.rglob("*")) if f.is_file()]
        assert files  # the database, its WAL, and the attachments' directory
        for file in files:
            content = file.read_bytes()
            assert SECRET.encode() not in content and ROOM_SECRET.encode() not in content
    alice.close()
    member.close()


def test_a_batch_larger_than_one_statement_is_stored_whole(make_server, db_path) -> None:
    server = make_server()
    room_id, _ = server.store.open_room("Big", "alice", 1, 2, None)
    items = [(seq, f"m{seq}") for seq in range(1, 251)]  # three multi-row statements
    server.store.add_messages(room_id, "alice", "2026-11-24T20:15:03.120Z", items)
    rows = query_db(db_path, "SELECT seq, sender, text FROM messages ORDER BY seq")
    assert rows == [(seq, "alice", text) for seq, text in items]


def test_every_text_comes_back_exactly_from_one_statement_per_batch(make_server, db_path) -> None:
    """A batch goes in as one JSON array (json_each), and a turn's batches of several rooms
    in one transaction: nothing in a text may be changed by that."""
    server = make_server()
    one, _ = server.store.open_room("One", "alice", 1, 2, None)
    two, _ = server.store.open_room("Two", "bob", 2, 2, None)
    texts = [
        'quote " back\\slash',
        "tab\tand\nnewline",
        "김민지 😀 \u2028",
        "[1,2]",
        "null",
        "x" * 4000,
    ]
    items = list(enumerate(texts, start=1))
    ts = "2026-11-24T20:15:03.120Z"
    server.store.add_message_groups([(one, "alice", ts, items), (two, "bob", ts, items[:2])])
    rows = query_db(
        db_path, "SELECT room_id, seq, sender, text FROM messages ORDER BY room_id, seq"
    )
    assert rows == [(one, seq, "alice", text) for seq, text in items] + [
        (two, seq, "bob", text) for seq, text in items[:2]
    ]


def test_a_batch_stored_again_changes_nothing_and_other_text_on_its_numbers_fails(
    make_server, db_path
) -> None:
    """The retry of a commit whose answer was lost (PostgreSQL's connection broke) finds its
    own rows and succeeds; different messages on those numbers are refused, atomically."""
    server = make_server()
    room_id, _ = server.store.open_room("Retry", "alice", 1, 2, None)
    ts = "2026-11-24T20:15:03.120Z"
    server.store.add_messages(room_id, "alice", ts, [(1, "a"), (2, "b")])
    server.store.add_messages(room_id, "alice", ts, [(1, "a"), (2, "b")])
    with pytest.raises(DatabaseError):
        server.store.add_messages(room_id, "bob", ts, [(2, "c"), (3, "d")])
    rows = query_db(db_path, "SELECT seq, sender, text FROM messages ORDER BY seq")
    assert rows == [(1, "alice", "a"), (2, "alice", "b")]


def test_a_turn_with_a_batch_stored_before_is_stored_batch_by_batch(make_server, db_path) -> None:
    """A turn's small batches share one statement; when one of them was stored already
    (a retry), the turn is stored again batch by batch: the retry changes nothing, the
    others go in, and a batch on numbers taken by other messages still fails, atomically."""
    server = make_server()
    one, _ = server.store.open_room("One", "alice", 1, 2, None)
    two, _ = server.store.open_room("Two", "bob", 2, 2, None)
    ts = "2026-11-24T20:15:03.120Z"
    server.store.add_messages(one, "alice", ts, [(1, "a")])
    server.store.add_message_groups(
        [
            (one, "alice", ts, [(1, "a")]),
            (two, "bob", ts, [(1, "b")]),
            (one, "carol", ts, [(2, "c")]),
        ]
    )
    with pytest.raises(DatabaseError):
        server.store.add_message_groups(
            [(two, "bob", ts, [(2, "d")]), (one, "dave", ts, [(2, "not c")])]
        )
    rows = query_db(db_path, "SELECT room_id, seq, sender, text FROM messages ORDER BY 1, 2")
    assert rows == [(one, 1, "alice", "a"), (one, 2, "carol", "c"), (two, 1, "bob", "b")]
