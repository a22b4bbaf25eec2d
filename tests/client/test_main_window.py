"""The main window: rooms as panes beside a sidebar, moved between by keyboard, popped out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.client import prefs
from app.client.main_window import name_the_application
from app.client.sidebar import BROWSE
from tests.client.conftest import (
    WAIT_MS,
    activate,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _key(qtbot, main, key: Qt.Key, modifiers=CTRL) -> None:
    """Press a key where the person's focus is (shortcuts act on the active window)."""
    target = QApplication.focusWidget() or main.form
    qtbot.keyClick(target, key, modifiers)


def _shown(main) -> object:
    return main.current_key()


def _key_of(main, chat) -> object:
    return next(key for key, known in main.chats.items() if known is chat)


def test_on_the_default_port_the_title_names_the_host_alone(qtbot, make_client) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    session = alice.current.session
    # As if connected to 10.0.0.5 on the default port (a test server cannot listen there).
    session.host, session.port = "10.0.0.5", prefs.DEFAULT_PORT
    alice.main._update_title()
    assert alice.main.form.windowTitle() == "alice — RoomChat — 10.0.0.5"
    session.port = 4001  # another port: it is part of the address shown
    alice.main._update_title()
    assert alice.main.form.windowTitle() == "alice — RoomChat — 10.0.0.5:4001"


def test_rooms_are_panes_and_the_keyboard_moves_between_them(qtbot, make_client, server) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    main = alice.main
    assert main.form.windowTitle() == f"alice — RoomChat — 127.0.0.1:{server.port}"
    assert main.stack.currentWidget() is alice.lobby.form  # "Browse rooms" first
    alpha = create_room(qtbot, alice, "Alpha")
    activate(qtbot, main.form)
    _key(qtbot, main, Qt.Key.Key_B)  # Ctrl+B: back to "Browse rooms"
    assert _shown(main) == BROWSE
    beta = create_room(qtbot, alice, "Beta")
    alpha_key, beta_key = _key_of(main, alpha), _key_of(main, beta)
    # One window: both rooms are pages of its stack, listed in the sidebar in order.
    assert not alpha.form.isWindow() and not beta.form.isWindow()
    assert main.sidebar.room_names() == [(alpha_key, "Alpha"), (beta_key, "Beta")]
    assert _shown(main) == beta_key and QApplication.focusWidget() is beta.input_edit
    activate(qtbot, main.form)
    _key(qtbot, main, Qt.Key.Key_Tab)  # Ctrl+Tab: on round the end, to "Browse rooms"
    assert _shown(main) == BROWSE
    _key(qtbot, main, Qt.Key.Key_Tab)
    assert _shown(main) == alpha_key and QApplication.focusWidget() is alpha.input_edit
    _key(qtbot, main, Qt.Key.Key_PageDown)  # Ctrl+PgDown
    assert _shown(main) == beta_key
    _key(qtbot, main, Qt.Key.Key_Backtab, CTRL | SHIFT)  # Ctrl+Shift+Tab
    assert _shown(main) == alpha_key
    _key(qtbot, main, Qt.Key.Key_PageUp)  # Ctrl+PgUp
    assert _shown(main) == BROWSE
    assert main.sidebar_view.currentIndex() == main.sidebar.browse_index()
    main.sidebar_view.setFocus()  # the sidebar by keyboard: Down to a room, Enter to type
    qtbot.keyClick(main.sidebar_view, Qt.Key.Key_Down)
    qtbot.keyClick(main.sidebar_view, Qt.Key.Key_Down)
    assert _shown(main) == alpha_key
    qtbot.keyClick(main.sidebar_view, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is alpha.input_edit
    _key(qtbot, main, Qt.Key.Key_W)  # Ctrl+W leaves the room shown, and only that one
    qtbot.waitUntil(lambda: list(main.chats) == [beta_key], timeout=WAIT_MS)
    assert beta.connected and main.sidebar.room_keys() == [beta_key]


def test_the_quick_switcher_finds_a_room_by_typing(qtbot, make_client) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    main = alice.main
    lounge = create_room(qtbot, alice, "Lounge")
    main.show_browse()
    homework = create_room(qtbot, alice, "Homework help")
    main.show_browse()
    create_room(qtbot, alice, "Lunch")
    activate(qtbot, main.form)
    _key(qtbot, main, Qt.Key.Key_K)  # Ctrl+K
    switcher = main.switcher
    qtbot.waitUntil(switcher.form.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is switcher.filter_edit, timeout=WAIT_MS)
    assert switcher.matches.rowCount() == 3
    qtbot.keyClicks(switcher.filter_edit, "lu")  # Lunch and Lounge? only names holding "lu"
    assert [switcher.matches.index(r, 0).data() for r in range(switcher.matches.rowCount())] == [
        "Lunch"
    ]
    switcher.filter_edit.clear()
    qtbot.keyClicks(switcher.filter_edit, "L")  # Lounge, Homework help, Lunch: all hold an l
    qtbot.keyClick(switcher.filter_edit, Qt.Key.Key_Down)  # the second match
    qtbot.keyClick(switcher.filter_edit, Qt.Key.Key_Return)
    assert not switcher.form.isVisible()
    assert main.current_key() == _key_of(main, homework)
    activate(qtbot, main.form)
    _key(qtbot, main, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is switcher.filter_edit, timeout=WAIT_MS)
    qtbot.keyClicks(switcher.filter_edit, "LOUN")
    qtbot.keyClick(switcher.filter_edit, Qt.Key.Key_Return)
    assert main.current_key() == _key_of(main, lounge)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is lounge.input_edit, timeout=WAIT_MS)


