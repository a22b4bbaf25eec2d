"""The plain ports' sockets are unbuffered (no Qt buffer chunk kept per idle connection):
what a peer is owed still arrives whole and in order, and its end is seen while the
server is not reading it."""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Callable

import pytest
from PySide6.QtCore import QIODevice
from PySide6.QtNetwork import QAbstractSocket, QHostAddress, QTcpSocket

from app.server import connection as connection_module
from app.server.server import ChatServer
from app.server.unbuffered import UnbufferedListener, UnbufferedSocket, is_unbuffered
from tests.conftest import PASSWORD
from tests.server.test_load import GatedArgon2
from tests.server.test_rooms import create, enter
from tests.server.test_slow_reader import read_to_end, stalled_reader
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
SEND_BUFFER = 16 * 1024


def test_main_and_room_port_sockets_are_unbuffered(
    qtbot, server: ChatServer, login: Login, connect: Connect
) -> None:
    alice = login("alice")
    (main,) = server.lobby.sessions
    room, ticket = create(alice)
    enter(connect, room, ticket)
    members = server.directory.rooms[room["id"]].members
    qtbot.waitUntil(lambda: "alice" in members)
    assert is_unbuffered(main._socket)
    assert is_unbuffered(members["alice"].connection._socket)


@pytest.mark.server_config(
    msg_rate=0, address_msg_rate=0, text_bytes_per_minute=10**8, socket_send_buffer=SEND_BUFFER
)
def test_frames_larger_than_the_kernel_takes_arrive_whole_and_in_order(
    qtbot, monkeypatch, server: ChatServer, login: Login, connect: Connect
) -> None:
    released: list[UnbufferedSocket] = []
    release = UnbufferedSocket.release_write_buffer

    def counted(socket: UnbufferedSocket) -> None:
        released.append(socket)
        release(socket)

    monkeypatch.setattr(UnbufferedSocket, "release_write_buffer", counted)
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    sender = enter(connect, room, ticket)
    sender.counting = True
    granted = bob.request("join_room", "join_granted", room_id=room["id"])
    reader = stalled_reader(room, granted["ticket"])
    members = server.directory.rooms[room["id"]].members
    qtbot.waitUntil(lambda: "bob" in members)
    held = members["bob"].connection._socket
    texts = [f"{i:03d}" + chr(ord("a") + i % 26) * 3_990 for i in range(120)]
    for text in texts:
        sender.send(type="say", text=text)
    # Qt held what the kernel did not take: the remainder of a frame, not a copy of each.
    qtbot.waitUntil(lambda: held.bytesToWrite() > 0, timeout=10_000)
    data = bytearray()

    def all_read() -> bool:
        take_available(reader, data)
        return texts[-1].encode() in data and data.endswith(b"\n")

    qtbot.waitUntil(all_read, timeout=20_000)
    said = [m["text"] for m in map(json.loads, data.splitlines()) if m.get("type") == "message"]
    assert said == texts
    # Drained, Qt's write buffer is let go of (not only by the server's sweep, seconds apart);
    # the socket writes on as before.
    qtbot.waitUntil(lambda: held in released, timeout=2_000)
    texts.append("after")
    sender.send(type="say", text="after")
    qtbot.waitUntil(all_read, timeout=5_000)
    reader.close()
    assert json.loads(data.splitlines()[-1])["text"] == "after"


@pytest.mark.server_config(socket_send_buffer=SEND_BUFFER)
def test_a_big_broadcast_leaves_a_stalled_reader_only_a_bounded_copy(
    qtbot, server: ChatServer, login: Login, connect: Connect
) -> None:
    alice, bob = login("alice"), login("bob")
    room, ticket = create(alice)
    enter(connect, room, ticket)
    granted = bob.request("join_room", "join_granted", room_id=room["id"])
    reader = stalled_reader(room, granted["ticket"])
    live = server.directory.rooms[room["id"]]
    qtbot.waitUntil(lambda: "bob" in live.members)
    held = live.members["bob"].connection._socket
    # One busy turn's committed frames, about 480 kB, delivered at once.
    texts = [f"{i:03d}" + "x" * 3_990 for i in range(120)]
    live._deliver("alice", "2026-12-03T15:00:00.000Z", list(enumerate(texts, start=1)))
    # Qt copies what the kernel did not take; the rest waits in the queue, shared.
    bound = connection_module.HIGH_WATER + connection_module.BACKLOG_SLACK
    assert held.bytesToWrite() <= bound + connection_module.WRITE_BLOCK_BYTES
    assert live.members["bob"].connection._queued > 0
    data = read_until(qtbot, reader, texts[-1].encode())
    reader.close()
    said = [m["text"] for m in map(json.loads, data.splitlines()) if m.get("type") == "message"]
    assert said == texts


