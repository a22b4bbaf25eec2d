"""Chat windows against a real server: talking, leaving, dropped links, the server going."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtSql import QSqlDatabase, QSqlQuery
from PySide6.QtWidgets import QLabel

from app.client import connection
from app.client.chat_models import EntryKind
from app.shared.protocol import Welcome
from tests.client.conftest import (
    WAIT_MS,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)


def _pair(qtbot, make_client, room: str = "Lounge", capacity: int = 5):
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    alice_chat = create_room(qtbot, alice, room, capacity=capacity)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, room))
    bob_chat = entered_chat(qtbot, bob, room)
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice", "bob"], timeout=WAIT_MS)
    return alice, bob, alice_chat, bob_chat


def _entries(chat):
    return [chat.messages.entry(row) for row in range(chat.messages.rowCount())]


def _say(qtbot, chat, text: str) -> None:
    qtbot.keyClicks(chat.input_edit, text)
    qtbot.mouseClick(chat.send_button, Qt.MouseButton.LeftButton)


def test_messages_typed_in_one_window_appear_in_the_other(qtbot, make_client) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    assert "Lounge" in alice_chat.form.windowTitle()
    assert not bob_chat.send_button.isEnabled()  # nothing typed yet
    _say(qtbot, bob_chat, "hello alice")
    assert bob_chat.input_edit.text() == ""
    qtbot.keyClicks(alice_chat.input_edit, "hi bob")
    alice_chat.input_edit.insertPlainText(
        ", 안녕"
    )  # as an input method commits it (QTest types Latin-1)
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_Return)

    def said(chat, text):
        return [e for e in _entries(chat) if e.text == text]

    qtbot.waitUntil(lambda: bool(said(alice_chat, "hello alice")), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(said(bob_chat, "hi bob, 안녕")), timeout=WAIT_MS)
    heard = said(alice_chat, "hello alice")[0]
    assert (heard.sender, heard.kind) == ("bob", EntryKind.MESSAGE)
    assert heard.when is not None
    own = said(bob_chat, "hello alice")[0]
    assert (own.sender, own.kind) == ("bob", EntryKind.OWN)
    assert said(bob_chat, "hi bob, 안녕")[0].sender == "alice"
    notices = [e.text for e in _entries(alice_chat) if e.kind == EntryKind.NOTICE]
    assert notices == ["You joined the room", "bob joined"]


def test_history_is_shown_on_entry(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    alice_chat = create_room(qtbot, alice, "Archive", capacity=3)
    _say(qtbot, alice_chat, "before you came")
    qtbot.waitUntil(lambda: alice_chat.messages.last_seq == 1, timeout=WAIT_MS)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Archive"))
    bob_chat = entered_chat(qtbot, bob, "Archive")
    first, said = _entries(bob_chat)[:2]
    assert first.kind == EntryKind.DAY  # the day it was said, above it
    assert (said.sender, said.text) == ("alice", "before you came")


def test_a_member_leaving_shows_a_notice_and_updates_the_list(qtbot, make_client) -> None:
    _alice, bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    assert alice_chat.members_label.text() == "Members (2)"
    qtbot.mouseClick(bob_chat.leave_button, Qt.MouseButton.LeftButton)
    assert not bob.lobby.chats
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice"], timeout=WAIT_MS)
    assert _entries(alice_chat)[-1].text == "bob left"
    assert _entries(alice_chat)[-1].kind == EntryKind.NOTICE
    assert alice_chat.members_label.text() == "Members (1)"


def test_the_server_going_away_leaves_the_window_usable(qtbot, make_client, server) -> None:
    alice, _bob, alice_chat, _bob_chat = _pair(qtbot, make_client)
    server.shutdown()
    qtbot.waitUntil(lambda: not alice_chat.input_edit.isEnabled(), timeout=WAIT_MS)
    problems = [e.text for e in _entries(alice_chat) if e.kind == EntryKind.PROBLEM]
    assert problems == ["The server shut down."]
    assert alice_chat.banner_label.isVisible() and alice_chat.reconnect_button.isVisible()
    assert not alice_chat.send_button.isEnabled()
    assert alice_chat.members_label.text() == "Members (0)"
    # The header no longer claims "2 of 5 people", nor the lobby that alice is signed in.
    assert (
        alice_chat.info_label.full_text() == "Not connected · room for 5 people · opened by alice"
    )
    qtbot.waitUntil(lambda: not alice.lobby.notice_label.isHidden(), timeout=WAIT_MS)
    assert alice.main.form.windowTitle() == "RoomChat"  # no longer "alice — RoomChat — …"
    alice.main.show_browse()  # the lobby says so, in "Browse rooms"
    assert alice.lobby.notice_label.isVisible()
    assert alice.lobby.form.findChild(QLabel, "signedInLabel").text() == "Signed out"
    assert alice.lobby.relogin_button.isVisible()
    # still responsive: reconnecting explains that the person must log in again first
    qtbot.mouseClick(alice_chat.reconnect_button, Qt.MouseButton.LeftButton)
    assert "Log in again" in alice_chat.banner_label.text()
    qtbot.mouseClick(alice.lobby.relogin_button, Qt.MouseButton.LeftButton)
    assert alice.login.form.isVisible()
    qtbot.mouseClick(alice_chat.leave_button, Qt.MouseButton.LeftButton)
    assert not alice.lobby.chats


def test_a_dropped_room_link_can_be_reconnected(qtbot, make_client, server) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    _say(qtbot, alice_chat, "one")
    qtbot.waitUntil(lambda: bob_chat.messages.last_seq == 1, timeout=WAIT_MS)
    room = server.directory.find(bob_chat.room_id)
    room.members["bob"].connection.abort("test drop")
    qtbot.waitUntil(lambda: bob_chat.reconnect_button.isVisible(), timeout=WAIT_MS)
    assert "lost" in bob_chat.banner_label.text() and not bob_chat.input_edit.isEnabled()
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice"], timeout=WAIT_MS)
    qtbot.mouseClick(bob_chat.reconnect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bob_chat.connected, timeout=WAIT_MS)
    assert bob_chat.input_edit.isEnabled() and not bob_chat.banner_label.isVisible()
    assert [e.text for e in _entries(bob_chat)].count("one") == 1  # history not repeated
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice", "bob"], timeout=WAIT_MS)


def test_the_view_follows_new_messages_unless_scrolled_up(qtbot, make_client) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    bar = alice_chat.messages_view.verticalScrollBar()
    for number in range(15):  # within the server's burst allowance
        bob_chat.connection.say(f"line {number} " + "words " * 20)
    qtbot.waitUntil(lambda: alice_chat.messages.last_seq == 15, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=WAIT_MS)
    bar.setValue(0)  # the person scrolls up to read
    bob_chat.connection.say("one more")
    qtbot.waitUntil(lambda: alice_chat.messages.last_seq == 16, timeout=WAIT_MS)
    assert bar.value() == 0
    bar.setValue(bar.maximum())
    bob_chat.connection.say("and another")
    qtbot.waitUntil(lambda: alice_chat.messages.last_seq == 17, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT_MS)


def test_logging_in_to_another_server_closes_the_old_servers_chat_windows(
    qtbot, make_client, make_server, server
) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    create_room(qtbot, alice, "Lounge")
    assert list(alice.lobby.chats)
    server.shutdown()
    qtbot.waitUntil(lambda: not alice.lobby.relogin_button.isHidden(), timeout=WAIT_MS)
    alice.main.show_browse()
    other = make_server(db_path=server.config.db_path + ".other")  # its room ids start at 1 too
    qtbot.mouseClick(alice.lobby.relogin_button, Qt.MouseButton.LeftButton)
    alice.login.port_spin.setValue(other.port)
    log_in(qtbot, alice, "alice", sign_up=True)
    qtbot.waitUntil(lambda: not alice.lobby.chats, timeout=WAIT_MS)


@pytest.mark.server_config(msg_rate=0.5, msg_burst=1)
def test_a_refused_message_waits_out_a_countdown_in_the_input_line(
    qtbot, make_client, server
) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    chat = create_room(qtbot, alice, "Fast")
    banners: list[str] = []
    chat.countdown.ticked.connect(lambda _seconds: banners.append(chat.banner_label.text()))
    for text in ("first", "second"):
        qtbot.keyClicks(chat.input_edit, text)
        qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chat.input_edit.text() == "second", timeout=WAIT_MS)
    assert banners == ["Too many messages — you can send again in 2 s"]  # retry_after ≈ 2 s
    assert chat.banner_label.isVisible() and not chat.send_button.isEnabled()
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)  # not sent while counting down
    assert chat.input_edit.text() == "second"
    qtbot.waitUntil(lambda: len(banners) == 2, timeout=WAIT_MS)
    assert banners[1] == "Too many messages — you can send again in 1 s"
    assert not chat.send_button.isEnabled()
    with qtbot.waitSignal(chat.countdown.finished, timeout=WAIT_MS):
        pass
    assert not chat.banner_label.isVisible() and chat.send_button.isEnabled()
    assert EntryKind.PROBLEM not in [e.kind for e in _entries(chat)]  # a wait, not an error
    qtbot.mouseClick(chat.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat.messages.last_seq == 2, timeout=WAIT_MS)
    assert [e.text for e in _entries(chat)][-2:] == ["first", "second"]
    assert chat.input_edit.text() == ""


def _reconnect_after_a_fresh_server(qtbot, make_client, make_server, server):
    """Alice's "Lounge" window outlives its server; a server on a fresh database takes the
    same address (room ids from 1, bob opens "Kitchen" as room 1); alice logs in again there
    and presses Reconnect in the old window. Returns alice and that old window."""
    alice = make_client()
    log_in(qtbot, alice, "alice")
    old = create_room(qtbot, alice, "Lounge")
    port, db = server.port, server.config.db_path
    server.shutdown()
    qtbot.waitUntil(lambda: not old.connected, timeout=WAIT_MS)
    fresh = make_server(port=port, db_path=db + ".fresh")
    bob = make_client(fresh.port)
    log_in(qtbot, bob, "bob")
    create_room(qtbot, bob, "Kitchen")
    qtbot.mouseClick(alice.lobby.relogin_button, Qt.MouseButton.LeftButton)
    log_in(qtbot, alice, "alice", sign_up=True)
    qtbot.mouseClick(old.reconnect_button, Qt.MouseButton.LeftButton)
    return alice, old


def test_a_window_whose_room_is_gone_does_not_reconnect_into_another_with_its_id(
    qtbot, make_client, make_server, server, monkeypatch
) -> None:
    """A server from before `instance`: the room's created_at tells the rooms apart."""
    parse = connection.parse_server_frame

    def without_instance(obj):
        event = parse(obj)
        return replace(event, instance=None) if isinstance(event, Welcome) else event

    monkeypatch.setattr(connection, "parse_server_frame", without_instance)
    alice, old = _reconnect_after_a_fresh_server(qtbot, make_client, make_server, server)
    qtbot.waitUntil(lambda: old.closed, timeout=WAIT_MS)
    chat = entered_chat(qtbot, alice, "Kitchen")
    assert chat is not old and chat.messages.last_seq == 0


