"""The client shows room names, owners, messages and server texts literally, never as rich text."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.client.chat_models import TEXT_ROLE
from app.client.chat_window import ChatWindow
from app.client.client_app import ClientApp
from app.client.current_session import CurrentSession
from app.server.server import ChatServer
from app.shared.protocol import RoomSummary
from tests.client.conftest import (
    WAIT_MS,
    entered_chat,
    join_row,
    log_in,
    submit_login,
    type_into,
    wait_for_room_row,
)
from tests.plain_text import (
    HOSTILE,
    check_labels,
    check_model_tooltips,
    check_widget_tooltips,
    labels_in,
)
from tests.server.test_rooms import create, enter, join
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
ROOM_PASSWORD = "sesame"
# A room as a hostile server lists it: its name and its owner are HTML.
HOSTILE_ROOM = {
    "id": 1,
    "name": HOSTILE,
    "port": 1,
    "members": 0,
    "capacity": 5,
    "locked": False,
    "owner": HOSTILE,
    "created_at": "2024-01-01T00:00:00Z",
}


def showing(widget: QWidget) -> set[str]:
    """Check every label and tooltip of `widget`; the names of the labels showing HOSTILE."""
    check_widget_tooltips([widget])
    return {label.objectName() for label in check_labels(labels_in([widget]))}


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_lobby_password_dialog_and_chat_window_show_hostile_names_as_written(
    qtbot: QtBot, make_client, login: Login, connect: Connect, server: ChatServer
) -> None:
    mallory, bob = login("mallory"), login("bob")
    locked, _ = create(mallory, HOSTILE, capacity=4, password=ROOM_PASSWORD)
    full, ticket = create(mallory, "Full " + HOSTILE, capacity=2)
    enter(connect, full, ticket)
    join(connect, bob, full)
    client: ClientApp = make_client()
    log_in(qtbot, client, "alice")
    lobby = client.lobby
    wait_for_room_row(qtbot, client, locked["name"])
    showing(lobby.form)
    check_model_tooltips(lobby.model, "lobby rooms")

    # "The room “Full <h1 …” is full." in the lobby's banner.
    full_index = lobby.model.index(wait_for_room_row(qtbot, client, full["name"]), 0)
    center = lobby.view.visualRect(full_index).center()
    qtbot.mouseClick(lobby.view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(lobby.view.viewport(), Qt.MouseButton.LeftButton, pos=center)  # Join is off
    qtbot.waitUntil(lambda: lobby.notice_label.isVisible(), timeout=WAIT_MS)
    assert "noticeLabel" in showing(lobby.form)

    # The password dialog names the room, and names it again when the password is wrong.
    join_row(qtbot, client, wait_for_room_row(qtbot, client, locked["name"]))
    qtbot.waitUntil(lambda: lobby.password_dialog is not None, timeout=WAIT_MS)
    dialog = lobby.password_dialog
    assert dialog is not None
    assert "promptLabel" in showing(dialog.form)
    type_into(qtbot, dialog.password_edit, "not the password")
    click(qtbot, dialog.join_button)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
    assert showing(dialog.form) >= {"promptLabel", "errorLabel"}
    type_into(qtbot, dialog.password_edit, ROOM_PASSWORD)
    click(qtbot, dialog.join_button)

    chat = entered_chat(qtbot, client, HOSTILE)
    qtbot.keyClicks(chat.input_edit, HOSTILE)
    qtbot.keyClick(chat.input_edit, Qt.Key.Key_Return)
    model = chat.messages
    qtbot.waitUntil(
        lambda: any(model.index(row).data(TEXT_ROLE) == HOSTILE for row in range(model.rowCount())),
        timeout=WAIT_MS,
    )
    assert HOSTILE in chat.form.windowTitle()  # window titles are plain text
    chat.form.resize(1600, 500)  # room for the whole name: a narrower window elides it
    room_label = chat.form.findChild(QLabel, "roomLabel")
    qtbot.waitUntil(lambda: not room_label.text().endswith("…"), timeout=WAIT_MS)
    assert "roomLabel" in showing(chat.form)
    check_model_tooltips(chat.messages, "messages")
    check_model_tooltips(chat.members, "members")


class HostileServer:
    """Greets like a RoomChat server, logs anyone in with a room whose name and owner are
    HTML, and refuses every other request with an unknown code and an HTML `message`."""

    def __init__(self) -> None:
        self.listener = QTcpServer()
        assert self.listener.listen(QHostAddress("127.0.0.1"), 0)
        self.port = self.listener.serverPort()
        self.sockets: list[QTcpSocket] = []
        self.listener.newConnection.connect(self._on_listener_new_connection)

    def _on_listener_new_connection(self) -> None:
        while self.listener.hasPendingConnections():
            socket = self.listener.nextPendingConnection()
            self.sockets.append(socket)
            socket.readyRead.connect(lambda s=socket: self._answer(s))
            self._send(socket, type="welcome", version=1, server="x", registration=True)

    def _answer(self, socket: QTcpSocket) -> None:
        while socket.canReadLine():
            request = json.loads(socket.readLine().data())
            if request.get("type") == "login":
                reply = {"type": "logged_in", "name": request["name"], "rooms": [HOSTILE_ROOM]}
            else:
                reply = {"type": "error", "code": "future_code", "message": HOSTILE}
            self._send(socket, **reply, id=request.get("id"))

    @staticmethod
    def _send(socket: QTcpSocket, **frame: object) -> None:
        socket.write(json.dumps(frame).encode() + b"\n")


@pytest.fixture
def hostile_server() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    for socket in server.sockets:
        socket.abort()
    server.listener.close()


def test_server_texts_and_owners_show_as_written(
    qtbot: QtBot, start_client, hostile_server: HostileServer
) -> None:
    client: ClientApp = start_client(hostile_server.port)
    login = client.login
    submit_login(qtbot, client, "alice")  # signing up: the server refuses with HOSTILE
    qtbot.waitUntil(lambda: login.error_label.isVisible() and not login.busy, timeout=WAIT_MS)
    assert "errorLabel" in showing(login.form)

    log_in(qtbot, client, "alice", sign_up=False)
    lobby = client.lobby
    row = wait_for_room_row(qtbot, client, HOSTILE)
    showing(lobby.form)
    check_model_tooltips(lobby.model, "lobby rooms")
    join_row(qtbot, client, row)
    qtbot.waitUntil(lambda: lobby.notice_label.isVisible(), timeout=WAIT_MS)
    assert "noticeLabel" in showing(lobby.form)

    click(qtbot, lobby.create_button)
    dialog = lobby.create_dialog
    assert dialog is not None
    type_into(qtbot, dialog.name_edit, "Lounge")
    click(qtbot, dialog.create_button)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
    assert "errorLabel" in showing(dialog.form)


def test_the_chat_info_line_shows_a_hostile_owner_as_written(qtbot: QtBot) -> None:
    chat = ChatWindow(RoomSummary.from_wire(HOSTILE_ROOM), CurrentSession(), None)
    chat.show()
    qtbot.waitExposed(chat.form)
    chat.form.resize(2000, 500)  # room for the whole name and owner: else they are elided
    labels = [chat.form.findChild(QLabel, name) for name in ("roomLabel", "roomInfoLabel")]
    qtbot.waitUntil(lambda: not any(label.text().endswith("…") for label in labels))
    assert {"roomLabel", "roomInfoLabel"} <= showing(chat.form)
    chat.form.close()
