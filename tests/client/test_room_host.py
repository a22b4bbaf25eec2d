"""The client goes where a ROOM's `host` says: a room on another node of the server, whose
room ports listen on another address than the main port the client logged in at."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.client.conftest import entered_chat, join_row, log_in, wait_for_room_row
from tests.conftest import PASSWORD
from tests.node_process import node_process
from tests.wire_client import WireClient

pytestmark = pytest.mark.parametrize("db_engine", ["postgresql"])
ELSEWHERE = "127.0.0.2"  # loopback too, but not where the client reached node A


def test_a_client_logged_in_on_one_node_chats_in_a_room_on_another(
    qtbot, make_server, start_client
) -> None:
    a = make_server(node_name="a")
    b = make_server(node_name="b", host=ELSEWHERE)  # its room ports listen there only
    bob = WireClient(qtbot, b.port, host=ELSEWHERE)
    bob.expect("welcome")
    bob.request("register", "registered", name="bob", password=PASSWORD)
    bob.request("login", "logged_in", name="bob", password=PASSWORD)
    created = bob.request("create_room", "room_created", name="Far", capacity=3)
    assert created["room"].get("host") is None  # B's own lobby: the host bob reached
    inside = WireClient(qtbot, created["room"]["port"], host=ELSEWHERE)
    inside.request("enter", "entered", ticket=created["ticket"])
    alice = start_client(a.port)
    log_in(qtbot, alice, "alice")
    join_row(qtbot, alice, wait_for_room_row(qtbot, alice, "Far"))
    chat = entered_chat(qtbot, alice, "Far")
    qtbot.keyClicks(chat.input_edit, "hello from node A")
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    assert inside.expect("message")["text"] == "hello from node A"
    inside.close()
    bob.close()


def test_after_kill_9_of_the_rooms_node_the_client_gets_back_in_through_the_lobby(
    qtbot, make_server, start_client, db_path
) -> None:
    a = make_server(node_name="a", node_lease=2.0)
    flags = ("--node-lease", "2", "--persistent-rooms", "everyone")
    with node_process(db_path, "b", *flags) as (_, b_port):
        bob = WireClient(qtbot, b_port)
        bob.expect("welcome")
        bob.request("register", "registered", name="bob", password=PASSWORD)
        bob.request("login", "logged_in", name="bob", password=PASSWORD)
        created = bob.request(
            "create_room", "room_created", name="Kept", capacity=3, persistent=True
        )
        inside = WireClient(qtbot, created["room"]["port"])
        inside.request("enter", "entered", ticket=created["ticket"])
        inside.request("say", "message", text="before the crash")
        alice = start_client(a.port)
        log_in(qtbot, alice, "alice")
        join_row(qtbot, alice, wait_for_room_row(qtbot, alice, "Kept"))
        chat = entered_chat(qtbot, alice, "Kept")
        qtbot.waitUntil(lambda: "before the crash" in texts(chat))
    # B is gone (SIGKILL): A takes its persistent room over within the lease.
    qtbot.waitUntil(lambda: not chat.connected, timeout=10_000)
    room_id = created["room"]["id"]
    qtbot.waitUntil(lambda: room_id in a.directory.rooms, timeout=15_000)
    qtbot.waitUntil(chat.reconnect_button.isVisible)
    qtbot.mouseClick(chat.reconnect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat.connected, timeout=10_000)
    assert a.directory.rooms[room_id].members.keys() == {"alice"}
    assert "before the crash" in texts(chat)
    inside.close()
    bob.close()


def texts(chat) -> list[str]:
    return [chat.messages.entry(row).text for row in range(chat.messages.rowCount())]
