"""The main window's sidebar: "Browse rooms", the rooms the person is in, and their direct
conversations."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from app.client.ui import icon
from app.shared.labels import plain_tooltip

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the room's key (server instance, room id), or None
BROWSE = "browse"  # KEY_ROLE of the "Browse rooms" entry
NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # a conversation's peer, as the server spells it


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
    person is in, in the order entered), and "Direct messages" (one entry per
    conversation, with its unread count).

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
        self.placeholder = QStandardItem(self.tr("No conversations yet"))
        self.placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        self.direct.appendRow(self.placeholder)
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

    # --- direct conversations (keys from direct_pane.DirectKey) ----------------------------

    def add_direct(self, key: object, name: str) -> QModelIndex:
        """The entry for a conversation (at the end of "Direct messages" if new)."""
        found = self.direct_index(key)
        if found.isValid():
            return found
        if self.direct.rowCount() == 1 and self.direct.child(0) is self.placeholder:
            self.direct.takeRow(0)
        item = QStandardItem(icon("person"), name)
        item.setData(key, KEY_ROLE)
        item.setData(name, NAME_ROLE)
        item.setToolTip(plain_tooltip(name))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.direct.appendRow(item)
        return item.index()

    def set_direct_unread(self, key: object, count: int) -> None:
        """Show `count` unread messages beside the conversation ("bob (3)"), in bold."""
        index = self.direct_index(key)
        if not index.isValid():
            return
        item = self.itemFromIndex(index)
        name = item.data(NAME_ROLE)
        item.setText(self.tr("{name} ({count})").format(name=name, count=count) if count else name)
        font = QFont()
        font.setBold(count > 0)
        item.setFont(font)

    def clear_directs(self) -> None:
        self.direct.removeRows(0, self.direct.rowCount())
        self.placeholder = QStandardItem(self.tr("No conversations yet"))
        self.placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
        self.direct.appendRow(self.placeholder)

    def direct_index(self, key: object) -> QModelIndex:
        for row in range(self.direct.rowCount()):
            child = self.direct.child(row)
            if child is not None and key is not None and child.data(KEY_ROLE) == key:
                return child.index()
        return QModelIndex()

    def direct_keys(self) -> list[object]:
        keys = [self.direct.child(row).data(KEY_ROLE) for row in range(self.direct.rowCount())]
        return [key for key in keys if key is not None]
