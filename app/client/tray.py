"""The tray icon (where the desktop has a tray): the unread state, the rooms, Do not disturb,
Quit; and the notifications shown through it."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.client.ui import icon


class Tray(QObject):
    """A `QSystemTrayIcon` with a menu of the rooms; `available` says whether there is a tray
    at all (then nothing else does anything).

    Signals:
        room_chosen(object): the person chose a room from the menu, or clicked its
            notification; its key.
        do_not_disturb_toggled(bool): the menu's Do not disturb was switched.
        quit_chosen(): Quit was chosen.
    """

    room_chosen = Signal(object)
    do_not_disturb_toggled = Signal(bool)
    quit_chosen = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(icon("roomchat"), self)
        self.menu = QMenu()
        self.rooms_menu = self.menu.addMenu(self.tr("&Rooms"))
        self.do_not_disturb = QAction(self.tr("&Do not disturb"), self.menu)
        self.do_not_disturb.setCheckable(True)
        self.do_not_disturb.toggled.connect(self.do_not_disturb_toggled)
        self.menu.addAction(self.do_not_disturb)
        self.menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self.menu)
        quit_action.triggered.connect(self.quit_chosen)
        self.menu.addAction(quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.messageClicked.connect(self._on_icon_message_clicked)
        self._last_key: object = None
        self.set_unread(0, False)
        if self.available:
            self.icon.show()

    def set_rooms(self, rooms: list[tuple[object, str]]) -> None:
        self.rooms_menu.clear()
        for key, name in rooms:
            action = self.rooms_menu.addAction(name.replace("&", "&&"))
            action.triggered.connect(lambda _checked=False, key=key: self.room_chosen.emit(key))
        self.rooms_menu.setEnabled(bool(rooms))

    def set_unread(self, count: int, mention: bool) -> None:
        if count == 0:
            tip = self.tr("RoomChat: nothing new")
        elif mention:
            tip = self.tr("RoomChat: {count} unread, and you were mentioned").format(count=count)
        else:
            tip = self.tr("RoomChat: {count} unread").format(count=count)
        self.icon.setToolTip(tip)

    def show_message(self, key: object, summary: str, body: str) -> None:
        """A notification through the tray (where D-Bus notifications are not the way)."""
        if self.available:
            self._last_key = key
            self.icon.showMessage(summary, body, icon("roomchat"))

    @Slot()
    def _on_icon_message_clicked(self) -> None:
        if self._last_key is not None:
            self.room_chosen.emit(self._last_key)