def take_available(reader: socket.socket, data: bytearray) -> None:
    """Add to `data` what the kernel holds for `reader` (non-blocking) now."""
    while True:
        try:
            chunk = reader.recv(65536)
        except BlockingIOError:
            return
        assert chunk, "the server closed"
        data.extend(chunk)


def read_until(qtbot, reader: socket.socket, end: bytes) -> bytes:
    """What the server sends `reader` until a text ends with `end` and its line is whole."""
    data = bytearray()

    def done() -> bool:
        take_available(reader, data)
        return end + b'"' in data and data.endswith(b"\n")

    qtbot.waitUntil(done, timeout=20_000)
    return bytes(data)


def send_all(qtbot, peer: socket.socket, data: bytes) -> None:
    """Send `data` from a non-blocking socket while the server's loop runs."""
    peer.setblocking(False)
    view = memoryview(data)

    def sent() -> bool:
        nonlocal view
        with contextlib.suppress(BlockingIOError):
            view = view[peer.send(view) :]
        return not view

    qtbot.waitUntil(sent, timeout=10_000)


def test_a_peer_that_closes_while_it_is_not_read_is_seen(
    qtbot, server: ChatServer, login: Login
) -> None:
    login("alice").close()
    qtbot.waitUntil(lambda: not server.lobby.sessions)
    gated = GatedArgon2(server.hasher._argon2)
    server.hasher._argon2 = gated
    try:
        peer = socket.create_connection(("127.0.0.1", server.port))
        login_line = b'{"type":"login","name":"alice","password":"%s"}\n' % PASSWORD.encode()
        send_all(qtbot, peer, login_line + b'{"type":"ping"}\n' * 10)
        qtbot.waitUntil(lambda: server.hasher.pending == 1)
        (connection,) = server.lobby.sessions
        assert connection.paused  # until the hash is done
        peer.close()
        qtbot.waitUntil(lambda: not connection.is_open)  # while the hash still waits
        assert server.hasher.pending == 1
    finally:
        gated.gate.set()


@pytest.mark.server_config(request_rate=0)
def test_a_closed_connection_reads_its_input_away_so_its_goodbye_is_not_reset(
    qtbot, monkeypatch, server: ChatServer
) -> None:
    monkeypatch.setattr(connection_module, "READ_BUFFER_BYTES", 4096)
    peer = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    # Bad frames (closed after --max-bad-frames), then more input than one read takes, all
    # of it waiting before the server's loop runs.
    bad = b"nonsense\n" * server.config.max_bad_frames
    peer.sendall(bad + b'{"type":"ping"}\n' * 2_000)
    peer.setblocking(False)
    ends: list[str] = []
    data = read_to_end(qtbot, peer, ends)
    peer.close()
    assert ends == ["eof"]
    assert json.loads(data.splitlines()[-1])["code"] == "bad_request"


def test_the_listener_hands_unbuffered_sockets_over_in_order(qtbot) -> None:
    listener = UnbufferedListener()
    listener.setMaxPendingConnections(2)
    assert listener.listen(QHostAddress(QHostAddress.SpecialAddress.LocalHost), 0)
    announced: list[bool] = []
    listener.pendingConnectionAvailable.connect(lambda: announced.append(True))
    peers = []
    for count in (1, 2):
        peer = QTcpSocket()
        peer.connectToHost(
            QHostAddress(QHostAddress.SpecialAddress.LocalHost), listener.serverPort()
        )
        peers.append(peer)
        qtbot.waitUntil(lambda: len(announced) == count)  # noqa: B023 (waited for at once)
    first, second = listener.nextPendingConnection(), listener.nextPendingConnection()
    assert first is not None and second is not None
    assert listener.nextPendingConnection() is None and not listener.hasPendingConnections()
    assert first.peerPort() == peers[0].localPort() and second.peerPort() == peers[1].localPort()
    assert first.socketType() == QAbstractSocket.SocketType.TcpSocket and is_unbuffered(first)
    # Letting go of the (empty) write buffer leaves reading and writing as they were.
    peers[0].write(b"before")
    qtbot.waitUntil(lambda: first.bytesAvailable() == 6)
    first.release_write_buffer()
    assert first.openMode() == peers[0].openMode() | QIODevice.OpenModeFlag.Unbuffered
    assert bytes(first.read(100).data()) == b"before"
    assert first.write(b"after") == 5
    qtbot.waitUntil(lambda: peers[0].bytesAvailable() == 5)
    assert bytes(peers[0].readAll().data()) == b"after"
    listener.close()
