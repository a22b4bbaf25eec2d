"""A protocol-v1 line connection over one QTcpSocket, on the GUI thread, with no blocking."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QTcpSocket

from app.shared import logs
from app.shared.protocol import ErrorCode, LineBuffer, Message, ProtocolError, decode_frame, encode

CONNECT_TIMEOUT_MS = 10_000
PING_INTERVAL_MS = 30_000
CONNECTION_LOST = "connection_lost"  # our own code: the connection ended without a reason
TIMED_OUT = "timed_out"  # our own code: no answer while connecting

# Error codes the server sends, without a request id, just before it closes a connection.
CLOSING_CODES = frozenset(
    {
        ErrorCode.SERVER_SHUTDOWN,
        ErrorCode.SESSION_REPLACED,
        ErrorCode.ROOM_CLOSED,
        ErrorCode.KICKED,
        ErrorCode.BAD_TICKET,
        ErrorCode.FRAME_TOO_LARGE,
    }
)

_SOCKET_ERROR_CODES = {
    QAbstractSocket.SocketError.ConnectionRefusedError: "connection_refused",
    QAbstractSocket.SocketError.HostNotFoundError: "host_not_found",
    QAbstractSocket.SocketError.SocketTimeoutError: TIMED_OUT,
    QAbstractSocket.SocketError.NetworkError: "network_error",
}


class LineConnection(QObject):
    """A QTcpSocket that speaks RoomChat lines: connect, send frames, receive frames.

    Every received byte is fed to a `LineBuffer`; every complete line becomes one frame.
    A `{"type":"ping"}` goes out every 30 seconds so the server never sees the link as idle.
    Closing it ourselves (`close`, `abort`) is silent: no `connection_lost` follows.

    Signals:
        connected(): the TCP connection is up.
        connect_failed(str): it could not be made; the argument is a short code
            (`connection_refused`, `host_not_found`, `timed_out`, `network_error`, …).
        frame_received(dict): one decoded frame from the server.
        connection_lost(str): an established connection ended; the argument is the error code
            the server sent before closing (`server_shutdown`, `kicked`, …) or
            `connection_lost`.
    """

    connected = Signal()
    connect_failed = Signal(str)
    frame_received = Signal(dict)
    connection_lost = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = ""
        self.port = 0
        self._buffer = LineBuffer()
        self._close_code = ""
        self._closing = False
        self._socket = QTcpSocket(self)
        self._socket.connected.connect(self._on_socket_connected)
        self._socket.readyRead.connect(self._on_socket_ready_read)
        self._socket.disconnected.connect(self._on_socket_disconnected)
        self._socket.errorOccurred.connect(self._on_socket_error_occurred)
        self._connect_timer = QTimer(self)
        self._connect_timer.setSingleShot(True)
        self._connect_timer.setInterval(CONNECT_TIMEOUT_MS)
        self._connect_timer.timeout.connect(self._on_connect_timer_timeout)
        self._ping_timer = QTimer(self)
        self._ping_timer.setInterval(PING_INTERVAL_MS)
        self._ping_timer.timeout.connect(self._on_ping_timer_timeout)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def is_open(self) -> bool:
        return (
            not self._closing and self._socket.state() == QAbstractSocket.SocketState.ConnectedState
        )

    def open(self, host: str, port: int) -> None:
        """Start connecting; `connected` or `connect_failed` follows."""
        self.host, self.port = host, port
        self._closing = False
        self._close_code = ""
        self._buffer = LineBuffer()
        logs.net.debug("connecting to %s", self.address)
        self._connect_timer.start()
        self._socket.connectToHost(host, port)

    def send(self, message: Message) -> bool:
        if not self.is_open:
            return False
        self._socket.write(encode(message))
        return True

    def close(self) -> None:
        """Close once what was sent has been written; no `connection_lost` follows."""
        self._stop()
        self._socket.flush()
        self._socket.disconnectFromHost()

    def abort(self) -> None:
        """Drop the connection at once; no `connection_lost` follows."""
        self._stop()
        self._socket.abort()

    def _stop(self) -> None:
        self._closing = True
        self._connect_timer.stop()
        self._ping_timer.stop()

    @Slot()
    def _on_socket_connected(self) -> None:
        self._connect_timer.stop()
        self._ping_timer.start()
        logs.net.debug("connected to %s", self.address)
        self.connected.emit()

    @Slot()
    def _on_socket_ready_read(self) -> None:
        data = bytes(self._socket.readAll().data())
        for line in self._buffer.feed(data):
            if not line.strip():
                continue
            try:
                frame = decode_frame(line)
            except ProtocolError as problem:
                logs.proto.warning("ignoring a bad frame from %s: %s", self.address, problem)
                continue
            if frame["type"] == "error" and "id" not in frame:
                code = str(frame.get("code", ""))
                if code in CLOSING_CODES:
                    self._close_code = code
            self.frame_received.emit(frame)
            if self._closing:
                return
        if self._buffer.overflowed:
            logs.proto.warning("%s sent a line over the limit; closing", self.address)
            self._close_code = ErrorCode.FRAME_TOO_LARGE
            self._socket.abort()

    @Slot()
    def _on_socket_disconnected(self) -> None:
        self._ping_timer.stop()
        if self._closing:
            return
        self._closing = True
        code = self._close_code or CONNECTION_LOST
        logs.net.info("connection to %s ended (%s)", self.address, code)
        self.connection_lost.emit(code)

    @Slot(QAbstractSocket.SocketError)
    def _on_socket_error_occurred(self, error: QAbstractSocket.SocketError) -> None:
        if self._closing or not self._connect_timer.isActive():
            return  # after connecting, `disconnected` reports the end
        self._connect_timer.stop()
        self._closing = True
        code = _SOCKET_ERROR_CODES.get(error, "network_error")
        logs.net.info("cannot connect to %s: %s", self.address, self._socket.errorString())
        self._socket.abort()
        self.connect_failed.emit(code)

    @Slot()
    def _on_connect_timer_timeout(self) -> None:
        if self._closing:
            return
        self._closing = True
        logs.net.info("no answer from %s", self.address)
        self._socket.abort()
        self.connect_failed.emit(TIMED_OUT)

    @Slot()
    def _on_ping_timer_timeout(self) -> None:
        self.send({"type": "ping"})
