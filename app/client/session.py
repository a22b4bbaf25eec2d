"""The two kinds of client connection: the main-port session and one room's connection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from app.client.connection import LineConnection
from app.client.failover import Address, known_nodes
from app.client.people import People
from app.client.tls import TlsPolicy
from app.shared import logs
from app.shared.protocol import (
    CLOSING_CODES,
    SUPPORTED_VERSIONS,
    Bye,
    ChatMessage,
    ClientFailure,
    DirectMessage,
    DownloadChunk,
    DownloadEnd,
    Enter,
    Entered,
    ErrorCode,
    ErrorReply,
    HistoryPage,
    Joined,
    Leave,
    Left,
    LoggedIn,
    Logout,
    NodeList,
    Pong,
    Presence,
    Read,
    ReadUpTo,
    Request,
    RequestId,
    RoomAdded,
    RoomHistory,
    RoomRemoved,
    RoomUpdated,
    Say,
    Typing,
    TypingNotice,
    UploadReady,
    Welcome,
)

Reply = TypeVar("Reply")
ErrorHandler = Callable[[ErrorReply], None]


def failure(code: str) -> ErrorReply:
    """An error reply standing for a failure the client found by itself (a `ClientFailure`)
    or a closing code the server sent without a request id."""
    return ErrorReply(str(code), "")


@dataclass(slots=True)
class _Pending:
    expected: type[Any]
    on_reply: Callable[[Any], None]
    on_error: ErrorHandler


class MainSession(LineConnection):
    """The main port: account requests with ids and reply callbacks, and the lobby's events.

    `request(message, Expected, on_reply, on_error)` sends a request with a fresh id; exactly
    one of its two callbacks runs later: `on_reply(reply)` with the success reply (an
    `Expected`), or `on_error(error)` with an `ErrorReply`: the server's, or one whose code
    is a `ClientFailure` or the server's closing code when the connection ends first.

    A welcome whose protocol version is not in `SUPPORTED_VERSIONS` closes the session with
    `connection_lost(unsupported_version)`.

    Once logged in (`adopt_login`), `resume_token` is the token of this login (kept only in
    memory here; see `credentials.TokenKeeper` to keep it) and `people` serves direct
    messages, blocks and presence, and `nodes` the main ports of the server's live nodes
    (its own among them) as its last `nodes` event listed them: empty from a server of one.

    Signals (besides those of `LineConnection`):
        welcomed(object): the server's `Welcome` arrived; requests may be sent.
        room_added(object): a room opened (a `RoomSummary`); also the rooms of a paged list
            that did not fit its first frame.
        room_updated(object): a room's member count changed (a `RoomSummary`).
        room_removed(int): the room with this id closed.
    """

    welcomed = Signal(object)
    room_added = Signal(object)
    room_updated = Signal(object)
    room_removed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = ""
        self.registration = True
        self.max_room_capacity = 100  # the server default, until its welcome says otherwise
        self.instance: str | None = None  # the server's database, when its welcome says
        self.server_version = 0  # the protocol version of the welcome
        self.resume_token: str | None = None  # a secret: never logged, never in QSettings
        self.nodes: tuple[Address, ...] = ()  # where else to sign in again (reconnect.py)
        self.people = People(self)
        self._next_id = 1
        self._pending: dict[int, _Pending] = {}
        self.event_received.connect(self._on_self_event_received)
        self.connection_lost.connect(self._on_self_connection_lost)

    @property
    def logged_in(self) -> bool:
        return bool(self.name) and self.is_open

    def room_tls(self) -> TlsPolicy | None:
        """How to connect to this server's room ports: encrypted if this session is, and
        accepting the certificate this session accepted (room ports share it)."""
        if self.tls is None:
            return None
        # Pinned to what the main port showed, so a room port with any other certificate is
        # refused even when that one would verify against a CA.
        return replace(self.tls, pinned=self.peer_fingerprint, accepted=self.peer_fingerprint)

    def request(
        self,
        message: Request,
        expected: type[Reply],
        on_reply: Callable[[Reply], None],
        on_error: ErrorHandler,
    ) -> None:
        """Send `message` with a fresh id; its reply must be an `expected`."""
        request_id = self._next_id
        self._next_id += 1
        if not self.send(replace(message, id=request_id)):
            on_error(failure(ClientFailure.CONNECTION_LOST))
            return
        self._pending[request_id] = _Pending(expected, on_reply, on_error)

    def adopt_login(self, logged_in: LoggedIn, name: str = "") -> None:
        """This session is logged in: who as, its resume token, what waited for us."""
        self.name = logged_in.name or name
        self.resume_token = logged_in.resume_token
        self.people.adopt(logged_in)

    def log_out(self) -> None:
        """Say goodbye and close; pending requests are dropped. The server revokes this
        login's resume token, so it is forgotten here too."""
        self.resume_token = None
        self._pending.clear()
        self.send(Logout())
        self.close()

    @Slot(object)
    def _on_self_event_received(self, event: object) -> None:
        request_id = getattr(event, "id", None)
        if isinstance(request_id, int) and request_id in self._pending:
            pending = self._pending.pop(request_id)
            if isinstance(event, ErrorReply):
                pending.on_error(event)
            elif isinstance(event, pending.expected):
                pending.on_reply(event)
            else:
                logs.proto.warning("main port: %r does not answer its request", event)
                pending.on_error(ErrorReply(ErrorCode.BAD_REQUEST, "unexpected reply"))
        elif isinstance(event, Welcome):
            self._welcome(event)
        elif isinstance(event, RoomAdded):
            self.room_added.emit(event.room)
        elif isinstance(event, RoomUpdated):
            self.room_updated.emit(event.room)
        elif isinstance(event, RoomRemoved):
            self.room_removed.emit(event.room_id)
        elif isinstance(event, NodeList):
            self.nodes = known_nodes((self.host, self.port), event.nodes)
        elif not isinstance(event, Pong | ErrorReply | DirectMessage | Presence):
            # (a closing error comes as connection_lost; `people` takes the others)
            logs.proto.debug("main port: ignoring %r", event)

    def _welcome(self, welcome: Welcome) -> None:
        self.server_version = welcome.version
        if welcome.version not in SUPPORTED_VERSIONS:
            logs.proto.warning("%s speaks protocol %d", self.address, welcome.version)
            self.fail(ClientFailure.UNSUPPORTED_VERSION)
            return
        self.registration = welcome.registration
        capacity = welcome.max_room_capacity  # older servers do not say
        if capacity is not None and capacity >= 2:
            self.max_room_capacity = capacity
        self.instance = welcome.instance or None
        self.welcomed.emit(welcome)

    @Slot(str)
    def _on_self_connection_lost(self, code: str) -> None:
        pending, self._pending = self._pending, {}
        for item in pending.values():
            item.on_error(failure(code))


