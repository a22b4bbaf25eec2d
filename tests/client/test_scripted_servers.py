"""The client against scripted servers: a protocol it does not speak, an over-long line,
a room list sent in pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.client.client_app import ClientApp
from app.shared.protocol import LoggedIn, RoomAdded, RoomList, RoomUpdated, encode
from tests.client.conftest import WAIT_MS, log_in, submit_login
from tests.client.fake_server import Answer, FakeServer, line, room

WELCOME = line(type="welcome", version=1, server="Fake 1", registration=True)

Start = Callable[[bytes, Answer], tuple[FakeServer, ClientApp]]


@pytest.fixture
def scripted(start_client: Callable[..., ClientApp]) -> Iterator[Start]:
    servers: list[FakeServer] = []

    def start(welcome: bytes, answer: Answer) -> tuple[FakeServer, ClientApp]:
        fake = FakeServer(welcome, answer)
        servers.append(fake)
        return fake, start_client(fake.port)

    yield start
    for fake in servers:
        fake.close()


def _silent(_request: dict[str, Any]) -> list[bytes]:
    return []


def test_a_server_speaking_another_protocol_version_is_refused(qtbot, scripted) -> None:
    welcome = line(type="welcome", version=2, server="RoomChat 9", registration=True)
    fake, client = scripted(welcome, _silent)
    submit_login(qtbot, client, "alice", sign_up=False)
    login = client.login
    qtbot.waitUntil(lambda: login.error_label.isVisible(), timeout=WAIT_MS)
    assert "version of the RoomChat protocol" in login.error_label.text()
    assert login.login_button.isEnabled() and not client.main.form.isVisible()
    assert fake.requests == []  # the password never went to that server


def test_a_line_over_the_limit_from_the_server_ends_the_login_with_a_reason(
    qtbot, scripted
) -> None:
    def answer(request: dict[str, Any]) -> list[bytes]:
        if request["type"] != "login":
            return []
        head, tail = b'{"type":"logged_in","pad":"', b'"}\n'
        return [head + b"x" * (70_000 - len(head) - len(tail)) + tail]

    _fake, client = scripted(WELCOME, answer)
    submit_login(qtbot, client, "alice", sign_up=False)
    login = client.login
    qtbot.waitUntil(lambda: login.error_label.isVisible(), timeout=WAIT_MS)
    assert "longer than the protocol allows" in login.error_label.text()
    assert login.login_button.isEnabled() and not client.main.form.isVisible()


def _paged(request: dict[str, Any]) -> list[bytes]:
    """A server whose lists hold one room, the others following as room_added."""
    first, others = room(1, "Attic"), [room(2, "Bakery"), room(3, "Cellar")]
    rid = request.get("id")
    if request["type"] == "login":
        frames = [encode(LoggedIn("alice", (first,), True, rid))]
    elif request["type"] == "list_rooms":
        frames = [encode(RoomList((first,), True, rid))]
    else:
        return []
    frames += [encode(RoomAdded(other)) for other in others]
    # then a change the test can wait for: the list and its pages have all arrived
    return [*frames, encode(RoomUpdated(room(1, "Attic", members=len(frames))))]


def test_a_paged_room_list_shows_every_room_and_a_refresh_keeps_the_selection(
    qtbot, scripted
) -> None:
    _fake, client = scripted(WELCOME, _paged)
    log_in(qtbot, client, "alice", sign_up=False)
    lobby, model = client.lobby, client.lobby.model

    def names() -> list[str]:
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    qtbot.waitUntil(lambda: model.index(0, 1).data() == "3 / 5", timeout=WAIT_MS)
    assert names() == ["Attic", "Bakery", "Cellar"]
    assert lobby.window.statusBar().currentMessage() == "Rooms open: 3"
    lobby.view.setCurrentIndex(model.index(2, 0))  # the person picks Cellar
    updated = []
    model.dataChanged.connect(lambda *_args: updated.append(model.index(0, 1).data()))
    qtbot.mouseClick(lobby.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "3 / 5" in updated, timeout=WAIT_MS)
    assert names() == ["Attic", "Bakery", "Cellar"]
    assert lobby.view.currentIndex().data() == "Cellar"
