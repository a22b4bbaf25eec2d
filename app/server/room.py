"""One open room: its own listening port, its tickets, its members and their messages."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QTcpServer

from app.server.budgets import Budgets
from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.conversation import ParsedItem
from app.server.message_log import MessageLog
from app.server.pressure import BackPressure
from app.server.seats import Seats
from app.server.states import RoomEvent, RoomState, room_after
from app.server.store import ChatStore
from app.shared import logs
from app.shared.limits import Clock
from app.shared.protocol import (
    ROOM_PORT_TYPES,
    Bye,
    ChatMessage,
    Enter,
    ErrorCode,
    ErrorReply,
    Joined,
    Leave,
    Left,
    Ping,
    Pong,
    ProtocolError,
    RequestId,
    RoomSummary,
    Say,
    ServerEvent,
    encode,
    error_reply,
    fitted_entered,
    message_frames,
    rate_limited,
)
from app.shared.timefmt import utc_now_iso
from app.shared.validation import check_text

HISTORY_LENGTH = 50
HISTORY_BYTES = 40 * 1024  # at most; less when a long room name and 100 names need the room


@dataclass(slots=True)
class Member:
    key: str
    name: str
    connection: Connection


@dataclass(frozen=True, slots=True)
class RoomInfo:
    """What the lobby shows of a room and what the database keeps."""

    id: int
    name: str
    owner: str
    capacity: int
    password_hash: str | None
    created_at: str
    persistent: bool = False  # never closed for being empty; reopened at start-up


class Room(QObject):
    """A room listening on its own port. Entering takes a ticket issued by the main port.

    Seats and tickets are kept by `Seats` (a ticket holds its seat until it is used or
    expires); a timer here drops tickets when they expire.

    Signals:
        members_changed(): someone entered or left.
        emptied(): no member and no live ticket for the whole grace period; close me
            (never for a persistent room).
        member_joined(str), member_left(str): a name entered or left.
    """

    members_changed = Signal()
    emptied = Signal()
    member_joined = Signal(str)
    member_left = Signal(str)

    def __init__(
        self,
        info: RoomInfo,
        listener: QTcpServer,
        store: ChatStore,
        config: ServerConfig,
        track: Callable[[Connection], bool],
        budgets: Budgets,
        parent: QObject | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._budgets = budgets  # the server's: chat budgets per account survive re-entry
        self.info = info
        self.port = listener.serverPort()
        self._listener = listener
        listener.setParent(self)
        # pendingConnectionAvailable, not newConnection: a TLS socket is only handed over
        # once its handshake is done.
        listener.pendingConnectionAvailable.connect(self._on_listener_pending_connection_available)
        self._store = store
        self._config = config
        self._track = track
        self.members: dict[str, Member] = {}
        self._kicked_by: dict[str, str] = {}  # user key -> who removed them, until they are gone
        self._clock = clock
        self._seats = Seats(info.capacity, config.ticket_ttl, clock, reserved=config.reserved_seats)
        self._expiry = QTimer(self)  # drops tickets as they expire, freeing their seats
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self._on_expiry_timeout)
        self._by_connection: dict[Connection, Member] = {}  # the members, by connection
        self._states: dict[Connection, RoomState] = {}  # every open connection's
        self._history: deque[ChatMessage] = deque(maxlen=HISTORY_LENGTH)  # for newcomers
        self._log = MessageLog(info.id, store, self._deliver, config.max_unstored_messages, self)
        self.closed = False
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.setInterval(int(config.empty_room_grace * 1000))
        self._grace.timeout.connect(self._on_grace_timeout)
        self._pressure = BackPressure(lambda: [m.connection for m in self.members.values()], self)

    # --- seats and tickets ---------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return self.info.password_hash is not None

    @property
    def seats_taken(self) -> int:
        return self._seats.seats_taken

    def summary(self) -> RoomSummary:
        """The ROOM the lobby shows."""
        info = self.info
        return RoomSummary(
            info.id,
            info.name,
            self.port,
            len(self.members),
            info.capacity,
            self.locked,
            info.owner,
            info.created_at,
            info.persistent,
        )

    def member_names(self) -> tuple[str, ...]:
        return tuple(member.name for member in self.members.values())

    def reserve_seat(self, user_key: str, name: str, request_id: RequestId = None) -> str:
        """A ticket holding a seat, replacing the user's earlier one here; raises
        ProtocolError `room_full` or `already_in_room` (see `Seats.reserve`)."""
        ticket = self._seats.reserve(user_key, name, request_id)
        self._seats_changed()
        return ticket

    def ticket_expiry(self, user_key: str) -> float | None:
        return self._seats.ticket_expiry(user_key)

    def revoke_tickets(self, user_key: str) -> None:
        self._seats.revoke(user_key)
        self._seats_changed()

    def _seats_changed(self) -> None:
        """Re-arm the expiry timer for the soonest ticket and the grace period."""
        soonest = self._seats.next_expiry()
        if soonest is None or self.closed:
            self._expiry.stop()
        else:
            self._expiry.start(max(0, math.ceil((soonest - self._clock()) * 1000)))
        if self.closed:
            return
        if self._seats.seats_taken or self.info.persistent:
            self._grace.stop()
        elif not self._grace.isActive():
            self._grace.start()

    @Slot()
    def _on_expiry_timeout(self) -> None:
        self._seats.expire()
        self._seats_changed()

    @Slot()
    def _on_grace_timeout(self) -> None:
        if not self._seats.seats_taken and not self.closed:
            self.emptied.emit()

    def restore_history(self, messages: Sequence[ChatMessage]) -> None:
        """A reopened room: newcomers see these stored messages, and numbering goes on
        after the last of them. Call before anyone enters."""
        self._history.extend(messages)
        if messages:
            self._log.resume_after(messages[-1].seq)

    # --- connections ---------------------------------------------------------------------

    @Slot()
    def _on_listener_pending_connection_available(self) -> None:
        while self._listener.hasPendingConnections():
            socket = self._listener.nextPendingConnection()
            # Parented to the directory, not the room: a closing room's goodbye frames
            # must still flush after the room object itself is gone.
            connection = Connection(
                socket, ROOM_PORT_TYPES, self._config, self.parent(), self._clock
            )
            if not self._track(connection):
                continue
            self._states[connection] = RoomState.AWAITING_ENTER
            # Bound slots, not per-connection lambdas: PySide builds a receiver object for
            # every distinct Python callable, which costs memory on every connection.
            connection.requests_received.connect(self._on_connection_requests_received)
            connection.closed.connect(self._on_connection_closed)
            connection.set_deadline(
                self._config.enter_timeout, ErrorCode.TIMEOUT, "no enter in time"
            )

    def _member_of(self, connection: Connection) -> Member | None:
        return self._by_connection.get(connection)

    @Slot(object)
    def _on_connection_requests_received(self, items: list[ParsedItem]) -> None:
        connection = self.sender()
        if isinstance(connection, Connection):
            self._on_connection_requests(connection, items)

    def _on_connection_requests(self, connection: Connection, items: list[ParsedItem]) -> None:
        try:
            if self._states.get(connection) is RoomState.AWAITING_ENTER:
                self._handle_entry(connection, items[0])
                items = items[1:]
            member = self._member_of(connection)
            if member is not None and items:
                self._handle_member_requests(member, items)
        except Exception:  # nothing a client sends may raise out of a slot
            logs.server.exception("room %d: request from %s failed", self.info.id, connection.peer)
            connection.close_with_error(ErrorCode.INTERNAL_ERROR, "the server hit an error")

    def _advance(self, connection: Connection, event: RoomEvent) -> None:
        """Take a transition of the table in `states`; LocalProtocolError if there is none."""
        state = room_after(self._states[connection], event)
        if state is RoomState.CLOSED:
            del self._states[connection]
        else:
            self._states[connection] = state

    def _handle_entry(self, connection: Connection, item: ParsedItem) -> None:
        connection.clear_deadline()
        refused = ProtocolError(
            ErrorCode.BAD_TICKET, "the first line must be enter with a valid ticket"
        )
        try:
            holder = self._seats.take(item.ticket, item.id) if isinstance(item, Enter) else None
        except ProtocolError as full:  # a ticket beyond the reservation, and no free seat
            holder, refused = None, full
        if holder is None or not isinstance(item, Enter):
            logs.net.warning("%s: %s for room %d", connection.peer, refused.code, self.info.id)
            request_id = item.request_id if isinstance(item, ProtocolError) else item.id
            connection.send(ErrorReply(refused.code.value, refused.message, request_id))
            connection.close()
            self._advance(connection, RoomEvent.CLOSED)
            self._seats_changed()
            return
        previous = self.members.pop(holder.user_key, None)
        if previous is not None:
            del self._by_connection[previous.connection]
            previous.connection.close_with_error(
                ErrorCode.SESSION_REPLACED, "you entered this room from somewhere else"
            )
        member = Member(holder.user_key, holder.name, connection)
        self._advance(connection, RoomEvent.ENTERED)
        connection.idle_checked = True
        self.members[member.key] = member
        self._by_connection[connection] = member
        self._seats_changed()
        names = self.member_names()
        connection.send(
            fitted_entered(
                self.summary(), member.name, names, tuple(self._history), item.id, HISTORY_BYTES
            )
        )
        self._broadcast(Joined(member.name, names, utc_now_iso()))
        logs.server.info("%s entered room %d from %s", member.name, self.info.id, connection.peer)
        self.member_joined.emit(member.name)
        self.members_changed.emit()

    def _handle_member_requests(self, member: Member, items: list[ParsedItem]) -> None:
        sayings: list[Say] = []
        flood = self._budgets.chat(member.key)  # the account's, whichever room or connection
        for item in items:
            if not member.connection.is_open:
                return
            if isinstance(item, Say):
                admitted = flood.admit()
                if admitted:
                    sayings.append(item)
                    continue
                self._publish_admitted(member, sayings)  # what came before is answered first
                sayings = []
                if admitted is None:
                    logs.net.warning("%s flooded room %d", member.connection.peer, self.info.id)
                    member.connection.close_with_error(ErrorCode.RATE_LIMITED, "flooding")
                    return
                if self._budgets.should_log("chat", member.key):  # once per window
                    logs.net.warning("%s (%s) rate-limited in room %d", member.name,
                                     member.connection.peer, self.info.id)  # fmt: skip
                wait = flood.retry_after()
                member.connection.send(
                    rate_limited("too many messages; wait a moment", wait, item.id)
                )
                continue
            self._publish_admitted(member, sayings)
            sayings = []
            if isinstance(item, ProtocolError):
                member.connection.send_error(item)
            elif isinstance(item, Ping):
                member.connection.send(Pong(item.id))
            elif isinstance(item, Leave):
                member.connection.close_with(Bye(item.id))  # ahead of the backlog
            elif isinstance(item, Enter):
                member.connection.send_error(
                    ProtocolError(ErrorCode.BAD_REQUEST, "you are already in this room", item.id)
                )
        self._publish_admitted(member, sayings)

    def _publish_admitted(self, member: Member, sayings: list[Say]) -> None:
        """Publish what the address and stored-text budgets let through; refuse the rest."""
        if not sayings:
            return
        budgets = self._budgets
        address = member.connection.address_key
        allowed = budgets.admit_batch(member.key, address, [say.text for say in sayings])
        self._publish(member, sayings[:allowed] if allowed < len(sayings) else sayings)
        if allowed == len(sayings):
            return
        first = sayings[allowed].text
        if budgets.should_log("batch", member.key):
            logs.net.warning("%s (%s) over the address or text budget in room %d",
                             member.name, member.connection.peer, self.info.id)  # fmt: skip
        wait = budgets.batch_retry_after(member.key, address, first)
        for say in sayings[allowed:]:
            member.connection.send(rate_limited("too much chat; wait a moment", wait, say.id))

    def _publish(self, member: Member, sayings: list[Say]) -> None:
        """Validate, then commit (see MessageLog) before delivering: nothing is sent unstored."""
        if not sayings:
            return
        texts: list[str] = []
        ids: list[RequestId] = []
        for say in sayings:
            try:
                texts.append(check_text(say.text, say.id))
            except ProtocolError as problem:
                member.connection.send_error(problem)
                continue
            ids.append(say.id)
        connection = member.connection

        def refuse(
            code: ErrorCode, text: str, request_ids: list[RequestId], wait: float | None
        ) -> None:
            for request_id in request_ids:
                connection.send(error_reply(ProtocolError(code, text, request_id, wait)))

        # What arrived in one read arrived at one time.
        self._log.add(member.name, utc_now_iso(), texts, ids, refuse)

    def _deliver(self, sender: str, ts: str, items: list[tuple[int, str]]) -> None:
        """Committed messages go to every member and into the newcomers' history."""
        self._history.extend(ChatMessage(s, sender, t, ts) for s, t in items[-HISTORY_LENGTH:])
        self._send_all(QByteArray(message_frames(sender, ts, items)))

    def _broadcast(self, message: ServerEvent) -> None:
        self._send_all(QByteArray(encode(message)))

    def _send_all(self, data: bytes | QByteArray) -> None:
        largest = 0
        for member in list(self.members.values()):  # a slow reader may be cut off meanwhile
            largest = max(largest, member.connection.send_bytes(data))
        self._pressure.wrote(largest)

    @Slot()
    def _on_connection_closed(self) -> None:
        connection = self.sender()
        if not isinstance(connection, Connection):
            return
        try:
            self._forget_connection(connection)
        except Exception:  # a slot must not raise; the room goes on without that member
            logs.server.exception("room %d: forgetting %s failed", self.info.id, connection.peer)

    def _forget_connection(self, connection: Connection) -> None:
        if connection in self._states:
            self._advance(connection, RoomEvent.CLOSED)
        member = self._by_connection.pop(connection, None)
        if member is None:
            return
        del self.members[member.key]
        self._seats.remove(member.key)
        kicked_by = self._kicked_by.pop(member.key, None)
        logs.server.info("%s left room %d", member.name, self.info.id)
        if not self.closed:
            self._broadcast(Left(member.name, self.member_names(), utc_now_iso(), kicked_by))
            self._seats_changed()
            self.member_left.emit(member.name)
            self.members_changed.emit()

    # --- closing -------------------------------------------------------------------------

    def kick_member(self, name: str, code: ErrorCode, text: str, by: str | None = None) -> bool:
        """Close the room connection of the member called `name` (the others learn they
        were removed `by` that name, when given); False if none is."""
        for member in self.members.values():
            if member.name == name:
                if by is not None:
                    self._kicked_by[member.key] = by
                member.connection.close_with_error(code, text)
                return True
        return False

    def kick_user(self, user_key: str, code: ErrorCode, text: str) -> None:
        """Close that user's connection to this room (if any) and drop their tickets."""
        self.revoke_tickets(user_key)
        member = self.members.get(user_key)
        if member is not None:
            member.connection.close_with_error(code, text)

    def close(self, code: ErrorCode | None = None, text: str = "") -> None:
        """Stop listening and close every connection (with an error frame when given)."""
        if self.closed:
            return
        self.closed = True
        self._grace.stop()
        self._pressure.stop()
        self._listener.close()
        self._expiry.stop()
        self._seats.clear()
        self._log.close()
        for connection in list(self._states):
            if code is not None:
                connection.close_with_error(code, text)
            else:
                connection.close()
