"""Ctrl+K: a small box to type part of a room's name and press Enter to go there."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QWidget

from app.client.sidebar import KEY_ROLE
from app.shared.forms import child, load_form

REQUIRED = ("filterEdit", "resultsView")


class QuickSwitcher(QObject):
    """Controller of `forms/quick_switcher.ui`: the rooms given to `open()`, filtered as the
    person types (case-insensitive, anywhere in the name); Up and Down move through the
    matches, Enter goes to the current one, Esc closes.

    Signals:
        chosen(object): the key of the room the person chose.
    """

    chosen = Signal(object)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.form: QDialog = load_form("quick_switcher", parent, REQUIRED)  # type: ignore[assignment]
        self.form.setWindowFlag(Qt.WindowType.Dialog)
        self.names = QStandardItemModel(self)
        self.matches = QSortFilterProxyModel(self)
        self.matches.setSourceModel(self.names)
        self.matches.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = child(self.form, QLineEdit, "filterEdit")
        self.view = child(self.form, QListView, "resultsView")
        self.view.setModel(self.matches)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.filter_edit.returnPressed.connect(self._on_filter_edit_return_pressed)
        self.view.activated.connect(self._choose)
        self.filter_edit.installEventFilter(self)

    def open(self, rooms: list[tuple[object, str]]) -> None:
        self.names.clear()
        for key, name in rooms:
            item = QStandardItem(name)
            item.setData(key, KEY_ROLE)
            self.names.appendRow(item)
        self.filter_edit.clear()
        self._on_filter_edit_text_changed("")
        self.form.open()
        self.form.activateWindow()
        self.filter_edit.setFocus()

    @Slot(str)
    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.matches.setFilterFixedString(text)
        if self.matches.rowCount():
            self.view.setCurrentIndex(self.matches.index(0, 0))

    @Slot()
    def _on_filter_edit_return_pressed(self) -> None:
        self._choose(self.view.currentIndex())

    @Slot(QModelIndex)
    def _choose(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        key = index.data(KEY_ROLE)
        self.form.accept()
        self.chosen.emit(key)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
            if step is not None and self.matches.rowCount():
                row = (self.view.currentIndex().row() + step) % self.matches.rowCount()
                self.view.setCurrentIndex(self.matches.index(row, 0))
                return True
        return False
