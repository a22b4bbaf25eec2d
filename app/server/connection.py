"""One client's TCP connection on the server: bytes in, parsed requests out, frames back."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QTcpSocket

from app.shared import logs
from app.shared.protocol import (
    ErrorCode,
    LineBuffer,
    Message,
    ProtocolError,
    Request,
    decode_frame,
    encode,
    error,
    parse_request,
)

ParsedItem = Request | ProtocolError


class Connection(QObject):
    """Wraps a connected `QTcpSocket`, owning it.

    Everything readable is read at once and split into lines; each line becomes a request
    or the `ProtocolError` that describes what was wrong with it, in order.

    Signals:
        requests_received(list): the items parsed from one read, in arrival order.
        closed(): the connection is gone; the object deletes itself right after.
    """

    requests_received = Signal(object)
    closed = Signal()

    def __init__(
        self, socket: QTcpSocket, allowed_types: frozenset[str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._socket = socket
        socket.setParent(self)
        socket.setSocketOption(QAbstractSocket.SocketOption.LowDelayOption, 1)
        self._allowed = allowed_types
        self._buffer = LineBuffer()
        self._open = True
        self._gone = False
        self.peer = f"{socket.peerAddress().toString()}:{socket.peerPort()}"
        self.address = socket.peerAddress().toString()
        socket.readyRead.connect(self._on_socket_ready_read)
        socket.disconnected.connect(self._on_socket_disconnected)
        self._deadline: QTimer | None = None

    @property
    def is_open(self) -> bool:
        """True until we close it or the peer goes; nothing is sent after that."""
        return self._open

    def send(self, message: Message) -> None:
        self.send_bytes(encode(message))

    def send_bytes(self, data: bytes) -> None:
        if self._open:
            self._socket.write(data)

    def send_error(self, problem: ProtocolError) -> None:
        self.send(problem.to_message())

    def close(self) -> None:
        """Close after what was sent has been written."""
        if self._open:
            self._open = False
            self._socket.disconnectFromHost()

    def close_with_error(self, code: ErrorCode, text: str) -> None:
        self.send(error(code, text))
        logs.net.info("closing %s: %s", self.peer, code)
        self.close()

    def set_deadline(self, seconds: float, code: ErrorCode, text: str) -> None:
        """Close with `code` unless `clear_deadline()` is called within `seconds`."""
        self.clear_deadline()
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(lambda: self.close_with_error(code, text))
        self._deadline.start(int(seconds * 1000))

    def clear_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.stop()
            self._deadline.deleteLater()
            self._deadline = None

    @Slot()
    def _on_socket_ready_read(self) -> None:
        data = self._socket.readAll().data()
        if not self._open:
            return
        items: list[ParsedItem] = []
        for line in self._buffer.feed(data):
            if not line.strip():
                continue  # a blank line is a keep-alive, not an error
            try:
                items.append(parse_request(decode_frame(line), self._allowed))
            except ProtocolError as problem:
                items.append(problem)
        if items:
            self.requests_received.emit(items)
        if self._buffer.overflowed and self._open:
            logs.proto.warning("%s sent a line over the frame limit", self.peer)
            self.close_with_error(ErrorCode.FRAME_TOO_LARGE, "a line is limited to 65536 bytes")

    @Slot()
    def _on_socket_disconnected(self) -> None:
        if self._gone:
            return
        self._gone = True
        self._open = False
        self.clear_deadline()
        self.closed.emit()
        self.deleteLater()
