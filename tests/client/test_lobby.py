"""The lobby against a real server: live rooms, passwords, full rooms, the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.client.rooms_model import FULL_ROLE, LOCKED_ROLE, Column
from tests.client.conftest import (
    WAIT_MS,
    activate,
    answer,
    create_room,
    entered_chat,
    join_row,
    log_in,
    type_into,
    wait_for_room_row,
)


def test_a_new_room_appears_in_another_lobby_live_with_its_lock(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    assert bob.lobby.model.rowCount() == 0
    create_room(qtbot, alice, "Secret", capacity=5, password="sesame")
    row = wait_for_room_row(qtbot, bob, "Secret")  # no refresh was clicked
    model = bob.lobby.model
    assert model.index(row, 0).data(LOCKED_ROLE) is True
    assert not model.index(row, 0).data(Qt.ItemDataRole.DecorationRole).isNull()
    assert model.index(row, Column.OWNER).data() == "alice"
    qtbot.waitUntil(lambda: model.index(row, Column.MEMBERS).data() == "1 / 5", timeout=WAIT_MS)
    create_room(qtbot, alice, "Open")
    open_row = wait_for_room_row(qtbot, bob, "Open")
    assert model.index(open_row, 0).data(LOCKED_ROLE) is False
    qtbot.mouseClick(bob.lobby.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)


def test_wrong_then_right_room_password(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    create_room(qtbot, alice, "Vault", capacity=3, password="sesame")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Vault"))
    dialog = bob.lobby.password_dialog
    assert dialog is not None and dialog.form.isVisible()
    type_into(qtbot, dialog.password_edit, "wrong")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
    assert "Wrong password" in dialog.error_label.text()
    assert dialog.form.isVisible()  # the person may try again
    type_into(qtbot, dialog.password_edit, "sesame")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    chat = entered_chat(qtbot, bob, "Vault")
    assert bob.lobby.password_dialog is None
    qtbot.waitUntil(lambda: chat.members.names == ["alice", "bob"], timeout=WAIT_MS)


def test_a_full_room_is_refused_with_a_message(qtbot, make_client) -> None:
    alice, bob, carol = make_client(), make_client(), make_client()
    for client, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        log_in(qtbot, client, name)
    create_room(qtbot, alice, "Pair", capacity=2)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Pair"))
    entered_chat(qtbot, bob, "Pair")
    row = wait_for_room_row(qtbot, carol, "Pair")
    model = carol.lobby.model
    qtbot.waitUntil(lambda: model.index(row, 0).data(FULL_ROLE) is True, timeout=WAIT_MS)
    assert "full" in model.index(row, Column.MEMBERS).data()
    view = carol.lobby.view
    view.setCurrentIndex(model.index(row, 0))
    assert not carol.lobby.join_button.isEnabled()
    assert not carol.lobby.actions["actionJoin"].isEnabled()
    center = view.visualRect(model.index(row, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)  # joins
    notice = carol.lobby.notice_label
    qtbot.waitUntil(lambda: notice.isVisible(), timeout=WAIT_MS)
    assert "“Pair” is full" in notice.text()
    assert not carol.lobby.chats


def test_a_full_private_room_says_it_is_full_without_asking_its_password(
    qtbot, make_client
) -> None:
    alice, bob, carol = make_client(), make_client(), make_client()
    for client, name in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
        log_in(qtbot, client, name)
    create_room(qtbot, alice, "Vault", capacity=2, password="sesame")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Vault"))
    type_into(qtbot, bob.lobby.password_dialog.password_edit, "sesame")
    qtbot.keyClick(bob.lobby.password_dialog.password_edit, Qt.Key.Key_Return)
    entered_chat(qtbot, bob, "Vault")
    row = wait_for_room_row(qtbot, carol, "Vault")
    lobby = carol.lobby
    qtbot.waitUntil(lambda: lobby.model.index(row, 0).data(FULL_ROLE) is True, timeout=WAIT_MS)
    lobby.view.activated.emit(lobby.model.index(row, 0))  # a double click, or Return
    assert lobby.notice_label.isVisible() and "“Vault” is full" in lobby.notice_label.text()
    assert lobby.password_dialog is None
    # Once a seat is free, Join comes back and the password is asked for.
    qtbot.mouseClick(
        bob.lobby.chats[next(iter(bob.lobby.chats))].leave_button, Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lobby.join_button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(lobby.join_button, Qt.MouseButton.LeftButton)
    assert lobby.password_dialog is not None


def test_keyboard_create_room_join_and_leave(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    lobby = alice.lobby
    activate(qtbot, alice.main.form)
    qtbot.keyClick(lobby.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = lobby.create_dialog
    assert dialog is not None and dialog.form.isVisible()
    assert dialog.form.focusWidget() is dialog.name_edit
    assert dialog.capacity_spin.value() == 2 and not dialog.password_edit.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Keys")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    chat = entered_chat(qtbot, alice, "Keys")
    assert chat.form.focusWidget() is chat.input_edit
    qtbot.keyClicks(chat.input_edit, "typed, not clicked")
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chat.messages.rowCount() >= 2, timeout=WAIT_MS)
    # bob joins with Enter on the selected row
    bob.lobby.view.setFocus()
    row = wait_for_room_row(qtbot, bob, "Keys")
    bob.lobby.view.setCurrentIndex(bob.lobby.model.index(row, 0))
    qtbot.keyClick(bob.lobby.view, Qt.Key.Key_Return)
    bob_chat = entered_chat(qtbot, bob, "Keys")
    # Ctrl+W leaves
    activate(qtbot, bob.main.form)  # the room is a pane of the main window
    qtbot.keyClick(bob_chat.input_edit, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not bob.lobby.chats, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: chat.members.names == ["alice"], timeout=WAIT_MS)


def test_create_room_errors_stay_in_the_dialog(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    create_room(qtbot, alice, "Lounge")
    qtbot.mouseClick(bob.lobby.create_button, Qt.MouseButton.LeftButton)
    dialog = bob.lobby.create_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "Give the room a name" in dialog.error_label.text()
    type_into(qtbot, dialog.name_edit, "lounge")
    qtbot.mouseClick(dialog.private_check, Qt.MouseButton.LeftButton)
    assert dialog.password_edit.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "needs a password" in dialog.error_label.text()
    type_into(qtbot, dialog.password_edit, "abc")  # new rooms need at least 4 characters
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "4 to 128" in dialog.error_label.text()
    qtbot.mouseClick(dialog.private_check, Qt.MouseButton.LeftButton)
    assert not dialog.password_edit.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already open" in dialog.error_label.text(), timeout=WAIT_MS)
    assert dialog.form.isVisible() and dialog.create_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert bob.lobby.create_dialog is None


@pytest.mark.server_config(max_room_capacity=7)
def test_the_capacity_box_stops_at_the_servers_maximum(qtbot, make_client, server) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    alice.lobby.open_create_dialog()
    dialog = alice.lobby.create_dialog
    assert dialog is not None
    assert (dialog.capacity_spin.minimum(), dialog.capacity_spin.maximum()) == (2, 7)


def test_a_relogin_through_the_lobby_replaces_the_clients_session(qtbot, make_client) -> None:
    first, elsewhere, bob = make_client(), make_client(), make_client()
    log_in(qtbot, first, "alice")
    old = first.session
    assert old is not None and old.parent() is first.current
    log_in(qtbot, elsewhere, "alice", sign_up=False)  # the server ends the first session
    qtbot.waitUntil(lambda: first.lobby.relogin_button.isVisible(), timeout=WAIT_MS)
    assert first.session is old and not old.is_open  # still the client's, and closed
    qtbot.mouseClick(first.lobby.relogin_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(old.destroyed, timeout=WAIT_MS):  # the client let go of the old one
        log_in(qtbot, first, "alice", sign_up=False)
    new = first.session
    assert new is not None and new.logged_in and first.lobby.session is new
    assert first.lobby.joiner.session is new and first.lobby.name == "alice"
    log_in(qtbot, bob, "bob")
    create_room(qtbot, bob, "Fresh")
    wait_for_room_row(qtbot, first, "Fresh")  # the lobby follows the new session live
    qtbot.waitUntil(lambda: not elsewhere.lobby.connected, timeout=WAIT_MS)


def test_logging_out_or_closing_the_main_window_with_rooms_open_asks_first(
    qtbot, make_client
) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    chat = create_room(qtbot, alice, "Lounge")
    lobby, main = alice.lobby, alice.main
    quits: list[bool] = []
    alice.quit_requested.connect(lambda: quits.append(True))
    main.actions["actionLogOut"].trigger()
    assert answer(qtbot, main, yes=False) == "Log out and leave the 1 open room(s)?"
    assert lobby.connected and chat.connected and main.form.isVisible()
    main.form.close()  # the window's close button
    assert answer(qtbot, main, yes=False) == "Quit RoomChat and leave the 1 open room(s)?"
    assert main.form.isVisible() and chat.connected and not quits
    main.actions["actionLogOut"].trigger()
    answer(qtbot, main, yes=True)
    qtbot.waitUntil(alice.login.form.isVisible, timeout=WAIT_MS)
    assert not lobby.chats and not main.form.isVisible() and not quits


def test_closing_the_main_window_asks_then_quits(qtbot, make_client) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    create_room(qtbot, alice, "Lounge")
    quits: list[bool] = []
    alice.quit_requested.connect(lambda: quits.append(True))
    alice.main.form.close()
    answer(qtbot, alice.main, yes=True)
    assert quits == [True] and not alice.lobby.chats
