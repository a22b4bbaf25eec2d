"""The admin window over the shared `server` fixture, and helpers that click through it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow, open_admin_window
from app.server.admin.models import ROOM_ID_ROLE
from app.server.server import ChatServer

TIMEOUT_MS = 5_000


@pytest.fixture(autouse=True)
def server_logs_info(caplog: pytest.LogCaptureFixture) -> None:
    """Log `roomchat.*` at INFO, as `main.py` does by default (pytest restores the level)."""
    caplog.set_level(logging.INFO, logger="roomchat")


@pytest.fixture
def admin(qtbot: QtBot, server: ChatServer) -> Iterator[AdminWindow]:
    """The admin window, shown; closed (and the server shut down) after the test."""
    window = open_admin_window(server)
    qtbot.waitExposed(window.form)
    yield window
    if window.form.isVisible():
        window.form.close()
        if window.confirmation is not None:  # people are still connected: stop anyway
            yes = window.confirmation.button(QMessageBox.StandardButton.Yes)
            qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not window.form.isVisible(), timeout=TIMEOUT_MS)


def click_row(qtbot: QtBot, view: QAbstractItemView, row: int) -> None:
    index = view.model().index(row, 0)
    view.scrollTo(index)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )


def proxy_row(admin: AdminWindow, room_id: int) -> int:
    """The room's row as the (sorted) view shows it, or -1."""
    model = admin.rooms_view.model()
    for row in range(model.rowCount()):
        if model.index(row, 0).data(ROOM_ID_ROLE) == room_id:
            return row
    return -1


def select_room(qtbot: QtBot, admin: AdminWindow, room_id: int) -> None:
    click_row(qtbot, admin.rooms_view, proxy_row(admin, room_id))
    assert admin.selected_room_id() == room_id


def select_member(qtbot: QtBot, admin: AdminWindow, name: str) -> None:
    click_row(qtbot, admin.members_view, admin.members_model.names().index(name))
    assert admin.selected_member() == name


def answer(
    qtbot: QtBot, admin: AdminWindow, button: QPushButton, choice: QMessageBox.StandardButton
) -> str:
    """Click an action's button, then `choice` in the confirmation; returns the question."""
    with qtbot.waitSignal(admin.confirmation_opened, timeout=TIMEOUT_MS) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    box: QMessageBox = opened.args[0]
    assert box.isVisible()  # open(), not exec(): the test goes on while it is shown
    text = box.text()
    qtbot.mouseClick(box.button(choice), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: admin.confirmation is None, timeout=TIMEOUT_MS)
    return text
