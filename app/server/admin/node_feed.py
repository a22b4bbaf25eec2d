"""What the admin window shows of the nodes and of the rooms other nodes run: read on the
core thread when something about them changes (no polling of its own: the lease renewal,
the nodes' notices and this server's rooms are the ticks), sent out as plain data."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.server.admin.snapshots import NodeState, RoomState
from app.server.database import DatabaseError
from app.server.node_registry import RemoteRoomRow
from app.server.server import ChatServer
from app.shared import logs
from app.shared.protocol import RoomSummary

READ_MS = 200  # after a change, the nodes are read once within this (never more often)


def remote_room_state(row: RemoteRoomRow) -> RoomState:
    """Another node's room as the Rooms view lists it (its members' names are not known)."""
    summary = row.summary
    return RoomState(
        summary.id,
        summary.name,
        summary.port,
        (),
        summary.capacity,
        summary.locked,
        summary.owner,
        summary.created_at,
        summary.persistent,
        node=row.node,
        remote_members=summary.members,
    )


class NodeFeed(QObject):
    """Lives with a `ChatServer` on its thread (made by the `CoreBridge`).

    On PostgreSQL the nodes are read from the `nodes` table (with each other node's open
    rooms and members counted from `rooms`; this node's are counted in memory) shortly after
    a change, at most once per `READ_MS`: this node renewed its lease, a node came or went,
    a room opened, closed or changed anywhere. On SQLite the only node is this server.

    Signals:
        nodes_listed(object): a tuple of `NodeState`, by name.
        room_added(object), room_updated(object): a `RoomState` of another node's room.
        room_removed(int): another node's room closed (or its node died).
    """

    nodes_listed = Signal(object)
    room_added = Signal(object)
    room_updated = Signal(object)
    room_removed = Signal(int)

    def __init__(self, server: ChatServer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = server
        self._soon = QTimer(self)  # a burst of changes: one read
        self._soon.setSingleShot(True)
        self._soon.setInterval(READ_MS)
        self._soon.timeout.connect(self._on_soon_timeout)
        directory = server.directory
        directory.room_added.connect(self._on_something_changed)
        directory.room_removed.connect(self._on_something_changed)
        directory.room_update_released.connect(self._on_something_changed)
        directory.member_joined.connect(self._on_something_changed)
        directory.member_left.connect(self._on_something_changed)
        node = server.node
        if node is not None:
            node.nodes_changed.connect(self._on_something_changed)
            node.remote.room_added.connect(self._on_remote_room_added)
            node.remote.room_updated.connect(self._on_remote_room_updated)
            node.remote.room_removed.connect(self._on_remote_room_removed)

    @property
    def node_name(self) -> str:
        """This server's node name ("" on SQLite)."""
        return self._server.node.name if self._server.node is not None else ""

    def remote_rooms(self) -> tuple[RoomState, ...]:
        node = self._server.node
        if node is None:
            return ()
        return tuple(remote_room_state(row) for row in node.remote.rows.values())

    def nodes(self) -> tuple[NodeState, ...] | None:
        """Every node as it stands now; None if the database could not be read."""
        server = self._server
        node = server.node
        rooms = server.directory.rooms.values()
        members = sum(len(room.members) for room in rooms)
        if node is None:
            host = server.config.advertise_host or server.config.host
            return (NodeState("", host, server.port, len(rooms), members, None, True),)
        try:
            statuses = node.registry.statuses()
        except DatabaseError as failure:
            logs.db.warning("nodes not listed: %s", failure)
            return None
        now = node.now()
        found = []
        for row in statuses:
            here = row.name == node.name  # counted in memory: the table's may lag a change
            load = (len(rooms), members) if here else (row.rooms, row.members)
            found.append(
                NodeState(row.name, row.host, row.port, *load, row.lease_until >= now, here)
            )
        return tuple(found)

    @Slot()
    def _on_something_changed(self) -> None:  # Qt drops the arguments of longer signals
        if not self._server.stopped and not self._soon.isActive():
            self._soon.start()

    @Slot()
    def _on_soon_timeout(self) -> None:
        if self._server.stopped:  # the database is closed
            return
        nodes = self.nodes()
        if nodes is not None:
            self.nodes_listed.emit(nodes)

    def _state(self, room_id: int) -> RoomState | None:
        node = self._server.node
        row = node.remote.rows.get(room_id) if node is not None else None
        return remote_room_state(row) if row is not None else None

    @Slot(object)
    def _on_remote_room_added(self, summary: RoomSummary) -> None:
        state = self._state(summary.id)
        if state is not None:
            self.room_added.emit(state)
        self._on_something_changed()

    @Slot(object)
    def _on_remote_room_updated(self, summary: RoomSummary) -> None:
        state = self._state(summary.id)
        if state is not None:
            self.room_updated.emit(state)
        self._on_something_changed()

    @Slot(int)
    def _on_remote_room_removed(self, room_id: int) -> None:
        self.room_removed.emit(room_id)
        self._on_something_changed()