def test_a_room_pops_out_and_back_keeping_its_conversation(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    chat = create_room(qtbot, alice, "Lounge", capacity=3)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    bob_chat = entered_chat(qtbot, bob, "Lounge")
    qtbot.keyClicks(chat.input_edit, "before")
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bob_chat.messages.last_seq == 1, timeout=WAIT_MS)
    main, connection, rows = alice.main, chat.connection, chat.messages.rowCount()
    key = _key_of(main, chat)
    activate(qtbot, main.form)
    _key(qtbot, main, Qt.Key.Key_O, CTRL | SHIFT)  # Ctrl+Shift+O: pop out
    qtbot.waitUntil(lambda: chat.form.isWindow() and chat.form.isVisible(), timeout=WAIT_MS)
    assert chat.form.windowTitle() == "Lounge — RoomChat"
    assert chat.pop_out_button.text() == "&Put back"
    assert main.current_key() == BROWSE and main.sidebar.room_keys() == [key]
    assert chat.connection is connection and chat.connected
    assert chat.messages.rowCount() == rows  # the conversation came along
    qtbot.keyClicks(bob_chat.input_edit, "while out")
    qtbot.keyClick(bob_chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chat.messages.entry(chat.messages.rowCount() - 1).text == "while out")
    qtbot.keyClicks(chat.input_edit, "from my own window")
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bob_chat.messages.last_seq == 3, timeout=WAIT_MS)
    qtbot.mouseClick(chat.pop_out_button, Qt.MouseButton.LeftButton)  # and back
    assert not chat.form.isWindow() and main.stack.currentWidget() is chat.form
    assert main.current_key() == key and chat.pop_out_button.text() == "&Pop out"
    assert chat.connection is connection and chat.connected and chat.messages.rowCount() == rows + 2
    assert alice.lobby.chats == {key: chat}
    qtbot.mouseClick(chat.pop_out_button, Qt.MouseButton.LeftButton)  # out by mouse ...
    qtbot.waitUntil(lambda: chat.form.isWindow() and chat.form.isVisible(), timeout=WAIT_MS)
    activate(qtbot, chat.form)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_O, CTRL | SHIFT)  # ... back by keyboard
    assert not chat.form.isWindow() and main.current_key() == key
    activate(qtbot, main.form)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_W, CTRL)  # Ctrl+W still leaves, docked
    qtbot.waitUntil(lambda: not alice.lobby.chats, timeout=WAIT_MS)
    assert main.sidebar.room_keys() == [] and main.current_key() == BROWSE


def test_closing_a_popped_out_room_leaves_it(qtbot, make_client) -> None:
    alice = make_client()
    log_in(qtbot, alice, "alice")
    chat = create_room(qtbot, alice, "Lounge")
    alice.main.toggle_docked(_key_of(alice.main, chat))
    qtbot.waitExposed(chat.form)
    chat.form.close()
    qtbot.waitUntil(lambda: not alice.lobby.chats, timeout=WAIT_MS)
    assert alice.main.sidebar.room_keys() == []


def test_the_taskbar_says_roomchat(qtbot) -> None:
    before = QGuiApplication.desktopFileName(), QGuiApplication.applicationName()
    try:
        QGuiApplication.setApplicationName("main.py")
        name_the_application()
        assert QGuiApplication.desktopFileName() == "roomchat"
        assert QGuiApplication.applicationDisplayName() == "RoomChat"
    finally:
        QGuiApplication.setDesktopFileName(before[0])
        QGuiApplication.setApplicationName(before[1])
