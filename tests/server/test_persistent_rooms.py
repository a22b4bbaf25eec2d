"""Persistent rooms on a real server: who may create one, open when empty, back after a
restart on their port with their history, deleted by their owner or an operator."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from PySide6.QtNetwork import QHostAddress, QTcpServer
from pytestqt.qtbot import QtBot

from app.server.hashing import make_argon2
from app.server.server import ChatServer
from app.shared.protocol import MAX_FRAME_BYTES
from app.shared.validation import name_key
from tests.conftest import PASSWORD
from tests.server.test_persistence import query_db
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
TS = "2026-11-24T20:15:03.120Z"


def log_in(qtbot: QtBot, server: ChatServer, name: str, operator: bool = False) -> WireClient:
    """A logged-in main-port client for `name`, made an account (an operator if asked)."""
    if server.store.account(name_key(name)) is None:
        password_hash = make_argon2("test").hash(PASSWORD)
        assert server.store.add_account(name, name_key(name), password_hash, operator)
    client = WireClient(qtbot, server.port)
    client.expect("welcome")
    assert (
        client.request("login", "logged_in", name=name, password=PASSWORD)["operator"] is operator
    )
    return client


def create_persistent(owner: WireClient, name: str = "Class 3-A") -> tuple[dict, str]:
    created = owner.request("create_room", "room_created", name=name, capacity=10, persistent=True)
    assert created["room"]["persistent"] is True
    return created["room"], created["ticket"]


def enter_and_leave(qtbot: QtBot, room: dict, ticket: str) -> None:
    """Use the creator's ticket and leave, so that nothing holds the room but itself."""
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    member.request("leave", "bye")
    member.close()


def open_ids(server: ChatServer) -> set[int]:
    return set(server.directory.rooms)


@pytest.mark.parametrize(
    ("policy", "operator", "allowed"),
    [
        ("operators", True, True),
        ("operators", False, False),
        ("everyone", False, True),
        ("everyone", True, True),
        ("nobody", True, False),
        ("nobody", False, False),
    ],
)
def test_who_may_create_a_persistent_room_follows_the_setting(
    make_server, qtbot, policy: str, operator: bool, allowed: bool
) -> None:
    server = make_server(persistent_rooms=policy)
    client = log_in(qtbot, server, "alice", operator)
    client.send(type="create_room", name="Lasting", capacity=4, persistent=True, id="p")
    if allowed:
        reply = client.expect("room_created")
        assert reply["id"] == "p" and reply["room"]["persistent"] is True
        assert server.directory.rooms[reply["room"]["id"]].info.persistent
    else:
        assert client.expect_error("not_allowed")["id"] == "p"
        assert open_ids(server) == set()
        assert query_db(server.config.db_path, "SELECT COUNT(*) FROM rooms") == [(0,)]
    temporary = client.request("create_room", "room_created", name="Brief", capacity=4)
    assert temporary["room"]["persistent"] is False  # anyone may still make a temporary one
    client.close()


def test_a_persistent_room_stays_open_when_empty_past_the_grace(make_server, qtbot) -> None:
    server = make_server(empty_room_grace=1.0)  # the grace is a real timer, not the clock
    alice = log_in(qtbot, server, "alice", operator=True)
    lasting, lasting_ticket = create_persistent(alice)
    brief, brief_ticket = create(alice, "Brief")
    enter_and_leave(qtbot, lasting, lasting_ticket)
    enter_and_leave(qtbot, brief, brief_ticket)
    # the temporary room, empty as long, closes after the grace; the persistent one does not
    assert alice.expect("room_removed", timeout=5000)["room_id"] == brief["id"]
    assert [r["id"] for r in alice.request("list_rooms", "rooms")["rooms"]] == [lasting["id"]]
    assert "room_removed" not in alice.types()
    assert open_ids(server) == {lasting["id"]}
    alice.close()


