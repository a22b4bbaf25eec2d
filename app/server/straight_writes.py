"""Writes that go straight to a plain TCP socket's descriptor while Qt holds nothing for it."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QByteArray
from PySide6.QtNetwork import QAbstractSocket, QSslSocket

Write = Callable[[bytes | QByteArray], int]


def straight_writer(socket: QAbstractSocket) -> Write | None:
    """A `write` for `socket` that hands the kernel what it takes at once, Qt the rest.

    Whatever a QTcpSocket is given it first copies into its write buffer, and once it has
    written a frame under 4 KiB it keeps that buffer's 32 KiB chunk for good (QRingBuffer
    avoids reallocating it): about 19 kB of RSS for each idle connection, more than all
    else it costs (bench idle: 26 to 39 kB a connection). Written straight to the
    descriptor, a frame the kernel takes whole never reaches that buffer; once Qt holds
    anything, everything goes behind it through Qt, in order, and Qt reports the errors
    and the disconnection as before. None for TLS (Qt must encrypt it) and off POSIX.
    """
    if os.name != "posix" or isinstance(socket, QSslSocket):
        return None
    descriptor = int(socket.socketDescriptor())
    if descriptor < 0:
        return None
    pending, current, queue = socket.bytesToWrite, socket.socketDescriptor, socket.write

    def write(data: bytes | QByteArray) -> int:
        # Qt may have closed the descriptor (the peer reset) before we heard: never write
        # to a number the next accepted socket could get.
        if pending() or current() != descriptor:
            return queue(data)
        view = memoryview(data)  # type: ignore[arg-type]  # QByteArray has the buffer protocol
        try:
            sent = os.write(descriptor, view)
        except BlockingIOError:  # the kernel's buffer is full
            sent = 0
        except OSError:  # reset or broken: Qt finds out and says so, as before
            return queue(data)
        if sent == 0:
            # The frame itself, not a copy: a room's frame of 4 KiB or more is then one
            # buffer that Qt shares among every member's socket (bench overload: a copy
            # each for the slow readers cost 2 to 4 MB of peak RSS).
            return queue(data)
        size = len(view)
        if sent < size:
            queue(view[sent:].tobytes())  # only the part the kernel did not take
        return size

    return write
