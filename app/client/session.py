"""The two kinds of client connection: the main-port session and one room's connection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal, Slot

from app.client.connection import CLOSING_CODES, CONNECTION_LOST, LineConnection
from app.client.tls import TlsPolicy
from app.shared import logs
from app.shared.protocol import Message

ReplyHandler = Callable[[Message], None]
ErrorHandler = Callable[[str, Message], None]


@dataclass(slots=True)
class _Pending:
    on_reply: ReplyHandler
    on_error: ErrorHandler


class MainSession(LineConnection):
    """The main port: account requests with ids and reply callbacks, and the lobby's events.

    `request()` sends a frame with a fresh id; exactly one of its two callbacks runs later:
    `on_reply(frame)` for the success reply, or `on_error(code, frame)` for an error reply or
    when the connection ends first (code `connection_lost` or the server's closing code).

    Signals (besides those of `LineConnection`):
        welcomed(dict): the server's welcome frame arrived; requests may be sent.
        room_added(dict): a room opened (a ROOM object).
        room_updated(dict): a room's member count changed (a ROOM object).
        room_removed(int): the room with this id closed.
    """

    welcomed = Signal(dict)
    room_added = Signal(dict)
    room_updated = Signal(dict)
    room_removed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = ""
        self.registration = True
        self.max_room_capacity = 100  # the server default, until its welcome says otherwise
        self._next_id = 1
        self._pending: dict[int, _Pending] = {}
        self.frame_received.connect(self._on_self_frame_received)
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
        self, kind: str, on_reply: ReplyHandler, on_error: ErrorHandler, **fields: object
    ) -> None:
        request_id = self._next_id
        self._next_id += 1
        if not self.send({"type": kind, **fields, "id": request_id}):
            on_error(CONNECTION_LOST, {})
            return
        self._pending[request_id] = _Pending(on_reply, on_error)

    def log_out(self) -> None:
        """Say goodbye and close; pending requests are dropped."""
        self._pending.clear()
        self.send({"type": "logout"})
        self.close()

    @Slot(dict)
    def _on_self_frame_received(self, frame: Message) -> None:
        kind = frame["type"]
        request_id = frame.get("id")
        if isinstance(request_id, int) and request_id in self._pending:
            pending = self._pending.pop(request_id)
            if kind == "error":
                pending.on_error(str(frame.get("code", "")), frame)
            else:
                pending.on_reply(frame)
        elif kind == "welcome":
            self.registration = bool(frame.get("registration", True))
            capacity = frame.get("max_room_capacity")  # older servers do not say
            if isinstance(capacity, int) and not isinstance(capacity, bool) and capacity >= 2:
                self.max_room_capacity = capacity
            self.welcomed.emit(frame)
        elif kind in ("room_added", "room_updated") and isinstance(frame.get("room"), dict):
            signal = self.room_added if kind == "room_added" else self.room_updated
            signal.emit(frame["room"])
        elif kind == "room_removed" and isinstance(frame.get("room_id"), int):
            self.room_removed.emit(frame["room_id"])
        elif kind != "pong":
            logs.proto.debug("main port: ignoring %s", kind)

    @Slot(str)
    def _on_self_connection_lost(self, code: str) -> None:
        pending, self._pending = self._pending, {}
        for item in pending.values():
            item.on_error(code, {})


class RoomConnection(LineConnection):
    """One room's own port: enter with a ticket, then say, hear and leave.

    Signals (besides those of `LineConnection`):
        entered(dict): the `entered` frame (room, you, members, history).
        member_joined(str, list, str): name, the members now, the time (ISO-8601 UTC).
        member_left(str, list, str): name, the members now, the time.
        message_received(dict): a MESSAGE frame (seq, from, text, ts).
        request_failed(str, dict): an error that leaves the connection open
            (`invalid_text`, `rate_limited`, …), with its frame.
    """

    entered = Signal(dict)
    member_joined = Signal(str, list, str)
    member_left = Signal(str, list, str)
    message_received = Signal(dict)
    request_failed = Signal(str, dict)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = ""
        self.connected.connect(self._on_self_connected)
        self.frame_received.connect(self._on_self_frame_received)

    def enter(self, host: str, port: int, ticket: str, tls: TlsPolicy | None = None) -> None:
        """Connect to the room's port (with TLS when `tls` is given) and present the ticket
        as the first line."""
        self._ticket = ticket
        self.open(host, port, tls)

    def say(self, text: str, request_id: int | None = None) -> bool:
        """Send a message; a refusal (`request_failed`) echoes `request_id`."""
        frame: Message = {"type": "say", "text": text}
        if request_id is not None:
            frame["id"] = request_id
        return self.send(frame)

    def leave(self) -> None:
        """Tell the room we go, then close once that is written."""
        self.send({"type": "leave"})
        self.close()

    @Slot()
    def _on_self_connected(self) -> None:
        self.send({"type": "enter", "ticket": self._ticket})
        self._ticket = ""

    @Slot(dict)
    def _on_self_frame_received(self, frame: Message) -> None:
        kind = frame["type"]
        members = frame.get("members")
        members = [str(name) for name in members] if isinstance(members, list) else []
        if kind == "entered":
            self.entered.emit(frame)
        elif kind == "message":
            self.message_received.emit(frame)
        elif kind in ("joined", "left"):
            signal = self.member_joined if kind == "joined" else self.member_left
            signal.emit(str(frame.get("name", "")), members, str(frame.get("ts", "")))
        elif kind == "error" and frame.get("code") not in CLOSING_CODES:
            self.request_failed.emit(str(frame.get("code", "")), frame)
        elif kind not in ("pong", "bye"):
            logs.proto.debug("room port: ignoring %s", kind)
