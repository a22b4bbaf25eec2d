"""Files in one room's window: attach (button, Ctrl+U, drop, paste), the upload queue, inline
thumbnails, the image viewer, and saving to Downloads."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QModelIndex, QObject, QStandardPaths, Slot
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QListView, QProgressBar, QPushButton, QWidget

from app.client import file_texts
from app.client.attachment_delegate import AttachmentDelegate, is_image
from app.client.chat_models import ATTACHMENT_ROLE, ChatEntry, EntryKind
from app.client.downloads import downloads_folder, reserve_path
from app.client.file_input import FileInput
from app.client.image_viewer import ImageViewer
from app.client.session import RoomConnection
from app.client.thumbnails import MAX_FILE_BYTES, MAX_PIXELS, State, Thumbnails
from app.client.transfers import Purpose, Transfers
from app.client.upload_files import paste_folder
from app.client.uploads import UploadQueue
from app.shared.forms import child
from app.shared.protocol import Attachment, ChatMessage, ErrorReply, UploadReady
from app.shared.protocol.file_rules import SHA256_HEX
from app.shared.validation import name_key

if TYPE_CHECKING:
    from app.client.chat_window import ChatWindow

REQUIRED = ("attachButton", "uploadsPanel", "uploadsView", "uploadProgress", "cancelUploadButton")


def cache_folder() -> str:
    """Where fetched images wait to be shown (by SHA-256: the same file is fetched once)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    folder = str(Path(base or QDir.tempPath()) / "attachments")
    QDir().mkpath(folder)
    return folder


