"""Nodes that die or lose their connection: leases that run out, kill -9 of a node and its
persistent room reopened elsewhere, a lost listening connection, a clean stop."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.db_access import query_db
from tests.fake_clock import FakeClock
from tests.node_process import node_process
from tests.server.test_nodes import node_rows
from tests.server.test_postgres import cut_server_connections
from tests.wire_client import WireClient

pytestmark = pytest.mark.parametrize("db_engine", ["postgresql"])


def test_a_node_whose_lease_runs_out_is_forgotten_and_its_rooms_leave_every_lobby(
    node, node_client, db_path
) -> None:
    wall = FakeClock(1_000_000.0)
    a = node("a", wall_clock=wall, node_lease=6.0)
    b = node("b", wall_clock=wall, node_lease=6.0)
    alice = node_client(a, "alice")
    bob = node_client(b, "bob")
    created = bob.request("create_room", "room_created", name="Doomed", capacity=3)
    assert alice.expect("room_added")["room"]["id"] == created["room"]["id"]
    b.node._timer.stop()  # B hangs: it renews no more
    wall.advance(7.0)
    a.node.renew()
    assert node_rows(db_path) == [("a", a.port)]
    assert alice.expect("room_removed")["room_id"] == created["room"]["id"]
    closed = query_db(db_path, "SELECT closed_at IS NOT NULL FROM rooms")
    assert closed == [(True,)]


def test_a_node_that_outlives_another_keeps_its_own_temporary_rooms_open(node, node_client) -> None:
    wall = FakeClock(1_000_000.0)
    a, b, c = (node(name, wall_clock=wall, node_lease=6.0) for name in "abc")
    alice = node_client(a, "alice")
    created = alice.request("create_room", "room_created", name="Alive", capacity=3)
    room_id = created["room"]["id"]
    assert room_id in a.directory.rooms
    c.node._timer.stop()  # C hangs: it renews no more
    wall.advance(7.0)
    a.node.renew()  # A forgets C first: its own room is not C's
    b.node.renew()
    bob = node_client(b, "bob")
    assert [r["id"] for r in bob.request("list_rooms", "rooms")["rooms"]] == [room_id]


@pytest.mark.qt_log_ignore("QSocketNotifier: Invalid socket")  # the cut listening socket
def test_a_node_that_lost_its_listening_connection_reads_the_rooms_again(
    node, node_client, pg_cluster, db_path, qtbot
) -> None:
    a, b = node("a", node_lease=600.0), node("b", node_lease=600.0)  # renewed by hand here
    alice = node_client(a, "alice")
    bob = node_client(b, "bob")
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


def test_kill_9_of_a_node_reopens_its_persistent_room_on_a_live_node_with_its_messages(
    node, node_client, db_path, qtbot
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
        alice = node_client(a, "alice")
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


def test_a_stopped_node_leaves_no_connection_behind(node, node_client, db_path, qtbot) -> None:
    a = node("a")
    alice = node_client(a, "alice")
    with qtbot.waitSignal(a.shut_down, timeout=10_000):
        a.shutdown()  # alice's session closes after: logging her out must not reopen the store
    alice.wait_closed()
    others = query_db(
        db_path,
        "SELECT COUNT(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    assert others == [(0,)]
