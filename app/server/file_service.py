"""The server's files, shared by every room: the files folder, the `attachments` table,
the uploads in progress, and the deletion of files no message refers to any more: a full
sweep at start-up, then, after messages were deleted, only their room's attachments."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Slot

from app.server.attachment_store import AttachmentStore
from app.server.config import ServerConfig
from app.server.database import Database, DatabaseError
from app.server.file_store import FileStore, default_files_dir
from app.server.uploads import UploadDesk
from app.shared import logs
from app.shared.limits import Clock

BATCH = 1_000  # attachments looked at per statement: a few milliseconds at most
BUSY_RETRY_MS = 1_000


class FileService(QObject):
    """What every room's `RoomFiles` shares; `forget_room()` after a room's messages were
    deleted (the room, or its old history): a batch of its attachments per event-loop turn."""

    def __init__(
        self,
        config: ServerConfig,
        db: Database,
        clock: Clock = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.files = FileStore(config.files_dir or default_files_dir(config.db_path))
        self.attachments = AttachmentStore(db)
        self.uploads = UploadDesk(config, self.files, self.attachments, clock, self)
        self._due: dict[int, int] = {}  # room → the seq its attachments are looked at after
        self._forgotten = 0  # files deleted for the room at the head of `_due`
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.sweep()

    @property
    def pending(self) -> int:
        """Rooms whose deleted messages' attachments are still being looked at."""
        return len(self._due)

    def forget_room(self, room_id: int) -> None:
        """Some of the room's messages were deleted: their attachments go, and the files
        no other attachment has; none of another room's, nor a file of no attachment."""
        self._due[room_id] = -1  # from the start again if it was under way
        if not self._timer.isActive():
            self._timer.start(0)

    @Slot()
    def _on_timer_timeout(self) -> None:
        if not self._due:
            return
        room_id, after = next(iter(self._due.items()))
        try:
            going_on, unused = self.attachments.drop_orphan_page(room_id, after, BATCH)
        except DatabaseError as failure:
            if failure.transient:  # busy, or a lost connection being reopened
                self._timer.start(BUSY_RETRY_MS)
                return
            logs.db.error("room %d: its deleted messages' files not deleted: %s", room_id, failure)
            going_on, unused = None, set()
        for sha256 in unused:
            self.files.remove(sha256)
        self._forgotten += len(unused)
        if going_on is None:
            del self._due[room_id]
            if self._forgotten:
                logs.server.info("room %d: deleted %d unused file(s)", room_id, self._forgotten)
            self._forgotten = 0
        else:
            self._due[room_id] = going_on
        if self._due:
            self._timer.start(0)

    def sweep(self) -> None:
        """At start-up: forget the attachments whose message is gone, and delete the files
        no attachment refers to (what an earlier run left: it stopped before `forget_room`
        was done, or a stored file's message was not). Reads every row and file."""
        try:
            self.attachments.drop_orphans()
            kept = self.attachments.files()
        except DatabaseError as failure:
            logs.db.warning("unused files not deleted now: %s", failure)
            return
        unused = self.files.stored() - kept
        for sha256 in unused:
            self.files.remove(sha256)
        if unused:
            logs.server.info("deleted %d file(s) no message refers to", len(unused))

    def forget_message(self, room_id: int, seq: int) -> None:
        """One message was deleted: its attachment goes, and its file unless another
        message has it (a sweep reads every row and file: too slow for each deletion)."""
        try:
            unused = self.attachments.drop_message(room_id, seq)
        except DatabaseError as failure:
            logs.db.warning("a deleted message's file not deleted now: %s", failure)
            return  # the sweep at the next start deletes it
        for sha256 in unused:
            self.files.remove(sha256)

    def close(self) -> None:
        """What is still due is left to the sweep at the next start."""
        self._timer.stop()
        self.uploads.close()
