"""The client's connections against a scripted peer: framing, pings, closing codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QTcpServer, QTcpSocket

from app.client.session import MainSession, RoomConnection
from app.shared.protocol import (
    ClientFailure,
    ListRooms,
    Ping,
    Pong,
    RoomList,
    RoomSummary,
)
from tests.client.conftest import WAIT_MS


class Peer:
    """A one-connection QTcpServer whose socket the test writes to and reads from."""

    def __init__(self) -> None:
        self.server = QTcpServer()
        assert self.server.listen(QHostAddress("127.0.0.1"), 0)
        self.port = self.server.serverPort()
        self.socket: QTcpSocket | None = None
        self.received = bytearray()
        self.server.newConnection.connect(self._on_new_connection)

    def _on_new_connection(self) -> None:
        self.socket = self.server.nextPendingConnection()
        self.socket.readyRead.connect(
            lambda: self.received.extend(self.socket.readAll().data())  # type: ignore[union-attr]
        )

    def write(self, data: bytes) -> None:
        assert self.socket is not None
        self.socket.write(data)
        self.socket.flush()


@pytest.fixture
def peer() -> Iterator[Peer]:
    peer = Peer()
    yield peer
    if peer.socket is not None:
        peer.socket.abort()
    peer.server.close()


def test_frames_split_across_reads_and_bad_lines_are_handled(qtbot, peer) -> None:
    session = MainSession()
    session.open("127.0.0.1", peer.port)
    qtbot.waitUntil(lambda: peer.socket is not None and session.is_open, timeout=WAIT_MS)
    added: list[RoomSummary] = []
    session.room_added.connect(added.append)
    with qtbot.waitSignal(session.welcomed, timeout=WAIT_MS):
        peer.write(b'{"type":"wel')
        qtbot.waitUntil(lambda: session._buffer.pending_bytes > 0, timeout=WAIT_MS)
        peer.write(b'come","version":1,"registration":false}\r\n\nnot json\n')
    room = b'{"id":3,"name":"x","port":4,"members":0,"capacity":2,"owner":"a","created_at":"t"}'
    peer.write(b'{"type":"room_added","room":{"id":3}}\n{"type":"future"}\n')  # bad, unknown
    peer.write(b'{"type":"room_added","room":' + room + b"}\n")
    qtbot.waitUntil(lambda: bool(added), timeout=WAIT_MS)
    assert added == [RoomSummary(3, "x", 4, 0, 2, False, "a", "t")]
    assert session.registration is False and session.is_open
    session.abort()


def test_requests_get_their_replies_by_id(qtbot, peer) -> None:
    session = MainSession()
    session.open("127.0.0.1", peer.port)
    qtbot.waitUntil(lambda: session.is_open and peer.socket is not None, timeout=WAIT_MS)
    replies: list[object] = []
    session.request(ListRooms(), RoomList, replies.append, lambda e: replies.append(e.code))
    session.request(Ping(), Pong, replies.append, lambda e: replies.append(e.code))
    qtbot.waitUntil(lambda: peer.received.count(b"\n") == 2, timeout=WAIT_MS)
    assert b'"id":1' in peer.received and b'"id":2' in peer.received
    peer.write(b'{"type":"error","code":"not_logged_in","message":"no","id":2}\n')
    peer.write(b'{"type":"rooms","rooms":[],"id":1}\n')
    qtbot.waitUntil(lambda: len(replies) == 2, timeout=WAIT_MS)
    assert replies == ["not_logged_in", RoomList((), False, 1)]
    session.abort()


def test_a_closing_code_explains_the_end_and_fails_pending_requests(qtbot, peer) -> None:
    session = MainSession()
    session.open("127.0.0.1", peer.port)
    qtbot.waitUntil(lambda: session.is_open and peer.socket is not None, timeout=WAIT_MS)
    failed: list[str] = []
    session.request(ListRooms(), RoomList, failed.append, lambda e: failed.append(e.code))
    with qtbot.waitSignal(session.connection_lost, timeout=WAIT_MS) as lost:
        peer.write(b'{"type":"error","code":"server_shutdown","message":"bye"}\n')
        peer.socket.disconnectFromHost()
    assert lost.args == ["server_shutdown"] and failed == ["server_shutdown"]


def test_a_plain_drop_is_connection_lost(qtbot, peer) -> None:
    room = RoomConnection()
    room.enter("127.0.0.1", peer.port, "T")
    qtbot.waitUntil(lambda: b'{"type":"enter","ticket":"T"}\n' in peer.received, timeout=WAIT_MS)
    with qtbot.waitSignal(room.connection_lost, timeout=WAIT_MS) as lost:
        peer.socket.abort()
    assert lost.args == [ClientFailure.CONNECTION_LOST]


def test_each_connection_pings_while_it_is_open(qtbot, peer) -> None:
    session = MainSession()
    assert session._ping_timer.interval() == 30_000
    session._ping_timer.setInterval(20)
    session.open("127.0.0.1", peer.port)
    qtbot.waitUntil(lambda: peer.received.count(b'{"type":"ping"}\n') >= 2, timeout=WAIT_MS)
    session.close()
    assert not session._ping_timer.isActive()


def test_closing_ourselves_is_silent(qtbot, peer) -> None:
    session = MainSession()
    lost: list[str] = []
    session.connection_lost.connect(lost.append)
    session.open("127.0.0.1", peer.port)
    qtbot.waitUntil(lambda: session.is_open and peer.socket is not None, timeout=WAIT_MS)
    session.log_out()
    qtbot.waitUntil(lambda: b'{"type":"logout"}\n' in peer.received, timeout=WAIT_MS)
    unconnected = QAbstractSocket.SocketState.UnconnectedState
    qtbot.waitUntil(lambda: session._socket.state() == unconnected, timeout=WAIT_MS)
    assert lost == []
