"""Several servers on one PostgreSQL database, each a node: leases, one lobby listing every
node's rooms live, a client of one node chatting in a room of another, shared tickets."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app.server.node_registry import NodeNameInUseError
from app.server.server import ChatServer
from tests.conftest import PASSWORD
from tests.db_access import connection, query_db
from tests.fake_clock import FakeClock
from tests.node_process import node_process
from tests.server.test_postgres import cut_server_connections
from tests.wire_client import WireClient

pytestmark = pytest.mark.parametrize("db_engine", ["postgresql"])

Nodes = Callable[..., ChatServer]


@pytest.fixture
def node(make_server) -> Nodes:
    """A node named `name` on the test's database (every node shares it)."""

    def start(name: str, **overrides) -> ChatServer:
        return make_server(node_name=name, **overrides)

    return start


@pytest.fixture
def client(qtbot: QtBot):
    """`client(server, name)`: a main-port client of that node, registered once, logged in."""
    clients: list[WireClient] = []
    registered: set[str] = set()

    def log_in(server: ChatServer, name: str) -> WireClient:
        main = WireClient(qtbot, server.port)
        clients.append(main)
        main.expect("welcome")
        if name not in registered:
            main.request("register", "registered", name=name, password=PASSWORD)
            registered.add(name)
        main.request("login", "logged_in", name=name, password=PASSWORD)
        return main

    yield log_in
    for each in clients:
        each.close()


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


def test_a_lobby_on_one_node_lists_rooms_of_another_live(node, client) -> None:
    a, b = node("a"), node("b", advertise_host="127.0.0.1")
    alice = client(a, "alice")
    bob = client(b, "bob")
    created = bob.request("create_room", "room_created", name="Lounge", capacity=3)
    assert created["room"]["host"] == "127.0.0.1"  # --advertise-host, given
    added = alice.expect("room_added")["room"]
    assert (added["name"], added["port"], added["host"]) == ("Lounge", b.directory.rooms[
        created["room"]["id"]].port, "127.0.0.1")  # fmt: skip
    carol = client(a, "carol")  # a login on A lists B's room too
    assert [room["name"] for room in carol.request("list_rooms", "rooms")["rooms"]] == ["Lounge"]
    # The name is taken on every node.
    carol.send(type="create_room", name="lounge", capacity=2, id=4)
    carol.expect_error("room_name_taken")
    b.close_room(created["room"]["id"])
    assert alice.expect("room_removed")["room_id"] == created["room"]["id"]


def test_a_client_of_one_node_chats_in_a_room_of_another(node, client, qtbot) -> None:
    a, b = node("a"), node("b")
    bob = client(b, "bob")
    created = bob.request("create_room", "room_created", name="Lounge", capacity=3)
    inside_b = WireClient(qtbot, created["room"]["port"])
    inside_b.request("enter", "entered", ticket=created["ticket"])
    alice = client(a, "alice")
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
    node, client, qtbot
) -> None:
    nodes = [node("a"), node("b"), node("c")]
    owner = client(nodes[1], "owner")
    created = owner.request("create_room", "room_created", name="Last", capacity=2)
    room_id, port = created["room"]["id"], created["room"]["port"]
    inside = [WireClient(qtbot, port)]
    inside[0].request("enter", "entered", ticket=created["ticket"])
    lobbies = [client(nodes[i % 3], f"racer{i}") for i in range(20)]
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


def test_a_node_whose_lease_runs_out_is_forgotten_and_its_rooms_leave_every_lobby(
    node, client, db_path
) -> None:
    wall = FakeClock(1_000_000.0)
    a = node("a", wall_clock=wall, node_lease=6.0)
    b = node("b", wall_clock=wall, node_lease=6.0)
    alice = client(a, "alice")
    bob = client(b, "bob")
    created = bob.request("create_room", "room_created", name="Doomed", capacity=3)
    assert alice.expect("room_added")["room"]["id"] == created["room"]["id"]
    b.node._timer.stop()  # B hangs: it renews no more
    wall.advance(7.0)
    a.node.renew()
    assert node_rows(db_path) == [("a", a.port)]
    assert alice.expect("room_removed")["room_id"] == created["room"]["id"]
    closed = query_db(db_path, "SELECT closed_at IS NOT NULL FROM rooms")
    assert closed == [(True,)]


