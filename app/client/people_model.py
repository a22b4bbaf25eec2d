"""Who is online on the server, as a list model for the People panel, and the idle watch that
sets the person away after ten minutes without input."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from app.client.ui import icon
from app.shared.labels import plain_tooltip
from app.shared.protocol import AWAY, Presence
from app.shared.validation import name_key

AnyIndex = QModelIndex | QPersistentModelIndex
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
AWAY_AFTER_S = 600.0  # ten minutes without a key or a click
IDLE_CHECK_MS = 15_000
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
        QEvent.Type.MouseMove,
    }
)


class PeopleModel(QAbstractListModel):
    """Everyone online or away, sorted without case, with their status line.

    Signals: none beyond QAbstractListModel's.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: list[Presence] = []

    @property
    def names(self) -> list[str]:
        return [person.name for person in self._people]

    def presence(self, name: str) -> Presence | None:
        row = self._row(name)
        return self._people[row] if row is not None else None

    def _row(self, name: str) -> int | None:
        key = name_key(name)
        for row, person in enumerate(self._people):
            if name_key(person.name) == key:
                return row
        return None

    def set_all(self, people: Iterable[Presence]) -> None:
        self.clear()
        for person in people:
            self.update(person)

    def clear(self) -> None:
        if self._people:
            self.beginRemoveRows(QModelIndex(), 0, len(self._people) - 1)
            self._people.clear()
            self.endRemoveRows()

    def update(self, person: Presence, online: bool = True) -> None:
        """Add, change or (not `online`) remove the row of `person`."""
        row = self._row(person.name)
        if row is not None and online:
            self._people[row] = person
            self.dataChanged.emit(self.index(row), self.index(row))
            return
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._people[row]
            self.endRemoveRows()
            return
        if not online:
            return
        key = name_key(person.name)
        where = sum(1 for known in self._people if name_key(known.name) < key)
        self.beginInsertRows(QModelIndex(), where, where)
        self._people.insert(where, person)
        self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self._people)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._people):
            return None
        person = self._people[index.row()]
        away = person.state == AWAY
        if role == Qt.ItemDataRole.DisplayRole:  # a QListView shows it as plain text
            name = self.tr("{name} (away)").format(name=person.name) if away else person.name
            return f"{name} — {person.status}" if person.status else name
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("person")
        if role == Qt.ItemDataRole.ForegroundRole and away:
            return QBrush(QColor(Qt.GlobalColor.gray))
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(
                f"{person.name}\n{person.status}" if person.status else person.name
            )
        if role == NAME_ROLE:
            return person.name
        if role == STATE_ROLE:
            return person.state
        if role == STATUS_ROLE:
            return person.status
        return None


class IdleWatch(QObject):
    """Watches the application's input: `went_idle` once nothing was typed or clicked for
    `away_after` seconds (checked every `check_ms`), `came_back` at the next input.
    `clock` (monotonic seconds) is injectable so tests need not wait ten minutes.

    Signals:
        went_idle(): no input for `away_after` seconds.
        came_back(): input again after `went_idle`.
    """

    went_idle = Signal()
    came_back = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
        away_after: float = AWAY_AFTER_S,
        check_ms: int = IDLE_CHECK_MS,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.away_after = away_after
        self.idle = False
        self.last_input = clock()
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def stop(self) -> None:
        self.timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def touch(self) -> None:
        """Input happened now."""
        self.last_input = self.clock()
        if self.idle:
            self.idle = False
            self.came_back.emit()

    @Slot()
    def check(self) -> None:
        if not self.idle and self.clock() - self.last_input >= self.away_after:
            self.idle = True
            self.went_idle.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and event.spontaneous():
            self.touch()
        return False
