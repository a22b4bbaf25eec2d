"""What calls for the person: unread counts, the "new messages" line, mentions, Tab."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.client import prefs
from app.client.chat_models import EntryKind
from app.client.sidebar_badges import MENTION_ROLE, UNREAD_ROLE
from tests.client.conftest import (
    WAIT_MS,
    activate,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)


def _say(qtbot, chat, text: str) -> None:
    chat.input_edit.setPlainText(text)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)


def _key_of(main, chat) -> object:
    return next(key for key, known in main.chats.items() if known is chat)


def _two_rooms(qtbot, make_client, me: str = "alice", other: str = "bob"):
    """`me` in Lounge and Kitchen (Lounge shown, the window active); `other` in both."""
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, me)
    log_in(qtbot, bob, other)
    kitchen = create_room(qtbot, alice, "Kitchen", capacity=3)
    alice.main.show_browse()
    lounge = create_room(qtbot, alice, "Lounge", capacity=3)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Kitchen"))
    bob_kitchen = entered_chat(qtbot, bob, "Kitchen")
    bob.main.show_browse()
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    bob_lounge = entered_chat(qtbot, bob, "Lounge")
    qtbot.waitUntil(lambda: len(kitchen.members.names) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(lounge.members.names) == 2, timeout=WAIT_MS)
    alice.main.go_to(_key_of(alice.main, lounge))
    activate(qtbot, alice.main.form)
    return alice, kitchen, lounge, bob_kitchen, bob_lounge


def _badge(main, chat) -> tuple[int, bool]:
    index = main.sidebar.room_index(_key_of(main, chat))
    return int(index.data(UNREAD_ROLE) or 0), bool(index.data(MENTION_ROLE))


def test_unread_counts_and_the_new_messages_line_across_two_rooms(qtbot, make_client) -> None:
    alice, kitchen, lounge, bob_kitchen, bob_lounge = _two_rooms(qtbot, make_client)
    main = alice.main
    notified: list[tuple[object, str, str]] = []
    main.attention.notify_requested.connect(lambda *args: notified.append(args))
    _say(qtbot, bob_lounge, "in front of you")
    qtbot.waitUntil(lambda: lounge.messages.last_seq == 1, timeout=WAIT_MS)
    assert _badge(main, lounge) == (0, False)  # the shown pane of the active window: read
    assert lounge.messages.marker_row() is None
    _say(qtbot, bob_kitchen, "first")
    _say(qtbot, bob_kitchen, "second")
    qtbot.waitUntil(lambda: kitchen.messages.last_seq == 2, timeout=WAIT_MS)
    assert _badge(main, kitchen) == (2, False)
    assert main.form.windowTitle().startswith("(2) alice — RoomChat")
    assert kitchen.form.windowTitle() == "(2) Kitchen — RoomChat"  # its own, when popped out
    marker = kitchen.messages.marker_row()
    assert marker is not None  # just before the first unread one
    assert kitchen.messages.entry(marker).kind == EntryKind.MARKER
    assert kitchen.messages.entry(marker + 1).text == "first"
    assert notified == []  # no mention, and the room is on "mentions only"
    main.go_to(_key_of(main, kitchen))
    qtbot.waitUntil(lambda: _badge(main, kitchen) == (0, False), timeout=WAIT_MS)
    assert not main.form.windowTitle().startswith("(")
    assert kitchen.messages.entry(marker).kind == EntryKind.MARKER  # stays until the next time
    main.go_to(_key_of(main, lounge))
    _say(qtbot, bob_kitchen, "third")
    qtbot.waitUntil(lambda: _badge(main, kitchen) == (1, False), timeout=WAIT_MS)
    moved = kitchen.messages.marker_row()  # moved down to where the person left off now
    assert moved is not None and kitchen.messages.entry(moved + 1).text == "third"
    assert [e.kind for e in map(kitchen.messages.entry, range(kitchen.messages.rowCount()))].count(
        EntryKind.MARKER
    ) == 1


def test_a_mention_is_marked_highlighted_and_notified(qtbot, make_client) -> None:
    alice, kitchen, lounge, bob_kitchen, bob_lounge = _two_rooms(qtbot, make_client)
    main = alice.main
    notified: list[tuple[object, str, str]] = []
    main.attention.notify_requested.connect(lambda *args: notified.append(args))
    _say(qtbot, bob_kitchen, "hey @ALICE, lunch?")
    qtbot.waitUntil(lambda: _badge(main, kitchen) == (1, True), timeout=WAIT_MS)
    entry = kitchen.messages.entry(kitchen.messages.rowCount() - 1)
    assert entry.spans == ((4, 6),)  # "@ALICE", whatever its case
    assert notified == [(_key_of(main, kitchen), "bob in Kitchen", "hey @ALICE, lunch?")]
    _say(qtbot, bob_lounge, "@alice here too")  # the active pane: highlighted, not notified
    qtbot.waitUntil(lambda: lounge.messages.last_seq == 1, timeout=WAIT_MS)
    assert lounge.messages.entry(lounge.messages.rowCount() - 1).mention
    assert len(notified) == 1 and _badge(main, lounge) == (0, False)
    main.attention.set_do_not_disturb(True)  # Do not disturb: counted, never notified
    _say(qtbot, bob_kitchen, "@alice again")
    qtbot.waitUntil(lambda: _badge(main, kitchen) == (2, True), timeout=WAIT_MS)
    assert len(notified) == 1 and prefs.do_not_disturb()
    main.attention.set_do_not_disturb(False)
    prefs.set_notify_level("Kitchen", prefs.NotifyLevel.ALL)
    _say(qtbot, bob_kitchen, "no name in this one")
    qtbot.waitUntil(lambda: len(notified) == 2, timeout=WAIT_MS)
    prefs.set_notify_level("Kitchen", prefs.NotifyLevel.NOTHING)
    _say(qtbot, bob_kitchen, "@alice quiet room")
    qtbot.waitUntil(lambda: _badge(main, kitchen) == (4, True), timeout=WAIT_MS)
    assert len(notified) == 2


def test_a_mention_in_korean_and_a_highlight_word(qtbot, make_client) -> None:
    prefs.set_highlight_words(["김치"])
    alice, kitchen, _lounge, bob_kitchen, _bob_lounge = _two_rooms(qtbot, make_client, "김지수")
    _say(qtbot, bob_kitchen, "@김지수 점심 먹자")
    _say(qtbot, bob_kitchen, "오늘은 김치찌개")
    _say(qtbot, bob_kitchen, "@김지수야는 다른 이름")  # more of a name after it: not her
    qtbot.waitUntil(lambda: kitchen.messages.last_seq == 3, timeout=WAIT_MS)
    rows = range(kitchen.messages.rowCount())
    spans = {e.text: e.spans for e in map(kitchen.messages.entry, rows) if e.seq}
    assert spans == {
        "@김지수 점심 먹자": ((0, 4),),
        "오늘은 김치찌개": ((4, 2),),
        "@김지수야는 다른 이름": (),
    }
    assert _badge(alice.main, kitchen) == (3, True)


def test_tab_completes_a_name_from_the_members(qtbot, make_client) -> None:
    _alice, _kitchen, lounge, _bob_kitchen, _bob_lounge = _two_rooms(
        qtbot, make_client, other="이민수"
    )
    edit = lounge.input_edit
    edit.setFocus()
    qtbot.keyClicks(edit, "hi @")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "hi @이민수 "
    edit.clear()
    edit.insertPlainText("이민")  # without its @ (QTest types Latin-1 only)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "@이민수 "
    edit.clear()
    qtbot.keyClicks(edit, "al")  # only the others: not the person's own name
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.text() == "al"


def test_preferences_are_saved_and_take_effect(qtbot, make_client) -> None:
    alice, kitchen, _lounge, bob_kitchen, _bob_lounge = _two_rooms(qtbot, make_client)
    main = alice.main
    main.actions["actionPreferences"].trigger()
    dialog = main.preferences
    assert dialog is not None and dialog.form.isVisible()
    assert [dialog.room_combo.itemText(i) for i in range(dialog.room_combo.count())] == [
        "Kitchen",
        "Lounge",
    ]
    assert dialog.level_combo.currentData() == "mentions"  # the default
    qtbot.keyClicks(dialog.words_edit, "pizza")
    dialog.level_combo.setCurrentIndex(dialog.level_combo.findData("all"))  # for Kitchen
    qtbot.mouseClick(dialog.do_not_disturb_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.form.isVisible()
    assert prefs.highlight_words() == ["pizza"] and prefs.do_not_disturb()
    assert prefs.notify_level("Kitchen") == prefs.NotifyLevel.ALL
    assert prefs.notify_level("Lounge") == prefs.NotifyLevel.MENTIONS
    assert main.attention.do_not_disturb and main.tray.do_not_disturb.isChecked()
    _say(qtbot, bob_kitchen, "PIZZA tonight")
    qtbot.waitUntil(lambda: _badge(main, kitchen) == (1, True), timeout=WAIT_MS)


def test_a_file_sent_alone_is_notified_by_its_name(qtbot, make_client, tmp_path) -> None:
    alice, kitchen, _lounge, bob_kitchen, _bob_lounge = _two_rooms(qtbot, make_client)
    main = alice.main
    notified: list[tuple[object, str, str]] = []
    main.attention.notify_requested.connect(lambda *args: notified.append(args))
    prefs.set_notify_level("Kitchen", prefs.NotifyLevel.ALL)
    sheet = tmp_path / "worksheet.txt"
    sheet.write_bytes(b"question 1\n")
    bob_kitchen.files.add_files([str(sheet)])  # no text with it
    qtbot.waitUntil(lambda: len(notified) == 1, timeout=WAIT_MS)
    assert notified == [(_key_of(main, kitchen), "bob in Kitchen", "sent a file: worksheet.txt")]
