"""A scripted main port for client tests: a QTcpServer that greets and answers as told."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtNetwork import QHostAddress, QTcpServer, QTcpSocket

from app.shared.protocol import LineBuffer, RoomSummary, encode_object

Answer = Callable[[dict[str, Any]], list[bytes]]


def line(**fields: Any) -> bytes:
    """One frame, as a server would write it."""
    return encode_object(fields)


def room(room_id: int, name: str, members: int = 0) -> RoomSummary:
    return RoomSummary(room_id, name, 40_000 + room_id, members, 5, False, "carol", "t")


class FakeServer:
    """Greets each connection with `welcome` (written as given) and writes back what
    `answer(request)` returns for each request line it receives."""

    def __init__(self, welcome: bytes, answer: Answer) -> None:
        self.welcome = welcome
        self.answer = answer
        self.requests: list[dict[str, Any]] = []
        self.server = QTcpServer()
        assert self.server.listen(QHostAddress("127.0.0.1"), 0)
        self.port = self.server.serverPort()
        self.sockets: list[QTcpSocket] = []
        self.server.newConnection.connect(self._on_server_new_connection)

    def _on_server_new_connection(self) -> None:
        socket = self.server.nextPendingConnection()
        self.sockets.append(socket)
        buffer = LineBuffer()

        def on_ready_read() -> None:
            for raw in buffer.feed(bytes(socket.readAll().data())):
                request = json.loads(raw)
                self.requests.append(request)
                for data in self.answer(request):
                    socket.write(data)

        socket.readyRead.connect(on_ready_read)
        socket.write(self.welcome)

    def close(self) -> None:
        for socket in self.sockets:
            socket.abort()
        self.server.close()
