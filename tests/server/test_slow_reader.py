"""A member that stops reading: cut off near the output cap, told `slow_consumer` last."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest

from app.server import connection as connection_module
from app.server.server import ChatServer
from tests.server.test_rooms import create, enter
from tests.wire_client import WireClient

Connect = Callable[..., WireClient]
Login = Callable[..., WireClient]
MAX_OUTPUT = 256 * 1024
SEND_BUFFER = 64 * 1024
# What may wait beyond the cap: one room write past the last measure (a 64 KiB read of
# say frames, plus the 32 KiB measured lazily), the kernel's send buffer (Linux doubles
# SO_SNDBUF) and the reader's own receive buffer.
SLACK = 96 * 1024 + 4 * SEND_BUFFER + 64 * 1024
LINE = b'{"type":"say","text":"%s"}\n' % (b"x" * 4000)


def stalled_reader(room: dict, ticket: str) -> socket.socket:
    """A room member on a plain socket that reads nothing until the test says so."""
    reader = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    reader.connect(("127.0.0.1", room["port"]))  # the kernel completes it: no loop needed
    reader.sendall(b'{"type":"enter","ticket":"%s"}\n' % ticket.encode())
    reader.setblocking(False)
    return reader


def read_to_end(qtbot, reader: socket.socket, ends: list[str] | None = None) -> bytes:
    """Everything the server still sends, until it closes (the server's loop runs meanwhile);
    how it ended ("eof" or "reset") is appended to `ends`."""
    data = bytearray()
    ends = [] if ends is None else ends

    def drained() -> bool:
        while True:
            try:
                chunk = reader.recv(65536)
            except BlockingIOError:
                return False
            except ConnectionResetError:
                ends.append("reset")
                return True
            if not chunk:
                ends.append("eof")
                return True
            data.extend(chunk)

    qtbot.waitUntil(drained, timeout=20_000)
    return bytes(data)


def stalled_member(qtbot, server: ChatServer, login: Login, connect: Connect):
    """A room where alice sends (reading only to count) and "stuck" has entered from a
    socket that never reads: returns alice's room client, stuck's socket, the members."""
    alice, stuck = login("alice"), login("stuck")
    room, ticket = create(alice, capacity=5)
    sender = enter(connect, room, ticket)
    sender.counting = True
    granted = stuck.request("join_room", "join_granted", room_id=room["id"])
    reader = stalled_reader(room, granted["ticket"])
    members = server.directory.rooms[room["id"]].members
    qtbot.waitUntil(lambda: "stuck" in members)
    return sender, reader, members


@pytest.mark.server_config(msg_rate=0, max_output_bytes=MAX_OUTPUT, socket_send_buffer=SEND_BUFFER)
def test_a_stalled_reader_is_cut_near_the_cap_and_reads_slow_consumer_last(
    qtbot, server: ChatServer, login: Login, connect: Connect
) -> None:
    sender, reader, members = stalled_member(qtbot, server, login, connect)

    def cut_off() -> bool:
        if "stuck" in members:
            sender.send_raw(LINE * 50)
            return False
        return True

    qtbot.waitUntil(cut_off, timeout=30_000)
    data = read_to_end(qtbot, reader)
    reader.close()
    lines = data.splitlines()
    assert len(data) <= MAX_OUTPUT + SLACK, len(data)
    assert len(data) > MAX_OUTPUT // 2  # it really was backed up
    last = json.loads(lines[-1])
    assert last["type"] == "error" and last["code"] == "slow_consumer", last
    assert "error" not in [json.loads(line)["type"] for line in lines[:-1]]


@pytest.mark.server_config(msg_rate=0, max_output_bytes=MAX_OUTPUT, socket_send_buffer=SEND_BUFFER)
def test_a_reader_that_stays_stalled_is_reset_and_its_backlog_dropped(
    qtbot, monkeypatch, server: ChatServer, login: Login, connect: Connect
) -> None:
    monkeypatch.setattr(connection_module, "LINGER_SECONDS", 1.0)  # not 5 s; nothing races it
    sender, reader, members = stalled_member(qtbot, server, login, connect)
    gone: list[bool] = []
    members["stuck"].connection.destroyed.connect(lambda: gone.append(True))

    def cut_off() -> bool:
        if "stuck" in members:
            sender.send_raw(LINE * 50)
            return False
        return True

    qtbot.waitUntil(cut_off, timeout=30_000)
    qtbot.waitUntil(lambda: bool(gone))  # lingered, then aborted
    ends: list[str] = []
    data = read_to_end(qtbot, reader, ends)
    reader.close()
    # Only what had already reached the reader's own receive buffer is left to read.
    assert ends == ["reset"] and len(data) < 2 * SEND_BUFFER, (ends, len(data))
