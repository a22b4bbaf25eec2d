"""Ctrl+Shift+F against a real server: search every room one may read, then open a result
in its room (entering it again if need be), scrolled back to the message, highlighted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.client.search_results import EMPHASIS_ROLE, HEADER_ROLE, SNIPPET_ROLE
from tests.client.conftest import (
    WAIT_MS,
    activate,
    create_room,
    entered_chat,
    join_row,
    log_in,
    wait_for_room_row,
)
from tests.client.seeding import seed_room

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
HOMEWORK = "내일 숙제는 수학 문제집 12쪽"


@pytest.mark.server_config(persistent_rooms="everyone")
def test_ctrl_shift_f_finds_a_korean_word_and_opens_its_room_at_the_message(
    qtbot, make_client, login, server
) -> None:
    long_ago = datetime.now().astimezone() - timedelta(days=2)
    said = [("carol", f"m{n}", long_ago + timedelta(seconds=n)) for n in range(1, 121)]
    said[2] = ("carol", HOMEWORK, said[2][2])  # seq 3: far older than `entered` brings
    room = seed_room(login, server, "Class 3-A", said, persistent=True)
    bob = make_client()
    log_in(qtbot, bob, "bob")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Class 3-A"))
    class_room = entered_chat(qtbot, bob, "Class 3-A")  # entered once: bob may search it
    qtbot.mouseClick(class_room.leave_button, Qt.MouseButton.LeftButton)
    lounge = create_room(qtbot, bob, "Lounge")
    lounge.connection.say("숙제 다 했어?")  # newer: listed first
    qtbot.waitUntil(lambda: lounge.messages.last_seq == 1, timeout=WAIT_MS)

    main = bob.main
    activate(qtbot, main.form)
    qtbot.keyClick(QApplication.focusWidget() or main.form, Qt.Key.Key_F, CTRL_SHIFT)
    search = main.search
    assert search.form.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is search.query_edit, timeout=WAIT_MS)
    search.query_edit.insert("숙제")  # as an input method commits it (QTest types Latin-1)
    qtbot.waitUntil(lambda: search.results.rowCount() == 2, timeout=WAIT_MS)
    first, second = (search.results.index(row, 0) for row in range(2))
    assert first.data(HEADER_ROLE).startswith("Lounge · bob · ")
    assert second.data(HEADER_ROLE).startswith("Class 3-A · carol · ")
    assert second.data(SNIPPET_ROLE) == HOMEWORK
    assert second.data(EMPHASIS_ROLE) == ((3, 2),)  # 숙제, emphasised
    assert search.view.currentIndex().row() == 0
    qtbot.keyClick(search.query_edit, Qt.Key.Key_Down)
    qtbot.keyClick(search.query_edit, Qt.Key.Key_Return)
    assert not search.form.isVisible()

    def reopened():
        chat = bob.lobby.joiner.chat_for(room["id"])
        return chat if chat is not None and chat.connected else None

    qtbot.waitUntil(lambda: reopened() is not None, timeout=WAIT_MS)
    chat = reopened()
    view = chat.messages_view
    qtbot.waitUntil(lambda: view.currentIndex().data() == f"carol: {HOMEWORK}", timeout=WAIT_MS)
    assert view.selectionModel().isSelected(view.currentIndex())
    assert chat.delegate.selection == (view.currentIndex().row(), 3, 5)
    assert main.current_key() == bob.lobby.joiner.key(room["id"])
    assert view.visualRect(view.currentIndex()).intersects(view.viewport().rect())
