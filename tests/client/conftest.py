"""Client fixtures: isolated settings, clients pointed at the test server, typing helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.client.chat_window import ChatWindow
from app.client.client_app import ClientApp
from app.server.server import ChatServer
from tests.conftest import PASSWORD

WAIT_MS = 5_000


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Iterator[Path]:
    """Point every QSettings file at a fresh folder, so tests never touch the person's."""
    folder = tmp_path / "settings"
    for settings_format in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(settings_format, scope, str(folder))
    yield folder


@pytest.fixture
def start_client(qtbot: QtBot) -> Iterator[Callable[..., ClientApp]]:
    """Start a client (its login window shown) pointed at 127.0.0.1:`port`; keyword options
    (`tls`, `ca_certificates`) go to `ClientApp`."""
    clients: list[ClientApp] = []

    def start(port: int, **options: Any) -> ClientApp:
        client = ClientApp("127.0.0.1", port, **options)
        clients.append(client)
        client.start()
        qtbot.waitExposed(client.login.form)
        return client

    yield start
    for client in clients:
        client.shutdown()
        client.login.form.deleteLater()
        client.main.form.deleteLater()
        client.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def make_client(
    start_client: Callable[..., ClientApp], server: ChatServer
) -> Callable[..., ClientApp]:
    """Start a client (its login window shown) pointed at the test server."""

    def start(port: int | None = None, **options: Any) -> ClientApp:
        return start_client(server.port if port is None else port, **options)

    return start


def type_into(qtbot: QtBot, widget, text: str) -> None:
    widget.clear()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:  # QTest types Latin-1 only; Korean arrives as an input method would put it
        widget.insert(text)


def submit_login(
    qtbot: QtBot, client: ClientApp, name: str, password: str = PASSWORD, sign_up: bool = True
) -> None:
    """Type the name and password into the login window and click (without waiting)."""
    login = client.login
    type_into(qtbot, login.name_edit, name)
    type_into(qtbot, login.password_edit, password)
    button = login.sign_up_button if sign_up else login.login_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def log_in(
    qtbot: QtBot, client: ClientApp, name: str, password: str = PASSWORD, sign_up: bool = True
) -> None:
    """Type the name and password into the login window, click, wait for the lobby."""
    submit_login(qtbot, client, name, password, sign_up)
    qtbot.waitUntil(
        lambda: client.lobby.connected and client.main.form.isVisible(), timeout=WAIT_MS
    )


def create_room(
    qtbot: QtBot, client: ClientApp, name: str, capacity: int = 2, password: str | None = None
) -> ChatWindow:
    """Create a room through the real dialog; returns its chat window once entered."""
    lobby = client.lobby
    qtbot.mouseClick(lobby.create_button, Qt.MouseButton.LeftButton)
    dialog = lobby.create_dialog
    assert dialog is not None
    type_into(qtbot, dialog.name_edit, name)
    dialog.capacity_spin.setValue(capacity)
    if password is not None:
        qtbot.mouseClick(dialog.private_check, Qt.MouseButton.LeftButton)
        type_into(qtbot, dialog.password_edit, password)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _entered_chat(client, name) is not None, timeout=WAIT_MS)
    chat = _entered_chat(client, name)
    assert chat is not None
    return chat


def _entered_chat(client: ClientApp, room_name: str) -> ChatWindow | None:
    for chat in client.lobby.chats.values():
        if chat.room.name == room_name and chat.connected:
            return chat
    return None


def wait_for_room_row(qtbot: QtBot, client: ClientApp, room_name: str) -> int:
    """Wait until the lobby's table shows `room_name`; return its row."""
    model = client.lobby.model

    def row() -> int | None:
        for index in range(model.rowCount()):
            if model.index(index, 0).data() == room_name:
                return index
        return None

    qtbot.waitUntil(lambda: row() is not None, timeout=WAIT_MS)
    found = row()
    assert found is not None
    return found


def join_row(qtbot: QtBot, client: ClientApp, row: int) -> None:
    """Select a row of the lobby's table and click Join."""
    lobby = client.lobby
    lobby.view.setCurrentIndex(lobby.model.index(row, 0))
    qtbot.mouseClick(lobby.join_button, Qt.MouseButton.LeftButton)


def entered_chat(qtbot: QtBot, client: ClientApp, room_name: str) -> ChatWindow:
    qtbot.waitUntil(lambda: _entered_chat(client, room_name) is not None, timeout=WAIT_MS)
    chat = _entered_chat(client, room_name)
    assert chat is not None
    return chat


def activate(qtbot: QtBot, window) -> None:
    """Bring `window` to the front as a click on it would (shortcuts act on the active one)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)


def answer(qtbot: QtBot, main, yes: bool) -> str:
    """Answer the main window's open question (Log out? Quit?) by clicking; returns its text."""
    box = main.confirmation
    assert box is not None and box.isVisible()
    text = box.text()
    button = QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.Cancel
    qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: main.confirmation is None, timeout=WAIT_MS)
    return text