class RoomFiles(QObject):
    """The files side of a `ChatWindow` (it owns one, and calls `track` with each new
    connection). Refusals of its requests (ids `upload-…`, `download-…`) are its own.

    A click on an image, or Enter on its selected message, opens it in an `ImageViewer`;
    on any other file it saves the file to Downloads (the Save button drawn there).

    Signals: none.
    """

    def __init__(self, chat: ChatWindow) -> None:
        super().__init__(chat)
        self.chat = chat
        form = chat.form
        self.uploads = UploadQueue(self)
        self.transfers = Transfers(self)
        self.thumbnails = Thumbnails(self)
        self.viewers: list[ImageViewer] = []
        self.dialog: QFileDialog | None = None
        self._progress: dict[int, tuple[int, int]] = {}
        self._saved: dict[int, str] = {}
        self.attach_button = child(form, QPushButton, "attachButton")
        self.panel = child(form, QWidget, "uploadsPanel")
        self.uploads_view = child(form, QListView, "uploadsView")
        self.uploads_view.setModel(self.uploads)
        self.progress_bar = child(form, QProgressBar, "uploadProgress")
        self.cancel_button = child(form, QPushButton, "cancelUploadButton")
        self.panel.hide()
        self.attach_button.clicked.connect(self.choose_files)
        self.attach_shortcut = QShortcut(QKeySequence("Ctrl+U"), form)
        self.attach_shortcut.activated.connect(self.choose_files)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.uploads.busy_changed.connect(self.panel.setVisible)
        self.uploads.dataChanged.connect(self._show_progress)
        self.uploads.rowsRemoved.connect(self._show_progress)
        self.uploads.failed.connect(self._on_uploads_failed)
        self.transfers.progressed.connect(self._on_transfers_progressed)
        self.transfers.finished.connect(self._on_transfers_finished)
        self.transfers.failed.connect(self._on_transfers_failed)
        self.thumbnails.changed.connect(self._on_thumbnails_changed)
        delegate = chat.delegate
        assert isinstance(delegate, AttachmentDelegate)
        delegate.files = self
        chat.messages.rowsInserted.connect(self._on_messages_rows_inserted)
        self.input = FileInput(chat, self)
        self.input.files_dropped.connect(self.add_files)
        self.input.image_pasted.connect(self.add_image)
        self.input.open_requested.connect(self.open)

    # --- the connection ------------------------------------------------------------------

    def track(self, connection: RoomConnection) -> None:
        """Follow a new connection to the room (connected before the window's own slots,
        so our message finishes its upload before the window shows it)."""
        connection.entered.connect(lambda _entered: self._set_sender(connection))
        connection.connection_lost.connect(lambda _code: self._set_sender(None))
        connection.file_event_received.connect(self._on_connection_file_event_received)
        connection.bytes_written.connect(lambda _count: self.uploads.pump())
        connection.request_failed.connect(self._on_connection_request_failed)
        connection.message_received.connect(self._on_connection_message_received)

    @staticmethod
    def owns(error: ErrorReply) -> bool:
        """Whether a refusal answers one of our requests (the window leaves it to us)."""
        return isinstance(error.id, str) and error.id.startswith(("upload-", "download-"))

    def _set_sender(self, connection: RoomConnection | None) -> None:
        self.uploads.set_link(connection)
        self.transfers.set_link(connection)

    @Slot(object)
    def _on_connection_file_event_received(self, event: object) -> None:
        if isinstance(event, UploadReady):
            self.uploads.on_ready(event)
        else:
            self.transfers.on_event(event)

    @Slot(object)
    def _on_connection_request_failed(self, error: ErrorReply) -> None:
        if not self.uploads.on_error(error):
            self.transfers.on_error(error)

    @Slot(object)
    def _on_connection_message_received(self, message: ChatMessage) -> None:
        self.uploads.on_message(message, name_key(message.sender) == name_key(self.chat.me))

    # --- attaching -----------------------------------------------------------------------

    @Slot()
    def choose_files(self) -> None:
        """Ask which files to send (a dialog of our own, not a blocking static one)."""
        if self.dialog is None:
            self.dialog = QFileDialog(self.chat.form, self.tr("Send files"))
            self.dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
            self.dialog.filesSelected.connect(self.add_files)
        self.dialog.open()

    @Slot(list)
    def add_files(self, paths: list[str]) -> None:
        for path in paths:
            if Path(path).is_file():
                self.uploads.add_file(path)

    @Slot(QImage)
    def add_image(self, image: QImage) -> None:
        self.uploads.add_image(image, paste_folder())

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        row = self.uploads_view.currentIndex().row()
        current = self.uploads.current
        if row < 0 and current is not None:
            row = next(
                r for r in range(self.uploads.rowCount()) if self.uploads.upload(r) is current
            )
        self.uploads.cancel(max(row, 0))

    @Slot()
    def _show_progress(self) -> None:
        current = self.uploads.current
        self.progress_bar.setValue(current.progress if current is not None else 0)
        self.cancel_button.setEnabled(self.uploads.rowCount() > 0)

    @Slot(str, object)
    def _on_uploads_failed(self, name: str, error: ErrorReply) -> None:
        self._problem(file_texts.upload_failed(name, error))

    def _problem(self, text: str) -> None:
        self.chat.messages.append(ChatEntry(EntryKind.PROBLEM, text))

    # --- what the view shows -------------------------------------------------------------

    def thumbnail(
        self, attachment: Attachment, drawn: bool = False
    ) -> tuple[State | None, QImage | None]:
        """What to show for `attachment`'s image; `drawn` when it is painted now (not only
        measured): it is then the most recently used, and made again if the cache let it go."""
        key = attachment.sha256
        if drawn and self.thumbnails.state(key) is None and is_image(attachment):
            self._want_thumbnail(attachment)  # dropped from the cache: made again
        return self.thumbnails.state(key), self.thumbnails.image(key, touch=drawn)

    def save_progress(self, attachment: Attachment) -> tuple[int, int] | None:
        return self._progress.get(attachment.id)

    def saved(self, attachment: Attachment) -> bool:
        return attachment.id in self._saved

    def _cache_path(self, attachment: Attachment) -> str | None:
        if not SHA256_HEX.fullmatch(attachment.sha256):
            return None
        return str(Path(cache_folder()) / attachment.sha256)

    @Slot(QModelIndex, int, int)
    def _on_messages_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            attachment = self.chat.messages.index(row, 0).data(ATTACHMENT_ROLE)
            if isinstance(attachment, Attachment) and is_image(attachment):
                self._want_thumbnail(attachment)

    def _want_thumbnail(self, attachment: Attachment) -> None:
        key = attachment.sha256
        if self.thumbnails.state(key) is not None:
            return
        path = self._cache_path(attachment)
        width, height = attachment.width or 0, attachment.height or 0
        if path is None or attachment.size > MAX_FILE_BYTES or width * height > MAX_PIXELS:
            self.thumbnails.fail(key)  # not even fetched: it could never be shown
        elif Path(path).is_file():
            self.thumbnails.request(key, path)
        elif not self.transfers.busy(attachment.id, Purpose.THUMBNAIL):
            self.transfers.fetch(attachment, Purpose.THUMBNAIL, path, reserved=False)

    @Slot(object)
    def _on_thumbnails_changed(self, key: object) -> None:
        self._refresh(lambda attachment: attachment.sha256 == key)

    def _refresh(self, matches) -> None:  # type: ignore[no-untyped-def]
        """Lay out again the messages whose attachment `matches`."""
        model, delegate = self.chat.messages, self.chat.delegate
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            attachment = index.data(ATTACHMENT_ROLE)
            if isinstance(attachment, Attachment) and matches(attachment):
                delegate.sizeHintChanged.emit(index)
                model.dataChanged.emit(index, index)

    # --- downloads -----------------------------------------------------------------------

    def save(self, attachment: Attachment) -> None:
        """Save the attachment into Downloads under a new name (never over a file)."""
        if attachment.id in self._progress or self.transfers.busy(attachment.id, Purpose.SAVE):
            return
        path = reserve_path(downloads_folder(), attachment.name)
        if path is None:
            self._problem(file_texts.save_failed(attachment.name, "write_failed"))
            return
        self._progress[attachment.id] = (0, attachment.size)
        self.transfers.fetch(attachment, Purpose.SAVE, path, reserved=True)
        self._refresh(lambda known: known.id == attachment.id)

    @Slot(QModelIndex)
    def open(self, index: QModelIndex) -> bool:
        """Open the image of the message at `index`, or save its file (False: it has none)."""
        attachment = index.data(ATTACHMENT_ROLE) if index.isValid() else None
        if not isinstance(attachment, Attachment):
            return False
        if not is_image(attachment):
            self.save(attachment)
            return True
        path = self._cache_path(attachment)
        if path is None or self.thumbnails.state(attachment.sha256) != State.READY:
            return True  # still arriving, or it cannot be shown: the placeholder says which
        viewer = ImageViewer(attachment, path, self)
        viewer.save_requested.connect(self.save)
        viewer.form.destroyed.connect(lambda: self.viewers.remove(viewer))
        self.viewers.append(viewer)
        viewer.show()
        return True

    @Slot(int, int, int)
    def _on_transfers_progressed(self, attachment_id: int, received: int, size: int) -> None:
        self._progress[attachment_id] = (received, size)
        self._refresh(lambda known: known.id == attachment_id)

    @Slot(int, str, str)
    def _on_transfers_finished(self, attachment_id: int, purpose: str, path: str) -> None:
        if purpose == Purpose.THUMBNAIL:
            attachment = self._find(attachment_id)
            if attachment is not None:
                self.thumbnails.request(attachment.sha256, path)
            return
        progress = self._progress.pop(attachment_id, (0, 0))
        self._saved[attachment_id] = path
        self.chat.messages.append(ChatEntry(EntryKind.NOTICE, file_texts.saved(path, progress[1])))
        self._refresh(lambda known: known.id == attachment_id)

    @Slot(int, str, str)
    def _on_transfers_failed(self, attachment_id: int, purpose: str, reason: str) -> None:
        attachment = self._find(attachment_id)
        if purpose == Purpose.THUMBNAIL:
            if attachment is not None:
                self.thumbnails.fail(attachment.sha256)
            return
        self._progress.pop(attachment_id, None)
        name = attachment.name if attachment is not None else ""
        self._problem(file_texts.save_failed(name, reason))
        self._refresh(lambda known: known.id == attachment_id)

    def _find(self, attachment_id: int) -> Attachment | None:
        model = self.chat.messages
        for row in range(model.rowCount()):
            attachment = model.index(row, 0).data(ATTACHMENT_ROLE)
            if isinstance(attachment, Attachment) and attachment.id == attachment_id:
                return attachment
        return None

    def close(self) -> None:
        for viewer in list(self.viewers):
            viewer.form.close()
        self.uploads.close()
        self.transfers.close()
        self.thumbnails.close()
