"""One open room on its own listening port: the Qt adapter around `RoomConversation`."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import cast

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QTcpServer

from app.server.budgets import Budgets
from app.server.config import ServerConfig
from app.server.connection import Connection, write_blocks
from app.server.conversation import ParsedItem
from app.server.database import DatabaseError
from app.server.file_service import FileService
from app.server.hashing import PasswordHasher
from app.server.held_markers import HeldMarkers, with_markers
from app.server.history_reader import HistoryReader
from app.server.message_log import Batches, CommitGroup, MessageLog
from app.server.moderation import Act, DeletedMessage, ModerationLimits, Modes, RoomRules
from app.server.moderation_store import ModerationStore
from app.server.pressure import BackPressure
from app.server.read_marker_store import ReadMarkerStore
from app.server.room_conversation import HISTORY_LENGTH, Member, RoomConversation, RoomInfo
from app.server.room_effects import (
    Admit,
    Broadcast,
    Close,
    Effect,
    FileWork,
    MemberJoined,
    MemberLeft,
    ReadHistory,
    Relay,
    Remember,
    SeatsChanged,
    Send,
    Store,
    SummaryChanged,
    Wake,
)
from app.server.room_files import RoomFiles
from app.server.room_markers import RoomMarkers
from app.server.room_pages import HistoryPages
from app.server.room_password import PasswordChanges
from app.server.seats import Holder, Seats
from app.server.store import MIGRATIONS, ChatStore
from app.shared import logs
from app.shared.limits import Clock
from app.shared.names import login_key
from app.shared.protocol import (
    BY_OPERATOR,
    ROOM_PORT_TYPES,
    ChatMessage,
    ErrorCode,
    ErrorReply,
    ModerationRequest,
    ProtocolError,
    ReadUpTo,
    RequestId,
    RoomSettings,
    RoomSummary,
    encode,
    error_reply,
)

__all__ = ["HISTORY_LENGTH", "Member", "Room", "RoomInfo"]  # what others import from here

# The connection of the server acting as a moderator: what it is answered goes nowhere.
_SERVER = cast(Connection, object())


class Room(QObject):
    """A room listening on its own port. Entering takes a ticket issued by the main port.

    Every decision (tickets, entering, budgets, who hears what) is `RoomConversation`'s;
    this carries out its effects: sockets, the ticket-expiry and grace timers, storing
    before delivering (`MessageLog`), back-pressure and signals.

    Signals:
        members_changed(): someone entered or left.
        emptied(): no member and no live ticket for the whole grace period; close me
            (never for a persistent room).
        member_joined(str), member_left(str): a name entered or left.
        moderated(object): a moderation change (an audit `Act`, a `ReportedMessage`, …)
            was written to the database.
    """

    members_changed = Signal()
    emptied = Signal()
    member_joined = Signal(str)
    member_left = Signal(str)
    moderated = Signal(object)

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
        wall_clock: Clock = time.time,
        files: FileService | None = None,
        hasher: PasswordHasher | None = None,
        reader: HistoryReader | None = None,
    ) -> None:
        super().__init__(parent)
        self.port = listener.serverPort()
        self._listener = listener
        listener.setParent(self)
        # pendingConnectionAvailable, not newConnection: a TLS socket is only handed over
        # once its handshake is done.
        listener.pendingConnectionAvailable.connect(self._on_listener_pending_connection_available)
        self._config = config
        self._track = track
        self._clock = clock
        # The budgets are the server's: chat budgets per account survive re-entry.
        seats = Seats(info.capacity, config.ticket_ttl, clock, reserved=config.reserved_seats)
        self._moderation = ModerationStore(store.db)
        rules = RoomRules(
            login_key(info.owner),
            self._moderation.moderators(info.id),
            self._moderation.bans(info.id, wall_clock()),
            wall_clock,
            self._moderation.mutes(info.id, wall_clock()),
            self._moderation.modes(info.id),
            self._is_operator,
        )
        rules.limits = ModerationLimits(
            config.max_moderation_minutes, config.max_reason_chars, config.max_slow_mode
        )
        markers: RoomMarkers[Connection] = RoomMarkers(
            clock, config.read_marker_interval, config.typing_interval
        )
        self._core: RoomConversation[Connection] = RoomConversation(
            info, self.port, budgets, seats, rules=rules, wall_clock=wall_clock, markers=markers
        )
        self._core.max_capacity = config.max_room_capacity
        self.members: dict[str, Member[Connection]] = self._core.members  # the core's own
        # `history` pages come from the reader's thread (the directory's); without one, as
        # in tests that make a lone room, they are read here at once.
        reader = reader or HistoryReader(store.db, MIGRATIONS, 0, self)
        self._pages = HistoryPages(
            info.id, self._core, reader, files is not None, self._carry_out, self._resume_reading
        )
        self._passwords = PasswordChanges(
            self._core, hasher, self._carry_out, self._pages.feed, self._pages.hold_back
        )
        self._pages.then = self._passwords.received  # what waited behind a page
        self._expiry = QTimer(self)  # drops tickets as they expire, freeing their seats
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self._on_expiry_timeout)
        self._store = store
        self._log = MessageLog(
            info.id,
            store,
            self._deliver,
            config.max_unstored_messages,
            self,
            group=CommitGroup.of(store),  # one transaction per turn for every room
            deliver_many=self._deliver_many,
        )
        self._read_store = ReadMarkerStore(store.db) if info.persistent else None
        self._wake = QTimer(self)  # relays read markers that had to wait
        self._wake.setSingleShot(True)
        self._wake.timeout.connect(self._on_wake_timeout)
        self._held = HeldMarkers(self)
        self._held.due.connect(self._on_held_due)
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.setInterval(int(config.empty_room_grace * 1000))
        self._grace.timeout.connect(self._on_grace_timeout)
        self._senders: dict[Connection, None] = {}  # who has said something here, in order
        self._pressure = BackPressure(
            lambda: [m.connection for m in self.members.values()],
            self,
            senders=lambda: [c for c in self._senders if c.is_open],
        )
        self._service = files
        self._files = None if files is None else RoomFiles(info.id, files, self._log, self._posted)

    def _is_operator(self, key: str) -> bool:
        account = self._store.account(key)
        return account is not None and account.operator

    # --- seats and tickets ---------------------------------------------------------------

    @property
    def info(self) -> RoomInfo:
        """The room as the lobby shows it (its owner may change)."""
        return self._core.info

    def check_may_enter(self, user_key: str, request_id: RequestId, operator: bool = False) -> None:
        """Raise ProtocolError `banned` (with `until`) when the user is banned here, or
        `room_locked` when its doors are locked (neither for an operator)."""
        self._core.moderator.rules.check_may_enter(user_key, request_id, operator)

    def set_host(self, host: str) -> None:
        """The host its ROOM names, on a node with --advertise-host."""
        self._core.host = host

    def use_shared_tickets(self, take: Callable[[int, str], Holder | None]) -> None:
        """Also take tickets other nodes' lobbies issued (`take(room_id, ticket)`), as long
        as the holder is not banned here (the lobby that issued it only read the bans)."""

        def shared(ticket: str) -> Holder | None:
            try:
                holder = take(self.info.id, ticket)
                if holder is not None:
                    rules = self._core.moderator.rules
                    rules.check_may_enter(holder.user_key, None, holder.operator)
            except DatabaseError as failure:
                logs.db.warning("room %d: shared ticket not checked: %s", self.info.id, failure)
                return None
            except ProtocolError:  # banned, or the doors are locked
                return None
            return holder

        self._core.seats.remote = shared

    def set_name_check(self, check: Callable[[str, RequestId], None]) -> None:
        """How a new name is checked against the other rooms' (raises `room_name_taken`)."""
        self._core.name_check = check

    @property
    def closed(self) -> bool:
        return self._core.closed

    @property
    def locked(self) -> bool:
        return self.info.password_hash is not None

    @property
    def seats_taken(self) -> int:
        return self._core.seats.seats_taken

    def summary(self) -> RoomSummary:
        """The ROOM the lobby shows."""
        return self._core.summary()

    def member_names(self) -> tuple[str, ...]:
        return self._core.member_names()

    def reserve_seat(
        self, user_key: str, name: str, request_id: RequestId = None, operator: bool = False
    ) -> str:
        """A ticket holding a seat, replacing the user's earlier one here; raises
        ProtocolError `room_full` or `already_in_room` (see `Seats.reserve`)."""
        ticket = self._core.reserve_seat(user_key, name, request_id, operator)
        self._seats_changed()
        return ticket

    def ticket_expiry(self, user_key: str) -> float | None:
        return self._core.seats.ticket_expiry(user_key)

    def revoke_tickets(self, user_key: str) -> None:
        self._core.seats.revoke(user_key)
        self._seats_changed()

    def _seats_changed(self) -> None:
        """Re-arm the expiry timer for the soonest ticket and the grace period."""
        soonest = self._core.seats.next_expiry()
        if soonest is None or self.closed:
            self._expiry.stop()
        else:
            self._expiry.start(max(0, math.ceil((soonest - self._clock()) * 1000)))
        if self.closed:
            return
        if self._core.seats.seats_taken or self.info.persistent:
            self._grace.stop()
        elif not self._grace.isActive():
            self._grace.start()

    @Slot()
    def _on_expiry_timeout(self) -> None:
        self._core.expire_tickets()
        self._seats_changed()

    @Slot()
    def _on_grace_timeout(self) -> None:
        if not self._core.seats.seats_taken and not self.closed:
            self.emptied.emit()

    def restore_history(self, messages: Sequence[ChatMessage]) -> None:
        """A reopened room: newcomers see these stored messages, and numbering goes on
        after the last of them. Call before anyone enters."""
        if self._service is not None:
            messages = self._service.attachments.with_attachments(self.info.id, list(messages))
        self._core.restore_history(messages)
        if messages:
            self._log.resume_after(messages[-1].seq)

    @property
    def history(self) -> Sequence[ChatMessage]:
        """What newcomers are given, oldest first."""
        return self._core.history

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
            self._core.opened(connection, connection.address_key, connection.peer)
            # Bound slots, not per-connection lambdas: PySide builds a receiver object for
            # every distinct Python callable, which costs memory on every connection.
            connection.on_requests = self._on_connection_requests
            connection.closed.connect(self._on_connection_closed)
            connection.set_deadline(
                self._config.enter_timeout, ErrorCode.TIMEOUT, "no enter in time"
            )

    def _on_connection_requests(self, connection: Connection, items: list[ParsedItem]) -> None:
        try:
            if self._pages.hold_back(connection, items):  # read meanwhile (back-pressure let go)
                connection.pause_reading()  # until its page is sent: behind it, in order
                return
            self._passwords.received(connection, items)
        except Exception:  # nothing a client sends may raise out of a slot
            logs.server.exception("room %d: request from %s failed", self.info.id, connection.peer)
            connection.close_with_error(ErrorCode.INTERNAL_ERROR, "the server hit an error")

    @Slot()
    def _on_connection_closed(self) -> None:
        connection = self.sender()
        if not isinstance(connection, Connection):
            return
        self._senders.pop(connection, None)
        self._pages.forget(connection)  # a page being read for it goes nowhere
        try:
            if self._files is not None:
                self._files.connection_closed(connection)
            self._carry_out(self._core.connection_closed(connection))
        except Exception:  # a slot must not raise; the room goes on without that member
            logs.server.exception("room %d: forgetting %s failed", self.info.id, connection.peer)

    def _carry_out(self, effects: list[Effect[Connection]]) -> None:
        """Do what the core decided, in its order. A connection closed meanwhile from
        outside (cut off as a slow reader while a batch was delivered) gets nothing more.

        A `Store` waits for the end of the turn (group commit) when it is the last effect;
        anything after it is done after it is delivered, as it was decided."""
        stored = False
        for effect in effects:
            if isinstance(effect, Store):
                if effect.connection.is_open:
                    refuse = self._refuser(effect.connection)
                    self._log.add(effect.sender, effect.ts, effect.texts, effect.ids, refuse)
                    stored = True
                    if effect.connection not in self._senders:
                        self._senders[effect.connection] = None
                        self._pressure.hold(effect.connection)
                continue
            if stored:
                self._log.flush()
                stored = False
            if isinstance(effect, Send):
                effect.connection.send(effect.event)
            elif isinstance(effect, ReadHistory):
                self._pages.read(effect.connection, effect.request)
            elif isinstance(effect, Broadcast):
                self._send_all(QByteArray(encode(effect.event)))
            elif isinstance(effect, Close):
                if effect.code is not None:
                    effect.connection.close_with_error(effect.code, effect.text)
                elif effect.last is not None:
                    effect.connection.close_with(effect.last)
                else:
                    effect.connection.close()
            elif isinstance(effect, Admit):
                effect.connection.clear_deadline()
                effect.connection.idle_checked = True
            elif isinstance(effect, SeatsChanged):
                self._seats_changed()
            elif isinstance(effect, Relay):
                if isinstance(effect.event, ReadUpTo):  # rides in the next delivery
                    self._held.hold(effect.connection, encode(effect.event))
                    self._keep_read(effect.event)
                else:
                    self._relay(effect.connection, QByteArray(encode(effect.event)))
            elif isinstance(effect, Wake):
                delay = max(int(effect.delay * 1000) + 1, 1)
                if not self._wake.isActive() or self._wake.remainingTime() > delay:
                    self._wake.start(delay)
            elif isinstance(effect, MemberJoined | MemberLeft):
                if isinstance(effect, MemberJoined) and self.info.persistent:
                    self._remember_entry(effect.name)
                signal = (
                    self.member_joined if isinstance(effect, MemberJoined) else self.member_left
                )
                signal.emit(effect.name)
                self.members_changed.emit()
            elif isinstance(effect, Remember):
                self._moderation.apply(self.info.id, effect.change)
                if isinstance(effect.change, DeletedMessage) and self._service is not None:
                    self._service.forget_message(self.info.id, effect.change.seq)  # its file too
                    if self._files is not None:  # and downloads of it stop
                        self._files.messages_deleted()
                self.moderated.emit(effect.change)
            elif isinstance(effect, SummaryChanged):
                self.members_changed.emit()  # the lobby's room_updated
            elif isinstance(effect, FileWork) and self._files and effect.connection.is_open:
                self._files.handle(effect.connection, effect.key, effect.name, effect.request)

    def _remember_entry(self, name: str) -> None:
        """Record that the member called `name` has entered: search lets them read it."""
        key = next((k for k, member in self.members.items() if member.name == name), None)
        if key is None:
            return
        try:
            self._store.record_entry(self.info.id, key)
        except DatabaseError as failure:
            logs.db.warning("room %d: %s's entry not recorded: %s", self.info.id, name, failure)

    @staticmethod
    def _refuser(connection: Connection) -> Callable[..., None]:
        def refuse(
            code: ErrorCode, text: str, request_ids: list[RequestId], wait: float | None
        ) -> None:
            for request_id in request_ids:
                connection.send(error_reply(ProtocolError(code, text, request_id, wait)))

        return refuse

    def _deliver(self, sender: str, ts: str, items: list[tuple[int, str]]) -> None:
        """Committed messages: the core keeps them for newcomers and gives the frames,
        encoded once and written as the same buffers to every member (`_broadcast`)."""
        self._broadcast(self._core.committed(sender, ts, items))

    def _posted(self, message: ChatMessage) -> None:
        """A stored message with an attachment, for every member and newcomers."""
        self._send_all(QByteArray(self._core.posted(message)))

    def _deliver_many(self, batches: Batches) -> None:
        """Several committed batches (of a turn): the same buffers to every member for them
        all (`_broadcast`)."""
        committed = self._core.committed
        self._broadcast(b"".join([committed(s, ts, items) for s, ts, items in batches]))

    def restore_read(self, read: dict[str, int]) -> None:
        """A reopened room: the read markers kept from before the restart."""
        self._core.markers.read.update(read)

    def _keep_read(self, marker: ReadUpTo) -> None:
        if self._read_store is None:
            return
        try:
            self._read_store.keep(self.info.id, marker.name, marker.seq)
        except DatabaseError:  # a marker is not worth failing for: the next one may land
            logs.db.warning("room %d: a read marker was not stored", self.info.id)

    def _relay(self, about: Connection, data: QByteArray) -> None:
        """One buffer to every member but `about` (read markers, typing): as `_send_all`,
        through each connection's `output`, with the size asked once."""
        size = data.size()
        for member in list(self.members.values()):
            connection = member.connection
            if connection is not about:
                connection.output.send_bytes(data, size)

    def _send_all_with_markers(self, data: QByteArray) -> None:
        """`data` and the held read markers, each member's own left out of its buffer."""
        everyone, own = with_markers(data, self._held.take())
        largest = 0
        for member in list(self.members.values()):
            connection = member.connection
            backlog = connection.output.send_bytes(own.get(connection, everyone))
            if backlog > largest:
                largest = backlog
        self._pressure.wrote(largest)

    @Slot()
    def _on_held_due(self) -> None:
        for about, frame in self._held.take():
            self._relay(about, QByteArray(frame))

    @Slot()
    def _on_wake_timeout(self) -> None:
        try:
            self._carry_out(self._core.markers_due())
        except Exception:  # a slot must not raise
            logs.server.exception("room %d: relaying read markers failed", self.info.id)

    def _resume_reading(self, connection: Connection) -> None:
        """Read `connection` again after its page, unless back-pressure holds it."""
        if not self._pressure.holds(connection):
            connection.resume_reading()

    def _broadcast(self, data: bytes) -> None:
        """Frames for every member, a turn's worth at most: in pieces (`write_blocks`)."""
        for block in write_blocks(data):
            self._send_all(QByteArray(block))

    def _send_all(self, data: QByteArray) -> None:
        """One buffer to every member: the per-delivery hot path, so a call each and no more."""
        if self._held.waiting:
            self._send_all_with_markers(data)
            return
        largest = 0
        size = data.size()
        for member in list(self.members.values()):  # a slow reader may be cut off meanwhile
            backlog = member.connection.output.send_bytes(data, size)
            if backlog > largest:
                largest = backlog
        self._pressure.wrote(largest)

    # --- closing -------------------------------------------------------------------------

    def kick_member(self, name: str, code: ErrorCode, text: str, by: str | None = None) -> bool:
        """Close the room connection of the member called `name` (the others learn they
        were removed `by` that name, when given); False if none is."""
        effects = self._core.kick_member(name, code, text, by)
        self._carry_out(effects)
        return bool(effects)

    def record(self, act: Act) -> None:
        """Write an act done from outside the room's conversation (the admin window's kick)
        to the audit log."""
        self._carry_out([Remember(act)])

    @property
    def modes(self) -> Modes:
        """Its slow mode, read-only and locked doors, as they are now."""
        return self._core.moderator.rules.modes

    def moderate_as_server(
        self, request: ModerationRequest | RoomSettings, password_hash: str | None = None
    ) -> ErrorReply | None:
        """Carry out a moderation request or a settings change as the server (the admin
        window), through the same rules and events as a member's (a new password comes
        hashed); None once done, or the error it was refused with (nothing changed)."""
        server = Member("", BY_OPERATOR, _SERVER, operator=True)
        effects = self._core.moderator.answer(server, request, password_hash)
        refusal = next((e.event for e in effects if isinstance(e, Send) and e.connection is _SERVER
                        and isinstance(e.event, ErrorReply)), None)  # fmt: skip
        self._carry_out(
            [e for e in effects if not (isinstance(e, Send) and e.connection is _SERVER)]
        )
        return refusal

    def kick_user(self, user_key: str, code: ErrorCode, text: str) -> None:
        """Close that user's connection to this room (if any) and drop their tickets."""
        self._carry_out(self._core.kick_user(user_key, code, text))

    def close(self, code: ErrorCode | None = None, text: str = "") -> None:
        """Stop listening and close every connection (with an error frame when given)."""
        if self.closed:
            return
        effects = self._core.close(code, text)
        self._grace.stop()
        self._pressure.stop()
        self._listener.close()
        self._expiry.stop()
        self._log.close()
        self._pages.close()
        if self._files is not None:
            self._files.close()
        self._carry_out(effects)
