"""The main window's sidebar: "Browse rooms", the rooms the person is in, and (later) their
direct conversations."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from app.client.ui import icon
from app.shared.labels import plain_tooltip

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the room's key (server instance, room id), or None
BROWSE = "browse"  # KEY_ROLE of the "Browse rooms" entry


def _heading(text: str) -> QStandardItem:
    item = QStandardItem(text)
    font = QFont()
    font.setBold(True)
    font.setPointSizeF(max(font.pointSizeF() * 0.9, 6.0))
    item.setFont(font)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable
    return item


class Sidebar(QStandardItemModel):
    """Three sections: "Browse rooms" (the lobby's list), "Rooms" (one entry per room the
    person is in, in the order entered), and "Direct messages" (a place kept for the
    conversations the protocol is gaining; empty for now).

    Each selectable entry holds its key in KEY_ROLE: `BROWSE`, or a room's key.

    Signals: none beyond QStandardItemModel's.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        browse = QStandardItem(icon("join"), self.tr("Browse rooms"))
        browse.setData(BROWSE, KEY_ROLE)
        browse.setToolTip(self.tr("The rooms open on the server (Ctrl+B)"))
        browse.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.rooms = _heading(self.tr("Rooms"))
        self.direct = _heading(self.tr("Direct messages"))
        placeholder = QStandardItem(self.tr("No conversations yet"))
        placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        self.direct.appendRow(placeholder)
        for item in (browse, self.rooms, self.direct):
            self.appendRow(item)

    def browse_index(self) -> QModelIndex:
        return self.index(0, 0)

    def add_room(self, key: object, name: str, locked: bool) -> QModelIndex:
        """The entry for a room (added at the end of "Rooms" unless it is there already)."""
        found = self.room_index(key)
        if found.isValid():
            self.rename_room(key, name, locked)
            return found
        item = QStandardItem()
        item.setData(key, KEY_ROLE)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.rooms.appendRow(item)
        self.rename_room(key, name, locked)
        return item.index()

    def rename_room(self, key: object, name: str, locked: bool) -> None:
        index = self.room_index(key)
        if index.isValid():
            item = self.itemFromIndex(index)
            item.setText(name)  # a QTreeView shows DisplayRole as plain text
            item.setToolTip(plain_tooltip(name))
            item.setIcon(icon("lock" if locked else "room"))

    def remove_room(self, key: object) -> None:
        index = self.room_index(key)
        if index.isValid():
            self.rooms.removeRow(index.row())

    def room_index(self, key: object) -> QModelIndex:
        for row in range(self.rooms.rowCount()):
            child = self.rooms.child(row)
            if child is not None and child.data(KEY_ROLE) == key:
                return child.index()
        return QModelIndex()

    def room_keys(self) -> list[object]:
        """The rooms in sidebar order."""
        return [self.rooms.child(row).data(KEY_ROLE) for row in range(self.rooms.rowCount())]

    def room_names(self) -> list[tuple[object, str]]:
        return [
            (self.rooms.child(row).data(KEY_ROLE), self.rooms.child(row).text())
            for row in range(self.rooms.rowCount())
        ]
