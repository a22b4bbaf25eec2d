"""What an operator (the admin window) can do through the core: counts, close room, kick."""

from __future__ import annotations

from collections.abc import Callable

from app.server.server import ChatServer
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]


def test_counts_follow_clients_users_and_rooms(
    qtbot, server: ChatServer, login: Login, connect: Connect
) -> None:
    with qtbot.waitSignal(server.users_changed, timeout=5000) as users:
        alice = login("alice")
    assert users.args == [1] and server.user_count == 1
    room, ticket = create(alice)
    member = enter(connect, room, ticket)
    assert len(server.connections) == 2 and server.room_count == 1
    with qtbot.waitSignal(server.clients_changed, timeout=5000) as clients:
        member.close()
    assert clients.args == [1]


def test_close_room_tells_members_and_every_lobby(
    server: ChatServer, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    other, other_ticket = create(bob, "Other")
    alice_room = enter(connect, room, ticket)
    bob_room = join(connect, bob, room)
    bystander = enter(connect, other, other_ticket)
    server.close_room(room["id"])
    for member in (alice_room, bob_room):
        member.expect_error("room_closed")
        member.wait_closed()
    for lobby in (alice, bob):
        assert lobby.expect("room_removed")["room_id"] == room["id"]
    bystander.send(type="say", text="still here")
    assert bystander.expect("message")["text"] == "still here"
    assert [r["id"] for r in alice.request("list_rooms", "rooms")["rooms"]] == [other["id"]]


def test_kick_closes_exactly_that_member(
    server: ChatServer, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    alice_room = enter(connect, room, ticket)
    bob_room = join(connect, bob, room)
    assert server.kick(room["id"], "bob")
    bob_room.expect_error("kicked")
    bob_room.wait_closed()
    left = alice_room.expect("left")
    assert left["name"] == "bob" and left["members"] == ["alice"]
    assert left["kicked_by"] == "the server"  # the others learn who removed bob
    assert not alice_room.disconnected
    bob.request("ping", "pong")  # the main-port session is untouched
    assert not server.kick(room["id"], "nobody")
    bob_room = join(connect, bob, room)
    alice_room.expect("joined")
    bob_room.send(type="leave")
    assert "kicked_by" not in alice_room.expect("left")  # leaving of one's own accord
