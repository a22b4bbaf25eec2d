"""Signing in again at another node: the choice of the next node with no sockets, and a real
client whose main connection's node is killed with SIGKILL, back in at the other node of
the PostgreSQL-backed server with its lobby and its room, without the password."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.client import prefs
from app.client.chat_models import EntryKind
from app.client.credentials import SERVICE, TokenKeeper, account_of
from app.client.failover import NodeRing, known_nodes
from app.shared.protocol import NodeAddress
from tests.client.conftest import WAIT_MS, entered_chat, join_row, log_in, wait_for_room_row
from tests.client.test_people_session import MemoryKeyring
from tests.conftest import PASSWORD
from tests.node_process import node_process
from tests.wire_client import WireClient

HERE = "127.0.0.1"


def test_the_node_lost_comes_first_then_the_others_after_it_in_the_servers_order() -> None:
    a, b, c = ("10.0.0.1", 4000), ("10.0.0.2", 4000), ("10.0.0.1", 4001)
    ring = NodeRing(b, [a, b, c])
    assert [ring.next() for _ in range(7)] == [b, c, a, b, c, a, b]
    ring = NodeRing(c, [a, b, c])  # after the last: the first
    assert [ring.next() for _ in range(3)] == [c, a, b]


def test_with_no_other_node_known_every_try_is_the_node_lost() -> None:
    lost = ("chat.example.org", 4000)
    for known in ([], [lost], [lost, lost]):
        ring = NodeRing(lost, known)
        assert [ring.next() for _ in range(3)] == [lost, lost, lost]


def test_a_node_lost_that_the_list_leaves_out_is_tried_first_all_the_same() -> None:
    lost, a, b = ("localhost", 4000), (HERE, 4000), (HERE, 4001)
    ring = NodeRing(lost, [a, b])
    assert [ring.next() for _ in range(4)] == [lost, a, b, lost]


def test_a_node_without_a_host_is_on_the_host_the_list_came_from() -> None:
    listed = [NodeAddress(4000), NodeAddress(4001, "10.0.0.9"), NodeAddress(4000)]
    assert known_nodes(("chat.lan", 4000), listed) == (("chat.lan", 4000), ("10.0.0.9", 4001))


def _entries(chat, *kinds: EntryKind) -> list[str]:
    rows = range(chat.messages.rowCount())
    return [chat.messages.entry(r).text for r in rows if chat.messages.entry(r).kind in kinds]


def _say(qtbot, chat, text: str) -> None:
    qtbot.keyClicks(chat.input_edit, text)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: text in _entries(chat, EntryKind.OWN), timeout=WAIT_MS)


@pytest.mark.parametrize("db_engine", ["postgresql"])
def test_after_kill_9_of_its_node_the_client_signs_in_at_another_and_gets_its_room_back(
    qtbot, make_server, start_client, db_path
) -> None:
    # A's lease outlasts the failover: B's lobby still has the room on A when alice is back.
    flags = ("--node-lease", "6", "--persistent-rooms", "everyone")
    with node_process(db_path, "a", *flags) as (_, a_port):
        alice = start_client(a_port)
        alice.reconnector.backoff.rand = lambda: 0.0  # the shortest waits: 1 s, 1 s, 2 s…
        store = MemoryKeyring()
        alice.login.keeper = TokenKeeper(store)
        alice.login.keep_check.setChecked(True)  # "Keep me signed in"
        log_in(qtbot, alice, "alice")
        assert list(store.items) == [(SERVICE, account_of(HERE, a_port, "alice"))]
        bob = WireClient(qtbot, a_port)
        bob.expect("welcome")
        bob.request("register", "registered", name="bob", password=PASSWORD)
        bob.request("login", "logged_in", name="bob", password=PASSWORD)
        bob.request("create_room", "room_created", name="Kept", capacity=3, persistent=True)
        join_row(qtbot, alice, wait_for_room_row(qtbot, alice, "Kept"))
        chat = entered_chat(qtbot, alice, "Kept")  # on A, the only node then
        _say(qtbot, chat, "before the crash")
        b = make_server(node_name="b", node_lease=2.0, persistent_rooms="everyone")
        first = alice.current.session
        assert first is not None
        qtbot.waitUntil(lambda: (HERE, b.port) in first.nodes, timeout=WAIT_MS)  # A told us
        assert first.nodes == ((HERE, a_port), (HERE, b.port))
        bob.close()
    # A is gone (SIGKILL): the lobby and the room with it. A's port first, then B's.
    qtbot.waitUntil(lambda: alice.current.session is not first, timeout=15_000)
    session = alice.current.session
    assert session is not None and session.logged_in
    assert (session.name, session.port) == ("alice", b.port)
    assert alice.reconnector.delays == [1, 1]  # one try at A, refused, then B
    assert not alice.login.form.isVisible() and alice.main.form.isVisible()  # no password
    assert alice.lobby.connected
    assert alice.main.form.windowTitle() == f"alice — RoomChat — {HERE}:{b.port}"
    # The next start signs in at B with B's token; A's was spent (it would ask the password).
    assert store.items == {(SERVICE, account_of(HERE, b.port, "alice")): session.resume_token}
    assert prefs.server_address(None, None) == (HERE, b.port)
    assert alice.login.port_spin.value() == b.port
    # B takes the room over once A's lease has run out; the window asks until it is there
    # (a ticket to A's port, refused, then "no such room" while B opens it).
    qtbot.waitUntil(lambda: chat.connected, timeout=30_000)
    wait_for_room_row(qtbot, alice, "Kept")  # the lobby is B's, current
    assert not alice.reconnect_bar.bar.isVisible()
    assert session.nodes == ((HERE, b.port),)  # B told alice once it had forgotten A
    _say(qtbot, chat, "after the crash")
    said = _entries(chat, EntryKind.MESSAGE, EntryKind.OWN)
    assert said == ["before the crash", "after the crash"]
