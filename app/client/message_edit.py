"""The chat input: several lines (Shift+Enter), Enter sends, nothing longer than a message."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.client.mentions import complete
from app.shared.chat_text import TEXT_MAX


class MessageEdit(QPlainTextEdit):
    """A plain-text editor for one message: Enter asks to send it, Shift+Enter starts a new
    line, pasted line breaks are kept. It never holds more than `limit` characters: a
    paste (or drop) that would pass it is refused whole, never cut, and said with `refused`.
    Tab completes the name being typed to `@name` from `completion_names()` (when nothing
    fits, Tab moves the focus on as usual).

    Signals:
        submitted(): Enter (or the keypad's) was pressed without Shift.
        refused(int): a paste or drop was refused; how long the text would have been.
    """

    submitted = Signal()
    refused = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = TEXT_MAX
        self.completion_names: Callable[[], list[str]] = list

    def event(self, event: QEvent) -> bool:
        # Tab reaches event() before the focus chain takes it; complete a name if one fits.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self._complete()
        ):
            return True
        return super().event(event)

    def _complete(self) -> bool:
        cursor = self.textCursor()
        found = complete(self.toPlainText(), cursor.position(), self.completion_names())
        if found is None:
            return False
        start, replacement = found
        if self._room_for(replacement) - (cursor.position() - start) > self.limit:
            return False
        cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(replacement)
        self.setTextCursor(cursor)
        return True

    def text(self) -> str:
        return self.toPlainText()

    def _room_for(self, added: str) -> int:
        """How long the text would be with `added` in place of the selection."""
        selected = len(self.textCursor().selectedText())
        return len(self.toPlainText()) - selected + len(added)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                if self._room_for("\n") <= self.limit:
                    self.insertPlainText("\n")  # a newline, not Qt's line separator U+2028
            else:
                self.submitted.emit()
            return
        typed = event.text()
        if typed and typed.isprintable() and self._room_for(typed) > self.limit:
            return  # typing stops at the limit; the counter says why
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:
        text = source.text() if source.hasText() else ""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        length = self._room_for(text)
        if length > self.limit:
            self.refused.emit(length)
            return
        self.insertPlainText(text)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText()


COUNTER_FROM = 0.9  # the counter shows once a message is this close to the limit


def counter_text(length: int, limit: int) -> str:
    """ "3,650 / 4,000" near the limit, else "" (no counter)."""
    if length < limit * COUNTER_FROM:
        return ""
    return f"{length:,} / {limit:,}"  # grouped as English and Korean both write numbers
