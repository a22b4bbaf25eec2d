"""One room's side of files: a member's upload and download requests carried out against
the server's `FileService`, a finished upload posted as a MESSAGE with its attachment."""

from __future__ import annotations

from collections.abc import Callable

from app.server.connection import Connection
from app.server.database import DatabaseError
from app.server.downloads import Downloads
from app.server.file_service import FileService
from app.server.message_log import MessageLog
from app.server.uploads import Upload
from app.shared import logs
from app.shared.protocol import (
    Attachment,
    ChatMessage,
    Download,
    ErrorCode,
    FileRequest,
    ProtocolError,
    RequestId,
    UploadBegin,
    UploadCancel,
    UploadChunk,
    UploadEnd,
)
from app.shared.timefmt import utc_now_iso
from app.shared.validation import check_text

Post = Callable[[ChatMessage], None]  # keep for newcomers and send to every member


class RoomFiles:
    """Answers file requests in room `room_id`; errors go back to the connection."""

    def __init__(
        self,
        room_id: int,
        service: FileService,
        log: MessageLog,
        post: Post,
        stamp: Callable[[], str] = utc_now_iso,
    ) -> None:
        self._room_id = room_id
        self._service = service
        self._log = log
        self._post = post
        self._stamp = stamp
        self.downloads = Downloads(service.files)

    def handle(self, connection: Connection, key: str, name: str, request: FileRequest) -> None:
        uploads = self._service.uploads
        try:
            if isinstance(request, UploadChunk):
                uploads.chunk(key, connection, request)
            elif isinstance(request, UploadBegin):
                address = connection.address_key
                connection.send(uploads.begin(key, self._room_id, connection, request, address))
            elif isinstance(request, UploadEnd):
                self._finish(connection, key, name, request)
            elif isinstance(request, UploadCancel):
                uploads.cancel(key, connection, request.upload_id)
            elif isinstance(request, Download):
                self._download(connection, request)
        except ProtocolError as problem:
            connection.send_error(problem)
        except DatabaseError as failure:
            connection.send_error(_problem_of(failure, request.id))

    def _download(self, connection: Connection, request: Download) -> None:
        attachment = self._service.attachments.find(self._room_id, request.attachment_id)
        if attachment is None:
            text = "this room has no attachment with that id"
            raise ProtocolError(ErrorCode.NO_SUCH_ATTACHMENT, text, request.id)
        self.downloads.start(connection, attachment, request.offset, request.id)

    def _finish(self, connection: Connection, key: str, name: str, request: UploadEnd) -> None:
        text = "" if not request.text else check_text(request.text, request.id)  # before: kept
        upload = self._service.uploads.finish(key, connection, request.upload_id, request.id)
        declared = upload.declared
        ts = self._stamp()
        bare = Attachment(0, declared.name, declared.size, declared.mime, declared.sha256,
                          declared.width, declared.height)  # fmt: skip
        store = self._service.attachments

        def commit(seq: int) -> ChatMessage:
            stored = store.post(self._room_id, seq, name, text, ts, key, bare)
            return ChatMessage(seq, name, text, ts, None, stored)

        try:
            message = self._log.post(commit)
        except DatabaseError as failure:
            self._forget_file(upload)
            raise _problem_of(failure, request.id) from None
        if message is None:
            self._forget_file(upload)
            text = "the server cannot store messages right now; send the file again"
            raise ProtocolError(ErrorCode.SERVER_BUSY, text, request.id, 1.0)
        logs.server.info("room %d: %s posted a file of %d bytes", self._room_id, name, bare.size)
        self._post(message)

    def _forget_file(self, upload: Upload) -> None:
        """The file was stored but its message was not: delete it unless another has it."""
        sha256 = upload.declared.sha256
        try:
            if self._service.attachments.has_file(sha256):
                return
        except DatabaseError:
            return  # the sweep at the next start deletes it if unused
        self._service.files.remove(sha256)

    def messages_deleted(self) -> None:
        """Messages of the room were deleted: downloads of their attachments stop."""
        find, room_id = self._service.attachments.find, self._room_id
        try:
            self.downloads.drop_where(
                lambda attachment: find(room_id, attachment.id) is None,
                "that attachment's message was deleted",
            )
        except DatabaseError as failure:
            logs.db.warning("room %d: downloads not checked now: %s", room_id, failure)

    def connection_closed(self, connection: Connection) -> None:
        self._service.uploads.connection_closed(connection)
        self.downloads.connection_closed(connection)

    def close(self) -> None:
        self.downloads.close()


def _problem_of(failure: DatabaseError, request_id: RequestId) -> ProtocolError:
    if failure.transient:
        text = "the server cannot store that right now; try again"
        return ProtocolError(ErrorCode.SERVER_BUSY, text, request_id, 1.0)
    logs.db.error("a file request failed: %s", failure)
    return ProtocolError(ErrorCode.INTERNAL_ERROR, "the server could not do that", request_id)
