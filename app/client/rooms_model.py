"""The lobby's table of open rooms, kept in name order and updated row by row."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.client.ui import icon
from app.shared.labels import plain_tooltip
from app.shared.protocol import RoomSummary

AnyIndex = QModelIndex | QPersistentModelIndex
ROOM_ROLE = Qt.ItemDataRole.UserRole + 1  # the RoomSummary
LOCKED_ROLE = Qt.ItemDataRole.UserRole + 2  # bool
FULL_ROLE = Qt.ItemDataRole.UserRole + 3  # bool


class Column(IntEnum):
    NAME = 0
    MEMBERS = 1
    OWNER = 2


def _room_key(room: RoomSummary) -> tuple[str, int]:
    return (room.name.casefold(), room.id)


def is_full(room: RoomSummary) -> bool:
    return room.members >= room.capacity > 0


class RoomsModel(QAbstractTableModel):
    """Open rooms as rows (name with a lock for private rooms, members/capacity, owner).

    Feed it the lobby's events: `set_rooms` (a whole list, or the first page of one),
    `upsert` (added or updated) and `remove` (by id). Rows are inserted, changed and removed
    with the matching begin/end calls.

    Signals: none beyond QAbstractTableModel's.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rooms: list[RoomSummary] = []

    # --- updates -------------------------------------------------------------------------

    def set_rooms(self, rooms: Sequence[RoomSummary], more: bool = False) -> None:
        """Make the rows match `rooms`: drop the missing, update the known, add the new.

        With `more` the list is only its first page (the rest follows as `upsert`s), so no
        row is dropped: a room that closed meanwhile is removed by its own event.
        """
        wanted = {room.id: room for room in rooms}
        if not more:
            for room in list(self._rooms):
                if room.id not in wanted:
                    self.remove(room.id)
        for room in wanted.values():
            self.upsert(room)

    def upsert(self, room: RoomSummary) -> None:
        row = self.row_of(room.id)
        if row is not None and _room_key(self._rooms[row]) == _room_key(room):
            self._rooms[row] = room
            last = self.index(row, self.columnCount() - 1)
            self.dataChanged.emit(self.index(row, 0), last)
            return
        if row is not None:
            self.remove(room.id)
        row = bisect.bisect([_room_key(r) for r in self._rooms], _room_key(room))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rooms.insert(row, room)
        self.endInsertRows()

    def remove(self, room_id: int) -> None:
        row = self.row_of(room_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rooms[row]
        self.endRemoveRows()

    def clear(self) -> None:
        self.set_rooms([])

    # --- queries -------------------------------------------------------------------------

    def row_of(self, room_id: int) -> int | None:
        for row, room in enumerate(self._rooms):
            if room.id == room_id:
                return row
        return None

    def room_at(self, row: int) -> RoomSummary | None:
        return self._rooms[row] if 0 <= row < len(self._rooms) else None

    def room(self, room_id: int) -> RoomSummary | None:
        row = self.row_of(room_id)
        return None if row is None else self._rooms[row]

    # --- QAbstractTableModel -------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self._rooms)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = {
            Column.NAME: self.tr("Room"),
            Column.MEMBERS: self.tr("People"),
            Column.OWNER: self.tr("Owner"),
        }
        return titles.get(Column(section)) if 0 <= section < len(Column) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rooms):
            return None
        room = self._rooms[index.row()]
        column = Column(index.column())
        locked = room.locked
        full = is_full(room)
        if role == ROOM_ROLE:
            return room
        if role == LOCKED_ROLE:
            return locked
        if role == FULL_ROLE:
            return full
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(room, column, full)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NAME:
            return icon("lock" if locked else "room")
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.NAME:  # the whole name, which the column may elide
                lock = self.tr("Private room: joining asks for its password")
                return plain_tooltip(f"{room.name}\n{lock}" if locked else room.name)
            if column == Column.OWNER:
                return plain_tooltip(room.owner)
            if column == Column.MEMBERS and full:
                return self.tr("Nobody else can join until someone leaves")
        if role == Qt.ItemDataRole.ForegroundRole and full:
            return QBrush(QColor("#9a3324")) if column == Column.MEMBERS else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.MEMBERS:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, room: RoomSummary, column: Column, full: bool) -> str:
        if column == Column.NAME:
            return room.name
        if column == Column.OWNER:
            return room.owner
        counts = f"{room.members} / {room.capacity}"
        return self.tr("{counts} · full").format(counts=counts) if full else counts
