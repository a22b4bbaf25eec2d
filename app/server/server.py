"""The server core: the main port, the lobby, the room directory, the store. No widgets."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QHostAddress

from app.server.announcing import should_announce
from app.server.budgets import Budgets
from app.server.config import ServerConfig
from app.server.connection import Connection
from app.server.database import DatabaseError
from app.server.directory import RoomDirectory
from app.server.engines import PostgresEngine
from app.server.hashing import PasswordHasher
from app.server.history_expiry import HistoryExpiry
from app.server.lobby import Lobby
from app.server.moderation import Act
from app.server.store import ChatStore
from app.server.tls import make_listener
from app.shared import logs
from app.shared.limits import Clock
from app.shared.protocol import (
    BY_OPERATOR,
    KICK,
    MAIN_PORT_TYPES,
    ErrorCode,
    ErrorReply,
    ModerationRequest,
    ProtocolError,
    RoomSettings,
    error_reply,
)
from app.shared.validation import check_room_password

if TYPE_CHECKING:
    from app.server.mdns_announcer import MdnsAnnouncer
    from app.server.nodes import Node

FLUSH_SECONDS = 3.0
TOKEN_PRUNE_SECONDS = 3_600.0  # expired resume tokens are deleted at start and then hourly


class ChatServer(QObject):
    """Everything the server does, on the Qt event loop; a window or a test can watch it.

    Making one opens the database (closing temporary rooms an earlier run left open, and
    reopening the persistent ones) or raises `DatabaseError` (`DatabaseInUseError` while
    another server holds it); `listen()` opens the main port.
    `shutdown()` tells every client `server_shutdown`, closes every room and the database.

    Signals:
        shut_down(): the server has stopped and every goodbye has been flushed (or given up
            on after a few seconds); the event loop may quit now.
        clients_changed(int): the number of open connections (main and room ports).
        users_changed(int): the number of logged-in users.
    Rooms and sessions are reachable as `directory` (with its room signals) and `lobby`;
    `announcer` is its DNS-SD announcement when `listen()` started one; `node` its `Node`
    on PostgreSQL (nodes.py), None on SQLite.
    Events worth a person's attention are logged at INFO or above on the `roomchat.*` loggers.
    """

    shut_down = Signal()
    clients_changed = Signal(int)
    users_changed = Signal(int)

    def __init__(
        self,
        config: ServerConfig,
        parent: QObject | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self._wall_clock = wall_clock
        self._clock = clock  # every deadline, idle check, ticket and throttle runs on it
        # Raises DatabaseInUseError while another server runs on this SQLite database;
        # on PostgreSQL every server is a node (NodeNameInUseError for a live node's name).
        self.store = ChatStore(config.db_path, exclusive=True)
        self.node: Node | None = None  # on PostgreSQL: this server's node among several
        try:
            if isinstance(self.store.db.engine, PostgresEngine):  # SQLite: one server
                # Imported here: on SQLite the node modules would only take memory.
                from app.server.nodes import Node

                self.node = Node(config, self.store, self, wall_clock)
            stale = self.node.close_stale_rooms() if self.node else self.store.close_stale_rooms()
        except BaseException:
            if self.node is not None:
                self.node.stop()
            self.store.close()
            raise
        if stale:
            logs.server.info("closed %d room(s) left open by an earlier run", stale)
        self.hasher = PasswordHasher(config.hash_profile, config.max_pending_hashes, self)
        self.connections: set[Connection] = set()
        self._per_address: dict[str, int] = {}
        self._sweep = QTimer(self)
        self._sweep.timeout.connect(self.sweep)
        period = min(config.idle_timeout / 4, 5.0) if config.idle_timeout > 0 else 5.0
        self._sweep.start(int(period * 1000))
        self.budgets = Budgets(config, clock)  # per account and address, across connections
        self.directory = RoomDirectory(
            config, self.store, self._track, self.budgets, self, clock, wall_clock, self.hasher
        )
        try:
            self.directory.reopen_persistent_rooms(
                None if self.node is None else self.node.claim_persistent()
            )
        except BaseException:
            if self.node is not None:
                self.node.stop()
            self.directory.close_all()
            self.hasher.close()
            self.store.close()
            raise
        # Messages older than --history-days go in a daily pass, by the wall clock.
        self.history_expiry = HistoryExpiry(
            self.store, config.history_days, self, wall_clock, self.directory.files.forget_room
        )
        self.history_expiry.start()
        # Resume tokens outlive the process, so they expire by `wall_clock` (Unix time).
        self.lobby = Lobby(config, self.store, self.hasher, self.directory, self, clock, wall_clock)
        self.lobby.prune_tokens()
        self._tokens_pruned = clock()
        if self.node is not None:
            self.node.attach(self.directory, self.lobby)
        self.lobby.user_logged_in.connect(lambda _: self.users_changed.emit(self.user_count))
        self.lobby.user_logged_out.connect(lambda _: self.users_changed.emit(self.user_count))
        self._listener = make_listener(config.tls, config.handshake_timeout, self)
        # pendingConnectionAvailable, not newConnection: a TLS socket is only handed over
        # once its handshake is done.
        self._listener.pendingConnectionAvailable.connect(
            self._on_listener_pending_connection_available
        )
        self.announcer: MdnsAnnouncer | None = None  # set by listen() when announcing
        self._stopped = False
        self._flush_timer = QTimer(self)
        self._flush_deadline = 0.0

    def listen(self) -> bool:
        if not self._listener.listen(QHostAddress(self.config.host), self.config.port):
            logs.net.error(
                "cannot listen on %s:%d: %s",
                self.config.host,
                self.config.port,
                self._listener.errorString(),
            )
            return False
        logs.net.info("listening on %s:%d", self.config.host, self.port)
        if self.node is not None:
            self.node.start(self.port)
        if should_announce(self.config):
            self._announce()
        if self.config.tls is None:
            logs.net.warning(
                "TLS is off: passwords and messages cross the network unencrypted "
                "(see --tls-cert and --make-cert)"
            )
        return True

    def _announce(self) -> None:
        """Announce the server with DNS-SD; the TXT room count follows rooms opening and
        closing. A server that cannot announce still serves (it is only harder to find)."""
        from app.server.mdns_announcer import MdnsAnnouncer  # the DNS code: only when used

        announcer = MdnsAnnouncer(self.config, self.port, self.room_count, self, self._clock)
        if not announcer.start():
            logs.net.warning("mDNS: cannot announce the server on the local network")
            announcer.deleteLater()
            return
        self.announcer = announcer
        self.directory.room_added.connect(self._on_directory_rooms_changed)
        self.directory.room_removed.connect(self._on_directory_rooms_changed)

    @Slot()
    def _on_directory_rooms_changed(self) -> None:
        if self.announcer is not None:
            self.announcer.set_rooms(self.room_count)

    @property
    def port(self) -> int:
        return self._listener.serverPort()

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.port}"

    @property
    def user_count(self) -> int:
        return len(self.lobby.online)

    @property
    def room_count(self) -> int:
        return len(self.directory.rooms)

    def _track(self, connection: Connection) -> bool:
        """Count a new connection, or refuse it with `server_busy` past a connection cap."""
        address = connection.address_key
        per_address = self._per_address.get(address, 0)
        config = self.config
        if (config.max_connections and len(self.connections) >= config.max_connections) or (
            config.max_connections_per_address and per_address >= config.max_connections_per_address
        ):
            logs.net.warning("refusing %s: too many connections", connection.peer)
            connection.close_with_error(ErrorCode.SERVER_BUSY, "too many connections; try later")
            return False
        self._per_address[address] = per_address + 1
        self.connections.add(connection)
        connection.closed.connect(self._on_connection_closed)
        self.clients_changed.emit(len(self.connections))
        return True

    @Slot()
    def _on_connection_closed(self) -> None:
        connection = self.sender()
        if isinstance(connection, Connection):
            self._forget(connection)
            self.lobby.connection_closed(connection)  # nothing for a room's connection

    def _forget(self, connection: Connection) -> None:
        self.connections.discard(connection)
        left = self._per_address.get(connection.address_key, 1) - 1
        if left > 0:
            self._per_address[connection.address_key] = left
        else:
            self._per_address.pop(connection.address_key, None)
        self.clients_changed.emit(len(self.connections))

    @Slot()
    def sweep(self) -> None:
        """Close connections past their deadline and logged-in ones silent past the idle
        timeout; forget old login failures; let Qt's empty write buffers go. A timer
        calls this every few seconds."""
        self.lobby.prune_throttles()
        self.budgets.prune()
        self.directory.files.uploads.expire()  # its own timer does too; a test's clock here
        if self._clock() - self._tokens_pruned >= TOKEN_PRUNE_SECONDS:
            self._tokens_pruned = self._clock()
            self.lobby.prune_tokens()
        for connection in list(self.connections):
            connection.check_deadline()
            # What a write the kernel did not take left, unwatched (unmeasured) writes too.
            connection.release_buffers()
        if self.config.idle_timeout <= 0:
            return
        horizon = self._clock() - self.config.idle_timeout
        # A paused connection is silent because the server stopped reading it.
        for connection in [c for c in self.connections if c.idle_checked and not c.paused]:
            if connection.last_activity < horizon and connection.is_open:
                logs.net.warning("%s idle for %.0f s", connection.peer, self.config.idle_timeout)
                connection.close_with_error(ErrorCode.TIMEOUT, "closed after a long silence")

    @Slot()
    def _on_listener_pending_connection_available(self) -> None:
        while self._listener.hasPendingConnections():
            socket = self._listener.nextPendingConnection()
            connection = Connection(socket, MAIN_PORT_TYPES, self.config, self, self._clock)
            if self._track(connection):
                self.lobby.accept(connection)

    def close_room(self, room_id: int) -> None:
        """An operator closes a room: members are told, its port is released, lobbies learn.
        A persistent room is deleted (as `delete_room` does), or it would come back at the
        next start."""
        room = self.directory.find(room_id)
        if room is None:
            return
        text = "the room was closed"
        if room.info.persistent:
            try:
                self.directory.delete_room(room_id, ErrorCode.ROOM_CLOSED, text)
            except DatabaseError as failure:
                logs.db.error("persistent room %d not deleted: %s", room_id, failure)
                return
            logs.server.info("operator deleted persistent room %d", room_id)
        else:
            logs.server.info("operator closed room %d", room_id)
            self.directory.close_room(room_id, ErrorCode.ROOM_CLOSED, text)

    def kick(self, room_id: int, name: str) -> bool:
        """An operator removes `name` from a room; the others see them leave."""
        room = self.directory.find(room_id)
        if room is None or not room.kick_member(
            name, ErrorCode.KICKED, "you were removed", BY_OPERATOR
        ):
            return False
        room.record(Act(room_id, self._wall_clock(), BY_OPERATOR, KICK, name))
        logs.server.info("operator removed %s from room %d", name, room_id)
        return True

    def moderate(
        self,
        room_id: int,
        request: ModerationRequest | RoomSettings,
        password_hash: str | None = None,
    ) -> ErrorReply | None:
        """The admin window moderates a room as the server, as a member would (the same
        events, the audit log); None once done, or why not (`no_such_room` once it has
        gone; the room's own refusal, nothing changed)."""
        room = self.directory.find(room_id)
        if room is None:
            return ErrorReply(ErrorCode.NO_SUCH_ROOM.value, "the room has closed")
        refusal = room.moderate_as_server(request, password_hash)
        if refusal is None:
            logs.server.info("operator did %s in room %d", request.TYPE, room_id)
        return refusal

    def moderate_later(
        self,
        room_id: int,
        request: ModerationRequest | RoomSettings,
        answered: Callable[[ErrorReply | None], None],
    ) -> None:
        """As `moderate`, with its answer given to `answered`: at once, or, for a
        `room_settings` with a new password, once the password is hashed (on the pool)."""
        if not isinstance(request, RoomSettings) or request.password is None:
            answered(self.moderate(room_id, request))
            return
        try:
            check_room_password(request.password)
        except ProtocolError as refused:
            answered(error_reply(refused))
            return

        def hashed(password_hash: str | None) -> None:
            if self._stopped:
                return
            if password_hash is None:
                answered(ErrorReply(ErrorCode.INTERNAL_ERROR.value, "not hashed"))
            else:
                answered(self.moderate(room_id, request, password_hash))

        self.hasher.hash(request.password, hashed)

    @property
    def stopped(self) -> bool:
        """True once `shutdown()` ran: the rooms and the database are closed."""
        return self._stopped

    def shutdown(self) -> None:
        """Say `server_shutdown` to everyone, close every room and the database. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._sweep.stop()
        self.history_expiry.stop()
        text = "the server is shutting down"
        if self.announcer is not None:
            self.announcer.stop()  # the goodbye goes first: browsers drop us at once
        self._listener.close()
        self.lobby.close_all(ErrorCode.SERVER_SHUTDOWN, text)
        self.directory.close_all(ErrorCode.SERVER_SHUTDOWN, text)
        if self.node is not None:
            self.node.stop()
        self.hasher.close()
        self.store.close()
        logs.server.info("server stopped")
        self._flush_deadline = time.monotonic() + FLUSH_SECONDS
        self._flush_timer.timeout.connect(self._on_flush_timer_timeout)
        self._flush_timer.start(20)

    @Slot()
    def _on_flush_timer_timeout(self) -> None:
        """Goodbye frames are written by the event loop: wait for the sockets to close."""
        # Closed connections leave `connections` at once; their objects go once flushed.
        if self.findChildren(Connection) and time.monotonic() < self._flush_deadline:
            return
        self._flush_timer.stop()
        self.shut_down.emit()