def test_after_a_restart_the_room_is_back_on_its_port_with_its_history(
    make_server, qtbot, db_path
) -> None:
    first = make_server()
    alice = log_in(qtbot, first, "alice", operator=True)
    room, ticket = create_persistent(alice)
    brief, _ = create(alice, "Brief")
    member = WireClient(qtbot, room["port"])
    member.request("enter", "entered", ticket=ticket)
    for text in ("first", "second", "셋째"):
        member.send(type="say", text=text)
        member.expect("message")
    alice.close()
    first.shutdown()
    member.expect_error("server_shutdown")
    member.close()
    open_rows = query_db(db_path, "SELECT id, port FROM rooms WHERE closed_at IS NULL")
    assert open_rows == [(room["id"], room["port"])]  # the temporary one was marked closed

    second = make_server()
    reopened = second.directory.rooms[room["id"]]
    assert reopened.port == room["port"] and set(second.directory.rooms) == {room["id"]}
    bob = log_in(qtbot, second, "bob")
    [listed] = bob.request("list_rooms", "rooms")["rooms"]
    assert listed == {**room, "members": 0}  # same id, name, port, owner, creation time
    assert brief["id"] not in open_ids(second)
    granted = bob.request("join_room", "join_granted", room_id=room["id"])
    newcomer = WireClient(qtbot, room["port"])
    entered = newcomer.request("enter", "entered", ticket=granted["ticket"])
    assert [(m["seq"], m["from"], m["text"]) for m in entered["history"]] == [
        (1, "alice", "first"),
        (2, "alice", "second"),
        (3, "alice", "셋째"),
    ]
    newcomer.send(type="say", text="after the restart")
    assert newcomer.expect("message")["seq"] == 4  # numbering goes on
    bob.close()
    newcomer.close()


@pytest.mark.server_config(persistent_rooms="everyone")
def test_a_reopened_room_shows_its_last_fifty_messages_within_the_line(
    make_server, qtbot, server: ChatServer, login: Login, db_path
) -> None:
    alice = login("alice")
    room, _ = create_persistent(alice)
    store = server.store
    store.add_messages(room["id"], "alice", TS, [(seq, f"short {seq}") for seq in range(1, 31)])
    store.add_messages(room["id"], "alice", TS, [(seq, "글" * 4000) for seq in range(31, 81)])
    alice.close()
    server.shutdown()

    again = make_server()
    bob = log_in(qtbot, again, "bob")
    granted = bob.request("join_room", "join_granted", room_id=room["id"])
    newcomer = WireClient(qtbot, room["port"])
    newcomer.send(type="enter", ticket=granted["ticket"])
    entered = newcomer.expect("entered")
    line = next(raw for raw in newcomer.raw.split(b"\n") if b'"entered"' in raw)
    assert len(line) + 1 <= MAX_FRAME_BYTES
    seqs = [m["seq"] for m in entered["history"]]
    assert seqs and seqs[-1] == 80 and seqs == list(range(81 - len(seqs), 81))
    assert len(seqs) < 50  # long texts: fewer than 50 fit
    bob.close()
    newcomer.close()


def test_a_taken_port_at_restart_means_a_new_port_recorded_and_logged(
    make_server, qtbot, db_path, caplog
) -> None:
    first = make_server()
    alice = log_in(qtbot, first, "alice", operator=True)
    room, _ = create_persistent(alice)
    alice.close()
    first.shutdown()
    squatter = QTcpServer()
    assert squatter.listen(QHostAddress("127.0.0.1"), room["port"])
    caplog.set_level(logging.INFO, "roomchat.server")
    try:
        second = make_server()
    finally:
        squatter.close()
    moved = second.directory.rooms[room["id"]].port
    assert moved not in (0, room["port"])
    assert query_db(db_path, "SELECT port FROM rooms") == [(moved,)]
    assert any(
        f"port {room['port']} is taken; reopened on port {moved}" in record.getMessage()
        for record in caplog.records
    )
    bob = log_in(qtbot, second, "bob")
    assert bob.request("list_rooms", "rooms")["rooms"][0]["port"] == moved
    join(lambda port: WireClient(qtbot, port), bob, {"id": room["id"], "port": moved}).close()
    bob.close()


