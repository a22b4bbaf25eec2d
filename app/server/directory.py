"""The directory of open rooms: opening each on a port of its own, reopening the persistent
ones at start-up, finding, closing and deleting."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QHostAddress, QTcpServer

from app.server.budgets import Budgets
from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.database import DatabaseError
from app.server.file_service import FileService
from app.server.hashing import PasswordHasher
from app.server.history_eraser import HistoryEraser
from app.server.history_reader import MAX_PENDING_PAGES, HistoryReader
from app.server.read_marker_store import ReadMarkerStore
from app.server.room import HISTORY_LENGTH, Room, RoomInfo
from app.server.seats import Holder
from app.server.store import MIGRATIONS, ChatStore, StoredRoom
from app.server.tls import make_listener
from app.shared import logs
from app.shared.limits import Clock
from app.shared.protocol import ChatMessage, ErrorCode, ProtocolError, RequestId, RoomSummary
from app.shared.validation import name_skeleton

if TYPE_CHECKING:
    from app.server.placement import Placement
    from app.server.remote_rooms import RemoteRoom, RemoteRooms

MAX_PORT_ATTEMPTS = 1_000


class RoomDirectory(QObject):
    """Owns every open `Room` and tells the lobby when one opens, changes or closes.

    Signals:
        room_added(object): a `Room` opened.
        room_updated(object): a `Room`'s member count changed (every change).
        room_update_released(object): the same for the lobbies, at once and then at most
            once per `--room-update-interval`, the latest state always following.
        room_removed(int): the room with this id closed.
        member_joined(object, str), member_left(object, str): a name entered or left a `Room`.
        moderated(object): a room wrote a moderation change (an `Act`, a `ReportedMessage`).
    """

    room_added = Signal(object)
    room_updated = Signal(object)
    room_update_released = Signal(object)
    room_removed = Signal(int)
    member_joined = Signal(object, str)
    member_left = Signal(object, str)
    moderated = Signal(object)

    def __init__(
        self,
        config: ServerConfig,
        store: ChatStore,
        track: Callable[[Connection], bool],
        budgets: Budgets,
        parent: QObject | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        hasher: PasswordHasher | None = None,
    ) -> None:
        super().__init__(parent)
        self._hasher = hasher  # a room's password set on its own port
        self.budgets = budgets  # shared by every room: per-account budgets span them all
        self._clock = clock
        self._wall_clock = wall_clock  # bans end at Unix times
        self._config = config
        self._store = store
        self._track = track
        self.rooms: dict[int, Room] = {}
        self._update_timers: dict[int, QTimer] = {}  # per room: updates wait for it
        self._updates_due: set[int] = set()  # rooms that changed while their timer ran
        self.files = FileService(config, store.db, clock, self)  # every room's attachments
        # A deleted room's messages, in batches; then its attachments and their files.
        self._eraser = HistoryEraser(store, self, self.files.forget_room)
        # Every room's `history` pages, on a thread and connection of their own.
        self.history_reader = HistoryReader(store.db, MIGRATIONS, MAX_PENDING_PAGES, self)
        # Set by a node of a PostgreSQL-backed server (nodes.py): the other nodes' rooms,
        # how a ticket one of their lobbies issued is taken, and the host its rooms show.
        self.elsewhere: RemoteRooms | None = None
        self.shared_tickets: Callable[[int, str], Holder | None] | None = None
        self.shared_revoke: Callable[[str], None] | None = None
        self.placement: Placement | None = None  # which node opens a new room
        self.advertise_host = ""

    def find(self, room_id: int) -> Room | None:
        return self.rooms.get(room_id)

    def find_joinable(self, room_id: int) -> Room | RemoteRoom | None:
        """The room, here or on another node."""
        room = self.rooms.get(room_id)
        if room is None and self.elsewhere is not None:
            return self.elsewhere.find(room_id)
        return room

    def listing(self) -> list[RoomSummary]:
        rooms = [room.summary() for room in self.rooms.values()]
        return rooms if self.elsewhere is None else rooms + self.elsewhere.listing()

    def check_name_free(self, name: str, request_id: RequestId) -> None:
        skeleton = name_skeleton(name)  # without case, and look-alikes count as the same
        names = [room.info.name for room in self.rooms.values()]
        for taken in names if self.elsewhere is None else names + self.elsewhere.names():
            if name_skeleton(taken) == skeleton:
                raise ProtocolError(
                    ErrorCode.ROOM_NAME_TAKEN, f"a room named {taken!r} is open", request_id
                )

    def check_room_allowed(self, owner: str, request_id: RequestId) -> None:
        """Room caps: every open room holds a port."""
        config = self._config
        if config.max_rooms and len(self.rooms) >= config.max_rooms:
            raise ProtocolError(
                ErrorCode.TOO_MANY_ROOMS,
                "the server has as many rooms open as it allows",
                request_id,
            )
        owned = sum(1 for room in self.rooms.values() if room.info.owner == owner)
        if config.max_rooms_per_user and owned >= config.max_rooms_per_user:
            raise ProtocolError(
                ErrorCode.TOO_MANY_ROOMS, f"you have {owned} rooms open already", request_id
            )

    def _listen(self, preferred: int | None = None) -> QTcpServer | None:
        """A listener on `preferred` if that port is free (and within --room-port-range),
        else on a free port of the range (or of the OS's choosing)."""
        address = QHostAddress(self._config.host)
        if self._config.room_port_range is None:
            candidates = [0]
        else:
            low, high = self._config.room_port_range
            count = min(high - low + 1, MAX_PORT_ATTEMPTS)
            candidates = random.sample(range(low, high + 1), count)
            if preferred is not None and not low <= preferred <= high:
                preferred = None
        if preferred is not None:
            candidates.insert(0, preferred)
        for port in candidates:
            listener = make_listener(self._config.tls, self._config.handshake_timeout)
            if listener.listen(address, port):
                return listener
            listener.deleteLater()
        return None

    def open_room(
        self,
        name: str,
        owner: str,
        capacity: int,
        password_hash: str | None,
        rid: RequestId,
        persistent: bool = False,
    ) -> Room:
        """Open a listening port, record the room, announce it. The caller checked the name."""
        listener = self._listen()
        if listener is None:
            logs.server.warning("no free port for a new room")
            raise ProtocolError(ErrorCode.NO_FREE_PORT, "no free port for a new room", rid)
        try:
            room_id, created_at = self._store.open_room(
                name, owner, listener.serverPort(), capacity, password_hash, persistent
            )
        except DatabaseError:
            listener.close()
            listener.deleteLater()
            raise
        info = RoomInfo(room_id, name, owner, capacity, password_hash, created_at, persistent)
        room = self._make_room(info, listener)
        self._register(room, "persistent room" if persistent else "room", "opened")
        return room

    def reopen_persistent_rooms(self, only: Collection[int] | None = None) -> None:
        """Open every persistent room the database holds (or those of `only`: a node's), on
        the port it had if that is free (else on a new one, recorded), with its newest
        messages for newcomers."""
        for stored in self._store.persistent_rooms():
            if only is None or stored.id in only:
                self._reopen(stored)

    def _reopen(self, stored: StoredRoom) -> None:
        listener = self._listen(stored.port)
        if listener is None:
            logs.server.error(
                "persistent room %d %r not reopened: no free port", stored.id, stored.name
            )
            return
        port = listener.serverPort()
        try:
            if port != stored.port:
                self._store.move_room(stored.id, port)
            history = self._store.last_messages(stored.id, HISTORY_LENGTH)
            read = ReadMarkerStore(self._store.db).markers(stored.id)
        except DatabaseError:
            listener.close()
            listener.deleteLater()
            raise
        if port != stored.port:
            logs.server.warning(
                "persistent room %d %r: port %d is taken; reopened on port %d (recorded)",
                stored.id,
                stored.name,
                stored.port,
                port,
            )
        info = RoomInfo(
            stored.id,
            stored.name,
            stored.owner,
            stored.capacity,
            stored.password_hash,
            stored.created_at,
            persistent=True,
        )
        room = self._make_room(info, listener)
        room.restore_history([ChatMessage(*message) for message in history])
        room.restore_read(read)
        self._register(room, "persistent room", "reopened")

    def _make_room(self, info: RoomInfo, listener: QTcpServer) -> Room:
        room_id = info.id
        room = Room(
            info,
            listener,
            self._store,
            self._config,
            self._track,
            self.budgets,
            self,
            self._clock,
            self._wall_clock,
            self.files,
            self._hasher,
            self.history_reader,
        )
        room.set_name_check(self.check_name_free)
        if self.advertise_host:
            room.set_host(self.advertise_host)
        if self.shared_tickets is not None:
            room.use_shared_tickets(self.shared_tickets)
        room.members_changed.connect(lambda: self._room_changed(room))
        room.emptied.connect(lambda: self.close_room(room_id))
        room.member_joined.connect(lambda name: self.member_joined.emit(room, name))
        room.member_left.connect(lambda name: self.member_left.emit(room, name))
        room.moderated.connect(self.moderated)
        return room

    def _register(self, room: Room, kind: str, how: str) -> None:
        info = room.info
        self.rooms[info.id] = room
        logs.server.info(
            "%s %d %r %s on port %d by %s", kind, info.id, info.name, how, room.port, info.owner
        )
        self.room_added.emit(room)

    def _room_changed(self, room: Room) -> None:
        """Announce at once, then at most once per interval: an account entering and leaving
        in a loop must not send every lobby two events a cycle. The last state is sent."""
        self.room_updated.emit(room)
        interval = self._config.room_update_interval
        if interval <= 0:
            self.room_update_released.emit(room)
            return
        room_id = room.info.id
        timer = self._update_timers.get(room_id)
        if timer is None:
            timer = self._update_timers[room_id] = QTimer(room)
            timer.setSingleShot(True)
            timer.setInterval(int(interval * 1000))
            timer.timeout.connect(lambda: self._on_update_due(room))
        if timer.isActive():
            self._updates_due.add(room_id)
            return
        self.room_update_released.emit(room)
        timer.start()

    def _on_update_due(self, room: Room) -> None:
        room_id = room.info.id
        if room_id in self._updates_due and self.rooms.get(room_id) is room:
            self._updates_due.discard(room_id)
            self.room_update_released.emit(room)
            self._update_timers[room_id].start()

    def delete_room(
        self,
        room_id: int,
        code: ErrorCode,
        text: str,
        recorded: Callable[[], None] | None = None,
    ) -> None:
        """Close a room for good, persistent or not; its messages go too unless
        --keep-deleted-history (the default) keeps them.

        The deletion is recorded first: a `DatabaseError` leaves the room as it was (else a
        persistent room would come back at the next start). `recorded` runs between that and
        the closing, so that the requester hears of the deletion before the lobbies do."""
        if room_id not in self.rooms:
            if self.elsewhere is not None and room_id in self.elsewhere.rows:
                self._store.close_room(room_id)  # recorded here; its own node closes it
                if recorded is not None:
                    recorded()
                self.elsewhere.deleted_here(room_id)
            return
        self._store.close_room(room_id)
        if recorded is not None:
            recorded()
        self.close_room(room_id, code, text, record=False)
        if not self._config.keep_deleted_history:
            self._eraser.erase(room_id)

    def close_room(
        self, room_id: int, code: ErrorCode | None = None, text: str = "", record: bool = True
    ) -> None:
        """Close a room; `record` False leaves it open in the database (a persistent room
        at shutdown, to be reopened at the next start)."""
        room = self.rooms.pop(room_id, None)
        if room is None:
            return
        timer = self._update_timers.pop(room_id, None)
        if timer is not None:
            timer.stop()
        if room_id in self._updates_due:  # the last update is never lost, even now
            self._updates_due.discard(room_id)
            self.room_update_released.emit(room)
        room.close(code, text)
        try:
            if record:
                self._store.close_room(room_id)
        except DatabaseError as failure:
            logs.db.error("room %d not marked closed: %s", room_id, failure)
        logs.server.info("room %d closed, port %d released", room_id, room.port)
        self.room_removed.emit(room_id)
        room.deleteLater()

    def revoke_tickets_everywhere(self, user_key: str) -> None:
        """Drop the user's unused tickets in every room (they logged out), freeing seats."""
        for room in list(self.rooms.values()):
            room.revoke_tickets(user_key)
        if self.shared_revoke is not None:  # and those for other nodes' rooms
            try:
                self.shared_revoke(user_key)
            except DatabaseError as failure:  # they expire by themselves
                logs.db.warning("tickets of %s for other nodes kept: %s", user_key, failure)

    def trim_tickets(self, user_key: str) -> None:
        """Keep at most `--tickets-per-user` unused tickets of the user's, the newest."""
        limit = self._config.tickets_per_user
        if not limit:
            return
        held = [(e, r) for r in self.rooms.values() if (e := r.ticket_expiry(user_key)) is not None]
        if len(held) <= limit:
            return
        held.sort(key=lambda pair: pair[0])
        for _, room in held[: len(held) - limit]:
            logs.server.info("revoking an older ticket of %s in room %d", user_key, room.info.id)
            room.revoke_tickets(user_key)

    def kick_user_everywhere(self, user_key: str, code: ErrorCode, text: str) -> None:
        for room in list(self.rooms.values()):
            room.kick_user(user_key, code, text)

    def close_all(self, code: ErrorCode | None = None, text: str = "") -> None:
        """The server stops: every room closes; persistent ones stay open in the database."""
        for room_id, room in list(self.rooms.items()):
            self.close_room(room_id, code, text, record=not room.info.persistent)
        self._eraser.finish()
        self.history_reader.close()  # before the store: its thread has a connection of its own
        self.files.close()
