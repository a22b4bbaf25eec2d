"""Moderation in the chat window against a real server, driven from the keyboard: the member
menu, the Room settings dialog, and the input line a mute or read-only turns off."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from app.client.chat_models import EntryKind
from app.shared.protocol import Kick, Mute, RoomSettings
from tests.client.conftest import (
    WAIT_MS,
    activate,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)
from tests.client.test_chat import _entries
from tests.db_access import query_db

ALT = Qt.KeyboardModifier.AltModifier


def _pair(qtbot, make_client, room: str = "Lounge"):
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    alice_chat = create_room(qtbot, alice, room, capacity=5)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, room))
    bob_chat = entered_chat(qtbot, bob, room)
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice", "bob"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: alice_chat.moderation.my_role() == "owner", timeout=WAIT_MS)
    return alice, bob, alice_chat, bob_chat


def _modal(qtbot) -> QWidget:
    """The dialog or question the person is looking at now."""
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None, timeout=WAIT_MS)
    widget = QApplication.activeModalWidget()
    assert widget is not None
    activate(qtbot, widget)  # as the window manager does a new dialog
    return widget


def _menu_on(qtbot, chat, name: str, key=Qt.Key.Key_Menu, modifier=Qt.KeyboardModifier.NoModifier):
    """Select `name` in the member list with the arrow keys, then open its menu by key."""
    view = chat.members_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)
    while chat.members.names[view.currentIndex().row()] != name:
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, key, modifier)
    return chat.moderation.member_menu.menu


def _notices(chat) -> list[str]:
    return [e.text for e in _entries(chat) if e.kind == EntryKind.NOTICE]


def test_the_owner_mutes_a_member_from_the_keyboard_and_their_input_goes_off(
    qtbot, make_client
) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    menu = _menu_on(qtbot, alice_chat, "bob")
    assert menu is not None and menu.isVisible()
    assert [a.text() for a in menu.actions()] == [
        "&Kick…", "&Ban…", "&Mute…", "Make m&oderator", "&Hand the room to them",
    ]  # fmt: skip
    for _ in range(2):
        qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    dialog = _modal(qtbot)
    assert (
        isinstance(dialog, QDialog)
        and "bob will stay and read" in dialog.findChild(QWidget, "introLabel").text()
    )
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)  # 10 minutes → 5 minutes
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "calm down")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    question = _modal(qtbot)
    assert isinstance(question, QMessageBox) and question.text() == "Mute bob for 5 minutes?"
    qtbot.keyClick(question, Qt.Key.Key_M, ALT)  # its Yes button: "&Mute"

    qtbot.waitUntil(lambda: bob_chat.moderation.muted.blocked, timeout=WAIT_MS)
    line = bob_chat.form.findChild(QWidget, "mutedLabel")
    assert line.isVisible() and line.text().startswith("You are muted in this room until")
    # the countdown of 5 minutes (a second either way: the two clocks are read apart)
    assert re.search(r"\((4:5\d|5:0[01]) left\)", line.text()), line.text()
    assert not bob_chat.input_edit.isEnabled() and not bob_chat.send_button.isEnabled()
    said = "alice muted bob for 5 minutes: “calm down”"
    qtbot.waitUntil(lambda: said in _notices(bob_chat), timeout=WAIT_MS)
    assert said in _notices(alice_chat)
    assert alice_chat.input_edit.isEnabled()

    menu = _menu_on(qtbot, alice_chat, "bob", Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert menu is not None and "&Unmute" in [a.text() for a in menu.actions()]
    menu.actions()[2].trigger()  # Unmute
    qtbot.keyClick(_modal(qtbot), Qt.Key.Key_U, ALT)
    qtbot.waitUntil(lambda: not bob_chat.moderation.muted.blocked, timeout=WAIT_MS)
    assert bob_chat.input_edit.isEnabled() and not line.isVisible()


def test_a_plain_member_gets_no_member_menu_and_a_refusal_is_shown(qtbot, make_client) -> None:
    _alice, _bob, _alice_chat, bob_chat = _pair(qtbot, make_client)
    assert _menu_on(qtbot, bob_chat, "alice") is None
    assert not bob_chat.moderation.settings_button.isVisible()
    # The server's no, when the client offered what it may not: said in the chat.
    bob_chat.moderation.send(Kick("alice"), "kick")
    problem = "Your role in this room does not allow that."
    qtbot.waitUntil(
        lambda: problem in [e.text for e in _entries(bob_chat) if e.kind == EntryKind.PROBLEM],
        timeout=WAIT_MS,
    )
    assert "alice" in bob_chat.members.names


def test_room_settings_from_the_keyboard_rename_the_room_and_make_it_read_only(
    qtbot, make_client
) -> None:
    alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    create_room(qtbot, alice, "Taken", capacity=3)
    alice_chat.show()
    button = alice_chat.moderation.settings_button
    assert button.isVisible()
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    dialog = alice_chat.moderation.dialog
    assert dialog is not None and _modal(qtbot) is dialog.form
    edit = QApplication.focusWidget()
    assert edit is dialog.name_edit
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, "Taken")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
    assert dialog.form.isVisible() and dialog.error_label.text() == (
        "A room with that name is already open."
    )
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, "Quiet room")
    dialog.read_only_check.setFocus()
    qtbot.keyClick(dialog.read_only_check, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.read_only_check, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.is_open, timeout=WAIT_MS)

    qtbot.waitUntil(lambda: bob_chat.room.name == "Quiet room", timeout=WAIT_MS)
    assert bob_chat.form.findChild(QWidget, "roomLabel").full_text() == "Quiet room"
    qtbot.waitUntil(lambda: bob_chat.moderation.muted.read_only, timeout=WAIT_MS)
    line = bob_chat.form.findChild(QWidget, "mutedLabel")
    assert line.isVisible() and "read-only" in line.text()
    assert not bob_chat.input_edit.isEnabled()
    assert alice_chat.input_edit.isEnabled()  # the owner still speaks
    said = (
        "alice changed the room: read-only (only the owner and moderators speak);"
        " its name is now “Quiet room”"
    )
    assert said in _notices(bob_chat)


def test_the_owner_deletes_a_message_from_the_keyboard_and_it_is_gone_for_everyone(
    qtbot, make_client
) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    qtbot.keyClicks(bob_chat.input_edit, "rude words")
    qtbot.keyClick(bob_chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "rude words" in [e.text for e in _entries(alice_chat)], timeout=WAIT_MS)
    view = alice_chat.messages_view
    row = [e.text for e in _entries(alice_chat)].index("rude words")
    view.setFocus()
    view.setCurrentIndex(alice_chat.messages.index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Menu)
    menu = alice_chat.view_actions.menu
    assert menu is not None
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[-2:] == ["&Delete message…", "&Report message…"]
    next(a for a in menu.actions() if a.text() == "&Delete message…").trigger()
    qtbot.keyClick(_modal(qtbot), Qt.Key.Key_D, ALT)
    gone = "(message deleted by alice)"
    for chat in (alice_chat, bob_chat):
        qtbot.waitUntil(lambda c=chat: gone in [e.text for e in _entries(c)], timeout=WAIT_MS)
        assert "rude words" not in [e.text for e in _entries(chat)]


def test_slow_mode_counts_down_from_the_members_own_message_and_ends(qtbot, make_client) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    alice_chat.moderation.send(RoomSettings(slow_mode_seconds=2), "room_settings")
    qtbot.waitUntil(lambda: bob_chat.moderation.modes["slow_mode_seconds"] == 2, timeout=WAIT_MS)
    qtbot.keyClicks(bob_chat.input_edit, "first")
    qtbot.keyClick(bob_chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bob_chat.moderation.muted.blocked, timeout=WAIT_MS)
    line = bob_chat.form.findChild(QWidget, "mutedLabel")
    assert line.isVisible() and line.text().startswith("Slow mode: you can send your next")
    assert not bob_chat.input_edit.isEnabled()
    assert "first" in [e.text for e in _entries(bob_chat)]
    assert not [e for e in _entries(bob_chat) if e.kind == EntryKind.PROBLEM]  # no refusal
    qtbot.waitUntil(bob_chat.input_edit.isEnabled, timeout=WAIT_MS)  # the countdown ended
    assert not line.isVisible()
    qtbot.keyClicks(bob_chat.input_edit, "second")  # its turn: the server takes it
    qtbot.keyClick(bob_chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "second" in [e.text for e in _entries(alice_chat)], timeout=WAIT_MS)
    assert not alice_chat.moderation.muted.blocked  # the owner speaks freely


def test_a_member_reports_a_message_from_its_menu(qtbot, make_client, db_path) -> None:
    _alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    qtbot.keyClicks(alice_chat.input_edit, "spam spam")
    qtbot.keyClick(alice_chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "spam spam" in [e.text for e in _entries(bob_chat)], timeout=WAIT_MS)
    view = bob_chat.messages_view
    view.setFocus()
    view.setCurrentIndex(bob_chat.messages.index([e.text for e in _entries(bob_chat)].index(
        "spam spam"), 0))  # fmt: skip
    qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = bob_chat.view_actions.menu
    assert menu is not None
    texts = [a.text() for a in menu.actions() if a.text()]
    assert "&Report message…" in texts and "&Delete message…" not in texts  # not bob's
    next(a for a in menu.actions() if a.text() == "&Report message…").trigger()
    _modal(qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), "selling things")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    done = "Reported: the server's operators will see it."
    qtbot.waitUntil(lambda: done in _notices(bob_chat), timeout=WAIT_MS)
    assert query_db(db_path, "SELECT reporter, reason FROM reports") == [("bob", "selling things")]


def test_the_member_menu_offers_what_the_server_allows_each_role() -> None:
    from app.client.member_menu import MAKE_MEMBER, MAKE_MODERATOR, allowed_acts

    assert allowed_acts("member", "member") == []
    assert allowed_acts("moderator", "member") == ["kick", "ban", "mute"]
    assert allowed_acts("moderator", "member", target_muted=True) == ["kick", "ban", "unmute"]
    assert allowed_acts("moderator", "moderator") == []
    assert allowed_acts("owner", "moderator") == ["kick", "ban", "mute", MAKE_MEMBER,
                                                  "transfer_owner"]  # fmt: skip
    assert allowed_acts("operator", "member")[3] == MAKE_MODERATOR
    assert allowed_acts("operator", "owner") == ["kick", "ban", "mute"]
    assert allowed_acts("owner", "operator") == ["transfer_owner"]


def test_a_newcomer_to_a_read_only_room_sees_the_input_off_before_sending_anything(
    qtbot, make_client
) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    alice_chat = create_room(qtbot, alice, "Lecture", capacity=5)
    alice_chat.moderation.send(RoomSettings(read_only=True, slow_mode_seconds=30), "room_settings")
    qtbot.waitUntil(lambda: alice_chat.moderation.modes["read_only"], timeout=WAIT_MS)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lecture"))
    bob_chat = entered_chat(qtbot, bob, "Lecture")
    qtbot.waitUntil(lambda: bob_chat.moderation.muted.read_only, timeout=WAIT_MS)
    line = bob_chat.form.findChild(QWidget, "mutedLabel")
    assert line.isVisible() and "read-only" in line.text()
    assert not bob_chat.input_edit.isEnabled() and not bob_chat.send_button.isEnabled()
    assert bob_chat.moderation.modes["slow_mode_seconds"] == 30  # known, not yet waited on
    assert not [e for e in _entries(bob_chat) if e.kind == EntryKind.PROBLEM]  # no refusal


def test_a_muted_member_who_leaves_and_comes_back_sees_the_mute_at_once(qtbot, make_client) -> None:
    _alice, bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    alice_chat.moderation.send(Mute("bob", 10), "mute")
    qtbot.waitUntil(lambda: bob_chat.moderation.muted.muted, timeout=WAIT_MS)
    bob_chat.leave()
    qtbot.waitUntil(lambda: alice_chat.members.names == ["alice"], timeout=WAIT_MS)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    again = entered_chat(qtbot, bob, "Lounge")
    assert again is not bob_chat
    qtbot.waitUntil(lambda: again.moderation.muted.muted, timeout=WAIT_MS)
    line = again.form.findChild(QWidget, "mutedLabel")
    assert line.isVisible() and re.search(r"\((9:5\d|10:0[01]) left\)", line.text()), line.text()
    assert not again.input_edit.isEnabled()


def test_the_owner_coming_back_may_unmute_one_muted_while_they_were_away(
    qtbot, make_client
) -> None:
    alice, _bob, alice_chat, bob_chat = _pair(qtbot, make_client)
    alice_chat.moderation.send(Mute("bob", None), "mute")  # until unmuted
    qtbot.waitUntil(lambda: bob_chat.moderation.muted.muted, timeout=WAIT_MS)
    alice_chat.leave()
    qtbot.waitUntil(lambda: bob_chat.members.names == ["bob"], timeout=WAIT_MS)
    join_row(qtbot, alice, wait_for_room_row(qtbot, alice, "Lounge"))
    again = entered_chat(qtbot, alice, "Lounge")
    assert again is not alice_chat
    qtbot.waitUntil(lambda: again.members.names == ["alice", "bob"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: again.moderation.my_role() == "owner", timeout=WAIT_MS)
    menu = _menu_on(qtbot, again, "bob")
    assert menu is not None and "&Unmute" in [a.text() for a in menu.actions()]
    next(a for a in menu.actions() if a.text() == "&Unmute").trigger()
    qtbot.keyClick(_modal(qtbot), Qt.Key.Key_U, ALT)
    qtbot.waitUntil(lambda: not bob_chat.moderation.muted.blocked, timeout=WAIT_MS)
    assert bob_chat.input_edit.isEnabled()
