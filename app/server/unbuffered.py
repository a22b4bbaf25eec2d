"""A plain listener whose sockets are unbuffered: a frame the kernel takes whole is never
copied into Qt's write buffer, so an idle connection keeps no buffer chunk of Qt's.

A buffered QTcpSocket copies every write into its ring buffer and, after a small frame,
keeps that buffer's chunk (about 32 KiB, and a 16 KiB read chunk) for good: tens of kB per
idle connection. Unbuffered, Qt writes straight to the descriptor and buffers only what
the kernel did not take; reads go straight from the descriptor into the caller's buffer.

QTcpSocket cannot be made unbuffered (its private part forces buffering), so each accepted
descriptor is wrapped in a QAbstractSocket of type TcpSocket, which QTcpServer's own queue
(`addPendingConnection` takes a QTcpSocket) cannot hold: the listener keeps its own.

What the kernel did not take still goes to Qt's write buffer, whose chunk (32 KiB) Qt
then keeps once empty: a crowd logging in, whose presence fills the kernel's buffers of
slow readers now and then, left one on most of 5,000 connections (162 MB against 126 MB
with them let go). `UnbufferedSocket.release_write_buffer` lets it go.
"""

from __future__ import annotations

import os
from collections import deque

from PySide6.QtCore import QIODevice, QObject
from PySide6.QtNetwork import QAbstractSocket, QTcpServer

from app.shared import logs

UNBUFFERED = QIODevice.OpenModeFlag.ReadWrite | QIODevice.OpenModeFlag.Unbuffered
_READ_ONLY = QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered


def is_unbuffered(socket: QAbstractSocket) -> bool:
    """True for a socket opened in Qt's unbuffered mode (see this module)."""
    return bool(socket.openMode() & QIODevice.OpenModeFlag.Unbuffered)


class UnbufferedSocket(QAbstractSocket):
    """A TCP QAbstractSocket that can let go of its empty write buffer."""

    def release_write_buffer(self) -> None:
        """Free the chunk Qt keeps in the write buffer once it is empty (nothing if not).

        Qt has no call for it: dropping the write channel (opening read-only) destroys the
        buffer, and opening read-write again makes an empty one. Neither touches the
        descriptor, the read side or the state; only an empty buffer is dropped.
        """
        if self.bytesToWrite() == 0 and self.state() == QAbstractSocket.SocketState.ConnectedState:
            self.setOpenMode(_READ_ONLY)
            self.setOpenMode(UNBUFFERED)


class UnbufferedListener(QTcpServer):
    """A QTcpServer handing over connected `UnbufferedSocket`s.

    `hasPendingConnections`, `nextPendingConnection` and `pendingConnectionAvailable`
    behave as QTcpServer's; with `maxPendingConnections()` sockets waiting, it stops
    accepting (the kernel's backlog holds the rest) until one is taken.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: deque[UnbufferedSocket] = deque()
        self._full = False  # accepting paused because the queue is full

    def incomingConnection(self, descriptor: int) -> None:
        socket = UnbufferedSocket(QAbstractSocket.SocketType.TcpSocket, self)
        if not socket.setSocketDescriptor(
            descriptor, QAbstractSocket.SocketState.ConnectedState, UNBUFFERED
        ):
            logs.net.warning("cannot take an accepted connection: %s", socket.errorString())
            socket.deleteLater()
            os.close(descriptor)
            return
        self._pending.append(socket)
        if len(self._pending) >= self.maxPendingConnections() and not self._full:
            self._full = True
            self.pauseAccepting()
        self.pendingConnectionAvailable.emit()

    def hasPendingConnections(self) -> bool:
        return bool(self._pending)

    def nextPendingConnection(self) -> UnbufferedSocket | None:  # type: ignore[override]
        """The oldest waiting socket (its parent is still the listener), or None."""
        if not self._pending:
            return None
        socket = self._pending.popleft()
        if self._full and len(self._pending) < self.maxPendingConnections():
            self._full = False
            self.resumeAccepting()
        return socket

    def close(self) -> None:
        """Stop listening and drop the sockets not taken yet, as QTcpServer does."""
        super().close()
        while self._pending:
            socket = self._pending.popleft()
            socket.abort()
            socket.deleteLater()
        self._full = False
