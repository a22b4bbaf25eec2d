"""Frames to a plain TCP connection go straight to the kernel while Qt holds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtNetwork import QHostAddress, QSslSocket, QTcpServer, QTcpSocket

from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.straight_writes import straight_writer


@pytest.fixture
def pair(qtbot: Any) -> Iterator[tuple[Connection, QTcpSocket]]:
    server = QTcpServer()
    assert server.listen(QHostAddress.SpecialAddress.LocalHost, 0)
    client = QTcpSocket()
    client.connectToHost(QHostAddress.SpecialAddress.LocalHost, server.serverPort())
    qtbot.waitUntil(server.hasPendingConnections, timeout=2000)
    accepted = server.nextPendingConnection()
    connection = Connection(accepted, frozenset({"ping"}), ServerConfig(db_path=":memory:"))
    yield connection, client
    connection.abort("test over")
    client.abort()
    server.close()


def received(qtbot: Any, client: QTcpSocket, size: int) -> bytes:
    qtbot.waitUntil(lambda: client.bytesAvailable() >= size, timeout=2000)
    return bytes(client.readAll().data())


def test_a_small_frame_never_enters_qts_buffer(qtbot: Any, pair: Any) -> None:
    """Qt would copy it into a 32 KiB chunk that the socket then keeps for good: about
    19 kB of RSS for every idle connection (bench idle)."""
    connection, client = pair
    frame = b'{"type":"pong"}\n'
    connection.send_bytes(frame)
    assert connection._socket.bytesToWrite() == 0  # the kernel took it, before any turn
    assert received(qtbot, client, len(frame)) == frame


def test_once_qt_holds_some_the_rest_goes_behind_it_in_order(qtbot: Any, pair: Any) -> None:
    connection, client = pair
    connection._socket.write(b"first\n")  # Qt holds it until the event loop turns
    connection.send_bytes(b"second\n")
    assert connection._socket.bytesToWrite() == len(b"first\nsecond\n")
    assert received(qtbot, client, 13) == b"first\nsecond\n"


def test_tls_is_left_to_qt() -> None:
    assert straight_writer(QSslSocket()) is None
