"""A protocol client on a plain blocking socket: it needs no event loop, so a test can talk
to a server while the test's own thread (the GUI thread) is kept from running one."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

from app.shared.protocol import LineBuffer

TIMEOUT = 5.0
Message = dict[str, Any]


class BlockingClient:
    """Like `tests.wire_client.WireClient` (an inbox, `expect` takes the first unread frame
    of a type), but every call blocks, at most `TIMEOUT` seconds, without Qt."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.inbox: list[Message] = []
        self._buffer = LineBuffer(limit=10_000_000)
        self._socket = socket.create_connection((host, port), timeout=TIMEOUT)

    def send(self, **fields: Any) -> None:
        self._socket.sendall(json.dumps(fields).encode() + b"\n")

    def expect(self, kind: str, timeout: float = TIMEOUT) -> Message:
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.inbox):
                if message.get("type") == kind:
                    return self.inbox.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {kind!r} within {timeout} s; got {self.inbox}")
            self._socket.settimeout(remaining)
            data = self._socket.recv(65536)  # raises TimeoutError when the server is silent
            if not data:
                raise ConnectionError(f"closed before {kind!r}; got {self.inbox}")
            self.inbox.extend(json.loads(line) for line in self._buffer.feed(data))

    def request(self, kind: str, reply: str, **fields: Any) -> Message:
        self.send(type=kind, **fields)
        return self.expect(reply)

    def close(self) -> None:
        self._socket.close()
