"""A room's downloads over its connection: one at a time per attachment, a few asked for at
once, chunks routed to their `Download`, resumed by offset after a reconnect."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from app.client.downloads import Download
from app.shared.protocol import (
    Attachment,
    DownloadChunk,
    DownloadEnd,
    ErrorCode,
    ErrorReply,
    Request,
)
from app.shared.protocol import Download as DownloadRequest

ID_PREFIX = "download-"
MAX_ASKED = 4  # downloads asked for at once (the server queues up to 16 per connection)


class Sender(Protocol):
    def send(self, message: Request) -> bool: ...


class Purpose(StrEnum):
    """Why a file is fetched: for its thumbnail (into the cache) or to keep (Downloads)."""

    THUMBNAIL = "thumbnail"
    SAVE = "save"


@dataclass(eq=False)
class _Job:
    attachment: Attachment
    purpose: Purpose
    path: str
    reserved: bool
    download: Download | None = None


class Transfers(QObject):
    """Downloads of one room. `fetch(attachment, purpose, path, reserved)` writes the
    attachment to `path` (see `downloads.Download`).

    Signals:
        progressed(int, int, int): attachment id, bytes received, size (saves only).
        finished(int, str, str): attachment id, the `Purpose`, the file's path.
        failed(int, str, str): attachment id, the `Purpose`, why (`corrupt`,
            `write_failed`, `no_such_attachment`, `cancelled`, …).
    """

    progressed = Signal(int, int, int)
    finished = Signal(int, str, str)
    failed = Signal(int, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.link: Sender | None = None
        self._waiting: list[_Job] = []
        self._asked: dict[int, _Job] = {}  # by attachment id
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._ask)

    def fetch(self, attachment: Attachment, purpose: Purpose, path: str, reserved: bool) -> None:
        self._waiting.append(_Job(attachment, purpose, path, reserved))
        self._ask()

    def busy(self, attachment_id: int, purpose: Purpose) -> bool:
        jobs = [*self._waiting, *self._asked.values()]
        return any(j.attachment.id == attachment_id and j.purpose == purpose for j in jobs)

    def set_link(self, link: Sender | None) -> None:
        """In the room again (ask again, from where each download stopped), or out."""
        self.link = link
        if link is None:
            return
        for job in self._asked.values():
            assert job.download is not None
            link.send(_request(job.attachment.id, job.download.offset))
        self._ask()

    def on_event(self, event: object) -> None:
        if isinstance(event, DownloadChunk):
            job = self._asked.get(event.attachment_id)
            if job is not None and job.download is not None:
                job.download.feed(event.offset, event.data)
        elif isinstance(event, DownloadEnd):
            job = self._asked.get(event.attachment_id)
            if job is not None and job.download is not None:
                job.download.finish(event.sha256)

    def on_error(self, error: ErrorReply) -> bool:
        """A refusal of one of our downloads (True: it was one of them)."""
        if not isinstance(error.id, str) or not error.id.startswith(ID_PREFIX):
            return False
        job = self._asked.get(int(error.id.removeprefix(ID_PREFIX) or 0))
        if job is None or job.download is None:
            return True
        if error.code == ErrorCode.RATE_LIMITED:  # too many asked: ask again later
            del self._asked[job.attachment.id]
            self._waiting.insert(0, job)  # its Download (and reserved name) kept for then
            self._retry.start(int(1000 * max(float(error.retry_after or 1), 0.2)))
            return True
        self._end(job, None, error.code)
        return True

    def _ask(self) -> None:
        if self.link is None or self._retry.isActive():
            return
        for job in list(self._waiting):
            if len(self._asked) >= MAX_ASKED:
                return
            if job.attachment.id in self._asked:
                continue  # one download of an attachment at a time
            self._waiting.remove(job)
            if job.download is None:
                job.download = self._download(job)
                if job.download.done:  # could not even open the file
                    self.failed.emit(job.attachment.id, str(job.purpose), "write_failed")
                    continue
            self._asked[job.attachment.id] = job
            self.link.send(_request(job.attachment.id, job.download.offset))

    def _download(self, job: _Job) -> Download:
        attachment = job.attachment
        download = Download(job.path, attachment.size, attachment.sha256, job.reserved)
        download.progressed.connect(self._progress_of(job))
        download.finished.connect(lambda path: self._end(job, path, ""))
        download.failed.connect(lambda reason: self._end(job, None, reason))
        return download

    def _progress_of(self, job: _Job):  # type: ignore[no-untyped-def]
        def progressed(received: int, size: int) -> None:
            if job.purpose == Purpose.SAVE:
                self.progressed.emit(job.attachment.id, received, size)

        return progressed

    def _end(self, job: _Job, path: str | None, reason: str) -> None:
        if self._asked.get(job.attachment.id) is not job:
            return
        del self._asked[job.attachment.id]
        if job.download is not None and not job.download.done:
            job.download.cancel()
        if path is not None:
            self.finished.emit(job.attachment.id, str(job.purpose), path)
        else:
            self.failed.emit(job.attachment.id, str(job.purpose), reason)
        self._ask()

    def close(self) -> None:
        self.link = None
        for job in [*self._asked.values(), *self._waiting]:
            if job.download is not None:
                job.download.cancel()
        self._asked.clear()
        self._waiting.clear()


def _request(attachment_id: int, offset: int) -> DownloadRequest:
    return DownloadRequest(attachment_id, offset, f"{ID_PREFIX}{attachment_id}")
