"""Asking before the lobby logs out or quits while rooms are open (their windows close)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from app.shared.questions import ask


class LeaveQuestions(QObject):
    """Runs the lobby's Log out and Quit at once when no room is open, else after a Yes.

    `confirmation` is the question on screen (None when none is). The box is non-modal
    (`open()`), so nothing blocks; a test answers it by clicking.

    Signals: none.
    """

    def __init__(self, window: QWidget, open_rooms: Callable[[], int]) -> None:
        super().__init__(window)
        self._window = window
        self._open_rooms = open_rooms
        self.confirmation: QMessageBox | None = None

    def log_out(self, action: Callable[[], None]) -> None:
        count = self._open_rooms()
        text = self.tr("Log out and leave the {count} open room(s)?").format(count=count)
        self._confirm(count, self.tr("Log out"), text, self.tr("Log out"), action)

    def quit(self, action: Callable[[], None]) -> None:
        count = self._open_rooms()
        text = self.tr("Quit RoomChat and leave the {count} open room(s)?").format(count=count)
        self._confirm(count, self.tr("Quit RoomChat"), text, self.tr("Quit"), action)

    def close(self) -> None:
        if self.confirmation is not None:
            self.confirmation.close()

    def _confirm(
        self, count: int, title: str, text: str, yes: str, action: Callable[[], None]
    ) -> None:
        self.close()
        if not count:
            action()
            return

        def answered(confirmed: bool) -> None:
            self.confirmation = None
            if confirmed:
                action()

        self.confirmation = ask(self._window, title, text, answered, yes)
