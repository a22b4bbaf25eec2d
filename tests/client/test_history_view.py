"""A room's history in its window against a real server: scroll-back that keeps the
person's place, day lines, and Ctrl+F finding a message (further back with `search`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QApplication

from app.client.chat_models import EntryKind
from app.client.day_separators import day_label
from tests.client.conftest import WAIT_MS, activate, entered_chat, join_row, log_in
from tests.client.conftest import wait_for_room_row as room_row
from tests.client.seeding import seed_room

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _enter(qtbot, make_client, name: str):
    bob = make_client()
    log_in(qtbot, bob, "bob")
    join_row(qtbot, bob, room_row(qtbot, bob, name))
    chat = entered_chat(qtbot, bob, name)
    qtbot.waitUntil(lambda: chat.messages_view.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    return bob, chat


def _entries(chat):
    return [chat.messages.entry(row) for row in range(chat.messages.rowCount())]


def _said(chat) -> list[str]:
    return [e.text for e in _entries(chat) if e.kind in (EntryKind.MESSAGE, EntryKind.OWN)]


def _y_of(chat, text: str) -> int:
    row = next(r for r, e in enumerate(_entries(chat)) if e.text == text)
    return chat.messages_view.visualRect(chat.messages.index(row, 0)).top()


def _page_back(qtbot, chat) -> None:
    """Ctrl+Home in the message list (to its top, which asks for the page before)."""
    chat.messages_view.setFocus()
    qtbot.keyClick(chat.messages_view, Qt.Key.Key_Home, CTRL)
    scroll_back = chat.history.scroll_back
    qtbot.waitUntil(lambda: not scroll_back.waiting, timeout=WAIT_MS)


def test_scrolling_to_the_top_loads_older_pages_keeping_the_place(
    qtbot, make_client, login, server
) -> None:
    now = datetime.now().astimezone()
    said = [("carol", f"m{n}", now - timedelta(seconds=200 - n)) for n in range(1, 181)]
    seed_room(login, server, "Archive", said)
    _bob, chat = _enter(qtbot, make_client, "Archive")
    assert _said(chat) == [f"m{n}" for n in range(131, 181)]  # what `entered` brought
    bar = chat.messages_view.verticalScrollBar()
    bar.setValue(bar.minimum() + 1)  # just short of the top: nothing asked yet
    assert not chat.history.scroll_back.waiting
    before = _y_of(chat, "m131")
    chat.messages_view.setFocus()
    qtbot.keyClick(chat.messages_view, Qt.Key.Key_Home, CTRL)  # to the top
    assert _entries(chat)[0].kind == EntryKind.LOADING
    assert _entries(chat)[0].text == "Loading older messages…"
    qtbot.waitUntil(lambda: len(_said(chat)) == 100, timeout=WAIT_MS)
    assert abs(_y_of(chat, "m131") - before) <= 2  # the message at the top stayed put
    assert bar.value() > bar.minimum()
    assert _entries(chat)[0].kind != EntryKind.LOADING
    for _ in range(5):  # on to the beginning
        if chat.history.scroll_back.at_beginning:
            break
        _page_back(qtbot, chat)
    assert chat.history.scroll_back.at_beginning
    assert _said(chat) == [f"m{n}" for n in range(1, 181)]  # each once, in order
    assert _entries(chat)[0].kind == EntryKind.BEGINNING
    assert _entries(chat)[0].text == "Beginning of the conversation"
    assert [e.kind for e in _entries(chat)].count(EntryKind.BEGINNING) == 1


def test_messages_the_full_list_dropped_at_the_top_load_again(
    qtbot, make_client, login, server
) -> None:
    now = datetime.now().astimezone()
    seed_room(login, server, "Busy", [("carol", f"m{n}", now) for n in range(1, 56)])
    _bob, chat = _enter(qtbot, make_client, "Busy")
    _page_back(qtbot, chat)
    assert chat.history.scroll_back.at_beginning and _said(chat)[0] == "m1"
    chat.messages.max_entries = chat.messages.rowCount()  # full: each new entry drops one
    for n in range(4):  # dropping the beginning line, the day line, m1 and m2
        chat.connection.say(f"live {n}")
    qtbot.waitUntil(lambda: _said(chat)[-1:] == ["live 3"], timeout=WAIT_MS)
    assert _said(chat)[0] == "m3"
    chat.messages.max_entries = 1_000
    _page_back(qtbot, chat)
    assert _said(chat) == [f"m{n}" for n in range(1, 56)] + [f"live {n}" for n in range(4)]
    assert _entries(chat)[0].kind == EntryKind.BEGINNING


def test_day_lines_separate_the_days_also_in_pages_loaded_back(
    qtbot, make_client, login, server
) -> None:
    now = datetime.now().astimezone()
    days = [now - timedelta(days=3)] * 10 + [now - timedelta(days=1)] * 20 + [now] * 25
    said = [("carol", f"m{n}", when) for n, when in enumerate(days, 1)]
    seed_room(login, server, "Diary", said)
    _bob, chat = _enter(qtbot, make_client, "Diary")
    old_day = day_label(chat.messages.entry(0).when)  # the date, in the locale's long form
    assert old_day not in ("Today", "Yesterday") and str(now.year) in old_day

    def lines() -> list[tuple[str, str]]:
        """Each day line and the message just below it."""
        entries = _entries(chat)
        found = []
        for row, entry in enumerate(entries):
            if entry.kind == EntryKind.DAY:
                label = chat.messages.index(row, 0).data()
                found.append((label, entries[row + 1].text))
        return found

    assert lines() == [(old_day, "m6"), ("Yesterday", "m11"), ("Today", "m31")]
    _page_back(qtbot, chat)  # m1…m5, on the old day too: its line moves above m1
    assert _said(chat)[:6] == ["m1", "m2", "m3", "m4", "m5", "m6"]
    assert lines() == [(old_day, "m1"), ("Yesterday", "m11"), ("Today", "m31")]


def test_ctrl_f_finds_a_message_then_older_ones_the_server_finds(
    qtbot, make_client, login, server
) -> None:
    now = datetime.now().astimezone()
    texts = {5: "the needle in the hay", 45: "a NEEDLE here", 55: "another needle", 58: "숙제 끝"}
    said = [("carol", texts.get(n, f"m{n}"), now) for n in range(1, 61)]
    seed_room(login, server, "Haystack", said)
    bob, chat = _enter(qtbot, make_client, "Haystack")
    activate(qtbot, bob.main.form)
    chat.input_edit.setFocus()
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_F, CTRL)
    find = chat.history.find_bar
    assert find.bar.isVisible() and QApplication.focusWidget() is find.edit
    qtbot.keyClicks(find.edit, "needle")

    def shown() -> str:
        index = chat.messages_view.currentIndex()
        selected = chat.messages_view.selectionModel().isSelected(index)
        return str(index.data(Qt.ItemDataRole.DisplayRole)) if selected else ""

    assert shown() == "carol: another needle"  # the newest match first
    row = chat.messages_view.currentIndex().row()
    assert chat.delegate.selection == (row, 8, 14)  # the word itself highlighted
    assert find.status.full_text() == "1 of 2"
    qtbot.keyClick(find.edit, Qt.Key.Key_Return)  # the one before
    assert shown() == "carol: a NEEDLE here"
    qtbot.keyClick(find.edit, Qt.Key.Key_Return, SHIFT)  # and back
    assert shown() == "carol: another needle"
    qtbot.keyClick(find.edit, Qt.Key.Key_Return)
    assert find.server_button.isVisible()  # m5 is not held: the server may know older ones
    qtbot.keyClick(find.edit, Qt.Key.Key_Return)  # past the oldest held: ask the server
    qtbot.waitUntil(lambda: shown() == "carol: the needle in the hay", timeout=WAIT_MS)
    assert find.status.full_text() == "3 of 3"  # counted from the newest
    find.edit.clear()
    qtbot.keyClicks(find.edit, "")
    find.edit.insert("숙제")  # as an input method commits it
    assert shown() == "carol: 숙제 끝"
    qtbot.keyClick(find.edit, Qt.Key.Key_Escape)
    assert not find.bar.isVisible()


def test_day_lines_say_today_yesterday_and_the_date_in_korean(qtbot, korean) -> None:
    today = QDate(2026, 12, 2)

    def label(date: QDate) -> str:
        return day_label(QDateTime(date, QTime(12, 0)), today)

    assert (label(today), label(today.addDays(-1))) == ("오늘", "어제")
    assert label(QDate(2026, 11, 27)).startswith("2026년 11월 27일")


def test_ctrl_f_asks_the_server_past_a_page_of_matches_already_held(
    qtbot, make_client, login, server
) -> None:
    now = datetime.now().astimezone()
    texts = {3: "an old needle", **{n: f"needle {n}" for n in range(30, 55)}}
    said = [("carol", texts.get(n, f"m{n}"), now) for n in range(1, 61)]
    seed_room(login, server, "Sewing", said)
    bob, chat = _enter(qtbot, make_client, "Sewing")
    activate(qtbot, bob.main.form)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_F, CTRL)
    find = chat.history.find_bar
    qtbot.keyClicks(find.edit, "needle")
    assert find.status.full_text() == "1 of 25"
    for _ in range(24):
        qtbot.keyClick(find.edit, Qt.Key.Key_Return)
    assert find.status.full_text() == "25 of 25"
    qtbot.keyClick(find.edit, Qt.Key.Key_Return)  # the server's first page: all held here
    current = chat.messages_view.currentIndex
    qtbot.waitUntil(lambda: current().data() == "carol: an old needle", timeout=WAIT_MS)
    assert find.status.full_text() == "26 of 26"
