"""The bench's count of what waits in a process's kernel send queues (`overload` reports
it beside RSS, which does not include it)."""

from __future__ import annotations

import os
import socket

from bench.server_process import read_send_queues


def test_bytes_the_peer_has_not_read_are_counted() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        sender = socket.create_connection(listener.getsockname())
        receiver, _ = listener.accept()
        with sender, receiver:
            receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            before = read_send_queues(os.getpid())
            sender.setblocking(False)
            sent = 0
            try:
                while sent < 8 * 1024 * 1024:
                    sent += sender.send(b"x" * 65536)
            except BlockingIOError:
                pass  # the kernel holds all it will: the rest of `sent` waits in its queue
            waiting = read_send_queues(os.getpid()) - before
            # What the receiver's small window took is not waiting; most of it is.
            assert sent // 2 < waiting <= sent


def test_a_process_that_is_gone_holds_nothing() -> None:
    assert read_send_queues(2**22 + 12345) == 0
