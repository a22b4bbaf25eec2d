"""The input line: Shift+Enter and pasted line breaks, the length counter, refused pastes;
and name colours that differ between the members of a room."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.client.chat_window import ChatWindow
from app.client.current_session import CurrentSession
from app.client.name_colors import (
    DARK_BACKGROUND,
    DARK_PALETTE,
    LIGHT_BACKGROUND,
    LIGHT_PALETTE,
    MIN_CONTRAST,
    PALETTE_SIZE,
    NameColors,
    contrast,
)
from app.shared.chat_text import TEXT_MAX
from app.shared.protocol import RoomSummary
from tests.client.conftest import (
    WAIT_MS,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def _pair(qtbot, make_client):
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    chat = create_room(qtbot, alice, "Lounge", capacity=3)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    bob_chat = entered_chat(qtbot, bob, "Lounge")
    qtbot.waitUntil(lambda: chat.members.names == ["alice", "bob"], timeout=WAIT_MS)
    return chat, bob_chat


def _last(chat) -> str:
    return chat.messages.entry(chat.messages.rowCount() - 1).text


def test_shift_enter_and_pasted_line_breaks_make_one_multi_line_message(qtbot, make_client) -> None:
    chat, bob_chat = _pair(qtbot, make_client)
    edit = chat.input_edit
    qtbot.keyClicks(edit, "one")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, "two")
    assert edit.toPlainText() == "one\ntwo"  # a newline, not sent yet
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _last(bob_chat) == "one\ntwo", timeout=WAIT_MS)
    assert edit.toPlainText() == ""
    QGuiApplication.clipboard().setText("pasted\r\nlines\nkept")
    qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
    assert edit.toPlainText() == "pasted\nlines\nkept"
    qtbot.keyClick(edit, Qt.Key.Key_Enter)  # the keypad's Enter sends too
    qtbot.waitUntil(lambda: _last(bob_chat) == "pasted\nlines\nkept", timeout=WAIT_MS)


def test_a_counter_shows_near_the_limit_and_a_longer_paste_is_refused(qtbot, make_client) -> None:
    chat, bob_chat = _pair(qtbot, make_client)
    edit, counter = chat.input_edit, chat.counter_label
    assert edit.limit == TEXT_MAX == 4_000
    edit.insertPlainText("x" * 3_599)
    assert not counter.isVisible()
    qtbot.keyClicks(edit, "y")
    assert counter.isVisible() and counter.text() == "3,600 / 4,000"
    edit.clear()
    assert not counter.isVisible()
    QGuiApplication.clipboard().setText("z" * 4_001)
    qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
    assert edit.toPlainText() == ""  # refused whole, not cut to 4,000
    assert chat.banner_label.isVisible() and "4,001" in chat.banner_label.text()
    assert "4,000" in chat.banner_label.text()
    edit.insertPlainText("a" * 3_990)
    QGuiApplication.clipboard().setText("b" * 11)  # 4,001 with what is there
    qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
    assert edit.toPlainText() == "a" * 3_990
    QGuiApplication.clipboard().setText("b" * 10)  # exactly 4,000 fits
    qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
    assert len(edit.toPlainText()) == 4_000 and counter.text() == "4,000 / 4,000"
    qtbot.keyClicks(edit, "c")  # typing stops at the limit too
    assert len(edit.toPlainText()) == 4_000
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(_last(bob_chat)) == 4_000, timeout=WAIT_MS)
    assert not chat.banner_label.isVisible()  # the refusal is old news once sent
    QGuiApplication.clipboard().setText("a\r\n" * 2_000)  # Windows line ends count as one
    qtbot.keyClick(edit, Qt.Key.Key_V, CTRL)
    assert edit.toPlainText() == "a\n" * 2_000


def test_twenty_members_get_distinct_colours_while_the_palette_suffices(qtbot) -> None:
    room = RoomSummary(1, "Lounge", 4001, 0, 30, False, "alice", "2024-01-01T00:00:00Z")
    chat = ChatWindow(room, CurrentSession())
    names = [f"member{number}" for number in range(20)]
    chat._set_members(names[:16])  # as the room's members arrive
    colours = {chat.delegate.sender_color(name).name() for name in names[:16]}
    assert len(colours) == 16  # 16 present, 16 colours: none shared
    chat._set_members(names)  # 20 present: shared as little as can be
    slots = [chat.colors.slot(name) for name in names]
    assert set(slots) == set(range(PALETTE_SIZE)) and max(map(slots.count, slots)) == 2
    chat._set_members(names[4:])  # four leave: the 16 left share none
    assert len({chat.colors.slot(name) for name in names[4:]}) == 16
    chat.leave()
    chat.deleteLater()


def test_colours_stay_put_and_read_on_light_and_dark_backgrounds() -> None:
    colors = NameColors()
    colors.update(["alice", "bob"])
    before = colors.slot("alice"), colors.slot("bob")
    colors.update(["alice", "bob", "carol", "dave"])
    assert (colors.slot("alice"), colors.slot("bob")) == before  # newcomers do not shuffle
    for palette, background in ((LIGHT_PALETTE, LIGHT_BACKGROUND), (DARK_PALETTE, DARK_BACKGROUND)):
        assert len({color.name() for color in palette}) == PALETTE_SIZE
        assert all(contrast(color, background) >= MIN_CONTRAST for color in palette)
        hues = sorted(color.hslHue() for color in palette)
        assert min(b - a for a, b in pairwise(hues)) >= 20  # well apart
