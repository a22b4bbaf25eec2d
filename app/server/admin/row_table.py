"""A read-only table model over a list of frozen rows with an IntEnum of columns: what the
admin window's Rooms and Nodes models share (counts, headers, bounds, reset)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex
R = TypeVar("R")
C = TypeVar("C", bound=IntEnum)
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowTable(QAbstractTableModel, Generic[R, C]):
    """Rows of `R`, columns of `C` headed by `headers`; a subclass answers `cell(row,
    column, role)` for a valid index, everything else is answered here."""

    def __init__(
        self, columns: type[C], headers: dict[C, str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._columns = columns
        self._headers = headers
        self._rows: list[R] = []

    def reset(self, rows: Iterable[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._rows)

    def columnCount(self, parent: ModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if 0 <= section < len(self._columns):
            return self._headers[self._columns(section)]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        return self.cell(self._rows[index.row()], self._columns(index.column()), role)

    def cell(self, row: R, column: C, role: int) -> object:
        raise NotImplementedError

    def row_changed(self, position: int) -> None:
        """Every cell of the row at `position` changed."""
        last = self.index(position, len(self._columns) - 1)
        self.dataChanged.emit(self.index(position, 0), last, [])
