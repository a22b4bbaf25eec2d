"""The main port's accept queue holds a crowd that connects while the event loop is busy."""

from __future__ import annotations

import socket
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from app.server.server import ChatServer

CROWD = 300  # Qt's default backlog of 50 would leave 250 of them waiting on SYN retries


def test_a_crowd_connecting_while_the_server_is_busy_is_queued_by_the_kernel(
    qtbot: QtBot, make_server: Callable[..., ChatServer]
) -> None:
    server = make_server(max_connections_per_address=0, max_connections=1_000)
    sockets: list[socket.socket] = []
    try:
        # The test's thread runs no event loop here, so the server accepts nobody: every
        # handshake is the kernel's, and one that finds the queue full is dropped and
        # retried only a second later.
        for _ in range(CROWD):
            sockets.append(socket.create_connection(("127.0.0.1", server.port), timeout=0.5))
        assert len(sockets) == CROWD
        welcomed = 0
        for each in sockets:
            qtbot.waitUntil(lambda s=each: _has_data(s), timeout=10_000)
            welcomed += b"welcome" in each.recv(4096)
        assert welcomed == CROWD
    finally:
        for each in sockets:
            each.close()


def _has_data(each: socket.socket) -> bool:
    each.setblocking(False)
    try:
        return bool(each.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        each.setblocking(True)
