"""A protocol-level test client: a real QTcpSocket that records every frame it receives."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QAbstractSocket, QSslConfiguration, QSslSocket, QTcpSocket
from pytestqt.qtbot import QtBot

from app.shared.protocol import LineBuffer

TIMEOUT_MS = 5_000
Message = dict[str, Any]


class WireClient(QObject):
    """Connects to a port and keeps an inbox of decoded frames, oldest first.

    `expect(type)` waits for the first unread frame of that type and takes it from the inbox;
    frames of other types stay, so tests can check them later or ignore them.
    """

    activity = Signal()  # something arrived, or the connection closed

    def __init__(
        self,
        qtbot: QtBot,
        port: int,
        host: str = "127.0.0.1",
        tls: QSslConfiguration | None = None,
        peer_name: str = "",
    ) -> None:
        super().__init__()
        self.qtbot = qtbot
        self.inbox: list[Message] = []
        self.raw = bytearray()
        self._buffer = LineBuffer(limit=10_000_000)
        self.errors: list[str] = []
        # Frames `next()` passes over (they stay for `expect`): others' presence comes to
        # every logged-in client whenever anyone logs in or out, the live nodes' main ports
        # (PostgreSQL) after every login and whenever a node comes or goes.
        self.background: set[str] = {"presence", "nodes"}
        if tls is None:
            self.socket = QTcpSocket(self)
        else:
            self.socket = QSslSocket(self)
            self.socket.setSslConfiguration(tls)
            self.socket.sslErrors.connect(
                lambda errors: self.errors.extend(e.errorString() for e in errors)
            )
        self.socket.errorOccurred.connect(lambda _: self.errors.append(self.socket.errorString()))
        self.socket.readyRead.connect(self._on_ready_read)
        self.disconnected = False
        self.counting = False  # True: only count lines (a cheap, fast reader for load tests)
        self.lines_counted = 0
        self.socket.disconnected.connect(self._on_disconnected)
        if isinstance(self.socket, QSslSocket):
            self.socket.connectToHostEncrypted(host, port, peer_name or host)
        else:
            self.socket.connectToHost(host, port)
        qtbot.waitUntil(self._connected_or_failed, timeout=TIMEOUT_MS)

    def _connected_or_failed(self) -> bool:
        return self.socket.state() in (
            QAbstractSocket.SocketState.ConnectedState,
            QAbstractSocket.SocketState.UnconnectedState,
        )

    def _on_ready_read(self) -> None:
        data = self.socket.readAll().data()
        if self.counting:
            self.lines_counted += data.count(b"\n")
        else:
            self.raw.extend(data)
            for line in self._buffer.feed(data):
                try:
                    self.inbox.append(json.loads(line))
                except ValueError:
                    self.inbox.append({"type": "<not json>", "raw": line})
        self.activity.emit()

    def _on_disconnected(self) -> None:
        self.disconnected = True
        self.activity.emit()

    def wait_until(self, predicate: Callable[[], bool], timeout: int = TIMEOUT_MS) -> None:
        """Wait until `predicate()` holds, waking on every arrival (no polling interval)."""
        deadline = time.monotonic() + timeout / 1000
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} ms")
            with self.qtbot.waitSignal(
                self.activity, timeout=max(1, int(remaining * 1000)), raising=False
            ):
                pass

    def send(self, message: Message | None = None, **fields: Any) -> None:
        self.send_raw(json.dumps({**(message or {}), **fields}).encode() + b"\n")

    def send_raw(self, data: bytes) -> None:
        self.socket.write(data)

    def _take(self, kind: str | None) -> Message | None:
        for index, message in enumerate(self.inbox):
            if kind is None or message.get("type") == kind:
                return self.inbox.pop(index)
        return None

    def expect(self, kind: str, timeout: int = TIMEOUT_MS) -> Message:
        """Wait for the first unread frame of type `kind` and take it."""
        self.wait_until(lambda: any(m.get("type") == kind for m in self.inbox), timeout)
        found = self._take(kind)
        assert found is not None
        return found

    def next(self, timeout: int = TIMEOUT_MS) -> Message:
        """Wait for the next unread frame, whatever its type but `background`, and take it."""
        self.wait_until(lambda: any(self._foreground(m) for m in self.inbox), timeout)
        index = next(i for i, m in enumerate(self.inbox) if self._foreground(m))
        return self.inbox.pop(index)

    def _foreground(self, message: Message) -> bool:
        return message.get("type") not in self.background

    def expect_error(self, code: str, timeout: int = TIMEOUT_MS) -> Message:
        message = self.expect("error", timeout)
        assert message["code"] == code, message
        return message

    def request(self, kind: str, reply_type: str, **fields: Any) -> Message:
        self.send(type=kind, **fields)
        return self.expect(reply_type)

    def wait_closed(self, timeout: int = TIMEOUT_MS) -> None:
        self.wait_until(lambda: self.disconnected, timeout)

    def types(self) -> list[str]:
        return [m.get("type", "") for m in self.inbox]

    def close(self) -> None:
        self.socket.abort()