@pytest.mark.qt_log_ignore("QSocketNotifier: Invalid socket")  # the cut listening socket
def test_a_node_that_lost_its_listening_connection_reads_the_rooms_again(
    node, client, pg_cluster, db_path, qtbot
) -> None:
    a, b = node("a", node_lease=600.0), node("b", node_lease=600.0)  # renewed by hand here
    alice = client(a, "alice")
    bob = client(b, "bob")
    cut_server_connections(pg_cluster, db_path)  # every connection: A's listener among them

    def created() -> bool:
        bob.send(type="create_room", name="Missed", capacity=2, id=9)
        reply = bob.next()
        return reply["type"] == "room_created"  # else server_busy while B reconnects

    qtbot.waitUntil(created, timeout=10_000)  # its notice goes to nobody at A

    def caught_up() -> bool:  # A finds its listener gone, listens again, reads the tables
        a.node.renew()
        return "room_added" in alice.types()

    qtbot.waitUntil(caught_up, timeout=10_000)
    assert alice.expect("room_added")["room"]["name"] == "Missed"


def test_logging_out_revokes_tickets_for_another_nodes_room(node, client, db_path) -> None:
    a, b = node("a"), node("b")
    bob = client(b, "bob")
    bob.request("create_room", "room_created", name="Lounge", capacity=3)
    alice = client(a, "alice")
    [listed] = alice.request("list_rooms", "rooms")["rooms"]
    alice.request("join_room", "join_granted", room_id=listed["id"])
    assert query_db(db_path, "SELECT name FROM shared_tickets") == [("alice",)]
    alice.request("logout", "bye")
    alice.wait_closed()
    alice.qtbot.waitUntil(
        lambda: query_db(db_path, "SELECT name FROM shared_tickets") == [], timeout=5_000
    )


def test_kill_9_of_a_node_reopens_its_persistent_room_on_a_live_node_with_its_messages(
    node, client, db_path, qtbot
) -> None:
    a = node("a", node_lease=2.0)
    flags = ("--node-lease", "2", "--persistent-rooms", "everyone")
    with node_process(db_path, "b", *flags) as (_, b_port):
        bob = WireClient(qtbot, b_port)
        bob.expect("welcome")
        bob.request("register", "registered", name="bob", password=PASSWORD)
        bob.request("login", "logged_in", name="bob", password=PASSWORD)
        created = bob.request(
            "create_room", "room_created", name="Keep", capacity=3, persistent=True
        )
        room_id = created["room"]["id"]
        inside = WireClient(qtbot, created["room"]["port"])
        inside.request("enter", "entered", ticket=created["ticket"])
        inside.request("say", "message", text="acknowledged before the crash")
        alice = client(a, "alice")
        assert [r["id"] for r in alice.request("list_rooms", "rooms")["rooms"]] == [room_id]
    # SIGKILL: no goodbye, the lease simply runs out
    inside.wait_closed()
    qtbot.waitUntil(lambda: room_id in a.directory.rooms, timeout=15_000)  # < 2 x lease + 1
    moved = alice.expect("room_added")["room"]
    assert (moved["id"], moved["port"]) == (room_id, a.directory.rooms[room_id].port)
    granted = alice.request("join_room", "join_granted", room_id=room_id)
    again = WireClient(qtbot, granted["room"]["port"])
    entered = again.request("enter", "entered", ticket=granted["ticket"])
    assert [m["text"] for m in entered["history"]] == ["acknowledged before the crash"]
    for each in (bob, inside, again):
        each.close()


def test_a_new_room_is_placed_on_the_least_loaded_live_node(node, client, qtbot, db_path) -> None:
    a, b, c = node("a"), node("b"), node("c")
    alice = client(a, "alice")
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
    bob = client(b, "bob")
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


def test_a_room_of_one_node_is_deleted_from_the_lobby_of_another(node, client, qtbot) -> None:
    a, b = node("a"), node("b")
    bob_on_b = client(b, "bob")
    created = bob_on_b.request("create_room", "room_created", name="Gone", capacity=3)
    room_id = created["room"]["id"]
    inside = WireClient(qtbot, created["room"]["port"])
    inside.request("enter", "entered", ticket=created["ticket"])
    alice = client(a, "alice")
    alice.send(type="delete_room", room_id=room_id, id=3)
    alice.expect_error("not_allowed")  # the owner's, or an operator's, to delete
    bob_on_a = client(a, "bob")
    bob_on_a.request("delete_room", "room_deleted", room_id=room_id)
    assert alice.expect("room_removed")["room_id"] == room_id
    assert inside.expect_error("room_closed")["message"] == "the room was deleted"
    qtbot.waitUntil(lambda: room_id not in b.directory.rooms)
    assert bob_on_b.expect("room_removed")["room_id"] == room_id
    inside.close()


def test_a_stopped_node_leaves_no_connection_behind(node, client, db_path, qtbot) -> None:
    a = node("a")
    alice = client(a, "alice")
    with qtbot.waitSignal(a.shut_down, timeout=10_000):
        a.shutdown()  # alice's session closes after: logging her out must not reopen the store
    alice.wait_closed()
    others = query_db(
        db_path,
        "SELECT COUNT(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    assert others == [(0,)]
