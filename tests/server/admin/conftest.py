"""The admin window over a server core on its own thread, as `main.py` runs them, and
helpers that click through it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.server.admin import AdminWindow, CoreThread, open_admin_window
from app.server.admin.models import ROOM_ID_ROLE
from app.server.server import ChatServer
from tests.conftest import base_config

TIMEOUT_MS = 5_000


@dataclass(frozen=True)
class ListeningCore:
    """A running core seen from the test's (the window's) thread: its port and its bridge.
    The `ChatServer` itself lives on the core thread, out of the test's reach."""

    core: CoreThread
    address: str

    @property
    def port(self) -> int:
        return int(self.address.rsplit(":", 1)[1])


@pytest.fixture(autouse=True)
def server_logs_info(caplog: pytest.LogCaptureFixture) -> None:
    """Log `roomchat.*` at INFO, as `main.py` does by default (pytest restores the level)."""
    caplog.set_level(logging.INFO, logger="roomchat")


@pytest.fixture
def core(request: pytest.FixtureRequest, db_path: str) -> Iterator[CoreThread]:
    """A listening server on a thread of its own (`@pytest.mark.server_config(...)` sets
    it up); shut down and joined after the test."""
    marker = request.node.get_closest_marker("server_config")
    config = base_config(db_path, **(dict(marker.kwargs) if marker else {}))
    running = CoreThread(lambda parent: ChatServer(config, parent))
    running.start()
    try:
        assert running.listen() is not None
        yield running
    finally:
        running.stop()


@pytest.fixture
def server(core: CoreThread) -> ListeningCore:
    """What the shared `connect` and `login` fixtures need of the server: its port."""
    return ListeningCore(core, core.bridge.address)


@pytest.fixture
def admin(qtbot: QtBot, core: CoreThread) -> Iterator[AdminWindow]:
    """The admin window, shown and showing the server; closed (and the server shut down)
    after the test."""
    window = open_admin_window(core.bridge)
    qtbot.waitExposed(window.form)
    qtbot.waitUntil(lambda: window.synced, timeout=TIMEOUT_MS)
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
    """Wait until the window shows the room (its row comes by a queued signal), click it."""
    qtbot.waitUntil(lambda: proxy_row(admin, room_id) >= 0, timeout=TIMEOUT_MS)
    click_row(qtbot, admin.rooms_view, proxy_row(admin, room_id))
    assert admin.selected_room_id() == room_id


def select_member(qtbot: QtBot, admin: AdminWindow, name: str) -> None:
    qtbot.waitUntil(lambda: name in admin.members_model.names(), timeout=TIMEOUT_MS)
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