def test_a_member_an_operator_kicks_is_told_and_not_offered_to_reconnect(
    qtbot, make_client, server
) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    assert server.kick(bob_chat.room_id, "bob")  # what the admin window's Kick does
    qtbot.waitUntil(lambda: not bob_chat.input_edit.isEnabled(), timeout=WAIT_MS)
    assert bob_chat.banner_label.text() == "An operator removed you from this room."
    assert not bob_chat.reconnect_button.isVisible()
    problems = [e.text for e in _entries(bob_chat) if e.kind == EntryKind.PROBLEM]
    assert problems == ["An operator removed you from this room."]
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice"], timeout=WAIT_MS)
    assert not bob_chat.connected and bob_chat.members.names == []
    assert _entries(alice_chat)[-1].text == "bob was removed by the server's operator"


def test_a_window_of_another_server_instance_says_its_room_is_gone(
    qtbot, make_client, make_server, server
) -> None:
    alice, old = _reconnect_after_a_fresh_server(qtbot, make_client, make_server, server)
    qtbot.waitUntil(lambda: "no longer open" in old.banner_label.text(), timeout=WAIT_MS)
    assert not old.reconnect_button.isVisible() and not old.closed
    assert [chat.room.name for chat in alice.lobby.chats.values()] == ["Lounge"]