@pytest.mark.server_config(persistent_rooms="everyone")
@pytest.mark.parametrize("by", ["owner", "operator"])
def test_the_owner_or_an_operator_deletes_a_room(
    make_server, qtbot, server: ChatServer, connect: Connect, login: Login, db_path, by: str
) -> None:
    owner, bystander = login("alice"), login("carol")
    room, ticket = create_persistent(owner)
    inside = enter(connect, room, ticket)
    inside.send(type="say", text="kept")
    inside.expect("message")
    deleter = owner if by == "owner" else log_in(qtbot, server, "olga", operator=True)
    deleter.send(type="delete_room", room_id=room["id"], id=9)
    deleter.wait_until(lambda: "room_removed" in deleter.types())
    assert deleter.types().index("room_deleted") < deleter.types().index("room_removed")
    assert deleter.expect("room_deleted") == {
        "type": "room_deleted",
        "room_id": room["id"],
        "id": 9,
    }
    inside.expect_error("room_closed")
    inside.wait_closed()
    for lobby in {owner, bystander, deleter}:
        assert lobby.expect("room_removed")["room_id"] == room["id"]
    assert open_ids(server) == set()
    server.shutdown()
    again = make_server()
    assert open_ids(again) == set()  # not reopened
    assert query_db(db_path, "SELECT text FROM messages") == [("kept",)]  # kept by default


@pytest.mark.server_config(persistent_rooms="everyone")
def test_others_may_not_delete_and_an_unknown_room_is_no_such_room(
    server: ChatServer, connect: Connect, login: Login
) -> None:
    owner, other = login("alice"), login("bob")
    room, _ = create_persistent(owner)
    temporary, _ = create(other, "Bob's")
    other.send(type="delete_room", room_id=room["id"], id="d")
    assert other.expect_error("not_allowed")["id"] == "d"
    owner.send(type="delete_room", room_id=temporary["id"])
    owner.expect_error("not_allowed")
    owner.send(type="delete_room", room_id=9999)
    owner.expect_error("no_such_room")
    assert open_ids(server) == {room["id"], temporary["id"]}
    assert "room_removed" not in owner.types() + other.types()
    other.request("delete_room", "room_deleted", room_id=temporary["id"])  # their own: fine
    assert owner.expect("room_removed")["room_id"] == temporary["id"]
    assert open_ids(server) == {room["id"]}


@pytest.mark.server_config(persistent_rooms="everyone", keep_deleted_history=False)
def test_without_keep_deleted_history_the_messages_go_in_batches(
    qtbot, server: ChatServer, login: Login, db_path
) -> None:
    owner = login("alice")
    room, _ = create_persistent(owner)
    other, _ = create_persistent(owner, "Other")
    items = [(seq, f"m{seq}") for seq in range(1, 2501)]  # three batches
    server.store.add_messages(room["id"], "alice", TS, items)
    server.store.add_messages(other["id"], "alice", TS, [(1, "stays")])
    owner.request("delete_room", "room_deleted", room_id=room["id"])
    qtbot.waitUntil(
        lambda: query_db(db_path, "SELECT COUNT(*) FROM messages") == [(1,)], timeout=5000
    )
    assert query_db(db_path, "SELECT room_id, text FROM messages") == [(other["id"], "stays")]


def test_an_operator_logs_in_as_one_and_others_do_not(make_server, qtbot) -> None:
    server = make_server()
    log_in(qtbot, server, "olga", operator=True).close()  # log_in checks the flag
    log_in(qtbot, server, "pupil").close()
    assert server.store.set_operator(name_key("pupil"), True) == ("pupil", False)
    log_in(qtbot, server, "pupil", operator=True).close()  # read again at each login
    server.store.set_operator(name_key("olga"), False)
    log_in(qtbot, server, "olga").close()


def test_the_admin_windows_close_room_deletes_a_persistent_room(
    make_server, qtbot, db_path
) -> None:
    server = make_server(keep_deleted_history=False)
    alice = log_in(qtbot, server, "alice", operator=True)
    room, _ = create_persistent(alice)
    brief, _ = create(alice, "Brief")
    for each in (room, brief):
        server.store.add_messages(each["id"], "alice", TS, [(1, f"in {each['name']}")])
    for each in (room, brief):
        server.close_room(each["id"])  # what the admin window's Close room calls
        assert alice.expect("room_removed")["room_id"] == each["id"]
    # the persistent room was deleted (its messages with it), the temporary one only closed
    qtbot.waitUntil(lambda: query_db(db_path, "SELECT text FROM messages") == [("in Brief",)])
    alice.close()
    server.shutdown()
    assert open_ids(make_server()) == set()  # gone for good, not back at the next start
