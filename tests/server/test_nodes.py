"""Several servers on one PostgreSQL database, each a node: leases, one lobby listing every
node's rooms live, a client of one node chatting in a room of another, shared tickets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.server.node_registry import NodeNameInUseError
from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.db_access import connection, query_db
from tests.wire_client import WireClient

pytestmark = pytest.mark.parametrize("db_engine", ["postgresql"])

Nodes = Callable[..., ChatServer]


def node_rows(db_path: str) -> list[tuple]:
    return query_db(db_path, "SELECT name, port FROM nodes ORDER BY name")


def test_two_nodes_share_a_database_and_one_that_stops_removes_itself(node, db_path) -> None:
    a = node("a")
    b = node("b")
    assert node_rows(db_path) == [("a", a.port), ("b", b.port)]
    b.shutdown()
    assert node_rows(db_path) == [("a", a.port)]


def test_a_live_node_name_is_refused_and_the_first_node_keeps_serving(node, db_path) -> None:
    a = node("a")
    with pytest.raises(NodeNameInUseError) as refused:
        node("a")
    assert "node name 'a' is in use by a live node (process " in str(refused.value)
    assert node_rows(db_path) == [("a", a.port)]


def test_a_lobby_on_one_node_lists_rooms_of_another_live(node, node_client) -> None:
    a, b = node("a"), node("b", advertise_host="127.0.0.1")
    alice = node_client(a, "alice")
    bob = node_client(b, "bob")
    created = bob.request("create_room", "room_created", name="Lounge", capacity=3)
    assert created["room"]["host"] == "127.0.0.1"  # --advertise-host, given
    added = alice.expect("room_added")["room"]
    assert (added["name"], added["port"], added["host"]) == ("Lounge", b.directory.rooms[
        created["room"]["id"]].port, "127.0.0.1")  # fmt: skip
    carol = node_client(a, "carol")  # a login on A lists B's room too
    assert [room["name"] for room in carol.request("list_rooms", "rooms")["rooms"]] == ["Lounge"]
    # The name is taken on every node.
    carol.send(type="create_room", name="lounge", capacity=2, id=4)
    carol.expect_error("room_name_taken")
    b.close_room(created["room"]["id"])
    assert alice.expect("room_removed")["room_id"] == created["room"]["id"]


def test_a_client_of_one_node_chats_in_a_room_of_another(node, node_client, qtbot) -> None:
    a, b = node("a"), node("b")
    bob = node_client(b, "bob")
    created = bob.request("create_room", "room_created", name="Lounge", capacity=3)
    inside_b = WireClient(qtbot, created["room"]["port"])
    inside_b.request("enter", "entered", ticket=created["ticket"])
    alice = node_client(a, "alice")
    [listed] = alice.request("list_rooms", "rooms")["rooms"]
    alice.send(type="join_room", room_id=listed["id"])
    granted = alice.next()
    assert granted["type"] == "join_granted", granted
    assert granted["room"]["host"] == "127.0.0.1"  # B's --host: where its rooms listen
    inside_a = WireClient(qtbot, granted["room"]["port"])
    entered = inside_a.request("enter", "entered", ticket=granted["ticket"])
    assert entered["members"] == ["bob", "alice"]
    inside_a.request("say", "message", text="hello from A")
    assert inside_b.expect("message")["text"] == "hello from A"
    # A's lobby follows the member count B reports.
    qtbot.waitUntil(lambda: _members_seen(alice) == 2, timeout=5_000)
    # A ticket is used once, whichever node it is shown to.
    again = WireClient(qtbot, granted["room"]["port"])
    again.send(type="enter", ticket=granted["ticket"])
    again.expect_error("bad_ticket")
    for each in (inside_a, inside_b, again):
        each.close()


def _members_seen(lobby: WireClient) -> int:
    updates = [m for m in lobby.inbox if m.get("type") == "room_updated"]
    return updates[-1]["room"]["members"] if updates else -1


def test_twenty_clients_racing_for_the_last_seat_through_three_nodes_get_one(
    node, node_client, qtbot
) -> None:
    nodes = [node("a"), node("b"), node("c")]
    owner = node_client(nodes[1], "owner")
    created = owner.request("create_room", "room_created", name="Last", capacity=2)
    room_id, port = created["room"]["id"], created["room"]["port"]
    inside = [WireClient(qtbot, port)]
    inside[0].request("enter", "entered", ticket=created["ticket"])
    lobbies = [node_client(nodes[i % 3], f"racer{i}") for i in range(20)]
    for each in lobbies:
        each.send(type="join_room", room_id=room_id, id=1)
    tickets = []
    for each in lobbies:
        reply = each.next()
        if reply["type"] == "join_granted":
            tickets.append(reply["ticket"])
        else:
            assert reply["code"] == "room_full", reply
    assert tickets  # at least the other nodes' lobbies issue them: the room decides
    racers = [WireClient(qtbot, port) for _ in tickets]
    for racer, ticket in zip(racers, tickets, strict=True):
        racer.send(type="enter", ticket=ticket, id=2)
    outcomes = [racer.next()["type"] for racer in racers]
    assert outcomes.count("entered") == 1, outcomes
    assert set(outcomes) <= {"entered", "error"}
    assert len(nodes[1].directory.rooms[room_id].members) == 2
    for each in inside + racers:
        each.close()


def test_logging_out_revokes_tickets_for_another_nodes_room(node, node_client, db_path) -> None:
    a, b = node("a"), node("b")
    bob = node_client(b, "bob")
    bob.request("create_room", "room_created", name="Lounge", capacity=3)
    alice = node_client(a, "alice")
    [listed] = alice.request("list_rooms", "rooms")["rooms"]
    alice.request("join_room", "join_granted", room_id=listed["id"])
    assert query_db(db_path, "SELECT name FROM shared_tickets") == [("alice",)]
    alice.request("logout", "bye")
    alice.wait_closed()
    alice.qtbot.waitUntil(
        lambda: query_db(db_path, "SELECT name FROM shared_tickets") == [], timeout=5_000
    )


def test_a_new_room_is_placed_on_the_least_loaded_live_node(
    node, node_client, qtbot, db_path
) -> None:
    a, b, c = node("a"), node("b"), node("c")
    alice = node_client(a, "alice")
    made = [
        alice.request("create_room", "room_created", name=name, capacity=2)
        for name in ("One", "Two", "Three")
    ]
    # Fewest rooms first (this node on a tie): one room on each node.
    assert [len(n.directory.rooms) for n in (a, b, c)] == [1, 1, 1]
    two = made[1]["room"]
    assert two["id"] in b.directory.rooms and two["port"] == b.directory.rooms[two["id"]].port
    inside = WireClient(qtbot, two["port"])  # the creator enters with the ticket A gave
    assert inside.request("enter", "entered", ticket=made[1]["ticket"])["you"] == "alice"
    qtbot.waitUntil(
        lambda: query_db(db_path, "SELECT SUM(members) FROM rooms WHERE node = 'b'") == [(1,)]
    )
    # Then fewest members: B's lobby places its room on A (C is as empty, but later).
    bob = node_client(b, "bob")
    four = bob.request("create_room", "room_created", name="Four", capacity=2)["room"]
    assert four["id"] in a.directory.rooms
    inside.close()


def test_a_starting_node_leaves_alone_a_room_another_node_is_still_opening(node, db_path) -> None:
    node("a")
    with connection(db_path, "opening") as query:  # as node a's INSERT, before its UPDATE
        assert query.exec(
            "INSERT INTO rooms (name, owner, port, capacity, created_at) "
            "VALUES ('Opening', 'alice', 1, 2, '2026-12-02T07:00:00.000Z')"
        )
    node("b")
    assert query_db(db_path, "SELECT closed_at IS NULL FROM rooms") == [(True,)]


def test_a_room_of_one_node_is_deleted_from_the_lobby_of_another(node, node_client, qtbot) -> None:
    a, b = node("a"), node("b")
    bob_on_b = node_client(b, "bob")
    created = bob_on_b.request("create_room", "room_created", name="Gone", capacity=3)
    room_id = created["room"]["id"]
    inside = WireClient(qtbot, created["room"]["port"])
    inside.request("enter", "entered", ticket=created["ticket"])
    alice = node_client(a, "alice")
    alice.send(type="delete_room", room_id=room_id, id=3)
    alice.expect_error("not_allowed")  # the owner's, or an operator's, to delete
    bob_on_a = node_client(a, "bob")
    bob_on_a.request("delete_room", "room_deleted", room_id=room_id)
    assert alice.expect("room_removed")["room_id"] == room_id
    assert inside.expect_error("room_closed")["message"] == "the room was deleted"
    qtbot.waitUntil(lambda: room_id not in b.directory.rooms)
    assert bob_on_b.expect("room_removed")["room_id"] == room_id
    inside.close()


def test_a_login_learns_every_live_nodes_main_port_and_hears_of_a_node_that_comes_and_goes(
    node, node_client, qtbot
) -> None:
    a = node("a", host="0.0.0.0")  # no client connects to that: the host the client reached
    alice = node_client(a, "alice")
    assert alice.expect("nodes")["nodes"] == [{"port": a.port}]
    b = node("b", advertise_host="127.0.0.2")
    assert alice.expect("nodes")["nodes"] == [
        {"port": a.port},
        {"host": "127.0.0.2", "port": b.port},
    ]
    bob = node_client(b, "bob")
    assert bob.expect("nodes")["nodes"] == [{"port": a.port}, {"host": "127.0.0.2", "port": b.port}]
    b.shutdown()
    assert alice.expect("nodes")["nodes"] == [{"port": a.port}]
    a.node.renew()  # nothing changed: nothing sent
    alice.send(type="ping")
    alice.expect("pong")
    assert "nodes" not in alice.types()


def test_a_token_given_by_one_node_resumes_at_another(node, qtbot) -> None:
    a, b = node("a"), node("b")
    alice = WireClient(qtbot, a.port)
    alice.expect("welcome")
    alice.request("register", "registered", name="alice", password=PASSWORD)
    token = alice.request("login", "logged_in", name="alice", password=PASSWORD)["resume_token"]
    alice.close()
    again = WireClient(qtbot, b.port)
    again.expect("welcome")
    resumed = again.request("resume", "logged_in", token=token)
    assert resumed["name"] == "alice" and resumed["resume_token"] != token
    here = "127.0.0.1"
    assert again.expect("nodes")["nodes"] == [
        {"host": here, "port": a.port},
        {"host": here, "port": b.port},
    ]
    again.close()
