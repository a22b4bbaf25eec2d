"""A room's queue of uploads: hashed off the event loop, then sent one at a time in chunks of
the server's `chunk_bytes`, read from disk only as the socket drains."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QFile,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QImage

from app.client.upload_files import (
    ID_PREFIX,
    PASTED_NAME,
    FileFacts,
    Sender,
    Upload,
    UploadState,
    file_facts,
    save_png,
    upload_name,
)
from app.client.workers import Workers
from app.shared.protocol import (
    ChatMessage,
    ErrorCode,
    ErrorReply,
    UploadBegin,
    UploadCancel,
    UploadChunk,
    UploadEnd,
    UploadReady,
)

AnyIndex = QModelIndex | QPersistentModelIndex
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # 0 to 100
STATE_ROLE = Qt.ItemDataRole.UserRole + 2
# Chunks kept in the socket's buffer, at most: enough to keep the link busy, few enough
# that a chat message written after them leaves within a few dozen milliseconds on a LAN.
AHEAD_BYTES = 4 * 61_500


class UploadQueue(QAbstractListModel):
    """The uploads of one room, oldest first; the first one hashed is sent, the rest wait
    (the server takes one upload per member at a time). `link` is the room's connection
    (None while out of the room: an upload under way starts again once back).

    Signals:
        failed(str, object): an upload was dropped; its name and the server's `ErrorReply`.
        sent(str): an upload arrived in the room (its message came back); its name.
        busy_changed(bool): whether any upload is queued or under way.
    """

    failed = Signal(str, object)
    sent = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link: Sender | None = None
        self.workers = Workers(self)
        self._uploads: list[Upload] = []
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.pump)

    # --- what the person does -----------------------------------------------------------

    def add_file(self, path: str, name: str | None = None, temporary: bool = False) -> None:
        """Queue the file at `path` (sent as `name`, by default its own name)."""
        upload = Upload(path, upload_name(name or Path(path).name), temporary=temporary)
        self._insert(upload)
        self.workers.run(lambda: file_facts(path), lambda facts: self._on_hashed(upload, facts))

    def add_image(self, image: QImage, folder: str) -> None:
        """Queue a pasted image, written as a PNG into `folder` first (off the loop)."""
        upload = Upload("", PASTED_NAME, temporary=True)
        path = upload.path = str(Path(folder) / f"paste-{uuid.uuid4().hex}.png")
        copy = QImage(image)
        self._insert(upload)

        def written(result: Any) -> None:
            if result is None:
                self._drop(upload, ErrorReply(ErrorCode.BAD_REQUEST, ""))
                return
            self.workers.run(lambda: file_facts(path), lambda facts: self._on_hashed(upload, facts))

        self.workers.run(lambda: save_png(copy, path), written)

    def cancel(self, row: int) -> None:
        """Drop the upload at `row` (telling the server, if it is under way)."""
        if 0 <= row < len(self._uploads):
            upload = self._uploads[row]
            if upload.upload_id is not None and self.link is not None:
                self.link.send(UploadCancel(upload.upload_id))
            self._remove(upload)
            self.pump()

    def upload(self, row: int) -> Upload:
        return self._uploads[row]

    @property
    def current(self) -> Upload | None:
        """The upload being sent (or about to be)."""
        for upload in self._uploads:
            if upload.state not in (UploadState.HASHING, UploadState.QUEUED):
                return upload
        return None

    # --- the connection -------------------------------------------------------------------

    def set_link(self, link: Sender | None) -> None:
        """The room's connection is (back) in the room, or gone: an upload under way is
        forgotten by the server and starts again from its first byte."""
        self.link = link
        for upload in self._uploads:
            if upload.state not in (UploadState.HASHING, UploadState.QUEUED):
                self._restart(upload)
        self.pump()

    def on_ready(self, ready: UploadReady) -> None:
        upload = self._find_id(ready.id)
        if upload is None or upload.state != UploadState.STARTING:
            return
        file = QFile(upload.path)
        if not file.open(QIODevice.OpenModeFlag.ReadOnly):
            self._drop(upload, ErrorReply(ErrorCode.UPLOAD_CORRUPT, file.errorString()))
            return
        upload.upload_id, upload.chunk_bytes, upload.file = ready.upload_id, ready.chunk_bytes, file
        upload.state = UploadState.SENDING
        self.pump()

    def on_error(self, error: ErrorReply) -> bool:
        """A refusal of one of the queue's requests (True: it was one of them)."""
        upload = self._find_id(error.id)
        if upload is None:
            return isinstance(error.id, str) and error.id.startswith(ID_PREFIX)
        if upload.upload_id is not None and self.link is not None:
            # A server may keep an upload whose end it refused (rate_limited, muted...):
            # let it go at once, or our next upload_begin waits for it to time out.
            self.link.send(UploadCancel(upload.upload_id))
        if error.code == ErrorCode.RATE_LIMITED:  # another upload of ours is still going
            self._restart(upload)
            self._retry.start(int(1000 * max(float(error.retry_after or 1), 0.2)))
        else:
            self._drop(upload, error)
        return True

    def on_message(self, message: ChatMessage, mine: bool) -> None:
        """A message in the room: ours with the file being sent finishes that upload."""
        upload = self.current
        attachment = message.attachment
        if not mine or upload is None or attachment is None or upload.facts is None:
            return
        if upload.state == UploadState.FINISHING and attachment.sha256 == upload.facts.sha256:
            self._remove(upload)
            self.sent.emit(upload.name)
            self.pump()

    def pump(self) -> None:
        """Start the next upload, or send the current one's next chunks while the socket's
        buffer is low (called again on `bytes_written`)."""
        link = self.link
        if link is None:
            return
        upload = self.current
        if upload is None:
            upload = next((u for u in self._uploads if u.state == UploadState.QUEUED), None)
            if upload is None or self._retry.isActive():
                return
            facts = upload.facts
            assert facts is not None
            begin = UploadBegin(
                upload.name, facts.size, facts.mime, facts.sha256, facts.width, facts.height
            )
            if link.send(_with_id(begin, upload)):
                upload.state = UploadState.STARTING
            return
        if upload.state != UploadState.SENDING or upload.file is None or upload.facts is None:
            return
        while link.pending_bytes < AHEAD_BYTES and upload.sent < upload.facts.size:
            data = bytes(upload.file.read(upload.chunk_bytes).data())
            if not data:
                self._drop(upload, ErrorReply(ErrorCode.UPLOAD_CORRUPT, "the file got shorter"))
                return
            assert upload.upload_id is not None
            link.send(UploadChunk(upload.upload_id, data))
            upload.sent += len(data)
        self._changed(upload)
        if upload.sent >= upload.facts.size:
            upload.file.close()
            upload.file = None
            assert upload.upload_id is not None
            link.send(_with_id(UploadEnd(upload.upload_id), upload))
            upload.state = UploadState.FINISHING

    # --- bookkeeping ----------------------------------------------------------------------

    def _on_hashed(self, upload: Upload, facts: object) -> None:
        if upload not in self._uploads:
            return  # cancelled meanwhile
        if not isinstance(facts, FileFacts):
            self._drop(upload, ErrorReply(ErrorCode.BAD_REQUEST, ""))
            return
        upload.facts, upload.state = facts, UploadState.QUEUED
        self._changed(upload)
        self.pump()

    def _restart(self, upload: Upload) -> None:
        if upload.file is not None:
            upload.file.close()
        upload.file, upload.upload_id, upload.sent = None, None, 0
        upload.state = UploadState.QUEUED
        self._changed(upload)

    def _find_id(self, request_id: object) -> Upload | None:
        for upload in self._uploads:
            if request_id == upload.request_id:
                return upload
        return None

    def _insert(self, upload: Upload) -> None:
        row = len(self._uploads)
        self.beginInsertRows(QModelIndex(), row, row)
        self._uploads.append(upload)
        self.endInsertRows()
        if row == 0:
            self.busy_changed.emit(True)

    def _drop(self, upload: Upload, error: ErrorReply) -> None:
        self._remove(upload)
        self.failed.emit(upload.name, error)
        self.pump()

    def _remove(self, upload: Upload) -> None:
        if upload not in self._uploads:
            return
        row = self._uploads.index(upload)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._uploads[row]
        self.endRemoveRows()
        if upload.file is not None:
            upload.file.close()
            upload.file = None
        if upload.temporary:
            QFile.remove(upload.path)
        if not self._uploads:
            self.busy_changed.emit(False)

    def _changed(self, upload: Upload) -> None:
        index = self.index(self._uploads.index(upload), 0)
        self.dataChanged.emit(index, index)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's API)
        return 0 if parent.isValid() else len(self._uploads)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._uploads):
            return None
        upload = self._uploads[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            states = {
                UploadState.HASHING: self.tr("{name} — preparing…"),
                UploadState.QUEUED: self.tr("{name} — waiting"),
                UploadState.STARTING: self.tr("{name} — starting…"),
                UploadState.SENDING: self.tr("{name} — {percent}%"),
                UploadState.FINISHING: self.tr("{name} — checking…"),
            }
            return states[upload.state].format(name=upload.name, percent=upload.progress)
        if role == Qt.ItemDataRole.ToolTipRole:
            return upload.name
        if role == PROGRESS_ROLE:
            return upload.progress
        if role == STATE_ROLE:
            return upload.state.value
        return None

    def close(self) -> None:
        self.link = None
        self.workers.close()
        for upload in list(self._uploads):
            self._remove(upload)


def _with_id(message: Any, upload: Upload) -> Any:
    return replace(message, id=upload.request_id)