class RoomConnection(LineConnection):
    """One room's own port: enter with a ticket, then say, hear and leave.

    Signals (besides those of `LineConnection`):
        entered(object): the `Entered` event (room, you, members, history).
        member_joined(object): a `Joined` event (name, the members now, the time).
        member_left(object): a `Left` event.
        message_received(object): a `ChatMessage`.
        request_failed(object): an `ErrorReply` that leaves the connection open
            (`invalid_text`, `rate_limited`, …).
        read_marked(object): a `ReadUpTo` (someone has read up to a seq).
        typing_received(object): a `TypingNotice` (someone is typing).
        history_received(object): a `HistoryPage` (the answer to `history`).
        file_event_received(object): an `UploadReady`, `DownloadChunk` or `DownloadEnd`
            (requests are sent with `send`; see `room_files.RoomFiles`).
    """

    history_received = Signal(object)
    file_event_received = Signal(object)
    read_marked = Signal(object)
    typing_received = Signal(object)
    entered = Signal(object)
    member_joined = Signal(object)
    member_left = Signal(object)
    message_received = Signal(object)
    request_failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = ""
        self.connected.connect(self._on_self_connected)
        self.event_received.connect(self._on_self_event_received)

    def enter(self, host: str, port: int, ticket: str, tls: TlsPolicy | None = None) -> None:
        """Connect to the room's port (with TLS when `tls` is given) and present the ticket
        as the first line."""
        self._ticket = ticket
        self.open(host, port, tls)

    def say(self, text: str, request_id: int | None = None) -> bool:
        """Send a message; a refusal (`request_failed`) echoes `request_id`."""
        return self.send(Say(text, request_id))

    def mark_read(self, seq: int) -> bool:
        """Tell the room the person has seen its messages up to `seq`."""
        return self.send(Read(seq))

    def typing(self) -> bool:
        return self.send(Typing())

    def history(self, before: int | None, limit: int, request_id: RequestId = None) -> bool:
        """Ask for up to `limit` stored messages older than seq `before`."""
        return self.send(RoomHistory(before, limit, request_id))

    def leave(self) -> None:
        """Tell the room we go, then close once that is written."""
        self.send(Leave())
        self.close()

    @Slot()
    def _on_self_connected(self) -> None:
        self.send(Enter(self._ticket))
        self._ticket = ""

    @Slot(object)
    def _on_self_event_received(self, event: object) -> None:
        if isinstance(event, Entered):
            self.entered.emit(event)
        elif isinstance(event, ChatMessage):
            self.message_received.emit(event)
        elif isinstance(event, Joined):
            self.member_joined.emit(event)
        elif isinstance(event, Left):
            self.member_left.emit(event)
        elif isinstance(event, ReadUpTo):
            self.read_marked.emit(event)
        elif isinstance(event, TypingNotice):
            self.typing_received.emit(event)
        elif isinstance(event, HistoryPage):
            self.history_received.emit(event)
        elif isinstance(event, UploadReady | DownloadChunk | DownloadEnd):
            self.file_event_received.emit(event)
        elif isinstance(event, ErrorReply):
            # A closing code without an id comes as connection_lost; with an id it answers
            # one request (server_busy while the server's database is busy).
            if event.id is not None or event.code not in CLOSING_CODES:
                self.request_failed.emit(event)
        elif not isinstance(event, Pong | Bye):
            logs.proto.debug("room port: ignoring %r", event)
