"""The server's files, shared by every room: the files folder, the `attachments` table,
the uploads in progress, and the sweep that deletes files no message refers to any more."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject

from app.server.attachment_store import AttachmentStore
from app.server.config import ServerConfig
from app.server.database import Database, DatabaseError
from app.server.file_store import FileStore, default_files_dir
from app.server.uploads import UploadDesk
from app.shared import logs
from app.shared.limits import Clock


class FileService(QObject):
    """What every room's `RoomFiles` shares; `sweep()` after messages were deleted."""

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
        self.sweep()

    def sweep(self) -> None:
        """Forget the attachments whose message is gone, and delete the files no
        attachment refers to (a deleted room's, or what --history-days removed)."""
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
        self.uploads.close()
