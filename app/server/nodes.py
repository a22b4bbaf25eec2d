"""This server as one node of several sharing a PostgreSQL database: its lease in `nodes`,
its rooms recorded for the other nodes' lobbies, their rooms shown in its own, and the
notices between them (node_bus.py). SQLite has no nodes: one server per database."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSysInfo, QTimer, Signal, Slot

from app.server.config import ServerConfig
from app.server.database import DatabaseError
from app.server.node_bus import NodeBus, Notice
from app.server.node_registry import NodeNameInUseError, NodeRegistry
from app.server.placement import PLACE, PLACED, Placement
from app.server.remote_rooms import RemoteRooms
from app.server.shared_tickets import SharedTickets
from app.server.store import ChatStore
from app.shared import logs
from app.shared.limits import Clock
from app.shared.protocol import (
    ErrorCode,
    NodeAddress,
    RoomAdded,
    RoomRemoved,
    RoomUpdated,
    ServerEvent,
    encode,
    fitted_nodes,
)

if TYPE_CHECKING:
    from app.server.directory import RoomDirectory
    from app.server.lobby import Lobby
    from app.server.room import Room

# What a notice is about: a room that changed or was deleted (its id), a node (its name).
ROOM, DELETE, NODE = "room", "delete", "node"
# Hosts a node may listen on that no client can connect to: such a node is advertised with
# host "" (the host the client reached), right for nodes on one machine (`--workers`).
ANY_HOSTS = frozenset({"", "0.0.0.0", "::", "*"})


def default_node_name(config: ServerConfig) -> str:
    """The host name and main port; with port 0 (any port) the process id as well."""
    host = QSysInfo.machineHostName()
    if config.port == 0:
        return f"{host}:0-{QCoreApplication.applicationPid()}"
    return f"{host}:{config.port}"


class Node(QObject):
    """This server's node: registered at once (raising `NodeNameInUseError` while a live
    node has the name), then `attach()`ed to the directory and lobby, `start()`ed, and
    `stop()`ped at shutdown, which removes its row so the others know at once.

    Every third of `--node-lease` it renews its lease and reports its load, checks the
    bus, and forgets dead nodes: their temporary rooms close, their persistent rooms are
    taken over by whichever live node claims them first.

    Signals:
        nodes_changed(): the `nodes` rows may read differently: this node started or
            renewed its lease, or another node came or went (for the admin window).
    """

    nodes_changed = Signal()

    def __init__(
        self,
        config: ServerConfig,
        store: ChatStore,
        parent: QObject | None = None,
        wall_clock: Clock = time.time,
    ) -> None:
        super().__init__(parent)
        self.name = config.node_name or default_node_name(config)
        self._lease = config.node_lease
        self._wall_clock = wall_clock
        self.registry = NodeRegistry(store.db, self.name, config.advertise_host or config.host)
        self.registry.register(config.port, wall_clock() + self._lease, wall_clock())
        self._port = config.port
        self._advertise_host = config.advertise_host
        self.tickets = SharedTickets(store.db, config.ticket_ttl, wall_clock)
        self.remote = RemoteRooms(self.registry, self.tickets, self, wall_clock)
        self.bus = NodeBus(store.db, self.name, self)
        self.bus.notice_received.connect(self._on_bus_notice_received)
        self.bus.reconnected.connect(self._on_bus_reconnected)
        self._directory: RoomDirectory | None = None
        self._lobby: Lobby | None = None  # told the live nodes' main ports
        self._missed = False  # notices may have been missed: read every room again
        self.placement: Placement | None = None  # made by attach()
        self._timer = QTimer(self)
        self._timer.setInterval(int(self._lease * 1000 / 3))
        self._timer.timeout.connect(self.renew)
        logs.server.info("node %r joined %s", self.name, store.db.path)

    def now(self) -> float:
        """The wall clock leases are measured on (Unix seconds)."""
        return self._wall_clock()

    def close_stale_rooms(self) -> int:
        return self.registry.close_stale_rooms(self._wall_clock())

    def claim_persistent(self) -> set[int]:
        return self.registry.claim_persistent(self._wall_clock())

    def attach(self, directory: RoomDirectory, lobby: Lobby) -> None:
        """Record this node's rooms as they open and change; show the others' in `lobby`."""
        self._directory = directory
        self._lobby = lobby
        directory.elsewhere = self.remote
        directory.shared_tickets = self.tickets.take
        directory.shared_revoke = self.tickets.revoke
        directory.advertise_host = self._advertise_host
        self.placement = Placement(
            self.registry.db, self.name, self.bus, directory, self._lease, self, self._wall_clock
        )
        directory.placement = self.placement
        for room in directory.rooms.values():  # reopened before the node was attached
            self._on_directory_room_changed(room)
        directory.room_added.connect(self._on_directory_room_changed)
        directory.room_update_released.connect(self._on_directory_room_changed)
        directory.room_removed.connect(self._on_directory_room_removed)

        def announce(event: ServerEvent) -> None:
            lobby.announce(event)

        self.remote.room_added.connect(lambda summary: announce(RoomAdded(summary)))
        self.remote.room_updated.connect(lambda summary: announce(RoomUpdated(summary)))
        self.remote.room_removed.connect(lambda room_id: announce(RoomRemoved(room_id)))
        self.remote.room_deleted.connect(lambda room_id: self._tell(room_id, None, DELETE))

    def start(self, port: int) -> None:
        """The main port is open: record it, read the other nodes' rooms, tell them."""
        self._port = port
        self.registry.set_port(port)
        self.remote.resynchronise()
        self.bus.publish(NODE, self.name)
        self._timer.start()
        self.tell_nodes()
        self.nodes_changed.emit()

    @Slot()
    def renew(self) -> None:
        """Renew the lease (a timer calls this every third of it); see the class."""
        now = self._wall_clock()
        rooms = self._directory.rooms.values() if self._directory is not None else ()
        members = sum(len(room.members) for room in rooms)
        self.bus.check()  # first: it has a connection of its own
        try:
            if not self.registry.renew(now + self._lease, len(rooms), members):
                logs.server.error("node %r: the lease had run out; registering again", self.name)
                self.registry.register(self._port, now + self._lease, now)
            if self._missed:  # the bus listens again: what it missed is in the tables
                self.remote.resynchronise()
                self._missed = False
            dead = self.registry.forget_dead(now)
            if dead:
                logs.server.warning("node(s) %s stopped renewing their lease", ", ".join(dead))
                self.bus.publish(NODE, self.name)
                self._take_over()
                self.remote.resynchronise()
            self.tickets.prune()
            self.tell_nodes()
        except NodeNameInUseError as taken:
            logs.server.error("node %r: %s", self.name, taken)
        except DatabaseError as failure:
            logs.db.warning("node %r: lease not renewed: %s", self.name, failure)
        self.nodes_changed.emit()

    def _take_over(self) -> None:
        """Open here the persistent rooms of dead nodes that this node claimed."""
        if self._directory is None:
            return
        claimed = self.claim_persistent() - set(self._directory.rooms)
        for room_id in claimed:
            self.remote.forget(room_id)
        if claimed:
            self._directory.reopen_persistent_rooms(claimed)

    def _on_directory_room_changed(self, room: Room) -> None:
        self._tell(room.info.id, len(room.members))

    def _on_directory_room_removed(self, room_id: int) -> None:
        try:
            if self._directory is not None:  # (not once stopped: the store is closing)
                self.registry.forget_placements(room_id)
        except DatabaseError as failure:  # pruned when a node's lease runs out
            logs.db.warning("node %r: placements of room %d kept: %s", self.name, room_id, failure)
        self._tell(room_id, None)

    def _tell(self, room_id: int, members: int | None, kind: str = ROOM) -> None:
        try:
            if members is not None:
                self.registry.place_room(room_id, members)
            self.bus.publish(kind, room_id)
        except DatabaseError as failure:  # the others catch up at their next resync
            logs.db.warning("node %r: room %d not announced: %s", self.name, room_id, failure)

    @Slot(object)
    def _on_bus_notice_received(self, notice: Notice) -> None:
        try:
            if notice.kind == ROOM and notice.subject.isdigit():
                room_id = int(notice.subject)
                if self._directory is None or room_id not in self._directory.rooms:
                    self.remote.refresh(room_id)
            elif notice.kind == DELETE and notice.subject.isdigit():
                self._delete(int(notice.subject))
            elif notice.kind == PLACE and notice.subject.isdigit() and self.placement:
                self.placement.on_place(int(notice.subject))
            elif notice.kind == PLACED and notice.subject.isdigit() and self.placement:
                self.placement.on_placed(int(notice.subject))
            elif notice.kind == NODE:  # one came or left: a leaver's rooms want a node
                self._take_over()
                self.remote.resynchronise()
                self.tell_nodes()
                self.nodes_changed.emit()
        except DatabaseError as failure:
            logs.db.warning("node %r: notice %s not followed: %s", self.name, notice, failure)

    def tell_nodes(self) -> None:
        """Give the lobby the live nodes' main ports (as `nodes`, for logins), and send them
        to every logged-in session when they changed: where to sign in again if this node
        stops. Raises `DatabaseError`."""
        lobby = self._lobby
        if lobby is None:
            return
        live = self.registry.live_nodes(self._wall_clock())
        addresses = [
            NodeAddress(node.port, "" if node.host in ANY_HOSTS else node.host)
            for node in live
            if node.port > 0  # a node still opening its main port
        ]
        event = fitted_nodes(addresses)
        frame = encode(event)
        if frame != lobby.nodes_frame:
            lobby.nodes_frame = frame
            lobby.announce(event)

    def _delete(self, room_id: int) -> None:
        """Another node's lobby deleted a room (recorded already): close it if it is here."""
        if self._directory is not None and room_id in self._directory.rooms:
            self._directory.delete_room(room_id, ErrorCode.ROOM_CLOSED, "the room was deleted")
        else:
            self.remote.refresh(room_id)

    @Slot()
    def _on_bus_reconnected(self) -> None:
        self._missed = True  # read again once the store's connection answers too

    def stop(self) -> None:
        """Leave cleanly: the row goes, and the other nodes are told."""
        self._timer.stop()
        self._lobby = None
        if self._directory is not None:
            # Sessions still closing after this must not reopen the closed store for us.
            directory, self._directory = self._directory, None
            directory.elsewhere = directory.shared_tickets = None
            directory.shared_revoke = directory.placement = None
        try:
            self.registry.remove()
            self.bus.publish(NODE, self.name)
        except DatabaseError as failure:
            logs.db.warning("node %r: not removed (its lease runs out): %s", self.name, failure)
        self.bus.close()
        logs.server.info("node %r left", self.name)
