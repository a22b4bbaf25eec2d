"""Frames to a plain TCP connection go straight to the kernel while Qt holds nothing."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QByteArray
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


class _FullSocket:
    """A socket whose kernel buffer is full (a pipe filled up) and Qt holds nothing."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.queued: list[object] = []

    def bytesToWrite(self) -> int:
        return 0

    def socketDescriptor(self) -> int:
        return self.descriptor

    def write(self, data: object) -> int:
        self.queued.append(data)
        return len(data)  # type: ignore[arg-type]


def test_a_frame_the_kernel_takes_none_of_goes_to_qt_as_it_is_not_a_copy() -> None:
    """A room's frame is one buffer that Qt shares among its members' sockets; a copy for
    each slow reader cost 2 to 4 MB of peak RSS in bench overload."""
    read_end, write_end = os.pipe()
    try:
        os.set_blocking(write_end, False)
        with contextlib.suppress(BlockingIOError):
            while True:
                os.write(write_end, b"x" * 65536)
        socket = _FullSocket(write_end)
        write = straight_writer(socket)  # type: ignore[arg-type]
        assert write is not None
        frame = QByteArray(b'{"type":"message"}\n' * 300)
        assert write(frame) == frame.size()
        assert len(socket.queued) == 1 and socket.queued[0] is frame
    finally:
        os.close(read_end)
        os.close(write_end)
