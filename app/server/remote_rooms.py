"""The rooms other nodes run, as this node's lobby shows them: read from the tables (all at
once after a reconnection, one room per notice otherwise) and joined with shared tickets."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from app.server.moderation import RoomRules
from app.server.moderation_store import ModerationStore
from app.server.node_registry import NodeRegistry, RemoteRoomRow
from app.server.room_conversation import RoomInfo
from app.server.shared_tickets import SharedTickets
from app.shared.limits import Clock
from app.shared.protocol import ErrorCode, ProtocolError, RequestId, RoomSummary
from app.shared.validation import login_key


class RemoteRoom:
    """A room on another node, as the lobby's `join_room` needs it (the `Room` calls the
    lobby makes). The seat is decided by the room's node when the ticket is shown there."""

    members: frozenset[str] = frozenset()  # names are the room's node's: it replaces a twin

    def __init__(self, row: RemoteRoomRow, tickets: SharedTickets, rules: RoomRules | None) -> None:
        summary = row.summary
        self._summary = summary
        self._tickets = tickets
        self._rules = rules
        self.info = RoomInfo(summary.id, summary.name, summary.owner, summary.capacity,
                             row.password_hash, summary.created_at, summary.persistent)  # fmt: skip

    @property
    def locked(self) -> bool:
        return self.info.password_hash is not None

    def summary(self) -> RoomSummary:
        return self._summary

    def check_may_enter(self, user_key: str, request_id: RequestId, operator: bool = False) -> None:
        """Its bans and locked doors, as its node keeps them in the tables (an operator is
        let in); its node checks both again when the ticket is shown."""
        if self._rules is not None:
            self._rules.check_may_enter(user_key, request_id, operator)

    def reserve_seat(
        self, user_key: str, name: str, request_id: RequestId = None, operator: bool = False
    ) -> str:
        if self._summary.members >= self._summary.capacity:
            raise ProtocolError(ErrorCode.ROOM_FULL, "the room is full", request_id)
        return self._tickets.issue(self.info.id, user_key, name, operator)


class RemoteRooms(QObject):
    """The other live nodes' open rooms, kept in step with the tables.

    Signals:
        room_added(object), room_updated(object): a `RoomSummary` appeared or changed.
        room_removed(int): the room with this id closed, or its node died.
        room_deleted(int): this node's lobby deleted the room (recorded): its node must
            close it.
    """

    room_added = Signal(object)
    room_updated = Signal(object)
    room_removed = Signal(int)
    room_deleted = Signal(int)

    def __init__(
        self,
        registry: NodeRegistry,
        tickets: SharedTickets,
        parent: QObject | None = None,
        wall_clock: Clock = time.time,
    ) -> None:
        super().__init__(parent)
        self._registry = registry
        self._tickets = tickets
        self._moderation = ModerationStore(registry.db)
        self._wall_clock = wall_clock
        self.rows: dict[int, RemoteRoomRow] = {}

    def listing(self) -> list[RoomSummary]:
        return [row.summary for row in self.rows.values()]

    def names(self) -> list[str]:
        return [row.summary.name for row in self.rows.values()]

    def find(self, room_id: int) -> RemoteRoom | None:
        """The room, read again (its member count, whether it is still open)."""
        self.refresh(room_id)
        row = self.rows.get(room_id)
        if row is None:
            return None
        now = self._wall_clock()
        bans = self._moderation.bans(room_id, now)
        modes = self._moderation.modes(room_id)  # locked doors keep newcomers out here too
        rules = RoomRules(login_key(row.summary.owner), (), bans, self._wall_clock, modes=modes)
        return RemoteRoom(row, self._tickets, rules)

    def resynchronise(self) -> None:
        """Read every remote room again: after a reconnection, or when a node came or went."""
        fresh = {row.summary.id: row for row in self._registry.remote_rooms(self._wall_clock())}
        for room_id in [r for r in self.rows if r not in fresh]:
            del self.rows[room_id]
            self.room_removed.emit(room_id)
        for room_id, row in fresh.items():
            self._store(room_id, row)

    def refresh(self, room_id: int) -> None:
        """One room changed on its node: read its row again."""
        found = self._registry.remote_rooms(self._wall_clock(), room_id)
        if found:
            self._store(room_id, found[0])
        elif self.rows.pop(room_id, None) is not None:
            self.room_removed.emit(room_id)

    def _store(self, room_id: int, row: RemoteRoomRow) -> None:
        known = self.rows.get(room_id)
        self.rows[room_id] = row
        if known is None:
            self.room_added.emit(row.summary)
        elif known.summary != row.summary:
            self.room_updated.emit(row.summary)

    def deleted_here(self, room_id: int) -> None:
        if self.rows.pop(room_id, None) is not None:
            self.room_removed.emit(room_id)
        self.room_deleted.emit(room_id)

    def forget(self, room_id: int) -> None:
        """The room now runs here (taken over from a dead node)."""
        self.rows.pop(room_id, None)
