"""How files reach a room's window and its attachments are opened: files dropped onto it, an
image pasted into the input line, a click on an attachment, Enter on its message."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage, QKeyEvent, QKeySequence, QMouseEvent

from app.client.attachment_delegate import AttachmentDelegate
from app.client.chat_models import ATTACHMENT_ROLE

if TYPE_CHECKING:
    from app.client.chat_window import ChatWindow


class FileInput(QObject):
    """Event filter on a `ChatWindow`'s form, input line and message list.

    Signals:
        files_dropped(list): local files dropped anywhere on the window (their paths).
        image_pasted(QImage): Ctrl+V in the input line with an image (and no text) on the
            clipboard.
        open_requested(QModelIndex): a click on a message's attachment, or Enter on a
            selected message that has one.
    """

    files_dropped = Signal(list)
    image_pasted = Signal(QImage)
    open_requested = Signal(QModelIndex)

    def __init__(self, chat: ChatWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chat = chat
        # Kept: asking a widget being deleted for its children would crash.
        self._form = chat.form
        self._input = chat.input_edit
        self._view = chat.messages_view
        self._viewport = chat.messages_view.viewport()
        self._form.setAcceptDrops(True)
        for widget in (self._form, self._input, self._view, self._viewport):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._form and kind in (
            QEvent.Type.DragEnter,
            QEvent.Type.DragMove,
            QEvent.Type.Drop,
        ):
            assert isinstance(event, QDropEvent)
            files = local_files(event)
            if not files:
                return False
            event.acceptProposedAction()
            if kind == QEvent.Type.Drop:
                self.files_dropped.emit(files)
            return True
        if watched is self._input and kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return event.matches(QKeySequence.StandardKey.Paste) and self._paste()
        if watched is self._view and kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                return self._open(self._view.currentIndex())
            return False
        if watched is self._viewport and kind == QEvent.Type.MouseButtonRelease:
            assert isinstance(event, QMouseEvent)
            if event.button() == Qt.MouseButton.LeftButton:
                return self._click(event)
        return False

    def _paste(self) -> bool:
        clipboard = QGuiApplication.clipboard()
        data = clipboard.mimeData()
        if data is None or not data.hasImage() or data.hasText():
            return False  # text is pasted as text
        image = clipboard.image()
        if image.isNull():
            return False
        self.image_pasted.emit(image)
        return True

    def _open(self, index: QModelIndex) -> bool:
        if not index.isValid() or index.data(ATTACHMENT_ROLE) is None:
            return False
        self.open_requested.emit(index)
        return True

    def _click(self, event: QMouseEvent) -> bool:
        index = self._view.indexAt(event.position().toPoint())
        delegate = self.chat.delegate
        if not index.isValid() or not isinstance(delegate, AttachmentDelegate):
            return False
        rect = delegate.attachment_rect(index, self.chat.view_actions._option(index))
        if rect is None or not rect.contains(event.position()):
            return False
        return self._open(index)


def local_files(event: QDropEvent) -> list[str]:
    """The local files (not folders) a drag carries."""
    data = event.mimeData()
    if data is None or not data.hasUrls():
        return []
    paths = [url.toLocalFile() for url in data.urls() if url.isLocalFile()]
    return [path for path in paths if Path(path).is_file()]
