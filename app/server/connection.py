"""One client's TCP connection on the server: bytes in, parsed requests out, frames back."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal, SignalInstance, Slot
from PySide6.QtNetwork import QAbstractSocket, QSslSocket

from app.server.addresses import address_key
from app.server.config import ServerConfig
from app.server.conversation import ParsedItem
from app.server.linger import discard_unsent
from app.server.unbuffered import UnbufferedSocket
from app.shared import logs
from app.shared.limits import Clock, FloodGuard
from app.shared.protocol import (
    ErrorCode,
    ErrorReply,
    LineBuffer,
    ProtocolError,
    Say,
    ServerEvent,
    UploadChunk,
    decode_frame,
    encode,
    error_reply,
    parse_request,
)

# Qt's own buffer is unbounded unless told otherwise. One read of this much is one
# transaction and one write per room member: big enough to batch, small enough that one
# batch's output stays well under the back-pressure mark.
READ_BUFFER_BYTES = 64 * 1024
BACKLOG_SLACK = 32 * 1024  # see send_bytes
# Past this much in Qt's own write buffer, writes wait in the connection's queue instead,
# where a goodbye can go ahead of them (Qt cannot drop what it was given). With the kernel's
# bounded send buffer behind it, it keeps a reader that keeps up fed between two turns.
HIGH_WATER = 64 * 1024
LINGER_SECONDS = 5.0  # how long a closed connection may take to write its goodbye
# Reads of READ_BUFFER_BYTES at a close, at most: what is left unread then makes the kernel
# reset the connection, and the peer drop its goodbye unread.
READ_AWAY_READS = 16
LOGGED_PROBLEMS = 3  # protocol errors logged per connection
# Say has the chat budgets; a chunk with less (tiny, so not paced by TCP) is budgeted.
FREE_CHUNK_BYTES = 4096
# A broadcast is written in pieces of at most this much (see `write_blocks`).
WRITE_BLOCK_BYTES = 64 * 1024


def write_blocks(data: bytes, limit: int = WRITE_BLOCK_BYTES) -> list[bytes]:
    """`data`, whole frames (JSON lines), cut at line ends into pieces of at most `limit`
    bytes (a longer line is a piece of its own); joined, they are `data` again.

    Unbuffered, what the kernel does not take of a write Qt copies into that socket's own
    buffer, and the output queue holds further writes only once that passes HIGH_WATER. One
    busy turn's frames written as one buffer (hundreds of kB, flat out) therefore left a copy
    of most of it with every member whose kernel buffer was full: in the overload bench, 43
    copies of about 200 kB, 8.7 MB of the server's 18.4 MB peak heap. In pieces, a member's
    copy is bounded by HIGH_WATER and a piece, and the rest waits in its queue as references
    to the pieces every member shares. (Pieces of 16 kB cost fanout and saturation about a
    tenth of their deliveries per CPU-second in writes; 64 kB nothing measurable.)
    """
    size = len(data)
    if size <= limit:
        return [data]
    blocks: list[bytes] = []
    start = 0
    while start < size:
        end = data.rfind(b"\n", start, start + limit) + 1
        if end <= start:  # one line longer than `limit`: up to its end
            end = data.find(b"\n", start + limit) + 1 or size
        blocks.append(data[start:end])
        start = end
    return blocks


class Output:
    """A connection's output state and its per-delivery path, on a plain object.

    Reading an attribute of a QObject subclass goes through PySide's getattro, about 550
    instructions each under callgrind, and writing one frame to a member read eight: a
    room's broadcast calls `connection.output.send_bytes` (one such read), and the rest
    are slots here. `write` is the socket's own bound `write`, `measure` and `fail` (a
    write failed: an unbuffered socket says so only in what `write` returns) the
    connection's.
    """

    __slots__ = (
        "backlog",
        "fail",
        "measure",
        "open",
        "queue",
        "queued",
        "swept",
        "unmeasured",
        "write",
    )

    def __init__(
        self,
        write: Callable[[bytes | QByteArray], int],
        measure: Callable[[], int],
        fail: Callable[[], None],
    ) -> None:
        self.write = write
        self.measure = measure
        self.fail = fail
        self.open = True
        self.queue: deque[tuple[bytes | QByteArray, int]] | None = None  # only if holding
        self.queued = 0  # bytes in `queue`
        self.backlog = 0  # bytesToWrite() plus the queue when last asked
        self.unmeasured = 0  # bytes written or queued since
        self.swept = 0  # `unmeasured` when Qt's write buffer was last let go of (see sweep)

    def send_bytes(self, data: bytes | QByteArray, size: int = -1) -> int:
        """Queue `data` (of `size` bytes, when the caller knows); returns at least the bytes
        now waiting to be written (0 once closed).

        Asking Qt for the backlog costs a call per write, so it is asked only once the bytes
        written since the last answer could matter; until then the answer plus those bytes
        is an upper bound, which is all the output cap and back-pressure need.
        """
        if not self.open:
            return 0
        if size < 0:
            size = data.size() if isinstance(data, QByteArray) else len(data)
        queue = self.queue
        if queue is not None:  # holding
            queue.append((data, size))
            self.queued += size
        elif self.write(data) < 0:
            self.fail()
            return 0
        unmeasured = self.unmeasured = self.unmeasured + size
        if unmeasured < BACKLOG_SLACK:
            return self.backlog + unmeasured
        return self.measure()


class Connection(QObject):
    """Wraps a connected TCP socket, owning it, and enforces the per-connection limits.

    Everything readable, up to READ_BUFFER_BYTES, is read at once and split into lines; each
    line becomes a request or the `ProtocolError` that describes what was wrong with it, in
    order. Reading can be paused (`pause_reading`): Qt's read buffer is bounded, so the
    kernel's TCP window then pushes back on the sender instead of the server's memory growing.

    The main and room ports' plain sockets are unbuffered (see `unbuffered`): Qt holds
    neither input nor output for them but what the kernel did not take. Their peer's end
    shows as a read that returns nothing from a socket no longer connected (Qt emits no
    `disconnected` then), so while paused up to READ_BUFFER_BYTES is read ahead and held,
    as a buffered socket would, to see an end behind a request; and a write that fails
    ends the connection. A TLS socket is buffered, as is any socket a test hands over.

    Output goes straight to the socket while Qt's write buffer holds under HIGH_WATER;
    past it, it waits in a queue of its own that is fed to the socket as the peer reads.
    The backlog (output cap, back-pressure) counts both.

    Closing, by either side, ends the connection at once for its owner: `is_open` turns
    false and `closed` follows on the next turn of the event loop (never from inside the
    caller's own call). What waits in the queue is dropped; a last frame given to
    `close_with` (or `close_with_error`) goes right behind what the socket already holds.
    The socket itself lingers until its goodbye is written, at most LINGER_SECONDS for a
    peer that does not read, and then the object deletes itself.

    `on_requests(connection, items)`, set by the owner, is given the items parsed from one
    read, in arrival order: a plain call, not a signal, which cost a PySide emission, a
    `sender()` and an `isinstance` a read (see PERFORMANCE.md, issue 18 round 2).

    Signals:
        closed(): the connection has ended (emitted once).
    """

    closed = Signal()
    on_requests: Callable[[Connection, list[ParsedItem]], None] | None = None

    # Defaults for what most connections never change, kept here rather than in each
    # instance's __dict__, which grows from 464 to 832 bytes past 19 entries (PySide also
    # keeps there each signal of ours that was connected): thousands of connections, MBs.
    _refusing_logged = False
    _announced = False
    _paused = False
    _bad_frames = 0
    _problems = 0
    _deadline: QTimer | None = None
    _deadline_at: float | None = None  # on `clock`
    _deadline_reason = (ErrorCode.TIMEOUT, "")
    _holding = False  # True: output waits in `_queue` (see HIGH_WATER)
    _watching = False  # True once bytes-written is connected (the first time it held)
    _tls: QSslSocket | None = None
    # True for almost every connection (the plain ports'), so only False is stored.
    _unbuffered = True
    _held = b""  # unbuffered, paused: input read ahead, parsed once resumed

    def __init__(
        self,
        socket: QAbstractSocket,
        allowed_types: frozenset[str],
        config: ServerConfig,
        parent: QObject | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._socket = socket
        socket.setParent(self)
        socket.setSocketOption(QAbstractSocket.SocketOption.LowDelayOption, 1)
        socket.setReadBufferSize(READ_BUFFER_BYTES)
        if config.socket_send_buffer:
            # Else the kernel grows its own buffer to megabytes, unseen by bytesToWrite().
            socket.setSocketOption(
                QAbstractSocket.SocketOption.SendBufferSizeSocketOption, config.socket_send_buffer
            )
        if config.socket_receive_buffer:
            socket.setSocketOption(
                QAbstractSocket.SocketOption.ReceiveBufferSizeSocketOption,
                config.socket_receive_buffer,
            )
        self._allowed = allowed_types
        self._config = config  # for its max_output_bytes and max_bad_frames
        # Every request but say (which has the chat budgets): a client that keeps asking
        # at --flood-close-factor times the rate is closed, as a chat flooder is.
        self._requests = FloodGuard(
            config.request_rate, config.request_burst, config.flood_close_factor, clock
        )
        self._buffer = LineBuffer()
        # The per-delivery state, on a plain object (see `Output`); `_open`, `_queue`,
        # `_queued`, `_backlog` and `_unmeasured` below are its fields.
        self._out = self.output = Output(socket.write, self._measure, self._on_write_failed)
        if not isinstance(socket, UnbufferedSocket):
            self._unbuffered = False
        if isinstance(socket, QSslSocket):
            # TLS: Qt encrypts what it is given at once; the backlog is then its encrypted bytes.
            self._tls = socket
        self.last_activity = clock()  # on `clock`, like the deadline
        self.idle_checked = False  # set once logged in or entered: silence then counts
        peer_address = socket.peerAddress()
        self.address = peer_address.toString()
        self.peer = f"{self.address}:{socket.peerPort()}"
        key = address_key(peer_address, config.ipv6_prefix)  # for limits
        self.address_key = self.address if key == self.address else key  # one string, not two
        socket.readyRead.connect(self._on_socket_ready_read)
        socket.disconnected.connect(self._on_socket_disconnected)

    @property
    def _open(self) -> bool:
        return self._out.open

    @_open.setter
    def _open(self, value: bool) -> None:
        self._out.open = value

    @property
    def _queue(self) -> deque[tuple[bytes | QByteArray, int]] | None:
        """Frames and their sizes waiting while holding output back, else None."""
        return self._out.queue

    @_queue.setter
    def _queue(self, value: deque[tuple[bytes | QByteArray, int]] | None) -> None:
        self._out.queue = value

    @property
    def _queued(self) -> int:
        return self._out.queued

    @_queued.setter
    def _queued(self, value: int) -> None:
        self._out.queued = value

    @property
    def _backlog(self) -> int:
        return self._out.backlog

    @_backlog.setter
    def _backlog(self, value: int) -> None:
        self._out.backlog = value

    @property
    def _unmeasured(self) -> int:
        return self._out.unmeasured

    @_unmeasured.setter
    def _unmeasured(self, value: int) -> None:
        self._out.unmeasured = value

    @property
    def is_open(self) -> bool:
        """True until we close it or the peer goes; nothing is sent after that."""
        return self._out.open

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def unread(self) -> int:
        """Input received but not parsed yet: held here, in Qt's buffer or in the kernel's
        (unbuffered, `bytesAvailable` asks the kernel)."""
        return len(self._held) + self._socket.bytesAvailable()

    @property
    def backlog(self) -> int:
        """Bytes sent but not yet taken by the peer's TCP stack (0 once closed)."""
        return self._measure() if self._open else 0

    def _measure(self) -> int:
        """Ask Qt for the backlog, cut off a peer whose backlog passed the output cap, and
        start holding output back in the queue past HIGH_WATER."""
        in_socket = self._in_socket()
        backlog = self._backlog = in_socket + self._queued
        self._unmeasured = 0
        if self._config.max_output_bytes and backlog > self._config.max_output_bytes:
            self._cut_off(backlog)
            return 0
        if in_socket > HIGH_WATER and not self._holding:
            self._holding = True
            self._queue = deque()  # only while holding: over 600 bytes even when empty
            # Connected the first time it holds, then kept: a reader that never falls behind
            # costs no slot call, and one that does (every member, when a batch's output
            # passes HIGH_WATER) not a connect and a disconnect per batch, which cost PySide
            # about as much as delivering 600 messages to it.
            self._watch()
        elif self._unbuffered:
            if in_socket:
                self._watch()  # to let go of Qt's write buffer once it is empty
            else:
                self._out.swept = -1  # for `release_buffers`: written to, maybe
        return backlog

    def _watch(self) -> None:
        if not self._watching:
            self._watching = True
            self._drained().connect(self._on_socket_bytes_written)

    def _drained(self) -> SignalInstance:
        """The signal for bytes that went to the network (for TLS: encrypted ones)."""
        if self._tls is not None:
            return self._tls.encryptedBytesWritten
        return self._socket.bytesWritten

    def drained_signal(self) -> SignalInstance:
        """Emitted as bytes go to the network: for a sender that paces itself by `backlog`
        (downloads), connected in addition to the queue's own feeding."""
        return self._drained()

    def _in_socket(self) -> int:
        """What Qt holds for the peer: for TLS, what waits to be encrypted and what was."""
        if self._tls is not None:
            return self._tls.bytesToWrite() + self._tls.encryptedBytesToWrite()
        return self._socket.bytesToWrite()

    @Slot(int)
    def _on_socket_bytes_written(self, _count: int) -> None:
        """The peer read some: hand the socket queued frames up to HIGH_WATER again;
        unbuffered, once Qt holds nothing, stop watching and let go of its write buffer."""
        socket = self._socket
        if self._holding:
            queue = self._queue
            while queue and self._in_socket() < HIGH_WATER:
                data, size = queue.popleft()
                self._queued -= size
                if socket.write(data) < 0:
                    self._on_write_failed()
                    return
            if queue:
                return
            self._stop_holding()
        # Unbuffered, Qt emits this from inside every write the kernel took whole too: a
        # slot call per frame while connected, so only until its buffer is empty.
        if self._unbuffered and socket.bytesToWrite() == 0:
            self._watching = False
            self._drained().disconnect(self._on_socket_bytes_written)
            # Not from inside Qt's own write: on the next turn.
            QTimer.singleShot(0, self, self._release_write_buffer)

    @Slot()
    def _release_write_buffer(self) -> None:
        if self._unbuffered and self._out.open and not self._holding:
            cast(UnbufferedSocket, self._socket).release_write_buffer()

    def release_buffers(self) -> None:
        """Let go of the chunk Qt keeps in an empty write buffer (unbuffered sockets) if
        the socket was written to since the last call: a write the kernel did not take
        whole leaves one, which a peer whose kernel buffer filled once would otherwise
        cost for good. (One seen to hold bytes at a measure lets go once it has drained.)"""
        out = self._out
        if self._unbuffered and out.open and not self._holding and out.unmeasured != out.swept:
            out.swept = out.unmeasured
            cast(UnbufferedSocket, self._socket).release_write_buffer()

    def _stop_holding(self) -> None:
        """Drop whatever waits in the queue and write straight to the socket again."""
        self._queue = None
        self._queued = 0
        self._holding = False

    def _on_write_failed(self) -> None:
        """An unbuffered write failed (the peer reset, say): the connection is over."""
        if self._open:
            logs.net.info("%s: write failed: %s", self.peer, self._socket.errorString())
            self._end()
            self._socket.abort()

    def _cut_off(self, backlog: int) -> None:
        """End a slow reader at once for its owner; `slow_consumer` goes ahead of its
        queue, which is dropped, right behind what its socket holds.

        Nothing more is queued, so its memory stops growing; if it reads within
        LINGER_SECONDS it finds the error as its last frame, else it is reset.
        """
        logs.net.warning("cutting off %s: %d bytes unread (slow reader)", self.peer, backlog)
        self.close_with(
            ErrorReply(ErrorCode.SLOW_CONSUMER.value, "you were not reading fast enough")
        )

    def send(self, message: ServerEvent) -> None:
        self.send_bytes(encode(message))

    def send_bytes(self, data: bytes | QByteArray, size: int = -1) -> int:
        """Queue `data` (of `size` bytes, when the caller knows); returns at least the bytes
        now waiting to be written (0 once closed). See `Output.send_bytes`."""
        return self._out.send_bytes(data, size)

    def send_error(self, problem: ProtocolError) -> None:
        self.send_bytes(encode(error_reply(problem)))

    def close(self) -> None:
        """Close after what the socket holds has been written (or LINGER_SECONDS, whichever
        first); what waits in the queue is dropped (use `close_with` for a last frame)."""
        if not self._open:
            return
        self._end()
        if self._unbuffered:
            self._read_away()
        self._socket.disconnectFromHost()
        if self._socket.state() != QAbstractSocket.SocketState.UnconnectedState:
            QTimer.singleShot(int(LINGER_SECONDS * 1000), self, self._on_linger_passed)

    def _read_away(self) -> None:
        """Drop the input the kernel holds, which a buffered socket would have read already:
        closing with input unread resets the connection, goodbye and all."""
        socket = self._socket
        self._held = b""
        for _ in range(READ_AWAY_READS):
            if socket.state() != QAbstractSocket.SocketState.ConnectedState:
                return
            if socket.read(READ_BUFFER_BYTES).isEmpty():
                return

    @Slot()
    def _on_linger_passed(self) -> None:
        """The peer did not take its goodbye in time: drop it, kernel buffer and all."""
        if self._socket.state() != QAbstractSocket.SocketState.UnconnectedState:
            discard_unsent(self._socket)
            self._socket.abort()

    def close_with(self, message: ServerEvent) -> None:
        """Close with `message` as the last frame, ahead of the queue, which is dropped:
        the peer gets it after at most HIGH_WATER and the kernel's buffer."""
        if not self._open:
            return
        self._socket.write(encode(message))  # not send(): that would queue or measure
        self.close()  # drops the queue

    def close_with_error(self, code: ErrorCode, text: str) -> None:
        if self._open:
            logs.net.info("closing %s: %s", self.peer, code)
        self.close_with(ErrorReply(code.value, text))

    def abort(self, reason: str) -> None:
        """Drop the connection at once, unsent data and all (the peer sees a reset)."""
        if self._open:
            logs.net.warning("cutting off %s: %s", self.peer, reason)
            self._end()
            discard_unsent(self._socket)
            self._socket.abort()

    def _end(self) -> None:
        self._open = False
        self._stop_holding()
        self.clear_deadline()
        QTimer.singleShot(0, self, self._on_ended)

    @Slot()
    def _on_ended(self) -> None:
        self._announced = True
        self.closed.emit()
        if self._socket.state() == QAbstractSocket.SocketState.UnconnectedState:
            self.deleteLater()

    def set_deadline(self, seconds: float, code: ErrorCode, text: str) -> None:
        """Close with `code` unless `clear_deadline()` is called within `seconds` (0: never).

        The deadline is kept on the connection's clock; a timer looks at it when it is due,
        and `check_deadline()` may look at any time (after a test moved a fake clock on).
        """
        self.clear_deadline()
        if seconds <= 0:
            return
        self._deadline_at = self._clock() + seconds
        self._deadline_reason = (code, text)
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(self.check_deadline)
        self._deadline.start(math.ceil(seconds * 1000))

    @Slot()
    def check_deadline(self) -> None:
        """Close the connection if its deadline has passed, else look again when it is due."""
        if self._deadline_at is None or not self._open:
            return
        left = self._deadline_at - self._clock()
        if left > 0:
            if self._deadline is not None:  # a coarse timer may fire a little early
                self._deadline.start(math.ceil(left * 1000))
            return
        code, text = self._deadline_reason
        logs.net.warning("%s: %s", self.peer, text)
        self.close_with_error(code, text)

    def clear_deadline(self) -> None:
        self._deadline_at = None
        if self._deadline is not None:
            self._deadline.stop()
            self._deadline.deleteLater()
            self._deadline = None

    def pause_reading(self) -> None:
        self._paused = True

    def resume_reading(self) -> None:
        if self._paused:
            self._paused = False
            # Unbuffered, no readyRead comes again for input already waiting.
            if self._held or self._socket.bytesAvailable():
                QTimer.singleShot(0, self, self._on_socket_ready_read)  # dropped if I am gone

    def _take(self, limit: int) -> bytes:
        """Up to `limit` bytes from an unbuffered socket; b"" and the connection ended if
        the peer went (Qt then says nothing else)."""
        socket = self._socket
        data = bytes(socket.read(limit).data())
        if not data and socket.state() != QAbstractSocket.SocketState.ConnectedState:
            self._on_socket_disconnected()
        return data

    def _read_unbuffered(self) -> bytes:
        """What to parse now from an unbuffered socket: b"" while paused, when what came is
        held instead (up to READ_BUFFER_BYTES) so that the peer's end behind it is seen."""
        held = self._held
        room = READ_BUFFER_BYTES - len(held)
        if self._paused:
            if room > 0 and (data := self._take(room)):
                self._held = held + data
            return b""
        if not held:
            return self._take(READ_BUFFER_BYTES)
        self._held = b""
        if room > 0:
            return held + self._take(room)
        # Held full: what else waits in the kernel gets no readyRead until a read.
        QTimer.singleShot(0, self, self._on_socket_ready_read)
        return held

    @Slot()
    def _on_socket_ready_read(self) -> None:
        if not self._out.open:
            return
        if self._unbuffered:
            data = self._read_unbuffered()
            if not data:
                return
        elif self._paused:
            return
        else:
            # read(bytesAvailable()) hands over Qt's read chunk when it holds everything;
            # after readAll() the socket would keep that 16 KiB chunk for good.
            data = bytes(self._socket.read(self._socket.bytesAvailable()).data())
        if not self._out.open:
            return
        self.last_activity = self._clock()
        items: list[ParsedItem] = []
        flooding = False
        for line in self._buffer.feed(data):
            if not line or line.isspace():
                continue  # a blank line is a keep-alive, not an error
            try:
                request = parse_request(decode_frame(line), self._allowed)
                # An upload's chunks are paced by TCP and counted by the upload itself.
                if (
                    type(request) is Say
                    or (isinstance(request, UploadChunk) and len(request.data) >= FREE_CHUNK_BYTES)
                    or (admitted := self._requests.admit())
                ):
                    items.append(request)
                elif admitted is None:
                    flooding = True
                    break
                else:
                    items.append(
                        ProtocolError(
                            ErrorCode.RATE_LIMITED,
                            "too many requests; wait a moment",
                            request.id,
                            self._requests.retry_after(),
                        )
                    )
                    if not self._refusing_logged:  # once per connection
                        self._refusing_logged = True
                        logs.net.warning("%s: over the request budget", self.peer)
            except ProtocolError as problem:
                items.append(problem)
                self._problems += 1
                if self._problems <= LOGGED_PROBLEMS:  # enough to see, never a flood
                    logs.proto.info("%s: %s: %s", self.peer, problem.code, problem.message)
                if problem.code == ErrorCode.BAD_REQUEST:
                    self._bad_frames += 1
        if items and (handler := self.on_requests) is not None:
            handler(self, items)
        if flooding and self._open:
            logs.net.warning("%s flooded with requests", self.peer)
            self.close_with_error(ErrorCode.RATE_LIMITED, "flooding")
        elif self._buffer.overflowed and self._open:
            logs.proto.warning("%s sent a line over the frame limit", self.peer)
            self.close_with_error(ErrorCode.FRAME_TOO_LARGE, "a line is limited to 65536 bytes")
        elif (limit := self._config.max_bad_frames) and self._bad_frames >= limit and self._open:
            logs.proto.warning("%s sent %d bad frames", self.peer, self._bad_frames)
            self.close_with_error(ErrorCode.BAD_REQUEST, "too many bad requests")

    @Slot()
    def _on_socket_disconnected(self) -> None:
        if self._open:  # the peer went
            self._end()
        elif self._announced:  # we closed it, and the goodbye has been written
            self.deleteLater()
