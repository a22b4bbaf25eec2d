"""Live models of the open rooms and of one room's members, fed by a `CoreBridge`'s
signals (queued from the core thread); they never read a core object."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)

from app.server.admin.row_table import RIGHT, RowTable
from app.server.admin.snapshots import RoomState
from app.shared.timefmt import from_iso

if TYPE_CHECKING:
    from app.server.admin.bridge import CoreBridge

ROOM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

ModelIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    PORT = 1
    MEMBERS = 2
    LOCKED = 3
    OWNER = 4
    OPENED = 5
    NODE = 6  # hidden on SQLite (one server)


def _headers() -> dict[Column, str]:
    translate = QCoreApplication.translate
    return {
        Column.NAME: translate("RoomsModel", "Room"),
        Column.PORT: translate("RoomsModel", "Port"),
        Column.MEMBERS: translate("RoomsModel", "Members"),
        Column.LOCKED: translate("RoomsModel", "Access"),
        Column.OWNER: translate("RoomsModel", "Owner"),
        Column.OPENED: translate("RoomsModel", "Opened at"),
        Column.NODE: translate("RoomsModel", "Node"),
    }


def local_time(iso: str) -> str:
    """An ISO-8601 UTC time from the wire, shown in the server's local time."""
    return from_iso(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")


class RoomsModel(RowTable[RoomState, Column]):
    """One row per open room, in opening order: `follow(core)` feeds it, `reset` sets it
    to a snapshot. It is also the window's copy of the rooms (`room(id)`). On PostgreSQL
    the rooms of the other nodes are rows too (not `here`: only listed, never acted on).

    `ROOM_ID_ROLE` gives a row's room id; `SORT_ROLE` a value to sort the column by.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(Column, _headers(), parent)

    def follow(self, core: CoreBridge) -> None:
        """Take every room change from `core` (Qt queues them to this model's thread)."""
        core.room_added.connect(self._on_core_room_added)
        core.room_updated.connect(self._on_core_room_updated)
        core.room_removed.connect(self._on_core_room_removed)

    def room(self, room_id: int | None) -> RoomState | None:
        position = self.row_of(room_id) if room_id is not None else -1
        return self._rows[position] if position >= 0 else None

    def cell(self, row: RoomState, column: Column, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_key(row, column)
        if role == ROOM_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.OPENED:
            return row.created_at
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.PORT, Column.MEMBERS):
            return RIGHT
        return None

    def _display(self, row: RoomState, column: Column) -> str:
        if column == Column.NAME:
            return row.name
        if column == Column.PORT:
            return str(row.port)
        if column == Column.MEMBERS:
            return f"{row.member_count} / {row.capacity}"
        if column == Column.LOCKED:
            return self.tr("locked") if row.locked else self.tr("open")
        if column == Column.OWNER:
            return row.owner
        if column == Column.NODE:
            return self.tr("{node} (this node)").format(node=row.node) if row.here else row.node
        return local_time(row.created_at)

    @staticmethod
    def _sort_key(row: RoomState, column: Column) -> object:
        keys: dict[Column, object] = {
            Column.NAME: row.name.casefold(),
            Column.PORT: row.port,
            Column.MEMBERS: row.member_count,
            Column.LOCKED: int(row.locked),
            Column.OWNER: row.owner.casefold(),
            Column.OPENED: row.created_at,
            Column.NODE: f"{int(not row.here)} {row.node.casefold()}",  # this node first
        }
        return keys[column]

    def room_ids(self) -> list[int]:
        return [row.id for row in self._rows]

    def row_of(self, room_id: int) -> int:
        """The row of that room, or -1."""
        for number, row in enumerate(self._rows):
            if row.id == room_id:
                return number
        return -1

    @Slot(object)
    def _on_core_room_added(self, room: RoomState) -> None:
        if self.row_of(room.id) >= 0:  # in the snapshot, or taken over from a dead node
            self._on_core_room_updated(room)
            return
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(room)
        self.endInsertRows()

    @Slot(object)
    def _on_core_room_updated(self, room: RoomState) -> None:
        position = self.row_of(room.id)
        if position < 0:
            return
        self._rows[position] = room
        self.row_changed(position)

    @Slot(int)
    def _on_core_room_removed(self, room_id: int) -> None:
        position = self.row_of(room_id)
        if position < 0:
            return
        self.beginRemoveRows(QModelIndex(), position, position)
        del self._rows[position]
        self.endRemoveRows()


class MembersModel(QAbstractListModel):
    """The names inside one room (`set_room`), live; empty when no room is shown.

    `find` looks a room up in the window's copy (`RoomsModel.room`); `follow(core)` keeps
    the names current.
    """

    def __init__(
        self, find: Callable[[int], RoomState | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._find = find
        self.room_id: int | None = None
        self._names: list[str] = []

    def follow(self, core: CoreBridge) -> None:
        """Take every room change from `core`; follow the `RoomsModel` first, so that
        `find` knows of a change by the time this model hears of it."""
        core.room_updated.connect(self._on_core_room_updated)
        core.room_removed.connect(self._on_core_room_removed)

    def rowCount(self, parent: ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._names)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._names):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._names[index.row()]
        return None

    def names(self) -> list[str]:
        return list(self._names)

    def set_room(self, room_id: int | None) -> None:
        """Show the members of that room (or nobody, for None or a room that is gone)."""
        room = self._find(room_id) if room_id is not None else None
        self.beginResetModel()
        self.room_id = room_id if room is not None else None
        self._names = list(room.members) if room is not None else []
        self.endResetModel()

    def _sync(self, names: tuple[str, ...]) -> None:
        """Remove the names that went and append the ones that came, row by row."""
        for position in reversed(range(len(self._names))):
            if self._names[position] not in names:
                self.beginRemoveRows(QModelIndex(), position, position)
                del self._names[position]
                self.endRemoveRows()
        for name in names:
            if name not in self._names:
                position = len(self._names)
                self.beginInsertRows(QModelIndex(), position, position)
                self._names.append(name)
                self.endInsertRows()

    @Slot(object)
    def _on_core_room_updated(self, room: RoomState) -> None:
        # The room's own list is the truth: someone re-entering from elsewhere replaces
        # their earlier connection without leaving.
        if room.id == self.room_id:
            self._sync(room.members)

    @Slot(int)
    def _on_core_room_removed(self, room_id: int) -> None:
        if room_id == self.room_id:
            self.set_room(None)
