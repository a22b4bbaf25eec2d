"""Downloads on a room connection, paced by the reader: a chunk goes out only while the
connection's backlog is under a low mark, and the next when the socket has written some,
so chat frames are never queued behind a whole file and a slow reader never nears the
1 MiB cut-off because of one."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QFile, QObject

from app.server.connection import Connection
from app.server.file_store import FileStore
from app.shared import logs
from app.shared.protocol import (
    MAX_CHUNK_BYTES,
    Attachment,
    DownloadChunk,
    DownloadEnd,
    ErrorCode,
    ProtocolError,
    RequestId,
)

LOW_MARK = 32 * 1024  # backlog under which the next chunk goes out
MAX_QUEUED = 16  # downloads one connection may have waiting


@dataclass(slots=True)
class _Download:
    attachment: Attachment
    offset: int
    request_id: RequestId
    file: QFile | None = None


class _Pump(QObject):
    """One connection's downloads, served one after another."""

    def __init__(self, connection: Connection, files: FileStore) -> None:
        super().__init__(connection)
        self._connection = connection
        self._files = files
        self.queue: deque[_Download] = deque()
        self._pumping = False
        connection.drained_signal().connect(self.pump)

    def pump(self, _written: int = 0) -> None:
        # An unbuffered socket emits bytes-written from inside the write the kernel took
        # whole, so this is called again from `connection.send` below: that call has
        # nothing to do, the loop here goes on.
        if self._pumping:
            return
        self._pumping = True
        try:
            self._pump()
        finally:
            self._pumping = False

    def _pump(self) -> None:
        connection = self._connection
        while self.queue and connection.is_open and connection.backlog < LOW_MARK:
            download = self.queue[0]
            if download.file is None and not self._open(download):
                continue
            assert download.file is not None
            size = download.attachment.size
            if download.offset < size:
                data = bytes(download.file.read(MAX_CHUNK_BYTES).data())
                if not data:  # the file is shorter than its row says
                    self._fail(download, "the file could not be read")
                    continue
                connection.send(DownloadChunk(download.attachment.id, download.offset, data))
                download.offset += len(data)
                continue
            download.file.close()
            self.queue.popleft()
            attachment = download.attachment
            connection.send(DownloadEnd(attachment.id, attachment.sha256, download.request_id))

    def _open(self, download: _Download) -> bool:
        file = self._files.open(download.attachment.sha256)
        if file is None or not file.seek(download.offset):
            self._fail(download, "that file is missing")
            return False
        download.file = file
        return True

    def _fail(self, download: _Download, text: str) -> None:
        logs.server.error("attachment %d: %s", download.attachment.id, text)
        if download.file is not None:
            download.file.close()
        self.queue.popleft()
        problem = ProtocolError(ErrorCode.NO_SUCH_ATTACHMENT, text, download.request_id)
        self._connection.send_error(problem)

    def drop_where(self, gone: Callable[[Attachment], bool], text: str) -> None:
        """Stop the downloads of attachments `gone` says are gone, each with an error."""
        for download in [d for d in self.queue if gone(d.attachment)]:
            if download.file is not None:
                download.file.close()
            self.queue.remove(download)
            problem = ProtocolError(ErrorCode.NO_SUCH_ATTACHMENT, text, download.request_id)
            self._connection.send_error(problem)

    def stop(self) -> None:
        for download in self.queue:
            if download.file is not None:
                download.file.close()
        self.queue.clear()


class Downloads:
    """The downloads of one room's connections."""

    def __init__(self, files: FileStore) -> None:
        self._files = files
        self._pumps: dict[Connection, _Pump] = {}

    def start(
        self, connection: Connection, attachment: Attachment, offset: int, rid: RequestId
    ) -> None:
        """Queue the download (raises `rate_limited` past MAX_QUEUED, `bad_request` for an
        offset past the end) and send what the reader has room for."""
        if offset > attachment.size:
            text = f"offset is past the end of the file ({attachment.size} bytes)"
            raise ProtocolError(ErrorCode.BAD_REQUEST, text, rid)
        pump = self._pumps.get(connection)
        if pump is None:
            pump = self._pumps[connection] = _Pump(connection, self._files)
        if len(pump.queue) >= MAX_QUEUED:
            text = f"at most {MAX_QUEUED} downloads wait at once"
            raise ProtocolError(ErrorCode.RATE_LIMITED, text, rid, 1.0)
        pump.queue.append(_Download(attachment, offset, rid))
        pump.pump()

    def drop_where(self, gone: Callable[[Attachment], bool], text: str) -> None:
        """Stop, with `no_such_attachment`, every download of an attachment `gone` names."""
        for pump in list(self._pumps.values()):
            pump.drop_where(gone, text)

    def connection_closed(self, connection: Connection) -> None:
        pump = self._pumps.pop(connection, None)
        if pump is not None:
            pump.stop()

    def close(self) -> None:
        for pump in self._pumps.values():
            pump.stop()
        self._pumps.clear()
