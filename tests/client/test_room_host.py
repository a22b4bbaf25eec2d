"""The client goes where a ROOM's `host` says: a room on another node of the server, whose
room ports listen on another address than the main port the client logged in at; and
back in by itself when that node dies and another reopens the room."""

from __future__ import annotations

import signal

import pytest
from PySide6.QtCore import Qt

from app.client.chat_models import EntryKind
from tests.client.conftest import entered_chat, join_row, log_in, wait_for_room_row
from tests.conftest import PASSWORD
from tests.db_access import query_db
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


def test_after_kill_9_of_the_rooms_node_the_client_gets_back_in_by_itself(
    qtbot, make_server, start_client, db_path
) -> None:
    a = make_server(node_name="a", node_lease=2.0)
    flags = ("--node-lease", "2", "--persistent-rooms", "everyone")
    with node_process(db_path, "b", *flags) as (b_process, b_port):
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
        _say(qtbot, chat, "acknowledged")
        b_process.send_signal(signal.SIGSTOP)  # B hears no more: this one is never answered
        qtbot.keyClicks(chat.input_edit, "never answered")
        qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not chat.input_edit.text())
    # B is gone (SIGKILL): A takes its persistent room over within the lease, and the window
    # asks A's lobby for it again by itself.
    unsure = "Perhaps not sent (the connection ended first): never answered"
    qtbot.waitUntil(lambda: unsure in texts(chat), timeout=10_000)
    banner = chat.banner_label
    qtbot.waitUntil(lambda: banner.text().startswith("Connection lost. Reconnecting"))
    assert banner.isVisible()
    qtbot.waitUntil(lambda: chat.connected, timeout=20_000)
    assert not banner.isVisible()
    room_id = created["room"]["id"]
    assert a.directory.rooms[room_id].members.keys() == {"alice"}
    _say(qtbot, chat, "after the crash")
    said = [entry.text for entry in _entries(chat, EntryKind.MESSAGE, EntryKind.OWN)]
    assert said == ["before the crash", "acknowledged", "after the crash"]  # none twice
    stored = query_db(db_path, "SELECT text FROM messages ORDER BY seq")
    assert [row[0] for row in stored] == said
    inside.close()
    bob.close()


def _say(qtbot, chat, text: str) -> None:
    qtbot.keyClicks(chat.input_edit, text)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: text in [e.text for e in _entries(chat, EntryKind.OWN)])


def _entries(chat, *kinds: EntryKind) -> list:
    rows = range(chat.messages.rowCount())
    return [chat.messages.entry(r) for r in rows if chat.messages.entry(r).kind in kinds]


def texts(chat) -> list[str]:
    return [chat.messages.entry(row).text for row in range(chat.messages.rowCount())]