@pytest.mark.server_config(max_unstored_messages=1)
def test_a_message_the_busy_server_cannot_hold_waits_out_a_countdown(
    qtbot, make_client, server
) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    chat = create_room(qtbot, alice, "Busy")
    holder = QSqlDatabase.addDatabase("QSQLITE", "holder")
    holder.setDatabaseName(server.config.db_path)
    assert holder.open()
    lock = QSqlQuery(holder)
    try:
        assert lock.exec("BEGIN EXCLUSIVE")  # as a backup or a sqlite3 shell would
        log = server.directory.rooms[chat.room_id]._log
        qtbot.keyClicks(chat.input_edit, "first")
        qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: log.waiting == 1, timeout=WAIT_MS)  # held by the server
        qtbot.keyClicks(chat.input_edit, "second")
        qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: chat.input_edit.text() == "second", timeout=WAIT_MS)
        assert chat.countdown.active and not chat.send_button.isEnabled()
        assert "you can send again in 1 s" in chat.banner_label.text()
        assert lock.exec("COMMIT")
        qtbot.waitUntil(lambda: chat.messages.last_seq == 1, timeout=WAIT_MS)  # held, then sent
    finally:
        lock.finish()
        del lock
        holder.close()
        del holder
        QSqlDatabase.removeDatabase("holder")
    with qtbot.waitSignal(chat.countdown.finished, timeout=WAIT_MS):
        pass
    qtbot.mouseClick(chat.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chat.messages.last_seq == 2, timeout=WAIT_MS)
    assert [e.text for e in _entries(chat)][-2:] == ["first", "second"]
