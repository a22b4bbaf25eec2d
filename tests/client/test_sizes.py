"""Window sizes: wrapped errors get their lines, names never set a minimum size, defaults fit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from app.client import texts
from app.client.rooms_model import Column
from app.shared.protocol import ErrorCode, ErrorReply
from tests.client.conftest import (
    WAIT_MS,
    create_room,
    entered_chat,
    join_row,
    log_in,
    type_into,
    wait_for_room_row,
)
from tests.plain_text import shown

ROOT = Path(__file__).resolve().parents[2]


def minimum_width(window: QWidget) -> int:
    """How narrow the window may get: its own minimum, else its layout's."""
    return max(window.minimumWidth(), window.minimumSizeHint().width())


def fully_shown(label: QLabel) -> bool:
    """The word-wrapped label has the height its text needs at its width."""
    return label.height() >= label.heightForWidth(label.width())


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_password_dialogs_error_gets_every_line_it_needs(
    qtbot, make_client, request, language: str
) -> None:
    room = "The quarterly planning room of team"
    if language == "ko":
        request.getfixturevalue("korean")
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    create_room(qtbot, alice, room, capacity=3, password="sesame")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, room))
    dialog = bob.lobby.password_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog.form)
    type_into(qtbot, dialog.password_edit, "wrong")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    label = dialog.error_label
    qtbot.waitUntil(label.isVisible, timeout=WAIT_MS)
    assert label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing() * 2  # 2 lines
    qtbot.waitUntil(lambda: fully_shown(label), timeout=WAIT_MS)


def test_a_banner_without_its_reconnect_button_stays_as_tall_as_its_text(
    qtbot, make_client, server
) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, "alice")
    log_in(qtbot, bob, "bob")
    create_room(qtbot, alice, "Lounge", capacity=3)
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, "Lounge"))
    chat = entered_chat(qtbot, bob, "Lounge")
    assert server.kick(chat.room_id, "bob")
    qtbot.waitUntil(chat.banner_label.isVisible, timeout=WAIT_MS)
    assert not chat.reconnect_button.isVisible()
    banner = chat.banner_label
    assert banner.height() == banner.heightForWidth(banner.width())  # one line, not ~200 px


@pytest.mark.parametrize("language", ["en", "ko"])
def test_at_900_px_with_people_open_the_room_name_is_shown_whole(
    qtbot, make_client, request, language: str
) -> None:
    if language == "ko":
        request.getfixturevalue("korean")
    alice = make_client()
    log_in(qtbot, alice, "alice")
    chat = create_room(qtbot, alice, "Homework help", capacity=6)
    main = alice.main.form
    main.resize(900, 520)  # the README's screenshot size
    dock = main.findChild(QDockWidget, "peopleDock")
    qtbot.waitUntil(lambda: main.width() == 900 and dock.isVisible(), timeout=WAIT_MS)
    room_label = chat.form.findChild(QLabel, "roomLabel")
    qtbot.waitUntil(lambda: room_label.text() == "Homework help", timeout=WAIT_MS)
    assert room_label.toolTip() == ""  # not elided
    assert chat.info_label.width() >= room_label.width() // 2  # the details stay readable too
    assert chat.messages_view.width() >= 300  # the People panel leaves the messages room


LONG_ROOM = "R" * 64  # the longest room name, without a space to wrap at
LONG_NAME = "W" * 32  # the longest account name, in wide letters


def _minimum_widths(qtbot, make_client, owner: str, member: str, room: str) -> dict[str, int]:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, owner)
    log_in(qtbot, bob, member)
    create_room(qtbot, alice, room, capacity=3, password="sesame")
    join_row(qtbot, bob, wait_for_room_row(qtbot, bob, room))
    dialog = bob.lobby.password_dialog
    assert dialog is not None
    type_into(qtbot, dialog.password_edit, "wrong")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=WAIT_MS)  # it names the room
    password = minimum_width(dialog.form)
    type_into(qtbot, dialog.password_edit, "sesame")
    qtbot.mouseClick(dialog.join_button, Qt.MouseButton.LeftButton)
    chat = entered_chat(qtbot, bob, room)
    qtbot.waitUntil(lambda: len(chat.members.names) == 2, timeout=WAIT_MS)
    full = texts.request_error(ErrorReply(ErrorCode.ROOM_FULL, ""), room)  # names the room
    chat.show_problem(full)
    bob.lobby.notify(full)
    return {
        "chat": minimum_width(chat.form),
        "lobby": minimum_width(bob.lobby.form),
        "main": minimum_width(bob.main.form),
        "password": password,
    }


def test_no_window_is_made_wider_by_a_long_name(qtbot, make_client) -> None:
    short = _minimum_widths(qtbot, make_client, "ann", "bob", "R")
    long = _minimum_widths(qtbot, make_client, LONG_NAME, "V" * 32, LONG_ROOM)
    assert long == short


def test_long_names_are_elided_with_the_whole_in_a_tooltip(qtbot, make_client) -> None:
    alice, bob = make_client(), make_client()
    log_in(qtbot, alice, LONG_NAME)
    log_in(qtbot, bob, "V" * 32)
    create_room(qtbot, alice, LONG_ROOM, capacity=3)
    row = wait_for_room_row(qtbot, bob, LONG_ROOM)
    lobby = bob.lobby
    bob.main.form.resize(700, 400)  # the lobby's pane is narrower still
    view = lobby.view
    index = lobby.model.index(row, Column.NAME)
    qtbot.waitUntil(
        lambda: view.visualRect(index).width() < view.fontMetrics().horizontalAdvance(LONG_ROOM),
        timeout=WAIT_MS,
    )
    assert LONG_ROOM in shown(index.data(Qt.ItemDataRole.ToolTipRole), Qt.TextFormat.AutoText)
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    join_row(qtbot, bob, row)
    chat = entered_chat(qtbot, bob, LONG_ROOM)
    qtbot.waitUntil(lambda: len(chat.members.names) == 2, timeout=WAIT_MS)
    bob.main.form.resize(bob.main.form.minimumSizeHint().width(), 400)  # the room's a pane
    room_label = chat.form.findChild(QLabel, "roomLabel")
    qtbot.waitUntil(lambda: room_label.text().endswith("…"), timeout=WAIT_MS)
    assert LONG_ROOM in shown(room_label.toolTip(), Qt.TextFormat.AutoText)
    members = chat.members_view
    assert not members.horizontalScrollBar().isVisible()
    assert members.horizontalScrollBar().maximum() == 0  # nothing to scroll to either
    first = chat.members.index(0)
    assert members.visualRect(first).width() <= members.viewport().width()
    assert "V" * 32 in shown(first.data(Qt.ItemDataRole.ToolTipRole), Qt.TextFormat.AutoText)


@pytest.mark.parametrize("scale", ["1", "2"])
def test_every_window_opens_inside_the_available_screen(tmp_path: Path, scale: str) -> None:
    # A 1600 × 900 screen: at 2× its available area is 800 × 450 in Qt's scaled pixels.
    config = tmp_path / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": 1600, "height": 900}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=scale)
    result = subprocess.run(
        [sys.executable, "-m", "tests.client.screen_probe", str(tmp_path / "chat.sqlite3")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) == {"login", "main", "chat", "password", "create_room", "admin"}
    for name, place in report.items():
        x, y, width, height = place["frame"]
        ax, ay, aw, ah = place["area"]
        assert (aw, ah) == (1600 // int(scale), 900 // int(scale))
        assert ax <= x and ay <= y and x + width <= ax + aw and y + height <= ay + ah, name
