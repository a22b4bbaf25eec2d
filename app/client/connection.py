"""A protocol-v1 line connection over one socket, plain or TLS, on the GUI thread, no blocking."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QSslError, QSslSocket

from app.client.tls import CertificateProblem, TlsPolicy, error_kinds, fingerprint
from app.shared import logs
from app.shared.protocol import (
    CLOSING_CODES,
    ClientFailure,
    ErrorReply,
    LineBuffer,
    Ping,
    ProtocolError,
    Request,
    decode_frame,
    encode,
    parse_server_frame,
)

CONNECT_TIMEOUT_MS = 10_000
PING_INTERVAL_MS = 30_000
CERTIFICATE_CODES = frozenset(
    {ClientFailure.UNTRUSTED_CERTIFICATE, ClientFailure.CERTIFICATE_CHANGED}
)

_SOCKET_ERROR_CODES = {
    QAbstractSocket.SocketError.ConnectionRefusedError: ClientFailure.CONNECTION_REFUSED,
    QAbstractSocket.SocketError.HostNotFoundError: ClientFailure.HOST_NOT_FOUND,
    QAbstractSocket.SocketError.SocketTimeoutError: ClientFailure.TIMED_OUT,
    QAbstractSocket.SocketError.NetworkError: ClientFailure.NETWORK_ERROR,
}


class LineConnection(QObject):
    """A socket that speaks RoomChat lines: connect, send frames, receive frames.

    Every received byte is fed to a `LineBuffer`; every complete line becomes one typed
    event (`parse_server_frame`). A `Ping` goes out every 30 seconds so the server never
    sees the link as idle.
    Closing it ourselves (`close`, `abort`) is silent: no `connection_lost` follows.

    With a `TlsPolicy` the socket connects encrypted (the peer name is the host as given) and
    counts as connected once the handshake is done. A certificate the policy does not accept
    fails the connection with `untrusted_certificate` or `certificate_changed`, and
    `certificate_problem` says why; nothing is ignored until the caller reconnects with a
    policy that accepts that certificate (the server's handshake timeout would not wait for
    the person to decide anyway).

    Signals:
        connected(): the connection is up (and encrypted, with TLS).
        connect_failed(str): it could not be made; the argument is a `ClientFailure`
            (`connection_refused`, `host_not_found`, `timed_out`, `network_error`,
            `not_encrypted`, `untrusted_certificate`, `certificate_changed`, `tls_failed`).
        event_received(object): one typed event from the server (a `ServerEvent`).
        connection_lost(str): an established connection ended; the argument is the error code
            the server sent before closing (one of `CLOSING_CODES`: `server_shutdown`,
            `kicked`, …) or a `ClientFailure` (`connection_lost`, `line_too_long`,
            `unsupported_version`).
        bytes_written(int): the socket handed this many bytes to the network (a sender of
            many frames, an upload, sends more as `pending_bytes` goes down).
    """

    connected = Signal()
    connect_failed = Signal(str)
    event_received = Signal(object)
    connection_lost = Signal(str)
    bytes_written = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = ""
        self.port = 0
        self.tls: TlsPolicy | None = None
        self.certificate_problem: CertificateProblem | None = None
        self.peer_fingerprint = ""  # the accepted certificate's, once encrypted
        self.failure_detail = ""  # the socket's own words for the last failure
        self._buffer = LineBuffer()
        self._close_code = ""
        self._closing = False
        self._socket = QSslSocket(self)
        self._socket.connected.connect(self._on_socket_connected)
        self._socket.encrypted.connect(self._on_socket_encrypted)
        self._socket.sslErrors.connect(self._on_socket_ssl_errors)
        self._socket.readyRead.connect(self._on_socket_ready_read)
        self._socket.disconnected.connect(self._on_socket_disconnected)
        self._socket.errorOccurred.connect(self._on_socket_error_occurred)
        self._socket.bytesWritten.connect(self._on_socket_bytes_written)
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
            not self._closing
            and self._socket.state() == QAbstractSocket.SocketState.ConnectedState
            and (self.tls is None or self._socket.isEncrypted())
        )

    @property
    def pending_bytes(self) -> int:
        """Bytes sent but not yet handed to the network."""
        return int(self._socket.bytesToWrite())

    @property
    def encrypted(self) -> bool:
        return self._socket.isEncrypted()

    def open(self, host: str, port: int, tls: TlsPolicy | None = None) -> None:
        """Start connecting (with TLS when `tls` is given); `connected` or `connect_failed`
        follows."""
        self.host, self.port, self.tls = host, port, tls
        self._closing = False
        self._close_code = ""
        self.certificate_problem = None
        self.peer_fingerprint = self.failure_detail = ""
        self._buffer = LineBuffer()
        logs.net.debug("connecting to %s%s", self.address, " with TLS" if tls else "")
        self._connect_timer.start()
        if tls is None:
            self._socket.connectToHost(host, port)
        else:
            self._socket.setSslConfiguration(tls.configuration())
            self._socket.connectToHostEncrypted(host, port, host)

    def send(self, message: Request) -> bool:
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

    def fail(self, code: ClientFailure) -> None:
        """Drop an established connection we cannot go on with; `connection_lost(code)`
        follows at once."""
        if self._closing:
            return
        self.abort()
        logs.net.info("closing the connection to %s (%s)", self.address, code)
        self.connection_lost.emit(code)

    def _stop(self) -> None:
        self._closing = True
        self._connect_timer.stop()
        self._ping_timer.stop()

    @Slot()
    def _on_socket_connected(self) -> None:
        if self.tls is not None:
            logs.net.debug("TLS handshake with %s", self.address)
            return  # connected once encrypted
        self._finish_connecting()

    @Slot()
    def _on_socket_encrypted(self) -> None:
        if self._closing or self.tls is None:
            return
        certificate = self._socket.peerCertificate()
        found = fingerprint(certificate)
        if self.tls.pinned and found != self.tls.pinned:  # verified, yet not the pinned one
            self.certificate_problem = CertificateProblem(
                self.host, self.port, certificate, pinned=self.tls.pinned
            )
            self._fail_connecting(ClientFailure.CERTIFICATE_CHANGED)
            return
        self.peer_fingerprint = found
        self._finish_connecting()

    @Slot(list)
    def _on_socket_ssl_errors(self, errors: list[QSslError]) -> None:
        policy = self.tls
        certificate = self._socket.peerCertificate()
        if certificate.isNull() and errors:
            certificate = errors[0].certificate()
        found = fingerprint(certificate)
        wanted = (policy.pinned or policy.accepted) if policy is not None else ""
        if wanted and found == wanted:
            logs.net.info("%s: trusting certificate %s as asked", self.address, found)
            self._socket.ignoreSslErrors(errors)
            return
        pinned = policy.pinned if policy is not None else ""
        kinds = error_kinds(errors, certificate, policy)
        self.certificate_problem = CertificateProblem(
            self.host, self.port, certificate, kinds, pinned
        )
        logs.net.info(
            "%s: refusing certificate %s: %s",
            self.address,
            found,
            "; ".join(error.errorString() for error in errors),
        )
        # Not ignored: Qt now fails the handshake and `errorOccurred` reports it.

    def _finish_connecting(self) -> None:
        self._connect_timer.stop()
        self._ping_timer.start()
        logs.net.debug("connected to %s", self.address)
        self.connected.emit()

    def _fail_connecting(self, code: ClientFailure) -> None:
        self._connect_timer.stop()
        self._closing = True
        self._socket.abort()
        self.connect_failed.emit(code)

    @Slot()
    def _on_socket_ready_read(self) -> None:
        data = bytes(self._socket.readAll().data())
        for line in self._buffer.feed(data):
            if not line or line.isspace():
                continue
            try:
                event = parse_server_frame(decode_frame(line))
            except ProtocolError as problem:
                logs.proto.warning("ignoring a bad frame from %s: %s", self.address, problem)
                continue
            if isinstance(event, ErrorReply) and event.id is None and event.code in CLOSING_CODES:
                self._close_code = event.code
            self.event_received.emit(event)
            if self._closing:
                return
        if self._buffer.overflowed:
            logs.proto.warning("%s sent a line over the limit; closing", self.address)
            self.fail(ClientFailure.LINE_TOO_LONG)

    def _on_socket_bytes_written(self, count: int) -> None:
        self.bytes_written.emit(int(count))

    @Slot()
    def _on_socket_disconnected(self) -> None:
        self._ping_timer.stop()
        if self._closing:
            return
        if self._connect_timer.isActive():  # dropped during the TLS handshake
            self.failure_detail = self._socket.errorString()
            self._fail_connecting(self._failure_code(self._socket.error()))
            return
        self._closing = True
        code = self._close_code or ClientFailure.CONNECTION_LOST
        logs.net.info("connection to %s ended (%s)", self.address, code)
        self.connection_lost.emit(code)

    @Slot(QAbstractSocket.SocketError)
    def _on_socket_error_occurred(self, error: QAbstractSocket.SocketError) -> None:
        if self._closing or not self._connect_timer.isActive():
            return  # after connecting, `disconnected` reports the end
        self.failure_detail = self._socket.errorString()
        logs.net.info("cannot connect to %s: %s", self.address, self.failure_detail)
        self._fail_connecting(self._failure_code(error))

    def _failure_code(self, error: QAbstractSocket.SocketError) -> ClientFailure:
        problem = self.certificate_problem
        if problem is not None:
            if problem.changed:
                return ClientFailure.CERTIFICATE_CHANGED
            return ClientFailure.UNTRUSTED_CERTIFICATE
        if self.tls is not None:
            if "wrong version number" in self.failure_detail.lower():
                return ClientFailure.NOT_ENCRYPTED  # the server's first bytes were not a TLS record
            if error in (
                QAbstractSocket.SocketError.SslHandshakeFailedError,
                QAbstractSocket.SocketError.RemoteHostClosedError,
                QAbstractSocket.SocketError.SslInternalError,
            ):
                return ClientFailure.TLS_FAILED
        return _SOCKET_ERROR_CODES.get(error, ClientFailure.NETWORK_ERROR)

    @Slot()
    def _on_connect_timer_timeout(self) -> None:
        if self._closing:
            return
        self._closing = True
        logs.net.info("no answer from %s", self.address)
        self._fail_connecting(ClientFailure.TIMED_OUT)

    @Slot()
    def _on_ping_timer_timeout(self) -> None:
        self.send(Ping())
